"""Long lists of ids sent to the database as one parameter each."""

import json
from collections.abc import Sequence

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import F, Lookup, Q, QuerySet
from django.db.models.expressions import RawSQL


def listed_ids(ids: Sequence[int], using: str) -> RawSQL:
    """`ids` as a one-column subquery sent as a single parameter, however many there are: an
    array on PostgreSQL, a JSON array on SQLite (which caps the number of parameters). Either
    is one string, which the driver passes on as it is: adapting hundreds of parameters one by
    one took longer than the queries."""
    if connections[using].vendor == "postgresql":
        sql = "SELECT unnest(%s::bigint[])"
    else:
        sql = "SELECT value FROM json_each(%s)"
    return RawSQL(sql, [ids_param(ids, using)])


def one_of_sql(column: str, using: str) -> str:
    """For hand-written SQL: `column` (quoted) is one of the ids in one parameter, which
    `ids_param` writes."""
    if connections[using].vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])"
    return f"{column} IN (SELECT value FROM json_each(%s))"


def ids_param(ids: Sequence[int], using: str) -> str:
    """`ids` as the one parameter of `one_of_sql` (and of `listed_ids`)."""
    if connections[using].vendor == "postgresql":
        return array_literal(ids)
    return json.dumps(list(ids))


def one_of(field: str, ids: Sequence[int] | QuerySet, using: str) -> Q | Lookup:
    """A filter: `field` is one of `ids`, a list sent as one parameter or a queryset of ids.
    On PostgreSQL it is `= ANY(array)`: the planner checks a long list against a hash of it,
    where it joined `IN (SELECT unnest(…))` row by row (twice as slow for the 19,000 ids of a
    large result), and looks up the few ids of a subquery's array in an index, where for
    `IN (subquery)` it read the whole table."""
    if connections[using].vendor == "postgresql":
        return AnyOf(F(field), ArraySubquery(ids) if isinstance(ids, QuerySet) else list(ids))
    if isinstance(ids, QuerySet):
        return Q(**{f"{field}__in": ids})
    return Q(**{f"{field}__in": listed_ids(ids, using)})


class AnyOf(Lookup):
    """`lhs = ANY(rhs)` on PostgreSQL: `rhs` a list of integers, sent as one array, or an
    expression giving an array."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if hasattr(self.rhs, "as_sql"):
            rhs, rhs_params = compiler.compile(self.rhs)
        else:
            rhs, rhs_params = "%s::bigint[]", [array_literal(self.rhs)]
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def array_literal(numbers: Sequence[int]) -> str:
    """A PostgreSQL array of integers as text, e.g. "{1,2,3}"."""
    return "{" + ",".join(map(str, numbers)) + "}"
