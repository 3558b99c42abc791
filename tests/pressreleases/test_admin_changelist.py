"""The release change list: what it shows, how it filters, and that its cost does not grow with
the number of releases."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pressreleases.admin import CappedCountPaginator
from pressreleases.models import PressRelease
from taxonomy.models import FieldOfWork, Structure
from tests.factories import PressReleaseFactory, publisher

pytestmark = pytest.mark.django_db

Status = PressRelease.Status
CHANGELIST = reverse("admin:pressreleases_pressrelease_changelist")


@pytest.fixture
def as_publisher(client):
    client.force_login(publisher())
    return client


def listed(response) -> list[str]:
    return [release.title for release in response.context["cl"].result_list]


def test_status_column_names_each_state_and_the_time_of_scheduled_releases(as_publisher):
    when = datetime.datetime(2099, 3, 4, 9, 30, tzinfo=datetime.UTC)  # 10:30 in Vienna
    PressReleaseFactory(title="Scheduled one", publish_at=when)
    PressReleaseFactory(title="Public one")
    PressReleaseFactory(title="Draft one", status=Status.DRAFT, publish_at=None)
    PressReleaseFactory(title="Review one", status=Status.IN_REVIEW, publish_at=None)
    PressReleaseFactory(title="Withdrawn one", status=Status.WITHDRAWN, withdrawal_reason="x")

    response = as_publisher.get(CHANGELIST)

    admin = response.context["cl"].model_admin
    states = {r.title: admin.state(r) for r in response.context["cl"].result_list}
    assert states == {
        "Scheduled one": "Scheduled for 4 Mar 2099, 10:30",
        "Public one": "Published",
        "Draft one": "Draft",
        "Review one": "In review",
        "Withdrawn one": "Withdrawn",
    }
    assert "Scheduled for 4 Mar 2099, 10:30" in response.content.decode()


def test_newest_first_with_unscheduled_drafts_on_top(as_publisher):
    now = timezone.now()
    PressReleaseFactory(title="Old", publish_at=now - datetime.timedelta(days=30))
    PressReleaseFactory(title="New", publish_at=now - datetime.timedelta(days=1))
    PressReleaseFactory(title="Draft", status=Status.DRAFT, publish_at=None)

    assert listed(as_publisher.get(CHANGELIST)) == ["Draft", "New", "Old"]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("draft", ["Draft"]),
        ("in_review", ["Review"]),
        ("scheduled", ["Tomorrow"]),
        ("public", ["Yesterday"]),
        ("withdrawn", ["Withdrawn"]),
    ],
)
def test_status_filter_separates_scheduled_from_public(as_publisher, state, expected):
    now = timezone.now()
    PressReleaseFactory(title="Draft", status=Status.DRAFT, publish_at=None)
    PressReleaseFactory(title="Review", status=Status.IN_REVIEW, publish_at=None)
    PressReleaseFactory(title="Tomorrow", publish_at=now + datetime.timedelta(days=1))
    PressReleaseFactory(title="Yesterday", publish_at=now - datetime.timedelta(days=1))
    PressReleaseFactory(title="Withdrawn", status=Status.WITHDRAWN, withdrawal_reason="x")

    assert listed(as_publisher.get(CHANGELIST, {"state": state})) == expected


@pytest.mark.parametrize("word", ["Observatory", "lighthouse", "Zeppelin"])
def test_search_covers_title_lead_and_body(as_publisher, word):
    PressReleaseFactory(title="Observatory opens")
    PressReleaseFactory(title="Second", lead="A lighthouse was restored.")
    PressReleaseFactory(title="Third", body="<p>The Zeppelin landed.</p>")
    PressReleaseFactory(title="Unrelated")

    assert len(listed(as_publisher.get(CHANGELIST, {"q": word}))) == 1


def test_filters_by_source_and_field_of_work(as_publisher, taxonomy):
    mission = Structure.objects.get(slug="mission-to-bosnia-and-herzegovina")
    migration = FieldOfWork.objects.get(slug="migration")
    PressReleaseFactory(title="Mission on migration", sources=[mission], fields_of_work=[migration])
    PressReleaseFactory(title="Mission on other things", sources=[mission])
    PressReleaseFactory(title="From elsewhere", fields_of_work=[migration])

    by_source = as_publisher.get(CHANGELIST, {"sources__id__exact": mission.pk})
    by_both = as_publisher.get(
        CHANGELIST, {"sources__id__exact": mission.pk, "fields_of_work__id__exact": migration.pk}
    )

    assert sorted(listed(by_source)) == ["Mission on migration", "Mission on other things"]
    assert listed(by_both) == ["Mission on migration"]
    assert '<td class="field-source_list">Mission to Bosnia and Herzegovina</td>' in (
        by_both.content.decode()
    )


def create_releases(count: int, sources: list[Structure]) -> None:
    """`count` releases over the years, most published, each from `sources` (bulk, for speed)."""
    now = timezone.now()
    start = PressRelease.objects.count()
    releases = PressRelease.objects.bulk_create(
        PressRelease(
            title=f"Release {n} on regional co-operation",
            slug=f"release-{n}",
            status=Status.DRAFT if n % 7 == 0 else Status.PUBLISHED,
            publish_at=None if n % 7 == 0 else now - datetime.timedelta(days=n * 11),
        )
        for n in range(start, start + count)
    )
    through = PressRelease.sources.through
    through.objects.bulk_create(
        through(pressrelease_id=release.pk, structure_id=source.pk)
        for release in releases
        for source in sources
    )


def changelist_queries(client, **params) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return [query["sql"] for query in queries]


@pytest.mark.parametrize("params", [{}, {"state": "public"}, {"q": "co-operation"}])
def test_changelist_query_count_is_the_same_for_10_and_200_releases(as_publisher, taxonomy, params):
    sources = list(Structure.objects.filter(kind=Structure.Kind.FIELD_OPERATION)[:2])
    create_releases(10, sources)
    changelist_queries(as_publisher, **params)  # warm the session and caches
    few = changelist_queries(as_publisher, **params)

    create_releases(190, sources)
    many = changelist_queries(as_publisher, **params)

    assert len(many) == len(few)


def test_changelist_never_counts_past_the_cap(as_publisher, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 5)
    for _ in range(8):
        PressReleaseFactory()

    with CaptureQueriesContext(connection) as queries:
        response = as_publisher.get(CHANGELIST)

    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1
    assert "LIMIT 6" in counts[0]
    assert "More than 5 press releases" in response.content.decode()


def test_small_lists_show_their_exact_count(as_publisher):
    for _ in range(3):
        PressReleaseFactory()

    response = as_publisher.get(CHANGELIST)

    assert "3 press releases" in response.content.decode()
    assert not response.context["cl"].paginator.is_capped


def test_date_hierarchy_offers_the_years_without_reading_the_whole_table(as_publisher):
    PressReleaseFactory(publish_at=datetime.datetime(2019, 5, 1, 12, tzinfo=datetime.UTC))
    PressReleaseFactory(publish_at=datetime.datetime(2021, 12, 31, 23, 30, tzinfo=datetime.UTC))
    PressReleaseFactory(status=Status.DRAFT, publish_at=None)

    with CaptureQueriesContext(connection) as queries:
        response = as_publisher.get(CHANGELIST)

    html = response.content.decode()
    # 23:30 UTC on 31 December 2021 is already 2022 in Vienna.
    for year in (2019, 2020, 2021, 2022):
        assert f'<a href="?publish_at__year={year}">{year}</a>' in html
    assert not [q for q in queries if "DISTINCT" in q["sql"].upper()]


def test_date_hierarchy_drills_into_the_months_of_a_year(as_publisher):
    PressReleaseFactory(publish_at=datetime.datetime(2019, 5, 1, 12, tzinfo=datetime.UTC))
    PressReleaseFactory(publish_at=datetime.datetime(2019, 9, 1, 12, tzinfo=datetime.UTC))

    html = as_publisher.get(CHANGELIST, {"publish_at__year": "2019"}).content.decode()

    assert "publish_at__month=5" in html
    assert "publish_at__month=9" in html
    assert "publish_at__month=6" not in html


def test_choosing_a_related_release_searches_titles_only(as_publisher):
    PressReleaseFactory(title="Border management course")
    PressReleaseFactory(title="Other", body="<p>A border crossing.</p>")
    params = {
        "term": "border",
        "app_label": "pressreleases",
        "model_name": "pressrelease",
        "field_name": "related",
    }

    response = as_publisher.get(reverse("admin:autocomplete"), params)

    assert [r["text"] for r in response.json()["results"]] == ["Border management course"]


def test_staff_search_is_full_text_over_drafts_too_in_list_order(as_publisher):
    PressReleaseFactory(title="Workshop on budgets", body="<p>Smuggling networks came up.</p>")
    PressReleaseFactory(
        title="Smugglers targeted by new task force", status=Status.DRAFT, publish_at=None
    )
    PressReleaseFactory(title="Unrelated youth forum")

    response = as_publisher.get(CHANGELIST, {"q": "smuggling"})

    assert response.status_code == 200
    assert listed(response) == ["Smugglers targeted by new task force", "Workshop on budgets"]


def test_staff_search_with_only_operators_finds_nothing_and_does_not_fail(as_publisher):
    PressReleaseFactory(title="Anything")

    response = as_publisher.get(CHANGELIST, {"q": '" - OR'})

    assert response.status_code == 200
    assert listed(response) == []
