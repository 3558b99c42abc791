"""PostgreSQL text-search backend: one table per index holding a weighted `tsvector` (GIN
indexed), the text search configuration of the row's language, the texts snippets are cut from,
and copies of the record's `mirrored` columns (a release's status and publication time).

Three configurations, made in the migration, fold accents with `unaccent` before stemming:
`pressreleases_english`, `pressreleases_russian` and `pressreleases_simple` (no stemming, for
the other languages). A row's vector is built with its release's configuration. The reader's
language is unknown, so each query word is parsed with `simple` and with the configuration of
its script, and matches in either form: "smuggling" becomes 'smuggl' | 'smuggling', "выборов"
becomes 'выбор' | 'выборов'. Exclusions negate that union, so an excluded word is excluded in
every form.

Texts kept for snippets are stored HTML-escaped: `ts_headline` drops anything that looks like a
tag, and escaped text keeps "<b>" in a body visible as text rather than lost.
"""

from datetime import datetime
from html import escape

from django.db import connections

from .indexes import (
    CONFIG_BY_LANGUAGE,
    RELEASES,
    SIMPLE_CONFIG,
    START_MARK,
    STOP_MARK,
    Document,
    Index,
)
from .query import Clause, Phrase, SearchQuery, Term
from .text import is_cyrillic

# ts_rank weights for D, C, B, A: the same proportions as SQLite's bm25 weights.
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
MIRRORS_VISIBILITY = True  # the search table copies each release's status and publication time
HEADLINE_OPTIONS = (
    f"StartSel={START_MARK}, StopSel={STOP_MARK}, MaxWords=32, MinWords=12, ShortWord=2, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
WHOLE_TEXT_OPTIONS = f"StartSel={START_MARK}, StopSel={STOP_MARK}, HighlightAll=true"
EXCERPT_CHARACTERS = 300


def config_for(language: str) -> str:
    return CONFIG_BY_LANGUAGE.get(language, SIMPLE_CONFIG)


# Rendering the query tree as a tsquery expression. Words hold only letters and digits (see
# query.py), so none can carry tsquery operators into to_tsquery().


def _configs(words: tuple[str, ...]) -> list[str]:
    """The configurations that can index these words differently: the Russian one for Cyrillic
    (it stems other words exactly as the English one), the English one otherwise, and `simple`
    for releases in other languages."""
    configs = []
    if any(is_cyrillic(w) for w in words):
        configs.append(CONFIG_BY_LANGUAGE["ru"])
    if not all(is_cyrillic(w) for w in words):
        configs.append(CONFIG_BY_LANGUAGE["en"])
    return [*configs, SIMPLE_CONFIG]


def _atom(atom: Term | Phrase) -> tuple[list[str], list]:
    if isinstance(atom, Phrase):
        forms = [("phraseto_tsquery", " ".join(atom.words), atom.words)]
    else:
        forms = [("to_tsquery", atom.word + (":*" if atom.prefix else ""), (atom.word,))]
        forms += [("to_tsquery", word, (word,)) for word in atom.family]
    parts, params = [], []
    for function, text, words in forms:
        for config in _configs(words):
            parts.append(f"{function}('{config}', %s)")
            params.append(text)
    return parts, params


def _clause(clause: Clause) -> tuple[str, list]:
    parts, params = [], []
    for atom in clause.atoms:
        atom_parts, atom_params = _atom(atom)
        parts += atom_parts
        params += atom_params
    sql = f"pressreleases_any({', '.join(parts)})"
    return (f"!!{sql}" if clause.excluded else sql), params


def tsquery(clauses: tuple[Clause, ...], operator: str = "&&") -> tuple[str, list]:
    parts, params = [], []
    for clause in clauses:
        sql, clause_params = _clause(clause)
        parts.append(sql)
        params += clause_params
    return "(" + f" {operator} ".join(parts) + ")", params


# SQL fragments for searching.py.


def key_sql(index: Index) -> str:
    return f'"{index.table}"."{index.key}"'


def match_sql(index: Index, query: SearchQuery) -> tuple[str, list]:
    sql, params = tsquery(query.clauses)
    return f'"{index.table}"."vector" @@ {sql}', params


def rank_sql(index: Index, query: SearchQuery) -> tuple[str, list]:
    # ts_rank scores a query with a negated part as 0: rank by what must match only.
    sql, params = tsquery(query.included)
    return f'ts_rank(\'{RANK_WEIGHTS}\', "{index.table}"."vector", {sql})', params


def public_ranked_sql(query: SearchQuery, published: str, now: datetime) -> tuple[str, list]:
    """The ids of the releases matching `query` (with at least one included clause) whose
    status is `published` and whose publication time has come by `now`, best first, newest
    first among equals, from the search table alone: joining the 19,000 matches of "border" to
    the 88,000 public releases to keep the public ones built a hash of all of these (66 ms in
    all, 39 without)."""
    match, match_params = match_sql(RELEASES, query)
    rank, rank_params = rank_sql(RELEASES, query)
    sql = (
        f'SELECT "release_id" FROM "{RELEASES.table}" '
        f'WHERE {match} AND "status" = %s AND "publish_at" <= %s '
        f'ORDER BY {rank} DESC, "publish_at" DESC, "release_id" DESC'
    )
    return sql, [*match_params, published, now, *rank_params]


def keys_sql(index: Index) -> str:
    return f'SELECT "{index.key}" FROM "{index.table}"'


def matching_keys_sql(index: Index, clauses: tuple[Clause, ...]) -> tuple[str, list]:
    positive = tuple(Clause(c.atoms) for c in clauses)
    sql, params = tsquery(positive, operator="||")
    return f'SELECT "{index.key}" FROM "{index.table}" WHERE "vector" @@ {sql}', params


def snippets(using: str, index: Index, keys: list[int], query: SearchQuery) -> dict[int, list[str]]:
    """HTML-escaped snippets with <mark>ed matches, one per snippet column, by key; with a
    query, the columns after the first are empty where the first matches it."""
    table, key = index.table, index.key
    if not query.included:
        selected = ", ".join(
            f'left("{c}", {EXCERPT_CHARACTERS * 2})' for c in index.snippet_columns
        )
        with connections[using].cursor() as cursor:
            cursor.execute(
                f'SELECT "{key}", {selected} FROM "{table}" WHERE "{key}" = ANY(%s)', [keys]
            )
            return {row[0]: [excerpt(text) for text in row[1:]] for row in cursor}
    sql, params = tsquery(query.included)
    options = WHOLE_TEXT_OPTIONS if index.whole_text_snippet else HEADLINE_OPTIONS
    first, *others = index.snippet_columns
    # The first column's snippet is the one shown whenever that column matches, as it then
    # has a <mark>: the others are cut only when it does not. Twenty bodies took 2 ms.
    first_matches = f'to_tsvector("config", "{first}") @@ search.query'
    headlines = ", ".join(
        [
            f'ts_headline("config", "{first}", search.query, %s)',
            *(
                f"CASE WHEN {first_matches} THEN NULL "
                f'ELSE ts_headline("config", "{c}", search.query, %s) END'
                for c in others
            ),
        ]
    )
    with connections[using].cursor() as cursor:
        cursor.execute(
            f'SELECT "{key}", {headlines} FROM "{table}", (SELECT {sql} AS query) AS search '
            f'WHERE "{key}" = ANY(%s)',
            [*[options] * len(index.snippet_columns), *params, keys],
        )
        return {row[0]: [_marked(text) for text in row[1:]] for row in cursor}


def _marked(text: str | None) -> str:
    return (text or "").replace(START_MARK, "<mark>").replace(STOP_MARK, "</mark>")


def excerpt(text: str | None) -> str:
    """The start of an (escaped) text, cut at a word boundary so no entity is cut in half."""
    text = text or ""
    if len(text) <= EXCERPT_CHARACTERS:
        return text
    return text[:EXCERPT_CHARACTERS].rsplit(" ", 1)[0] + " …"


# Writing.


def write(using: str, index: Index, documents: list[Document], removed: list[int]) -> None:
    """Replace the rows of `removed` and of `documents` by `documents`."""
    table, key = index.table, index.key
    stale = list(set(removed).difference(d.key for d in documents))
    vector = " || ".join(
        f"setweight(to_tsvector(%(config)s::regconfig, %({name})s), '{weight}')"
        for name, weight in index.columns
    )
    stored = [f"stored_{c}" for c in index.snippet_columns]
    mirrored = [f"mirrored_{c}" for c in index.mirrored]
    copied = [*index.snippet_columns, *index.mirrored]
    names = ", ".join(f'"{c}"' for c in copied)
    values = ", ".join(f"%({c})s" for c in [*stored, *mirrored])
    replaced = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in ["config", *copied, "vector"])
    # Writing over a row in place, rather than deleting every row first, spares a new
    # release's import a DELETE of nothing for itself and one for its quotes.
    upsert = (
        f'INSERT INTO "{table}" ("{key}", "config", {names}, "vector") '
        f"VALUES (%(key)s, %(config)s::regconfig, {values}, {vector}) "
        f'ON CONFLICT ("{key}") DO UPDATE SET {replaced}'
    )
    rows = [
        {
            "key": d.key,
            "config": config_for(d.language),
            **d.texts,
            **{f"stored_{c}": escape(d.texts[c], quote=False) for c in index.snippet_columns},
            **{f"mirrored_{c}": d.mirrored.get(c) for c in index.mirrored},
        }
        for d in documents
    ]
    with connections[using].cursor() as cursor:
        if stale:
            cursor.execute(f'DELETE FROM "{table}" WHERE "{key}" = ANY(%s)', [stale])
        if rows:
            cursor.executemany(upsert, rows)


def clear(using: str, index: Index) -> None:
    with connections[using].cursor() as cursor:
        # DELETE, not TRUNCATE: searches keep reading the old rows until a rebuild commits.
        cursor.execute(f'DELETE FROM "{index.table}"')


def indexed_keys(using: str, index: Index) -> set[int]:
    with connections[using].cursor() as cursor:
        cursor.execute(keys_sql(index))
        return {row[0] for row in cursor}


def table_exists(using: str, index: Index) -> bool:
    return index.table in connections[using].introspection.table_names()
