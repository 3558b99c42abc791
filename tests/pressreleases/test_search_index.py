"""Keeping the search index current: rebuilds, bulk writes that bypass signals, reconciliation
after them, and signals that re-index only when something searched changed."""

import datetime
from io import StringIO
from unittest.mock import ANY

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from taggit.models import Tag

from pressreleases.models import PressRelease, Quote
from pressreleases.search import (
    batched_indexing,
    index_releases,
    rebuild_search_index,
    reconcile_search_index,
    reindex,
    search_quotes,
    search_releases,
)
from pressreleases.search.indexes import QUOTES, RELEASES, Document, backend_for
from pressreleases.search.indexing import _documents
from pressreleases.search.text import ENGLISH_STOP_WORDS, RUSSIAN_STOP_WORDS, russian_stem
from taxonomy.models import Structure
from tests.factories import PersonFactory, PressReleaseFactory, QuoteFactory

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.now() - datetime.timedelta(days=1)


def titles(query: str, queryset=None) -> list[str]:
    queryset = PressRelease.objects.public() if queryset is None else queryset
    return [r.title for r in search_releases(queryset, query)]


def indexed(index=RELEASES) -> set[int]:
    return backend_for("default").indexed_keys("default", index)


def bulk_releases(*titles_and_status) -> list[PressRelease]:
    """Releases written the way seed_demo writes them: bulk_create, no signals."""
    return PressRelease.objects.bulk_create(
        PressRelease(
            title=title,
            slug=f"bulk-{n}",
            lead="Written in bulk.",
            status=status,
            publish_at=YESTERDAY,
            withdrawal_reason="Gone." if status == PressRelease.Status.WITHDRAWN else "",
        )
        for n, (title, status) in enumerate(titles_and_status)
    )


PUBLISHED = PressRelease.Status.PUBLISHED
WITHDRAWN = PressRelease.Status.WITHDRAWN


def test_releases_written_in_bulk_are_not_found_until_indexed():
    bulk_releases(("Glacier survey", PUBLISHED), ("Glacier archive", WITHDRAWN))
    assert titles("glacier") == []
    ids = list(PressRelease.objects.values_list("pk", flat=True))
    assert index_releases(ids) == 1
    assert titles("glacier") == ["Glacier survey"]


def test_documents_hold_the_texts_quotes_speakers_sources_and_tags_of_indexed_releases(taxonomy):
    media = Structure.objects.get(slug="representative-on-freedom-of-the-media")
    skopje = Structure.objects.get(slug="mission-to-skopje")
    speaker = PersonFactory(full_name="Ana Petrova")
    release = PressReleaseFactory(
        title="Media <law>",
        lead="A lead.",
        body="<p>First &amp; second.</p><p>Third</p>",
        language=PressRelease.Language.RUSSIAN,
    )
    release.sources.add(skopje)  # one by one: source names follow the order of linking
    release.sources.add(media)
    release.tags.add("media", "Balkans")
    second = QuoteFactory(release=release, speaker=speaker, text="Second words.", order=2)
    first = QuoteFactory(release=release, speaker=speaker, text="First words.", order=1)
    unattributed = QuoteFactory(
        release=release, speaker=None, structure=skopje, text="Body words.", order=3
    )
    withdrawn = PressReleaseFactory(status=WITHDRAWN, withdrawal_reason="Gone.")
    withdrawn.tags.add("media")
    gone = QuoteFactory(release=withdrawn, speaker=speaker)

    releases, quotes, quote_keys = _documents([withdrawn.pk, release.pk], "default")

    assert releases == [
        Document(
            release.pk,
            "ru",
            {
                "title": "Media <law>",
                "lead": "A lead.",
                "body": "First & second. Third",
                "quotes": "First words.\nSecond words.\nBody words.",
                "speakers": "Ana Petrova",
                "tags": "Balkans\nmedia",
                "sources": "Mission to Skopje\nOSCE Mission to Skopje\n"
                "Representative on Freedom of the Media\n"
                "OSCE Representative on Freedom of the Media\nRFoM\nOSCE RFoM",
            },
            {"status": PUBLISHED, "publish_at": ANY},
        )
    ]
    stored = releases[0].mirrored["publish_at"]
    if timezone.is_naive(stored):  # as SQLite returns it: in UTC
        stored = stored.replace(tzinfo=datetime.UTC)
    assert stored == release.publish_at
    assert quotes == [
        Document(first.pk, "ru", {"quote": "First words.", "speaker": "Ana Petrova"}),
        Document(second.pk, "ru", {"quote": "Second words.", "speaker": "Ana Petrova"}),
        Document(unattributed.pk, "ru", {"quote": "Body words.", "speaker": ""}),
    ]
    # The withdrawn release's quote is listed so that its index row goes.
    assert quote_keys == [first.pk, second.pk, unattributed.pk, gone.pk]


def test_rebuild_command_indexes_everything_but_withdrawn_releases():
    release = bulk_releases(("Glacier survey", PUBLISHED), ("Glacier archive", WITHDRAWN))[0]
    Quote.objects.bulk_create(
        [Quote(release=release, speaker=PersonFactory(full_name="Nora Ice"), text="Ice melts.")]
    )
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert out.getvalue().splitlines() == [
        "100% 1/1 searchable releases",
        "100% 1/1 faceted releases",
        "Indexed 1 release and their quotes.",
        "Wrote 6 facet keys.",  # its type, language, year, speaker, number of quotes, year again
    ]
    assert titles("glacier") == ["Glacier survey"]
    assert [q.text for q in search_quotes(Quote.objects.all(), "ice")] == ["Ice melts."]


def test_rebuild_reports_progress_by_tenths(monkeypatch):
    monkeypatch.setattr("pressreleases.search.indexing.BATCH_SIZE", 2)
    monkeypatch.setattr("pressreleases.facet_index.BATCH_SIZE", 3)
    bulk_releases(*[(f"Glacier {n}", PUBLISHED) for n in range(5)])
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert out.getvalue().splitlines() == [
        " 40% 2/5 searchable releases",
        " 80% 4/5 searchable releases",
        "100% 5/5 searchable releases",
        " 60% 3/5 faceted releases",
        "100% 5/5 faceted releases",
        "Indexed 5 releases and their quotes.",
        "Wrote 15 facet keys.",
    ]


def test_rebuild_dry_run_writes_nothing():
    bulk_releases(("Glacier survey", PUBLISHED))
    out = StringIO()
    call_command("rebuild_search_index", "--dry-run", verbosity=0, stdout=out)
    assert out.getvalue() == ""
    assert titles("glacier") == []
    assert rebuild_search_index(dry_run=True) == 1
    assert titles("glacier") == []


def test_rebuild_replaces_stale_rows():
    release = PressReleaseFactory(title="Glacier survey")
    PressRelease.objects.filter(pk=release.pk).update(title="Desert survey")
    assert titles("desert") == []
    assert rebuild_search_index() == 1
    assert titles("desert") == ["Desert survey"]
    assert titles("glacier") == []


def test_rebuild_refuses_an_unknown_database():
    with pytest.raises(CommandError, match="Unknown database alias 'elsewhere'"):
        call_command("rebuild_search_index", database="elsewhere")


def test_rebuild_without_the_index_tables_fails_with_a_clear_error():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {RELEASES.table}")
    with pytest.raises(CommandError, match=r"Has 'manage\.py migrate' run\?"):
        call_command("rebuild_search_index", verbosity=0)


def test_reconcile_adds_missing_releases_and_drops_orphaned_rows():
    bulk_releases(("Glacier survey", PUBLISHED))
    backend = backend_for("default")
    orphan = Document(987654, "en", {name: "orphan" for name, _ in RELEASES.columns})
    backend.write("default", RELEASES, [orphan], removed=[])
    assert 987654 in indexed()
    assert reconcile_search_index() == (1, 1)
    assert indexed() == set(PressRelease.objects.values_list("pk", flat=True))
    assert titles("glacier") == ["Glacier survey"]
    assert reconcile_search_index() == (0, 0)


def test_saving_only_unsearched_fields_skips_reindexing(django_assert_num_queries):
    release = PressReleaseFactory(title="Glacier survey")
    release.withdrawal_reason = "Draft note."
    with django_assert_num_queries(1):
        release.save(update_fields=["withdrawal_reason"])


def test_saving_a_person_without_renaming_skips_reindexing(django_assert_num_queries):
    person = PersonFactory(full_name="Nora Ice")
    QuoteFactory(speaker=person)
    person.bio = "Glaciologist."
    with django_assert_num_queries(2):  # read the old name, write the row
        person.save()


def test_renamed_tag_is_found_under_the_new_name():
    release = PressReleaseFactory(title="Glacier survey")
    release.tags.add("climate")
    tag = Tag.objects.get(name="climate")
    tag.name = "cryosphere"
    tag.save()
    assert titles("cryosphere") == ["Glacier survey"]
    assert titles("climate") == []


def test_deleted_tag_and_source_are_no_longer_found():
    source = Structure.objects.create(
        slug="search-test-unit", name="Glacier Unit", acronym="GLU", kind=Structure.Kind.INSTITUTION
    )
    release = PressReleaseFactory(title="Annual report", sources=[source])
    release.tags.add("icefields")
    assert titles("GLU") == titles("icefields") == ["Annual report"]
    source.delete()
    Tag.objects.get(name="icefields").delete()
    assert titles("GLU") == []
    assert titles("icefields") == []


def test_source_cleared_from_the_structure_side_is_no_longer_found():
    source = Structure.objects.create(
        slug="search-test-unit", name="Glacier Unit", acronym="GLU", kind=Structure.Kind.INSTITUTION
    )
    PressReleaseFactory(title="Annual report", sources=[source])
    source.press_releases.clear()
    assert titles("GLU") == []
    source.press_releases.add(PressRelease.objects.get())
    assert titles("GLU") == ["Annual report"]


def test_deleting_a_release_removes_its_quotes_from_the_index():
    quote = QuoteFactory(text="Ice melts.")
    assert quote.pk in indexed(QUOTES)
    quote.release.delete()
    assert indexed(QUOTES) == set()
    assert indexed() == set()


def test_quotes_leave_the_index_with_their_withdrawn_release():
    quote = QuoteFactory(text="Ice melts.")
    release = quote.release
    release.status = PressRelease.Status.WITHDRAWN
    release.withdrawal_reason = "Error."
    release.save()
    assert indexed(QUOTES) == set()
    assert list(search_quotes(Quote.objects.all(), "ice")) == []


def test_renaming_a_person_reindexes_every_release_quoting_them():
    person = PersonFactory(full_name="Nora Ice")
    QuoteFactory(release=PressReleaseFactory(title="First"), speaker=person)
    QuoteFactory(release=PressReleaseFactory(title="Second"), speaker=person)
    person.full_name = "Nora Frost"
    person.save()
    assert sorted(titles("frost")) == ["First", "Second"]
    assert [q.speaker.full_name for q in search_quotes(Quote.objects.all(), "frost")] == [
        "Nora Frost",
        "Nora Frost",
    ]


# PostgreSQL parity: SQLite has no dictionaries of its own, so these hold the Python side to
# what PostgreSQL does.


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("compares with PostgreSQL's own dictionaries")


@pytest.mark.usefixtures("postgresql")
def test_stop_words_are_the_ones_postgresql_never_indexes():
    with connection.cursor() as cursor:
        for config, words in [
            ("pressreleases_english", ENGLISH_STOP_WORDS),
            ("pressreleases_russian", RUSSIAN_STOP_WORDS),
        ]:
            cursor.execute(
                "SELECT count(*) FROM unnest(%s::text[]) AS w WHERE to_tsvector(%s, w) <> ''",
                [sorted(words), config],
            )
            assert cursor.fetchone() == (0,)


@pytest.mark.usefixtures("postgresql")
def test_postgresql_keeps_each_vector_in_its_row_for_ranking():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s",
            [RELEASES.table, "vector"],
        )
        assert cursor.fetchone() == ("m",)  # MAIN: compressed if need be, never moved out


@pytest.mark.usefixtures("postgresql")
def test_postgresql_stores_the_filtered_columns_before_the_wide_ones():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped ORDER BY attnum",
            [RELEASES.table],
        )
        columns = [name for (name,) in cursor]
    assert columns == [
        "release_id",
        "status",
        "publish_at",
        "config",
        "vector",
        "lead",
        "body",
        "quotes",
    ]


RUSSIAN_WORDS = """
    выборы выборах выборов избирателей избирательных голосования проголосовавших наблюдатели
    наблюдателями миссия миссии миссией сотрудничества безопасности журналистов свободы правами
    организаций поддерживают укрепления обсуждали читающий прочитанная красивейший длиннейшего
    сделавшись учащиеся ёлки новая
"""


@pytest.mark.usefixtures("postgresql")
def test_russian_stemmer_agrees_with_postgresql():
    words = RUSSIAN_WORDS.split()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, (ts_lexize('russian_stem', w))[1] FROM unnest(%s::text[]) AS w", [words]
        )
        assert {word: russian_stem(word) for word in words} == dict(cursor.fetchall())


@pytest.mark.usefixtures("postgresql")
def test_query_forms_are_merged_so_the_planner_keeps_using_the_index():
    """Each form the word takes in a configuration, once, and none a prefix form covers."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pressreleases_any("
            "to_tsquery('pressreleases_english', 'trafficking:*'),"
            "to_tsquery('pressreleases_simple', 'trafficking:*'),"
            "to_tsquery('pressreleases_english', 'trafficker'),"
            "to_tsquery('pressreleases_simple', 'trafficker'))::text,"
            "pressreleases_any(to_tsquery('pressreleases_english', 'happy:*'),"
            "to_tsquery('pressreleases_simple', 'happy:*'))::text"
        )
        assert cursor.fetchone() == ("'traffick':*", "'happi':* | 'happy':*")


@pytest.fixture
def lake_release() -> PressRelease:
    return PressReleaseFactory(title="Lake monitoring", status=PUBLISHED, publish_at=YESTERDAY)


@pytest.fixture
def index_calls(lake_release, monkeypatch) -> list[list[int]]:
    """The ids each `index_releases` call is given from now on (and nothing is indexed)."""
    calls = []
    monkeypatch.setattr(
        "pressreleases.search.indexing.index_releases",
        lambda ids, using="default": calls.append(sorted(ids)),
    )
    return calls


def test_batched_indexing_indexes_each_release_once_when_the_block_ends(lake_release, index_calls):
    release, calls = lake_release, index_calls

    with batched_indexing():
        release.title = "River monitoring"
        release.save()
        QuoteFactory(release=release, text="Rivers cross borders.")
        reindex([release.pk])
        assert calls == []

    assert calls == [[release.pk]]


def test_batched_indexing_leaves_the_index_as_the_block_left_the_release(lake_release):
    release = lake_release

    with batched_indexing():
        release.title = "River monitoring"
        release.save()
        QuoteFactory(release=release, text="Rivers cross borders.")
        assert titles("river") == []

    assert titles("river") == ["River monitoring"]
    assert [q.text for q in search_quotes(Quote.objects.all(), "cross")] == [
        "Rivers cross borders."
    ]


def test_batched_indexing_indexes_nothing_when_the_block_fails(lake_release, index_calls):
    release, calls = lake_release, index_calls

    def failing_import():
        with batched_indexing():
            release.save()
            raise RuntimeError("the import failed")

    with pytest.raises(RuntimeError, match="the import failed"):
        failing_import()

    assert calls == []
    release.save()
    assert calls == [[release.pk]]
