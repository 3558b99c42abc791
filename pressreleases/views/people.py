"""Speakers, organisations and the quotes page: who said what, from public releases only.

A speaker's or an organisation's page exists only while at least one public quote is theirs;
otherwise it is 404, like an index that leaves them out. People and organisations are often
created with a draft, and a page of their own must not reveal them before the release does.
For the same reason an organisation page lists only the appointment holders who have a page,
and appointments that start in the future are not shown.
"""

from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from ..caching import public_page
from ..facet_index import public_value_counts, with_releases
from ..idlists import one_of
from ..models import Appointment, Facet, Organisation, Person, Quote
from ..quote_filters import QuoteFilterSet, has_quotes_for, quoted_by, quoted_for
from .listing import CountedPaginator, ReadByIds, page_or_404

QUOTES_PER_PAGE = 20
INDEX_PER_PAGE = 50


def for_display(quotes: QuerySet) -> QuerySet:
    """What a quote with its release shows, in the query that fetches the quotes."""
    return quotes.select_related(
        "release", "speaker", "appointment__organisation", "organisation", "structure"
    ).defer("release__body", "release__lead")


def quote_cards(quotes: QuerySet) -> ReadByIds:
    """Pages of `quotes` (ordered) as cards show them, read ids first: sorting a speaker's
    1,700 quotes with their releases, speakers and organisations joined took a third of the
    page's time on SQLite."""
    return ReadByIds(quotes, for_display(Quote.objects.all()))


def newest_first(quotes: QuerySet) -> QuerySet:
    return quotes.order_by("-release__publish_at", "-release_id", "order", "pk")


def speakers() -> QuerySet:
    """People with a page: at least one public quote."""
    return Person.objects.filter(Exists(quoted_by(Quote.objects.public(), OuterRef("pk"))))


def organisations() -> QuerySet:
    """Organisations with a page: at least one public quote attributed to them."""
    return Organisation.objects.filter(has_quotes_for(Quote.objects.public(), OuterRef("pk")))


def started_appointments() -> QuerySet:
    """Appointments that have begun, or whose start is unknown."""
    today = timezone.localdate()
    return Appointment.objects.filter(Q(start_date__isnull=True) | Q(start_date__lte=today))


def paginated(
    request: HttpRequest, items: QuerySet | ReadByIds, per_page: int, count: int | None = None
) -> dict:
    """`page_obj` (the page `?page=` asks for; 404 for anything but a page number that
    exists) and `page_range`, for templates/pressreleases/includes/pagination.html. `count`,
    when known, is the number of items, which then are not counted."""
    paginator = (
        Paginator(items, per_page) if count is None else CountedPaginator(items, per_page, count)
    )
    page: Page = page_or_404(paginator, request.GET.get("page"))
    return {"page_obj": page, "page_range": page.paginator.get_elided_page_range(page.number)}


def follow_links(param: str, slug: str, name: str) -> dict[str, str]:
    """The release listing, its feeds and the quotes page, filtered by `param=slug`."""
    query = urlencode({param: slug})
    return {
        "feed_query": query,
        "feed_title": f"Press releases quoting {name}",
        "feed_url": f"{reverse('pressreleases:feed-atom')}?{query}",
        "releases_url": f"{reverse('pressreleases:list')}?{query}",
        "quotes_url": f"{reverse('people:quotes')}?{query}",
    }


class IndexView(ListView):
    """An A–Z index of the records with a page, each with the number of public releases
    quoting it: the count the release listing's facet of the same name shows. `page=` other
    than a page number that exists is 404.

    Who is listed and their counts come from the facet totals (`facet_index`) in one small
    read: counting each record's public quotes read every quote of the most quoted, tens of
    thousands for a large organisation (0.7 s a page at 100,000 releases)."""

    paginate_by = INDEX_PER_PAGE
    facet: Facet  # one whose values are the model's primary keys
    ordering = ()

    def get_queryset(self) -> QuerySet:
        self.release_counts = public_value_counts(facets=[self.facet])[self.facet]
        quoted = with_releases(self.release_counts)
        return self.model.objects.filter(one_of("pk", quoted, self.model.objects.db)).order_by(
            *self.ordering
        )

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        for record in context["object_list"]:
            record.release_count = self.release_counts[record.pk]
        page = context["page_obj"]
        return {**context, "page_range": page.paginator.get_elided_page_range(page.number)}


@method_decorator(public_page, name="dispatch")
class PersonListView(IndexView):
    """Speakers A–Z with the number of public releases quoting them."""

    model = Person
    facet = Facet.SPEAKER
    ordering = ("full_name", "pk")


@method_decorator(public_page, name="dispatch")
class PersonDetailView(DetailView):
    """A speaker, their appointments over time and their public quotes, newest first."""

    def get_queryset(self) -> QuerySet:
        return speakers()

    def get_context_data(self, **kwargs) -> dict:
        person = self.object
        appointments = (
            started_appointments()
            .filter(person=person)
            .select_related("organisation")
            .annotate(
                organisation_has_page=ExpressionWrapper(
                    has_quotes_for(Quote.objects.public(), OuterRef("organisation")),
                    output_field=BooleanField(),
                )
            )
        )
        quotes = newest_first(quoted_by(Quote.objects.public(), person))
        return super().get_context_data(
            appointments=appointments,
            **paginated(self.request, quote_cards(quotes), QUOTES_PER_PAGE),
            **follow_links("speaker", person.slug, person.full_name),
            **kwargs,
        )


@method_decorator(public_page, name="dispatch")
class OrganisationListView(IndexView):
    """Organisations A–Z with the number of public releases quoting them or their people."""

    model = Organisation
    facet = Facet.ORGANISATION
    ordering = ("name", "pk")


@method_decorator(public_page, name="dispatch")
class OrganisationDetailView(DetailView):
    """An organisation, the speakers who held appointments with it and its public quotes."""

    def get_queryset(self) -> QuerySet:
        return organisations().select_related("country", "structure")

    def get_context_data(self, **kwargs) -> dict:
        organisation = self.object
        appointments = (
            started_appointments()
            .filter(organisation=organisation, person__in=speakers())
            .select_related("person")
            .order_by("person__full_name", "person_id", F("start_date").desc(nulls_last=True))
        )
        quotes = newest_first(quoted_for(Quote.objects.public(), organisation))
        return super().get_context_data(
            appointments=appointments,
            **paginated(self.request, quote_cards(quotes), QUOTES_PER_PAGE),
            **follow_links("organisation", organisation.slug, organisation.name),
            **kwargs,
        )


@public_page
def quote_list(request: HttpRequest) -> HttpResponse:
    """Public quotes, searchable and filtered by `QuoteFilterSet`; invalid filters get a 400
    page that shows what to correct."""
    filterset = QuoteFilterSet(request.GET, queryset=Quote.objects.public())
    context = {"filterset": filterset, "form": filterset.form}
    if not filterset.is_valid():
        return render(request, "pressreleases/quote_list.html", context, status=400)
    return render(
        request,
        "pressreleases/quote_list.html",
        {
            **context,
            **paginated(request, for_display(filterset.qs), QUOTES_PER_PAGE, filterset.known_count),
            "search_query": filterset.search_query,
        },
    )
