"""The staff preview of unpublished releases, and signed share links for embargoed ones."""

import datetime
import time
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from pressreleases import workflow
from pressreleases.models import PressRelease
from tests.factories import PressReleaseFactory, UserFactory, editor, publisher

from . import change_url

pytestmark = pytest.mark.django_db

Status = PressRelease.Status
WEEK = 7 * 24 * 3600


def preview_url(release: PressRelease) -> str:
    return reverse("pressreleases:preview", args=[release.pk])


def scheduled(**fields) -> PressRelease:
    return PressReleaseFactory(publish_at=timezone.now() + datetime.timedelta(days=2), **fields)


def assert_private(response) -> None:
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Cache-Control"] == "private, no-store"


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    release = PressReleaseFactory(status=Status.DRAFT, publish_at=None, title="Secret plan")

    response = client.get(preview_url(release))

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={preview_url(release)}"
    assert b"Secret plan" not in response.content


def test_a_signed_in_reader_who_is_not_staff_is_sent_to_the_admin_login(client):
    reader = get_user_model().objects.create_user("reader", password="x")
    client.force_login(reader)

    response = client.get(preview_url(PressReleaseFactory(status=Status.DRAFT)))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_permission_to_view_releases_are_refused(client):
    user = UserFactory()
    user.save()  # the factory stores the password only along with groups
    client.force_login(user)

    response = client.get(preview_url(PressReleaseFactory(status=Status.DRAFT)))

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("status", "days", "banner"),
    [
        (Status.DRAFT, None, "<strong>Preview</strong> of a release that is draft: "),
        (Status.IN_REVIEW, None, "<strong>Preview</strong> of a release that is in review: "),
        (Status.PUBLISHED, 2, "<strong>Preview</strong> of a release that is scheduled: "),
        (Status.PUBLISHED, -2, "<strong>Preview</strong> of a release that is published."),
    ],
)
def test_an_editor_previews_a_release_in_any_state(client, status, days, banner):
    client.force_login(editor())
    publish_at = timezone.now() + datetime.timedelta(days=days) if days else None
    release = PressReleaseFactory(status=status, publish_at=publish_at, title="Work in progress")

    response = client.get(preview_url(release))

    assert response.status_code == 200
    assert response.templates[0].name == "pressreleases/pressrelease_detail.html"
    html = response.content.decode()
    assert banner in html
    assert '<h1 id="release-title">Work in progress</h1>' in html
    assert '<meta name="robots" content="noindex">' in html
    assert_private(response)


def test_preview_of_a_missing_release_is_404(client):
    client.force_login(editor())

    assert client.get("/press-releases/preview/999999/").status_code == 404


def test_the_change_form_links_to_the_preview(client):
    client.force_login(editor())
    release = PressReleaseFactory(status=Status.DRAFT, publish_at=None)

    html = client.get(change_url(release)).content.decode()

    assert f'<a href="{preview_url(release)}" class="viewsitelink">Preview</a>' in html
    assert "View on site" not in html  # a draft has no public page yet


# Share links


def test_a_publisher_sees_a_share_link_on_a_scheduled_release(client):
    client.force_login(publisher())
    release = scheduled()

    response = client.get(change_url(release))

    link = response.context["share_link"]
    assert link.startswith("http://testserver/press-releases/embargoed/")
    assert f'value="{link}"' in response.content.decode()


@pytest.mark.parametrize(
    ("make_user", "make_release"),
    [
        (editor, scheduled),
        (publisher, lambda: PressReleaseFactory(status=Status.DRAFT, publish_at=None)),
        (publisher, PressReleaseFactory),
    ],
)
def test_no_share_link_for_editors_or_releases_that_are_not_scheduled(
    client, make_user, make_release
):
    client.force_login(make_user())

    response = client.get(change_url(make_release()))

    assert response.context["share_link"] is None
    assert "embargoed" not in response.content.decode()


def test_a_share_link_shows_the_embargoed_release_to_anyone(client):
    release = scheduled(title="Under embargo")

    response = client.get(workflow.share_path(release))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="release-title">Under embargo</h1>' in html
    assert "<strong>Embargoed until " in html
    assert "<strong>Preview</strong>" not in html
    assert_private(response)


@pytest.mark.parametrize(
    ("age", "status_code"),
    [(WEEK - 1, 200), (WEEK + 1, 404)],
)
def test_a_share_link_expires_after_a_week(client, age, status_code):
    path = workflow.share_path(scheduled())

    with mock.patch("django.core.signing.time.time", return_value=time.time() + age):
        response = client.get(path)

    assert response.status_code == status_code


def test_the_share_link_lifetime_is_a_setting(client, settings):
    settings.PRESS_RELEASE_SHARE_LINK_MAX_AGE = datetime.timedelta(hours=1)
    path = workflow.share_path(scheduled())

    with mock.patch("django.core.signing.time.time", return_value=time.time() + 3601):
        assert client.get(path).status_code == 404


def tampered(path: str) -> str:
    token = path.removeprefix("/press-releases/embargoed/").removesuffix("/")
    value, stamp, signature = token.split(":")
    return f"/press-releases/embargoed/{int(value) + 1}:{stamp}:{signature}/"


def test_a_tampered_or_made_up_share_link_is_404(client):
    release = scheduled()
    scheduled()  # the release a tampered link would point at
    other_salt = signing.TimestampSigner().sign(str(release.pk))

    for path in [
        tampered(workflow.share_path(release)),
        f"/press-releases/embargoed/{other_salt}/",
        "/press-releases/embargoed/not-a-token/",
        "/press-releases/embargoed/1:2:3/",
    ]:
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW])
def test_a_share_link_stops_working_when_the_release_is_unscheduled(client, status):
    release = scheduled()
    path = workflow.share_path(release)
    PressRelease.objects.filter(pk=release.pk).update(status=status)

    assert client.get(path).status_code == 404


def test_a_share_link_leads_to_the_public_page_once_the_release_is_out(client):
    release = scheduled()
    path = workflow.share_path(release)
    PressRelease.objects.filter(pk=release.pk).update(publish_at=timezone.now())

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == release.get_absolute_url()
