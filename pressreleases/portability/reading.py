"""Read releases and people from the database as export records, in batches."""

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from taggit.models import TaggedItem

from ..models import Appointment, Attachment, Image, Person, PressRelease, Quote
from .records import APPOINTMENT, PERSON, RELEASE, Kind, serialize


def with_keys(releases: QuerySet, linkable: QuerySet | None = None) -> QuerySet:
    """`releases` annotated with the slugs `ReleaseBatch` needs; `translation_of` only when the
    original is in `linkable` (default: any release)."""
    original = (
        F("translation_of__slug")
        if linkable is None
        else Subquery(linkable.filter(pk=OuterRef("translation_of_id")).values("slug")[:1])
    )
    return releases.annotate(
        translation_of_key=original, contact_person_key=F("contact_person__slug")
    )


class ReleaseBatch:
    """Records for a batch of releases (from `with_keys()`), each relation read for the whole
    batch in one query: per-instance prefetching costs more than the export itself."""

    def __init__(self, releases: list[PressRelease], linkable: QuerySet | None = None):
        ids = [release.pk for release in releases]
        self.links: dict[str, dict[int, list[str]]] = {}
        for column in RELEASE.columns:
            if column.kind is Kind.REFS and column.key != "tags":
                self.links[column.key] = _linked(column.key, ids, linkable)
        self.links["tags"] = _grouped(
            TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(PressRelease), object_id__in=ids
            ).values_list("object_id", "tag__name")
        )
        quotes = Quote.objects.select_related(
            "speaker", "appointment__person", "organisation", "structure"
        )
        self.children: dict[str, dict[int, list[models.Model]]] = {
            name: _grouped(
                (child.release_id, child)
                for child in queryset.filter(release_id__in=ids).order_by(
                    "release_id", "order", "pk"
                )
            )
            for name, queryset in [
                ("quotes", quotes),
                ("images", Image.objects.all()),
                ("attachments", Attachment.objects.all()),
            ]
        }

    def record(self, release: PressRelease) -> dict[str, Any]:
        known = {name: sorted(links.get(release.pk, [])) for name, links in self.links.items()}
        known["translation_of"] = release.translation_of_key
        known["contact_person"] = release.contact_person_key
        record = serialize(release, RELEASE, known)
        for name, child_type in RELEASE.children.items():
            record[name] = [
                serialize(child, child_type) for child in self.children[name].get(release.pk, [])
            ]
        return record


def _grouped(pairs: Iterable[tuple[int, Any]]) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def _linked(name: str, ids: list[int], linkable: QuerySet | None) -> dict[int, list[str]]:
    m2m_field = PressRelease._meta.get_field(name)
    source, target = m2m_field.m2m_field_name(), m2m_field.m2m_reverse_field_name()
    rows = m2m_field.remote_field.through.objects.filter(**{f"{source}_id__in": ids})
    if name == "related" and linkable is not None:
        # EXISTS on the primary key: SQLite plans `IN (subquery)` here as a scan per chunk.
        rows = rows.filter(Exists(linkable.filter(pk=OuterRef(f"{target}_id"))))
    return _grouped(rows.values_list(f"{source}_id", f"{target}__slug"))


def with_appointments(people: QuerySet) -> QuerySet:
    return people.prefetch_related(
        Prefetch("appointments", queryset=Appointment.objects.select_related("organisation"))
    )


def person_record(person: Person) -> dict[str, Any]:
    record = serialize(person, PERSON)
    record["appointments"] = sorted(
        (serialize(appointment, APPOINTMENT) for appointment in person.appointments.all()),
        key=lambda item: (item["start_date"] is not None, item["start_date"] or "", item["title"]),
    )
    return record
