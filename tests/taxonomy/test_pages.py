"""The site navigation from the taxonomy, the vocabularies' index pages, and each term's page:
its description and its slice of the release listing (public releases only, the same facets,
its own feed)."""

import datetime
import re
from html import unescape
from unittest import mock

import pytest
from django.db import transaction
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import timezone

from pressreleases.models import PressRelease
from taxonomy.loading import load_file
from taxonomy.models import (
    Chairpersonship,
    Country,
    FieldOfWork,
    MeetingSeries,
    Structure,
    slug_url,
)
from tests.factories import PressReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def taxonomy(django_db_setup, django_db_blocker):
    """The taxonomy and a few releases, made once for the module; each test runs in its own
    savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_file()
        make_releases()
        yield
        transaction.set_rollback(True)


def on(day: datetime.date):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def test_home_page_renders_the_navigation_from_the_taxonomy(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    for record in [
        *FieldOfWork.objects.all(),
        *MeetingSeries.objects.all(),
        *Country.objects.all(),
    ]:
        assert f'href="{record.get_absolute_url()}"' in html
    for body in Structure.objects.field_operations().open():
        assert f'<a href="{body.get_absolute_url()}">{body.name}</a>' in html
    closed = Structure.objects.get(slug="special-monitoring-mission-to-ukraine")
    assert closed.get_absolute_url() not in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">')


@pytest.mark.parametrize(
    ("day", "label", "not_label"),
    [
        (datetime.date(2025, 6, 1), "Finland – OSCE Chairpersonship 2025", "Switzerland – OSCE"),
        (datetime.date(2026, 1, 1), "Switzerland – OSCE Chairpersonship 2026", "Finland – OSCE"),
    ],
)
def test_chairpersonship_label_follows_the_current_year(client, day, label, not_label):
    with on(day):
        html = client.get("/").content.decode()

    assert html.count(label) == 2  # header and the country in the menu
    assert not_label not in html


def test_a_year_without_a_chair_shows_no_label(client):
    with on(datetime.date(2099, 1, 1)):
        html = client.get("/").content.decode()

    assert "OSCE Chairpersonship" not in html
    assert ">Finland<" in html


def test_navigation_is_rebuilt_when_the_taxonomy_changes(client):
    client.get("/")
    FieldOfWork.objects.filter(slug="youth").update(name="unused")  # bypasses signals: still cached
    youth = FieldOfWork.objects.get(slug="youth")
    youth.name = "Youth and security"
    youth.save()

    assert "Youth and security" in client.get("/").content.decode()


def test_navigation_costs_no_queries_once_cached(client, django_assert_num_queries):
    client.get("/countries/")
    with django_assert_num_queries(1):  # the page's own list of countries
        assert client.get("/countries/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/fields-of-work/",
        "/fields-of-work/policing/",
        "/countries/",
        "/countries/switzerland/",
        "/structures/",
        "/structures/secretariat/",
        "/structures/mission-to-bosnia-and-herzegovina/",
        "/meetings/",
        "/meetings/summit-meetings/",
    ],
)
def test_taxonomy_pages_answer(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url", ["/fields-of-work/nothing/", "/countries/atlantis/", "/structures/x/", "/meetings/y/"]
)
def test_unknown_slugs_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_country_page_lists_the_field_operations_it_hosts(client):
    html = client.get(reverse("taxonomy:country", args=["ukraine"])).content.decode()

    assert "Special Monitoring Mission to Ukraine" in html
    assert "Project Co-ordinator in Ukraine" in html


def test_structure_page_lists_its_children(client):
    html = client.get(reverse("taxonomy:structure", args=["secretariat"])).content.decode()

    for unit in Structure.objects.get(slug="secretariat").children.all():
        assert unit.get_absolute_url() in html


def test_term_addresses_follow_the_script_prefix_and_the_urlconf(settings):
    # Term addresses are remembered once reversed: they must still change with either.
    country, field = Country.objects.get(slug="albania"), FieldOfWork.objects.first()
    assert country.get_absolute_url() == "/countries/albania/"
    set_script_prefix("/newsroom/")
    try:
        assert country.get_absolute_url() == "/newsroom/countries/albania/"
    finally:
        set_script_prefix("/")
    assert country.get_absolute_url() == "/countries/albania/"
    settings.ROOT_URLCONF = "tests.taxonomy.moved_urls"
    assert country.get_absolute_url() == "/taxonomy/countries/albania/"
    assert field.get_absolute_url() == f"/taxonomy/fields-of-work/{field.slug}/"


@pytest.mark.parametrize(
    ("viewname", "slug"),
    [
        ("pressreleases:detail", "border-talks_2"),
        ("people:speaker", "ana-example"),
        ("people:organisation", "agency"),
        ("taxonomy:structure", "secretariat"),
    ],
)
def test_slug_addresses_are_the_ones_reverse_gives(viewname, slug):
    assert slug_url(viewname, slug) == reverse(viewname, args=[slug])
    set_script_prefix("/newsroom/")
    try:
        assert slug_url(viewname, slug) == reverse(viewname, args=[slug])
        assert slug_url(viewname, slug).startswith("/newsroom/")
    finally:
        set_script_prefix("/")


def test_a_slug_the_route_refuses_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        slug_url("pressreleases:detail", "not a slug")


def test_chairpersonship_string_is_its_label():
    chair = Chairpersonship.objects.get(year=2017)
    assert str(chair) == "Austria – OSCE Chairpersonship 2017"


# Each term's page is a slice of the release listing.


def titles(response) -> list[str]:
    html = response.content.decode()
    return [
        unescape(title)
        for title in re.findall(
            r'<h3 class="release-card__title"><a href="[^"]*">([^<]*)</a>', html
        )
    ]


def days_ago(n: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)


def make_releases() -> None:
    field, country, structure = FieldOfWork.objects.get, Country.objects.get, Structure.objects.get
    summit = MeetingSeries.objects.get(slug="summit-meetings")
    PressReleaseFactory(
        title="Migration in Bosnia",
        publish_at=days_ago(3),
        fields_of_work=[field(slug="migration")],
        countries=[country(slug="bosnia-and-herzegovina")],
        sources=[structure(slug="mission-to-bosnia-and-herzegovina")],
    )
    news = PressReleaseFactory(
        title="Migration news",
        content_type=PressRelease.ContentType.NEWS,
        publish_at=days_ago(2),
        fields_of_work=[field(slug="migration"), field(slug="youth")],
        countries=[country(slug="serbia")],
        sources=[structure(slug="transnational-threats-department")],
    )
    news.meeting_series.set([summit])
    PressReleaseFactory(
        title="Youth only",
        publish_at=days_ago(1),
        fields_of_work=[field(slug="youth")],
        sources=[structure(slug="secretariat")],
    )
    hidden = {
        "fields_of_work": [field(slug="migration")],
        "countries": [country(slug="serbia")],
        "sources": [structure(slug="secretariat")],
    }
    for release in [
        PressReleaseFactory(title="Hidden draft", status=PressRelease.Status.DRAFT, **hidden),
        PressReleaseFactory(title="Hidden scheduled", publish_at=days_ago(-30), **hidden),
        PressReleaseFactory(
            title="Hidden withdrawn",
            status=PressRelease.Status.WITHDRAWN,
            withdrawal_reason="Sent in error.",
            **hidden,
        ),
    ]:
        release.meeting_series.set([summit])


def test_field_of_work_page_lists_its_public_releases(client):
    response = client.get("/fields-of-work/migration/")

    assert response.status_code == 200
    assert titles(response) == ["Migration news", "Migration in Bosnia"]
    html = response.content.decode()
    assert "<h1>Migration</h1>" in html
    assert '<h2 id="results-heading" class="listing__count">2 press releases</h2>' in html


def test_a_term_page_filters_further_with_the_other_facets(client):
    response = client.get("/fields-of-work/migration/", {"country": "serbia"})

    assert response.status_code == 200
    assert titles(response) == ["Migration news"]
    html = unescape(response.content.decode())
    # The page's own term is neither a facet nor a removable chip; the others are.
    assert 'name="field"' not in html
    assert 'name="country" value="serbia" checked>' in html
    assert '<a class="chip" href="?">Country: Serbia' in html
    assert "Field of work: Migration" not in html
    assert '<form class="filters" method="get" action="/fields-of-work/migration/">' in html


def test_a_term_page_ignores_a_competing_value_for_its_own_facet(client):
    response = client.get("/fields-of-work/migration/", {"field": ["youth", "atlantis"]})

    assert response.status_code == 200
    assert titles(response) == ["Migration news", "Migration in Bosnia"]


def test_a_term_page_reports_invalid_parameters_with_status_400(client):
    response = client.get("/countries/serbia/", {"from": "2017-13-45", "type": "news"})

    assert response.status_code == 400
    assert "Enter a date as YYYY-MM-DD, e.g. 2020-03-02." in response.content.decode()
    assert titles(response) == ["Migration news"]


def test_a_term_page_feed_is_the_listing_feed_with_the_term(client):
    response = client.get("/fields-of-work/migration/", {"country": "serbia", "page": "1"})
    html = unescape(response.content.decode())

    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'title="Press releases: Migration, Serbia (Atom)" '
        'href="/press-releases/feed/atom/?field=migration&country=serbia">'
    ) in html
    assert 'href="/press-releases/feed/rss/?field=migration&country=serbia">' in html


def test_structure_page_includes_the_releases_of_the_structures_below_it(client):
    response = client.get("/structures/secretariat/")

    assert titles(response) == ["Youth only", "Migration news"]
    assert 'name="structure"' not in response.content.decode()


def test_field_operation_page_shows_whether_it_is_open(client):
    html = client.get("/structures/mission-to-bosnia-and-herzegovina/").content.decode()

    assert '<span class="badge badge--open">Open</span>' in html
    closed = client.get("/structures/special-monitoring-mission-to-ukraine/").content.decode()
    assert '<span class="badge badge--closed">Closed</span>' in closed


def test_country_page_lists_its_releases_and_the_field_operations_it_hosts(client):
    response = client.get("/countries/bosnia-and-herzegovina/")
    html = response.content.decode()

    assert titles(response) == ["Migration in Bosnia"]
    assert '<a href="/structures/mission-to-bosnia-and-herzegovina/">' in html


def test_meeting_series_page_lists_its_public_releases(client):
    response = client.get("/meetings/summit-meetings/")

    assert titles(response) == ["Migration news"]


@pytest.mark.parametrize(
    "url",
    [
        "/fields-of-work/migration/",
        "/countries/serbia/",
        "/structures/secretariat/",
        "/meetings/summit-meetings/",
    ],
)
def test_hidden_releases_never_reach_a_term_page(client, url):
    now = timezone.now()
    PressReleaseFactory(
        title="Hidden until a second from now",
        publish_at=now + datetime.timedelta(seconds=1),
        fields_of_work=[FieldOfWork.objects.get(slug="migration")],
        countries=[Country.objects.get(slug="serbia")],
        sources=[Structure.objects.get(slug="secretariat")],
    ).meeting_series.set([MeetingSeries.objects.get(slug="summit-meetings")])

    with mock.patch("django.utils.timezone.now", return_value=now):
        html = client.get(url).content.decode()

    assert "Hidden" not in html


@pytest.mark.parametrize("page", ["abc", "2", "999999"])
def test_a_term_page_beyond_its_results_is_not_found(client, page):
    assert client.get("/fields-of-work/migration/", {"page": page}).status_code == 404


BUDGETS = {
    # The term, then the listing: vocabularies, the facets (every value's set of releases,
    # the top records' labels), the page's ids, its releases, their sources.
    "/fields-of-work/migration/": 1 + 1 + 2 + 1 + 1 + 1,
    "/meetings/summit-meetings/": 1 + 1 + 2 + 1 + 1 + 1,
    # The term with its parent and host, and its children.
    "/structures/secretariat/": 1 + 1 + 1 + 2 + 1 + 1 + 1,
    # The term, the field operations it hosts and its Chairpersonship years.
    "/countries/serbia/": 1 + 2 + 1 + 2 + 1 + 1 + 1,
}


def test_term_pages_have_a_fixed_query_budget(client, django_assert_num_queries):
    field, country = FieldOfWork.objects.get(slug="migration"), Country.objects.get(slug="serbia")
    secretariat = Structure.objects.get(slug="secretariat")
    summit = MeetingSeries.objects.get(slug="summit-meetings")

    def add_release() -> None:
        release = PressReleaseFactory(
            fields_of_work=[field], countries=[country], sources=[secretariat]
        )
        release.meeting_series.set([summit])
        release.tags.add("schools")

    add_release()
    client.get("/")  # the site navigation is cached from here on
    for url, queries in BUDGETS.items():
        with django_assert_num_queries(queries):
            client.get(url)
    for _ in range(20):
        add_release()
    for url, queries in BUDGETS.items():
        with django_assert_num_queries(queries):
            assert len(titles(client.get(url))) == 20
