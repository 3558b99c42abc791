"""The facet keys (`FacetKeys`) of published releases and their totals (`FacetTotal`).

The listing's facet panel counts, for every facet, the releases matching the other filters.
Counted from the link, quote and tag tables, the unfiltered panel read every visible release's
links in eleven grouped queries (1.5 s at 100,000 releases). Here each published release's
facet values are packed in one row, and beside them each value's public releases are kept as
a set and its size (a total): the unfiltered panel is one small read of the totals, and a
filtered one reads every value's set and intersects them with the filters' in memory.

The sets are Roaring bitmaps (`pyroaring`), about 2 MB for all the panel's values at 100,000
releases. Reading and tallying the 19,000 key rows of a search took 55-60 ms, and each chosen
facet cost a grouped query over the releases matching the other filters (10-13 ms on SQLite);
reading every set and intersecting it takes 5-6.

`refresh_facet_keys(ids)` rewrites the keys of some releases and moves them in and out of the
sets by the difference; the search index's `index_releases` calls it, since the same changes
(a release, its links, quotes and tags, a speaker's role, the structure tree) touch both.

A release scheduled for later has its keys written but not counted (`FacetKeys.counted`).
Its time comes without any write to it: readers add the keys of the releases come due but not
yet counted (found through a partial index, usually none) to the totals, and the next write
counts them for good (`count_due_keys`). Readers never write, so a page never waits for a
writer's locks. Subtracting the keys of every scheduled release on each read instead cost a
quarter of the unfiltered listing's time.
"""

import datetime
import functools
import itertools
import sys
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model
from django.utils import timezone
from pyroaring import BitMap

from taxonomy.models import Structure

from .bulk import binary_cursor
from .idlists import listed_ids, one_of
from .models import Appointment, Facet, FacetKeys, FacetTotal, PressRelease, Quote

# Content types and languages are keyed by their position in the model's choices.
CHOICE_CODES = {
    Facet.TYPE: {value: code for code, value in enumerate(PressRelease.ContentType.values, 1)},
    Facet.LANGUAGE: {value: code for code, value in enumerate(PressRelease.Language.values, 1)},
}
LINKED = {
    Facet.FIELD: "fields_of_work",
    Facet.COUNTRY: "countries",
    Facet.STRUCTURE: "sources",
    Facet.MEETING: "meeting_series",
}
BATCH_SIZE = 500
# A key packs as one 64-bit integer, the facet above the value: every value (a record's id, a
# year, a choice's code) is far below 2**48.
VALUE_BITS = 48
VALUE_MASK = (1 << VALUE_BITS) - 1

EMPTY_SET = BitMap().serialize()

type Key = tuple[int, int]  # (facet, value)
type ValueCounts = dict[int, Counter[int]]  # facet → value → releases
type ValueSets = dict[int, dict[int, BitMap]]  # facet → value → public releases
type Moves = dict[Key, BitMap]  # key → releases gaining it, or losing it

# Moves in and out of the totals kept until the innermost `totals_moved_at_end` block ends, as
# (gained, lost) by database alias.
_held_moves: ContextVar[dict[str, tuple[Moves, Moves]] | None] = ContextVar(
    "facet_moves_held", default=None
)


class Keyed(NamedTuple):
    """A published release's keys, and when the public sees it."""

    publish_at: datetime.datetime
    keys: set[Key]


def pack(keys: Iterable[Key]) -> bytes:
    """Keys as stored: each as a little-endian signed 64-bit integer, in order."""
    codes = array("q", sorted((facet << VALUE_BITS) | value for facet, value in keys))
    if sys.byteorder == "big":
        codes.byteswap()
    return codes.tobytes()


def codes_of(packed: bytes) -> array:
    codes = array("q", packed)
    if sys.byteorder == "big":
        codes.byteswap()
    return codes


def unpack(packed: bytes) -> set[Key]:
    return {(code >> VALUE_BITS, code & VALUE_MASK) for code in codes_of(packed)}


def tally(packed: Iterable[bytes]) -> Counter[Key]:
    """How many of the packed key sets hold each key."""
    codes = codes_of(b"".join(packed))
    return Counter(
        {(code >> VALUE_BITS, code & VALUE_MASK): n for code, n in Counter(codes).items()}
    )


def by_facet(keys: Counter[Key], facets: Iterable[int] | None = None) -> ValueCounts:
    """Counts of keys as each facet's counts by value, of `facets` only when given."""
    wanted = None if facets is None else set(facets)
    counts: ValueCounts = defaultdict(Counter)
    for (facet, value), n in keys.items():
        if wanted is None or facet in wanted:
            counts[facet][value] = n
    return counts


def publication_year(moment: datetime.datetime) -> int:
    """The year of `moment` in the site's time zone, as the year filter reads it."""
    return timezone.localtime(moment, timezone.get_default_timezone()).year


def refresh_facet_keys(ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    """Rewrite the keys of these releases from what they are now (none for a release that is
    not published or no longer exists) and move them in and out of the totals by the
    difference."""
    ids = sorted(set(ids))
    if not ids:
        return
    ancestors = structure_ancestors(using)
    now = timezone.now()
    gained: Moves = defaultdict(BitMap)
    lost: Moves = defaultdict(BitMap)
    with transaction.atomic(using=using, savepoint=False):  # as in `index_releases`
        count_due_keys(using, now)
        for batch in itertools.batched(ids, BATCH_SIZE):
            keyed = current_keys(batch, ancestors, using, lock=True)
            counted = remove_keys(batch, using)
            for pk in batch:
                release = keyed.get(pk)
                now_counted = release.keys if release and release.publish_at <= now else set()
                before = counted.get(pk, set())
                for key in now_counted - before:
                    gained[key].add(pk)
                for key in before - now_counted:
                    lost[key].add(pk)
            insert_keys(keyed, now, using)
        move_or_hold(gained, lost, using)


@contextmanager
def totals_moved_at_end(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Within the block, refreshes keep their moves of releases in and out of the totals and
    make them all when it ends, in one read and one write of the sets. For bulk writers that
    refresh batch after batch inside one transaction: each batch read and rewrote every set
    (a sixth of a 100,000-release seed on PostgreSQL). The block must be inside the writers'
    transaction, and an error in it must roll that back: the moves are made only when it
    ends without one. Readers inside the block see the totals of before it."""
    outer = _held_moves.get() or {}
    if using in outer:  # the outer block makes the moves
        yield
        return
    held: tuple[Moves, Moves] = ({}, {})
    token = _held_moves.set({**outer, using: held})
    try:
        yield
    finally:
        _held_moves.reset(token)
    move_in_totals(*held, using)


def move_or_hold(gained: Moves, lost: Moves, using: str) -> None:
    """Move releases in and out of the totals now, or, inside `totals_moved_at_end`, add the
    moves to those held: a release gained and then lost is neither, and the other way round."""
    held = (_held_moves.get() or {}).get(using)
    if held is None:
        move_in_totals(gained, lost, using)
        return
    held_gained, held_lost = held
    for key in held_gained.keys() & lost.keys():
        held_gained[key] -= lost[key]
    for key in held_lost.keys() & gained.keys():
        held_lost[key] -= gained[key]
    for key, releases in gained.items():
        held_gained[key] = held_gained.get(key, BitMap()) | releases
    for key, releases in lost.items():
        held_lost[key] = held_lost.get(key, BitMap()) | releases


def rebuild_facet_keys(
    using: str = DEFAULT_DB_ALIAS,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Empty the keys and totals and write them again for every published release, in one
    transaction. With `dry_run`, compute every key but write nothing. `progress(done, total)`
    follows each batch. Returns the number of keys."""
    ids = list(
        PressRelease.objects.using(using)
        .filter(status=PressRelease.Status.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ancestors = structure_ancestors(using)
    now = timezone.now()
    members: dict[Key, BitMap] = defaultdict(BitMap)
    written = done = 0
    with transaction.atomic(using=using):
        if not dry_run:
            clear_table(FacetKeys, using)
            clear_table(FacetTotal, using)
        for batch in itertools.batched(ids, BATCH_SIZE):
            keyed = current_keys(batch, ancestors, using)
            for pk, release in keyed.items():
                if release.publish_at <= now:
                    for key in release.keys:
                        members[key].add(pk)
            written += sum(len(release.keys) for release in keyed.values())
            if not dry_run:
                insert_keys(keyed, now, using)
            done += len(batch)
            if progress:
                progress(done, len(ids))
        if not dry_run:
            write_totals(members, using)
    return written


def reconcile_facet_keys(using: str = DEFAULT_DB_ALIAS) -> int:
    """Refresh the releases whose keys are missing or left over: published releases without
    keys, keys of releases no longer published (rows written around the signals, a database
    flush, a database migrated to this schema). With no keys at all, rebuild them in one pass
    instead. Returns how many releases were refreshed."""
    published = PressRelease.objects.using(using).filter(status=PressRelease.Status.PUBLISHED)
    keyed = FacetKeys.objects.using(using)  # every published release has a row
    if not keyed.exists():
        if not published.exists():
            return 0
        rebuild_facet_keys(using)
        return published.count()
    missing = published.exclude(pk__in=keyed.values("release_id")).values_list("pk", flat=True)
    stale = keyed.exclude(release_id__in=published.values("pk")).values_list(
        "release_id", flat=True
    )
    ids = {*missing, *stale}
    if ids:
        refresh_facet_keys(ids, using)
    return len(ids)


def public_value_counts(
    using: str = DEFAULT_DB_ALIAS, facets: Iterable[int] | None = None
) -> ValueCounts:
    """The counts of `facets` (every facet by default) over the public releases: the totals,
    and the keys of the releases come due since they were written."""
    counts: ValueCounts = defaultdict(Counter)
    totals, due = read_public("releases", using, facets)
    for facet, value, releases in totals:
        counts[facet][value] = releases
    for facet, values in by_facet(tally(keys for _, keys in due), facets).items():
        counts[facet].update(values)
    return counts


def public_value_sets(
    using: str = DEFAULT_DB_ALIAS, facets: Iterable[int] | None = None
) -> ValueSets:
    """The public releases of each value of `facets` (every facet by default): the sets kept
    with the totals, and the releases come due since their keys were written."""
    wanted = None if facets is None else set(facets)
    sets: ValueSets = defaultdict(dict)
    totals, due = read_public("members", using, facets)
    for facet, value, members in totals:
        sets[facet][value] = BitMap.deserialize(members)
    for release_id, packed in due:
        for facet, value in unpack(packed):
            if wanted is None or facet in wanted:
                sets[facet].setdefault(value, BitMap()).add(release_id)
    return sets


def read_public(
    column: str, using: str, facets: Iterable[int] | None
) -> tuple[list[tuple[int, int, Any]], list[tuple[int, bytes]]]:
    """(facet, value, `column`) of the totals of `facets` (all by default) that count a
    release, and (release, packed keys) of the releases come due since their keys were
    written. One query: a single statement reads both from one snapshot, where a writer
    counting those releases between two reads would have had them counted twice or not at
    all."""
    connection = connections[using]
    quote = connection.ops.quote_name
    wanted = sorted(facets) if facets is not None else []
    only = f" AND {quote('facet')} IN ({', '.join(['%s'] * len(wanted))})" if wanted else ""
    with binary_cursor(connection) as cursor:
        cursor.execute(
            f"SELECT {quote('facet')}, {quote('value')}, {quote(column)}, NULL "
            f"FROM {quote(FacetTotal._meta.db_table)} WHERE {quote('releases')} > 0{only} "
            f"UNION ALL SELECT NULL, {quote('release_id')}, NULL, {quote('keys')} "
            f"FROM {quote(FacetKeys._meta.db_table)} "
            f"WHERE {quote('counted')} = %s AND {quote('publish_at')} <= %s",
            [*wanted, False, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        rows = cursor.fetchall()
    totals = [row[:3] for row in rows if row[0] is not None]
    due = [(release_id, bytes(packed)) for facet, release_id, _, packed in rows if facet is None]
    return totals, due


def count_due_keys(using: str, now: datetime.datetime) -> int:
    """Add to the totals the releases come due by `now` since their keys were written, and
    mark them counted: for writers, inside their transaction. Returns how many releases were
    counted."""
    due = FacetKeys.objects.using(using).filter(counted=False, publish_at__lte=now)
    rows = list(due.select_for_update().values_list("release_id", "keys"))
    if rows:
        counted = one_of("release_id", [release_id for release_id, _ in rows], using)
        FacetKeys.objects.using(using).filter(counted).update(counted=True)
        gained: Moves = defaultdict(BitMap)
        for release_id, packed in rows:
            for key in unpack(packed):
                gained[key].add(release_id)
        move_or_hold(gained, {}, using)
    return len(rows)


def quote_total(counts: Counter[int]) -> int:
    """The number of quotes that counts of `Facet.QUOTES` (releases by number of quotes) add
    up to."""
    return sum(quotes * releases for quotes, releases in counts.items())


def years_newest_first(years: Counter[int]) -> list[int]:
    """The years that counts of a year facet give at least one release, newest first."""
    return sorted(with_releases(years), reverse=True)


def with_releases(counts: Counter[int]) -> list[int]:
    """The values of one facet's counts that count at least one release, in order."""
    return sorted(value for value, releases in counts.items() if releases > 0)


# Writing ------------------------------------------------------------------------------------


def structure_ancestors(using: str) -> dict[int, list[int]]:
    """Each structure with those above it, itself first (a few hundred rows, one query)."""
    parent = dict(Structure.objects.using(using).values_list("pk", "parent_id"))
    lines = {}
    for pk in parent:
        line, current = [], pk
        while current is not None and current not in line:  # a cycle in bad data ends here
            line.append(current)
            current = parent.get(current)
        lines[pk] = line
    return lines


def current_keys(
    ids: tuple[int, ...], ancestors: dict[int, list[int]], using: str, *, lock: bool = False
) -> dict[int, Keyed]:
    """The keys the published ones among `ids` should have, from what they are now, by
    release. With `lock`, their release rows stay locked until the transaction ends, so that
    two refreshes of one release cannot both move the totals from the same old keys."""
    releases = PressRelease.objects.using(using).filter(one_of("pk", ids, using))
    if lock:
        releases = releases.select_for_update()
    keyed: dict[int, Keyed] = {}
    for pk, status, content_type, language, publish_at in releases.values_list(
        "pk", "status", "content_type", "language", "publish_at"
    ):
        if status != PressRelease.Status.PUBLISHED:
            continue
        keys = {(Facet.YEAR, publication_year(publish_at))}
        if code := CHOICE_CODES[Facet.TYPE].get(content_type):
            keys.add((Facet.TYPE, code))
        if code := CHOICE_CODES[Facet.LANGUAGE].get(language):
            keys.add((Facet.LANGUAGE, code))
        keyed[pk] = Keyed(publish_at, keys)
    if keyed:
        for pk, facet, value in linked_values(sorted(keyed), using):
            for each in ancestors.get(value, [value]) if facet == Facet.STRUCTURE else [value]:
                keyed[pk].keys.add((facet, each))
            if facet == Facet.QUOTES:
                keyed[pk].keys.add((Facet.QUOTE_YEAR, publication_year(keyed[pk].publish_at)))
    return keyed


def linked_values(ids: list[int], using: str) -> list[tuple[int, int, int]]:
    """(release, facet, value) of the releases' links, speakers, organisations (named, or
    through the speaker's role), tags and number of quotes, in one query. Refreshing one
    release, as an import does per page, otherwise took a round trip per table, and building
    the same query with the ORM every time cost more than running it."""
    connection = connections[using]
    listed = listed_ids(ids, using)
    content_type = ContentType.objects.db_manager(using).get_for_model(PressRelease)
    with connection.cursor() as cursor:
        cursor.execute(linked_values_sql(using, listed.sql), [*listed.params, content_type.pk])
        return cursor.fetchall()


@functools.cache
def linked_values_sql(using: str, listed: str) -> str:
    """The query of `linked_values`, `listed` being the SQL of the releases' ids."""
    quote = connections[using].ops.quote_name

    def table(model: type[Model]) -> str:
        return quote(model._meta.db_table)

    parts = []
    for facet, m2m_name in LINKED.items():
        field = PressRelease._meta.get_field(m2m_name)
        release = quote(f"{field.m2m_field_name()}_id")
        value = quote(f"{field.m2m_reverse_field_name()}_id")
        parts.append(
            f"SELECT {release}, {facet:d}, {value} FROM {table(field.remote_field.through)} "
            f"WHERE {release} IN (SELECT id FROM chosen)"
        )
    quotes, release = table(Quote), quote("release_id")
    for facet, column in ((Facet.SPEAKER, "speaker_id"), (Facet.ORGANISATION, "organisation_id")):
        parts.append(
            f"SELECT {release}, {facet:d}, {quote(column)} FROM {quotes} "
            f"WHERE {release} IN (SELECT id FROM chosen) AND {quote(column)} IS NOT NULL"
        )
    organisation = quote("organisation_id")
    parts.append(
        f"SELECT q.{release}, {Facet.ORGANISATION:d}, a.{organisation} FROM {quotes} q "
        f"INNER JOIN {table(Appointment)} a ON a.{quote('id')} = q.{quote('appointment_id')} "
        f"WHERE q.{release} IN (SELECT id FROM chosen) AND a.{organisation} IS NOT NULL"
    )
    parts.append(
        f"SELECT {release}, {Facet.QUOTES:d}, COUNT(*) FROM {quotes} "
        f"WHERE {release} IN (SELECT id FROM chosen) GROUP BY {release}"
    )
    object_id = quote("object_id")
    parts.append(
        f"SELECT {object_id}, {Facet.TAG:d}, {quote('tag_id')} "
        f"FROM {table(PressRelease.tags.through)} "
        f"WHERE {object_id} IN (SELECT id FROM chosen) AND {quote('content_type_id')} = %s"
    )
    return f"WITH chosen (id) AS ({listed}) " + " UNION ALL ".join(parts)


def remove_keys(ids: tuple[int, ...], using: str) -> dict[int, set[Key]]:
    """DELETE the keys of these releases and return those the totals counted, by release, in
    one query."""
    connection = connections[using]
    quote = connection.ops.quote_name
    listed = listed_ids(ids, using)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(FacetKeys._meta.db_table)} WHERE {quote('release_id')} "
            f"IN ({listed.sql}) RETURNING {quote('release_id')}, {quote('keys')}, "
            f"{quote('counted')}",
            listed.params,
        )
        return {pk: unpack(packed) for pk, packed, counted in cursor.fetchall() if counted}


def clear_table(model: type[Model], using: str) -> None:
    """DELETE every row in SQL: the ORM's delete would load each one to send the delete
    signals other apps listen to for content."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def insert_keys(keyed: dict[int, Keyed], now: datetime.datetime, using: str) -> None:
    """INSERT each release's keys, packed, one row per release: counted when the public sees
    the release at `now`."""
    if not keyed:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in ("release_id", "keys", "publish_at", "counted"))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(FacetKeys._meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s)",
            [
                (
                    pk,
                    pack(release.keys),
                    connection.ops.adapt_datetimefield_value(release.publish_at),
                    release.publish_at <= now,
                )
                for pk, release in keyed.items()
            ],
        )


def move_in_totals(gained: Moves, lost: Moves, using: str) -> None:
    """Add releases to the sets of the keys they gained and take them out of those they lost,
    in two queries. The first creates the totals not yet there and locks every one concerned
    (in key order, so that two writers cannot each hold one the other waits for) while
    reading its set; the second writes the sets back with their sizes. Concurrent writers
    wait for each other's sets instead of overwriting them."""
    keys = sorted(gained.keys() | lost.keys())
    if not keys:
        return
    connection = connections[using]
    table, facet, value, releases, members = quoted_totals(using)
    current: dict[Key, bytes] = {}
    with binary_cursor(connection) as cursor:
        for chunk in itertools.batched(keys, 1000):
            cursor.execute(
                f"INSERT INTO {table} ({facet}, {value}, {releases}, {members}) "
                f"VALUES {', '.join(['(%s, %s, 0, %s)'] * len(chunk))} "
                f"ON CONFLICT ({facet}, {value}) DO UPDATE SET {releases} = {table}.{releases} "
                f"RETURNING {facet}, {value}, {members}",
                [item for key in chunk for item in (*key, EMPTY_SET)],
            )
            current.update(((f, v), bytes(packed)) for f, v, packed in cursor.fetchall())
    sets = {}
    for key in keys:
        sets[key] = (BitMap.deserialize(current[key]) | gained.get(key, BitMap())) - lost.get(
            key, BitMap()
        )
    write_totals(sets, using)


def quoted_totals(using: str) -> tuple[str, str, str, str, str]:
    """The totals' table and its columns facet, value, releases and members, quoted."""
    quote = connections[using].ops.quote_name
    return quote(FacetTotal._meta.db_table), *map(quote, ("facet", "value", "releases", "members"))


def write_totals(sets: dict[Key, BitMap], using: str) -> None:
    """Write each key's set and its size, over what is there, in one upsert per thousand."""
    if not sets:
        return
    connection = connections[using]
    table, facet, value, releases, members = quoted_totals(using)
    with binary_cursor(connection) as cursor:
        for chunk in itertools.batched(sorted(sets.items()), 1000):
            cursor.execute(
                f"INSERT INTO {table} ({facet}, {value}, {releases}, {members}) "
                f"VALUES {', '.join(['(%s, %s, %s, %s)'] * len(chunk))} "
                f"ON CONFLICT ({facet}, {value}) DO UPDATE SET "
                f"{releases} = excluded.{releases}, {members} = excluded.{members}",
                [
                    item
                    for key, releases_of_key in chunk
                    for item in (*key, len(releases_of_key), releases_of_key.serialize())
                ],
            )
