"""Atom and RSS feeds of the release listing, for any combination of its filters.

A feed takes exactly the listing's query parameters (`ReleaseFilterSet`, applied to
`public()`), so any filtered listing can be followed by swapping its path for a feed's:
``/press-releases/?field=migration`` is followed at ``/press-releases/feed/atom/?field=migration``.
It holds the `FEED_SIZE` newest matching releases, or the most relevant ones when searching.
Invalid parameters answer 400, as on the listing.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from .filters import ReleaseFilterSet, value_label
from .models import PressRelease

FEED_SIZE = 50


def feed_query(filterset: ReleaseFilterSet) -> str:
    """The parameters of a listing as a feed's query string (no leading "?"): every filter
    parameter the listing applied, as given. Not the sort (a feed follows the default order),
    an invalid parameter (the listing ignored it; the feed would refuse it), the page, or
    anything the filters do not own."""
    data = QueryDict(mutable=True)
    for param, cleaned in filterset.cleaned_data.items():
        if param != "sort" and cleaned not in (None, "", []):
            data.setlist(param, filterset.data.getlist(param))
    return data.urlencode()


def describe(filterset: ReleaseFilterSet) -> str:
    """The valid filters in words, in the form's order: "Migration, Bosnia and Herzegovina,
    from 2 March 2020"; empty without filters."""
    words = []
    for param, cleaned in filterset.cleaned_data.items():
        if param == "sort" or cleaned in (None, "", []):
            continue
        for value in cleaned if isinstance(cleaned, list) else [cleaned]:
            label = value_label(filterset, param, value)[1]
            words.append(f"{param} {label}" if param in ("from", "to") else label)
    return ", ".join(words)


def feed_title(filterset: ReleaseFilterSet) -> str:
    summary = describe(filterset)
    return f"Press releases: {summary}" if summary else "Press releases"


def tag_uri(host: str, release: PressRelease) -> str:
    """An entry id that survives a change of title or slug (RFC 4151)."""
    domain, _ = split_domain_port(host)
    return f"tag:{domain or host},{release.created_at:%Y-%m-%d}:press-release/{release.pk}"


@dataclass(frozen=True)
class FeedRequest:
    filterset: ReleaseFilterSet
    host: str
    query: str


class ReleaseFeed(Feed):
    feed_type = Atom1Feed
    url_name = "pressreleases:feed-atom"
    author_name = settings.SITE_NAME
    description = "The latest press releases, statements and news from the OSCE."

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedRequest:
        filterset = ReleaseFilterSet(request.GET)
        if filterset.errors:
            raise BadRequest("The feed's filters are not valid.")
        return FeedRequest(filterset, request.get_host(), feed_query(filterset))

    def title(self, obj: FeedRequest) -> str:
        return feed_title(obj.filterset)

    def link(self, obj: FeedRequest) -> str:
        return with_query(reverse("pressreleases:list"), obj.query)

    def feed_url(self, obj: FeedRequest) -> str:
        return with_query(reverse(self.url_name), obj.query)

    def items(self, obj: FeedRequest) -> list[PressRelease]:
        if obj.filterset.search_query:  # ranked: see views.listing.listing
            releases = list(feed_entries(obj.filterset.qs)[:FEED_SIZE])
        else:
            releases = obj.filterset.qs.rows_by_ids(
                0, FEED_SIZE, feed_entries(PressRelease.objects.all())
            )
        for release in releases:
            release.feed_guid = tag_uri(obj.host, release)
        return releases

    def item_title(self, release: PressRelease) -> str:
        return release.title

    def item_description(self, release: PressRelease) -> str:
        # Feed readers read descriptions as HTML; the lead is plain text.
        return escape(release.lead)

    def item_pubdate(self, release: PressRelease):
        return release.publish_at

    def item_updateddate(self, release: PressRelease):
        return release.updated_at

    def item_guid(self, release: PressRelease) -> str:
        return release.feed_guid

    item_guid_is_permalink = False

    def item_categories(self, release: PressRelease) -> list[str]:
        return [field.name for field in release.fields_of_work.all()]


class ReleaseRssFeed(ReleaseFeed):
    feed_type = Rss201rev2Feed
    url_name = "pressreleases:feed-rss"


def feed_entries(releases: QuerySet) -> QuerySet:
    """Releases with what an entry shows: all but the body, and the fields of work."""
    return releases.defer("body").prefetch_related("fields_of_work")


def with_query(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path
