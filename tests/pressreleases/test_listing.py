"""The public listing at /press-releases/: public releases only, facets with counts, chips,
search, pagination with stable order, errors as 400 pages, and a fixed query budget."""

import datetime
import re
import zoneinfo
from html import unescape
from unittest import mock

import pytest
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pressreleases.filters import ReleaseFilterSet
from pressreleases.models import PressRelease
from pressreleases.search import ranks_public_at_once
from pressreleases.views import listing
from taxonomy.loading import load_file
from taxonomy.models import Country, FieldOfWork, MeetingSeries, Structure
from tests.factories import PersonFactory, PressReleaseFactory, QuoteFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db

URL = "/press-releases/"
Status = PressRelease.Status
Type = PressRelease.ContentType


def titles(response) -> list[str]:
    """The result cards' titles, in page order."""
    html = response.content.decode()
    return [
        unescape(title)
        for title in re.findall(
            r'<h3 class="release-card__title"><a href="[^"]*">([^<]*)</a>', html
        )
    ]


def checkboxes(response, name: str) -> list[tuple[str, str, bool]]:
    """(value, label with its count, checked) of the facet's checkboxes, in page order."""
    html = response.content.decode()
    pattern = (
        rf'<input type="checkbox" id="([^"]+)" name="{name}" value="([^"]*)"( checked)?>\s*'
        r'<label for="\1">([^<]*) <span class="facet__count">\(([^)]*)\)</span></label>'
    )
    return [
        (value, f"{unescape(label)} ({count})", bool(checked))
        for _, value, checked, label, count in re.findall(pattern, html)
    ]


def result_heading(response) -> str:
    match = re.search(r'<h2 id="results-heading"[^>]*>([^<]*)</h2>', response.content.decode())
    return match.group(1)


def feed_hrefs(response) -> list[str]:
    html = response.content.decode()
    return [
        unescape(href)
        for href in re.findall(
            r'<link rel="alternate" type="application/[a-z]+\+xml"[^>]*href="([^"]*)"', html
        )
    ]


@pytest.fixture(scope="module", autouse=True)
def corpus(django_db_setup, django_db_blocker):
    """The taxonomy, four public releases and three hidden ones; built once for the module,
    each test runs in its own savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_file()
        build_corpus()
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def in_vienna():
    with timezone.override(zoneinfo.ZoneInfo("Europe/Vienna")):
        yield


def build_corpus() -> None:
    field = FieldOfWork.objects.get
    country = Country.objects.get
    structure = Structure.objects.get
    PressReleaseFactory(
        title="Border police meet in Sarajevo",
        slug="border-police",
        lead="Officers from three countries compared notes on smuggling routes.",
        publish_at=at(2021, 3, 2, 10),
        places=["Sarajevo"],
        fields_of_work=[field(slug="migration")],
        countries=[country(slug="bosnia-and-herzegovina")],
        sources=[structure(slug="mission-to-bosnia-and-herzegovina")],
    )
    PressReleaseFactory(
        title="Young people debate media freedom",
        slug="young-people",
        content_type=Type.NEWS,
        publish_at=at(2022, 5, 1, 10),
        places=["Belgrade"],
        fields_of_work=[field(slug="youth")],
        countries=[country(slug="serbia")],
        sources=[structure(slug="mission-to-serbia")],
    )
    PressReleaseFactory(
        title="Police reform statement",
        slug="police-reform",
        content_type=Type.STATEMENT,
        publish_at=at(2020, 1, 15, 10),
        fields_of_work=[field(slug="policing")],
        sources=[structure(slug="transnational-threats-department")],
    )
    speech = PressReleaseFactory(
        title="Secretary General on migration and youth",
        slug="secretary-general",
        content_type=Type.SPEECH,
        lead="Migration & youth <policy> go together.",
        publish_at=at(2023, 1, 10, 10),
        places=["Vienna", "Geneva"],
        fields_of_work=[field(slug="migration"), field(slug="youth")],
        countries=[country(slug="austria")],
        sources=[structure(slug="secretariat")],
    )
    speech.meeting_series.set([MeetingSeries.objects.get(slug="ministerial-council-meetings")])
    QuoteFactory(release=speech, speaker=PersonFactory(full_name="Ana Example", slug="ana"))
    hidden = {
        "fields_of_work": [field(slug="elections"), field(slug="migration")],
        "countries": [country(slug="ukraine")],
        "sources": [structure(slug="secretariat")],
        "publish_at": at(2021, 6, 1, 10),
        "lead": "Smuggling routes and hidden matters.",
    }
    PressReleaseFactory(title="Hidden draft", status=Status.DRAFT, **hidden)
    PressReleaseFactory(title="Hidden scheduled", **{**hidden, "publish_at": at(2099, 1, 1)})
    PressReleaseFactory(
        title="Hidden withdrawn",
        status=Status.WITHDRAWN,
        withdrawal_reason="Sent in error.",
        **hidden,
    )


NEWEST_FIRST = [
    "Secretary General on migration and youth",
    "Young people debate media freedom",
    "Border police meet in Sarajevo",
    "Police reform statement",
]


def test_listing_shows_public_releases_newest_first(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert titles(response) == NEWEST_FIRST
    assert result_heading(response) == "4 press releases"


def test_a_release_scheduled_one_second_ahead_is_not_listed_or_counted(client):
    now = timezone.now()
    PressReleaseFactory(title="Due in a second", publish_at=now + datetime.timedelta(seconds=1))
    PressReleaseFactory(title="Due a second ago", publish_at=now - datetime.timedelta(seconds=1))

    with mock.patch("django.utils.timezone.now", return_value=now):
        response = client.get(URL)

    assert titles(response) == ["Due a second ago", *NEWEST_FIRST]
    assert result_heading(response) == "5 press releases"
    assert ("press_release", "Press release (2)", False) in checkboxes(response, "type")


def test_hidden_releases_leave_no_trace_in_results_or_facets(client):
    html = client.get(URL).content.decode()

    assert "Hidden" not in html
    assert 'value="elections"' not in html  # a field only hidden releases have
    assert 'value="ukraine"' not in html


def test_a_release_card_shows_type_title_date_places_lead_and_sources(client):
    html = client.get(URL).content.decode()

    card = html[html.index('<article class="release-card" lang="en">') :]
    card = card[: card.index("</article>")]
    assert '<p class="release-card__type">Speech</p>' in card
    assert (
        '<h3 class="release-card__title"><a href="/press-releases/secretary-general/">'
        "Secretary General on migration and youth</a></h3>"
    ) in card
    assert (
        '<time datetime="2023-01-10T11:00:00+0100">10 January 2023</time> · Vienna, Geneva' in card
    )
    assert "Migration &amp; youth &lt;policy&gt; go together." in card
    assert '<a href="/structures/secretariat/">OSCE Secretariat</a>' in card


def test_each_card_links_its_own_sources_in_the_structures_order(client):
    serbia, secretariat, tnt = (
        Structure.objects.get(slug=slug)
        for slug in ("mission-to-serbia", "secretariat", "transnational-threats-department")
    )
    PressReleaseFactory(title="Three sources", sources=[tnt, serbia, secretariat])
    PressReleaseFactory(title="One source", sources=[serbia])
    PressReleaseFactory(title="No source", sources=[])

    html = client.get(URL, {"q": "source"}).content.decode()

    def card(title: str) -> str:
        card = html[html.index(f">{title}</a></h3>") :]
        return card[: card.index("</article>")]

    def card_sources(title: str) -> list[tuple[str, str]]:
        return re.findall(r'<a href="(/structures/[^"]+/)">([^<]+)</a>', card(title))

    ordered = Structure.objects.filter(pk__in=[serbia.pk, secretariat.pk, tnt.pk])
    assert card_sources("Three sources") == [
        (structure.get_absolute_url(), structure.display_name) for structure in ordered
    ]
    assert card_sources("One source") == [("/structures/mission-to-serbia/", serbia.display_name)]
    assert "release-card__sources" not in card("No source")


def test_facets_offer_each_value_with_its_count_and_check_the_chosen_ones(client):
    response = client.get(URL, {"field": "migration", "country": "austria"})

    assert response.status_code == 200
    assert titles(response) == ["Secretary General on migration and youth"]
    assert checkboxes(response, "field") == [
        ("migration", "Migration (1)", True),
        ("youth", "Youth (1)", False),
    ]
    assert checkboxes(response, "country") == [
        ("austria", "Austria (1)", True),
        ("bosnia-and-herzegovina", "Bosnia and Herzegovina (1)", False),
    ]
    assert checkboxes(response, "type") == [("speech", "Speech (1)", False)]


def test_several_values_of_a_facet_combine_with_or(client):
    response = client.get(URL, {"type": ["news", "statement"]})

    assert titles(response) == ["Young people debate media freedom", "Police reform statement"]
    assert result_heading(response) == "2 press releases"


def test_structure_options_are_indented_by_depth_and_a_parent_includes_its_children(client):
    response = client.get(URL, {"structure": "secretariat"})
    html = response.content.decode()

    assert titles(response) == [
        "Secretary General on migration and youth",
        "Police reform statement",
    ]
    assert re.search(
        r'<li class="facet__option facet__option--depth-1">\s*<input type="checkbox" '
        r'id="[^"]+" name="structure" value="transnational-threats-department"',
        html,
    )
    assert re.search(
        r'<li class="facet__option facet__option--depth-0">\s*<input type="checkbox" '
        r'id="[^"]+" name="structure" value="secretariat" checked>',
        html,
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "field=migration",
        "type=news&type=statement",
        "field=migration&type=speech",
        "type=speech&type=press_release&country=austria",
        "q=smuggling",
        "q=zzzznothing",
        "q=-smuggling",
        "q=%2B%2B%2B",  # nothing searchable: matches nothing
        "year=2021&year=2020",
        "from=2021-01-01&to=2022-12-31",
        "type=blog",  # invalid, so ignored
    ],
)
def test_the_result_count_is_the_number_of_matching_releases(client, query):
    expected = ReleaseFilterSet(QueryDict(query)).qs

    response = client.get(f"{URL}?{query}")

    count = expected.count()
    assert result_heading(response) == f"{count} press release{'s' if count != 1 else ''}"
    assert titles(response) == [release.title for release in expected]


def test_the_count_groups_thousands(client, monkeypatch):
    monkeypatch.setattr(listing, "result_count", lambda facets: 1234)

    assert result_heading(client.get(URL)) == "1,234 press releases"


def test_search_shows_marked_snippets_and_offers_the_sort(client):
    response = client.get(URL, {"q": "smuggling"})
    html = response.content.decode()

    assert titles(response) == ["Border police meet in Sarajevo"]
    assert "<mark>smuggling</mark>" in html
    assert '<select id="filter-sort" name="sort">' in html
    assert '<option value="relevance" selected>Most relevant first</option>' in html


def test_search_can_be_sorted_by_date(client):
    response = client.get(URL, {"q": "police OR young", "sort": "newest"})

    assert titles(response) == [
        "Young people debate media freedom",
        "Border police meet in Sarajevo",
        "Police reform statement",
    ]
    assert '<option value="newest" selected>Newest first</option>' in response.content.decode()


def test_without_a_search_there_is_no_sort_to_choose(client):
    assert 'name="sort"' not in client.get(URL).content.decode()


def test_active_filters_are_removable_chips_with_a_clear_all(client):
    response = client.get(URL, {"field": ["migration", "youth"], "page": "1", "utm": "x"})
    html = unescape(response.content.decode())

    assert 'href="?field=youth&utm=x">Field of work: Migration' in html
    assert 'href="?field=migration&utm=x">Field of work: Youth' in html
    assert '<a href="?utm=x">Clear all filters</a>' in html


def test_without_filters_there_are_no_chips(client):
    assert "Clear all filters" not in client.get(URL).content.decode()


def test_feed_links_carry_the_filters_but_not_the_page_or_the_sort(client, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 1)

    response = client.get(
        URL, {"field": "migration", "q": "police", "sort": "newest", "page": "1", "utm": "x"}
    )

    assert feed_hrefs(response) == [
        "/press-releases/feed/atom/?field=migration&q=police",
        "/press-releases/feed/rss/?field=migration&q=police",
    ]
    assert 'title="Press releases: Migration, “police” (Atom)"' in response.content.decode()


def test_feed_links_leave_out_what_the_listing_could_not_apply(client):
    response = client.get(URL, {"field": "atlantis", "country": "austria", "from": "2017-13-45"})

    assert feed_hrefs(response)[0] == "/press-releases/feed/atom/?country=austria"


def test_unfiltered_feed_links_have_no_query(client):
    assert feed_hrefs(client.get(URL)) == [
        "/press-releases/feed/atom/",
        "/press-releases/feed/rss/",
    ]


# Pagination


@pytest.fixture
def two_per_page(monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)


def test_pages_split_the_results_in_a_stable_order(client, two_per_page):
    moment = at(2024, 2, 2, 12)
    same_time = [PressReleaseFactory(title=f"Same time {n}", publish_at=moment) for n in range(3)]

    pages = [titles(client.get(URL, {"page": n})) for n in (1, 2, 3, 4)]

    # Ties in publication time are broken by id, newest first.
    assert pages == [
        [same_time[2].title, same_time[1].title],
        [same_time[0].title, NEWEST_FIRST[0]],
        NEWEST_FIRST[1:3],
        NEWEST_FIRST[3:],
    ]


def test_pagination_links_keep_the_other_parameters(client, two_per_page):
    response = client.get(URL, {"type": ["press_release", "speech", "news"], "page": "2"})
    html = unescape(response.content.decode())

    assert titles(response) == ["Border police meet in Sarajevo"]
    nav = html[html.index('<nav class="pagination" aria-label="Pagination">') :]
    nav = nav[: nav.index("</nav>")]
    assert '<a href="?type=press_release&type=speech&type=news&page=1" rel="prev">' in nav
    assert '<span aria-current="page"><span class="visually-hidden">Page </span>2</span>' in nav
    assert 'rel="next"' not in nav
    assert "Showing 3–3, page 2 of 2." in html


def test_a_single_page_has_no_pagination(client):
    assert 'aria-label="Pagination"' not in client.get(URL).content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "3", "999999", "9" * 5000, "last"])
def test_a_page_that_does_not_exist_is_not_found(client, two_per_page, page):
    assert client.get(URL, {"page": page}).status_code == 404


@pytest.mark.parametrize("page", ["", "2", " 2"])
def test_page_numbers_in_range_answer(client, two_per_page, page):
    assert client.get(URL, {"page": page}).status_code == 200


def test_an_empty_listing_is_a_page_not_an_error(client):
    response = client.get(URL, {"q": "zzzznothing"})

    assert response.status_code == 200
    assert result_heading(response) == "0 press releases"
    assert "No press releases match these filters." in response.content.decode()


# Bad input


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("field=atlantis", "Field of work: Unknown field of work: “atlantis”."),
        ("from=2017-13-45", "From: Enter a date as YYYY-MM-DD, e.g. 2020-03-02."),
        ("year=abc", "Year: A year is a number from 1900 to 2999, not “abc”."),
        ("sort=relevance", "Sort by: Sorting by relevance needs a search query."),
        ("type=<script>", "Content type: Unknown content type: “&lt;script&gt;”."),
        ("q=" + "x" * 600, "Search: Shorten the search to at most 500 characters."),
        ("field=" + "&field=".join(f"f{n}" for n in range(60)), "Choose at most 50 values."),
        ("from=2022-01-01&to=2021-01-01", "To: The end date is before the start date."),
    ],
)
def test_invalid_parameters_show_their_errors_with_status_400(client, query, message):
    response = client.get(f"{URL}?{query}")
    html = response.content.decode()

    assert response.status_code == 400
    assert '<h2 id="error-summary-heading">Some filters could not be applied</h2>' in html
    assert message in html
    assert titles(response) == NEWEST_FIRST  # every other parameter still applies


def test_an_invalid_parameter_leaves_the_valid_ones_applied(client):
    response = client.get(URL, {"field": "atlantis", "country": "serbia"})

    assert response.status_code == 400
    assert titles(response) == ["Young people debate media freedom"]


def test_a_bad_date_is_shown_back_next_to_its_error(client):
    html = client.get(URL, {"from": "2017-13-45"}).content.decode()

    assert (
        '<input type="date" id="filter-from" name="from" value="2017-13-45" aria-invalid="true" '
        'aria-describedby="filter-from-error">'
    ) in html
    assert '<p class="field-error" id="filter-from-error">' in html


@pytest.mark.parametrize(
    "query",
    [
        "field=migration&field=migration&field=migration",
        "q=%22unbalanced&q=second",
        "q=%00%01%02",
        "q=OR%20AND%20NOT%20*%20%22%22%20-",
        "year=%202021",
        "field=&country=",
        "unknown=1&page=1",
        "q=" + "%E2%80%94" * 300,
        "speaker=nobody&organisation=nothing&tag=none",
        "from=0000-01-01",
        "to=9999-12-31",
        "language=xx",
        "q=smuggling&sort=sideways",
        "field=" + "y" * 10_000,
    ],
)
def test_bad_query_strings_never_fail(client, query):
    response = client.get(f"{URL}?{query}")

    assert response.status_code in (200, 400)
    assert "<h1>Press releases</h1>" in response.content.decode()


def test_too_many_parameters_are_a_bad_request(client):
    query = "&".join(f"p{n}=1" for n in range(1500))

    assert client.get(f"{URL}?{query}").status_code == 400


# Query budget


def test_the_query_count_is_the_same_for_few_and_many_releases(
    client, django_assert_num_queries, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # measure the view, not the stored page
    client.get(URL)  # the site navigation and the content stamp are cached from here on
    with django_assert_num_queries(BUDGET):
        assert client.get(URL).status_code == 200

    source = Structure.objects.get(slug="mission-to-serbia")
    for n in range(40):
        release = PressReleaseFactory(
            title=f"Extra {n}",
            sources=[source, Structure.objects.get(slug="secretariat")],
            fields_of_work=list(FieldOfWork.objects.all()[:3]),
        )
        release.tags.add(f"tag {n}")
    client.get(URL)  # the new content renews the stamp

    with django_assert_num_queries(BUDGET):
        response = client.get(URL, {"page": "2"})
    assert len(titles(response)) == 20


def test_the_menu_is_built_from_the_taxonomy_the_filters_read(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)

    assert response.status_code == 200
    assert 'href="/fields-of-work/migration/"' in response.content.decode()  # in the menu
    taxonomy_reads = [q for q in queries.captured_queries if '"taxonomy_fieldofwork"' in q["sql"]]
    assert len(taxonomy_reads) == 1


# The vocabularies, the facets (the totals, with the keys of releases come due since they were
# counted, and the top records' labels), one page of releases (its ids, then its rows) and
# their sources.
BUDGET = 1 + 2 + 2 + 1


def test_a_search_adds_one_query_for_its_snippets(client, django_assert_num_queries):
    client.get(URL)
    # The facets are one read of every value's set of releases instead of one of the
    # totals; the page's ids are ranked, its rows follow (as many as without a search); then
    # one for the snippets. (The speech found quotes someone, so the speaker labels are read
    # as before.) The facets need the matches: where the search table tells the public ones
    # (PostgreSQL), the page is cut from all of them read ranked at once; elsewhere they are
    # read unranked, one query more.
    matches = 0 if ranks_public_at_once() else 1
    with django_assert_num_queries(BUDGET + 1 + matches):
        client.get(URL, {"q": "migration"})
    # With a chosen facet, the matches are read unranked on both databases.
    with django_assert_num_queries(BUDGET + 1 + 1):
        client.get(URL, {"q": "migration", "field": "migration"})


def test_the_result_count_costs_no_query_of_its_own(client):
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, {"field": "migration"})

    assert not [q for q in queries.captured_queries if "__count" in q["sql"]]
