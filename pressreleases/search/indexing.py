"""Keeping the search indexes current, and with them the facet keys (`facet_index`).

Every release except withdrawn ones is indexed (staff search drafts in the admin; the public
search narrows to `public()` itself), with its quotes, speakers, sources and tags; each quote of
an indexed release is indexed for the quotes search. Signal receivers (signals.py) call
`index_releases` whenever any of that changes, so the index is correct without a rebuild.
Code that writes without signals (`bulk_create`, `QuerySet.update`) calls `index_releases`
with the ids it touched, or `rebuild_search_index` after a bulk load.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, transaction

from ..facet_index import refresh_facet_keys
from ..models import PressRelease, Quote
from .indexes import QUOTES, RELEASES, Document, backend_for
from .text import clean, html_to_text

BATCH_SIZE = 500

# Releases to re-index when the innermost `batched_indexing` block ends, by database alias.
_pending: ContextVar[dict[str, set[int]] | None] = ContextVar("search_pending", default=None)


def index_releases(ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> int:
    """Bring the index rows of these releases and of their quotes up to date: add, refresh or
    remove each (a withdrawn or deleted release leaves the index). Returns how many releases
    are now indexed.

    The releases' facet keys are refreshed with them: every change that touches a release's
    search document or its facets comes through here."""
    backend = backend_for(using)
    ids = list(ids)
    indexed = 0
    with transaction.atomic(using=using):
        refresh_facet_keys(ids, using)
        for batch in _batches(ids):
            releases, quotes, quote_keys = _documents(batch, using)
            backend.write(using, RELEASES, releases, removed=batch)
            backend.write(using, QUOTES, quotes, removed=quote_keys)
            indexed += len(releases)
    return indexed


@contextmanager
def batched_indexing() -> Iterator[None]:
    """Within the block, `reindex` only notes the releases it is given; each is indexed once when
    the block ends. Saving a release, then its links and quotes one by one, would otherwise
    index it again after every step. Nothing is indexed when the block raises: the caller's
    transaction is rolled back. A nested block joins the outer one."""
    if _pending.get() is not None:
        yield
        return
    pending: dict[str, set[int]] = defaultdict(set)
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    for using, ids in pending.items():
        index_releases(sorted(ids), using=using)


def reindex(ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    """Index these releases now, or when the enclosing `batched_indexing` block ends."""
    pending = _pending.get()
    if pending is None:
        index_releases(ids, using=using)
    else:
        pending[using].update(ids)


def remove_releases(ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    """Take releases out of the index (their quotes go through `remove_quotes`)."""
    backend_for(using).write(using, RELEASES, [], removed=list(ids))


def remove_quotes(ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    backend_for(using).write(using, QUOTES, [], removed=list(ids))


def rebuild_search_index(
    using: str = DEFAULT_DB_ALIAS,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Empty both indexes and index every release again, in one transaction (searches see the
    old index until it commits). With `dry_run`, build every document but write nothing.
    `progress(done, total)` is called after each batch. Returns the number of releases indexed."""
    backend = backend_for(using)
    ids = list(
        PressRelease.objects.using(using)
        .exclude(status=PressRelease.Status.WITHDRAWN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    done = 0
    with transaction.atomic(using=using):
        if not dry_run:
            backend.clear(using, RELEASES)
            backend.clear(using, QUOTES)
        for batch in _batches(ids):
            releases, quotes, _ = _documents(batch, using)
            if not dry_run:
                backend.write(using, RELEASES, releases, removed=[])
                backend.write(using, QUOTES, quotes, removed=[])
            done += len(batch)
            if progress:
                progress(done, len(ids))
    return len(ids)


def reconcile_search_index(using: str = DEFAULT_DB_ALIAS) -> tuple[int, int]:
    """Index releases missing from the index and drop rows whose release or quote is gone
    (rows written around the signals, e.g. by `bulk_create` or a test database flush).
    Returns (releases added, rows removed)."""
    backend = backend_for(using)
    if not backend.table_exists(using, RELEASES):
        return 0, 0
    wanted = set(
        PressRelease.objects.using(using)
        .exclude(status=PressRelease.Status.WITHDRAWN)
        .values_list("pk", flat=True)
    )
    wanted_quotes = set(
        Quote.objects.using(using)
        .exclude(release__status=PressRelease.Status.WITHDRAWN)
        .values_list("pk", flat=True)
    )
    indexed = backend.indexed_keys(using, RELEASES)
    stale = sorted(indexed - wanted)
    stale_quotes = sorted(backend.indexed_keys(using, QUOTES) - wanted_quotes)
    with transaction.atomic(using=using):
        backend.write(using, RELEASES, [], removed=stale)
        backend.write(using, QUOTES, [], removed=stale_quotes)
        added = index_releases(sorted(wanted - indexed), using=using)
    return added, len(stale) + len(stale_quotes)


def _batches(ids: Iterable[int]) -> Iterator[list[int]]:
    iterator = iter(ids)
    while batch := list(islice(iterator, BATCH_SIZE)):
        yield batch


def _documents(ids: list[int], using: str) -> tuple[list[Document], list[Document], list[int]]:
    """Index documents for the indexable releases among `ids` and for their quotes, and the
    keys of every quote of those releases (whose rows are replaced)."""
    releases = (
        PressRelease.objects.using(using)
        .filter(pk__in=ids)
        .exclude(status=PressRelease.Status.WITHDRAWN)
        .values_list("pk", "title", "lead", "body", "language")
    )
    language = {}
    texts: dict[int, dict[str, list[str]]] = {}
    for pk, title, lead, body, lang in releases:
        language[pk] = lang
        texts[pk] = defaultdict(list, title=[title], lead=[lead], body=[html_to_text(body)])

    quote_keys, quotes = [], []
    for pk, release_id, text, speaker in (
        Quote.objects.using(using)
        .filter(release_id__in=ids)
        .order_by("release_id", "order", "pk")
        .values_list("pk", "release_id", "text", "speaker__full_name")
    ):
        quote_keys.append(pk)
        if release_id not in texts:
            continue
        texts[release_id]["quotes"].append(text)
        if speaker and speaker not in texts[release_id]["speakers"]:
            texts[release_id]["speakers"].append(speaker)
        quotes.append(
            Document(
                pk, language[release_id], {"quote": clean(text), "speaker": clean(speaker or "")}
            )
        )

    for release_id, *names in (
        PressRelease.sources.through.objects.using(using)
        .filter(pressrelease_id__in=texts)
        .values_list(
            "pressrelease_id",
            "structure__name",
            "structure__full_name",
            "structure__acronym",
            "structure__short_names",
        )
    ):
        *single_names, short_names = names
        for name in [*single_names, *(short_names or [])]:
            if name and name not in texts[release_id]["sources"]:
                texts[release_id]["sources"].append(name)

    content_type = ContentType.objects.db_manager(using).get_for_model(PressRelease)
    for release_id, tag in (
        PressRelease.tags.through.objects.using(using)
        .filter(content_type=content_type, object_id__in=texts)
        .order_by("tag__name")
        .values_list("object_id", "tag__name")
    ):
        texts[release_id]["tags"].append(tag)

    documents = [
        Document(
            pk,
            language[pk],
            {name: clean("\n".join(texts[pk][name])) for name, _ in RELEASES.columns},
        )
        for pk in sorted(texts)
    ]
    return documents, quotes, quote_keys
