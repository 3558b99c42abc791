"""SQLite FTS5 backend: one FTS5 table per index, its rowid the indexed row's primary key.

The tokenizer `porter unicode61 remove_diacritics 2` gives English stemming and folds accents
written with combining marks (ć, é, š). Two gaps are filled here, not in the tokenizer:

- Letters FTS5 does not fold but PostgreSQL's `unaccent` does (đ, ø, ł, ß, æ, ё ...): each
  index row carries a hidden `variants` column with the folded spelling of such words, so
  "Dukanovic" finds "Đukanović".
- FTS5 has no Russian stemmer: a Russian word is searched by its Snowball stem as a prefix,
  so "выборов" (stem "выбор") finds "выборах".

Every word of the reader's query goes into an FTS5 string literal; no input reaches FTS5
syntax unquoted.
"""

import re
import unicodedata
from html import escape

from django.db import connections

from .indexes import START_MARK, STOP_MARK, Document, Index
from .query import Clause, Phrase, SearchQuery, Term
from .text import is_cyrillic, russian_stem, split_words

TOKENIZER = "porter unicode61 remove_diacritics 2"
# An FTS5 table holds text only: a release's status and publication time stay in its own row.
MIRRORS_VISIBILITY = False
BM25_WEIGHTS = {"A": 10.0, "B": 4.0, "C": 2.0, "D": 1.0}
VARIANTS_WEIGHT = "C"
SNIPPET_TOKENS = 32
EXCERPT_CHARACTERS = 300
MIN_STEM_PREFIX = 3

_UNFOLDED = "đðøłħıŧßæœþё"
_FOLDS = str.maketrans(
    {"đ": "d", "ð": "d", "ø": "o", "ł": "l", "ħ": "h", "ı": "i", "ŧ": "t", "ß": "ss", "æ": "ae",
     "œ": "oe", "þ": "th"}
)  # fmt: skip
_UNFOLDED_LETTER = re.compile(f"[{_UNFOLDED}{_UNFOLDED.upper()}]")


def columns(index: Index) -> list[str]:
    return [name for name, _ in index.columns] + ["variants"]


def variants(texts: list[str]) -> str:
    """The folded spelling of every word FTS5 would not fold itself."""
    found: dict[str, None] = {}
    for text in texts:
        if text.isascii() or not _UNFOLDED_LETTER.search(text):
            continue
        for word in split_words(text):
            if _UNFOLDED_LETTER.search(word):
                found[_fold(word.lower())] = None
    return " ".join(found)


def _fold(word: str) -> str:
    # й keeps its breve: PostgreSQL keeps it too, and the Russian stemmer needs it.
    letters = []
    for c in word:
        if c != "й":
            c = "".join(d for d in unicodedata.normalize("NFD", c) if not unicodedata.combining(d))
        letters.append(c)
    return "".join(letters).translate(_FOLDS)


# Rendering the query tree as an FTS5 expression.


def _string(token: str, prefix: bool = False) -> str:
    return '"' + token.replace('"', '""') + '"' + ("*" if prefix else "")


def _word(word: str, prefix: bool = False) -> str:
    if is_cyrillic(word):
        stem = russian_stem(word)
        if len(stem) >= MIN_STEM_PREFIX:
            return _string(stem, prefix=True)
    return _string(word, prefix)


def _atom(atom: Term | Phrase) -> list[str]:
    if isinstance(atom, Phrase):
        return [" + ".join(_word(w) for w in atom.words)]
    return [_word(atom.word, atom.prefix), *(_string(w) for w in atom.family)]


def _clause(clause: Clause) -> str:
    return "(" + " OR ".join(form for atom in clause.atoms for form in _atom(atom)) + ")"


def match_expression(query: SearchQuery) -> str:
    """The FTS5 MATCH expression for a query with at least one included clause."""
    expression = " AND ".join(_clause(c) for c in query.included)
    for clause in query.excluded:
        expression = f"({expression}) NOT {_clause(clause)}"
    return expression


def any_expression(clauses: tuple[Clause, ...]) -> str:
    return " OR ".join(_clause(c) for c in clauses)


# SQL fragments for searching.py.


def key_sql(index: Index) -> str:
    # The unary plus stops SQLite from probing the FTS table once per outer row (which would
    # re-run the whole MATCH each time): the FTS table drives the join instead.
    return f'+"{index.table}"."rowid"'


def match_sql(index: Index, query: SearchQuery) -> tuple[str, list]:
    return f'"{index.table}" MATCH %s', [match_expression(query)]


def rank_sql(index: Index, query: SearchQuery) -> tuple[str, list]:
    weights = [BM25_WEIGHTS[w] for _, w in index.columns] + [BM25_WEIGHTS[VARIANTS_WEIGHT]]
    # bm25() is better when lower; the search rank is better when higher on both databases.
    return f'-bm25("{index.table}", {", ".join(map(str, weights))})', []


def keys_sql(index: Index) -> str:
    return f'SELECT rowid FROM "{index.table}"'


def matching_keys_sql(index: Index, clauses: tuple[Clause, ...]) -> tuple[str, list]:
    return (
        f'SELECT rowid FROM "{index.table}" WHERE "{index.table}" MATCH %s',
        [any_expression(clauses)],
    )


def snippets(using: str, index: Index, keys: list[int], query: SearchQuery) -> dict[int, list[str]]:
    """HTML-escaped snippets with <mark>ed matches, one per snippet column, by key."""
    table = index.table
    positions = [columns(index).index(c) for c in index.snippet_columns]
    placeholders = ", ".join(["%s"] * len(keys))
    if not query.included:
        selected = ", ".join(
            f'substr("{c}", 1, {EXCERPT_CHARACTERS * 2})' for c in index.snippet_columns
        )
        sql = f'SELECT rowid, {selected} FROM "{table}" WHERE rowid IN ({placeholders})'
        with connections[using].cursor() as cursor:
            cursor.execute(sql, keys)
            return {row[0]: [escape(excerpt(t), quote=False) for t in row[1:]] for row in cursor}
    if index.whole_text_snippet:
        functions = [f'highlight("{table}", {p}, %s, %s)' for p in positions]
        function_params = [START_MARK, STOP_MARK] * len(positions)
    else:
        functions = [f'snippet("{table}", {p}, %s, %s, %s, {SNIPPET_TOKENS})' for p in positions]
        function_params = [START_MARK, STOP_MARK, "…"] * len(positions)
    # The unary plus keeps SQLite from running the MATCH once per key (a lookup by rowid each
    # time): a prefix term merges the lists of every word it begins (13 ms for a page of
    # "border" at 100,000 releases), where one pass over the matches takes 2.6.
    sql = (
        f'SELECT rowid, {", ".join(functions)} FROM "{table}" '
        f'WHERE "{table}" MATCH %s AND +rowid IN ({placeholders})'
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [*function_params, match_expression(query), *keys])
        return {row[0]: [_marked(text) for text in row[1:]] for row in cursor}


def _marked(text: str | None) -> str:
    return (
        escape(text or "", quote=False).replace(START_MARK, "<mark>").replace(STOP_MARK, "</mark>")
    )


def excerpt(text: str | None) -> str:
    """The start of a text, cut at a word boundary."""
    text = text or ""
    if len(text) <= EXCERPT_CHARACTERS:
        return text
    return text[:EXCERPT_CHARACTERS].rsplit(" ", 1)[0] + " …"


# Writing.


def write(using: str, index: Index, documents: list[Document], removed: list[int]) -> None:
    """Replace the rows of `removed` and of `documents` by `documents`."""
    names = columns(index)
    keys = [[k] for k in {*removed, *(d.key for d in documents)}]
    rows = [
        [d.key, *(d.texts[c] for c in names[:-1]), variants(list(d.texts.values()))]
        for d in documents
    ]
    with connections[using].cursor() as cursor:
        if keys:
            cursor.executemany(f'DELETE FROM "{index.table}" WHERE rowid = %s', keys)
        if rows:
            cursor.executemany(
                f'INSERT INTO "{index.table}" (rowid, {", ".join(names)}) '
                f"VALUES ({', '.join(['%s'] * (len(names) + 1))})",
                rows,
            )


def clear(using: str, index: Index) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(f'DELETE FROM "{index.table}"')


def indexed_keys(using: str, index: Index) -> set[int]:
    with connections[using].cursor() as cursor:
        cursor.execute(keys_sql(index))
        return {row[0] for row in cursor}


def table_exists(using: str, index: Index) -> bool:
    return index.table in connections[using].introspection.table_names()
