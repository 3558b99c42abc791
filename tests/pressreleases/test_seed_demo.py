"""seed_demo: deterministic, realistic demo content, and refusals of bad arguments."""

import datetime as dt
import io
import itertools
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from pressreleases.demo import seed_demo
from pressreleases.models import Appointment, Organisation, Person, PressRelease, Quote
from pressreleases.sanitizing import sanitize_html
from pressreleases.search import search_releases
from taxonomy.models import FieldOfWork, Structure

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def export() -> str:
    out = io.StringIO()
    call_command("export_content", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def remove_content() -> None:
    for model in (Quote, TaggedItem, Tag, PressRelease, Appointment, Person, Organisation):
        model.objects.all().delete()


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """400 releases from seed 3, made once in an outer transaction for the tests that examine
    what was generated; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo(400, 3)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(generated, db):
    return PressRelease.objects.prefetch_related(
        "sources", "fields_of_work", "countries", "quotes__appointment", "tags"
    )


def test_the_same_count_and_seed_give_identical_content():
    seed("--count", "150", "--seed", "7")
    first = export()
    remove_content()

    seed("--count", "150", "--seed", "7")

    # The export holds every field of every record, timestamps included.
    assert export() == first
    assert PressRelease.objects.count() == 150


def test_another_seed_gives_other_content(taxonomy):
    seed_demo(30, 1)
    titles = set(PressRelease.objects.values_list("title", flat=True))
    remove_content()

    seed_demo(30, 2)

    assert titles != set(PressRelease.objects.values_list("title", flat=True))


def planner_row_estimate(table: str) -> int | None:
    """The number of rows the database's statistics give `table`; None when it has none."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            (rows,) = cursor.fetchone()
            return None if rows < 0 else int(rows)  # -1: never analysed
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        # The first number of a table's stat line is its row count.
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        found = cursor.fetchone()
        return int(found[0].split()[0]) if found else None


def test_the_database_statistics_are_read_again_after_seeding(taxonomy):
    seed_demo(30, 1)

    assert planner_row_estimate("pressreleases_pressrelease") == 30
    assert planner_row_estimate("pressreleases_quote") == Quote.objects.count()


def test_another_seed_adds_a_second_batch_with_its_own_slugs(taxonomy):
    seed_demo(60, 1)
    seed_demo(60, 2)

    assert PressRelease.objects.count() == 120
    assert Person.objects.count() == 80
    assert PressRelease.objects.filter(import_key__startswith="seed-demo:2:").count() == 60


def test_a_seed_already_used_in_the_database_is_refused_and_nothing_is_written(taxonomy):
    seed_demo(20, 5)
    before = export()

    with pytest.raises(CommandError) as refusal:
        seed("--count", "20", "--seed", "5")

    assert str(refusal.value) == (
        "This database already holds the demo content of seed 5. Use another seed to add more, "
        "or start from an empty database. Nothing was written."
    )
    assert export() == before


def test_the_taxonomy_is_loaded_first_when_the_database_has_none():
    output = seed("--count", "5")

    assert "The OSCE taxonomy was not loaded yet; loaded it first." in output
    assert FieldOfWork.objects.count() == 23
    assert Structure.objects.count() == 45


def test_the_command_reports_progress_and_a_summary(taxonomy):
    output = seed("--count", "2500", "--seed", "9")

    assert output.splitlines()[:2] == [
        "Releases: 2,000/2,500 (80%)",
        "Releases: 2,500/2,500 (100%)",
    ]
    assert output.splitlines()[-1].startswith("Added 2,500 releases with ")


def test_the_command_is_silent_at_verbosity_zero(taxonomy):
    assert seed("--count", "3", "--verbosity", "0") == ""
    assert PressRelease.objects.count() == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--count", "0"], "argument --count: must be at least 1, not 0."),
        (["--count", "-5"], "argument --count: must be at least 1, not -5."),
        (["--count", "ten"], "argument --count: 'ten' is not a whole number."),
        (["--count", "2.5"], "argument --count: '2.5' is not a whole number."),
        (["--seed", "x"], "argument --seed: 'x' is not a whole number."),
        (["--seed", "-1"], "argument --seed: must be at least 0"),
    ],
)
def test_bad_arguments_are_refused(args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        seed(*args)
    assert PressRelease.objects.count() == 0


# What is generated ------------------------------------------------------------------------------


def test_every_release_has_the_documented_shape(demo):
    for release in demo:
        assert 1 <= len(release.sources.all()) <= 3, release.slug
        assert 1 <= len(release.fields_of_work.all()) <= 4, release.slug
        assert 0 <= len(release.countries.all()) <= 3, release.slug
        assert 0 <= len(release.quotes.all()) <= 6, release.slug
        assert 4 <= release.body.count("<p>") <= 9, release.slug
        assert release.body == sanitize_html(release.body)
        assert release.lead in release.body
        assert release.places
        assert release.title


def test_statuses_come_in_the_documented_shares(demo):
    now = timezone.now()
    drafts = demo.filter(status=PressRelease.Status.DRAFT)
    in_review = demo.filter(status=PressRelease.Status.IN_REVIEW)
    withdrawn = demo.filter(status=PressRelease.Status.WITHDRAWN)
    scheduled = demo.scheduled()

    assert 8 <= drafts.count() <= 36  # about 5 %
    assert 2 <= in_review.count() <= 16  # about 2 %
    assert 4 <= scheduled.count() <= 24  # about 3 %
    assert 2 <= withdrawn.count() <= 16  # about 2 %
    assert demo.public().count() == 400 - sum(
        qs.count() for qs in (drafts, in_review, withdrawn, scheduled)
    )
    assert not drafts.filter(publish_at__isnull=False).exists()
    assert all(r.publish_at.year == 2030 and r.publish_at > now for r in scheduled)
    for release in withdrawn:
        assert release.withdrawal_reason
        assert release.publish_at < release.withdrawn_at <= dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
    published = demo.public().order_by("publish_at")
    assert published.first().publish_at.year == 2001
    assert published.last().publish_at < dt.datetime(2026, 7, 1, tzinfo=dt.UTC)


def test_quotes_carry_the_role_the_speaker_held_on_the_day(demo):
    quotes = Quote.objects.select_related("release", "appointment", "speaker")
    assert quotes.count() > 400
    for quote in quotes.filter(speaker__isnull=False, needs_review=False):
        release = quote.release
        day = (release.publish_at or release.created_at).date()
        assert quote.appointment.person_id == quote.speaker_id
        assert quote.appointment.covers(day), (quote.pk, day)
    for quote in quotes:
        assert quote.text in quote.release.body or quote.text[:-1] in quote.release.body


def test_speakers_change_roles_over_time(demo):
    moved = [
        person
        for person in Person.objects.prefetch_related("appointments")
        if len(person.appointments.all()) >= 2
    ]
    assert moved
    for person in moved:
        appointments = sorted(person.appointments.all(), key=lambda a: a.start_date)
        for earlier, later in itertools.pairwise(appointments):
            assert earlier.end_date < later.start_date


def test_some_releases_are_in_russian_with_cyrillic_text(demo):
    russian = demo.filter(language=PressRelease.Language.RUSSIAN)

    assert russian.exists()
    for release in russian:
        assert CYRILLIC.search(release.title)
        assert CYRILLIC.search(release.body)
        assert re.fullmatch(r"[a-z0-9-]+", release.slug)
    for release in demo.filter(translation_of__isnull=False):
        assert release.language == "ru"
        assert release.translation_of.language == "en"


def test_releases_are_tagged_related_and_linked_to_meetings(demo):
    tagged = TaggedItem.objects.values("object_id").distinct()
    assert tagged.count() > 300
    assert demo.filter(related__isnull=False).distinct().exists()
    assert demo.filter(meeting_series__isnull=False).distinct().exists()
    assert demo.filter(content_type=PressRelease.ContentType.SPEECH).exists()
    assert len(set(demo.values_list("title", flat=True))) > 390


def test_demo_releases_can_be_found_by_search(demo):
    release = demo.public().filter(language="en").order_by("publish_at").first()
    word = max(release.title.split(), key=len)

    found = search_releases(PressRelease.objects.public(), word)

    assert release in found
