"""Full-text search indexes: PostgreSQL text search tables, or SQLite FTS5 tables.

Neither is a Django model: the tables are written by `pressreleases.search` and joined to the
release and quote tables by primary key. Existing releases are indexed after `migrate` by the
app's post_migrate receiver, so applying this migration to a filled database needs no extra step.
"""

from django.db import migrations

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # Accents are folded before stemming, so "Mektic" and "Mektić" index and search alike.
    "CREATE TEXT SEARCH CONFIGURATION pressreleases_english (COPY = pg_catalog.english)",
    "ALTER TEXT SEARCH CONFIGURATION pressreleases_english"
    " ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
    "CREATE TEXT SEARCH CONFIGURATION pressreleases_russian (COPY = pg_catalog.russian)",
    "ALTER TEXT SEARCH CONFIGURATION pressreleases_russian"
    " ALTER MAPPING FOR hword, hword_part, word WITH unaccent, russian_stem",
    "CREATE TEXT SEARCH CONFIGURATION pressreleases_simple (COPY = pg_catalog.simple)",
    "ALTER TEXT SEARCH CONFIGURATION pressreleases_simple"
    " ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    # The OR of a query word's forms, each once: without repeats, without stop words (empty
    # forms) and without lexemes a prefix form covers ('traffick' and 'trafficking':* go when
    # 'traffick':* is there). Parsing a word with several configurations gives the same or
    # overlapping forms, and every extra one inflates the planner's estimate until it scans the
    # whole table instead of using the GIN index.
    r"""
    CREATE FUNCTION pressreleases_any(VARIADIC alternatives tsquery[]) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        WITH forms AS (
            SELECT DISTINCT a::text AS form FROM unnest(alternatives) AS a WHERE numnode(a) > 0
        ), prefixes AS (
            SELECT substring(form FROM '^''([^'']+)'':\*$') AS prefix FROM forms
        )
        SELECT coalesce(string_agg('(' || form || ')', ' | '), '')::tsquery
        FROM forms
        WHERE NOT EXISTS (
            SELECT FROM prefixes
            WHERE prefix IS NOT NULL
              AND form ~ '^''[^'']+''(:\*)?$'
              AND form <> '''' || prefix || ''':*'
              AND starts_with(substring(form FROM '^''([^'']+)'''), prefix)
        )
    $$
    """,
    """
    CREATE TABLE pressreleases_search (
        release_id bigint PRIMARY KEY,
        config regconfig NOT NULL,
        lead text NOT NULL,
        body text NOT NULL,
        quotes text NOT NULL,
        vector tsvector NOT NULL
    )
    """,
    "CREATE INDEX pressreleases_search_vector ON pressreleases_search USING gin (vector)",
    """
    CREATE TABLE pressreleases_quote_search (
        quote_id bigint PRIMARY KEY,
        config regconfig NOT NULL,
        quote text NOT NULL,
        vector tsvector NOT NULL
    )
    """,
    "CREATE INDEX pressreleases_quote_search_vector"
    " ON pressreleases_quote_search USING gin (vector)",
]
POSTGRESQL_REVERSE = [
    "DROP TABLE IF EXISTS pressreleases_quote_search",
    "DROP TABLE IF EXISTS pressreleases_search",
    "DROP FUNCTION IF EXISTS pressreleases_any(VARIADIC tsquery[])",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS pressreleases_english",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS pressreleases_russian",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS pressreleases_simple",
]

TOKENIZER = "tokenize = 'porter unicode61 remove_diacritics 2'"
SQLITE = [
    "CREATE VIRTUAL TABLE pressreleases_search USING fts5("
    f"title, lead, body, quotes, speakers, tags, sources, variants, {TOKENIZER})",
    "CREATE VIRTUAL TABLE pressreleases_quote_search USING fts5("
    f"quote, speaker, variants, {TOKENIZER})",
]
SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS pressreleases_quote_search",
    "DROP TABLE IF EXISTS pressreleases_search",
]


def run(statements):
    def operation(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("pressreleases", "0002_editorial_groups")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
