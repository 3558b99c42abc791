"""The public listing of releases with its facets, the taxonomy pages (each a slice of the
listing with its own term fixed), and the home page.

Every page here lists `PressRelease.objects.public()` only, and costs a fixed number of
queries whatever the number of releases.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject

from taxonomy.models import Country, FieldOfWork, MeetingSeries, Structure, slug_url
from taxonomy.navigation import site_navigation

from ..caching import public_page
from ..facets import Facet, facet_counts
from ..feeds import describe, feed_query, feed_title
from ..filters import Chip, ReleaseFilterSet, active_filters, clear_all_query
from ..models import PressRelease
from ..search import with_snippets

PAGE_SIZE = 20
HOME_SIZE = 6


def card_rows(queryset: QuerySet) -> QuerySet:
    """Releases with the columns a card shows (pressreleases/includes/release_card.html)."""
    return queryset.defer("body")


@dataclass(frozen=True)
class CardSource:
    """A release's source as its card links it."""

    name: str
    url: str


def with_card_sources(releases: Iterable[PressRelease]) -> list[PressRelease]:
    """The releases, each with `card_sources`, in one query whatever the number of cards: the
    sources' names and slugs rather than their records, whose prefetch took 2.0 ms for twenty
    cards where this takes 0.8 (SQLite)."""
    releases = list(releases)
    sources: defaultdict[int, list[CardSource]] = defaultdict(list)
    links = (
        PressRelease.sources.through.objects.filter(pressrelease__in=[r.pk for r in releases])
        .order_by("structure__order", "structure__name")  # a structure's own ordering
        .values_list(
            "pressrelease_id", "structure__slug", "structure__name", "structure__full_name"
        )
    )
    for release_id, slug, name, full_name in links:
        url = slug_url("taxonomy:structure", slug)
        sources[release_id].append(CardSource(full_name or name, url))
    for release in releases:
        release.card_sources = sources[release.pk]
    return releases


class CountedPaginator(Paginator):
    """A paginator given its count, so that it never runs a COUNT of its own."""

    def __init__(self, object_list: "QuerySet | ReadByIds", per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


class ReadByIds:
    """An ordered queryset of releases or quotes as a paginator slices it, each slice read ids
    first (`IdsFirstQuerySet.rows_by_ids`), its rows fetched by `rows`."""

    def __init__(self, records: QuerySet, rows: QuerySet) -> None:
        self.records, self.rows = records, rows

    @property
    def ordered(self) -> bool:  # the paginator warns about unordered lists
        return self.records.ordered

    def count(self) -> int:
        return self.records.count()

    def __getitem__(self, page: slice) -> list:
        return self.records.rows_by_ids(page.start, page.stop, self.rows)


class SearchResults:
    """A search's result as a paginator slices it: each slice's ids from the filter set
    (`ReleaseFilterSet.page_ids`), its rows fetched by `rows`, with snippets."""

    ordered = True

    def __init__(self, filterset: ReleaseFilterSet, rows: QuerySet) -> None:
        self.filterset, self.rows = filterset, rows

    def __getitem__(self, page: slice) -> list[PressRelease]:
        releases = self.rows.in_order_of(self.filterset.page_ids(page.start, page.stop))
        return with_snippets(releases, self.filterset.qs)


def result_count(facets: list[Facet]) -> int:
    """The number of matching releases, read off the content-type facet instead of counted
    again: every release has exactly one content type, and that facet is counted over every
    other filter, so its chosen values (or all of them when none is chosen) add up to the
    result."""
    types = next(facet for facet in facets if facet.param == "type")
    chosen = [option for option in types.options if option.selected]
    return sum(option.count for option in chosen or types.options)


def page_or_404(paginator: Paginator, number: str | None) -> Page:
    try:
        return paginator.page(number or 1)
    except InvalidPage as error:
        raise Http404("There is no such page of results.") from error


@dataclass(frozen=True)
class FixedFacet:
    """A taxonomy page's own term: always applied, not offered as a facet or a chip."""

    param: str
    slug: str


def visible_chips(filterset: ReleaseFilterSet, fixed: FixedFacet | None) -> list[Chip]:
    """The removable chips; on a taxonomy page without the page's own term, and with links
    that leave it to the page's address."""
    chips = active_filters(filterset)
    if fixed is None:
        return chips
    visible = []
    for chip in chips:
        data = QueryDict(chip.query_string, mutable=True)
        if fixed.param in data:  # only the chip removing the page's own term drops it
            data.pop(fixed.param)
            visible.append(Chip(chip.label, data.urlencode()))
    return visible


def listing(
    request: HttpRequest,
    template: str,
    fixed: FixedFacet | None = None,
    context: dict | None = None,
) -> HttpResponse:
    """Public releases filtered by the request's GET parameters (see filters.py), with facet
    counts, chips, a page of results and the matching feed. Invalid parameters are reported
    and ignored, with status 400; a page number that is not a page is 404."""
    data = request.GET.copy()
    if fixed:
        data.setlist(fixed.param, [fixed.slug])
    filterset = ReleaseFilterSet(data)
    facets = facet_counts(filterset)
    rows = card_rows(PressRelease.objects.all())
    releases = (
        SearchResults(filterset, rows) if filterset.search_query else ReadByIds(filterset.qs, rows)
    )
    paginator = CountedPaginator(releases, PAGE_SIZE, result_count(facets))
    page = page_or_404(paginator, request.GET.get("page"))
    errors = filterset.errors
    return render(
        request,
        template,
        {
            "filterset": filterset,
            "facets": [facet for facet in facets if not fixed or facet.param != fixed.param],
            "chips": visible_chips(filterset, fixed),
            "clear_all_query": clear_all_query(filterset),
            "errors": [
                (filterset.filters[param].label if param in filterset.filters else "", message)
                for param, messages in errors.items()
                for message in messages
            ],
            "field_errors": {param: " ".join(messages) for param, messages in errors.items()},
            "chosen": {param for param, value in filterset.cleaned_data.items() if value},
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "releases": with_card_sources(page.object_list),
            "summary": describe(filterset),
            "feed_query": feed_query(filterset),
            "feed_title": feed_title(filterset),
            # The menu from the taxonomy the filters have read, rather than read again.
            "site_navigation": SimpleLazyObject(
                lambda: site_navigation(filterset.vocabularies.terms)
            ),
            **(context or {}),
        },
        status=400 if errors else 200,
    )


@public_page
def release_list(request: HttpRequest) -> HttpResponse:
    return listing(request, "pressreleases/pressrelease_list.html")


@public_page
def field_of_work_page(request: HttpRequest, slug: str) -> HttpResponse:
    field = get_object_or_404(FieldOfWork, slug=slug)
    return listing(
        request,
        "taxonomy/fieldofwork_detail.html",
        FixedFacet("field", field.slug),
        {"object": field},
    )


@public_page
def country_page(request: HttpRequest, slug: str) -> HttpResponse:
    country = get_object_or_404(Country, slug=slug)
    return listing(
        request,
        "taxonomy/country_detail.html",
        FixedFacet("country", country.slug),
        {
            "object": country,
            "hosted_field_operations": country.hosted_structures.field_operations(),
            "chairpersonship_years": [c.year for c in country.chairpersonships.order_by("year")],
        },
    )


@public_page
def structure_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A structure's page lists its releases and those of every structure below it."""
    structure = get_object_or_404(
        Structure.objects.select_related("parent", "host_country"), slug=slug
    )
    return listing(
        request,
        "taxonomy/structure_detail.html",
        FixedFacet("structure", structure.slug),
        {"object": structure, "children": structure.children.all()},
    )


@public_page
def meeting_series_page(request: HttpRequest, slug: str) -> HttpResponse:
    series = get_object_or_404(MeetingSeries, slug=slug)
    return listing(
        request,
        "taxonomy/meetingseries_detail.html",
        FixedFacet("meeting", series.slug),
        {"object": series},
    )


@public_page
def home(request: HttpRequest) -> HttpResponse:
    latest = card_rows(PressRelease.objects.public().order_by("-publish_at", "-pk"))
    return render(request, "home.html", {"latest_releases": with_card_sources(latest[:HOME_SIZE])})
