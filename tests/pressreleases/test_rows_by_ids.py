"""`IdsFirstQuerySet.rows_by_ids`: a slice of an ordered queryset, read ids first."""

import pytest

from pressreleases.models import PressRelease, PressReleaseQuerySet
from tests.factories import PressReleaseFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def releases() -> list[PressRelease]:
    """Five public releases, newest first, and a draft newer than all of them."""
    public = [
        PressReleaseFactory(title=f"Day {day}", publish_at=at(2024, 5, day))
        for day in (9, 7, 5, 3, 1)
    ]
    PressReleaseFactory(title="Draft", status=PressRelease.Status.DRAFT, publish_at=at(2024, 6, 1))
    return public


def newest() -> PressReleaseQuerySet:
    return PressRelease.objects.public().order_by("-publish_at", "-pk")


def test_a_slice_keeps_the_querysets_order(releases, django_assert_num_queries):
    with django_assert_num_queries(2):  # the ids, then the rows
        page = newest().rows_by_ids(1, 4, PressRelease.objects.all())

    assert [release.title for release in page] == ["Day 7", "Day 5", "Day 3"]


def test_the_rows_come_as_the_caller_shapes_them(releases):
    page = newest().rows_by_ids(0, 2, PressRelease.objects.defer("body"))

    assert [release.title for release in page] == ["Day 9", "Day 7"]
    assert all("body" in release.get_deferred_fields() for release in page)


def test_the_filters_are_the_querysets_not_the_rows(releases):
    # The rows may be every release: only those the ids name come back, never the draft.
    page = (
        newest().filter(title__in=["Day 5", "Day 1"]).rows_by_ids(0, 20, PressRelease.objects.all())
    )

    assert [release.title for release in page] == ["Day 5", "Day 1"]


def test_a_slice_past_the_end_is_empty_and_costs_one_query(releases, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert newest().rows_by_ids(20, 40, PressRelease.objects.all()) == []
