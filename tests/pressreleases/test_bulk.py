"""insert_rows: rows written as given, model defaults for the rest, the database's refusals."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from pressreleases.bulk import insert_rows
from pressreleases.models import Organisation, PressRelease

pytestmark = pytest.mark.django_db

AWKWARD = "Quotes \" and ' , a backslash \\, a tab\t, a line\nbreak, \\N and Cyrillic: Вена"


def test_rows_are_written_with_their_values_and_the_models_defaults():
    insert_rows(
        Organisation,
        [
            {"name": AWKWARD, "slug": "awkward", "aliases": ["CLS", AWKWARD]},
            {"name": "Plain", "slug": "plain", "acronym": "PL", "kind": "media"},
        ],
    )

    assert list(
        Organisation.objects.order_by("slug").values_list(
            "slug", "name", "acronym", "aliases", "kind", "country", "website"
        )
    ) == [
        ("awkward", AWKWARD, "", ["CLS", AWKWARD], "other", None, ""),
        ("plain", "Plain", "PL", [], "media", None, ""),
    ]


def test_times_keep_their_instant():
    moment = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    insert_rows(
        PressRelease,
        [
            {
                "title": "Bulk",
                "slug": "bulk",
                "status": PressRelease.Status.PUBLISHED,
                "publish_at": moment,
                "created_at": moment,
                "updated_at": moment,
                "places": ["Vienna", "Вена"],
            }
        ],
    )

    release = PressRelease.objects.get(slug="bulk")
    assert (release.publish_at, release.places) == (moment, ["Vienna", "Вена"])
    assert release.publish_at.astimezone(dt.UTC) == dt.datetime(2026, 3, 1, 20, 30, tzinfo=dt.UTC)


def test_a_row_the_database_refuses_raises_its_error_and_writes_nothing():
    Organisation.objects.create(name="Taken", slug="taken")

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(
            Organisation, [{"name": "New", "slug": "new"}, {"name": "Again", "slug": "taken"}]
        )

    assert list(Organisation.objects.values_list("slug", flat=True)) == ["taken"]
