"""export_content / import_content: the JSON round trip, idempotent upserts, public-only exports,
and refusal of broken documents before anything is written."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag, TaggedItem

from pressreleases.models import (
    Appointment,
    Attachment,
    Image,
    Organisation,
    Person,
    PressRelease,
    Quote,
)
from pressreleases.portability import export_content, import_content
from pressreleases.portability.jsonstream import JSONStreamError, members
from pressreleases.search import search_quotes, search_releases
from taxonomy.loading import load_file
from taxonomy.models import Chairpersonship, Country, FieldOfWork, MeetingSeries, Structure
from tests.factories import (
    AppointmentFactory,
    OrganisationFactory,
    PersonFactory,
    PressReleaseFactory,
    QuoteFactory,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
CONTENT_MODELS = (
    Quote,
    Image,
    Attachment,
    TaggedItem,
    Tag,
    PressRelease,
    Appointment,
    Person,
    Organisation,
)
TAXONOMY_MODELS = (Chairpersonship, Structure, Country, FieldOfWork, MeetingSeries)


def wipe() -> None:
    """Empty every table the export covers, as in a freshly migrated database."""
    for model in CONTENT_MODELS + TAXONOMY_MODELS:
        if model is Structure:
            # Children first: a parent is protected while it has children.
            while Structure.objects.exists():
                Structure.objects.filter(children__isnull=True).delete()
        else:
            model.objects.all().delete()


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in CONTENT_MODELS + TAXONOMY_MODELS}


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_content", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_import(path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_content", str(path), *args, stdout=out)
    return out.getvalue()


def write(tmp_path, text: str, name: str = "dump.json"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def moment(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker):
    """The taxonomy and `make_content()`, created once for the module in an outer transaction;
    each test runs in a savepoint inside it (as with `setUpTestData`) and is rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_file()
        rows = make_content()
        yield rows | {"export": export()}
        transaction.set_rollback(True)


@pytest.fixture
def content(newsroom, db):
    return newsroom


def make_content() -> dict[str, PressRelease]:
    """A newsroom in miniature: every kind of record and every state a release can be in."""
    mission = Structure.objects.get(slug="mission-to-bosnia-and-herzegovina")
    secretariat = Structure.objects.get(slug="secretariat")
    bosnia = Country.objects.get(slug="bosnia-and-herzegovina")
    ministry = OrganisationFactory(
        name="Ministry of Security of Bosnia and Herzegovina",
        slug="ministry-of-security-bih",
        kind=Organisation.Kind.GOVERNMENT,
        country=bosnia,
        aliases=["BiH Ministry of Security"],
    )
    mission_organisation = OrganisationFactory(
        name="OSCE Mission to Bosnia and Herzegovina",
        slug="osce-mission-to-bih",
        kind=Organisation.Kind.OSCE_STRUCTURE,
        structure=mission,
        acronym="OSCE BiH",
    )
    unused = OrganisationFactory(name="Academy of Unquoted Studies", slug="unquoted-academy")
    minister = PersonFactory(full_name="Dragan Mektić", honorific="Mr", portrait="people/dm.jpg")
    ministerial = AppointmentFactory(
        person=minister,
        title="Minister of Security of Bosnia and Herzegovina",
        organisation=ministry,
        start_date=dt.date(2015, 3, 31),
        end_date=dt.date(2019, 12, 23),
    )
    AppointmentFactory(person=minister, title="Member of Parliament", start_date=None)
    head = PersonFactory(full_name="Bruce Berton")
    heading = AppointmentFactory(
        person=head,
        title="Head of the OSCE Mission to BiH",
        organisation=mission_organisation,
        start_date=dt.date(2017, 8, 1),
    )
    AppointmentFactory(person=PersonFactory(full_name="Nobody Quoted"), organisation=unused)
    press_officer = PersonFactory(full_name="Ana Kovač")

    original = PressReleaseFactory(
        title="Co-operation on migration-related crime needed more than ever",
        places=["Vienna", "Sarajevo"],
        publish_at=moment(2017, 9, 20, 8, 30),
        created_at=moment(2017, 9, 19, 16, 0, 5, 123456),
        lead="Participants of a regional seminar call for closer co-operation.",
        body="<p>SARAJEVO, 20 September 2017 – The seminar <strong>concludes</strong>.</p>"
        "<p>It was hosted with partners.</p>",
        sources=[secretariat, mission],
        fields_of_work=list(FieldOfWork.objects.filter(slug__in=["migration", "policing"])),
        countries=[bosnia],
        contact_person=press_officer,
        source_url="https://newsroom.example.org/press-releases/migration-seminar",
    )
    original.meeting_series.add(MeetingSeries.objects.get(slug="human-rights-meetings"))
    original.tags.add("migration", "regional co-operation")
    QuoteFactory(
        release=original,
        speaker=minister,
        appointment=ministerial,
        organisation=ministry,
        text="Only with good regional co-operation can we counter this crime.",
        order=0,
    )
    QuoteFactory(release=original, speaker=minister, appointment=ministerial, order=1)
    QuoteFactory(
        release=original,
        speaker=None,
        structure=mission,
        text="The Mission stands ready to help.",
        order=2,
    )
    QuoteFactory(
        release=original,
        speaker=PersonFactory(full_name="Morgane Nicot"),
        role_text="UNOCD Crime Prevention and Criminal Justice Officer",
        needs_review=True,
        review_note="Unknown acronym “UNOCD”.",
        text="Targeting financial assets is feared by smugglers.",
        order=3,
    )
    Image.objects.create(
        release=original,
        file="releases/2017/09/seminar.jpg",
        width=1200,
        height=800,
        alt_text="Participants seated around a table",
        caption="The seminar in Sarajevo",
        credit="OSCE/Example",
        renditions={"960": "releases/2017/09/seminar-960.webp", "480": "r/seminar-480.webp"},
    )
    Attachment.objects.create(
        release=original, file="attachments/2017/09/agenda.pdf", title="Agenda"
    )

    translation = PressReleaseFactory(
        title="Сотрудничество в борьбе с преступлениями, связанными с миграцией",
        slug="sotrudnichestvo-migratsiya",
        language=PressRelease.Language.RUSSIAN,
        translation_of=original,
        publish_at=moment(2017, 9, 20, 9, 0),
        body="<p>САРАЕВО, 20 сентября 2017 года – Семинар завершился.</p>",
    )
    scheduled = PressReleaseFactory(
        title="Follow-up seminar announced",
        publish_at=moment(2031, 1, 15, 9, 0),
        contact_text="Press office\n+43 1 000 00 00",
    )
    withdrawn = PressReleaseFactory(
        title="Seminar postponed",
        status=PressRelease.Status.WITHDRAWN,
        publish_at=moment(2017, 9, 1, 10, 0),
        withdrawal_reason="Issued in error; the seminar took place as planned.",
    )
    draft = PressReleaseFactory(
        title="Draft about the seminar",
        status=PressRelease.Status.DRAFT,
        publish_at=None,
        import_key="a" * 64,
    )
    review = PressReleaseFactory(
        title="Quote from the Head of Mission",
        status=PressRelease.Status.IN_REVIEW,
        publish_at=None,
    )
    QuoteFactory(release=review, speaker=head, appointment=heading, text="Draft words.")
    draft.tags.add("draft-only tag")
    original.related.add(translation, scheduled, draft)
    scheduled.related.add(original)
    return {"original": original, "draft": draft, "withdrawn": withdrawn}


# The round trip ---------------------------------------------------------------------------------


def test_export_import_export_into_an_empty_database_is_byte_identical(content, tmp_path):
    first = export()
    wipe()
    assert set(row_counts().values()) == {0}

    output = run_import(write(tmp_path, first))
    second = export()

    assert second == first
    assert "Imported dump.json." in output
    assert "Releases: 6 created, 0 updated, 0 unchanged" in output
    assert "Quotes: 5 created, 0 updated, 0 unchanged" in output
    assert "Appointments: 4 created, 0 updated, 0 unchanged" in output


def test_round_trip_keeps_every_field_of_a_release(content, tmp_path):
    path = write(tmp_path, export())
    wipe()
    run_import(path)

    original = PressRelease.objects.get(title__startswith="Co-operation on migration")
    assert original.places == ["Vienna", "Sarajevo"]
    assert original.publish_at == moment(2017, 9, 20, 8, 30)
    assert original.created_at == moment(2017, 9, 19, 16, 0, 5, 123456)
    assert original.updated_at == content["original"].updated_at
    assert original.contact_person.full_name == "Ana Kovač"
    assert sorted(original.sources.values_list("slug", flat=True)) == [
        "mission-to-bosnia-and-herzegovina",
        "secretariat",
    ]
    assert sorted(original.tags.names()) == ["migration", "regional co-operation"]
    assert original.translations.get().language == "ru"
    assert sorted(original.related.values_list("title", flat=True)) == [
        "Draft about the seminar",
        "Follow-up seminar announced",
        "Сотрудничество в борьбе с преступлениями, связанными с миграцией",
    ]
    quotes = list(original.quotes.order_by("order"))
    assert [q.role for q in quotes] == [
        "Minister of Security of Bosnia and Herzegovina",
        "Minister of Security of Bosnia and Herzegovina",
        "",
        "UNOCD Crime Prevention and Criminal Justice Officer",
    ]
    assert quotes[2].attribution == "OSCE Mission to Bosnia and Herzegovina"
    assert (quotes[3].needs_review, quotes[3].review_note) == (True, "Unknown acronym “UNOCD”.")
    image = original.images.get()
    assert (image.file.name, image.width, image.height, image.credit) == (
        "releases/2017/09/seminar.jpg",
        1200,
        800,
        "OSCE/Example",
    )
    assert original.attachments.get().file.name == "attachments/2017/09/agenda.pdf"
    withdrawn = PressRelease.objects.get(slug=content["withdrawn"].slug)
    assert withdrawn.withdrawn_at == content["withdrawn"].withdrawn_at
    assert withdrawn.withdrawal_reason == "Issued in error; the seminar took place as planned."
    assert PressRelease.objects.scheduled().get().title == "Follow-up seminar announced"
    assert Person.objects.get(slug=Person.objects.get(full_name="Dragan Mektić").slug).name_key == (
        "dragan mektic"
    )
    assert Organisation.objects.get(slug="ministry-of-security-bih").country.iso_code == "BA"
    assert Structure.objects.get(slug="strategic-police-matters-unit").parent.slug == (
        "transnational-threats-department"
    )


def test_the_export_lists_natural_keys_never_database_ids(content):
    document = json.loads(export())

    release = next(r for r in document["releases"] if r["slug"] == content["original"].slug)
    assert release["sources"] == ["mission-to-bosnia-and-herzegovina", "secretariat"]
    assert release["quotes"][0]["speaker"] == Person.objects.get(full_name="Dragan Mektić").slug
    assert release["quotes"][0]["appointment"] == {
        "person": Person.objects.get(full_name="Dragan Mektić").slug,
        "title": "Minister of Security of Bosnia and Herzegovina",
        "start_date": "2015-03-31",
    }
    assert release["publish_at"] == "2017-09-20T08:30:00Z"
    assert release["created_at"] == "2017-09-19T16:00:05.123456Z"
    assert "id" not in release
    assert "pk" not in release
    assert list(document)[:3] == ["format", "version", "public_only"]
    assert (document["format"], document["version"]) == ("osce-cms-export", 1)


# Idempotency ------------------------------------------------------------------------------------


def test_importing_into_a_database_holding_the_same_content_changes_nothing(content, tmp_path):
    path = write(tmp_path, export())
    before = export()

    first = run_import(path)
    second = run_import(path)

    assert "No changes: the database already holds it all." in first
    assert "No changes: the database already holds it all." in second
    assert "Releases: 0 created, 0 updated, 6 unchanged" in second
    assert export() == before


def test_a_changed_record_is_updated_once_and_then_unchanged(content, tmp_path):
    document = json.loads(export())
    release = next(r for r in document["releases"] if r["slug"] == content["original"].slug)
    release["title"] = "A corrected title"
    release["quotes"] = release["quotes"][:2]
    release["quotes"][1]["text"] = "A corrected quotation."
    release["tags"] = ["migration"]
    release["related"] = []
    path = write(tmp_path, json.dumps(document))

    first = run_import(path)
    second = run_import(path)

    assert "Releases: 0 created, 1 updated, 5 unchanged" in first
    assert "Quotes: 0 created, 1 updated, 1 unchanged, 2 removed" in first
    assert "No changes" in second
    stored = PressRelease.objects.get(slug=content["original"].slug)
    assert stored.title == "A corrected title"
    assert list(stored.quotes.values_list("text", flat=True)) == [
        "Only with good regional co-operation can we counter this crime.",
        "A corrected quotation.",
    ]
    assert list(stored.tags.names()) == ["migration"]
    assert stored.related.count() == 0
    assert stored.updated_at == dt.datetime.fromisoformat(release["updated_at"])


def test_import_keeps_records_the_document_does_not_mention(content, tmp_path):
    document = json.loads(export())
    document["releases"] = [r for r in document["releases"] if r["status"] == "draft"]
    path = write(tmp_path, json.dumps(document))

    run_import(path)

    assert PressRelease.objects.count() == 6


def test_dry_run_reports_what_would_change_and_writes_nothing(content, tmp_path):
    path = write(tmp_path, export())
    wipe()

    output = run_import(path, "--dry-run")

    assert "Releases: 6 created, 0 updated, 0 unchanged" in output
    assert "Dry run: nothing was written." in output
    assert set(row_counts().values()) == {0}


def test_import_accepts_any_json_layout(content, tmp_path):
    first = export()
    pretty = json.dumps(json.loads(first), indent=4, ensure_ascii=True)
    wipe()

    run_import(write(tmp_path, pretty))

    assert export() == first


def test_a_minimal_hand_written_document_takes_the_documented_defaults(content, tmp_path):
    document = {
        "format": "osce-cms-export",
        "version": 1,
        "releases": [
            {
                "slug": "hand-written",
                "title": "Hand-written release",
                "created_at": "2020-01-02T10:00:00+01:00",
                "updated_at": "2020-01-02T10:00:00+01:00",
            }
        ],
    }

    run_import(write(tmp_path, json.dumps(document)))

    release = PressRelease.objects.get(slug="hand-written")
    assert (release.status, release.content_type, release.language) == (
        "draft",
        "press_release",
        "en",
    )
    assert release.created_at == moment(2020, 1, 2, 9, 0)
    assert release.publish_at is None
    assert FieldOfWork.objects.count() == 23


# Public-only exports ----------------------------------------------------------------------------


def test_public_only_export_holds_public_releases_and_only_what_they_reference(content):
    document = json.loads(export("--public-only"))

    titles = sorted(r["title"] for r in document["releases"])
    assert titles == [
        "Co-operation on migration-related crime needed more than ever",
        "Сотрудничество в борьбе с преступлениями, связанными с миграцией",
    ]
    original = next(r for r in document["releases"] if r["title"].startswith("Co-operation"))
    # Links to the scheduled release and the draft would lead nowhere in a public dump.
    assert original["related"] == ["sotrudnichestvo-migratsiya"]
    assert sorted(p["full_name"] for p in document["people"]) == [
        "Ana Kovač",
        "Dragan Mektić",
        "Morgane Nicot",
    ]
    assert sorted(o["slug"] for o in document["organisations"]) == ["ministry-of-security-bih"]
    assert sorted(t["name"] for t in document["tags"]) == ["migration", "regional co-operation"]
    assert len(document["taxonomy"]["countries"]) == 68
    assert document["public_only"] is True


def test_public_only_export_drops_the_link_to_an_original_that_is_not_public(content):
    translation = PressRelease.objects.get(slug="sotrudnichestvo-migratsiya")
    translation.translation_of = content["draft"]
    translation.save()

    document = json.loads(export("--public-only"))

    exported = next(r for r in document["releases"] if r["slug"] == translation.slug)
    assert exported["translation_of"] is None


def test_public_only_export_imports_into_an_empty_database(content, tmp_path):
    public = export("--public-only")
    wipe()

    run_import(write(tmp_path, public))

    assert PressRelease.objects.count() == 2
    assert export("--public-only") == public


# Streaming and determinism ----------------------------------------------------------------------


def test_export_reads_releases_in_chunks_with_a_fixed_number_of_queries(content):
    def queries_for_export() -> int:
        with CaptureQueriesContext(connection) as queries:
            export()
        return len(queries)

    for number in range(3):
        release = PressReleaseFactory()
        release.tags.add(f"tag {number}")
        QuoteFactory(release=release)
    few = queries_for_export()
    for number in range(20):
        release = PressReleaseFactory()
        release.tags.add(f"more {number}")
        QuoteFactory(release=release)

    assert queries_for_export() == few


def test_chunk_boundaries_do_not_change_the_document(content):
    out = io.StringIO()
    export_content(out, chunk_size=2)

    assert out.getvalue() == content["export"]


def test_imported_releases_and_quotes_are_searchable(content, tmp_path):
    path = write(tmp_path, export())
    wipe()

    run_import(path)

    found = search_releases(PressRelease.objects.public(), "seminar concludes")
    assert [r.title for r in found] == [
        "Co-operation on migration-related crime needed more than ever"
    ]
    quotes = search_quotes(Quote.objects.all(), "regional co-operation")
    assert [q.text for q in quotes] == [
        "Only with good regional co-operation can we counter this crime."
    ]


def test_export_writes_one_record_per_line(content):
    lines = export().splitlines()

    release_lines = [line for line in lines if line.startswith('{"slug"') and '"quotes"' in line]
    assert len(release_lines) == 6
    assert all(json.loads(line.rstrip(",")) for line in release_lines)
    assert lines[-1] == "}"


def test_export_to_a_file_writes_the_same_document_and_reports_on_stdout(content, tmp_path):
    out = io.StringIO()
    target = tmp_path / "dump.json"

    call_command("export_content", "--output", str(target), stdout=out)

    assert target.read_text(encoding="utf-8") == export()
    assert "Exported 23 fields_of_work" in out.getvalue()
    assert "6 releases to" in out.getvalue()
    assert not (tmp_path / "dump.json.partial").exists()


def test_export_refuses_appointments_it_could_not_tell_apart(content):
    person = PersonFactory(full_name="Twice Appointed")
    AppointmentFactory(person=person, title="Adviser", start_date=dt.date(2020, 1, 1))
    AppointmentFactory(person=person, title="Adviser", start_date=dt.date(2020, 1, 1))

    with pytest.raises(CommandError, match="twice-appointed: 'Adviser' from 2020-01-01"):
        export()


# Refusals ---------------------------------------------------------------------------------------


def _release(document: dict, slug: str) -> dict:
    return next(r for r in document["releases"] if r["slug"] == slug)


def _mutate(change):
    def apply(text: str, slugs: dict) -> str:
        document = json.loads(text)
        change(document, slugs)
        return json.dumps(document)

    return apply


BROKEN = {
    "truncated": (
        lambda text, slugs: text[: len(text) * 2 // 3],
        "the document ends too early (is the file truncated?)",
    ),
    "not json": (lambda text, slugs: "format: osce", "expected a JSON object, found 'f'"),
    "a list": (lambda text, slugs: "[]", "expected a JSON object, found '['"),
    "trailing garbage": (lambda text, slugs: text + "]", "unexpected text after the end"),
    "wrong format": (
        lambda text, slugs: text.replace('"osce-cms-export"', '"wordpress-export"', 1),
        'not an osce-cms-export document: it must begin with "format": "osce-cms-export".',
    ),
    "wrong version": (
        lambda text, slugs: text.replace('"version": 1', '"version": 2', 1),
        "unsupported version 2: this site reads version 1.",
    ),
    "dangling speaker": (
        _mutate(
            lambda d, s: _release(d, s["original"])["quotes"][0].update(speaker="nobody-at-all")
        ),
        "quotes[0]: 'speaker' names an unknown person 'nobody-at-all'.",
    ),
    "dangling appointment": (
        _mutate(
            lambda d, s: _release(d, s["original"])["quotes"][0]["appointment"].update(
                start_date="2016-01-01"
            )
        ),
        "as 'Minister of Security of Bosnia and Herzegovina' from 2016-01-01.",
    ),
    "bad date": (
        _mutate(lambda d, s: _release(d, s["original"]).update(publish_at="2017-02-30T10:00:00Z")),
        "'publish_at': bad date '2017-02-30T10:00:00Z'",
    ),
    "date without time zone": (
        _mutate(lambda d, s: _release(d, s["original"]).update(publish_at="2017-09-20T10:00:00")),
        "'publish_at': bad date '2017-09-20T10:00:00': expected ISO 8601 with a time zone",
    ),
    "unknown source": (
        _mutate(lambda d, s: _release(d, s["original"])["sources"].append("ministry-of-magic")),
        "'sources' names an unknown structure 'ministry-of-magic'.",
    ),
    "dangling related release": (
        _mutate(lambda d, s: _release(d, s["original"])["related"].append("never-written")),
        "'related' names an unknown release 'never-written'.",
    ),
    "duplicate slug": (
        _mutate(lambda d, s: d["releases"].append(dict(_release(d, s["original"])))),
        "duplicate slug",
    ),
    "published without a time": (
        _mutate(lambda d, s: _release(d, s["original"]).update(publish_at=None)),
        "a published release needs 'publish_at'.",
    ),
    "appointment ends before it starts": (
        _mutate(lambda d, s: d["people"][1]["appointments"][0].update(end_date="1990-01-01")),
        "bad date: ends on 1990-01-01, before it starts on",
    ),
    "unknown status": (
        _mutate(lambda d, s: _release(d, s["original"]).update(status="live")),
        "'status': Value 'live' is not a valid choice.",
    ),
    "title too long": (
        _mutate(lambda d, s: _release(d, s["original"]).update(title="x" * 301)),
        "'title': Ensure this value has at most 300 characters (it has 301).",
    ),
    "wrong type": (
        _mutate(lambda d, s: _release(d, s["original"]).update(places="Vienna")),
        "'places' must be a list of strings, not a string.",
    ),
    "unknown key": (
        _mutate(lambda d, s: _release(d, s["original"]).update(author="someone")),
        "unknown key 'author'.",
    ),
    "structure cycle": (
        _mutate(
            lambda d, s: next(
                x for x in d["taxonomy"]["structures"] if x["slug"] == "secretariat"
            ).update(parent="transnational-threats-department")
        ),
        "its parents form a cycle",
    ),
    "unattributed quote": (
        _mutate(lambda d, s: _release(d, s["original"])["quotes"][2].update(structure=None)),
        "quotes[2]: name a speaker, an organisation or a structure.",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_document_is_refused_before_anything_is_written(content, tmp_path, case):
    break_it, problem = BROKEN[case]
    text = break_it(content["export"], {"original": content["original"].slug})
    before, counts = export(), row_counts()

    with pytest.raises(CommandError) as refusal:
        run_import(write(tmp_path, text))

    assert str(refusal.value).startswith("dump.json was refused; nothing was written:\n  ")
    assert problem in str(refusal.value)
    assert (export(), row_counts()) == (before, counts)


def test_a_broken_document_leaves_an_empty_database_empty(content, tmp_path):
    document = json.loads(content["export"])
    document["releases"][-1]["quotes"] = [{"speaker": "nobody-at-all", "text": "Hello."}]
    wipe()

    with pytest.raises(CommandError, match="'speaker' names an unknown person 'nobody-at-all'"):
        run_import(write(tmp_path, json.dumps(document)))

    assert set(row_counts().values()) == {0}


def test_a_document_clashing_with_stored_rows_is_refused_and_nothing_changes(content, tmp_path):
    document = json.loads(export())
    _release(document, content["original"].slug)["slug"] = "a-new-slug"
    before = export()

    with pytest.raises(CommandError) as refusal:
        run_import(write(tmp_path, json.dumps(document)))

    assert (
        "source_url 'https://newsroom.example.org/press-releases/migration-seminar' of release "
        f"'a-new-slug' already belongs to the stored release '{content['original'].slug}'."
    ) in str(refusal.value)
    assert export() == before


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match=r"missing\.json: cannot be read"):
        run_import(tmp_path / "missing.json")


def test_problems_name_where_they_are_and_stop_after_fifty(content, tmp_path):
    document = {
        "format": "osce-cms-export",
        "version": 1,
        "releases": [{"slug": f"r{n}", "title": "", "updated_at": "now"} for n in range(40)],
    }

    with pytest.raises(CommandError) as refusal:
        run_import(write(tmp_path, json.dumps(document)))

    lines = str(refusal.value).splitlines()[1:]
    assert lines[:3] == [
        "  releases[0] (slug 'r0'): 'title': This field cannot be blank.",
        "  releases[0] (slug 'r0'): missing 'created_at'.",
        "  releases[0] (slug 'r0'): 'updated_at': bad date 'now': expected ISO 8601 with a time "
        "zone, e.g. 2017-09-20T08:00:00Z.",
    ]
    assert len(lines) == 51
    assert lines[-1] == "  (stopped after 50 problems)"


# The stream reader ------------------------------------------------------------------------------


def test_stream_reader_yields_members_and_items_across_buffer_boundaries():
    document = {
        "format": "x",
        "numbers": [1, 22, 333, 4444, -5.5e3],
        "nested": {"a": [1, {"b": "ç“”"}]},
        "empty": [],
        "records": [{"slug": f"item-{n}", "text": "é" * n} for n in range(30)],
    }
    text = json.dumps(document, indent=3, ensure_ascii=False)

    read = {
        key: list(value) if not isinstance(value, dict | str) else value
        for key, value in members(io.StringIO(text), buffer_chars=7)
    }

    assert read == document


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": [1, 2,\n', "line 2: the document ends too early"),
        ('{"a": 1, "a": 2}', "line 1: the key 'a' appears twice."),
        ('{"a": [1 2]}', "line 1: expected ',' or ']' in a list, found '2'."),
        ('{\n"a": {"b": tru}}', "line 2: not valid JSON: Expecting value."),
    ],
)
def test_stream_reader_names_the_line_of_a_syntax_error(text, message):
    def read_all() -> None:
        for _key, value in members(io.StringIO(text), buffer_chars=4):
            if not isinstance(value, dict | int):
                list(value)

    with pytest.raises(JSONStreamError) as error:
        read_all()

    assert str(error.value).startswith(message)


def test_import_content_function_reports_counts_per_section(content, tmp_path):
    report = import_content(write(tmp_path, export()))

    assert report.changed is False
    assert report.sections["releases"].unchanged == 6
    assert report.sections["fields_of_work"].unchanged == 23
