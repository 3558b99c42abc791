"""Check a whole export document before the importer writes any of it.

One streaming pass checks the syntax, the header, every record's shape and types, natural keys
(unique within the document), references (a quote's speaker must be among the document's people,
a release's sources among its structures...), the rules the database would otherwise reject
halfway through (a published release without a publication time, an appointment ending before it
starts) and conflicts with rows already stored under another key (the same `source_url` on a
release with a different slug). Keys are held in memory, records are not.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from taggit.models import Tag

from taxonomy.models import Country

from ..models import PressRelease
from .checking import normalize
from .jsonstream import JSONStreamError, members
from .records import (
    FORMAT,
    SECTIONS,
    TAXONOMY_SECTIONS,
    VERSION,
    Column,
    Kind,
    RecordType,
    appointment_key,
    describe,
)

# Members of the document, in the order they must appear; all but the first two may be left out.
MEMBERS = ["format", "version", "public_only", "taxonomy", *SECTIONS]
MAX_PROBLEMS = 50
LOOKUP_CHUNK = 500


class DumpError(Exception):
    """The document was refused; `problems` says where and why. Nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class _TooManyProblems(Exception):
    pass


@dataclass
class _Keys:
    """What the document defines so far, for checking what later records point at."""

    by_target: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    release_links: list[tuple[str, str]] = field(default_factory=list)
    iso_codes: dict[str, str] = field(default_factory=dict)
    tag_slugs: dict[str, str] = field(default_factory=dict)
    release_unique: dict[str, dict[str, str]] = field(
        default_factory=lambda: {"source_url": {}, "import_key": {}}
    )


class _Validator:
    def __init__(self):
        self.problems: list[str] = []
        self.keys = _Keys()
        self.counts: dict[str, int] = {}

    def add(self, problem: str) -> None:
        self.problems.append(problem)
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooManyProblems

    def extend(self, problems: Iterable[str]) -> None:
        for problem in problems:
            self.add(problem)

    def record(
        self, section: str, index: int, raw: Any, record_type: RecordType
    ) -> tuple[str, dict | None]:
        """Where the record sits, and its canonical form (None when it has problems)."""
        where = describe(section, index, raw)
        found: list[str] = []
        record = normalize(raw, record_type, where, found)
        self.extend(found)
        return where, record

    def check_refs(self, record: dict, record_type: RecordType, where: str) -> None:
        for column in record_type.columns:
            value = record[column.key]
            if column.kind not in (Kind.REF, Kind.REFS) or not value:
                continue
            for key in value if column.kind is Kind.REFS else [value]:
                if column.target == "releases":
                    # Releases may point forward in the document; checked at the end.
                    self.keys.release_links.append((f"{where}: {column.key!r}", key))
                elif key not in self.keys.by_target[column.target]:
                    self.add(
                        f"{where}: {column.key!r} names an unknown {_singular(column)} {key!r}."
                    )

    def claim(self, target: str, key: Any, where: str, label: str) -> None:
        if key in self.keys.by_target[target]:
            self.add(f"{where}: duplicate {label} {key!r}.")
        self.keys.by_target[target].add(key)

    # Sections -------------------------------------------------------------------------------

    def taxonomy(self, value: Any) -> None:
        if not isinstance(value, dict):
            self.add("taxonomy: must be an object of lists.")
            return
        self.extend(
            f"taxonomy: unknown key {key!r}." for key in sorted(set(value) - set(TAXONOMY_SECTIONS))
        )
        records: dict[str, list[tuple[str, dict]]] = {}
        for name, record_type in TAXONOMY_SECTIONS.items():
            entries = value.get(name, [])
            if not isinstance(entries, list):
                self.add(f"taxonomy.{name}: must be a list.")
                continue
            records[name] = []
            for index, raw in enumerate(entries):
                where, record = self.record(f"taxonomy.{name}", index, raw, record_type)
                if record is None:
                    continue
                key = record["year"] if name == "chairpersonships" else record["slug"]
                self.claim(name, key, where, "year" if name == "chairpersonships" else "slug")
                records[name].append((where, record))
        # Countries and structures are referenced within the taxonomy itself, in any order.
        for name, record_type in TAXONOMY_SECTIONS.items():
            for where, record in records.get(name, []):
                self.check_refs(record, record_type, where)
        for where, record in records.get("countries", []):
            if record["iso_code"] in self.keys.iso_codes:
                self.add(f"{where}: duplicate ISO code {record['iso_code']!r}.")
            self.keys.iso_codes[record["iso_code"]] = record["slug"]
        self._structures(records.get("structures", []))

    def _structures(self, records: list[tuple[str, dict]]) -> None:
        parents = {record["slug"]: record["parent"] for _, record in records}
        for where, record in records:
            opened, closed = record["opened_year"], record["closed_year"]
            if opened and closed and closed < opened:
                self.add(f"{where}: bad date: closed in {closed}, before it opened in {opened}.")
            seen, current = {record["slug"]}, record["parent"]
            while current in parents:
                if current in seen:
                    self.add(f"{where}: its parents form a cycle through {current!r}.")
                    break
                seen.add(current)
                current = parents[current]

    def tags(self, index: int, raw: Any) -> None:
        where, record = self.record("tags", index, raw, SECTIONS["tags"])
        if record is None:
            return
        self.claim("tags", record["name"], where, "tag name")
        if record["slug"] in self.keys.tag_slugs:
            self.add(f"{where}: duplicate tag slug {record['slug']!r}.")
        self.keys.tag_slugs[record["slug"]] = record["name"]

    def organisations(self, index: int, raw: Any) -> None:
        where, record = self.record("organisations", index, raw, SECTIONS["organisations"])
        if record is not None:
            self.claim("organisations", record["slug"], where, "slug")
            self.check_refs(record, SECTIONS["organisations"], where)

    def people(self, index: int, raw: Any) -> None:
        record_type = SECTIONS["people"]
        where, record = self.record("people", index, raw, record_type)
        if record is None:
            return
        self.claim("people", record["slug"], where, "slug")
        for position, appointment in enumerate(record["appointments"]):
            at = f"{where} appointments[{position}]"
            self.check_refs(appointment, record_type.children["appointments"], at)
            start, end = appointment["start_date"], appointment["end_date"]
            if start and end and end < start:
                self.add(f"{at}: bad date: ends on {end}, before it starts on {start}.")
            key = appointment_key(record["slug"], appointment["title"], start)
            self.claim("appointments", key, at, "appointment (same title and start date)")

    def releases(self, index: int, raw: Any) -> None:
        record_type = SECTIONS["releases"]
        where, record = self.record("releases", index, raw, record_type)
        if record is None:
            return
        self.claim("releases", record["slug"], where, "slug")
        self.check_refs(record, record_type, where)
        for unique in ("source_url", "import_key"):
            value = record[unique]
            if value is None:
                continue
            if value in self.keys.release_unique[unique]:
                self.add(f"{where}: {unique} {value!r} is also used by another release.")
            self.keys.release_unique[unique][value] = record["slug"]
        if record["status"] == PressRelease.Status.PUBLISHED and not record["publish_at"]:
            self.add(f"{where}: a published release needs 'publish_at'.")
        if record["status"] == PressRelease.Status.WITHDRAWN and not record["withdrawn_at"]:
            self.add(f"{where}: a withdrawn release needs 'withdrawn_at'.")
        quote_type = record_type.children["quotes"]
        for position, quote in enumerate(record["quotes"]):
            at = f"{where} quotes[{position}]"
            self.check_refs(quote, quote_type, at)
            if not (quote["speaker"] or quote["organisation"] or quote["structure"]):
                self.add(f"{at}: name a speaker, an organisation or a structure.")
            appointment = quote["appointment"]
            if appointment and (
                appointment_key(**appointment) not in self.keys.by_target["appointments"]
            ):
                self.add(
                    f"{at}: 'appointment' names an unknown appointment: {appointment['person']!r} "
                    f"as {appointment['title']!r} from {appointment['start_date'] or 'unknown'}."
                )

    # The end ----------------------------------------------------------------------------------

    def finish(self) -> None:
        releases = self.keys.by_target["releases"]
        for where, slug in self.keys.release_links:
            if slug not in releases:
                self.add(f"{where} names an unknown release {slug!r}.")
        self.extend(self._conflicts())

    def _conflicts(self) -> Iterator[str]:
        """Rows already stored under another natural key that would collide on a unique column."""
        checks = [
            (Country.objects, "iso_code", "slug", self.keys.iso_codes, "country"),
            (Tag.objects, "slug", "name", self.keys.tag_slugs, "tag"),
            *(
                (PressRelease.objects, unique, "slug", values, "release")
                for unique, values in self.keys.release_unique.items()
            ),
        ]
        for manager, unique, key, expected, label in checks:
            values = list(expected)
            for start in range(0, len(values), LOOKUP_CHUNK):
                chunk = values[start : start + LOOKUP_CHUNK]
                stored = manager.filter(**{f"{unique}__in": chunk}).values_list(unique, key)
                for value, stored_key in stored.order_by(unique):
                    if expected[value] != stored_key:
                        yield (
                            f"{unique} {value!r} of {label} {expected[value]!r} already belongs "
                            f"to the stored {label} {stored_key!r}."
                        )


def _singular(column: Column) -> str:
    return {
        "countries": "country",
        "structures": "structure",
        "fields_of_work": "field of work",
        "meeting_series": "meeting series",
        "tags": "tag",
        "organisations": "organisation",
        "people": "person",
    }[column.target]


def validate(stream: TextIO) -> dict[str, int]:
    """Read the whole document from `stream`; raise DumpError listing its problems (at most
    MAX_PROBLEMS), or return how many records each top-level list holds."""
    validator = _Validator()
    try:
        _walk(members(stream), validator)
        validator.finish()
    except _TooManyProblems:
        validator.problems.append(f"(stopped after {MAX_PROBLEMS} problems)")
    except JSONStreamError as error:
        validator.problems.append(f"not a readable JSON document: {error}")
    except UnicodeDecodeError:
        validator.problems.append("not UTF-8 text.")
    if validator.problems:
        raise DumpError(validator.problems)
    return validator.counts


def _walk(document: Iterator[tuple[str, Any]], validator: _Validator) -> None:
    header = [next(document, (None, None)), next(document, (None, None))]
    if header[0] != ("format", FORMAT):
        raise DumpError([f'not an {FORMAT} document: it must begin with "format": "{FORMAT}".'])
    version = header[1][1] if header[1][0] == "version" else None
    if version != VERSION or isinstance(version, bool):
        found = repr(version) if isinstance(version, int | str) else "none"
        raise DumpError([f"unsupported version {found}: this site reads version {VERSION}."])
    position = 1
    for key, value in document:
        if key not in MEMBERS:
            validator.add(f"unknown member {key!r} at the top level.")
            continue
        if MEMBERS.index(key) <= position:
            validator.add(f"{key!r} is out of place: members must come in the order {MEMBERS}.")
            continue
        position = MEMBERS.index(key)
        if key == "public_only":
            if not isinstance(value, bool):
                validator.add("public_only: must be true or false.")
        elif key == "taxonomy":
            validator.taxonomy(value)
        elif not isinstance(value, Iterator):
            validator.add(f"{key}: must be a list.")
        else:
            check, validator.counts[key] = getattr(validator, key), 0
            for index, raw in enumerate(value):
                check(index, raw)
                validator.counts[key] = index + 1
