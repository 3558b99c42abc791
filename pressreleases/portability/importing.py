"""Load an export document: validated whole first, then written in one transaction.

Records are upserted by natural key, so importing into an empty or a populated database both
work and importing the same document again changes nothing. A stored row equal to its record is
left untouched (not even saved). Rows the document does not mention are kept. Within a release
that differs, the document is authoritative: its sources, fields, countries, meeting series,
tags, related releases, quotes, images and attachments become exactly those listed.
"""

import contextlib
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, models, reset_queries, transaction
from taggit.models import Tag, TaggedItem

from taxonomy.models import Chairpersonship, Country, FieldOfWork, MeetingSeries, Structure

from ..bulk import insert_rows, refresh_statistics
from ..caching import content_changed
from ..facet_index import totals_moved_at_end
from ..models import Person, PressRelease
from ..search import index_releases
from .checking import normalize
from .jsonstream import members
from .reading import ReleaseBatch, with_appointments, with_keys
from .records import (
    APPOINTMENT,
    PERSON,
    RELEASE,
    SECTIONS,
    TAXONOMY_SECTIONS,
    Kind,
    RecordType,
    appointment_key,
    own_columns,
    serialize,
    values,
)
from .validating import DumpError, validate

CHUNK = 500

Progress = Callable[[int, int], None]
TAXONOMY_M2M = [
    column
    for column in RELEASE.columns
    if column.kind is Kind.REFS and column.key not in {"tags", "related"}
]
# What a release without relations serializes to, as far as release_relations() looks.
NO_RELATIONS: dict[str, Any] = {
    "translation_of": None,
    **{column.key: [] for column in RELEASE.columns if column.kind is Kind.REFS},
    **{name: [] for name in RELEASE.children},
}
RELEASE_SCALARS = [
    column.key
    for column in RELEASE.columns
    if column.kind is not Kind.REFS and column.key != "translation_of"
]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


@dataclass
class ImportReport:
    sections: dict[str, Counts] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return any(counts.changed for counts in self.sections.values())

    def counts(self, label: str) -> Counts:
        return self.sections.setdefault(label, Counts())


def import_content(
    path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Validate the document at `path` completely, then write it in one transaction (rolled
    back when `dry_run`). Raises DumpError, having written nothing, when it is refused.
    `progress(done, total)` follows the releases being written."""
    with _opened(path) as stream:
        counts = validate(stream)
    report = ImportReport(dry_run=dry_run)
    try:
        with _opened(path) as stream, transaction.atomic():
            with totals_moved_at_end():
                _Importer(report, progress, counts.get("releases", 0)).run(members(stream))
            if dry_run:
                transaction.set_rollback(True)
            elif report.changed:
                # The release rows were written in bulk, which the page cache does not see.
                content_changed()
    except DatabaseError as error:
        # Validation catches what it can foresee; anything else still leaves nothing behind.
        raise DumpError(
            [f"the database refused a write, so nothing was written: {error}"]
        ) from error
    if report.changed and not dry_run:
        refresh_statistics()
    return report


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[TextIO]:
    try:
        stream = path.open(encoding="utf-8")
    except OSError as error:
        raise DumpError([f"{path}: cannot be read ({error.strerror or error})."]) from None
    with stream:
        yield stream


def _canonical(raws: Iterable[Any], record_type: RecordType) -> Iterator[dict[str, Any]]:
    # Already validated: normalising again only yields the canonical form.
    for raw in raws:
        yield normalize(raw, record_type, "", [])


def _depth_first(records: list[dict]) -> list[dict]:
    parents = {record["slug"]: record["parent"] for record in records}

    def depth(slug: str) -> int:
        return 0 if not parents.get(slug) else 1 + depth(parents[slug])

    return sorted(records, key=lambda record: depth(record["slug"]))


class _Importer:
    def __init__(self, report: ImportReport, progress: Progress | None, total: int):
        self.report = report
        self.progress, self.total = progress, total
        self.ids: dict[str, dict[Any, int]] = defaultdict(dict)
        self.translations: list[tuple[int, str | None]] = []
        self.related: list[tuple[int, list[str]]] = []

    def run(self, document: Iterator[tuple[str, Any]]) -> None:
        for key, value in document:
            if key == "taxonomy":
                self.taxonomy(value)
            elif key == "tags":
                self.upsert("tags", _canonical(value, SECTIONS["tags"]), Tag.objects, "name")
            elif key == "organisations":
                organisations = SECTIONS["organisations"]
                queryset = organisations.model.objects.select_related("country", "structure")
                self.upsert("organisations", _canonical(value, organisations), queryset, "slug")
            elif key == "people":
                self.people(_canonical(value, PERSON))
            elif key == "releases":
                self.releases(_canonical(value, RELEASE))
        self.release_links()

    def save(
        self,
        row: models.Model | None,
        record: dict[str, Any],
        record_type: RecordType,
        counts: Counts,
        **fixed: Any,
    ) -> models.Model:
        """Create or update one row from its record; leave it alone when already equal."""
        if row is not None and serialize(row, record_type) == own_columns(record, record_type):
            counts.unchanged += 1
            return row
        new_values = values(record, record_type, self.ids)
        if row is None:
            row = record_type.model(**fixed, **new_values)
            counts.created += 1
        else:
            for name, value in new_values.items():
                setattr(row, name, value)
            counts.updated += 1
        row.save()
        return row

    def upsert(
        self, section: str, records: Iterable[dict], queryset: models.QuerySet, key: str
    ) -> None:
        record_type = SECTIONS.get(section) or TAXONOMY_SECTIONS[section]
        counts = self.report.counts(section)
        for chunk in itertools.batched(records, CHUNK):
            stored = {
                getattr(row, key): row
                for row in queryset.filter(**{f"{key}__in": [record[key] for record in chunk]})
            }
            for record in chunk:
                row = self.save(stored.get(record[key]), record, record_type, counts)
                self.ids[section][record[key]] = row.pk

    def taxonomy(self, sections: dict[str, list]) -> None:
        records = {
            name: list(_canonical(sections.get(name, []), record_type))
            for name, record_type in TAXONOMY_SECTIONS.items()
        }
        self.upsert("fields_of_work", records["fields_of_work"], FieldOfWork.objects, "slug")
        self.upsert("countries", records["countries"], Country.objects, "slug")
        self.upsert(
            "chairpersonships",
            records["chairpersonships"],
            Chairpersonship.objects.select_related("country"),
            "year",
        )
        self.upsert(
            "structures",
            _depth_first(records["structures"]),
            Structure.objects.select_related("parent", "host_country"),
            "slug",
        )
        self.upsert("meeting_series", records["meeting_series"], MeetingSeries.objects, "slug")

    def people(self, records: Iterable[dict]) -> None:
        counts, appointment_counts = (
            self.report.counts("people"),
            self.report.counts("appointments"),
        )
        for chunk in itertools.batched(records, CHUNK):
            slugs = [record["slug"] for record in chunk]
            stored = {p.slug: p for p in with_appointments(Person.objects.filter(slug__in=slugs))}
            for record in chunk:
                person = self.save(stored.get(record["slug"]), record, PERSON, counts)
                self.ids["people"][record["slug"]] = person.pk
                held: dict[tuple, models.Model] = {}
                if record["slug"] in stored:
                    for appointment in person.appointments.all():
                        start = (
                            appointment.start_date.isoformat() if appointment.start_date else None
                        )
                        held.setdefault((appointment.title, start), appointment)
                for appointment in record["appointments"]:
                    key = (appointment["title"], appointment["start_date"])
                    row = self.save(
                        held.get(key), appointment, APPOINTMENT, appointment_counts, person=person
                    )
                    self.ids["appointments"][appointment_key(record["slug"], *key)] = row.pk

    def releases(self, records: Iterable[dict]) -> None:
        """Releases a chunk at a time, in bulk: rows first (new ones need their keys), then
        their relations and children, then the search index for the whole chunk. Bulk writes
        send no per-row signals, which would index each release before its quotes exist."""
        counts = self.report.counts("releases")
        for chunk in itertools.batched(records, CHUNK):
            slugs = [record["slug"] for record in chunk]
            stored = {r.slug: r for r in with_keys(PressRelease.objects.filter(slug__in=slugs))}
            loaded = ReleaseBatch(list(stored.values()))
            updated: list[tuple[PressRelease, dict, dict]] = []
            new: list[tuple[PressRelease, dict]] = []
            for record in chunk:
                release = stored.get(record["slug"])
                if release is None:
                    new.append((PressRelease(**self.release_values(record)), record))
                    continue
                current = loaded.record(release)
                if current == record:
                    counts.unchanged += 1
                    continue
                if any(current[key] != record[key] for key in RELEASE_SCALARS):
                    PressRelease.objects.filter(pk=release.pk).update(**self.release_values(record))
                updated.append((release, current, record))
            PressRelease.objects.bulk_create([release for release, _ in new])
            batch = _Batch(stamps=[release for release, _ in new])
            for release, record in new:
                # bulk_create stamps updated_at with the present; the document's value wins.
                release.updated_at = dt.datetime.fromisoformat(record["updated_at"])
                updated.append((release, NO_RELATIONS, record))
            counts.created += len(new)
            counts.updated += len(updated) - len(new)
            for release, current, record in updated:
                self.ids["releases"][record["slug"]] = release.pk
                children = {
                    name: loaded.children[name].get(release.pk, []) for name in RELEASE.children
                }
                self.release_relations(release, children, current, record, batch)
            batch.write()
            index_releases([release.pk for release, _, _ in updated])
            # Under DEBUG every statement, bodies and all, stays in the queries log.
            reset_queries()
            if self.progress:
                self.progress(counts.created + counts.updated + counts.unchanged, self.total)

    def release_values(self, record: dict) -> dict[str, Any]:
        return values(record, RELEASE, self.ids, skip=frozenset({"translation_of"}))

    def release_relations(
        self,
        release: PressRelease,
        children: dict[str, list[models.Model]],
        current: dict,
        record: dict,
        batch: "_Batch",
    ) -> None:
        for column in TAXONOMY_M2M:
            if current[column.key] != record[column.key]:
                targets = [self.ids[column.target][key] for key in record[column.key]]
                batch.m2m[column.key].append((release.pk, targets))
        if current["tags"] != record["tags"]:
            batch.tags.append((release.pk, [self.ids["tags"][name] for name in record["tags"]]))
        for name, child_type in RELEASE.children.items():
            if current[name] != record[name]:
                self.sync_children(release, children[name], record[name], child_type, batch)
        if current["translation_of"] != record["translation_of"]:
            self.translations.append((release.pk, record["translation_of"]))
        if current["related"] != record["related"]:
            self.related.append((release.pk, record["related"]))

    def sync_children(
        self,
        release: PressRelease,
        stored: list[models.Model],
        records: list[dict],
        child_type: RecordType,
        batch: "_Batch",
    ) -> None:
        """Match children by position: the document's first quote updates the stored first
        quote, extra ones are created, surplus stored ones removed."""
        counts = self.report.counts(child_type.model._meta.verbose_name_plural)
        for position, record in enumerate(records):
            if position >= len(stored):
                batch.created[child_type.model].append(
                    values(record, child_type, self.ids) | {"release_id": release.pk}
                )
                counts.created += 1
            elif serialize(stored[position], child_type) == record:
                counts.unchanged += 1
            else:
                new_values = values(record, child_type, self.ids)
                # Assigning an image file would make Django open it to read its size; the
                # size is in the record and the file need not be on this machine.
                child_type.model.objects.filter(pk=stored[position].pk).update(**new_values)
                counts.updated += 1
        surplus = stored[len(records) :]
        batch.removed[child_type.model].extend(child.pk for child in surplus)
        counts.removed += len(surplus)

    def release_links(self) -> None:
        """translation_of and related, once every release of the document is stored (they may
        point forward)."""
        wanted = {slug for _, slug in self.translations if slug}
        wanted |= {slug for _, slugs in self.related for slug in slugs}
        known = self.ids["releases"]
        missing = [slug for slug in wanted if slug not in known]
        for start in range(0, len(missing), CHUNK):
            found = PressRelease.objects.filter(slug__in=missing[start : start + CHUNK])
            known.update(found.values_list("slug", "pk"))
        PressRelease.objects.bulk_update(
            [
                PressRelease(pk=pk, translation_of_id=known[slug] if slug else None)
                for pk, slug in self.translations
            ],
            ["translation_of"],
            batch_size=CHUNK,
        )
        batch = _Batch()
        batch.m2m["related"] = [(pk, [known[slug] for slug in slugs]) for pk, slugs in self.related]
        batch.write()


@dataclass
class _Batch:
    """Writes of one chunk of releases, done together: fewer, larger queries."""

    m2m: dict[str, list[tuple[int, list[int]]]] = field(default_factory=lambda: defaultdict(list))
    tags: list[tuple[int, list[int]]] = field(default_factory=list)
    created: dict[type, list[dict]] = field(default_factory=lambda: defaultdict(list))
    removed: dict[type, list[int]] = field(default_factory=lambda: defaultdict(list))
    stamps: list[PressRelease] = field(default_factory=list)  # to write updated_at of

    def write(self) -> None:
        for name, rows in self.m2m.items():
            m2m_field = PressRelease._meta.get_field(name)
            through = m2m_field.remote_field.through
            source = f"{m2m_field.m2m_field_name()}_id"
            target = f"{m2m_field.m2m_reverse_field_name()}_id"
            through.objects.filter(**{f"{source}__in": [pk for pk, _ in rows]}).delete()
            insert_rows(through, [{source: pk, target: t} for pk, targets in rows for t in targets])
        if self.tags:
            content_type = ContentType.objects.get_for_model(PressRelease)
            TaggedItem.objects.filter(
                content_type=content_type, object_id__in=[pk for pk, _ in self.tags]
            ).delete()
            insert_rows(
                TaggedItem,
                [
                    {"content_type_id": content_type.pk, "object_id": pk, "tag_id": tag}
                    for pk, tags in self.tags
                    for tag in tags
                ],
            )
        for model, pks in self.removed.items():
            model.objects.filter(pk__in=pks).delete()
        for model, rows in self.created.items():
            # Rows, not instances: an Image instance would open its file to read its size.
            insert_rows(model, rows)
        PressRelease.objects.bulk_update(self.stamps, ["updated_at"], batch_size=CHUNK)
