"""A release's own page, the staff preview of any release, and embargoed share links."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.generic import DetailView

from .. import workflow
from ..images import image_srcset
from ..models import PressRelease, Quote

TEMPLATE = "pressreleases/pressrelease_detail.html"


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
        Prefetch("translations", PressRelease.objects.public()),
    )


def page_context(release: PressRelease, **flags) -> dict:
    return {
        "release": release,
        "state": workflow.state_label(release),
        "images": [(image, image_srcset(image)) for image in release.images.all()],
        **flags,
    }


def private(response: HttpResponse) -> HttpResponse:
    """Keep a page that is not public yet out of search engines and shared caches."""
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response


class PressReleaseDetailView(DetailView):
    """Public releases, and withdrawn ones with their withdrawal notice; anything else is 404."""

    template_name = TEMPLATE
    context_object_name = "release"

    def get_queryset(self) -> QuerySet:
        return with_page_data(PressRelease.objects.readable())

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(**page_context(self.object), **kwargs)


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
    return private(render(request, TEMPLATE, page_context(release, preview=True)))


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
    return private(render(request, TEMPLATE, page_context(release, embargoed=True)))
