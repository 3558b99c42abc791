"""Write parsed pages to the database: one page per transaction, idempotently.

A page is identified by its source URL when known (given on the command line or by the page's
canonical link), else by `import_key`, a hash of its folded title and date. Importing a page
again updates that release and its quotes in place and reports "unchanged" when nothing
differs. Imported releases are drafts dated by the release (publication time: noon on its date,
in the site's time zone) unless `publish` is set; a re-import never unpublishes or withdraws.
"""

import datetime
import glob
import hashlib
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils import timezone

from ..bulk import prepared_statements
from ..models import PressRelease, Quote, fold
from ..sanitizing import sanitize_html
from ..search import batched_indexing, reindex
from .parsing import PageError, ParsedPage, read_page
from .quotes import find_quotes
from .reports import CREATED, FAILED, UNCHANGED, UPDATED, ImportReport, PageResult
from .resolving import Resolver

SOURCES = PressRelease.sources.through
FIELDS = PressRelease.fields_of_work.through

ROLE_MAX_LENGTH = Quote._meta.get_field("role_text").max_length
NOTE_MAX_LENGTH = Quote._meta.get_field("review_note").max_length
QUOTE_FIELDS = (
    "speaker_id", "appointment_id", "role_text", "organisation_id", "structure_id", "text",
    "order", "needs_review", "review_note",
)  # fmt: skip
# What staff settle when they review a quote; a re-import keeps their answer.
REVIEWED_FIELDS = (
    "appointment_id", "role_text", "organisation_id", "structure_id", "needs_review",
    "review_note",
)  # fmt: skip


class NoSuchPages(Exception):
    """Paths that name no file, folder or glob match; nothing was imported."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(", ".join(missing))


def collect_files(arguments: list[str]) -> list[Path]:
    """The files named by `arguments`: files, folders (searched recursively, hidden entries
    skipped) and glob patterns, in order, each once."""
    files: list[Path] = []
    missing: list[str] = []
    for argument in arguments:
        path = Path(argument)
        matches = (
            [path]
            if path.exists()
            else [Path(m) for m in sorted(glob.glob(argument, recursive=True))]
        )
        if not matches:
            missing.append(argument)
        for match in matches:
            if match.is_dir():
                files += sorted(
                    p
                    for p in match.rglob("*")
                    if p.is_file()
                    and not any(part.startswith(".") for part in p.relative_to(match).parts)
                )
            elif match.is_file():
                files.append(match)
    if missing:
        raise NoSuchPages(missing)
    return list(dict.fromkeys(files))


def import_files(
    paths: list[Path],
    *,
    dry_run: bool = False,
    publish: bool = False,
    source_url: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import each file in its own transaction; a page that fails is reported and the others go
    on. With `dry_run` every page runs inside one transaction that is rolled back at the end,
    so the report counts exactly what a real run would do, and nothing is written."""
    report = ImportReport(dry_run=dry_run)
    resolver = Resolver()
    with prepared_statements(), transaction.atomic() if dry_run else nullcontext():
        for done, path in enumerate(paths, 1):
            result = _import_file(path, resolver, publish=publish, source_url=source_url)
            if result.outcome == FAILED:
                resolver = Resolver()  # the cached rows it created were rolled back
            report.pages.append(result)
            if progress is not None:
                progress(done, len(paths))
        if dry_run:
            transaction.set_rollback(True)
    return report


def _import_file(path: Path, resolver: Resolver, *, publish: bool, source_url: str) -> PageResult:
    try:
        page = read_page(path)
        if source_url:
            page.source_url = source_url
        with transaction.atomic(), batched_indexing():
            return import_page(page, resolver, publish=publish, label=str(path))
    except PageError as error:
        return PageResult(str(path), FAILED, reason=str(error))
    except DatabaseError as error:
        return PageResult(str(path), FAILED, reason=f"the database refused it: {error}")


def import_key(page: ParsedPage) -> str:
    """The page's identity when no source URL is known: its folded title and its date."""
    return hashlib.sha256(f"{fold(page.title)}\n{page.date.isoformat()}".encode()).hexdigest()


def import_page(
    page: ParsedPage, resolver: Resolver, *, publish: bool = False, label: str = ""
) -> PageResult:
    """Create or update the release for `page` with its quotes. Run it inside a transaction;
    on error the caller rolls back and leaves `resolver`, whose cache may name rolled-back rows."""
    result = PageResult(label or page.title, UNCHANGED, title=page.title)
    resolver.begin_page()
    sources, unknown_sources = resolver.sources(page.sources)
    fields, unknown_fields = resolver.fields_of_work(page.fields_of_work)
    result.review += [
        f"unknown source “{name}”: not in the taxonomy, left out" for name in unknown_sources
    ]
    result.review += [
        f"unknown field of work “{name}”: not in the taxonomy, left out" for name in unknown_fields
    ]
    result.review += page.notes
    quotes = _plan_quotes(page, sources, resolver, result)

    key = import_key(page)
    release = _existing_release(page, key)
    created = release is None
    if created:
        release = _create_release(page, key, publish)
        result.outcome = CREATED
    elif _update_release(release, page, key, publish):
        result.outcome = UPDATED
    links_changed = _sync_links(release, SOURCES, "structure", sources, created=created)
    links_changed |= _sync_links(release, FIELDS, "fieldofwork", fields, created=created)
    existing = [] if created else list(release.quotes.order_by("order", "pk"))
    planned = [values for values, _ in quotes]
    result.quotes_created, quotes_changed = _sync_quotes(release, existing, planned)
    if (links_changed or quotes_changed) and result.outcome == UNCHANGED:
        release.save(update_fields=["updated_at"])
        result.outcome = UPDATED
    if result.outcome != UNCHANGED:
        # Links and quotes were written in bulk, without the signals that re-index.
        reindex([release.pk])
    result.review += [
        f"quote {values['order'] + 1} ({who}): {values['review_note']}"
        for values, who in quotes
        if values["needs_review"]
    ]
    result.quotes = len(quotes)
    result.speakers_created = resolver.created_people
    result.organisations_created = resolver.created_organisations
    return result


def _plan_quotes(
    page: ParsedPage, sources: list, resolver: Resolver, result: PageResult
) -> list[tuple[dict, str]]:
    """The quotes as (Quote field values, who is quoted), in order. A quotation no one can be
    named for is left out and reported in `result`."""
    planned: list[tuple[dict, str]] = []
    for found in find_quotes(page.paragraphs):
        values = dict.fromkeys(QUOTE_FIELDS) | {"text": found.text, "role_text": ""}
        notes = [found.doubt] if found.doubt else []
        body = resolver.body(found.described_as) if found.described_as else None
        if body is not None:  # "…,” the OSCE Mission to BiH said.
            values |= {
                "organisation_id": _pk(body.organisation),
                "structure_id": _pk(body.structure),
            }
            notes = []
        elif found.speaker:
            person = resolver.person(found.speaker)
            values["speaker_id"] = person.pk
            role = found.role
            if len(role) > ROLE_MAX_LENGTH:
                notes.append("the role is too long to be one; check the attribution")
                role = role[: ROLE_MAX_LENGTH - 1] + "…"
            if role:
                match = resolver.role(role)
                values["organisation_id"] = _pk(match.organisation)
                values["structure_id"] = _pk(match.structure)
                if match.doubt:
                    notes.append(match.doubt)
                    values["role_text"] = role
                appointment = resolver.appointment(person, role, match.organisation, page.date)
                values["appointment_id"] = appointment.pk
        elif sources:
            values["structure_id"] = sources[0].pk
            notes.append(f"attributed to the release's source, {sources[0].display_name}")
        else:
            result.review.append(
                f"quotation left out, no one to attribute it to: “{_excerpt(found.text)}” "
                f"({found.doubt})"
            )
            continue
        values["order"] = len(planned)
        values["needs_review"] = bool(notes)
        values["review_note"] = _shorten("; ".join(notes), NOTE_MAX_LENGTH)
        planned.append((values, found.speaker or found.described_as or "no speaker"))
    return planned


def _pk(row) -> int | None:
    return row.pk if row is not None else None


def _excerpt(text: str) -> str:
    return _shorten(text, 60)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _existing_release(page: ParsedPage, key: str) -> PressRelease | None:
    # Unique lookups: order by pk to spare compiling the default ordering.
    releases = PressRelease.objects.order_by("pk")
    if page.source_url:
        release = releases.filter(source_url=page.source_url).first()
        # A page first imported without its address is adopted, not duplicated.
        return release or releases.filter(import_key=key, source_url=None).first()
    return releases.filter(import_key=key).first()


def _publication_time(page: ParsedPage) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(page.date, datetime.time(12)))


def _content(page: ParsedPage) -> dict:
    return {
        "content_type": page.content_type,
        "title": page.title,
        "places": page.places,
        "lead": page.lead,
        "body": sanitize_html(page.body_html),
    }


def _create_release(page: ParsedPage, key: str, publish: bool) -> PressRelease:
    # Without a source URL the key was looked up already, and found free.
    key_taken = bool(page.source_url) and PressRelease.objects.filter(import_key=key).exists()
    return PressRelease.objects.create(
        **_content(page),
        source_url=page.source_url or None,
        import_key=None if key_taken else key,
        status=PressRelease.Status.PUBLISHED if publish else PressRelease.Status.DRAFT,
        publish_at=_publication_time(page),
    )


def _update_release(release: PressRelease, page: ParsedPage, key: str, publish: bool) -> bool:
    """Bring the release's own fields in line with `page`; True when anything changed."""
    values = _content(page)
    if page.source_url:
        values["source_url"] = page.source_url
    if release.import_key is None and not PressRelease.objects.filter(import_key=key).exists():
        values["import_key"] = key
    if release.publish_at is None or timezone.localdate(release.publish_at) != page.date:
        values["publish_at"] = _publication_time(page)
    if publish and release.status in (PressRelease.Status.DRAFT, PressRelease.Status.IN_REVIEW):
        values["status"] = PressRelease.Status.PUBLISHED
    changed = [name for name, value in values.items() if getattr(release, name) != value]
    for name in changed:
        setattr(release, name, values[name])
    if changed:
        release.save(update_fields=[*changed, "updated_at"])
    return bool(changed)


def _sync_links(release: PressRelease, through, target: str, rows: list, *, created: bool) -> bool:
    """Point the release's sources or fields of work (`through`, the link table, whose column
    `target` names the other side) at `rows`; True when anything changed."""
    links = through.objects.filter(pressrelease=release)
    current = set() if created else set(links.values_list(f"{target}_id", flat=True))
    wanted = {row.pk for row in rows}
    if current == wanted:
        return False
    if stale := current - wanted:
        links.filter(**{f"{target}_id__in": stale}).delete()
    through.objects.bulk_create(
        [through(pressrelease=release, **{f"{target}_id": pk}) for pk in wanted - current]
    )
    return True


def _sync_quotes(
    release: PressRelease, existing: list[Quote], planned: list[dict]
) -> tuple[int, bool]:
    """Make the release's `existing` quotes the `planned` ones, updating them in place position
    by position; returns (quotes created, whether anything changed). A quote staff have
    reviewed keeps their attribution while its words and speaker stay the same; `planned` is
    updated to match."""
    changed_quotes, changed_fields = [], set()
    for quote, values in zip(existing, planned, strict=False):
        if (
            values["needs_review"]
            and not quote.needs_review
            and (quote.text, quote.speaker_id) == (values["text"], values["speaker_id"])
        ):
            values.update({name: getattr(quote, name) for name in REVIEWED_FIELDS})
        differing = [name for name in QUOTE_FIELDS if getattr(quote, name) != values[name]]
        for name in differing:
            setattr(quote, name, values[name])
            changed_fields.add(name.removesuffix("_id"))
        if differing:
            changed_quotes.append(quote)
    if changed_quotes:
        Quote.objects.bulk_update(changed_quotes, sorted(changed_fields))
    new = [Quote(release=release, **values) for values in planned[len(existing) :]]
    Quote.objects.bulk_create(new)
    surplus = [quote.pk for quote in existing[len(planned) :]]
    if surplus:
        Quote.objects.filter(pk__in=surplus).delete()
    return len(new), bool(changed_quotes or new or surplus)
