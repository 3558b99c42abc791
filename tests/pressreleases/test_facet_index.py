"""The facet keys follow every write that changes what a release is counted under, and their
totals always equal what a rebuild from scratch gives."""

import datetime
import threading
import time
from collections import Counter
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from pyroaring import BitMap
from taggit.models import Tag

from pressreleases.facet_index import (
    CHOICE_CODES,
    pack,
    public_value_counts,
    public_value_sets,
    rebuild_facet_keys,
    reconcile_facet_keys,
    refresh_facet_keys,
    tally,
    totals_moved_at_end,
)
from pressreleases.models import (
    Appointment,
    Facet,
    FacetKeys,
    FacetTotal,
    Organisation,
    Person,
    PressRelease,
)
from pressreleases.search import batched_indexing
from taxonomy.models import FieldOfWork, Structure
from tests.factories import (
    AppointmentFactory,
    OrganisationFactory,
    PersonFactory,
    PressReleaseFactory,
    QuoteFactory,
)
from tests.helpers import at, country, field, structure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]


def keys(release: PressRelease) -> set[tuple[int, int]]:
    return set(
        tally(FacetKeys.objects.filter(release_id=release.pk).values_list("keys", flat=True))
    )


def members() -> dict[tuple[int, int], set[int]]:
    """The releases of each total that counts any, checked against its number."""
    found = {}
    rows = FacetTotal.objects.values_list("facet", "value", "releases", "members")
    for facet, value, n, packed in rows:
        releases = set(BitMap.deserialize(bytes(packed)))
        assert len(releases) == n
        if n:
            found[(facet, value)] = releases
    return found


def totals() -> dict[tuple[int, int], int]:
    return {key: len(releases) for key, releases in members().items()}


def stored() -> tuple[Counter, dict]:
    rows = FacetKeys.objects.values_list("release_id", "counted", "keys")
    return Counter(
        (release, counted, facet, value)
        for release, counted, packed in rows
        for facet, value in tally([packed])
    ), members()


def assert_as_rebuilt() -> None:
    """The keys and totals written step by step are those a rebuild writes, and each total
    holds the releases the public sees with its key."""
    before = stored()
    rebuild_facet_keys()
    assert stored() == before
    counted: dict[tuple[int, int], set[int]] = {}
    for release, is_counted, facet, value in before[0]:
        if is_counted:
            counted.setdefault((facet, value), set()).add(release)
    assert before[1] == counted


@pytest.fixture
def release() -> PressRelease:
    secretariat = structure("secretariat")
    unit = Structure.objects.filter(parent__parent=secretariat).first()
    ministry = OrganisationFactory(slug="ministry")
    ana = PersonFactory(slug="ana")
    role = AppointmentFactory(person=ana, organisation=ministry)
    release = PressReleaseFactory(
        content_type=PressRelease.ContentType.NEWS,
        language=PressRelease.Language.SERBIAN,
        publish_at=at(2021, 12, 31, 23, 30),  # already 2022 in Vienna
        fields_of_work=[field("migration")],
        countries=[country("serbia")],
        sources=[unit],
    )
    QuoteFactory(release=release, speaker=ana, appointment=role)
    release.tags.add("schools")
    return release


def test_a_published_release_is_keyed_by_every_value_it_is_counted_under(release):
    unit = release.sources.get()
    ana = release.quotes.get().speaker
    assert keys(release) == {
        (Facet.TYPE, CHOICE_CODES[Facet.TYPE]["news"]),
        (Facet.LANGUAGE, CHOICE_CODES[Facet.LANGUAGE]["sr"]),
        (Facet.YEAR, 2022),
        (Facet.FIELD, field("migration").pk),
        (Facet.COUNTRY, country("serbia").pk),
        # The unit, its department and the Secretariat: a structure counts its subtree.
        (Facet.STRUCTURE, unit.pk),
        (Facet.STRUCTURE, unit.parent_id),
        (Facet.STRUCTURE, structure("secretariat").pk),
        (Facet.SPEAKER, ana.pk),
        # Quoted in a role with the ministry.
        (Facet.ORGANISATION, Organisation.objects.get(slug="ministry").pk),
        (Facet.TAG, Tag.objects.get(name="schools").pk),
        (Facet.QUOTES, 1),  # its number of quotes
        (Facet.QUOTE_YEAR, 2022),  # and its year, as it has quotes
    }
    assert_as_rebuilt()


@pytest.mark.parametrize(
    "status", [PressRelease.Status.DRAFT, PressRelease.Status.IN_REVIEW, "withdrawn"]
)
def test_only_published_releases_have_keys(release, status):
    assert totals()[(Facet.YEAR, 2022)] == 1

    release.status = status
    release.withdrawal_reason = "Sent early."
    release.save()

    assert keys(release) == set()
    assert (Facet.YEAR, 2022) not in totals()
    assert_as_rebuilt()


def test_a_scheduled_release_has_keys_before_its_time_but_they_are_not_counted(release):
    release.publish_at = at(2099, 1, 1, 10)
    release.save(update_fields=["publish_at"])

    assert (Facet.YEAR, 2099) in keys(release)
    assert (Facet.YEAR, 2022) not in keys(release)
    assert FacetKeys.objects.get(release_id=release.pk).counted is False
    assert totals() == {}
    assert_as_rebuilt()


def test_a_release_come_due_is_read_at_once_and_counted_by_the_next_write(release, monkeypatch):
    release.publish_at = at(2099, 1, 1, 10)
    release.save(update_fields=["publish_at"])
    assert public_value_counts()[Facet.YEAR] == Counter()

    later = at(2099, 1, 1, 10, 1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert public_value_counts()[Facet.YEAR] == Counter({2099: 1})
    # Reading wrote nothing.
    assert FacetKeys.objects.get(release_id=release.pk).counted is False
    assert totals() == {}
    PressReleaseFactory(publish_at=at(2024, 1, 1))  # any write
    assert FacetKeys.objects.get(release_id=release.pk).counted is True
    assert totals()[(Facet.YEAR, 2099)] == 1
    assert public_value_counts()[Facet.YEAR] == Counter({2099: 1, 2024: 1})  # counted once
    assert_as_rebuilt()
    # Rescheduled, it leaves the totals again.
    release.publish_at = at(2099, 6, 1, 10)
    release.save(update_fields=["publish_at"])
    assert (Facet.YEAR, 2099) not in totals()
    assert public_value_counts()[Facet.YEAR] == Counter({2024: 1})
    assert_as_rebuilt()


def edit_links(release):
    release.fields_of_work.add(field("youth"))
    field("migration").press_releases.remove(release)
    release.countries.clear()
    country("austria").press_releases.add(release)


def clear_a_term(release):
    field("migration").press_releases.clear()


def edit_quotes(release):
    quote = release.quotes.get()
    quote.speaker = PersonFactory(slug="boris")
    quote.appointment = None
    quote.organisation = OrganisationFactory(slug="agency")
    quote.save()
    QuoteFactory(release=release, speaker=PersonFactory(slug="cleo"))


def delete_the_quote(release):
    release.quotes.get().delete()


def move_the_role(release):
    role = Appointment.objects.get()
    role.organisation = OrganisationFactory(slug="agency")
    role.save()


def delete_the_role(release):
    Appointment.objects.get().delete()


def move_the_unit(release):
    unit = release.sources.get()
    unit.parent = structure("office-for-democratic-institutions-and-human-rights")
    unit.save()


def delete_the_term(release):
    field("migration").delete()


def retag(release):
    release.tags.remove("schools")
    release.tags.add("borders")
    Tag.objects.filter(name="borders").delete()


def change_type_and_time(release):
    release.content_type = PressRelease.ContentType.SPEECH
    release.publish_at = at(2019, 3, 1, 10)
    release.save(update_fields=["content_type", "publish_at"])


def delete_the_release(release):
    release.delete()


def delete_by_queryset(release):
    PressRelease.objects.filter(pk=release.pk).delete()


def in_one_batch(release):
    with batched_indexing():
        edit_links(release)
        edit_quotes(release)


@pytest.mark.parametrize(
    ("change", "gone", "added"),
    [
        (
            edit_links,
            [(Facet.FIELD, "migration"), (Facet.COUNTRY, "serbia")],
            [(Facet.FIELD, "youth"), (Facet.COUNTRY, "austria")],
        ),
        (clear_a_term, [(Facet.FIELD, "migration")], []),
        (
            edit_quotes,
            [(Facet.SPEAKER, "ana"), (Facet.ORGANISATION, "ministry")],
            [(Facet.SPEAKER, "boris"), (Facet.SPEAKER, "cleo"), (Facet.ORGANISATION, "agency")],
        ),
        (delete_the_quote, [(Facet.SPEAKER, "ana"), (Facet.ORGANISATION, "ministry")], []),
        (move_the_role, [(Facet.ORGANISATION, "ministry")], [(Facet.ORGANISATION, "agency")]),
        (delete_the_role, [(Facet.ORGANISATION, "ministry")], []),
        (
            move_the_unit,
            [(Facet.STRUCTURE, "secretariat")],
            [(Facet.STRUCTURE, "office-for-democratic-institutions-and-human-rights")],
        ),
        (delete_the_term, [(Facet.FIELD, "migration")], []),
        (retag, [(Facet.TAG, "schools")], []),
        (
            change_type_and_time,
            [(Facet.TYPE, "news"), (Facet.YEAR, 2022)],
            [(Facet.TYPE, "speech"), (Facet.YEAR, 2019)],
        ),
        (
            in_one_batch,
            [(Facet.FIELD, "migration"), (Facet.SPEAKER, "ana")],
            [(Facet.FIELD, "youth"), (Facet.SPEAKER, "cleo")],
        ),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_every_change_to_what_a_release_is_counted_under_moves_its_keys(
    release, change, gone, added
):
    named = {
        Facet.FIELD: lambda slug: FieldOfWork.objects.get(slug=slug).pk,
        Facet.COUNTRY: lambda slug: country(slug).pk,
        Facet.STRUCTURE: lambda slug: structure(slug).pk,
        Facet.SPEAKER: lambda slug: Person.objects.get(slug=slug).pk,
        Facet.ORGANISATION: lambda slug: Organisation.objects.get(slug=slug).pk,
        Facet.TAG: lambda slug: Tag.objects.get(slug=slug).pk,
        Facet.TYPE: lambda value: CHOICE_CODES[Facet.TYPE][value],
        Facet.YEAR: lambda year: year,
    }
    gone_keys = {(facet, named[facet](value)) for facet, value in gone}

    change(release)

    added_keys = {(facet, named[facet](value)) for facet, value in added}
    assert not gone_keys & keys(release)
    assert added_keys <= keys(release)
    for key in gone_keys:
        assert key not in totals()
    for key in added_keys:
        assert totals()[key] == 1
    assert_as_rebuilt()


@pytest.mark.parametrize("delete", [delete_the_release, delete_by_queryset])
def test_a_deleted_release_takes_its_keys_and_totals_with_it(release, delete):
    delete(release)

    assert FacetKeys.objects.count() == 0
    assert totals() == {}


def test_totals_add_up_over_releases(release):
    PressReleaseFactory(
        content_type=PressRelease.ContentType.NEWS, fields_of_work=[field("migration")]
    )
    news = (Facet.TYPE, CHOICE_CODES[Facet.TYPE]["news"])

    assert totals()[news] == 2
    assert totals()[(Facet.FIELD, field("migration").pk)] == 2
    assert_as_rebuilt()


def test_reconcile_refreshes_releases_written_around_the_signals(release):
    other = PressReleaseFactory()
    # Written the way seed_demo and QuerySet.update write: no signals, no keys moved.
    PressRelease.objects.bulk_create(
        [PressRelease(title="Bulk", slug="bulk", status="published", publish_at=at(2020, 1, 1))]
    )
    PressRelease.objects.filter(pk=other.pk).update(status=PressRelease.Status.DRAFT)

    assert reconcile_facet_keys() == 2
    assert keys(other) == set()
    assert (Facet.YEAR, 2020) in keys(PressRelease.objects.get(slug="bulk"))
    assert_as_rebuilt()
    assert reconcile_facet_keys() == 0


def test_rebuild_command_rebuilds_the_facet_keys_too(release):
    FacetKeys.objects.all().delete()
    FacetTotal.objects.all().delete()
    out = StringIO()

    call_command("rebuild_search_index", "--dry-run", stdout=out)
    assert FacetKeys.objects.count() == 0
    assert "Would write 13 facet keys" in out.getvalue()

    call_command("rebuild_search_index", stdout=out)
    assert len(keys(release)) == 13
    assert "Wrote 13 facet keys" in out.getvalue()
    assert_as_rebuilt()


def test_a_year_is_read_in_the_site_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"
    late = PressReleaseFactory(publish_at=datetime.datetime(2022, 1, 1, 3, tzinfo=datetime.UTC))

    assert (Facet.YEAR, 2021) in keys(late)


def test_refreshing_several_releases_at_once_rewrites_each_ones_keys(release):
    other = PressReleaseFactory(fields_of_work=[field("migration")])
    expected = stored()

    refresh_facet_keys([release.pk, other.pk, release.pk])

    assert stored() == expected
    assert len(keys(release)) == 13
    assert len(keys(other)) == 4


def test_a_role_given_an_organisation_afterwards_counts_for_it(release):
    role = Appointment.objects.get()
    role.organisation = None
    role.save()
    ministry = (Facet.ORGANISATION, Organisation.objects.get(slug="ministry").pk)
    assert ministry not in keys(release)

    role.organisation = Organisation.objects.get(slug="ministry")
    role.save()

    assert ministry in keys(release)
    assert_as_rebuilt()


def test_packed_keys_tally_back_to_each_key_with_its_number_of_releases():
    largest = (1 << 48) - 1  # the largest value a key holds
    packed = [
        pack({(Facet.YEAR, 2024), (Facet.SPEAKER, largest), (Facet.TYPE, 1)}),
        pack({(Facet.YEAR, 2024), (Facet.TYPE, 2)}),
        pack(set()),
    ]

    assert packed[2] == b""
    assert len(packed[0]) == 3 * 8
    assert tally(packed) == Counter(
        {
            (Facet.YEAR, 2024): 2,
            (Facet.SPEAKER, largest): 1,
            (Facet.TYPE, 1): 1,
            (Facet.TYPE, 2): 1,
        }
    )


def test_each_published_release_has_one_row_of_keys(release):
    PressReleaseFactory(status=PressRelease.Status.DRAFT, publish_at=None)

    assert list(FacetKeys.objects.values_list("release_id", flat=True)) == [release.pk]


@pytest.mark.parametrize("facet", list(Facet))
def test_each_values_public_releases_are_read_with_those_come_due(release, facet, monkeypatch):
    unit = release.sources.get()
    PressReleaseFactory(  # a second release sharing some values, and one not yet public
        content_type=PressRelease.ContentType.NEWS,
        language=PressRelease.Language.ENGLISH,
        publish_at=at(2023, 5, 1, 9),
        fields_of_work=[field("migration"), field("gender-equality")],
        countries=[country("serbia"), country("albania")],
        sources=[unit.parent],
    )
    later = PressReleaseFactory(
        publish_at=at(2099, 1, 1, 10), fields_of_work=[field("migration")], sources=[unit]
    )
    public = list(PressRelease.objects.public().values_list("pk", flat=True))

    sets = public_value_sets(facets=[facet])

    assert set(sets) <= {facet}
    assert {pk for releases in sets[facet].values() for pk in releases} <= set(public)
    counts = {value: len(releases) for value, releases in sets[facet].items()}
    assert counts == public_value_counts(facets=[facet])[facet]
    expected = {
        Facet.TYPE: {CHOICE_CODES[Facet.TYPE]["news"]: 2},
        Facet.LANGUAGE: {
            CHOICE_CODES[Facet.LANGUAGE]["sr"]: 1,
            CHOICE_CODES[Facet.LANGUAGE]["en"]: 1,
        },
        Facet.YEAR: {2022: 1, 2023: 1},
        Facet.FIELD: {field("migration").pk: 2, field("gender-equality").pk: 1},
        Facet.COUNTRY: {country("serbia").pk: 2, country("albania").pk: 1},
        Facet.STRUCTURE: {unit.pk: 1, unit.parent_id: 2, structure("secretariat").pk: 2},
    }
    if facet in expected:
        assert counts == expected[facet]
    if facet == Facet.FIELD:
        assert set(sets[facet][field("gender-equality").pk]) == set(public) - {release.pk}
        # Once its time has come, the scheduled release is in its values' sets before any
        # write counts it.
        monkeypatch.setattr(timezone, "now", lambda: at(2099, 1, 1, 10, 1))
        migration = public_value_sets(facets=[facet])[facet][field("migration").pk]
        assert set(migration) == {*public, later.pk}


@pytest.mark.django_db(transaction=True)
def test_writers_at_once_wait_for_each_others_sets():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer at a time into the database")
    counted = PressReleaseFactory(publish_at=at(2024, 1, 1))  # the year's set exists
    first, second = (
        PressReleaseFactory(status=PressRelease.Status.DRAFT, publish_at=at(2024, 1, 1))
        for _ in range(2)
    )
    # Published without the signals, so that each is counted only by the refresh below.
    PressRelease.objects.filter(pk__in=[first.pk, second.pk]).update(
        status=PressRelease.Status.PUBLISHED
    )
    first_written, second_started = threading.Event(), threading.Event()
    errors = []

    def refresh(release: PressRelease, before_commit: Callable[[], None]) -> None:
        try:
            with transaction.atomic():
                refresh_facet_keys([release.pk])
                before_commit()
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    def hold_until_the_second_waits() -> None:
        first_written.set()
        second_started.wait(5)
        time.sleep(0.5)  # the second writer reads the sets in that time, or waits for them

    writers = [
        threading.Thread(target=refresh, args=(first, hold_until_the_second_waits)),
        threading.Thread(target=refresh, args=(second, lambda: None)),
    ]
    writers[0].start()
    first_written.wait(5)
    writers[1].start()
    second_started.set()
    for writer in writers:
        writer.join(10)

    assert errors == []
    assert members()[(Facet.YEAR, 2024)] == {counted.pk, first.pk, second.pk}
    assert_as_rebuilt()


def test_a_bulk_writer_moves_releases_in_the_totals_once_at_the_end(release):
    other = PressReleaseFactory(fields_of_work=[field("youth")])
    youth, migration = (Facet.FIELD, field("youth").pk), (Facet.FIELD, field("migration").pk)
    before = members()

    with transaction.atomic(), totals_moved_at_end():
        release.fields_of_work.set([field("youth")])  # loses migration, gains youth
        release.fields_of_work.set([field("migration")])  # and back
        other.fields_of_work.set([field("migration")])
        assert members() == before  # nothing moved yet

    assert members()[migration] == {release.pk, other.pk}
    assert youth not in members()
    assert_as_rebuilt()
