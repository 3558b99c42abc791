"""Facet counts for the release listing.

Counts are disjunctive: each facet is counted over the releases matching every *other* filter
(and the search), so after choosing "Migration" the other fields of work still show how many
releases choosing them too would add. A structure counts the releases of everything below it,
as choosing it does.

The whole panel costs 12 queries whatever the number of releases: the vocabularies (one query
for all taxonomy labels, shared with the filters), then one GROUP BY per facet (two for
structures: direct counts, and distinct counts for the structures that have children); one more
when a linked term, speaker, organisation or tag is chosen, to read the result's ids once for
the facets counted over it (`ReleaseFilterSet.facet_queryset`). The matching releases enter
each count as a subquery of ids; the grouping runs on the link tables alone and labels are
joined after grouping, never per row. Values without releases are left out,
except chosen ones, which stay (with 0) so the form can untick them. Vocabularies list in their
own order, years newest first; speakers, organisations and tags list the `TOP` most frequent
plus the chosen ones, most frequent first.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, F, Q, QuerySet
from taggit.models import Tag

from .filters import ReleaseFilterSet, publication_year, release_tags
from .models import Organisation, Person, PressRelease, Quote

TOP = 20


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
    return [
        choice_facet(filterset, "content_type", "type", PressRelease.ContentType.choices),
        term_facet(filterset, "field_of_work", "field", "fields_of_work"),
        term_facet(filterset, "country", "country", "countries"),
        structure_facet(filterset),
        term_facet(filterset, "meeting_series", "meeting", "meeting_series"),
        speaker_facet(filterset),
        organisation_facet(filterset),
        tag_facet(filterset),
        choice_facet(filterset, "language", "language", PressRelease.Language.choices),
        year_facet(filterset),
    ]


def new_facet(filterset: ReleaseFilterSet, name: str, param: str, **kwargs: Any) -> Facet:
    return Facet(name=name, label=str(filterset.filters[param].label), param=param, **kwargs)


def release_ids(filterset: ReleaseFilterSet, param: str) -> QuerySet:
    return filterset.facet_queryset(param).values("pk")


def choice_facet(
    filterset: ReleaseFilterSet, name: str, param: str, choices: list[tuple[str, str]]
) -> Facet:
    counts = dict(
        filterset.facet_queryset(param).values_list(name).annotate(n=Count("pk")).order_by()
    )
    chosen = set(filterset.selected(param))
    options = [
        FacetOption(value, str(label), counts.get(value, 0), value in chosen)
        for value, label in choices
        if counts.get(value) or value in chosen
    ]
    return new_facet(filterset, name, param, options=options)


def year_facet(filterset: ReleaseFilterSet) -> Facet:
    counts = dict(
        filterset.facet_queryset("year")
        .annotate(publication_year=publication_year("publish_at"))
        .values_list("publication_year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts.pop(None, None)  # a caller's queryset may hold releases never published
    chosen = set(filterset.selected("year"))
    options = [
        FacetOption(str(year), str(year), counts.get(year, 0), year in chosen)
        for year in sorted(counts.keys() | chosen, reverse=True)
    ]
    return new_facet(filterset, "year", "year", options=options)


def link_counts(filterset: ReleaseFilterSet, param: str, m2m_name: str) -> QuerySet:
    """(term id, number of releases) over the link table of the many-to-many `m2m_name`."""
    m2m = PressRelease._meta.get_field(m2m_name)
    return (
        m2m.remote_field.through.objects.filter(
            **{f"{m2m.m2m_field_name()}__in": release_ids(filterset, param)}
        )
        .values_list(m2m.m2m_reverse_field_name())
        .annotate(n=Count("*"))
        .order_by()
    )


def term_facet(filterset: ReleaseFilterSet, name: str, param: str, m2m_name: str) -> Facet:
    counts = dict(link_counts(filterset, param, m2m_name))
    chosen = {term.pk for term in filterset.selected(param)}
    options = [
        FacetOption(term.slug, term.name, counts.get(term.pk, 0), term.pk in chosen)
        for term in filterset.vocabularies.terms[param]
        if counts.get(term.pk) or term.pk in chosen
    ]
    return new_facet(filterset, name, param, options=options)


def structure_facet(filterset: ReleaseFilterSet) -> Facet:
    tree = filterset.vocabularies.structures
    counts = dict(link_counts(filterset, "structure", "sources"))
    # A release may come from a parent and its child at once: count it once for the parent.
    parents = [pk for pk in tree.children if pk in tree.by_id]
    if parents:
        links = PressRelease.sources.through.objects.filter(
            pressrelease__in=release_ids(filterset, "structure")
        )
        subtree_counts = links.aggregate(
            **{
                f"s{pk}": Count(
                    "pressrelease_id",
                    distinct=True,
                    filter=Q(structure_id__in=sorted(tree.subtree_ids(pk))),
                )
                for pk in parents
            }
        )
        counts.update({int(alias[1:]): n for alias, n in subtree_counts.items()})
    chosen = {node.pk for node in filterset.selected("structure")}
    options = [
        FacetOption(node.slug, node.name, counts.get(node.pk, 0), node.pk in chosen, depth)
        for node, depth in tree.walk()
        if counts.get(node.pk) or node.pk in chosen
    ]
    return new_facet(filterset, "structure", "structure", options=options)


def top_facet(
    filterset: ReleaseFilterSet,
    name: str,
    param: str,
    pairs: QuerySet,
    model: type,
    label_field: str,
    *,
    repeated: bool,
) -> Facet:
    """A facet from `pairs`, (facet_value, facet_release) rows: a record's id and a release it
    applies to, `repeated` when a pair may come more than once. Lists the `TOP` records with
    most releases, plus the chosen ones."""
    chosen = {record.pk: record for record in filterset.selected(param)}
    rows = top_rows(pairs, model, label_field, list(chosen), repeated=repeated)
    others = [row for row in rows if row[0] not in chosen]
    shown = [row for row in rows if row[0] in chosen] + others[:TOP]
    unmatched = chosen.keys() - {row[0] for row in rows}
    shown += [(pk, chosen[pk].slug, getattr(chosen[pk], label_field), 0) for pk in unmatched]
    options = [FacetOption(slug, label, count, pk in chosen) for pk, slug, label, count in shown]
    options.sort(key=lambda option: (-option.count, option.label.casefold()))
    return new_facet(filterset, name, param, options=options, has_more=len(others) > TOP)


def top_rows(
    pairs: QuerySet, model: type, label_field: str, chosen: list[int], *, repeated: bool
) -> list[tuple[int, str, str, int]]:
    """(id, slug, label, number of releases) of the records in `pairs`: the chosen ones first,
    then the most frequent, `TOP` + 1 of them (one more tells that there are more).

    Raw SQL around the ORM's own: counting per record first and joining the labels to the
    counted rows (not to every link) needs a derived table, which the ORM cannot express.
    """
    connection = connections[pairs.db]
    try:
        pairs_sql, params = pairs.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:  # e.g. a search with nothing searchable in it matches nothing
        return []
    quote = connection.ops.quote_name
    table, pk, slug, label = (
        quote(model._meta.db_table),
        quote(model._meta.pk.column),
        quote(model._meta.get_field("slug").column),
        quote(model._meta.get_field(label_field).column),
    )
    chosen_first = ""
    if chosen:
        placeholders = ", ".join(["%s"] * len(chosen))
        chosen_first = f"CASE WHEN r.{pk} IN ({placeholders}) THEN 0 ELSE 1 END, "
    sql = (
        f"SELECT r.{pk}, r.{slug}, r.{label}, c.n FROM "
        f"(SELECT p.facet_value, COUNT({'DISTINCT ' if repeated else ''}p.facet_release) AS n "
        f"FROM ({pairs_sql}) p "
        "GROUP BY p.facet_value) c "
        f"INNER JOIN {table} r ON r.{pk} = c.facet_value "
        f"ORDER BY {chosen_first}c.n DESC, r.{label}, r.{pk} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *chosen, TOP + len(chosen) + 1])
        return cursor.fetchall()


def speaker_facet(filterset: ReleaseFilterSet) -> Facet:
    pairs = (
        Quote.objects.filter(release__in=release_ids(filterset, "speaker"), speaker__isnull=False)
        .values(facet_value=F("speaker_id"), facet_release=F("release_id"))
        .order_by()
    )
    # One release may quote a speaker several times.
    return top_facet(filterset, "speaker", "speaker", pairs, Person, "full_name", repeated=True)


def organisation_facet(filterset: ReleaseFilterSet) -> Facet:
    """An organisation counts the releases quoting it directly or quoting someone in a role
    with it. A quote naming the same organisation both ways gives one pair, not two: most
    quotes do, and leaving the duplicates out of the second half of the UNION ALL spares
    counting them away (a third of this facet's time)."""
    quotes = Quote.objects.filter(release__in=release_ids(filterset, "organisation")).order_by()
    through_role = F("appointment__organisation_id")
    pairs = (
        quotes.filter(organisation__isnull=False)
        .values(facet_value=F("organisation_id"), facet_release=F("release_id"))
        .union(
            quotes.filter(appointment__organisation__isnull=False)
            .exclude(organisation_id=through_role)
            .values(facet_value=through_role, facet_release=F("release_id")),
            all=True,
        )
        .order_by()
    )
    return top_facet(
        filterset, "organisation", "organisation", pairs, Organisation, "name", repeated=True
    )


def tag_facet(filterset: ReleaseFilterSet) -> Facet:
    # taggit allows a tag once per object, so these pairs are already distinct.
    pairs = (
        release_tags()
        .filter(object_id__in=release_ids(filterset, "tag"))
        .values(facet_value=F("tag_id"), facet_release=F("object_id"))
        .order_by()
    )
    return top_facet(filterset, "tag", "tag", pairs, Tag, "name", repeated=False)
