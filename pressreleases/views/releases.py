"""A release's own page, the staff preview of any release, and embargoed share links."""

import datetime
import json
from pathlib import Path

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.views.generic import DetailView

from .. import workflow
from ..caching import public_page
from ..images import image_srcset
from ..models import Image, PressRelease, Quote

TEMPLATE = "pressreleases/pressrelease_detail.html"
RELATED_LIMIT = 5
PUBLISHER = "OSCE"
# What json_script escapes, so the data cannot close its <script> element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
FIELDS_OF_WORK = PressRelease.fields_of_work.through
SOURCES = PressRelease.sources.through


def with_page_data(queryset: QuerySet) -> QuerySet:
    """Everything the release page shows, in a fixed number of queries."""
    quotes = Quote.objects.select_related(
        "speaker", "appointment__organisation", "organisation", "structure"
    )
    return queryset.select_related("translation_of").prefetch_related(
        "sources",
        "fields_of_work",
        "countries",
        "tags",
        Prefetch("quotes", quotes),
        "images",
        "attachments",
        Prefetch("related", PressRelease.objects.public()),
        # All of them, filtered in `other_languages`: a release has few translations, and
        # with the visibility rule in the query SQLite walks the publication-time index.
        "translations",
        "translation_of__translations",
    )


def related_releases(release: PressRelease) -> list[PressRelease]:
    """Up to RELATED_LIMIT public releases: those the editors related, then those sharing a
    field of work or a source; each group most recent first. Translations of the release are
    listed as such, not here. One query besides the prefetched choices."""
    chosen = [other for other in release.related.all() if other.pk != release.pk]
    own_fields = FIELDS_OF_WORK.objects.filter(pressrelease=release.pk)
    own_sources = SOURCES.objects.filter(pressrelease=release.pk)
    # One EXISTS over a UNION is checked row by row while walking the publication-time index,
    # which stops after a few rows; two ORed EXISTS would be planned as hashes of every
    # release in those fields. The uncorrelated EXISTS are evaluated once and spare the walk
    # when there is nothing to share.
    shares = FIELDS_OF_WORK.objects.filter(
        pressrelease=OuterRef("pk"), fieldofwork__in=own_fields.values("fieldofwork")
    ).values("pk")
    shares = shares.union(
        SOURCES.objects.filter(
            pressrelease=OuterRef("pk"), structure__in=own_sources.values("structure")
        ).values("pk"),
        all=True,
    )
    family = Q(pk=release.pk) | Q(translation_of=release.pk)
    if release.translation_of_id:
        family |= Q(pk=release.translation_of_id) | Q(translation_of=release.translation_of_id)
    similar = (
        PressRelease.objects.public()
        .filter(Q(Exists(own_fields)) | Q(Exists(own_sources)), Exists(shares))
        .exclude(family)
        .exclude(pk__in=[other.pk for other in chosen])
        .only("title", "slug", "content_type", "publish_at")
        .order_by("-publish_at", "-pk")[:RELATED_LIMIT]
    )
    return (chosen + list(similar))[:RELATED_LIMIT]


def other_languages(release: PressRelease) -> list[tuple[PressRelease, bool]]:
    """The release's public translations, or for a translation its public original and the
    original's other translations, as (release, is_original)."""
    original = release.translation_of
    if original is None:
        return [(other, False) for other in release.translations.all() if other.is_public]
    if not original.is_public:
        return []
    siblings = [
        (other, False)
        for other in original.translations.all()
        if other.pk != release.pk and other.is_public
    ]
    return [(original, True), *siblings]


def attachment_files(release: PressRelease) -> list[tuple]:
    """(attachment, file kind such as "PDF", size in bytes or None when the file is missing)."""
    files = []
    for attachment in release.attachments.all():
        try:
            size = attachment.file.size
        except OSError:
            size = None
        files.append((attachment, Path(attachment.file.name).suffix[1:].upper(), size))
    return files


def share_image(request: HttpRequest, image: Image) -> dict:
    """The image as link previews show it: its largest rendition, or the original."""
    if image.renditions:
        largest = max(image.renditions, key=int)
        url = image.file.storage.url(image.renditions[largest])
        width = int(largest)
        height = max(1, round(image.height * width / image.width)) if image.width else None
    else:
        url, width, height = image.file.url, image.width, image.height
    return {
        "url": request.build_absolute_uri(url),
        "width": width,
        "height": height,
        "alt": image.alt_text,
    }


def iso_time(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).replace(microsecond=0).isoformat() if moment else ""


def summary(release: PressRelease) -> str:
    return release.lead or Truncator(strip_tags(release.body)).words(50) or release.title


def json_ld(data: dict) -> SafeString:
    """JSON for a <script type="application/ld+json"> block, escaped as json_script does."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES))


def news_article(release: PressRelease, url: str, home: str, description: str, images) -> dict:
    """The release as a schema.org NewsArticle; `images` as made by `share_image`."""
    osce = {"@type": "Organization", "name": PUBLISHER, "url": home}
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": release.title,
        "description": description,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": iso_time(release.publish_at),
        "dateModified": iso_time(release.updated_at),
        "author": osce,
        "publisher": osce,
        "inLanguage": release.language,
        "articleSection": release.get_content_type_display(),
        "keywords": [field.name for field in release.fields_of_work.all()],
        "image": [image["url"] for image in images],
    }
    return {key: value for key, value in article.items() if value}


def page_context(request: HttpRequest, release: PressRelease, **flags) -> dict:
    images = list(release.images.all())
    url = request.build_absolute_uri(release.get_absolute_url())
    description = summary(release)
    shared = [share_image(request, image) for image in images if image.file]
    translations = other_languages(release)
    alternates = [
        (other.language, request.build_absolute_uri(other.get_absolute_url()))
        for other, _ in translations
    ]
    return {
        "release": release,
        "state": workflow.state_label(release),
        "images": [(image, image_srcset(image)) for image in images],
        "attachments": attachment_files(release),
        "related_releases": related_releases(release),
        "translations": translations,
        "language_alternates": [(release.language, url), *alternates] if alternates else [],
        "canonical_url": url,
        "summary": description,
        "published_time": iso_time(release.publish_at),
        "modified_time": iso_time(release.updated_at),
        "share_image": shared[0] if shared else None,
        "json_ld": json_ld(
            news_article(
                release, url, request.build_absolute_uri(reverse("home")), description, shared
            )
        ),
        **flags,
    }


def private(response: HttpResponse) -> HttpResponse:
    """Keep a page that is not public yet out of search engines and shared caches."""
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response


@method_decorator(public_page, name="dispatch")
class PressReleaseDetailView(DetailView):
    """Public releases, and withdrawn ones with their withdrawal notice; anything else is 404.
    A slug the release had before answers with a permanent redirect to its current address."""

    template_name = TEMPLATE
    context_object_name = "release"

    def get_queryset(self) -> QuerySet:
        return with_page_data(PressRelease.objects.readable())

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            current = (
                PressRelease.objects.readable()
                .filter(previous_slugs__slug=kwargs["slug"])
                .order_by("-previous_slugs__replaced_at", "-previous_slugs__pk")
                .first()
            )
            if current is None:
                raise
            return redirect(current, permanent=True)

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(**page_context(self.request, self.object), **kwargs)


def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Any release, in any state, as the public would see it; for staff who may view releases.
    Everyone else is sent to the admin login."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not (
        user.has_perm("pressreleases.view_pressrelease")
        or user.has_perm("pressreleases.change_pressrelease")
    ):
        raise PermissionDenied
    release = get_object_or_404(with_page_data(PressRelease.objects.all()), pk=pk)
    return private(render(request, TEMPLATE, page_context(request, release, preview=True)))


def embargoed(request: HttpRequest, token: str) -> HttpResponse:
    """A scheduled release for whoever holds a valid share link (see `workflow.share_path`).
    A forged or expired link, or a release no longer scheduled, is 404; once the release is
    public the link leads to its public page."""
    pk = workflow.release_pk_from_share_token(token)
    if pk is None:
        raise Http404("This link is not valid, or it has expired.")
    published = PressRelease.objects.filter(status=PressRelease.Status.PUBLISHED)
    release = get_object_or_404(with_page_data(published), pk=pk)
    if release.is_public:
        return redirect(release)
    return private(render(request, TEMPLATE, page_context(request, release, embargoed=True)))
