"""Facet counts for the release listing.

Counts are disjunctive: each facet is counted over the releases matching every *other* filter
(and the search), so after choosing "Migration" the other fields of work still show how many
releases choosing them too would add. A structure counts the releases of everything below it,
as choosing it does.

Counts come from the sets of public releases kept for every value (`facet_index`): with
nothing chosen and no search or dates, from their totals (one small query); otherwise every
set is read (one query) and each facet is counted by intersecting its values' sets with its
own set, that of the values chosen in every other facet and of the search and dates. Those
are read as ids (the search's matches, ranked when `ReleaseFilterSet.ranked_at_once`,
unranked otherwise). One query loads the taxonomy's labels (shared with the
filters) and one the labels of the speakers, organisations and tags listed (when any are).
Values without releases are left out, except chosen ones, which stay (with 0) so the form can
untick them. Vocabularies list in their own order, years newest first; speakers,
organisations and tags list the `TOP` most frequent plus the chosen ones, most frequent first.

The filter set's queryset must be `PressRelease.objects.public()`: the totals count public
releases whatever it holds.
"""

import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from pyroaring import BitMap
from taggit.models import Tag

from .facet_index import CHOICE_CODES, ValueSets, public_value_counts, public_value_sets
from .filters import DATE_PARAMS, ReleaseFilterSet
from .idlists import ids_param, one_of_sql
from .models import Facet as Key
from .models import Organisation, Person, PressRelease
from .search import ids_of, matching_releases

TOP = 20
FACETS = {  # GET parameter → facet key
    "type": Key.TYPE,
    "field": Key.FIELD,
    "country": Key.COUNTRY,
    "structure": Key.STRUCTURE,
    "meeting": Key.MEETING,
    "speaker": Key.SPEAKER,
    "organisation": Key.ORGANISATION,
    "tag": Key.TAG,
    "language": Key.LANGUAGE,
    "year": Key.YEAR,
}
# The records listed by the top facets: model, label field.
RECORDS = {
    "speaker": (Person, "full_name"),
    "organisation": (Organisation, "name"),
    "tag": (Tag, "name"),
}


@dataclass(frozen=True)
class FacetOption:
    value: str  # as it goes in the URL
    label: str
    count: int
    selected: bool
    depth: int = 0  # structures: how far below a top-level structure


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    param: str
    options: list[FacetOption] = field(default_factory=list)
    has_more: bool = False  # more values have releases than are listed (top-N facets)


def facet_counts(filterset: ReleaseFilterSet) -> list[Facet]:
    """Every facet of the listing, in the order the listing shows them."""
    counts = counts_by_param(filterset)
    records = top_records(filterset, counts)
    return [
        choice_facet(filterset, counts, "content_type", "type", PressRelease.ContentType.choices),
        term_facet(filterset, counts, "field_of_work", "field"),
        term_facet(filterset, counts, "country", "country"),
        structure_facet(filterset, counts),
        term_facet(filterset, counts, "meeting_series", "meeting"),
        top_facet(filterset, counts, records, "speaker", "speaker"),
        top_facet(filterset, counts, records, "organisation", "organisation"),
        top_facet(filterset, counts, records, "tag", "tag"),
        choice_facet(filterset, counts, "language", "language", PressRelease.Language.choices),
        year_facet(filterset, counts),
    ]


def counts_by_param(filterset: ReleaseFilterSet) -> dict[str, Counter[int]]:
    """Each facet's counts (value key → releases) over its own set of releases."""
    chosen = [param for param in FACETS if filterset.selected(param)]
    narrowed = bool(filterset.search_query) or narrowed_by_dates(filterset)
    using = filterset.queryset.db
    if not chosen and not narrowed:
        totals = public_value_counts(using, FACETS.values())
        return {param: totals[facet] for param, facet in FACETS.items()}
    sets = public_value_sets(using, FACETS.values())
    unfaceted = unfaceted_releases(filterset, sets) if narrowed else None
    filters = {param: releases_of(filterset, sets, param) for param in chosen}
    counts: dict[str, Counter[int]] = {}
    for param, facet in FACETS.items():
        own = [releases for other, releases in filters.items() if other != param]
        if unfaceted is not None:
            own.append(unfaceted)
        if own:
            over = own[0].intersection(*own[1:])
            counts[param] = Counter(
                {value: over.intersection_cardinality(of) for value, of in sets[facet].items()}
            )
        else:  # the facet's own set is every public release
            counts[param] = Counter({value: len(of) for value, of in sets[facet].items()})
    return counts


def narrowed_by_dates(filterset: ReleaseFilterSet) -> bool:
    return any(filterset.cleaned_data.get(param) for param in DATE_PARAMS)


def releases_of(filterset: ReleaseFilterSet, sets: ValueSets, param: str) -> BitMap:
    """The public releases that the values chosen for a facet let through."""
    facet = FACETS[param]
    chosen = filterset.selected(param)
    if facet in CHOICE_CODES:
        values = [CHOICE_CODES[facet][choice] for choice in chosen]
    elif facet == Key.YEAR:
        values = chosen
    else:
        values = [record.pk for record in chosen]
    return BitMap().union(*(sets[facet].get(value, BitMap()) for value in values))


def unfaceted_releases(filterset: ReleaseFilterSet, sets: ValueSets) -> BitMap:
    """The public releases matching the filters that are not facets: the search and the dates.
    A search ranked at once gives the ids its pages are cut from. Otherwise its page ranks for
    itself, and the matches are read here from the search table alone, unranked, then
    narrowed to the public releases (each has exactly one year, so the years' sets hold them
    all)."""
    if filterset.ranked_at_once:
        return BitMap(filterset.ranked_ids)
    if not narrowed_by_dates(filterset):
        public = BitMap().union(*sets[Key.YEAR].values())
        return public & BitMap(
            matching_releases(filterset.search_query, using=filterset.queryset.db)
        )
    return BitMap(ids_of(filterset.without(FACETS)))


def new_facet(filterset: ReleaseFilterSet, name: str, param: str, **kwargs: Any) -> Facet:
    return Facet(name=name, label=str(filterset.filters[param].label), param=param, **kwargs)


def choice_facet(
    filterset: ReleaseFilterSet,
    counts: dict[str, Counter[int]],
    name: str,
    param: str,
    choices: list[tuple[str, str]],
) -> Facet:
    codes = CHOICE_CODES[FACETS[param]]
    chosen = set(filterset.selected(param))
    options = []
    for value, label in choices:
        count = counts[param][codes[value]]
        if count or value in chosen:
            options.append(FacetOption(value, str(label), count, value in chosen))
    return new_facet(filterset, name, param, options=options)


def year_facet(filterset: ReleaseFilterSet, counts: dict[str, Counter[int]]) -> Facet:
    years = counts["year"]
    chosen = set(filterset.selected("year"))
    options = [
        FacetOption(str(year), str(year), years[year], year in chosen)
        for year in sorted({year for year, n in years.items() if n} | chosen, reverse=True)
    ]
    return new_facet(filterset, "year", "year", options=options)


def term_facet(
    filterset: ReleaseFilterSet, counts: dict[str, Counter[int]], name: str, param: str
) -> Facet:
    chosen = {term.pk for term in filterset.selected(param)}
    options = [
        FacetOption(term.slug, term.name, counts[param][term.pk], term.pk in chosen)
        for term in filterset.vocabularies.terms[param]
        if counts[param][term.pk] or term.pk in chosen
    ]
    return new_facet(filterset, name, param, options=options)


def structure_facet(filterset: ReleaseFilterSet, counts: dict[str, Counter[int]]) -> Facet:
    # A structure's keys already stand for its whole subtree, each release once.
    chosen = {node.pk for node in filterset.selected("structure")}
    options = [
        FacetOption(node.slug, node.name, counts["structure"][node.pk], node.pk in chosen, depth)
        for node, depth in filterset.vocabularies.structures.walk()
        if counts["structure"][node.pk] or node.pk in chosen
    ]
    return new_facet(filterset, "structure", "structure", options=options)


def top_candidates(filterset: ReleaseFilterSet, counts: Counter[int], param: str) -> set[int]:
    """The records of a top facet that may be listed: the chosen ones, and the `TOP` + 1 most
    frequent with every record tied with the last of them (labels break the ties)."""
    chosen = {record.pk for record in filterset.selected(param)}
    frequent = sorted((n for pk, n in counts.items() if n > 0 and pk not in chosen), reverse=True)
    if len(frequent) <= TOP + 1:
        return chosen | {pk for pk, n in counts.items() if n > 0}
    lowest = frequent[TOP]
    return chosen | {pk for pk, n in counts.items() if n >= lowest}


def top_records(
    filterset: ReleaseFilterSet, counts: dict[str, Counter[int]]
) -> dict[str, dict[int, tuple[str, str]]]:
    """(slug, label) of the records the top facets may list, by parameter, in one query."""
    using = filterset.queryset.db
    candidates = {param: top_candidates(filterset, counts[param], param) for param in RECORDS}
    records: dict[str, dict[int, tuple[str, str]]] = {param: {} for param in RECORDS}
    if not any(candidates.values()):
        return records
    params = []
    for param, ids in candidates.items():
        params += [param, ids_param(sorted(ids), using)]
    with connections[using].cursor() as cursor:
        cursor.execute(top_records_sql(using), params)
        for param, pk, slug, label in cursor.fetchall():
            records[param][pk] = (slug, label)
    return records


@functools.cache
def top_records_sql(using: str) -> str:
    """`top_records`' query, written once per database: building it as a union of three
    querysets took 1 ms of the 1.2 it cost on every listing (SQLite)."""
    quote = connections[using].ops.quote_name
    parts = []
    for model, label_field in RECORDS.values():
        meta = model._meta
        pk = quote(meta.pk.column)
        slug, label = (quote(meta.get_field(name).column) for name in ("slug", label_field))
        parts.append(
            f"SELECT %s, {pk}, {slug}, {label} FROM {quote(meta.db_table)} "
            f"WHERE {one_of_sql(pk, using)}"
        )
    return " UNION ALL ".join(parts)


def top_facet(
    filterset: ReleaseFilterSet,
    counts: dict[str, Counter[int]],
    records: dict[str, dict[int, tuple[str, str]]],
    name: str,
    param: str,
) -> Facet:
    """The `TOP` records with most releases, plus the chosen ones, most frequent first."""
    chosen = {record.pk for record in filterset.selected(param)}
    ranked = sorted(
        records[param].items(),
        key=lambda item: (-counts[param][item[0]], item[1][1], item[0]),
    )
    others = [item for item in ranked if item[0] not in chosen and counts[param][item[0]] > 0]
    shown = [item for item in ranked if item[0] in chosen] + others[:TOP]
    options = [
        FacetOption(slug, label, counts[param][pk], pk in chosen) for pk, (slug, label) in shown
    ]
    options.sort(key=lambda option: (-option.count, option.label.casefold()))
    return new_facet(filterset, name, param, options=options, has_more=len(others) > TOP)
