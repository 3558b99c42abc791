"""Atom and RSS feeds of the listing: the same parameters as the listing, public releases only,
valid (feedparser parses them cleanly), stable ids, right times, a fixed query budget."""

import datetime
import zoneinfo
from unittest import mock

import feedparser
import pytest
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from pressreleases import feeds
from pressreleases.models import PressRelease
from taxonomy.loading import load_file
from taxonomy.models import Country, FieldOfWork, Structure
from tests.factories import PressReleaseFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db

ATOM = "/press-releases/feed/atom/"
RSS = "/press-releases/feed/rss/"
Status = PressRelease.Status


def parse(response) -> feedparser.FeedParserDict:
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.fixture(scope="module", autouse=True)
def corpus(django_db_setup, django_db_blocker):
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
    migration, youth = (
        FieldOfWork.objects.get(slug="migration"),
        FieldOfWork.objects.get(slug="youth"),
    )
    bosnia = Country.objects.get(slug="bosnia-and-herzegovina")
    PressReleaseFactory(
        pk=101,
        title="Border police meet in Sarajevo",
        slug="border-police",
        lead="Officers compared notes on smuggling & trafficking <routes>.",
        publish_at=at(2021, 3, 2, 10),
        created_at=at(2021, 3, 1, 9),
        fields_of_work=[migration, youth],
        countries=[bosnia],
        sources=[Structure.objects.get(slug="mission-to-bosnia-and-herzegovina")],
    )
    PressReleaseFactory(
        pk=102,
        title="Young people debate",
        slug="young-people",
        lead="Students met in Belgrade.",
        publish_at=at(2022, 5, 1, 10),
        created_at=at(2022, 4, 30, 9),
        fields_of_work=[youth],
    )
    # Explicit ids leave PostgreSQL's sequence where it was, so that the next release created
    # could take id 101 or 102, depending on what earlier tests created: move it past them.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [PressRelease]):
            cursor.execute(sql)
    hidden = {"fields_of_work": [migration], "countries": [bosnia], "lead": "Smuggling."}
    PressReleaseFactory(title="Hidden draft", status=Status.DRAFT, **hidden)
    PressReleaseFactory(title="Hidden scheduled", publish_at=at(2099, 1, 1), **hidden)
    PressReleaseFactory(
        title="Hidden withdrawn",
        status=Status.WITHDRAWN,
        withdrawal_reason="Sent in error.",
        **hidden,
    )


@pytest.mark.parametrize("url", [ATOM, RSS])
def test_feeds_list_public_releases_newest_first(client, url):
    parsed = parse(client.get(url))

    assert [entry.title for entry in parsed.entries] == [
        "Young people debate",
        "Border police meet in Sarajevo",
    ]
    assert parsed.feed.title == "Press releases"


def test_atom_entries_carry_link_id_times_summary_and_categories(client):
    entry = parse(client.get(ATOM)).entries[1]

    assert entry.link == "http://testserver/press-releases/border-police/"
    assert entry.id == "tag:testserver,2021-03-01:press-release/101"
    assert entry.published_parsed[:6] == (2021, 3, 2, 10, 0, 0)
    release = PressRelease.objects.get(pk=101)
    assert entry.updated_parsed[:6] == release.updated_at.utctimetuple()[:6]
    assert entry.summary == "Officers compared notes on smuggling &amp; trafficking &lt;routes&gt;."
    assert [tag.term for tag in entry.tags] == ["Migration", "Youth"]


def test_rss_items_carry_link_guid_date_description_and_categories(client):
    response = client.get(RSS)
    entry = parse(response).entries[1]

    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert entry.link == "http://testserver/press-releases/border-police/"
    assert entry.id == "tag:testserver,2021-03-01:press-release/101"
    assert entry.guidislink is False
    assert entry.published_parsed[:6] == (2021, 3, 2, 10, 0, 0)
    assert entry.summary == "Officers compared notes on smuggling &amp; trafficking &lt;routes&gt;."
    assert [tag.term for tag in entry.tags] == ["Migration", "Youth"]


def test_an_entry_keeps_its_id_when_title_and_slug_change(client):
    before = parse(client.get(ATOM)).entries[1].id
    release = PressRelease.objects.get(pk=101)
    release.title, release.slug = "Border police meet again", "border-police-again"
    release.save()

    entry = parse(client.get(ATOM)).entries[1]

    assert entry.id == before
    assert entry.title == "Border police meet again"


def test_the_feed_is_updated_when_its_newest_release_was(client):
    parsed = parse(client.get(ATOM))
    newest = PressRelease.objects.get(pk=102)

    assert parsed.feed.updated_parsed[:6] == newest.updated_at.utctimetuple()[:6]


@pytest.mark.parametrize("url", [ATOM, RSS])
def test_feeds_take_the_listing_parameters_and_name_them_in_the_title(client, url):
    parsed = parse(client.get(url, {"field": "migration", "country": "bosnia-and-herzegovina"}))

    assert [entry.title for entry in parsed.entries] == ["Border police meet in Sarajevo"]
    assert parsed.feed.title == "Press releases: Migration, Bosnia and Herzegovina"
    assert parsed.feed.link == (
        "http://testserver/press-releases/?field=migration&country=bosnia-and-herzegovina"
    )


def test_the_atom_feed_points_at_itself_with_its_parameters(client):
    parsed = parse(client.get(ATOM, {"year": "2022", "page": "3", "utm": "x"}))

    self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_links == ["http://testserver/press-releases/feed/atom/?year=2022"]
    assert parsed.feed.title == "Press releases: 2022"
    assert [entry.title for entry in parsed.entries] == ["Young people debate"]


def test_a_search_feed_is_in_relevance_order(client):
    parsed = parse(client.get(ATOM, {"q": "smuggling OR students", "from": "2021-01-01"}))

    assert {entry.title for entry in parsed.entries} == {
        "Border police meet in Sarajevo",
        "Young people debate",
    }
    assert parsed.feed.title == "Press releases: from 1 January 2021, “smuggling OR students”"


def test_a_feed_holds_the_newest_fifty(client, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_SIZE", 1)

    parsed = parse(client.get(ATOM))

    assert [entry.title for entry in parsed.entries] == ["Young people debate"]


def test_an_empty_feed_is_still_valid(client):
    parsed = parse(client.get(ATOM, {"year": "1999"}))

    assert parsed.entries == []


def test_a_release_scheduled_one_second_ahead_is_not_in_the_feed(client):
    now = timezone.now()
    PressReleaseFactory(title="Due in a second", publish_at=now + datetime.timedelta(seconds=1))

    with mock.patch("django.utils.timezone.now", return_value=now):
        parsed = parse(client.get(ATOM))

    assert "Due in a second" not in [entry.title for entry in parsed.entries]
    assert len(parsed.entries) == 2


@pytest.mark.parametrize("url", [ATOM, RSS])
@pytest.mark.parametrize(
    "query",
    [
        "field=atlantis",
        "from=2017-13-45",
        "year=abc",
        "sort=relevance",
        "q=" + "x" * 600,
        "field=" + "&field=".join(f"f{n}" for n in range(60)),
        "to=9999-12-31",
    ],
)
def test_invalid_parameters_are_a_bad_request(client, url, query):
    assert client.get(f"{url}?{query}").status_code == 400


def test_the_query_count_does_not_grow_with_the_releases(
    client, django_assert_num_queries, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # measure the feed, not the stored page
    # The vocabularies (to read the slugs), the newest ids, those releases, their fields of
    # work.
    query = {"field": ["migration", "youth"]}
    client.get(ATOM, query)  # the content stamp is cached from here on
    with django_assert_num_queries(4):
        client.get(ATOM, query)
    youth = FieldOfWork.objects.get(slug="youth")
    for n in range(30):
        PressReleaseFactory(
            title=f"Extra {n}", fields_of_work=[youth, *FieldOfWork.objects.all()[:3]]
        )
    client.get(ATOM, query)  # the new content renews the stamp
    with django_assert_num_queries(4):
        assert len(parse(client.get(ATOM, query)).entries) == 32
