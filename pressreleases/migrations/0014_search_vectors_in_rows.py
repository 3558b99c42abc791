"""PostgreSQL keeps each release's search vector in its row of the search table.

By default it moved the vectors, the rows' largest values, out to the TOAST table, so that
ranking a search fetched every match's vector from there one by one: ranking the 19,000
matches of "border" took 137 ms, 62 ms with the vectors in the rows. The snippet texts, read
for one page of results only, go out instead. SQLite's FTS5 tables are not concerned.
"""

from django.db import migrations

TABLE = "pressreleases_search"


def vectors_in_rows(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{TABLE}" ALTER COLUMN "vector" SET STORAGE MAIN')
        # Rewrites the rows stored so far by the new rule (a few seconds at 100,000).
        cursor.execute(f'VACUUM FULL "{TABLE}"')


def vectors_where_they_fit(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{TABLE}" ALTER COLUMN "vector" SET STORAGE EXTENDED')


class Migration(migrations.Migration):
    atomic = False  # VACUUM cannot run in a transaction

    dependencies = [("pressreleases", "0013_quote_count_and_due_keys")]

    operations = [migrations.RunPython(vectors_in_rows, vectors_where_they_fit)]
