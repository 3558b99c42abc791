"""The editorial workflow in the admin: what Editors and Publishers may do, enforced on the
server whatever the browser sends."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from pressreleases.admin import ONLY_PUBLISHERS
from pressreleases.models import PressRelease
from taxonomy.models import Country, FieldOfWork, MeetingSeries, Structure
from tests.factories import (
    AppointmentFactory,
    PressReleaseFactory,
    QuoteFactory,
    UserFactory,
    editor,
    publisher,
)

from . import change_url, form_data

pytestmark = pytest.mark.django_db

Status = PressRelease.Status
CHANGELIST = reverse("admin:pressreleases_pressrelease_changelist")
ADD = reverse("admin:pressreleases_pressrelease_add")


@pytest.fixture
def as_editor(client):
    client.force_login(editor(username="eddie"))
    return client


@pytest.fixture
def as_publisher(client):
    client.force_login(publisher(username="penny"))
    return client


def draft(**fields) -> PressRelease:
    return PressReleaseFactory(status=Status.DRAFT, publish_at=None, **fields)


def scheduled(**fields) -> PressRelease:
    return PressReleaseFactory(publish_at=timezone.now() + datetime.timedelta(days=2), **fields)


def withdrawn(**fields) -> PressRelease:
    return PressReleaseFactory(
        status=Status.WITHDRAWN, withdrawal_reason="Figures were wrong.", **fields
    )


def snapshot(release: PressRelease) -> tuple:
    release.refresh_from_db()
    return (
        release.title,
        release.status,
        release.publish_at,
        release.withdrawal_reason,
        release.withdrawn_at,
    )


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def local_parts(when: datetime.datetime) -> dict:
    local = timezone.localtime(when)
    return {"publish_at_0": f"{local:%Y-%m-%d}", "publish_at_1": f"{local:%H:%M:%S}"}


def run_action(client, action: str, releases, **extra):
    data = {"action": action, "_selected_action": [str(r.pk) for r in releases], **extra}
    return client.post(CHANGELIST, data)


# Editors


def test_editor_creates_a_draft_and_is_recorded_as_its_author(as_editor):
    page = as_editor.get(ADD)
    data = form_data(page, title="Mission supports judges", slug="mission-supports-judges")

    response = as_editor.post(ADD, data)

    assert response.status_code == 302
    release = PressRelease.objects.get(slug="mission-supports-judges")
    assert release.status == Status.DRAFT
    assert release.publish_at is None
    assert release.created_by.username == "eddie"
    assert release.updated_by.username == "eddie"


def test_editor_submits_a_draft_for_review(as_editor):
    release = draft()
    page = as_editor.get(change_url(release))

    response = as_editor.post(change_url(release), form_data(page, status=Status.IN_REVIEW))

    assert response.status_code == 302
    release.refresh_from_db()
    assert release.status == Status.IN_REVIEW
    assert release.updated_by.username == "eddie"


def test_editor_is_offered_only_draft_and_in_review(as_editor):
    page = as_editor.get(change_url(draft()))

    status = page.context["adminform"].form.fields["status"]
    assert [value for value, _ in status.widget.choices] == ["draft", "in_review"]


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.WITHDRAWN])
def test_editor_cannot_publish_or_withdraw_by_forging_the_form(as_editor, status):
    release = draft()
    before = snapshot(release)
    page = as_editor.get(change_url(release))
    data = form_data(
        page,
        title="Changed title",
        status=status,
        withdrawal_reason="Forged",
        **local_parts(timezone.now()),
    )

    response = as_editor.post(change_url(release), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["status"] == [
        "Only publishers can publish, schedule or withdraw a release. "
        "Save it as a draft or submit it for review."
    ]
    assert errors["publish_at"] == ["Only a publisher can change the publication time."]
    assert errors["withdrawal_reason"] == ["Only a publisher can change the reason."]
    assert snapshot(release) == before


def test_editor_cannot_create_a_published_release(as_editor):
    page = as_editor.get(ADD)
    data = form_data(page, title="Leaked", slug="leaked", status=Status.PUBLISHED)

    response = as_editor.post(ADD, data)

    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not PressRelease.objects.exists()


def test_editor_cannot_schedule_a_draft_by_setting_its_publication_time(as_editor):
    release = draft()
    page = as_editor.get(change_url(release))
    data = form_data(page, **local_parts(timezone.now() + datetime.timedelta(days=1)))

    response = as_editor.post(change_url(release), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["publish_at"] == [
        "Only a publisher can change the publication time."
    ]
    release.refresh_from_db()
    assert release.publish_at is None


@pytest.mark.parametrize("make", [PressReleaseFactory, scheduled, withdrawn])
def test_editor_cannot_change_the_status_of_a_published_release(as_editor, make):
    release = make()
    before = snapshot(release)
    page = as_editor.get(change_url(release))

    response = as_editor.post(change_url(release), form_data(page, status=Status.DRAFT))

    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["status"]
    assert error.endswith("only a publisher can change its status.")
    assert snapshot(release) == before


def test_editor_may_correct_the_text_of_a_published_release(as_editor):
    published_at = timezone.now().replace(microsecond=123456) - datetime.timedelta(days=3)
    release = PressReleaseFactory(publish_at=published_at)
    page = as_editor.get(change_url(release))

    response = as_editor.post(change_url(release), form_data(page, title="Corrected title"))

    assert response.status_code == 302
    release.refresh_from_db()
    assert release.title == "Corrected title"
    assert release.status == Status.PUBLISHED
    assert release.publish_at == published_at  # untouched, to the microsecond


def test_editor_is_not_offered_the_publishing_actions(as_editor):
    page = as_editor.get(CHANGELIST)

    choices = [name for name, _ in page.context["action_form"].fields["action"].choices]
    assert choices == ["", "duplicate"]


@pytest.mark.parametrize(
    ("action", "extra"),
    [
        ("publish_now", {}),
        ("unpublish", {}),
        ("withdraw", {"apply": "1", "reason": "Forged"}),
        ("schedule", {"apply": "1", "publish_at": "2099-01-01T10:00"}),
    ],
)
def test_editor_calling_a_publishing_action_is_refused(as_editor, action, extra):
    releases = [draft(), PressReleaseFactory()]
    before = [snapshot(release) for release in releases]

    response = run_action(as_editor, action, releases, **extra)

    assert response.status_code == 302
    assert message_texts(response) == [ONLY_PUBLISHERS]
    assert [snapshot(release) for release in releases] == before


def test_editor_calling_a_publishing_action_from_the_change_form_is_refused(as_editor):
    release = draft()
    before = snapshot(release)

    response = as_editor.post(
        change_url(release),
        {"CHANGE_FORM-action": "publish_now", "_selected_action": str(release.pk)},
    )

    assert response.status_code == 302
    assert message_texts(response) == [ONLY_PUBLISHERS]
    assert snapshot(release) == before


def test_editor_cannot_delete_a_release(as_editor):
    release = draft()

    response = as_editor.post(
        reverse("admin:pressreleases_pressrelease_delete", args=[release.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert PressRelease.objects.filter(pk=release.pk).exists()


# Publishers


def test_publisher_publishes_through_the_form(as_publisher):
    release = draft()
    page = as_publisher.get(change_url(release))
    before = timezone.now()

    response = as_publisher.post(change_url(release), form_data(page, status=Status.PUBLISHED))

    assert response.status_code == 302
    release.refresh_from_db()
    assert release.is_public
    assert before <= release.publish_at <= timezone.now()


def test_publisher_schedules_through_the_form(as_publisher):
    release = draft()
    page = as_publisher.get(change_url(release))
    when = (timezone.now() + datetime.timedelta(days=1)).replace(microsecond=0)

    response = as_publisher.post(
        change_url(release), form_data(page, status=Status.PUBLISHED, **local_parts(when))
    )

    assert response.status_code == 302
    release.refresh_from_db()
    assert release.is_scheduled
    assert release.publish_at == when


def test_publish_now_makes_drafts_and_scheduled_releases_public(as_publisher):
    releases = [draft(), scheduled()]
    before = timezone.now()

    response = run_action(as_publisher, "publish_now", releases)

    assert response.status_code == 302
    assert message_texts(response) == ["Published 2 releases."]
    for release in releases:
        release.refresh_from_db()
        assert release.is_public
        assert before <= release.publish_at <= timezone.now()
        assert release.updated_by.username == "penny"
        assert LogEntry.objects.get(object_id=str(release.pk)).change_message == (
            "Published the release."
        )
        assert Version.objects.get_for_object(release).count() == 1


def test_publish_now_leaves_public_releases_alone(as_publisher):
    release = PressReleaseFactory()
    before = snapshot(release)

    response = run_action(as_publisher, "publish_now", [release])

    assert message_texts(response) == [f"“{release.title}” is already public."]
    assert snapshot(release) == before


def test_publish_now_reinstates_a_withdrawn_release_with_its_original_date(as_publisher):
    release = withdrawn()
    original_date = release.publish_at

    run_action(as_publisher, "publish_now", [release])

    release.refresh_from_db()
    assert release.is_public
    assert release.publish_at == original_date
    assert (release.withdrawal_reason, release.withdrawn_at) == ("", None)


def test_schedule_asks_for_the_time_on_an_intermediate_page(as_publisher):
    release = draft()

    response = run_action(as_publisher, "schedule", [release])

    assert response.status_code == 200
    assert response.templates[0].name == "admin/pressreleases/pressrelease/action_form.html"
    html = response.content.decode()
    assert 'name="action" value="schedule"' in html
    assert f'name="_selected_action" value="{release.pk}"' in html
    assert 'type="datetime-local"' in html
    assert snapshot(release)[1] == Status.DRAFT


def test_schedule_publishes_at_the_chosen_time(as_publisher):
    releases = [draft(), PressReleaseFactory(status=Status.IN_REVIEW, publish_at=None)]
    when = timezone.localtime() + datetime.timedelta(days=3)

    response = run_action(
        as_publisher, "schedule", releases, apply="1", publish_at=f"{when:%Y-%m-%dT%H:%M}"
    )

    assert response.status_code == 302
    for release in releases:
        release.refresh_from_db()
        assert release.is_scheduled
        assert release.publish_at == when.replace(second=0, microsecond=0)
    assert message_texts(response) == [f"Scheduled 2 releases for {when:%-d %B %Y, %H:%M}."]


def test_schedule_refuses_a_time_in_the_past(as_publisher):
    release = draft()
    before = snapshot(release)

    response = run_action(
        as_publisher, "schedule", [release], apply="1", publish_at="2001-01-01T10:00"
    )

    assert response.status_code == 200
    assert response.context["form"].errors["publish_at"] == ["Choose a time in the future."]
    assert snapshot(release) == before


def test_schedule_skips_releases_that_are_already_public(as_publisher):
    release = PressReleaseFactory()
    before = snapshot(release)

    response = run_action(
        as_publisher, "schedule", [release], apply="1", publish_at="2099-01-01T10:00"
    )

    assert message_texts(response) == [
        f"“{release.title}” has already been public; unpublish it first to schedule it again."
    ]
    assert snapshot(release) == before


def test_withdraw_requires_a_reason(as_publisher):
    release = PressReleaseFactory()
    before = snapshot(release)

    response = run_action(as_publisher, "withdraw", [release], apply="1", reason="   ")

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["This field is required."]
    assert snapshot(release) == before


def test_withdraw_keeps_the_reason_and_the_time(as_publisher):
    release = PressReleaseFactory()

    response = run_action(
        as_publisher, "withdraw", [release], apply="1", reason="The figures were wrong."
    )

    assert response.status_code == 302
    release.refresh_from_db()
    assert release.status == Status.WITHDRAWN
    assert release.withdrawal_reason == "The figures were wrong."
    assert timezone.now() - release.withdrawn_at < datetime.timedelta(seconds=10)
    assert not PressRelease.objects.public().filter(pk=release.pk).exists()


def test_withdraw_skips_releases_that_are_not_public(as_publisher):
    release = scheduled()
    before = snapshot(release)

    response = run_action(as_publisher, "withdraw", [release], apply="1", reason="Wrong")

    assert message_texts(response) == [
        f"“{release.title}” is not public, so there is nothing to withdraw."
    ]
    assert snapshot(release) == before


@pytest.mark.parametrize("make", [PressReleaseFactory, scheduled, withdrawn])
def test_unpublish_sends_a_release_back_to_draft(as_publisher, make):
    release = make()

    response = run_action(as_publisher, "unpublish", [release])

    assert message_texts(response) == ["Unpublished 1 release."]
    release.refresh_from_db()
    assert (release.status, release.publish_at) == (Status.DRAFT, None)
    assert (release.withdrawal_reason, release.withdrawn_at) == ("", None)


def test_publisher_publishes_from_the_change_form(as_publisher):
    release = draft()

    response = as_publisher.post(
        change_url(release),
        {"CHANGE_FORM-action": "publish_now", "_selected_action": str(release.pk)},
    )

    assert response.status_code == 302
    release.refresh_from_db()
    assert release.is_public


def test_withdraw_from_the_change_form_keeps_its_own_action_field(as_publisher):
    release = PressReleaseFactory()
    fields = {"CHANGE_FORM-action": "withdraw", "_selected_action": str(release.pk)}

    page = as_publisher.post(change_url(release), fields)
    done = as_publisher.post(change_url(release), {**fields, "apply": "1", "reason": "Wrong"})

    assert 'name="CHANGE_FORM-action" value="withdraw"' in page.content.decode()
    assert done.status_code == 302
    release.refresh_from_db()
    assert release.status == Status.WITHDRAWN


# Duplicating


def test_duplicate_makes_a_new_draft_with_the_content_taxonomy_tags_and_quotes(client, taxonomy):
    author = editor(username="eddie")
    client.force_login(author)
    original = PressReleaseFactory(
        source_url="https://www.osce.org/example/1",
        sources=Structure.objects.filter(slug="secretariat"),
        fields_of_work=FieldOfWork.objects.filter(slug__in=["migration", "policing"]),
        countries=Country.objects.filter(iso_code="BA"),
    )
    original.meeting_series.set(MeetingSeries.objects.all()[:1])
    original.related.set([PressReleaseFactory()])
    original.tags.set(["seminar", "migration"])
    appointment = AppointmentFactory()
    QuoteFactory(release=original, speaker=appointment.person, appointment=appointment)
    QuoteFactory(release=original, text="Second quote.")

    response = run_action(client, "duplicate", [original])

    copy = PressRelease.objects.exclude(pk=original.pk).get(title=original.title)
    assert response.status_code == 302
    assert response["Location"] == change_url(copy)
    assert copy.slug == f"{original.slug}-2"
    assert (copy.status, copy.publish_at, copy.source_url) == (Status.DRAFT, None, None)
    assert (copy.lead, copy.body, copy.places) == (original.lead, original.body, original.places)
    assert copy.created_by == author
    for name in ("sources", "fields_of_work", "countries", "meeting_series", "related"):
        assert set(getattr(copy, name).all()) == set(getattr(original, name).all()), name
    assert sorted(copy.tags.names()) == ["migration", "seminar"]
    assert [(q.speaker_id, q.appointment_id, q.text) for q in copy.quotes.all()] == [
        (q.speaker_id, q.appointment_id, q.text) for q in original.quotes.all()
    ]
    assert original.quotes.count() == 2


def test_staff_without_any_group_cannot_open_the_release_admin(client):
    user = UserFactory()
    user.save()  # the factory stores the password only along with groups
    client.force_login(user)

    assert client.get(CHANGELIST).status_code == 403


def test_republishing_a_withdrawn_release_through_the_form_clears_the_withdrawal(as_publisher):
    release = withdrawn()
    page = as_publisher.get(change_url(release))

    response = as_publisher.post(
        change_url(release), form_data(page, status=Status.PUBLISHED, withdrawal_reason="")
    )

    assert response.status_code == 302
    release.refresh_from_db()
    assert release.is_public
    assert (release.withdrawal_reason, release.withdrawn_at) == ("", None)


def test_a_draft_cannot_be_withdrawn_through_the_form(as_publisher):
    release = draft()
    page = as_publisher.get(change_url(release))

    response = as_publisher.post(
        change_url(release), form_data(page, status=Status.WITHDRAWN, withdrawal_reason="x")
    )

    assert response.context["adminform"].form.errors["status"] == [
        "Only a release that has been published can be withdrawn."
    ]
    assert snapshot(release)[1] == Status.DRAFT
