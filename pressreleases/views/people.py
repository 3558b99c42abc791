"""Speakers, organisations and the quotes page: who said what, from public releases only.

A speaker's or an organisation's page exists only while at least one public quote is theirs;
otherwise it is 404, like an index that leaves them out. People and organisations are often
created with a draft, and a page of their own must not reveal them before the release does.
For the same reason an organisation page lists only the appointment holders who have a page,
and appointments that start in the future are not shown.
"""

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import CombinedExpression
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from ..caching import public_page
from ..models import Appointment, Organisation, Person, Quote
from ..quote_filters import QuoteFilterSet, has_quotes_for, quoted_by, quoted_for
from .listing import page_or_404

QUOTES_PER_PAGE = 20
INDEX_PER_PAGE = 50


def for_display(quotes: QuerySet) -> QuerySet:
    """What a quote with its release shows, in the query that fetches the quotes."""
    return quotes.select_related(
        "release", "speaker", "appointment__organisation", "organisation", "structure"
    ).defer("release__body", "release__lead")


def newest_first(quotes: QuerySet) -> QuerySet:
    return quotes.order_by("-release__publish_at", "-release_id", "order", "pk")


def count_of(quotes: QuerySet) -> Subquery:
    """The number of `quotes` (correlated through an `OuterRef`), as an annotation."""
    return Subquery(
        quotes.order_by().annotate(n=Func("pk", function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def organisation_quote_count(organisation: Any) -> CombinedExpression:
    """The number of public quotes attributed to `organisation` (as `quoted_for` has it): those
    naming it, plus those spoken in a role with it that do not also name it. Two counts that
    each read one index; one count over the OR of the two reads every quote."""
    public = Quote.objects.public()
    through_role = public.filter(appointment__organisation=organisation).exclude(
        organisation=organisation
    )
    return count_of(public.filter(organisation=organisation)) + count_of(through_role)


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


def paginated(request: HttpRequest, items: QuerySet, per_page: int) -> dict:
    """`page_obj` (the page `?page=` asks for; 404 for anything but a page number that
    exists) and `page_range`, for templates/pressreleases/includes/pagination.html."""
    page: Page = page_or_404(Paginator(items, per_page), request.GET.get("page"))
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
    """An A–Z index; `page=` other than a page number that exists is 404."""

    paginate_by = INDEX_PER_PAGE

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        return {**context, "page_range": page.paginator.get_elided_page_range(page.number)}


@method_decorator(public_page, name="dispatch")
class PersonListView(IndexView):
    """Speakers A–Z with their number of public quotes."""

    def get_queryset(self) -> QuerySet:
        return (
            speakers()
            .annotate(quote_count=count_of(quoted_by(Quote.objects.public(), OuterRef("pk"))))
            .order_by("full_name", "pk")
        )


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
        quotes = for_display(newest_first(quoted_by(Quote.objects.public(), person)))
        return super().get_context_data(
            appointments=appointments,
            **paginated(self.request, quotes, QUOTES_PER_PAGE),
            **follow_links("speaker", person.slug, person.full_name),
            **kwargs,
        )


@method_decorator(public_page, name="dispatch")
class OrganisationListView(IndexView):
    """Organisations A–Z with their number of public quotes."""

    def get_queryset(self) -> QuerySet:
        return (
            organisations()
            .annotate(quote_count=organisation_quote_count(OuterRef("pk")))
            .order_by("name", "pk")
        )


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
        quotes = for_display(newest_first(quoted_for(Quote.objects.public(), organisation)))
        return super().get_context_data(
            appointments=appointments,
            **paginated(self.request, quotes, QUOTES_PER_PAGE),
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
            **paginated(request, for_display(filterset.qs), QUOTES_PER_PAGE),
            "search_query": filterset.search_query,
        },
    )
