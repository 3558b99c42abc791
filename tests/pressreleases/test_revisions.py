"""Nothing is lost: every admin save is a revision that can be compared and reverted, and a
deleted release can be recovered with its quotes."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from reversion.models import Version

from pressreleases.models import Person, PressRelease
from tests.factories import (
    AppointmentFactory,
    PersonFactory,
    PressReleaseFactory,
    QuoteFactory,
    editor,
    publisher,
)

from . import add_inline_row, change_url, form_data

pytestmark = pytest.mark.django_db

Status = PressRelease.Status


def revision_url(release: PressRelease, version: Version) -> str:
    return reverse("admin:pressreleases_pressrelease_revision", args=[release.pk, version.pk])


def edit(client, release: PressRelease, add_quote: str | None = None, **changes) -> None:
    data = form_data(client.get(change_url(release)), **changes)
    if add_quote:
        add_inline_row(data, "quotes", speaker=PersonFactory().pk, text=add_quote, order="9")
    response = client.post(change_url(release), data)
    assert response.status_code == 302


@pytest.fixture
def edited_twice(client):
    """A draft edited twice by an editor; returns the release and its two versions."""
    client.force_login(editor())
    release = PressReleaseFactory(status=Status.DRAFT, publish_at=None, title="Original")
    QuoteFactory(release=release, text="Words as first written.", order=1)
    edit(client, release, title="First edit", **{"quotes-0-text": "Words, first edit."})
    edit(
        client,
        release,
        title="Second edit",
        lead="A new lead.",
        add_quote="A quote added later.",
        **{"quotes-0-text": "Words, second edit."},
    )
    first, second = Version.objects.get_for_object(release).order_by("pk")
    return release, first, second


def test_every_admin_save_is_a_revision_in_the_history(client, edited_twice):
    release, first, second = edited_twice

    html = client.get(
        reverse("admin:pressreleases_pressrelease_history", args=[release.pk])
    ).content.decode()

    assert first.field_dict["title"] == "First edit"
    assert second.field_dict["title"] == "Second edit"
    assert revision_url(release, first) in html
    assert revision_url(release, second) in html
    assert first.revision.user.username == second.revision.user.username


def test_the_revision_page_shows_what_reverting_changes(client, edited_twice):
    release, first, _ = edited_twice

    response = client.get(revision_url(release, first))

    html = response.content.decode()
    changes = dict(response.context["changes"])
    assert changes["Title"] == "<del>Second</del> <ins>First</ins> edit"
    assert changes["Lead"] == (
        "<del>A new lead.</del> "
        "<ins>Participants discussed how to work together across borders.</ins>"
    )
    assert "Quotes" in changes
    assert "<ins>First</ins>" in html
    release.refresh_from_db()
    assert release.title == "Second edit"  # looking changes nothing


def test_reverting_restores_the_fields_and_the_quotes(client, edited_twice):
    release, first, _ = edited_twice
    page = client.get(revision_url(release, first))

    response = client.post(revision_url(release, first), form_data(page))

    assert response.status_code == 302
    release.refresh_from_db()
    assert release.title == "First edit"
    assert release.lead == "Participants discussed how to work together across borders."
    assert [quote.text for quote in release.quotes.all()] == ["Words, first edit."]
    latest = Version.objects.get_for_object(release).order_by("-pk").first()
    assert latest.revision.comment.startswith("Reverted to previous version, saved on ")


def test_version_revert_restores_the_quotes_too(edited_twice):
    release, first, _ = edited_twice

    first.revision.revert(delete=True)

    release.refresh_from_db()
    assert release.title == "First edit"
    assert [quote.text for quote in release.quotes.all()] == ["Words, first edit."]


def test_reverting_restores_the_tags(client):
    client.force_login(editor())
    release = PressReleaseFactory(status=Status.DRAFT, publish_at=None)
    edit(client, release, tags="elections, youth")
    edit(client, release, tags="media")
    first = Version.objects.get_for_object(release).order_by("pk").first()

    first.revision.revert(delete=True)

    assert sorted(release.tags.names()) == ["elections", "youth"]


def test_an_editor_cannot_revert_to_a_version_with_another_publication_state(client):
    client.force_login(publisher())
    release = PressReleaseFactory(status=Status.DRAFT, publish_at=None)
    edit(client, release, title="Draft version")
    edit(client, release, title="Published version", status=Status.PUBLISHED)
    draft_version = Version.objects.get_for_object(release).order_by("pk").first()
    client.force_login(editor())
    page = client.get(revision_url(release, draft_version))

    response = client.post(revision_url(release, draft_version), form_data(page))

    assert page.context["publication_locked"] is True
    assert "only a publisher can revert to it" in page.content.decode()
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Reverting to this version would change the release's publication; only a publisher "
        "can do that. Nothing was changed."
    ]
    release.refresh_from_db()
    assert (release.title, release.status) == ("Published version", Status.PUBLISHED)


def delete_through_the_admin(client, release: PressRelease) -> Version:
    url = reverse("admin:pressreleases_pressrelease_delete", args=[release.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not PressRelease.objects.filter(pk=release.pk).exists()
    return Version.objects.get_deleted(PressRelease).get()


def test_a_deleted_release_is_recovered_with_its_quotes(client):
    client.force_login(publisher())
    release = PressReleaseFactory(title="Deleted by mistake")
    QuoteFactory(release=release, text="Still needed.")
    edit(client, release, lead="Saved once in the admin.")
    version = delete_through_the_admin(client, release)

    listing = client.get(reverse("admin:pressreleases_pressrelease_recoverlist"))
    recover_url = reverse("admin:pressreleases_pressrelease_recover", args=[version.pk])
    page = client.get(recover_url)
    response = client.post(recover_url, form_data(page))

    assert "Deleted by mistake" in listing.content.decode()
    assert response.status_code == 302
    recovered = PressRelease.objects.get(pk=release.pk)
    assert (recovered.title, recovered.lead) == ("Deleted by mistake", "Saved once in the admin.")
    assert recovered.is_public
    assert [quote.text for quote in recovered.quotes.all()] == ["Still needed."]


def test_an_editor_cannot_recover_a_release_that_was_published(client):
    client.force_login(publisher())
    release = PressReleaseFactory()
    edit(client, release, lead="Saved in the admin.")
    version = delete_through_the_admin(client, release)
    client.force_login(editor())
    recover_url = reverse("admin:pressreleases_pressrelease_recover", args=[version.pk])
    page = client.get(recover_url)

    response = client.post(recover_url, form_data(page))

    assert response.status_code == 302
    assert not PressRelease.objects.filter(pk=release.pk).exists()


def test_an_editor_recovers_a_deleted_draft(client):
    client.force_login(publisher())
    release = PressReleaseFactory(status=Status.DRAFT, publish_at=None)
    edit(client, release, lead="Saved in the admin.")
    version = delete_through_the_admin(client, release)
    client.force_login(editor())
    recover_url = reverse("admin:pressreleases_pressrelease_recover", args=[version.pk])

    response = client.post(recover_url, form_data(client.get(recover_url)))

    assert response.status_code == 302
    assert PressRelease.objects.get(pk=release.pk).status == Status.DRAFT


def test_a_speakers_appointments_come_back_with_a_revert(client):
    client.force_login(editor())
    appointment = AppointmentFactory(title="Head of Office")
    person = appointment.person
    url = reverse("admin:pressreleases_person_change", args=[person.pk])
    for title in ["Head of Mission", "Special Representative"]:
        data = form_data(client.get(url), **{"appointments-0-title": title})
        assert client.post(url, data).status_code == 302
    first = Version.objects.get_for_object(person).order_by("pk").first()

    first.revision.revert(delete=True)

    assert [a.title for a in Person.objects.get(pk=person.pk).appointments.all()] == [
        "Head of Mission"
    ]
