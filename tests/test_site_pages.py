"""Sitemaps, robots.txt and the error pages."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from pressreleases.models import PressRelease
from pressreleases.sitemaps import PressReleaseSitemap
from tests.factories import PressReleaseFactory

pytestmark = pytest.mark.django_db
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(response) -> list[str]:
    return [loc.text for loc in ET.fromstring(response.content).findall(".//sm:loc", NS)]


@pytest.fixture
def releases(taxonomy):
    now = timezone.now()
    return {
        "public": PressReleaseFactory(slug="public-one"),
        "older": PressReleaseFactory(slug="older-one", publish_at=now - datetime.timedelta(days=9)),
        "draft": PressReleaseFactory(slug="draft-one", status=PressRelease.Status.DRAFT),
        "scheduled": PressReleaseFactory(
            slug="scheduled-one", publish_at=now + datetime.timedelta(seconds=5)
        ),
        "withdrawn": PressReleaseFactory(
            slug="withdrawn-one",
            status=PressRelease.Status.WITHDRAWN,
            withdrawal_reason="Issued in error.",
        ),
    }


def test_release_sitemap_lists_only_public_releases_oldest_first(client, releases):
    response = client.get("/sitemap-releases.xml")

    assert response.status_code == 200
    assert locations(response) == [
        "http://testserver/press-releases/older-one/",
        "http://testserver/press-releases/public-one/",
    ]
    lastmods = ET.fromstring(response.content).findall(".//sm:lastmod", NS)
    # The sitemap writes the date in the site's time zone, which is not UTC's for an hour or
    # two around midnight.
    assert lastmods[1].text == timezone.localdate(releases["public"].updated_at).isoformat()


def test_sitemap_index_pages_the_releases(client, releases, monkeypatch):
    monkeypatch.setattr(PressReleaseSitemap, "limit", 1)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert locations(response) == [
        "http://testserver/sitemap-releases.xml",
        "http://testserver/sitemap-releases.xml?p=2",
        "http://testserver/sitemap-taxonomy.xml",
    ]
    second = client.get("/sitemap-releases.xml?p=2")
    assert locations(second) == ["http://testserver/press-releases/public-one/"]


@pytest.mark.parametrize("page", ["3", "abc", "0"])
def test_sitemap_pages_out_of_range_are_not_found(client, releases, page):
    assert client.get(f"/sitemap-releases.xml?p={page}").status_code == 404


def test_taxonomy_sitemap_lists_every_term(client, taxonomy):
    urls = locations(client.get("/sitemap-taxonomy.xml"))

    assert urls[:4] == [
        "http://testserver/fields-of-work/",
        "http://testserver/countries/",
        "http://testserver/structures/",
        "http://testserver/meetings/",
    ]
    assert "http://testserver/structures/mission-in-kosovo/" in urls
    assert len(urls) == 4 + 23 + 68 + 45 + 16


def test_robots_txt_points_at_the_sitemap_and_keeps_private_pages_out(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Disallow: /press-releases/preview/" in lines
    assert lines[-1] == "Sitemap: http://testserver/sitemap.xml"


def test_unknown_address_gets_the_site_404_page(client, taxonomy):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


def test_server_error_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "<h1>Something went wrong on our side</h1>" in html
