"""HTTP caching for public pages: validators, 304 answers, shared-cache headers and a server-side
store of rendered pages, all keyed by one site-wide *content stamp*.

A public page depends on nothing but its URL and the site's content, so one stamp validates
every page. The stamp changes when

- any content record (press releases and what they carry, people, organisations, taxonomy,
  tags) is saved or deleted, or a many-to-many link between them changes: the receivers below;
- a scheduled release's publication time passes, which happens without any save: the stamp
  holds the latest publication time already reached, re-read when the next one falls due;
- the day changes (pages name the current Chairpersonship).

Code that writes content without signals (`bulk_create`, `QuerySet.update`) calls
`content_changed()` when it is done.

The stamp lives in the default cache. Redis shares it between processes. The local-memory
cache does not, so there each process also forgets its stamp after `PUBLIC_CACHE_SECONDS`,
which bounds how long a change made by another process goes unseen.
"""

import datetime
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from .models import PressRelease

TOKEN_KEY = "public-pages:token"
CLOCK_KEY = "public-pages:clock"
PAGE_KEY = "public-pages:page:{}"
# Apps whose records public pages show; a change to any of their rows changes the stamp.
CONTENT_APPS = frozenset({"pressreleases", "taxonomy", "taggit"})

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class ContentStamp:
    """The state of the site's content as far as public pages are concerned."""

    token: str  # a new random value on every content change
    changed_at: datetime.datetime
    latest_publication: datetime.datetime | None
    today: datetime.date

    @property
    def key(self) -> str:
        latest = self.latest_publication.isoformat() if self.latest_publication else "-"
        return f"{self.token}|{latest}|{self.today.isoformat()}"

    @property
    def last_modified(self) -> datetime.datetime:
        midnight = timezone.make_aware(datetime.datetime.combine(self.today, datetime.time.min))
        return max(t for t in (self.changed_at, self.latest_publication, midnight) if t)

    def etag(self, url: str) -> str:
        """A weak validator: the same URL and stamp give an equivalent page."""
        return f'W/"{_digest(self.key, url)}"'


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _clock_timeout() -> int:
    return max(settings.PUBLIC_CACHE_SECONDS, 1)


def _stamp_timeout() -> int | None:
    """None (no expiry) when the cache is shared between processes."""
    return _clock_timeout() if isinstance(caches["default"], LocMemCache) else None


def _renew_token() -> None:
    cache.set(TOKEN_KEY, (uuid.uuid4().hex, timezone.now()), _stamp_timeout())


def content_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Give the site a new content stamp, so every page's validators change and stored pages
    are bypassed. Inside a transaction the stamp is renewed again once it commits: a page
    rendered meanwhile from the old rows must not be kept under the new stamp."""
    _renew_token()
    if connections[using].in_atomic_block:
        transaction.on_commit(_renew_token, using=using)


def _publication_clock(now: datetime.datetime, clock: tuple | None) -> tuple:
    """(latest publication time reached, next one due): the cached `clock`, or when it is
    missing or the next one has fallen due, two indexed queries, cached for at most
    PUBLIC_CACHE_SECONDS."""
    if clock is None or (clock[1] is not None and clock[1] <= now):
        published = PressRelease.objects.filter(status=PressRelease.Status.PUBLISHED)
        clock = (
            published.filter(publish_at__lte=now)
            .order_by("-publish_at")
            .values_list("publish_at", flat=True)
            .first(),
            published.filter(publish_at__gt=now)
            .order_by("publish_at")
            .values_list("publish_at", flat=True)
            .first(),
        )
        cache.set(CLOCK_KEY, clock, _clock_timeout())
    return clock


def content_stamp() -> ContentStamp:
    """The current stamp; costs cache reads only, plus two small queries when a scheduled
    release falls due or the cached publication clock has expired."""
    now = timezone.now()
    stored = cache.get_many([TOKEN_KEY, CLOCK_KEY])
    token = stored.get(TOKEN_KEY)
    if token is None:
        token = (uuid.uuid4().hex, now)
        if not cache.add(TOKEN_KEY, token, _stamp_timeout()):
            token = cache.get(TOKEN_KEY, token)
    latest, _ = _publication_clock(now, stored.get(CLOCK_KEY))
    return ContentStamp(token[0], token[1], latest, timezone.localdate(now))


def _note_scheduled(release: PressRelease) -> None:
    """Bring the cached clock's next due time forward to a newly scheduled release's."""
    clock = cache.get(CLOCK_KEY)
    if clock is not None and (clock[1] is None or release.publish_at < clock[1]):
        cache.set(CLOCK_KEY, (clock[0], release.publish_at), _clock_timeout())


@receiver(post_save, dispatch_uid="pressreleases.caching.saved")
@receiver(post_delete, dispatch_uid="pressreleases.caching.deleted")
def _record_changed(sender, instance, using, **kwargs) -> None:
    if sender._meta.app_label not in CONTENT_APPS:
        return
    content_changed(using)
    saved = kwargs["signal"] is post_save
    if saved and isinstance(instance, PressRelease) and instance.is_scheduled:
        _note_scheduled(instance)


@receiver(m2m_changed, dispatch_uid="pressreleases.caching.links")
def _links_changed(sender, action, using, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"} and (
        sender._meta.app_label in CONTENT_APPS
    ):
        content_changed(using)


def _is_shareable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the response is the same for every reader: it sets no cookie, and rendering it
    read no session, made no CSRF token and used no CSP nonce."""
    session = getattr(request, "session", None)
    return not (
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (session is not None and session.accessed)
        or get_nonce(request)
    )


def _set_validators(response: HttpResponse, stamp: ContentStamp, etag: str) -> None:
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(stamp.last_modified.timestamp())
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)


def _stored_page(key: str) -> HttpResponse | None:
    stored = cache.get(key)
    if stored is None:
        return None
    content, headers = stored
    return HttpResponse(content, headers=headers)


def _render(view: View, request: HttpRequest, key: str | None, args, kwargs) -> HttpResponse:
    response = view(request, *args, **kwargs)
    if response.status_code != 200 or response.streaming or response.has_header("Cache-Control"):
        return response
    if not getattr(response, "is_rendered", True):
        response.render()
    if not _is_shareable(request, response):
        patch_cache_control(response, private=True, no_store=True)
    elif key is not None and settings.PUBLIC_PAGE_CACHE_SECONDS:
        headers = list(response.headers.items())
        cache.set(key, (response.content, headers), settings.PUBLIC_PAGE_CACHE_SECONDS)
    return response


def public_page(view: View) -> View:
    """Make a public page cacheable: `ETag` and `Last-Modified` from the content stamp, 304
    answers to conditional requests before the view runs, `Cache-Control: public,
    max-age=PUBLIC_CACHE_SECONDS`, and a server-side copy of the rendered page for readers
    without a session cookie, kept PUBLIC_PAGE_CACHE_SECONDS (0 stores nothing) and bypassed
    as soon as the stamp changes.

    Contract: the view's answer to GET and HEAD depends only on the URL (host, path and query
    string) and the site's content. A response that breaks it (sets a cookie, reads the
    session, makes a CSRF token, uses a CSP nonce) is sent `private, no-store` and never
    stored; one that sets its own Cache-Control is left alone. Only 200 answers get
    validators and are stored; permanent redirects are cacheable for max-age.

    With the cache switched off (DummyCache) the view runs as it is, with no validators.

    Apply it to a function view with `@public_page`, to a class-based view with
    `@method_decorator(public_page, name="dispatch")` or `public_page(View.as_view())`, and to
    a syndication `Feed` with `public_page(MyFeed())`. Never to previews, share links, forms
    or the admin.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Without a cache there is no stamp to validate against: every answer is fresh.
        if request.method not in ("GET", "HEAD") or isinstance(caches["default"], DummyCache):
            return view(request, *args, **kwargs)
        stamp = content_stamp()
        url = request.build_absolute_uri()
        etag = stamp.etag(url)
        response = get_conditional_response(
            request, etag=etag, last_modified=int(stamp.last_modified.timestamp())
        )
        if response is not None:
            if response.status_code == 304:
                _set_validators(response, stamp, etag)
            return response
        anonymous = settings.SESSION_COOKIE_NAME not in request.COOKIES
        key = PAGE_KEY.format(_digest(stamp.key, url)) if anonymous else None
        response = (key and _stored_page(key)) or _render(view, request, key, args, kwargs)
        if response.status_code == 200 and not response.has_header("Cache-Control"):
            _set_validators(response, stamp, etag)
        elif response.status_code == 301 and not response.has_header("Cache-Control"):
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        return response

    return wrapper
