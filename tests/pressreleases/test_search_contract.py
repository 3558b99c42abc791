"""The search contract: the same cases and the same expected results on SQLite (FTS5) and on
PostgreSQL (text search). Run the module under DATABASE_URL=postgres://... for the second.

Ranking cases compare releases whose scores differ for a reason (where the word is); a corpus
of unrelated releases keeps every searched word rare, as it is in a real newsroom.
"""

import datetime
import pickle

import pytest
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from pressreleases.models import Person, PressRelease, Quote
from pressreleases.search import (
    admin_search,
    matching_releases,
    public_ranked_releases,
    search_quotes,
    search_releases,
)
from taxonomy.models import FieldOfWork, Structure
from tests.factories import PersonFactory, PressReleaseFactory, QuoteFactory

pytestmark = pytest.mark.django_db

START = timezone.now() - datetime.timedelta(days=60)
FILLER_TOPICS = [
    ("Workshop on water management", "Engineers shared experience of river basins."),
    ("Seminar on election observation methodology", "Long-term observers compared notes."),
    ("Youth conference opens in Vienna", "Students presented projects on tolerance."),
    ("Energy security dialogue", "Experts looked at pipelines and grids."),
    ("Media freedom representative visits capital", "Journalists raised safety concerns."),
    ("Gender equality in the security sector", "A handbook for ministries was launched."),
    ("Mine action training completed", "Deminers received new equipment."),
    ("Roma and Sinti inclusion", "Municipal officials discussed housing."),
    ("Cyber confidence-building measures", "Delegations agreed on points of contact."),
    ("Environmental hazards in Central Asia", "Uranium tailings were mapped."),
    ("Economic connectivity forum", "Trade facilitation was the main theme."),
]


def at(hours: int) -> datetime.datetime:
    return START + datetime.timedelta(hours=hours)


def release(title, lead="", body="", *, hours, **fields):
    fields.setdefault("publish_at", at(hours))
    return PressReleaseFactory(title=title, lead=lead, body=body, **fields)


def titles(query: str, queryset=None) -> list[str]:
    queryset = PressRelease.objects.public() if queryset is None else queryset
    return [r.title for r in search_releases(queryset, query)]


def snippet(query: str, title: str) -> str:
    found = {r.title: r for r in search_releases(PressRelease.objects.public(), query)}
    return str(found[title].search_snippet)


@pytest.fixture(scope="module", autouse=True)
def corpus(django_db_setup, django_db_blocker):
    """Releases that each carry one thing to find, hidden releases that must stay hidden and
    unrelated fillers; built once for the module (each test runs in its own savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        build_corpus()
        yield
        transaction.set_rollback(True)


def build_corpus():
    for hours, (title, lead) in enumerate(FILLER_TOPICS):
        release(title, lead, "<p>The event was organised with local partners.</p>", hours=hours)

    release(
        "Ceasefire monitors deployed along the contact line",
        "Observers began work on Monday.",
        "<p>Teams travelled in armoured vehicles.</p>",
        hours=100,
    )
    release(
        "Weekly update from the field",
        "Patrols continued in several districts.",
        "<p>One patrol recorded a violation of the ceasefire near a village.</p>",
        hours=110,  # newer than the title match: recency must not decide
    )
    release(
        "Police reform strategy adopted",
        "",
        "<p>The strategy puts the rule of law at the centre of policing.</p>",
        hours=120,
    )
    release(
        "Court procedures reviewed",
        "",
        "<p>The rule changed when parliament passed a new law.</p>",
        hours=121,
    )
    release(
        "Customs training in the south",
        "",
        "<p>Customs officers discussed the smuggling of small arms.</p>",
        hours=130,
    )
    release(
        "Trial monitoring report",
        "",
        "<p>Judge Mektić opened the session; Đukanović attended.</p>",
        hours=131,
    )
    release("Combating trafficking in human beings", "", "<p>A new referral system.</p>", hours=132)
    release(
        "Наблюдатели оценили выборы",
        "Миссия завершила работу.",
        "<p>Наблюдатели следили за ходом голосования на выборах в парламент.</p>",
        hours=133,
        language=PressRelease.Language.RUSSIAN,
    )
    release(
        "Cartoonists discuss satire",
        "",
        "<p>Tom &amp; Jerry wrote &lt;b&gt;bold&lt;/b&gt; claims about elections.</p>",
        hours=134,
    )
    release("Border police patrols", "", "<p>Joint patrols on the border.</p>", hours=135)
    release("Border customs checks", "", "<p>Faster checks on the border.</p>", hours=136)
    release("Kazakhstan hosts regional meeting", "", "", hours=137)
    release("Kyrgyzstan water agreement", "", "", hours=138)
    twin_body = "<p>Irrigation canals were repaired along the valley.</p>"
    release("Irrigation project, first phase", "", twin_body, hours=139)
    release("Irrigation project, second phase", "", twin_body, hours=140)

    release(
        "Water supply in coastal towns",
        "Two desalination plants opened.",
        "<p>The desalination project took four years.</p>",
        hours=144,
    )
    surveyed = release("Lake survey published", "Scientists mapped the lake.", "", hours=145)
    QuoteFactory(release=surveyed, text="Hydrography tells us where the sediment goes.")

    quoted = release("Human rights defenders meet", "", "", hours=141)
    QuoteFactory(
        release=quoted,
        speaker=PersonFactory(full_name="Amira Hadžić"),
        text="Defenders need protection, not prosecution.",
    )
    odihr = Structure.objects.create(
        slug="search-test-odihr",
        name="Office for Democratic Institutions and Human Rights",
        acronym="ODIHR",
        kind=Structure.Kind.INSTITUTION,
    )
    release("Needs assessment mission concludes", "", "", hours=142, sources=[odihr])
    tagged = release("Conference closes", "", "", hours=143)
    tagged.tags.add("cybersecurity")

    release(
        "Ceasefire draft",
        "Not yet approved.",
        "",
        hours=150,
        status=PressRelease.Status.DRAFT,
        publish_at=None,
    )
    release(
        "Ceasefire scheduled",
        "Embargoed until tomorrow.",
        "",
        hours=0,
        publish_at=timezone.now() + datetime.timedelta(days=1),
    )
    withdrawn = release("Ceasefire withdrawn", "Published in error.", "", hours=151)
    withdrawn.status = PressRelease.Status.WITHDRAWN
    withdrawn.withdrawal_reason = "Published in error."
    withdrawn.save()


# Ranking


def test_title_match_ranks_above_body_match():
    assert titles("ceasefire") == [
        "Ceasefire monitors deployed along the contact line",
        "Weekly update from the field",
    ]


def test_equal_matches_come_newest_first():
    assert titles("irrigation canals") == [
        "Irrigation project, second phase",
        "Irrigation project, first phase",
    ]


def test_results_carry_a_rank_that_orders_them():
    ranks = [r.search_rank for r in search_releases(PressRelease.objects.public(), "ceasefire")]
    assert ranks[0] > ranks[1] > 0


# Query syntax


def test_all_words_must_match():
    assert set(titles("rule law")) == {
        "Police reform strategy adopted",
        "Court procedures reviewed",
    }
    assert titles("rule law ceasefire") == []


def test_quoted_phrase_needs_the_words_together():
    assert titles('"rule of law"') == ["Police reform strategy adopted"]


def test_excluded_word_removes_matches():
    assert titles("border -police") == ["Border customs checks"]


def test_excluded_phrase_removes_matches():
    assert titles('border -"police patrols"') == ["Border customs checks"]


def test_exclusion_alone_returns_every_other_release_newest_first():
    results = search_releases(PressRelease.objects.public(), "-border -customs")
    expected = (
        PressRelease.objects.public()
        .exclude(title__icontains="border")
        .exclude(title__icontains="customs")
        .order_by("-publish_at")
    )
    assert [r.title for r in results] == [r.title for r in expected]
    assert {r.search_rank for r in results} == {0.0}


def test_or_accepts_either_word():
    assert titles("Kazakhstan OR Kyrgyzstan") == [
        "Kyrgyzstan water agreement",
        "Kazakhstan hosts regional meeting",
    ]


def test_lower_case_or_is_an_ignored_stop_word():
    assert titles("Kazakhstan or Kyrgyzstan") == []


def test_stop_words_do_not_prevent_a_match():
    assert titles("the smuggling of arms") == ["Customs training in the south"]


# Language


def test_english_stemming_finds_other_forms_of_a_word():
    assert titles("smugglers") == ["Customs training in the south"]
    assert titles("traffickers") == ["Combating trafficking in human beings"]
    assert titles("discussing smuggling") == ["Customs training in the south"]


def test_accents_are_folded_both_ways():
    assert titles("Mektic") == ["Trial monitoring report"]
    assert titles("MEKTIĆ") == ["Trial monitoring report"]
    assert titles("Dukanovic") == ["Trial monitoring report"]


def test_last_word_matches_as_a_prefix_while_typing():
    assert titles("traffick") == ["Combating trafficking in human beings"]
    assert titles("combating traff") == ["Combating trafficking in human beings"]


def test_only_the_last_word_is_a_prefix():
    assert titles("traff combating") == []
    assert titles("traff ") == []


def test_russian_release_is_found_by_another_inflected_form():
    assert titles("выборов") == ["Наблюдатели оценили выборы"]
    assert titles("голосование в парламенте") == ["Наблюдатели оценили выборы"]


# What is searched besides the text


def test_speaker_name_matches_with_accents_folded():
    assert titles("Hadzic") == ["Human rights defenders meet"]


def test_quote_text_matches():
    assert titles("prosecution") == ["Human rights defenders meet"]


def test_source_acronym_and_name_match():
    assert titles("ODIHR") == ["Needs assessment mission concludes"]
    assert titles('"democratic institutions"') == ["Needs assessment mission concludes"]


def test_tag_matches():
    assert titles("cybersecurity") == ["Conference closes"]


# Snippets


def test_snippet_marks_the_matched_words():
    text = snippet("smuggling arms", "Customs training in the south")
    assert "discussed the <mark>smuggling</mark> of small <mark>arms</mark>" in text


def test_snippet_marks_stemmed_accented_and_prefix_matches():
    assert "<mark>smuggling</mark>" in snippet("smugglers", "Customs training in the south")
    assert "Judge <mark>Mektić</mark> opened" in snippet("mektic", "Trial monitoring report")
    assert "<mark>выборах</mark>" in snippet("выборов", "Наблюдатели оценили выборы")


def test_snippet_escapes_html_in_the_text():
    text = snippet("elections", "Cartoonists discuss satire")
    assert (
        "Tom &amp; Jerry wrote &lt;b&gt;bold&lt;/b&gt; claims about <mark>elections</mark>" in text
    )
    assert "<b>" not in text


def test_snippet_of_a_title_match_is_the_lead():
    text = snippet("monitors", "Ceasefire monitors deployed along the contact line")
    assert text.startswith("Observers began work on Monday")
    assert "<mark>" not in text


def test_snippet_of_a_lead_and_body_match_is_the_lead():
    text = snippet("desalination", "Water supply in coastal towns")
    assert text.startswith("Two <mark>desalination</mark> plants opened")


def test_snippet_of_a_match_in_a_quote_only_is_the_quote():
    text = snippet("hydrography", "Lake survey published")
    assert "<mark>Hydrography</mark> tells us where the sediment goes" in text


def test_snippets_cost_one_query_per_page(django_assert_num_queries):
    results = search_releases(PressRelease.objects.public(), "border OR ceasefire")
    with django_assert_num_queries(2):
        page = list(results[:3])
    assert all(r.search_snippet for r in page)


# Visibility


def test_public_search_never_finds_drafts_scheduled_or_withdrawn():
    assert titles("ceasefire") == [
        "Ceasefire monitors deployed along the contact line",
        "Weekly update from the field",
    ]


def test_staff_search_finds_drafts_and_scheduled_but_not_withdrawn():
    found, may_have_duplicates = admin_search(PressRelease.objects.all(), "ceasefire")
    assert {r.title for r in found} == {
        "Ceasefire monitors deployed along the contact line",
        "Weekly update from the field",
        "Ceasefire draft",
        "Ceasefire scheduled",
    }
    assert may_have_duplicates is False


def test_blank_admin_search_returns_the_queryset_unchanged():
    queryset = PressRelease.objects.all()
    assert admin_search(queryset, "  ") == (queryset, False)


# Changes are reflected at once


def test_edited_title_is_found_at_once():
    target = PressRelease.objects.get(title="Kazakhstan hosts regional meeting")
    target.title = "Astana hosts regional meeting"
    target.save()
    assert titles("Astana") == ["Astana hosts regional meeting"]
    assert titles("Kazakhstan") == []


def test_deleted_release_is_not_found():
    PressRelease.objects.get(title="Kazakhstan hosts regional meeting").delete()
    assert titles("Kazakhstan") == []


def test_deleting_releases_in_bulk_removes_them():
    PressRelease.objects.filter(title__startswith="Border").delete()
    assert titles("border") == []


def test_withdrawn_release_leaves_the_index():
    target = PressRelease.objects.get(title="Kyrgyzstan water agreement")
    target.status = PressRelease.Status.WITHDRAWN
    target.withdrawal_reason = "Duplicate."
    target.save()
    found, _ = admin_search(PressRelease.objects.all(), "Kyrgyzstan")
    assert list(found) == []


def test_published_draft_becomes_findable():
    draft = PressRelease.objects.get(title="Ceasefire draft")
    draft.status = PressRelease.Status.PUBLISHED
    draft.publish_at = at(200)
    draft.save()
    assert titles("ceasefire")[0] == "Ceasefire draft"


def test_quote_changes_are_found_at_once():
    target = PressRelease.objects.get(title="Conference closes")
    quote = QuoteFactory(release=target, speaker=PersonFactory(full_name="Jonas Lindqvist"))
    assert titles("Lindqvist") == ["Conference closes"]
    quote.text = "Patience is the only way forward."
    quote.save()
    assert titles("patience") == ["Conference closes"]
    quote.delete()
    assert titles("Lindqvist") == []
    assert titles("patience") == []


def test_renamed_speaker_is_found_under_the_new_name():
    person = Person.objects.get(full_name="Amira Hadžić")
    person.full_name = "Amira Hadžić-Kovač"
    person.save()
    assert titles("Kovac") == ["Human rights defenders meet"]


def test_source_and_tag_changes_are_found_at_once():
    target = PressRelease.objects.get(title="Conference closes")
    target.sources.add(Structure.objects.get(acronym="ODIHR"))
    target.tags.add("elections")
    assert titles("ODIHR") == ["Conference closes", "Needs assessment mission concludes"]
    assert "Conference closes" in titles("elections")
    target.sources.clear()
    target.tags.remove("elections")
    assert titles("ODIHR") == ["Needs assessment mission concludes"]
    assert "Conference closes" not in titles("elections")


def test_renamed_source_is_found_under_the_new_name():
    source = Structure.objects.get(acronym="ODIHR")
    source.acronym = "BDIMR"
    source.save()
    assert titles("BDIMR") == ["Needs assessment mission concludes"]
    assert titles("ODIHR") == []


# The result is an ordinary queryset


def test_result_filters_counts_and_paginates():
    field = FieldOfWork.objects.create(slug="search-test-field", name="Border management")
    for title in ["Border police patrols", "Border customs checks"]:
        PressRelease.objects.get(title=title).fields_of_work.add(field)
    results = search_releases(PressRelease.objects.public(), "border")
    assert results.count() == 2
    assert [r.title for r in results.filter(fields_of_work=field, title__contains="customs")] == [
        "Border customs checks"
    ]
    page = Paginator(results, 1).page(2)
    assert [r.title for r in page] == ["Border police patrols"]
    assert page.paginator.count == 2
    inner = PressRelease.objects.filter(pk__in=results.values("pk")).order_by("title")
    assert [r.title for r in inner] == ["Border customs checks", "Border police patrols"]


def test_result_survives_pickling_for_the_cache():
    results = search_releases(PressRelease.objects.public(), "smuggling")
    restored = pickle.loads(pickle.dumps(results))
    assert [(r.title, str(r.search_snippet)) for r in restored] == [
        (r.title, str(r.search_snippet)) for r in results
    ]
    assert [r.title for r in restored.filter(lead="")] == ["Customs training in the south"]


def test_result_groups_for_facet_counts_once_unordered():
    results = search_releases(PressRelease.objects.public(), "ceasefire OR выборы")
    counts = dict(results.values_list("language").annotate(n=Count("pk")).order_by())
    assert counts == {"en": 2, "ru": 1}


def test_query_without_searchable_words_finds_nothing():
    for query in ["", "   ", "the of and", "!!! ??? ...", "-", '""', "OR"]:
        results = search_releases(PressRelease.objects.public(), query)
        assert list(results) == []
        assert results.count() == 0


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced quote',
        'ceasefire "',
        "ceasefire OR",
        "OR OR ceasefire",
        "- ceasefire",
        "--ceasefire monitors",
        "ceasefire AND NOT monitors",
        "title:ceasefire",
        "NEAR(ceasefire monitors)",
        "ceasefire* ^monitors",
        "'; DROP TABLE pressreleases_pressrelease; --",
        "ceasefire\x00monitors",
        "cease\x07fire\u202e\ud800",
        "ceasefire & | ! ( ) : * < >",
        "c" * 10_000,
        "ceasefire " * 2_000,
    ],
)
def test_malformed_query_gives_a_normal_result(query):
    results = search_releases(PressRelease.objects.public(), query)
    assert results.count() == len(list(results))


# Quotes


def test_quote_search_finds_text_and_speaker_and_highlights_the_whole_quote():
    quotes = Quote.objects.filter(release__in=PressRelease.objects.public())
    by_text = list(search_quotes(quotes, "prosecution"))
    by_speaker = list(search_quotes(quotes, "hadzic"))
    assert [q.text for q in by_text] == ["Defenders need protection, not prosecution."]
    assert by_speaker == by_text
    assert str(by_text[0].search_snippet) == (
        "Defenders need protection, not <mark>prosecution</mark>."
    )


def test_quote_search_stays_within_the_given_queryset():
    quotes = Quote.objects.filter(release__in=PressRelease.objects.public())
    target = PressRelease.objects.get(title="Ceasefire draft")
    QuoteFactory(release=target, speaker=PersonFactory(full_name="Hidden Speaker"))
    assert list(search_quotes(quotes, "Hidden Speaker")) == []
    assert len(search_quotes(Quote.objects.all(), "Hidden Speaker")) == 1


@pytest.mark.parametrize(
    "query",
    ["ceasefire", "rule law", '"rule of law"', "border -police", "-border -customs", "irrig", "-"],
)
def test_the_matching_releases_are_those_every_search_narrows_to(query):
    everything = search_releases(PressRelease.objects.all(), query)

    found = matching_releases(query)

    assert sorted(found) == sorted(everything.values_list("pk", flat=True))
    if query == "ceasefire":  # whatever their status, withdrawn releases being never indexed
        statuses = PressRelease.objects.filter(pk__in=found).values_list("status", flat=True)
        assert set(statuses) == {PressRelease.Status.PUBLISHED, PressRelease.Status.DRAFT}


@pytest.mark.parametrize(
    "query",
    ["ceasefire", "rule law", '"rule of law"', "border -police", "-border -customs", "irrig", "-"],
)
def test_the_public_ranked_releases_are_the_public_search_in_its_order(query):
    expected = list(search_releases(PressRelease.objects.public(), query).values_list("pk"))

    assert public_ranked_releases(query) == [pk for (pk,) in expected]


def test_the_public_ranked_releases_follow_publication_rescheduling_and_withdrawal():
    """PostgreSQL reads them from the search table's copies of status and publication time,
    which every save must keep current."""
    draft = PressRelease.objects.get(title="Ceasefire draft")
    scheduled = PressRelease.objects.get(title="Ceasefire scheduled")
    monitors = PressRelease.objects.get(title__startswith="Ceasefire monitors")
    weekly = PressRelease.objects.get(title="Weekly update from the field")
    assert public_ranked_releases("ceasefire") == [monitors.pk, weekly.pk]

    draft.status, draft.publish_at = PressRelease.Status.PUBLISHED, at(200)
    draft.save()
    scheduled.publish_at = at(90)
    scheduled.save()
    weekly.status, weekly.withdrawal_reason = PressRelease.Status.WITHDRAWN, "Superseded."
    weekly.save()
    monitors.status = PressRelease.Status.DRAFT
    monitors.save()

    # Both are title matches, so equal in rank: the newer first.
    assert public_ranked_releases("ceasefire") == [draft.pk, scheduled.pk]
