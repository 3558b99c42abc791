"""The four vocabularies in one query, as light records: what the site menu and the release
listing's filters read on every page.

Building the menu from model instances took five queries and most of its 2.2 ms (SQLite) to
3.9 ms (PostgreSQL) making some 150 of them; the listing then read the same records again for
its filters. A page that does both now reads them once.
"""

import functools
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BigIntegerField, CharField, F, IntegerField, Value
from django.db.models.functions import Cast

from .models import Country, FieldOfWork, MeetingSeries, Structure, slug_url

# GET parameter of the listing → model, and the name of its term pages' route.
VOCABULARIES = {
    "field": (FieldOfWork, "taxonomy:field-of-work"),
    "country": (Country, "taxonomy:country"),
    "structure": (Structure, "taxonomy:structure"),
    "meeting": (MeetingSeries, "taxonomy:meeting-series"),
}


@dataclass(frozen=True)
class Term:
    """A taxonomy record, as much of it as the menu and the listing need."""

    pk: int
    slug: str
    name: str
    order: int
    parent_id: int | None = None  # structures only
    kind: str = ""  # countries and structures
    closed_year: int | None = None  # structures only
    route: str = ""  # the URL name of its page

    @property
    def is_closed(self) -> bool:
        return self.closed_year is not None

    def get_absolute_url(self) -> str:
        return slug_url(self.route, self.slug)


def load_terms(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[Term]]:
    """Every term of each vocabulary, keyed as `VOCABULARIES`, in the vocabulary's order
    (`order`, then name)."""
    sql, params = terms_sql(using)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    terms: dict[str, list[Term]] = {param: [] for param in VOCABULARIES}
    for param, *values in rows:
        terms[param].append(Term(*values, route=VOCABULARIES[param][1]))
    for terms_of_one in terms.values():
        terms_of_one.sort(key=lambda term: (term.order, term.name))
    return terms


@functools.cache
def terms_sql(using: str) -> tuple[str, tuple]:
    """`load_terms`'s query, compiled once per database: it never changes, and the ORM took
    0.7 ms of the 1.2 that reading the terms cost on every page."""
    # Typed NULLs and blanks: PostgreSQL reads a bare NULL as text and then cannot UNION it.
    no_id = Cast(Value(None), BigIntegerField())
    no_year = Cast(Value(None), IntegerField())
    parts = [
        model.objects.using(using)
        .order_by()
        .annotate(
            vocabulary=Value(param),
            parent_key=F("parent_id") if model is Structure else no_id,
            kind_or_blank=F("kind") if hasattr(model, "Kind") else Value("", CharField()),
            closed=F("closed_year") if model is Structure else no_year,
        )
        .values_list(
            "vocabulary", "pk", "slug", "name", "order", "parent_key", "kind_or_blank", "closed"
        )
        for param, (model, _) in VOCABULARIES.items()
    ]
    return parts[0].union(*parts[1:], all=True).order_by().query.sql_with_params()
