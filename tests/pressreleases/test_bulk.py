"""insert_rows: rows written as given, model defaults for the rest, the database's refusals;
prepared_statements: statements run often in the block are prepared on PostgreSQL."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from pressreleases.bulk import PREPARE_AFTER, insert_rows, prepared_statements
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


def prepared_texts() -> list[str]:
    """The statements this PostgreSQL session has prepared through the driver."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        return [statement for (statement,) in cursor.fetchall()]


def run_often(**lookup: str) -> list[list[Organisation]]:
    return [list(Organisation.objects.filter(**lookup)) for _ in range(PREPARE_AFTER + 1)]


def test_statements_run_often_in_the_block_are_prepared_and_not_after_it():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    Organisation.objects.create(name="Plain", slug="plain")

    with prepared_statements():
        found = run_often(slug="plain")
    inside = prepared_texts()
    run_often(name="Plain")  # a statement of its own, run as often after the block

    assert [len(result) for result in found] == [1] * (PREPARE_AFTER + 1)
    assert len([text for text in inside if '"pressreleases_organisation"' in text]) == 1
    assert prepared_texts() == inside


def test_elsewhere_the_block_only_runs_its_statements():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite has no prepared statements to switch on")
    Organisation.objects.create(name="Plain", slug="plain")

    with prepared_statements():
        found = run_often(slug="plain")

    assert [len(result) for result in found] == [1] * (PREPARE_AFTER + 1)
