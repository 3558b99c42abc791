"""The press-release listing's filters, declared once for the HTML listing, its feeds and any API.

`ReleaseFilterSet` binds the listing's GET parameters (the public URL contract):

    type, field, country, structure, meeting, speaker, organisation, tag, language, year
        facets; each takes several values (``?field=migration&field=youth``)
    from, to    a date range (YYYY-MM-DD), inclusive, in the site's time zone
    q           search text
    sort        ``newest`` (default) or ``relevance`` (default, and only allowed, with ``q``)

Several values of one facet combine with OR, facets combine with AND. Choosing a structure
includes every structure below it (the Secretariat includes its departments and their units).

Bad input never raises: an unknown slug, a malformed or out-of-range date, ``from`` after
``to``, too many values or an over-long query make the form invalid (`filterset.errors`, for a
400 page) and only the offending parameters are ignored; every valid one still applies. The
filter set lists public releases only (`PressRelease.objects.public()`), as the facet totals
and the search's shortcut for them (`public_ranked_releases`) count them.
"""

import datetime
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Subquery
from django.http import QueryDict
from django.utils import dateformat, timezone
from taggit.models import Tag

from taxonomy.terms import Term, load_terms

from .models import Organisation, Person, PressRelease, Quote
from .search import ids_of, public_ranked_releases, ranks_public_at_once, search_releases

MAX_VALUES = 50
MAX_VALUE_LENGTH = 120  # the longest slug the models allow
MAX_QUERY_LENGTH = 500
# Dates and years outside this range are rejected: they cannot name a release, and the far
# ends of the calendar overflow when converted between time zones.
MIN_YEAR, MAX_YEAR = 1900, 2999

NEWEST, RELEVANCE = "newest", "relevance"
DATE_PARAMS = ("from", "to")


class StructureTree:
    """The OSCE structures as a tree; small enough (a few hundred rows at most) to walk in
    Python at any depth."""

    def __init__(self, nodes: Iterable[Term]) -> None:
        self.by_id = {node.pk: node for node in nodes}
        self.children: dict[int | None, list[Term]] = {}
        for node in sorted(self.by_id.values(), key=lambda n: (n.order, n.name)):
            self.children.setdefault(node.parent_id, []).append(node)

    def subtree_ids(self, pk: int) -> set[int]:
        """`pk` and the ids of everything below it."""
        found, stack = set(), [pk]
        while stack:
            current = stack.pop()
            if current not in found:  # a cycle in bad data must not loop forever
                found.add(current)
                stack.extend(child.pk for child in self.children.get(current, []))
        return found

    def walk(self) -> list[tuple[Term, int]]:
        """Every node reachable from the roots with its depth, parents before their children,
        siblings in the vocabulary's order."""
        result, seen = [], set()
        stack = [(node, 0) for node in reversed(self.children.get(None, []))]
        while stack:
            node, depth = stack.pop()
            if node.pk in seen:
                continue
            seen.add(node.pk)
            result.append((node, depth))
            stack.extend((child, depth + 1) for child in reversed(self.children.get(node.pk, [])))
        return result


class Vocabularies:
    """The taxonomy the listing filters by (fields of work, countries, structures, meeting
    series), keyed by GET parameter, from one query (`taxonomy.terms.load_terms`) that the
    page's menu is built from too; it serves slug validation, the structure tree and the
    facets' labels and order."""

    def __init__(self, terms: dict[str, list[Term]]) -> None:
        self.terms = terms
        self.by_slug = {
            param: {term.slug: term for term in terms_of_one}
            for param, terms_of_one in self.terms.items()
        }
        self.structures = StructureTree(self.terms["structure"])

    @classmethod
    def load(cls) -> "Vocabularies":
        return cls(load_terms())


class ValueListField(forms.Field):
    """The values of one repeated GET parameter: at most `MAX_VALUES`, each short and printable;
    blanks are skipped and repeats collapse. Subclasses say what a value must name."""

    widget = forms.MultipleHiddenInput  # reads every value; the facet panel renders the choices

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        if len(value) > MAX_VALUES:
            raise ValidationError(f"Choose at most {MAX_VALUES} values.", code="too_many")
        values: list[str] = []
        for item in value:
            item = str(item).strip()
            if len(item) > MAX_VALUE_LENGTH or not item.isprintable():
                raise ValidationError("That is not a value this filter knows.", code="invalid")
            if item and item not in values:
                values.append(item)
        return values


class ChoiceListField(ValueListField):
    """Values from a fixed list of choices (content types, languages)."""

    def __init__(self, *, choices: Iterable[tuple[str, str]], noun: str, **kwargs) -> None:
        self.choices = dict(choices)
        self.noun = noun
        super().__init__(**kwargs)

    def validate(self, value: list[str]) -> None:
        for item in value:
            if item not in self.choices:
                raise ValidationError(f"Unknown {self.noun}: “{item}”.", code="invalid_choice")


class YearListField(ValueListField):
    def to_python(self, value: Any) -> list[int]:
        years = []
        for item in super().to_python(value):
            if not (item.isascii() and item.isdigit() and MIN_YEAR <= int(item) <= MAX_YEAR):
                raise ValidationError(
                    f"A year is a number from {MIN_YEAR} to {MAX_YEAR}, not “{item}”.",
                    code="invalid",
                )
            if int(item) not in years:
                years.append(int(item))
        return years


class SlugListField(ValueListField):
    """Slugs of records; cleans to the records, in the order given. `lookup(slugs)` returns the
    records found, keyed by slug."""

    def __init__(self, *, lookup: Callable[[list[str]], dict[str, Any]], noun: str, **kw) -> None:
        self.lookup = lookup
        self.noun = noun
        super().__init__(**kw)

    def to_python(self, value: Any) -> list[Any]:
        slugs = super().to_python(value)
        if not slugs:
            return []
        found = self.lookup(slugs)
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            raise ValidationError(
                f"Unknown {self.noun}: {', '.join(f'“{slug}”' for slug in unknown)}.",
                code="invalid_choice",
            )
        return [found[slug] for slug in slugs]


class BoundedDateField(forms.DateField):
    input_formats = ["%Y-%m-%d"]
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_error_messages = {"invalid": "Enter a date as YYYY-MM-DD, e.g. 2020-03-02."}

    def validate(self, value: datetime.date | None) -> None:
        super().validate(value)
        if value and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValidationError(
                f"Choose a date from {MIN_YEAR} to {MAX_YEAR}.", code="out_of_range"
            )


class DateFilter(django_filters.Filter):
    field_class = BoundedDateField


class ValuesFilter(django_filters.Filter):
    """A repeated parameter; the FilterSet's `method` turns the cleaned values into a condition."""

    field_class = ValueListField


class ChoicesFilter(ValuesFilter):
    field_class = ChoiceListField


class YearsFilter(ValuesFilter):
    field_class = YearListField


class SlugsFilter(ValuesFilter):
    """Records named by slug: rows of `queryset`, or without one, terms of the filter set's
    vocabulary of the same name (found without a query of their own)."""

    def __init__(self, *args, noun: str, queryset: QuerySet | None = None, **kwargs) -> None:
        self.noun = noun
        self.queryset = queryset
        super().__init__(*args, **kwargs)

    def find(self, slugs: list[str]) -> dict[str, Any]:
        if self.queryset is None:
            terms = self.parent.vocabularies.by_slug[self.field_name]
            return {slug: terms[slug] for slug in slugs if slug in terms}
        return {record.slug: record for record in self.queryset.filter(slug__in=slugs)}

    @property
    def field(self) -> SlugListField:
        if not hasattr(self, "_field"):
            self._field = SlugListField(
                label=self.label, noun=self.noun, lookup=self.find, **self.extra
            )
        return self._field


def release_tags() -> QuerySet:
    """Taggit's links of releases to tags. The content type is matched by a subquery: neither a
    cached lookup (whose first use costs a query, so counts vary) nor a join (with which
    PostgreSQL misjudged the rows and looped over every link)."""
    content_type = ContentType.objects.filter(
        app_label=PressRelease._meta.app_label, model=PressRelease._meta.model_name
    ).values("pk")
    return PressRelease.tags.through.objects.filter(content_type=Subquery(content_type[:1]))


def site_midnight(day: datetime.date) -> datetime.datetime:
    """The start of `day` in the site's time zone, as an aware datetime (index-friendly bounds
    on `publish_at`, unlike a `__date` lookup)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def linked_to(m2m_name: str, ids: list[int]) -> Q:
    """Releases linked to any of `ids` through the many-to-many `m2m_name`.

    Filters are uncorrelated `pk IN (…)` subqueries rather than `EXISTS`: the database reads
    the few links of the chosen values through their index, instead of probing the links of
    every visible release (a third of the two-facet listing's time on SQLite)."""
    field = PressRelease._meta.get_field(m2m_name)
    links = field.remote_field.through.objects.filter(
        **{f"{field.m2m_reverse_field_name()}__in": ids}
    )
    return Q(pk__in=links.values(f"{field.m2m_field_name()}_id"))


class ReleaseFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            # The pair makes no sense together: report it and apply neither.
            self.add_error("to", "The end date is before the start date.")
            del cleaned["from"]
        if cleaned.get("sort") == RELEVANCE and not cleaned.get("q"):
            if "q" in self.errors:
                del cleaned["sort"]
            else:
                self.add_error("sort", "Sorting by relevance needs a search query.")
        return cleaned


class ReleaseFilterSet(django_filters.FilterSet):
    """See the module docstring for the parameters and their rules.

    `qs` is ordered newest first (publication time, then id: stable for pagination), or by
    relevance when searching. `without(params)` gives the matching releases with every filter
    but `params` applied.
    """

    type = ChoicesFilter(
        label="Content type",
        choices=PressRelease.ContentType.choices,
        noun="content type",
        method="filter_type",
    )
    field = SlugsFilter(
        label="Field of work",
        noun="field of work",
        method="filter_field",
    )
    country = SlugsFilter(
        label="Country",
        noun="country",
        method="filter_country",
    )
    structure = SlugsFilter(
        label="Structure",
        noun="structure",
        method="filter_structure",
    )
    meeting = SlugsFilter(
        label="Meeting or conference",
        noun="meeting series",
        method="filter_meeting",
    )
    speaker = SlugsFilter(
        label="Speaker",
        queryset=Person.objects.all(),
        noun="speaker",
        method="filter_speaker",
    )
    organisation = SlugsFilter(
        label="Organisation",
        queryset=Organisation.objects.all(),
        noun="organisation",
        method="filter_organisation",
    )
    tag = SlugsFilter(
        label="Tag",
        queryset=Tag.objects.all(),
        noun="tag",
        method="filter_tag",
    )
    language = ChoicesFilter(
        label="Language",
        choices=PressRelease.Language.choices,
        noun="language",
        method="filter_language",
    )
    year = YearsFilter(label="Year", method="filter_year")
    from_ = DateFilter(label="From", method="filter_from")  # renamed `from` by get_filters()
    to = DateFilter(label="To", method="filter_to")
    q = django_filters.CharFilter(
        label="Search",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.SearchInput,
        error_messages={
            "max_length": f"Shorten the search to at most {MAX_QUERY_LENGTH} characters."
        },
        method="filter_nothing",  # applied last, by `filter_queryset`
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(NEWEST, "Newest first"), (RELEVANCE, "Most relevant first")],
        empty_label=None,
        error_messages={"invalid_choice": "Sort by newest or by relevance."},
        method="filter_nothing",  # an ordering, applied by `filter_queryset`
    )

    class Meta:
        model = PressRelease
        fields: list[str] = []
        form = ReleaseFilterForm

    def __init__(self, data: QueryDict | None = None, **kwargs: Any) -> None:
        super().__init__(data, PressRelease.objects.public(), **kwargs)

    @classmethod
    def get_filters(cls) -> dict[str, django_filters.Filter]:
        # `from` is a Python keyword, so it is declared as `from_` and renamed here.
        return {
            ("from" if name == "from_" else name): filter_
            for name, filter_ in super().get_filters().items()
        }

    @cached_property
    def vocabularies(self) -> Vocabularies:
        return Vocabularies.load()

    @property
    def cleaned_data(self) -> dict[str, Any]:
        """The valid parameters (all of them when the form is valid; none when unbound)."""
        if not self.is_bound:
            return {}
        self.form.is_valid()  # validates once; invalid parameters are left out of cleaned_data
        return self.form.cleaned_data

    def selected(self, param: str) -> list[Any]:
        """The valid values chosen for a facet: records for slugs, strings or years otherwise."""
        return self.cleaned_data.get(param) or []

    @property
    def search_query(self) -> str:
        return self.cleaned_data.get("q") or ""

    @property
    def sort_order(self) -> str:
        return self.cleaned_data.get("sort") or (RELEVANCE if self.search_query else NEWEST)

    @property
    def qs(self) -> QuerySet:
        if not hasattr(self, "_qs"):
            self._qs = self.filter_queryset(self.queryset.all())
        return self._qs

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = self.apply_filters(queryset)
        if self.sort_order == NEWEST:
            queryset = queryset.order_by("-publish_at", "-pk")
        return queryset

    @property
    def ranked_at_once(self) -> bool:
        """Whether the search, with no other filter, reads every public match ranked in one
        query (`ranked_ids`), which the facets count over and the pages are cut from: where
        the search table alone can tell the public releases (PostgreSQL), ranking every match
        is most of what reading them costs. Elsewhere the facets read the matches unranked
        and each page ranks for itself."""
        return (
            self.sort_order == RELEVANCE
            and self.narrowed_by() == {"q"}
            and ranks_public_at_once(self.queryset.db)
        )

    @cached_property
    def ranked_ids(self) -> list[int]:
        """The ids of `qs`, in its order, when `ranked_at_once`."""
        return public_ranked_releases(self.search_query, using=self.queryset.db)

    def page_ids(self, start: int, stop: int) -> list[int]:
        """The ids of `qs[start:stop]`."""
        if self.ranked_at_once:
            return self.ranked_ids[start:stop]
        return ids_of(self.qs[start:stop])

    def narrowed_by(self) -> set[str]:
        """The parameters with a valid value that narrows the releases listed."""
        return {name for name, value in self.cleaned_data.items() if value and name != "sort"}

    def without(self, skipped: Collection[str]) -> QuerySet:
        """Releases matching every valid filter except those named in `skipped` (and the
        search, unranked, unless `q` is among them), unordered."""
        return self.apply_filters(self.queryset.all(), skip=skipped).order_by()

    def apply_filters(self, queryset: QuerySet, skip: Collection[str] = ()) -> QuerySet:
        for name, value in self.cleaned_data.items():
            if name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        # Searching last hands the search the narrowed set, and its relevance order survives.
        if self.search_query and "q" not in skip:
            queryset = search_releases(queryset, self.search_query)
        return queryset

    def filter_nothing(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset

    def filter_type(self, queryset: QuerySet, name: str, values: list[str]) -> QuerySet:
        return queryset.filter(content_type__in=values)

    def filter_language(self, queryset: QuerySet, name: str, values: list[str]) -> QuerySet:
        return queryset.filter(language__in=values)

    def filter_field(self, queryset: QuerySet, name: str, values: list) -> QuerySet:
        return queryset.filter(linked_to("fields_of_work", [v.pk for v in values]))

    def filter_country(self, queryset: QuerySet, name: str, values: list) -> QuerySet:
        return queryset.filter(linked_to("countries", [v.pk for v in values]))

    def filter_meeting(self, queryset: QuerySet, name: str, values: list) -> QuerySet:
        return queryset.filter(linked_to("meeting_series", [v.pk for v in values]))

    def filter_structure(self, queryset: QuerySet, name: str, values: list) -> QuerySet:
        tree = self.vocabularies.structures
        ids = set().union(*(tree.subtree_ids(node.pk) for node in values))
        return queryset.filter(linked_to("sources", sorted(ids)))

    def filter_speaker(self, queryset: QuerySet, name: str, values: list) -> QuerySet:
        quotes = Quote.objects.filter(speaker__in=[v.pk for v in values])
        return queryset.filter(pk__in=quotes.values("release_id"))

    def filter_organisation(self, queryset: QuerySet, name: str, values: list) -> QuerySet:
        ids = [v.pk for v in values]
        quotes = Quote.objects.filter(
            Q(organisation__in=ids) | Q(appointment__organisation__in=ids)
        )
        return queryset.filter(pk__in=quotes.values("release_id"))

    def filter_tag(self, queryset: QuerySet, name: str, values: list) -> QuerySet:
        tagged = release_tags().filter(tag__in=[v.pk for v in values])
        return queryset.filter(pk__in=tagged.values("object_id"))

    def filter_year(self, queryset: QuerySet, name: str, years: list[int]) -> QuerySet:
        condition = Q()
        for year in years:
            condition |= Q(
                publish_at__gte=site_midnight(datetime.date(year, 1, 1)),
                publish_at__lt=site_midnight(datetime.date(year + 1, 1, 1)),
            )
        return queryset.filter(condition)

    def filter_from(self, queryset: QuerySet, name: str, day: datetime.date) -> QuerySet:
        return queryset.filter(publish_at__gte=site_midnight(day))

    def filter_to(self, queryset: QuerySet, name: str, day: datetime.date) -> QuerySet:
        return queryset.filter(publish_at__lt=site_midnight(day + datetime.timedelta(days=1)))


@dataclass(frozen=True)
class Chip:
    """An active filter: its label and the query string (no leading "?") without it."""

    label: str
    query_string: str


def value_label(filterset: ReleaseFilterSet, param: str, value: Any) -> tuple[str, str]:
    """A cleaned value as (its raw URL value, what readers see)."""
    if param in ("type", "language"):
        return value, filterset.form.fields[param].choices[value]
    if param == "year":
        return str(value), str(value)
    if param in ("from", "to"):
        return value.isoformat(), dateformat.format(value, "j F Y")
    if param == "q":
        return value, f"“{value}”"
    if param == "speaker":
        return value.slug, value.full_name
    return value.slug, str(value.name)


def names(param: str, item: str, raw: str) -> bool:
    """Whether the URL value `item` names the same choice as `raw` (" 2020" and "02020" do)."""
    item = item.strip()
    if param == "year":
        return item.isascii() and item.isdigit() and int(item) == int(raw)
    return item == raw


def active_filters(filterset: ReleaseFilterSet) -> list[Chip]:
    """A removable chip for each valid value in use, in the form's order. Removing one keeps
    every other parameter and drops `page` (the result set changes); removing the search also
    drops a relevance sort, which needs it."""
    chips = []
    for param, cleaned in filterset.cleaned_data.items():
        if param == "sort" or cleaned in (None, "", []):
            continue
        values = cleaned if isinstance(cleaned, list) else [cleaned]
        for value in values:
            raw, label = value_label(filterset, param, value)
            data = filterset.data.copy()
            data.pop("page", None)
            if param == "q" and data.get("sort") == RELEVANCE:
                del data["sort"]
            remaining = [item for item in data.getlist(param) if not names(param, item, raw)]
            if param in ("from", "to", "q") or not remaining:
                data.pop(param, None)
            else:
                data.setlist(param, remaining)
            chips.append(Chip(f"{filterset.filters[param].label}: {label}", data.urlencode()))
    return chips


def clear_all_query(filterset: ReleaseFilterSet) -> str:
    """The query string with every filter, the search, the sort and the page removed; any
    parameter the listing does not own is kept."""
    data = filterset.data.copy()
    for param in [*filterset.filters, "page"]:
        data.pop(param, None)
    return data.urlencode()
