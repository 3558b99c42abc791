"""The editorial workflow: who may move a release between states, and the moves themselves.

Editors write drafts and submit them for review. Only holders of `PUBLISH_PERMISSION` (the
Publishers group) publish, schedule, withdraw and unpublish. "Scheduled" is not a status of its
own: it is a published release whose publication time has not come yet (see
`PressRelease.objects.public()`).

Each move checks that it applies to the release as it stands and raises `WorkflowError` with an
editor-facing explanation when it does not; callers check the permission.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import PressRelease, Quote
from .search import index_releases

Status = PressRelease.Status

PUBLISH_PERMISSION = "pressreleases.publish_pressrelease"
EDITOR_STATUSES = (Status.DRAFT, Status.IN_REVIEW)
# The fields only a publisher may change.
PUBLICATION_FIELDS = ("status", "publish_at", "withdrawal_reason")

SHARE_LINK_SALT = "pressreleases.embargoed-release"
DEFAULT_SHARE_LINK_MAX_AGE = datetime.timedelta(days=7)


class WorkflowError(Exception):
    """The move does not apply to this release; the message says why, for the editor."""


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def state_label(release: PressRelease) -> str:
    """The state as the newsroom speaks of it: a published release still waiting for its
    publication time is "Scheduled"."""
    if release.is_scheduled:
        return "Scheduled"
    return release.get_status_display()


def _stamp(release: PressRelease, user) -> None:
    release.updated_by = user
    release.save()


def publish_now(release: PressRelease, *, user) -> None:
    """Make the release public now. A release that was public before (now withdrawn) is
    reinstated with its original publication time."""
    if release.is_public:
        raise WorkflowError(f"“{release}” is already public.")
    if not release.is_withdrawn:
        release.publish_at = timezone.now()
    release.status = Status.PUBLISHED
    release.withdrawn_at = None
    release.withdrawal_reason = ""
    _stamp(release, user)


def schedule(release: PressRelease, when: datetime.datetime, *, user) -> None:
    """Publish the release automatically at `when`, which must lie in the future."""
    if when <= timezone.now():
        raise WorkflowError("Choose a publication time in the future.")
    if release.is_public or release.is_withdrawn:
        raise WorkflowError(
            f"“{release}” has already been public; unpublish it first to schedule it again."
        )
    release.status = Status.PUBLISHED
    release.publish_at = when
    _stamp(release, user)


def withdraw(release: PressRelease, reason: str, *, user) -> None:
    """Take a public release out of listings and feeds; its page stays and shows `reason`."""
    if not reason.strip():
        raise WorkflowError("Say why the release is withdrawn.")
    if not release.is_public:
        raise WorkflowError(f"“{release}” is not public, so there is nothing to withdraw.")
    release.status = Status.WITHDRAWN
    release.withdrawal_reason = reason.strip()
    release.withdrawn_at = timezone.now()
    _stamp(release, user)


def unpublish(release: PressRelease, *, user) -> None:
    """Send a published, scheduled or withdrawn release back to draft, as if never published."""
    if release.status in EDITOR_STATUSES:
        raise WorkflowError(f"“{release}” is not published.")
    release.status = Status.DRAFT
    release.publish_at = None
    release.withdrawn_at = None
    release.withdrawal_reason = ""
    _stamp(release, user)


@transaction.atomic
def duplicate(release: PressRelease, *, user) -> PressRelease:
    """A new draft with the release's text, taxonomy, tags and quotes; images, attachments and
    the import record stay with the original."""
    copy = PressRelease.objects.get(pk=release.pk)
    copy.pk = None
    copy._state.adding = True
    copy.slug = ""  # save() derives a fresh, unique one from the title
    copy.status = Status.DRAFT
    copy.publish_at = None
    copy.withdrawn_at = None
    copy.withdrawal_reason = ""
    copy.source_url = None
    copy.import_key = None
    copy.created_at = timezone.now()
    copy.created_by = copy.updated_by = user
    copy.save()
    for name in ("sources", "fields_of_work", "countries", "meeting_series", "related"):
        getattr(copy, name).set(getattr(release, name).all())
    copy.tags.set(list(release.tags.all()))
    quotes = list(release.quotes.all())
    for quote in quotes:
        quote.pk = None
        quote.release = copy
    Quote.objects.bulk_create(quotes)
    index_releases([copy.pk])  # bulk_create sends no signals
    return copy


def share_link_max_age() -> datetime.timedelta:
    return getattr(settings, "PRESS_RELEASE_SHARE_LINK_MAX_AGE", DEFAULT_SHARE_LINK_MAX_AGE)


def share_path(release: PressRelease) -> str:
    """The path of a signed link that shows the embargoed release to anyone holding it, until
    it expires (`share_link_max_age()`)."""
    token = signing.TimestampSigner(salt=SHARE_LINK_SALT).sign(str(release.pk))
    return reverse("pressreleases:embargoed", args=[token])


def release_pk_from_share_token(token: str) -> int | None:
    """The release a share token was made for, or None when it is forged, mangled or expired."""
    try:
        value = signing.TimestampSigner(salt=SHARE_LINK_SALT).unsign(
            token, max_age=share_link_max_age()
        )
        return int(value)
    except (signing.BadSignature, ValueError):
        return None
