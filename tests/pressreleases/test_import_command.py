"""manage.py import_pages: files, folders and globs; failures; idempotency; dry runs; source
URLs; publishing; speakers shared across pages."""

import datetime
import shutil
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from pressreleases.importing import importer
from pressreleases.importing.organisations import load_file
from pressreleases.models import Appointment, Organisation, Person, PressRelease, Quote
from pressreleases.search.searching import search_quotes, search_releases
from taxonomy.models import FieldOfWork, Structure
from tests.factories import PersonFactory

PAGES = Path(__file__).parent / "pages"
SEED = PAGES / "seed_sarajevo.txt"
SKOPJE = PAGES / "skopje_border_mentors.txt"
BANJA_LUKA = PAGES / "banja_luka_hate_crime_standards.txt"
VIENNA = PAGES / "vienna_annual_overview.txt"
TIRANA = PAGES / "html" / "tirana_journalist_safety.html"
GOOD_PAGES = [SEED, SKOPJE, BANJA_LUKA, VIENNA, TIRANA]
URL = "https://newsroom.example.org/press-releases/sarajevo-seminar"


@pytest.fixture
def organisations(taxonomy) -> None:
    load_file()


def run(*arguments) -> str:
    out = StringIO()
    call_command("import_pages", *map(str, arguments), stdout=out)
    return out.getvalue()


def run_failing(*arguments) -> tuple[str, str]:
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_pages", *map(str, arguments), stdout=out)
    return out.getvalue(), str(refused.value)


def snapshot() -> dict[str, list]:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (PressRelease, Quote, Person, Appointment, Organisation)
    }


def test_folders_are_read_recursively_and_a_broken_page_does_not_stop_the_others(
    organisations, tmp_path
):
    batch = tmp_path / "batch"
    shutil.copytree(PAGES, batch)
    (batch / "broken").mkdir()
    (batch / "broken" / "empty.txt").write_bytes(b"")
    (batch / "broken" / "garbage.bin").write_bytes(bytes(range(256)) * 8)
    (batch / ".hidden.txt").write_bytes(bytes(range(256)))

    out, error = run_failing(batch)

    assert error == "4 of 9 pages failed."
    assert PressRelease.objects.count() == 5
    assert "Pages read: 9; created: 5, updated: 0, unchanged: 0, failed: 4." in out
    assert "Quotes created: 20; speakers created: 10; organisations created: 6." in out
    assert f"  {batch / 'broken' / 'empty.txt'}: the file is empty\n" in out
    assert (
        f"  {batch / 'broken' / 'garbage.bin'}: binary or non-UTF-8 content, not a text or "
        "HTML page\n"
    ) in out
    assert f"  {batch / 'html' / 'newsroom_listing.html'}: no press release found" in out
    assert (
        f"  {batch / 'missing_title.txt'}: no title: “Press release” is the content type and "
        "no title follows it\n"
    ) in out
    assert ".hidden.txt" not in out


def test_glob_patterns_name_the_pages(organisations):
    out = run(PAGES / "s*.txt")

    assert "Pages read: 2; created: 2, updated: 0, unchanged: 0, failed: 0." in out
    assert sorted(PressRelease.objects.values_list("places", flat=True)) == [
        ["Sarajevo"],
        ["Vienna", "Skopje"],
    ]


def test_missing_paths_are_refused_before_anything_is_imported(organisations):
    _, error = run_failing(SEED, "no/such/*.txt")

    assert error == "No such file, folder or match: no/such/*.txt"
    assert PressRelease.objects.count() == 0


def test_importing_again_changes_nothing_and_says_unchanged(organisations):
    run(*GOOD_PAGES)
    before = snapshot()

    out = run(*GOOD_PAGES)

    assert snapshot() == before
    assert "Pages read: 5; created: 0, updated: 0, unchanged: 5, failed: 0." in out
    assert "Quotes created: 0; speakers created: 0; organisations created: 0." in out


def test_importing_an_edited_page_updates_its_release_and_quotes_in_place(organisations, tmp_path):
    page = tmp_path / "skopje.txt"
    shutil.copy(SKOPJE, page)
    run(page)
    release = PressRelease.objects.get()
    quote_pks = list(release.quotes.values_list("pk", flat=True))
    text = page.read_text()
    text = text.replace("We trained forty officers", "We trained forty-two officers")
    page.write_text(text.replace("“We will be back in Skopje next spring,” said Marvik.\n", ""))

    out = run(page)

    assert "Pages read: 1; created: 0, updated: 1, unchanged: 0, failed: 0." in out
    assert PressRelease.objects.get().pk == release.pk
    assert list(release.quotes.values_list("pk", flat=True)) == quote_pks[:6]
    assert release.quotes.get(order=2).text == "We trained forty-two officers this year"
    assert Quote.objects.count() == 6


def test_dry_run_writes_nothing_and_counts_what_a_real_run_would_do(organisations):
    before = snapshot()

    out = run("--dry-run", *GOOD_PAGES)

    assert snapshot() == before
    assert (
        "Pages read: 5; would be created: 5, would be updated: 0, unchanged: 0, failed: 0." in out
    )
    assert (
        "Quotes would be created: 20; speakers would be created: 10; organisations would be "
        "created: 6." in out
    )
    assert out.endswith("Dry run: nothing was written.\n")
    assert "Quotes created: 20; speakers created: 10; organisations created: 6." in run(*GOOD_PAGES)


def test_source_url_identifies_the_page(organisations):
    run("--source-url", URL, SEED)

    out = run("--source-url", URL, SEED)

    assert "unchanged: 1" in out
    assert list(PressRelease.objects.values_list("source_url", flat=True)) == [URL]


def test_source_url_adopts_a_page_first_imported_without_one(organisations):
    run(SEED)

    out = run("--source-url", URL, SEED)

    assert "updated: 1" in out
    assert list(PressRelease.objects.values_list("source_url", flat=True)) == [URL]


def test_source_url_must_be_a_web_address_for_one_page(organisations, subtests):
    for arguments, error in [
        (("--source-url", URL, SEED, SKOPJE), "--source-url names one page; 2 were given."),
        (
            ("--source-url", "sarajevo-seminar", SEED),
            "--source-url: 'sarajevo-seminar' is not a web address.",
        ),
    ]:
        with subtests.test(error=error):
            assert run_failing(*arguments)[1] == error
            assert PressRelease.objects.count() == 0


def test_canonical_link_identifies_an_html_page_even_after_its_title_changes(
    organisations, tmp_path
):
    page = tmp_path / "tirana.html"
    shutil.copy(TIRANA, page)
    run(page)
    page.write_text(page.read_text().replace("agree on safety contact points</h1>", "agree</h1>"))

    out = run(page)

    assert "updated: 1" in out
    release = PressRelease.objects.get()
    assert release.title == "Journalists and police agree"
    assert release.source_url == (
        "https://newsroom.example.org/press-releases/"
        "journalists-and-police-agree-on-safety-contact-points"
    )


def test_releases_are_drafts_unless_published_and_a_reimport_never_unpublishes(organisations):
    run(SEED)
    release = PressRelease.objects.get()
    noon = datetime.datetime(2017, 9, 20, 12, tzinfo=ZoneInfo("Europe/Vienna"))
    assert (release.status, release.publish_at, release.is_public) == ("draft", noon, False)

    assert "updated: 1" in run("--publish", SEED)
    assert list(PressRelease.objects.public()) == [release]

    assert "unchanged: 1" in run(SEED)
    assert list(PressRelease.objects.public()) == [release]


def test_a_speaker_is_one_person_across_pages_whatever_the_initials_and_accents(organisations):
    run(TIRANA, BANJA_LUKA)

    assert sorted(Person.objects.values_list("full_name", flat=True)) == [
        "Goran Petrović",
        "Marta Lindqvist",
    ]
    # One appointment each, moved back to the earlier release (Banja Luka, imported second).
    appointments = Appointment.objects.order_by("person__full_name")
    assert [(a.person.full_name, a.title, a.start_date) for a in appointments] == [
        (
            "Goran Petrović",
            "Minister of Security of Bosnia and Herzegovina",
            datetime.date(2018, 10, 2),
        ),
        (
            "Marta Lindqvist",
            "Head of the OSCE Mission to Bosnia and Herzegovina",
            datetime.date(2018, 10, 2),
        ),
    ]
    assert Quote.objects.filter(speaker__full_name="Marta Lindqvist").count() == 2


def test_seed_speakers_match_people_already_on_file(organisations):
    berton = PersonFactory(full_name="Bruce G. Berton")
    mektic = PersonFactory(full_name="Dragan Mektic")

    out = run(SEED)

    assert "speakers created: 3" in out
    assert Quote.objects.filter(speaker=berton).count() == 1
    assert Quote.objects.filter(speaker=mektic).count() == 2
    mektic.refresh_from_db()
    assert mektic.full_name == "Dragan Mektić"


def test_unknown_sources_and_fields_are_reported_not_invented(organisations):
    structures, fields = Structure.objects.count(), FieldOfWork.objects.count()

    out = run(VIENNA)

    release = PressRelease.objects.get()
    assert [s.slug for s in release.sources.all()] == ["secretariat"]
    assert [f.slug for f in release.fields_of_work.all()] == ["good-governance"]
    assert (Structure.objects.count(), FieldOfWork.objects.count()) == (structures, fields)
    assert (
        f"  {VIENNA}: unknown source “OSCE Office in Atlantis”: not in the taxonomy, left out\n"
        in out
    )
    assert (
        f"  {VIENNA}: unknown field of work “Space co-operation”: not in the taxonomy, left out\n"
        in out
    )


def test_page_without_quotes_imports_as_a_release_without_quotes(organisations):
    run(VIENNA)

    release = PressRelease.objects.get()
    assert (release.content_type, release.places, release.quotes.count()) == (
        "news",
        ["Vienna", "Sarajevo"],
        0,
    )


def test_a_quote_said_by_a_body_is_attributed_to_it(organisations):
    run(TIRANA)

    quote = PressRelease.objects.get().quotes.get(order=3)
    assert quote.text == "We will report on how the contact points are used"
    assert (quote.speaker, quote.structure.slug, quote.needs_review) == (
        None,
        "presence-in-albania",
        False,
    )


def test_a_quote_no_one_is_named_for_goes_to_the_source_for_review(organisations, tmp_path):
    page = tmp_path / "hotline.txt"
    page.write_text(
        "Press release\nA hotline for journalists opens in Tirana\n- Date: 3 May 2022\n"
        "- Source: OSCE Presence in Albania\nTIRANA, 3 May 2022 – A hotline opened today.\n"
        "“Every call will be answered within the hour, day and night.”\n"
    )

    out = run(page)

    quote = Quote.objects.get()
    assert (quote.speaker, quote.structure.slug, quote.needs_review) == (
        None,
        "presence-in-albania",
        True,
    )
    assert quote.review_note == (
        "no speaker is named for it; attributed to the release's source, OSCE Presence in Albania"
    )
    assert f"  {page}: quote 1 (no speaker): no speaker is named for it;" in out


def test_a_quote_with_no_one_to_attribute_it_to_is_left_out_and_reported(organisations, tmp_path):
    page = tmp_path / "hotline.txt"
    page.write_text(
        "Press release\nA hotline for journalists opens\n- Date: 3 May 2022\n"
        "TIRANA, 3 May 2022 – A hotline opened today.\n"
        "“Every call will be answered within the hour, day and night.”\n"
    )

    out = run(page)

    assert Quote.objects.count() == 0
    assert (
        f"  {page}: quotation left out, no one to attribute it to: “Every call will be "
        "answered within the hour, day and night.” (no speaker is named for it)\n"
    ) in out


def test_a_reviewed_quote_keeps_the_attribution_staff_chose(organisations):
    run(SEED)
    unodc = Organisation.objects.get(slug="unodc")
    quote = Quote.objects.get(speaker__full_name="Morgane Nicot")
    quote.organisation, quote.needs_review, quote.review_note = unodc, False, ""
    quote.save()

    out = run(SEED)

    quote.refresh_from_db()
    assert (quote.organisation, quote.needs_review) == (unodc, False)
    assert "unchanged: 1" in out
    assert "Needing review" not in out


def test_imported_and_reimported_quotes_are_searchable(organisations, tmp_path):
    page = tmp_path / "skopje.txt"
    shutil.copy(SKOPJE, page)
    run(page)
    page.write_text(page.read_text().replace("forty officers", "forty inspectors"))
    run(page)

    found = search_quotes(Quote.objects.all(), "inspectors Dimovska")
    assert [quote.text for quote in found] == ["We trained forty inspectors this year"]
    assert list(search_releases(PressRelease.objects.all(), "Kowalczyk")) == [
        PressRelease.objects.get()
    ]
    assert list(search_releases(PressRelease.objects.all(), "Skopje mission")) == [
        PressRelease.objects.get()
    ]


def test_a_page_that_fails_in_the_database_leaves_nothing_behind(organisations, monkeypatch):
    sync_quotes = importer._sync_quotes
    calls = []

    def fail_first_page(release, existing, planned):
        calls.append(release.title)
        if len(calls) == 1:
            raise DatabaseError("disk full")
        return sync_quotes(release, existing, planned)

    monkeypatch.setattr(importer, "_sync_quotes", fail_first_page)

    out, error = run_failing(BANJA_LUKA, TIRANA)

    assert error == "1 of 2 pages failed."
    assert f"  {BANJA_LUKA}: the database refused it: disk full\n" in out
    assert list(PressRelease.objects.values_list("title", flat=True)) == [
        "Journalists and police agree on safety contact points"
    ]
    # The speakers the failed page created were rolled back and made again by the next page.
    assert sorted(Person.objects.values_list("full_name", flat=True)) == [
        "Goran Petrović",
        "Marta Lindqvist",
    ]
    assert Quote.objects.count() == 4


def test_long_runs_show_progress_and_verbosity_zero_is_silent(organisations, tmp_path):
    template = VIENNA.read_text()
    for number in range(20):
        title = f"OSCE publishes overview number {number}"
        (tmp_path / f"page{number:02}.txt").write_text(
            template.replace("OSCE publishes an overview of a year of work", title)
        )

    out = run(tmp_path)
    quiet = run("--verbosity", "0", tmp_path)

    assert "20/20 pages\n" in out
    assert PressRelease.objects.count() == 20
    assert quiet == ""


def test_verbosity_two_lists_every_page(organisations):
    out = run("--verbosity", "2", SEED, VIENNA)

    assert f"  created: {SEED}: Co-operation on addressing migration-related crimes" in out
    assert f"  created: {VIENNA}: OSCE publishes an overview" in out
    assert "(0 quotes)" in out
