"""Writing many rows fast (import_content, seed_demo): COPY on PostgreSQL, plain multi-row
INSERTs elsewhere; the same statements run many times over (import_pages), prepared; and
binary values sent and read as bytes."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorWrapper
from django.db.models import NOT_PROVIDED, Model
from psycopg.pq import Format

MAX_PARAMS = 30_000  # per INSERT statement; below SQLite's limit
PREPARE_AFTER = 5  # runs of one statement


def insert_rows(
    model: type[Model], rows: list[dict[str, Any]], using: str = DEFAULT_DB_ALIAS
) -> None:
    """INSERT rows given as {attname: value} (all with the same keys); fields left out take
    their model default, or the database's own.

    bulk_create spends most of its time building a model instance and compiling SQL for every
    value; for the hundreds of thousands of rows of a large demo this streams them with COPY
    on PostgreSQL and sends plain multi-row INSERTs elsewhere, as few as the database's
    parameter limit allows. Like bulk_create, it skips save() and signals.
    """
    if not rows:
        return
    given = rows[0].keys()
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key
        and not field.generated
        and (field.attname in given or field.db_default is NOT_PROVIDED)
    ]
    database = connections[using]
    defaults = {
        field.attname: field.get_db_prep_save(field.get_default(), database) for field in fields
    }
    # Numbers, strings and nulls go to the driver as they are; only other values need preparing.
    plain = (int, str, type(None))

    def values(row: dict[str, Any]) -> list[Any]:
        return [
            defaults[field.attname]
            if field.attname not in row
            else value
            if isinstance(value := row[field.attname], plain)
            else field.get_db_prep_save(value, database)
            for field in fields
        ]

    quote = database.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            # COPY streams the rows: psycopg read a multi-row INSERT's 30,000 placeholders in
            # Python, which took a sixth of a large seed's time, and the server parsed it.
            # The cursor wrapper hands `copy` out as it is, so its errors are wrapped here.
            with (
                database.wrap_database_errors,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(values(row))
            return
        row_sql = "({})".format(", ".join(["%s"] * len(fields)))
        limit = min(database.features.max_query_params or MAX_PARAMS, MAX_PARAMS)
        per_statement = limit // len(fields)
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([row_sql] * len(chunk)),
                [value for row in chunk for value in values(row)],
            )


def refresh_statistics(using: str = DEFAULT_DB_ALIAS) -> None:
    """Have the database read its tables' statistics again (ANALYZE), after a bulk load.

    SQLite keeps none until asked, and without them plans correlated lookups from the wrong
    table: listing the speakers with a public quote took 4.5 s instead of 5 ms at 100,000
    releases. PostgreSQL's autovacuum would get there by itself, but only later.
    """
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")


@contextmanager
def bound_on_server(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """For the block, the cursors a PostgreSQL connection opens bind their parameters on the
    server, where Django's default cursors write them into the SQL."""
    connection.ensure_connection()
    driver_connection = connection.connection
    saved = driver_connection.cursor_factory
    driver_connection.cursor_factory = ServerBindingCursor
    try:
        yield
    finally:
        driver_connection.cursor_factory = saved


@contextmanager
def prepared_statements(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """On PostgreSQL, have the statements the block runs `PREPARE_AFTER` times or more planned
    once and then run as prepared statements; elsewhere, do nothing.

    An import runs the same twenty statements for every page; planning the one that reads a
    release's links for its facet keys took 1.8 ms, running it 0.7. A prepared statement
    needs its parameters bound on the server rather than written into the SQL, which Django
    does not do by default, so both are switched on for the block only. Web requests keep
    planning each query for its own values: served with prepared statements, whose plans are
    made for any values, the search of 19,000 matches took four times as long.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with bound_on_server(connection):
        driver_connection = connection.connection
        saved = driver_connection.prepare_threshold
        driver_connection.prepare_threshold = PREPARE_AFTER
        try:
            yield
        finally:
            driver_connection.prepare_threshold = saved


@contextmanager
def binary_cursor(connection: BaseDatabaseWrapper) -> Iterator[CursorWrapper]:
    """A cursor that exchanges binary values (the facet sets) with PostgreSQL as their bytes,
    rather than as hexadecimal text of twice the size: results come in binary (reading every
    facet set took 9-10 ms as text, 3 in binary), and parameters are bound on the server
    instead of written into the SQL. psycopg's client-side cursors, Django's default, can do
    neither. Elsewhere, a plain cursor."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    with bound_on_server(connection):
        cursor = connection.cursor()
    cursor.cursor.format = Format.BINARY
    with cursor:
        yield cursor
