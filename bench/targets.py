"""What the benchmark requests: real addresses picked from the benchmark database.

`pick_targets` runs inside a Django process set up on that database (models are imported in the
functions: bench/run.py imports this module before Django is set up). Facet values are the most
frequent ones (the largest result sets, so the heaviest counts); the release is the newest
public one with several quotes; the speaker is the most quoted one (a front-page figure, whose
page lists the most quotes).
"""

import re
import secrets
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from .load import fetch

BASELINE = "baseline"
DEEP = "listing-deep"
KEYS = (
    BASELINE,
    "home",
    "listing",
    "listing-facets",
    "listing-search",
    "listing-search-facets",
    DEEP,
    "release",
    "speaker",
    "speakers",
    "organisations",
    "quotes",
    "feed",
    "admin",
)
ADMIN_USERNAME = "bench-admin"
DEEP_PAGE = 400


@dataclass(frozen=True)
class Target:
    key: str  # for --only
    name: str  # for the table
    path: str
    note: str = ""
    admin: bool = False  # requested with the logged-in staff session
    public: bool = True  # held to the public pages' goals


@dataclass(frozen=True)
class Picks:
    targets: list[Target]
    admin_password: str


def results(count: int) -> str:
    return f"{count:,} result" + ("" if count == 1 else "s")


def _most_frequent(links, column: str) -> str | None:
    """The most frequent value of `column` among link rows (ties: the first in order)."""
    from django.db.models import Count

    return (
        links.values(column)
        .annotate(n=Count("pk"))
        .order_by("-n", column)
        .values_list(column, flat=True)
        .first()
    )


def _facets(public) -> dict[str, str]:
    """The most frequent field of work, and the country most frequent with it."""
    from pressreleases.models import PressRelease

    fields = PressRelease.fields_of_work.through.objects
    countries = PressRelease.countries.through.objects
    field = _most_frequent(fields.filter(pressrelease__in=public), "fieldofwork__slug") or ""
    country = _most_frequent(
        countries.filter(pressrelease__in=public.filter(fields_of_work__slug=field)),
        "country__slug",
    ) or _most_frequent(countries.filter(pressrelease__in=public), "country__slug")
    return {"field": field, "country": country or ""}


def _release(public) -> tuple[str, str]:
    """The newest public release with at least two quotes (or the newest): address, note."""
    from django.db.models import Count

    from pressreleases.models import PressRelease, Quote

    recent = list(public.order_by("-publish_at", "-pk").values_list("pk", flat=True)[:200])
    if not recent:
        return "", "no public release"
    quoted = dict(
        Quote.objects.filter(release__in=recent)
        .values("release")
        .annotate(n=Count("pk"))
        .values_list("release", "n")
    )
    pk = next((pk for pk in recent if quoted.get(pk, 0) >= 2), recent[0])
    return PressRelease.objects.get(pk=pk).get_absolute_url(), f"{quoted.get(pk, 0)} quotes"


def _speaker(public) -> tuple[str, str]:
    """The speaker with the most public quotes: address, note."""
    from django.db.models import Count

    from pressreleases.models import Quote

    speaker = (
        Quote.objects.filter(release__in=public, speaker__isnull=False)
        .values("speaker__slug", "speaker__full_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "speaker__slug")
        .first()
    )
    if speaker is None:
        return "", "no quoted speaker"
    return (
        f"/speakers/{speaker['speaker__slug']}/",
        f"{speaker['speaker__full_name']}, {speaker['n']:,} quotes",
    )


def _admin_password() -> str:
    """A fresh password for the benchmark's superuser, created when missing."""
    from django.contrib.auth import get_user_model

    password = secrets.token_urlsafe(16)
    user, _ = get_user_model().objects.get_or_create(
        username=ADMIN_USERNAME, defaults={"is_staff": True, "is_superuser": True}
    )
    user.set_password(password)
    user.save()
    return password


def pick_targets() -> Picks:
    """Every page the benchmark knows, in the table's order. A target with an empty path has
    nothing to request in this database and is reported as such."""
    from pressreleases.models import PressRelease
    from pressreleases.search import search_releases

    public = PressRelease.objects.public()
    facets = _facets(public)
    faceted = public.filter(fields_of_work__slug=facets["field"]).filter(
        countries__slug=facets["country"]
    )
    release, release_note = _release(public)
    speaker, speaker_note = _speaker(public)
    targets = [
        Target(
            BASELINE, "baseline", "/__bench__/baseline/", "base.html, no database", public=False
        ),
        Target("home", "home", "/"),
        Target("listing", "listing", "/press-releases/", f"{public.count():,} public releases"),
        Target(
            "listing-facets",
            "listing, two facets",
            f"/press-releases/?{urlencode(facets)}",
            results(faceted.count()),
        ),
        Target(
            "listing-search",
            "listing, search",
            "/press-releases/?q=border",
            results(search_releases(public, "border").count()),
        ),
        Target(
            "listing-search-facets",
            "listing, search + two facets",
            f"/press-releases/?{urlencode({'q': 'border', **facets})}",
            results(search_releases(faceted, "border").count()),
        ),
        Target(
            DEEP,
            "listing, deep page",
            f"/press-releases/?page={DEEP_PAGE}",
            f"page {DEEP_PAGE} or the last",
        ),
        Target("release", "release", release, release_note),
        Target("speaker", "speaker", speaker, speaker_note),
        Target("speakers", "speakers A–Z", "/speakers/"),
        Target("organisations", "organisations A–Z", "/organisations/"),
        Target("quotes", "quotes", "/quotes/"),
        Target(
            "feed",
            "feed, filtered (Atom)",
            f"/press-releases/feed/atom/?{urlencode({'field': facets['field']})}",
        ),
        Target(
            "admin",
            "admin change list",
            "/admin/pressreleases/pressrelease/",
            f"{PressRelease.objects.count():,} releases",
            admin=True,
            public=False,
        ),
    ]
    return Picks(targets, _admin_password())


def deepest_page(port: int, path: str, wanted: int) -> str:
    """`path` at page `wanted`, or at the last page when the listing has fewer pages (found by
    bisection on the answer's status)."""
    base = re.sub(r"[?&]page=\d+", "", path)
    separator = "&" if "?" in base else "?"

    def answers(page: int) -> bool:
        return fetch(port, f"{base}{separator}page={page}").status == 200

    if answers(wanted) or not answers(1):
        return f"{base}{separator}page={wanted}"
    low, high = 1, wanted  # page `low` answers, page `high` does not
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if answers(middle) else (low, middle)
    return f"{base}{separator}page={low}"


def log_in(port: int, username: str, password: str) -> str | None:
    """The admin session cookie after logging in through the login form, or None when the
    login fails."""
    page = fetch(port, "/admin/login/")
    csrf_cookie = SimpleCookie(page.headers.get("Set-Cookie", "")).get("csrftoken")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if page.status != 200 or csrf_cookie is None or token is None:
        return None
    answer = fetch(
        port,
        "/admin/login/",
        method="POST",
        headers={
            "Cookie": f"csrftoken={csrf_cookie.value}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=urlencode(
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": username,
                "password": password,
                "next": "/admin/",
            }
        ),
    )
    cookies = SimpleCookie()
    for header in answer.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    session = cookies.get("sessionid")
    return f"sessionid={session.value}" if answer.status == 302 and session else None
