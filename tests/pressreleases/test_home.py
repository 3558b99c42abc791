"""The home page: the latest public releases, the current Chairpersonship, the ways into the
taxonomy and a search form leading to the listing; a fixed number of queries."""

import datetime
import re
from html import unescape
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from pressreleases.models import PressRelease
from taxonomy.loading import load_file
from taxonomy.models import Structure
from tests.factories import PressReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def taxonomy(django_db_setup, django_db_blocker):
    """The taxonomy, loaded once for the module; each test runs in its own savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_file()
        yield
        transaction.set_rollback(True)


def titles(html: str) -> list[str]:
    return [
        unescape(title)
        for title in re.findall(
            r'<h3 class="release-card__title"><a href="[^"]*">([^<]*)</a>', html
        )
    ]


def days_ago(n: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)


def test_home_page_shows_the_six_latest_public_releases(client):
    for n in range(8):
        PressReleaseFactory(title=f"Release {n}", publish_at=days_ago(10 - n))
    PressReleaseFactory(title="Draft", status=PressRelease.Status.DRAFT)
    PressReleaseFactory(
        title="Withdrawn", status=PressRelease.Status.WITHDRAWN, withdrawal_reason="Error."
    )
    now = timezone.now()
    PressReleaseFactory(title="Due in a second", publish_at=now + datetime.timedelta(seconds=1))

    with mock.patch("django.utils.timezone.now", return_value=now):
        response = client.get("/")

    assert response.status_code == 200
    assert titles(response.content.decode()) == [f"Release {n}" for n in range(7, 1, -1)]


def test_home_page_without_releases_says_so(client):
    assert "No press releases have been published yet." in client.get("/").content.decode()


def test_home_page_shows_the_current_chairpersonship(client):
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2025, 6, 1)):
        html = client.get("/").content.decode()

    assert '<h2 id="chair-heading">Chairpersonship 2025</h2>' in html
    assert (
        '<a href="/countries/finland/">Finland</a> holds the OSCE Chairpersonship in 2025.' in html
    )


def test_home_page_leads_into_the_taxonomy(client):
    html = client.get("/").content.decode()

    for url in [
        "/fields-of-work/",
        "/countries/",
        "/structures/",
        "/meetings/",
        "/press-releases/",
    ]:
        assert f'href="{url}"' in html


def test_home_page_search_form_sends_a_get_to_the_listing(client):
    html = client.get("/").content.decode()

    assert re.search(
        r'<form class="home-search" method="get" action="/press-releases/" role="search"[^>]*>\s*'
        r'<label for="home-q">Search press releases</label>',
        html,
    )
    assert '<input type="search" id="home-q" name="q">' in html


def test_home_page_links_the_feeds_of_all_releases(client):
    html = client.get("/").content.decode()

    assert (
        '<link rel="alternate" type="application/atom+xml" title="Press releases (Atom)" '
        'href="/press-releases/feed/atom/">'
    ) in html
    assert (
        'type="application/rss+xml" title="Press releases (RSS)" href="/press-releases/feed/rss/"'
        in html
    )


def test_home_page_query_count_is_fixed(client, django_assert_num_queries):
    client.get("/")  # the navigation is cached from here on
    secretariat = Structure.objects.get(slug="secretariat")
    PressReleaseFactory(sources=[secretariat])
    # The latest releases and their sources.
    with django_assert_num_queries(2):
        client.get("/")
    for _ in range(10):
        PressReleaseFactory(sources=[secretariat, Structure.objects.get(slug="mission-to-serbia")])
    with django_assert_num_queries(2):
        html = client.get("/").content.decode()
    assert len(titles(html)) == 6
