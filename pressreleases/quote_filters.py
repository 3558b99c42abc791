"""The quotes page's filters, declared once in `QuoteFilterSet`.

Its GET parameters (the public URL contract of `/quotes/`):

    q               search text, in the quote or the speaker's name
    speaker         a person's slug
    organisation    an organisation's slug: quotes attributed to it, or spoken in an
                    appointment with it (as the release listing's ``organisation`` filter)
    field           a field of work's slug (of the quote's release)
    year            a year (of the release's publication, in the site's time zone)

Each filter takes one value (a repeated parameter keeps the last) and the filters combine with
AND. The values offered, and so accepted, are the speakers and organisations quoted in public
releases, the years with at least one public quote, and every field of work.
Anything else (an unknown slug, a year without quotes, an over-long value) makes the form
invalid, for a 400 page; it never raises. The filter set never decides visibility: callers
pass the quotes of public releases (`Quote.objects.public()`), which its options (read off
the facet totals) stand for.
"""

import datetime
from dataclasses import dataclass
from html import escape
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from taxonomy.models import FieldOfWork

from .facet_index import public_value_counts, quote_total, with_releases, years_newest_first
from .filters import MAX_QUERY_LENGTH, MAX_VALUE_LENGTH, site_midnight
from .idlists import one_of
from .models import Facet, Organisation, Person, PressRelease, Quote
from .search import search_quotes


@dataclass(frozen=True)
class Option:
    value: str  # as it goes in the URL
    label: str
    pk: int


class PlainSelect(forms.Select):
    """A <select> whose options are written in Python. Django renders each option through
    templates, about 0.1 ms apiece: 70 ms for the quotes page's several hundred speakers and
    organisations, more than the page's queries. Each option is escaped as plain text (its
    value and label are never markup); passing each through `format_html` still took 16 ms."""

    def render(
        self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(option))}"'
            f"{' selected' if str(option) in chosen else ''}>{escape(str(label))}</option>"
            for option, label in self.choices
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe(options),
        )


class OptionField(forms.ChoiceField):
    """One of the choices the filter set offers; over-long or unprintable values are refused
    before they are compared, and never repeated back in the error message."""

    widget = PlainSelect

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        if len(value) > MAX_VALUE_LENGTH or not value.isprintable():
            raise ValidationError("That is not a value this filter knows.", code="invalid")
        return value


class OptionFilter(django_filters.Filter):
    """One value out of the options `QuoteFilterSet.__init__` sets per request; `any_label`
    names the blank choice."""

    field_class = OptionField

    def __init__(self, *args, noun: str, any_label: str, **kwargs) -> None:
        self.any_label = any_label
        kwargs.setdefault("error_messages", {"invalid_choice": f"Unknown {noun}: “%(value)s”."})
        super().__init__(*args, **kwargs)


def quoted_by(quotes: QuerySet, person: Any) -> QuerySet:
    """`quotes` spoken by `person` (a pk, an instance or an `OuterRef`)."""
    return quotes.filter(speaker=person)


def quoted_for(quotes: QuerySet, organisation: Any) -> QuerySet:
    """`quotes` attributed to `organisation` (a pk, an instance or an `OuterRef`): directly, or
    spoken in an appointment with it. The same rule as the listing's ``organisation`` filter."""
    return quotes.filter(Q(organisation=organisation) | Q(appointment__organisation=organisation))


def has_quotes_for(quotes: QuerySet, organisation: Any) -> Q:
    """Whether any of `quotes` is attributed to `organisation` (as `quoted_for` has it), as two
    EXISTS that each read one index: one EXISTS over the OR of a column and a joined column
    reads every quote."""
    return Q(Exists(quotes.filter(organisation=organisation))) | Q(
        Exists(quotes.filter(appointment__organisation=organisation))
    )


class QuoteFilterSet(django_filters.FilterSet):
    """See the module docstring. `qs` is ordered newest release first, then in the release's
    own order (stable for pagination), or by relevance when searching."""

    q = django_filters.CharFilter(
        label="Search the quotes",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.SearchInput,
        error_messages={
            "max_length": f"Shorten the search to at most {MAX_QUERY_LENGTH} characters."
        },
        method="filter_nothing",  # applied last, by `filter_queryset`
    )
    speaker = OptionFilter(
        label="Speaker", noun="speaker", any_label="Any speaker", method="filter_speaker"
    )
    organisation = OptionFilter(
        label="Organisation",
        noun="organisation",
        any_label="Any organisation",
        method="filter_organisation",
    )
    field = OptionFilter(
        label="Field of work",
        noun="field of work",
        any_label="Any field of work",
        method="filter_field",
    )
    year = OptionFilter(label="Year", noun="year", any_label="Any year", method="filter_year")

    class Meta:
        model = Quote
        fields: list[str] = []

    def __init__(self, data: QueryDict | None = None, queryset: QuerySet | None = None, **kw):
        if queryset is None:
            raise TypeError("Pass the quotes to filter, e.g. the quotes of public releases.")
        super().__init__(data, queryset, **kw)
        self.options = {
            name: {option.value: option for option in options}
            for name, options in self.load_options().items()
        }
        for name, options in self.options.items():
            filter_ = self.filters[name]
            filter_.extra["choices"] = [("", filter_.any_label)] + [
                (option.value, option.label) for option in options.values()
            ]

    def load_options(self) -> dict[str, list[Option]]:
        """What each filter offers, in order. Speakers, organisations and years are those of
        public quotes, read off the facet totals (`facet_index`): reading the distinct
        attributions of the public quotes read every quote, and probing each of 27 years for a
        quote took 10 ms on PostgreSQL."""
        using = self.queryset.db
        quoted = public_value_counts(
            using, [Facet.SPEAKER, Facet.ORGANISATION, Facet.QUOTES, Facet.QUOTE_YEAR]
        )
        self.public_quotes = quote_total(quoted[Facet.QUOTES])
        people = Person.objects.using(using).filter(
            one_of("pk", with_releases(quoted[Facet.SPEAKER]), using)
        )
        organisations = Organisation.objects.using(using).filter(
            one_of("pk", with_releases(quoted[Facet.ORGANISATION]), using)
        )
        return {
            "speaker": [
                Option(slug, name, pk)
                for pk, slug, name in people.order_by("full_name", "pk").values_list(
                    "pk", "slug", "full_name"
                )
            ],
            "organisation": [
                Option(slug, f"{name} ({acronym})" if acronym else name, pk)
                for pk, slug, name, acronym in organisations.order_by("name", "pk").values_list(
                    "pk", "slug", "name", "acronym"
                )
            ],
            "field": [
                Option(slug, name, pk)
                for pk, slug, name in FieldOfWork.objects.values_list("pk", "slug", "name")
            ],
            "year": [
                Option(str(year), str(year), year)
                for year in years_newest_first(quoted[Facet.QUOTE_YEAR])
            ],
        }

    @property
    def known_count(self) -> int | None:
        """How many quotes `qs` holds when it is every public quote (nothing chosen, nothing
        searched): read off the facet totals, where a COUNT read every public quote. None
        when it has to be counted."""
        if self.is_bound and (not self.is_valid() or any(self.form.cleaned_data.values())):
            return None
        return self.public_quotes

    def option(self, name: str, value: str) -> Option:
        """The option a valid value names."""
        return self.options[name][value]

    @property
    def search_query(self) -> str:
        if not self.is_bound:
            return ""
        self.form.is_valid()
        return self.form.cleaned_data.get("q") or ""

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if self.search_query:
            return search_quotes(queryset, self.search_query)
        return queryset.order_by("-release__publish_at", "-release_id", "order", "pk")

    def filter_nothing(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset

    def filter_speaker(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return quoted_by(queryset, self.option(name, value).pk)

    def filter_organisation(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return quoted_for(queryset, self.option(name, value).pk)

    def filter_field(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        links = PressRelease.fields_of_work.through.objects.filter(
            pressrelease=OuterRef("release"), fieldofwork=self.option(name, value).pk
        )
        return queryset.filter(Exists(links))

    def filter_year(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        year = self.option(name, value).pk
        return queryset.filter(
            release__publish_at__gte=site_midnight(datetime.date(year, 1, 1)),
            release__publish_at__lt=site_midnight(datetime.date(year + 1, 1, 1)),
        )
