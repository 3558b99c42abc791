"""A release's address survives a change of slug: old slugs answer 301 to the current one."""

import datetime

import pytest
from django.utils import timezone

from pressreleases.models import PressRelease, PressReleaseSlug
from tests.factories import PressReleaseFactory

pytestmark = pytest.mark.django_db

Status = PressRelease.Status


def rename(release: PressRelease, slug: str) -> None:
    release.slug = slug
    release.save()


def test_every_old_slug_redirects_permanently_to_the_newest(client):
    release = PressReleaseFactory(slug="first-title")
    rename(release, "second-title")
    rename(release, "third-title")

    for old in ("first-title", "second-title"):
        response = client.get(f"/press-releases/{old}/")
        assert response.status_code == 301
        assert response["Location"] == "/press-releases/third-title/"
    assert client.get("/press-releases/third-title/").status_code == 200
    assert sorted(release.previous_slugs.values_list("slug", flat=True)) == [
        "first-title",
        "second-title",
    ]


def test_the_redirect_may_be_cached_only_briefly(client, settings):
    """Slugs can be renamed back, so a browser must not keep the redirect forever."""
    settings.PUBLIC_CACHE_SECONDS = 45
    release = PressReleaseFactory(slug="before")
    rename(release, "after")

    response = client.get("/press-releases/before/")

    assert response.status_code == 301
    assert response["Cache-Control"] == "public, max-age=45"


def test_renaming_back_makes_the_slug_live_again(client):
    release = PressReleaseFactory(slug="original")
    rename(release, "interim")
    rename(release, "original")

    assert client.get("/press-releases/original/").status_code == 200
    response = client.get("/press-releases/interim/")
    assert (response.status_code, response["Location"]) == (301, "/press-releases/original/")
    assert list(release.previous_slugs.values_list("slug", flat=True)) == ["interim"]


def test_a_live_slug_wins_over_another_releases_old_slug(client):
    """The documented choice: a retired slug may be given to another release, which then
    answers at that address."""
    renamed = PressReleaseFactory(slug="shared-name", title="Renamed release")
    rename(renamed, "new-name")
    newcomer = PressReleaseFactory(slug="shared-name", title="Newcomer")

    response = client.get("/press-releases/shared-name/")

    assert response.status_code == 200
    assert response.context["release"] == newcomer


def test_the_release_that_gave_up_a_slug_last_gets_its_redirect(client):
    first = PressReleaseFactory(slug="common")
    rename(first, "first-elsewhere")
    second = PressReleaseFactory(slug="common")
    rename(second, "second-elsewhere")

    response = client.get("/press-releases/common/")

    assert response["Location"] == "/press-releases/second-elsewhere/"


@pytest.mark.parametrize(
    ("status", "reason", "expected"),
    [
        (Status.DRAFT, "", 404),
        (Status.IN_REVIEW, "", 404),
        (Status.WITHDRAWN, "Sent in error.", 301),
    ],
)
def test_old_slugs_redirect_only_for_readable_releases(client, status, reason, expected):
    release = PressReleaseFactory(slug="was-public")
    rename(release, "now-hidden")
    release.status = status
    release.withdrawal_reason = reason
    release.save()

    assert client.get("/press-releases/was-public/").status_code == expected


def test_an_old_slug_of_a_scheduled_release_is_404_until_it_is_public(client, monkeypatch):
    release = PressReleaseFactory(
        slug="early-name", publish_at=timezone.now() + datetime.timedelta(hours=2)
    )
    rename(release, "final-name")
    assert client.get("/press-releases/early-name/").status_code == 404

    later = timezone.now() + datetime.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert client.get("/press-releases/early-name/").status_code == 301


def test_saving_without_a_new_slug_records_nothing():
    release = PressReleaseFactory(slug="steady")
    release.title = "A better title"
    release.save()
    release.slug = "ignored-here"
    release.save(update_fields=["title"])

    assert not PressReleaseSlug.objects.exists()
    assert PressRelease.objects.get(pk=release.pk).slug == "steady"


def test_deleting_a_release_forgets_its_old_slugs(client):
    release = PressReleaseFactory(slug="gone")
    rename(release, "gone-too")
    release.delete()

    assert not PressReleaseSlug.objects.exists()
    assert client.get("/press-releases/gone/").status_code == 404


def test_an_unknown_slug_is_still_404(client):
    PressReleaseFactory(slug="known")

    assert client.get("/press-releases/unknown/").status_code == 404
