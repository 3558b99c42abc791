"""Long lists of ids sent to the database as one parameter each."""

import json
from collections.abc import Sequence

from django.db import connections
from django.db.models.expressions import RawSQL


def listed_ids(ids: Sequence[int], using: str) -> RawSQL:
    """`ids` as a one-column subquery sent as a single parameter, however many there are: an
    array on PostgreSQL, a JSON array on SQLite (which caps the number of parameters). Either
    is one string, which the driver passes on as it is: adapting hundreds of parameters one by
    one took longer than the queries."""
    if connections[using].vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [array_literal(ids)])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(ids))])


def array_literal(numbers: Sequence[int]) -> str:
    """A PostgreSQL array of integers as text, e.g. "{1,2,3}"."""
    return "{" + ",".join(map(str, numbers)) + "}"
