"""What each record of the export format holds and how it maps to a model.

One table of columns per model drives the exporter (row → record), the validator (JSON → a
canonical record or problems) and the importer (is the stored row already equal to the record?
then nothing is written), so the three cannot drift apart. The format itself is described in
docs/export-format.md.
"""

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum, auto
from typing import Any

from django.db import models
from taggit.models import Tag

from taxonomy.models import Chairpersonship, Country, FieldOfWork, MeetingSeries, Structure

from ..models import Appointment, Attachment, Image, Organisation, Person, PressRelease, Quote

FORMAT = "osce-cms-export"
VERSION = 1


class Kind(Enum):
    TEXT = auto()  # a string; null only where the model field allows it
    HTML = auto()  # a string of body HTML, sanitised on the way in as on save()
    INTEGER = auto()
    BOOLEAN = auto()
    STRINGS = auto()  # a list of strings
    MAPPING = auto()  # an object whose values are strings
    DATE = auto()  # "2017-09-20"
    MOMENT = auto()  # "2017-09-20T08:00:00Z", always UTC
    FILE = auto()  # the stored file's name; the file itself is not exported
    REF = auto()  # the natural key of one record of `target`, or null
    REFS = auto()  # the sorted natural keys of records of `target`
    APPOINTMENT = auto()  # {"person": slug, "title": ..., "start_date": ...} or null


@dataclass(frozen=True)
class Column:
    key: str
    kind: Kind = Kind.TEXT
    target: str = ""
    required: bool = False


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per type
class RecordType:
    model: type[models.Model]
    columns: tuple[Column, ...]
    children: dict[str, "RecordType"] = field(default_factory=dict)

    def model_field(self, column: Column) -> models.Field:
        return self.model._meta.get_field(column.key)


def _term(model: type[models.Model], *extra: Column) -> RecordType:
    return RecordType(
        model,
        (
            Column("slug", required=True),
            Column("name"),
            Column("description"),
            Column("order", Kind.INTEGER),
            *extra,
        ),
    )


FIELD_OF_WORK = _term(FieldOfWork)
MEETING_SERIES = _term(MeetingSeries)
COUNTRY = _term(
    Country,
    Column("kind"),
    Column("iso_code"),
    Column("official_name"),
    Column("aliases", Kind.STRINGS),
)
CHAIRPERSONSHIP = RecordType(
    Chairpersonship,
    (
        Column("year", Kind.INTEGER, required=True),
        Column("country", Kind.REF, "countries", required=True),
    ),
)
STRUCTURE = _term(
    Structure,
    Column("kind"),
    Column("parent", Kind.REF, "structures"),
    Column("full_name"),
    Column("acronym"),
    Column("short_names", Kind.STRINGS),
    Column("seat"),
    Column("host_country", Kind.REF, "countries"),
    Column("opened_year", Kind.INTEGER),
    Column("closed_year", Kind.INTEGER),
)
TAG = RecordType(Tag, (Column("name", required=True), Column("slug", required=True)))
ORGANISATION = RecordType(
    Organisation,
    (
        Column("slug", required=True),
        Column("name"),
        Column("acronym"),
        Column("aliases", Kind.STRINGS),
        Column("kind"),
        Column("country", Kind.REF, "countries"),
        Column("structure", Kind.REF, "structures"),
        Column("website"),
    ),
)
APPOINTMENT = RecordType(
    Appointment,
    (
        Column("title", required=True),
        Column("organisation", Kind.REF, "organisations"),
        Column("start_date", Kind.DATE),
        Column("end_date", Kind.DATE),
    ),
)
PERSON = RecordType(
    Person,
    (
        Column("slug", required=True),
        Column("full_name"),
        Column("honorific"),
        Column("bio"),
        Column("portrait", Kind.FILE),
    ),
    {"appointments": APPOINTMENT},
)
QUOTE = RecordType(
    Quote,
    (
        Column("speaker", Kind.REF, "people"),
        Column("appointment", Kind.APPOINTMENT),
        Column("role_text"),
        Column("organisation", Kind.REF, "organisations"),
        Column("structure", Kind.REF, "structures"),
        Column("text"),
        Column("order", Kind.INTEGER),
        Column("needs_review", Kind.BOOLEAN),
        Column("review_note"),
    ),
)
IMAGE = RecordType(
    Image,
    (
        Column("file", Kind.FILE, required=True),
        Column("width", Kind.INTEGER),
        Column("height", Kind.INTEGER),
        Column("alt_text"),
        Column("caption"),
        Column("credit"),
        Column("renditions", Kind.MAPPING),
        Column("order", Kind.INTEGER),
    ),
)
ATTACHMENT = RecordType(
    Attachment,
    (
        Column("file", Kind.FILE, required=True),
        Column("title"),
        Column("language"),
        Column("order", Kind.INTEGER),
    ),
)
RELEASE = RecordType(
    PressRelease,
    (
        Column("slug", required=True),
        Column("content_type"),
        Column("title"),
        Column("language"),
        Column("translation_of", Kind.REF, "releases"),
        Column("places", Kind.STRINGS),
        Column("lead"),
        Column("body", Kind.HTML),
        Column("status"),
        Column("publish_at", Kind.MOMENT),
        Column("withdrawn_at", Kind.MOMENT),
        Column("withdrawal_reason"),
        Column("sources", Kind.REFS, "structures"),
        Column("fields_of_work", Kind.REFS, "fields_of_work"),
        Column("countries", Kind.REFS, "countries"),
        Column("meeting_series", Kind.REFS, "meeting_series"),
        Column("tags", Kind.REFS, "tags"),
        Column("related", Kind.REFS, "releases"),
        Column("contact_person", Kind.REF, "people"),
        Column("contact_text"),
        Column("source_url"),
        Column("import_key"),
        Column("created_at", Kind.MOMENT, required=True),
        Column("updated_at", Kind.MOMENT, required=True),
    ),
    {"quotes": QUOTE, "images": IMAGE, "attachments": ATTACHMENT},
)

TAXONOMY_SECTIONS = {
    "fields_of_work": FIELD_OF_WORK,
    "countries": COUNTRY,
    "chairpersonships": CHAIRPERSONSHIP,
    "structures": STRUCTURE,
    "meeting_series": MEETING_SERIES,
}
# The top-level members of a document, in the order they must appear.
SECTIONS = {"tags": TAG, "organisations": ORGANISATION, "people": PERSON, "releases": RELEASE}


def natural_key(instance: models.Model) -> Any:
    """How records point at `instance`: a tag by its name, everything else by its slug."""
    return instance.name if isinstance(instance, Tag) else instance.slug


def appointment_key(person: str, title: str, start_date: str | None) -> tuple[str, str, str | None]:
    return (person, title, start_date)


def moment(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def serialize(
    instance: models.Model, record_type: RecordType, known: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The record for `instance`'s own columns (children are the caller's business).

    Values in `known` are taken as they are (natural keys read beforehand); REF columns not
    in it read the related object (select it), REFS columns must be in it.
    """
    record: dict[str, Any] = {}
    for column in record_type.columns:
        if known and column.key in known:
            record[column.key] = known[column.key]
            continue
        value = getattr(instance, column.key)
        match column.kind:
            case Kind.STRINGS:
                value = list(value)
            case Kind.MAPPING:
                value = dict(sorted(value.items()))
            case Kind.DATE:
                value = value.isoformat() if value else None
            case Kind.MOMENT:
                value = moment(value)
            case Kind.FILE:
                value = value.name or ""
            case Kind.REF:
                value = natural_key(value) if value is not None else None
            case Kind.APPOINTMENT:
                value = value and {
                    "person": value.person.slug,
                    "title": value.title,
                    "start_date": value.start_date.isoformat() if value.start_date else None,
                }
        record[column.key] = value
    return record


def describe(section: str, index: int, raw: Any) -> str:
    """Where a record sits, for problem messages: `releases[12] (slug 'x')`."""
    if isinstance(raw, dict):
        for key in ("slug", "year", "name", "title", "file"):
            if isinstance(raw.get(key), str | int) and not isinstance(raw.get(key), bool):
                return f"{section}[{index}] ({key} {raw[key]!r})"
    return f"{section}[{index}]"


def values(
    record: dict[str, Any],
    record_type: RecordType,
    ids: dict[str, dict],
    skip: frozenset = frozenset(),
) -> dict[str, Any]:
    """Model attribute values for a canonical record, REF targets looked up as
    `ids[target][natural key]`. REFS columns and children are the caller's business."""
    result: dict[str, Any] = {}
    for column in record_type.columns:
        if column.kind is Kind.REFS or column.key in skip:
            continue
        value = record[column.key]
        match column.kind:
            case Kind.DATE:
                value = dt.date.fromisoformat(value) if value else None
            case Kind.MOMENT:
                value = dt.datetime.fromisoformat(value) if value else None
            case Kind.REF:
                result[record_type.model_field(column).attname] = (
                    ids[column.target][value] if value else None
                )
                continue
            case Kind.APPOINTMENT:
                result["appointment_id"] = (
                    ids["appointments"][appointment_key(**value)] if value else None
                )
                continue
        result[column.key] = value
    return result


def own_columns(record: dict[str, Any], record_type: RecordType) -> dict[str, Any]:
    """`record` without its children, as `serialize()` returns it."""
    return {column.key: record[column.key] for column in record_type.columns}
