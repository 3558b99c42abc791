"""HTTP caching of public pages: validators from the site-wide content stamp, 304 answers,
the server-side page store, and what changes the stamp (edits, publication by time alone)."""

import datetime
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.http import http_date
from PIL import Image as PILImage
from taggit.models import Tag

from pressreleases import workflow
from pressreleases.caching import content_changed, content_stamp, public_page
from pressreleases.models import Attachment, Image, Organisation, PressRelease
from taxonomy.models import Country, FieldOfWork
from tests.factories import (
    AppointmentFactory,
    PersonFactory,
    PressReleaseFactory,
    QuoteFactory,
    UserFactory,
    publisher,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

Status = PressRelease.Status
HOUR = datetime.timedelta(hours=1)


@public_page
def titles(request):
    """Stands for a listing: the public releases' titles."""
    return HttpResponse("\n".join(PressRelease.objects.public().values_list("title", flat=True)))


@public_page
def sets_a_cookie(request):
    response = HttpResponse("hello")
    response.set_cookie("seen", "yes")
    return response


@public_page
def makes_a_csrf_token(request):
    return HttpResponse(get_token(request))


@public_page
def reads_the_session(request):
    return HttpResponse(str(request.session.get("visits", 0)))


@public_page
def uses_a_csp_nonce(request):
    return HttpResponse(str(get_nonce(request)))


@public_page
def sets_its_own_policy(request):
    response = HttpResponse("mine")
    response["Cache-Control"] = "no-cache"
    return response


urlpatterns = [
    path("titles/", titles),
    path("cookie/", sets_a_cookie),
    path("csrf/", makes_a_csrf_token),
    path("session/", reads_the_session),
    path("nonce/", uses_a_csp_nonce),
    path("own-policy/", sets_its_own_policy),
    path("", include("osce_cms.urls")),
]


def queries_for(client, url: str, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


@pytest.fixture
def release():
    return PressReleaseFactory(title="Elections observed", slug="elections-observed")


def test_a_public_page_sends_validators_and_may_be_cached_briefly(client, release, settings):
    settings.PUBLIC_CACHE_SECONDS = 90

    response = client.get("/press-releases/elections-observed/")

    assert response.status_code == 200
    assert re.fullmatch(r'W/"[0-9a-f]{32}"', response["ETag"])
    assert response["Last-Modified"] == http_date(content_stamp().last_modified.timestamp())
    assert response["Cache-Control"] == "public, max-age=90"


def test_pages_have_their_own_etag(client, release):
    PressReleaseFactory(slug="other")

    first = client.get("/press-releases/elections-observed/")["ETag"]

    assert client.get("/press-releases/other/")["ETag"] != first
    assert client.get("/titles/")["ETag"] != first
    assert client.get("/titles/?page=2")["ETag"] not in {first, client.get("/titles/")["ETag"]}
    assert client.get("/press-releases/elections-observed/")["ETag"] == first


def test_a_request_with_the_current_etag_gets_304_without_touching_the_database(client, release):
    etag = client.get(release.get_absolute_url())["ETag"]

    response, queries = queries_for(client, release.get_absolute_url(), if_none_match=etag)

    assert (response.status_code, queries, response.content) == (304, 0, b"")
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "public, max-age=60"
    assert (
        client.head(release.get_absolute_url(), headers={"if-none-match": etag}).status_code == 304
    )


def test_if_modified_since_gets_304_until_the_content_changes(client, release, monkeypatch):
    last_modified = client.get(release.get_absolute_url())["Last-Modified"]

    response = client.get(release.get_absolute_url(), headers={"if-modified-since": last_modified})
    assert response.status_code == 304

    later = timezone.now() + datetime.timedelta(seconds=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    release.lead = "Observers published their preliminary findings."
    release.save()

    response = client.get(release.get_absolute_url(), headers={"if-modified-since": last_modified})
    assert response.status_code == 200
    assert "preliminary findings" in response.content.decode()
    assert response["Last-Modified"] == http_date(later.timestamp())


def test_editing_a_release_changes_every_pages_etag(client, release):
    other = PressReleaseFactory(slug="other")
    release_etag = client.get(release.get_absolute_url())["ETag"]
    other_etag = client.get(other.get_absolute_url())["ETag"]

    release.title = "Elections observed and assessed"
    release.save()

    response = client.get(release.get_absolute_url(), headers={"if-none-match": release_etag})
    assert response.status_code == 200
    assert response["ETag"] != release_etag
    assert "Elections observed and assessed" in response.content.decode()
    response = client.get(other.get_absolute_url(), headers={"if-none-match": other_etag})
    assert response.status_code == 200
    assert response["ETag"] != other_etag


def test_publishing_withdrawing_and_unpublishing_are_seen_at_once(client, release):
    draft = PressReleaseFactory(title="Fresh news", status=Status.DRAFT, publish_at=None)
    staff = publisher()
    etag = client.get("/titles/")["ETag"]

    workflow.publish_now(draft, user=staff)
    response = client.get("/titles/", headers={"if-none-match": etag})
    assert response.content.decode().splitlines() == ["Fresh news", "Elections observed"]

    workflow.withdraw(release, "Figures were wrong.", user=staff)
    assert client.get("/titles/").content.decode().splitlines() == ["Fresh news"]
    assert "Figures were wrong." in client.get(release.get_absolute_url()).content.decode()

    workflow.unpublish(draft, user=staff)
    assert client.get("/titles/").content == b""
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_scheduled_release_changes_the_etag_when_its_time_comes_without_any_save(
    client, release, monkeypatch
):
    due = timezone.now() + HOUR
    PressReleaseFactory(title="Embargoed statement", slug="embargoed", publish_at=due)
    before = client.get("/titles/")
    assert client.get("/press-releases/embargoed/").status_code == 404
    assert client.get("/titles/", headers={"if-none-match": before["ETag"]}).status_code == 304

    monkeypatch.setattr(timezone, "now", lambda: due + datetime.timedelta(seconds=1))

    after = client.get("/titles/", headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert after.content.decode().splitlines() == ["Embargoed statement", "Elections observed"]
    assert after["Last-Modified"] == http_date(due.timestamp())
    assert client.get("/press-releases/embargoed/").status_code == 200


def test_a_release_scheduled_after_the_stamp_was_read_still_falls_due(client, release, monkeypatch):
    client.get("/titles/")  # reads and caches the publication clock: nothing is scheduled
    due = timezone.now() + HOUR
    PressReleaseFactory(title="Later statement", publish_at=due)
    etag = client.get("/titles/")["ETag"]

    monkeypatch.setattr(timezone, "now", lambda: due + datetime.timedelta(seconds=1))

    response = client.get("/titles/", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert "Later statement" in response.content.decode()


def test_the_stamp_changes_with_the_day(client, release, monkeypatch):
    etag = client.get("/titles/")["ETag"]
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)

    response = client.get("/titles/", headers={"if-none-match": etag})

    assert response.status_code == 200
    midnight = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(tomorrow), datetime.time.min)
    )
    assert response["Last-Modified"] == http_date(midnight.timestamp())


def attach_image(release, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "navy").save(buffer, "PNG")
    Image.objects.create(
        release=release, file=ContentFile(buffer.getvalue(), name="dot.png"), alt_text="Dot"
    )


CHANGES = {
    "a quote is added": lambda release, **_: QuoteFactory(release=release),
    "an image is added": attach_image,
    "a document is deleted": lambda release, **_: Attachment.objects.create(
        release=release, title="Agenda", file="a.pdf"
    ).delete(),
    "a person is saved": lambda release, **_: PersonFactory(),
    "an appointment is made": lambda release, **_: AppointmentFactory(),
    "an organisation is added": lambda release, **_: Organisation.objects.create(
        name="Council", slug="council"
    ),
    "a field of work is saved": lambda release, **_: FieldOfWork.objects.create(
        name="Cyber", slug="cyber"
    ),
    "a field of work is linked": lambda release, **_: release.fields_of_work.add(
        FieldOfWork.objects.create(name="Cyber", slug="cyber")
    ),
    "a country is unlinked": lambda release, **_: release.countries.clear(),
    "a related release is chosen": lambda release, **_: release.related.add(PressReleaseFactory()),
    "a tag is added": lambda release, **_: release.tags.add("elections"),
    "a tag is saved": lambda release, **_: Tag.objects.create(name="x", slug="x"),
    "a release is deleted": lambda release, **_: PressReleaseFactory().delete(),
    "code writing around signals says so": lambda release, **_: content_changed(),
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_content_change_gives_a_new_stamp(release, change, settings, tmp_path):
    Country.objects.create(name="Utopia", slug="utopia", iso_code="UT", kind="participating_state")
    release.countries.set(Country.objects.all())
    before = content_stamp().key

    CHANGES[change](release, settings=settings, tmp_path=tmp_path)

    assert content_stamp().key != before


def test_signing_in_changes_nothing_public(client, release):
    before = content_stamp().key

    client.force_login(UserFactory())

    assert content_stamp().key == before


def test_the_stamp_is_renewed_again_when_the_transaction_commits(
    release, django_capture_on_commit_callbacks
):
    """A page rendered from the old rows before the commit must not be kept under the
    stamp the change made."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        release.title = "Changed"
        release.save()
        during = content_stamp().key

    assert content_stamp().key != during


def test_an_anonymous_reader_gets_the_stored_page_until_the_content_changes(client, release):
    first, queries = queries_for(client, release.get_absolute_url())
    assert queries > 0

    again, queries = queries_for(client, release.get_absolute_url())
    assert (again.status_code, queries) == (200, 0)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "public, max-age=60"
    assert again["Content-Type"] == "text/html; charset=utf-8"
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]

    release.title = "Elections observed: final report"
    release.save()
    fresh, queries = queries_for(client, release.get_absolute_url())
    assert queries > 0
    assert "final report" in fresh.content.decode()


def test_the_store_is_keyed_by_the_whole_url(client, release):
    client.get("/titles/")

    response, queries = queries_for(client, "/titles/?page=2")

    assert queries > 0
    assert response.status_code == 200


def test_pages_are_not_stored_when_the_store_is_switched_off(client, release, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get("/titles/")

    response, queries = queries_for(client, "/titles/")

    assert queries == 1
    assert response["ETag"]


def test_with_the_cache_switched_off_pages_are_plain(client, release, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    response, queries = queries_for(client, "/titles/")

    assert queries == 1
    assert not response.has_header("ETag")
    assert not response.has_header("Cache-Control")


def test_signed_in_staff_get_validators_but_never_the_store(client, release):
    client.get("/titles/")  # stored for anonymous readers
    client.force_login(publisher())

    response, queries = queries_for(client, "/titles/")
    assert queries == 1  # the titles; the session is not even read
    assert response["Cache-Control"] == "public, max-age=60"
    client.get("/titles/?staff")
    client.logout()
    _, queries = queries_for(client, "/titles/?staff")
    assert queries == 1


def test_a_not_found_page_gets_no_validators(client):
    response = client.get("/press-releases/nothing-here/")

    assert response.status_code == 404
    assert not response.has_header("ETag")
    assert "public" not in response.get("Cache-Control", "")


def test_previews_and_embargoed_pages_are_never_cached(client):
    scheduled = PressReleaseFactory(publish_at=timezone.now() + HOUR, title="Not yet")
    share = client.get(workflow.share_path(scheduled))
    client.force_login(publisher())
    preview = client.get(reverse("pressreleases:preview", args=[scheduled.pk]))

    for response in (share, preview):
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert not response.has_header("ETag")
        assert not response.has_header("Last-Modified")
    client.logout()
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_admin_pages_are_never_cached(client, release):
    client.force_login(publisher())

    for url in (
        reverse("admin:pressreleases_pressrelease_changelist"),
        reverse("admin:pressreleases_pressrelease_change", args=[release.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.has_header("ETag")
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/cookie/", "/csrf/", "/session/", "/nonce/"])
def test_a_page_that_depends_on_the_reader_is_kept_private(client, url):
    first = client.get(url)

    assert first.status_code == 200
    assert first["Cache-Control"] == "private, no-store"
    assert not first.has_header("ETag")
    assert not first.has_header("Last-Modified")
    if url == "/nonce/":
        assert client.get(url).content != first.content  # a fresh nonce: nothing was stored


def test_a_page_that_sets_its_own_cache_policy_keeps_it(client):
    response = client.get("/own-policy/")

    assert response["Cache-Control"] == "no-cache"
    assert not response.has_header("ETag")


def test_other_methods_pass_through(client, release):
    response = client.post("/titles/")

    assert response.status_code == 200
    assert not response.has_header("ETag")
