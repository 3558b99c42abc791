"""Write the content (or its public part) as one JSON document, a record at a time.

Releases are read with `.iterator(chunk_size=...)` and their relations fetched per chunk, one
query per relation, so memory stays flat however many there are. Every list is ordered by
natural key, so identical content gives a byte-identical document.
"""

import itertools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from taxonomy.models import Chairpersonship, Country, FieldOfWork, MeetingSeries, Structure

from ..models import Appointment, Organisation, Person, PressRelease, Quote
from .reading import ReleaseBatch, person_record, with_appointments, with_keys
from .records import (
    CHAIRPERSONSHIP,
    COUNTRY,
    FIELD_OF_WORK,
    FORMAT,
    MEETING_SERIES,
    ORGANISATION,
    STRUCTURE,
    TAG,
    VERSION,
    serialize,
)

CHUNK_SIZE = 2000

Progress = Callable[[int, int], None]


class ExportError(Exception):
    """The content cannot be written in a form the importer would read back losslessly."""


@dataclass
class ExportSummary:
    counts: dict[str, int] = field(default_factory=dict)


def export_content(
    out: TextIO,
    *,
    public_only: bool = False,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
) -> ExportSummary:
    """Write the export document to `out` (anything with `.write(str)`).

    With `public_only`, only `PressRelease.objects.public()` and the people, appointments,
    organisations and tags they reference are written; the taxonomy is always complete.
    Raises ExportError before writing anything when two appointments of one person share a
    natural key (the document could not tell them apart).
    """
    releases = PressRelease.objects.all()
    if public_only:
        # public() reads the clock on every evaluation; pinning one instant keeps the releases
        # written and the releases they link to the same set from the first chunk to the last.
        releases = PressRelease.objects.public().filter(publish_at__lte=timezone.now())
    people, organisations, tags = _referenced(releases) if public_only else _everything()
    _refuse_ambiguous_appointments(people)

    summary = ExportSummary()
    writer = _Writer(out, summary)
    out.write(
        "{\n"
        f'"format": {json.dumps(FORMAT)},\n'
        f'"version": {VERSION},\n'
        f'"public_only": {json.dumps(public_only)},\n'
        '"taxonomy": {\n'
    )
    in_order = ("order", "slug")
    taxonomy = [
        ("fields_of_work", FieldOfWork.objects.order_by(*in_order), FIELD_OF_WORK),
        ("countries", Country.objects.order_by(*in_order), COUNTRY),
        (
            "chairpersonships",
            Chairpersonship.objects.select_related("country").order_by("year"),
            CHAIRPERSONSHIP,
        ),
        (
            "structures",
            Structure.objects.select_related("parent", "host_country").order_by(*in_order),
            STRUCTURE,
        ),
        ("meeting_series", MeetingSeries.objects.order_by(*in_order), MEETING_SERIES),
    ]
    for index, (name, queryset, record_type) in enumerate(taxonomy):
        writer.section(
            name,
            (serialize(row, record_type) for row in queryset.iterator(chunk_size)),
            last=index == len(taxonomy) - 1,
        )
    out.write("},\n")
    writer.section(
        "tags", (serialize(tag, TAG) for tag in tags.order_by("name").iterator(chunk_size))
    )
    writer.section(
        "organisations",
        (
            serialize(organisation, ORGANISATION)
            for organisation in organisations.select_related("country", "structure")
            .order_by("slug")
            .iterator(chunk_size)
        ),
    )
    writer.section(
        "people",
        (
            person_record(person)
            for person in with_appointments(people.order_by("slug")).iterator(chunk_size)
        ),
    )
    writer.section(
        "releases",
        _release_records(releases, public_only, chunk_size, progress),
        last=True,
    )
    out.write("}\n")
    return summary


def _everything() -> tuple[QuerySet, QuerySet, QuerySet]:
    return Person.objects.all(), Organisation.objects.all(), Tag.objects.all()


def _referenced(releases: QuerySet) -> tuple[QuerySet, QuerySet, QuerySet]:
    quotes = Quote.objects.filter(release__in=releases)
    people = Person.objects.filter(
        Q(pk__in=quotes.values("speaker"))
        | Q(pk__in=quotes.values("appointment__person"))
        | Q(pk__in=releases.values("contact_person"))
    )
    organisations = Organisation.objects.filter(
        Q(pk__in=quotes.values("organisation"))
        | Q(pk__in=Appointment.objects.filter(person__in=people).values("organisation"))
    )
    tagged = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(PressRelease),
        object_id__in=releases.values("pk"),
    )
    return people, organisations, Tag.objects.filter(pk__in=tagged.values("tag"))


def _refuse_ambiguous_appointments(people: QuerySet) -> None:
    duplicates = list(
        Appointment.objects.values("person__slug", "title", "start_date")
        .annotate(copies=Count("pk"))
        .filter(copies__gt=1)
        .order_by("person__slug", "title")
    )
    if duplicates:
        slugs = {row["person__slug"] for row in duplicates}
        exported = set(people.filter(slug__in=slugs).values_list("slug", flat=True))
        duplicates = [row for row in duplicates if row["person__slug"] in exported]
    if duplicates:
        listed = "; ".join(
            f"{row['person__slug']}: {row['title']!r} from {row['start_date'] or 'unknown'}"
            for row in duplicates
        )
        raise ExportError(
            "Some people hold two appointments with the same title and start date, which the "
            f"export format cannot tell apart; merge or date them first: {listed}."
        )


def _release_records(
    releases: QuerySet, public_only: bool, chunk_size: int, progress: Progress | None
) -> Iterable[dict[str, Any]]:
    total, done = releases.count(), 0
    linkable = releases if public_only else None
    rows = with_keys(releases.order_by("slug"), linkable).iterator(chunk_size)
    for chunk in itertools.batched(rows, chunk_size):
        batch = ReleaseBatch(list(chunk), linkable)
        for release in chunk:
            yield batch.record(release)
        done += len(chunk)
        if progress:
            progress(done, total)


class _Writer:
    """Writes `"name": [` one record per line `]`, so a dump diffs and greps line by line."""

    def __init__(self, out: TextIO, summary: ExportSummary):
        self.out = out
        self.summary = summary

    def section(self, name: str, records: Iterable[dict[str, Any]], *, last: bool = False):
        self.out.write(f'"{name}": [')
        count = 0
        for record in records:
            self.out.write(",\n" if count else "\n")
            self.out.write(json.dumps(record, ensure_ascii=False))
            count += 1
        self.out.write("\n]" if count else "]")
        self.out.write("\n" if last else ",\n")
        self.summary.counts[name] = count
