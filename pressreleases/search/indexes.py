"""What each search index holds, and which database backend serves a connection.

Both databases index the same columns with the same weights; the weight letters are
PostgreSQL's (A highest, D lowest) and SQLite's bm25 weights are derived from them.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections

# Private-use characters: they cannot occur in indexed text (text.clean drops them), so a
# highlight marker in a database snippet is always one the search put there.
START_MARK = "\ue000"
STOP_MARK = "\ue001"


@dataclass(frozen=True)
class Index:
    table: str
    key: str
    """The key column on PostgreSQL; SQLite's FTS5 tables use their rowid."""
    columns: tuple[tuple[str, str], ...]
    """(column, weight) in index order."""
    snippet_columns: tuple[str, ...]
    """Where snippets come from, in order of preference."""
    whole_text_snippet: bool = False
    """Highlight the whole text (short quotes) instead of cutting fragments from it."""
    mirrored: tuple[str, ...] = ()
    """Columns of the indexed record that PostgreSQL's table copies as they are, so that a
    search can apply the visibility rule and order its results without a join."""


RELEASES = Index(
    table="pressreleases_search",
    key="release_id",
    columns=(
        ("title", "A"),
        ("lead", "B"),
        ("body", "C"),
        ("quotes", "C"),
        ("speakers", "C"),
        ("tags", "B"),
        ("sources", "D"),
    ),
    snippet_columns=("lead", "body", "quotes"),
    mirrored=("status", "publish_at"),
)
QUOTES = Index(
    table="pressreleases_quote_search",
    key="quote_id",
    columns=(("quote", "B"), ("speaker", "A")),
    snippet_columns=("quote",),
    whole_text_snippet=True,
)

CONFIG_BY_LANGUAGE = {"en": "pressreleases_english", "ru": "pressreleases_russian"}
SIMPLE_CONFIG = "pressreleases_simple"


def backend_for(using: str):
    """The search backend for a database alias: PostgreSQL text search or SQLite FTS5."""
    vendor = connections[using].vendor
    if vendor == "postgresql":
        from . import postgres

        return postgres
    if vendor == "sqlite":
        from . import sqlite

        return sqlite
    raise ImproperlyConfigured(f"Full-text search supports PostgreSQL and SQLite, not {vendor}.")


@dataclass(frozen=True)
class Document:
    """One row of an index: plain texts by column name, the language they are written in, and
    the record's mirrored values."""

    key: int
    language: str
    texts: dict[str, str]
    mirrored: dict[str, Any] = field(default_factory=dict)
    """The values of the index's `mirrored` columns."""
