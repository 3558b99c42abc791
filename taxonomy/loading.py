"""Apply the OSCE taxonomy data file to the database, idempotently.

The file is validated as a whole before anything is written; records are matched by their
stable key (the slug, or the year for chairpersonships), so a rename updates the name and keeps
the slug. Records missing from the file are left alone and reported, never deleted: releases
may still point at them.
"""

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction

from .models import Chairpersonship, Country, FieldOfWork, MeetingSeries, Structure

DEFAULT_DATA_FILE = Path(__file__).resolve().parent / "data" / "osce_taxonomy.toml"
SUPPORTED_VERSION = 1
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO_CODE_PATTERN = re.compile(r"^[A-Z]{2}$")
EARLIEST_YEAR = 1973  # the Helsinki consultations; no OSCE body or chair predates them
LATEST_YEAR = 2100


class DataFileError(Exception):
    """A data file cannot be applied; `problems` names each offending entry."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class TaxonomyDataError(DataFileError):
    """The taxonomy data file cannot be applied."""


@dataclass
class SectionReport:
    label: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@dataclass
class LoadReport:
    sections: list[SectionReport]
    dry_run: bool

    @property
    def changed(self) -> bool:
        return any(section.changed for section in self.sections)


# What each entry of a section may carry: key -> (type, required).
TERM_KEYS = {"slug": (str, True), "name": (str, True), "description": (str, False)}
SCHEMAS: dict[str, dict[str, tuple[type | tuple[type, ...], bool]]] = {
    "fields_of_work": TERM_KEYS,
    "meeting_series": TERM_KEYS,
    "countries": {
        **TERM_KEYS,
        "iso_code": (str, True),
        "kind": (str, True),
        "official_name": (str, False),
        "aliases": (list, False),
    },
    "chairpersonships": {"year": (int, True), "country": (str, True)},
    "structures": {
        **TERM_KEYS,
        "kind": (str, True),
        "full_name": (str, False),
        "parent": (str, False),
        "acronym": (str, False),
        "short_names": (list, False),
        "seat": (str, False),
        "host_country": (str, False),
        "opened_year": (int, False),
        "closed_year": (int, False),
    },
}


def read_data_file(path: Path, refusal: type[DataFileError] = TaxonomyDataError) -> dict[str, Any]:
    """The TOML document at `path`; a missing or unreadable file raises `refusal`."""
    try:
        with path.open("rb") as data_file:
            return tomllib.load(data_file)
    except FileNotFoundError:
        raise refusal([f"{path.name}: no such file."]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise refusal([f"{path.name}: not valid TOML: {error}"]) from None


def validate(data: dict[str, Any]) -> None:
    """Raise TaxonomyDataError listing every problem in the data, or return quietly."""
    problems: list[str] = []
    if data.get("version") != SUPPORTED_VERSION:
        problems.append(f"version: expected {SUPPORTED_VERSION}, found {data.get('version')!r}.")
    unknown_sections = set(data) - set(SCHEMAS) - {"version"}
    problems += [f"{name}: unknown section." for name in sorted(unknown_sections)]
    for section, schema in SCHEMAS.items():
        entries = data.get(section, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            problems.append(f"{section}: must be a list of tables ([[{section}]]).")
            continue
        for index, entry in enumerate(entries):
            problems += _entry_shape_problems(section, index, entry, schema)
    if not problems:
        problems += _consistency_problems(data)
    if problems:
        raise TaxonomyDataError(problems)


def _describe(section: str, index: int, entry: dict[str, Any]) -> str:
    key = entry.get("slug", entry.get("year", "?"))
    return f"{section}[{index}] ({key})"


def _entry_shape_problems(section: str, index: int, entry: dict, schema: dict) -> list[str]:
    where = _describe(section, index, entry)
    problems = [f"{where}: unknown key {key!r}." for key in sorted(set(entry) - set(schema))]
    for key, (expected, required) in schema.items():
        if key not in entry:
            if required:
                problems.append(f"{where}: missing {key!r}.")
            continue
        value = entry[key]
        # bool is an int subclass; a year of `true` is still wrong.
        if not isinstance(value, expected) or isinstance(value, bool):
            problems.append(f"{where}: {key!r} has the wrong type ({type(value).__name__}).")
        elif isinstance(value, list) and not all(isinstance(item, str) for item in value):
            problems.append(f"{where}: {key!r} must list strings.")
        elif key.endswith("year") and not EARLIEST_YEAR <= value <= LATEST_YEAR:
            problems.append(f"{where}: bad date: {key} {value} is not a plausible year.")
    if isinstance(entry.get("slug"), str) and not SLUG_PATTERN.match(entry["slug"]):
        problems.append(f"{where}: slug {entry['slug']!r} must be lowercase words and hyphens.")
    if isinstance(entry.get("name"), str) and not entry["name"].strip():
        problems.append(f"{where}: empty name.")
    return problems


def _duplicates(section: str, data: dict, key: str) -> list[str]:
    seen: dict[Any, int] = {}
    problems = []
    for index, entry in enumerate(data.get(section, [])):
        value = entry.get(key)
        if value in seen:
            problems.append(
                f"{_describe(section, index, entry)}: duplicate {key} {value!r} "
                f"(also {section}[{seen[value]}])."
            )
        seen.setdefault(value, index)
    return problems


def _consistency_problems(data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for section in ("fields_of_work", "meeting_series", "countries", "structures"):
        problems += _duplicates(section, data, "slug")
    problems += _duplicates("countries", data, "iso_code")
    problems += _duplicates("chairpersonships", data, "year")

    countries = {entry["slug"]: entry for entry in data.get("countries", [])}
    for index, entry in enumerate(data.get("countries", [])):
        where = _describe("countries", index, entry)
        if entry["kind"] not in Country.Kind.values:
            problems.append(f"{where}: unknown kind {entry['kind']!r}.")
        if not ISO_CODE_PATTERN.match(entry["iso_code"]):
            problems.append(f"{where}: ISO code {entry['iso_code']!r} is not two capital letters.")
    for index, entry in enumerate(data.get("chairpersonships", [])):
        where = _describe("chairpersonships", index, entry)
        chair = countries.get(entry["country"])
        if chair is None:
            problems.append(f"{where}: unknown country {entry['country']!r}.")
        elif chair["kind"] != Country.Kind.PARTICIPATING_STATE:
            problems.append(f"{where}: {entry['country']!r} is not a participating State.")

    structures = {entry["slug"]: entry for entry in data.get("structures", [])}
    for index, entry in enumerate(data.get("structures", [])):
        where = _describe("structures", index, entry)
        if entry["kind"] not in Structure.Kind.values:
            problems.append(f"{where}: unknown kind {entry['kind']!r}.")
        if entry.get("parent") and entry["parent"] not in structures:
            problems.append(f"{where}: unknown parent {entry['parent']!r}.")
        if entry.get("host_country") and entry["host_country"] not in countries:
            problems.append(f"{where}: unknown host country {entry['host_country']!r}.")
        opened, closed = entry.get("opened_year"), entry.get("closed_year")
        if opened and closed and closed < opened:
            problems.append(f"{where}: bad date: closed in {closed}, before it opened ({opened}).")
    problems += _cycle_problems(structures)
    return problems


def _cycle_problems(structures: dict[str, dict]) -> list[str]:
    problems = []
    for slug in structures:
        seen, current = {slug}, structures[slug].get("parent")
        while current and current in structures:
            if current in seen:
                problems.append(
                    f"structures ({slug}): its parents form a cycle through {current!r}."
                )
                break
            seen.add(current)
            current = structures[current].get("parent")
    return problems


def _parents_first(entries: list[dict]) -> list[tuple[int, dict]]:
    by_slug = {entry["slug"]: entry for entry in entries}

    def depth(entry: dict) -> int:
        level = 0
        while entry.get("parent"):
            entry, level = by_slug[entry["parent"]], level + 1
        return level

    return sorted(enumerate(entries), key=lambda pair: depth(pair[1]))


def _upsert(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], report: SectionReport
) -> models.Model:
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model.objects.create(**lookup, **values)
        report.created.append(str(instance))
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=changed)
        report.updated.append(str(instance))
    else:
        report.unchanged.append(str(instance))
    return instance


def _term_values(entry: dict, order: int) -> dict[str, Any]:
    return {"name": entry["name"], "description": entry.get("description", ""), "order": order}


def _load_terms(
    model: type[models.Model],
    label: str,
    entries: list[dict],
    extra: Callable[[dict], dict[str, Any]] = lambda entry: {},
) -> SectionReport:
    report = SectionReport(label)
    for order, entry in enumerate(entries):
        values = _term_values(entry, order) | extra(entry)
        _upsert(model, {"slug": entry["slug"]}, values, report)
    in_file = {entry["slug"] for entry in entries}
    report.not_in_file = [str(t) for t in model.objects.exclude(slug__in=in_file)]
    return report


def apply(data: dict[str, Any], *, dry_run: bool = False) -> LoadReport:
    """Validate `data` and write it in one transaction (rolled back when `dry_run`)."""
    validate(data)
    with transaction.atomic():
        sections = [
            _load_terms(FieldOfWork, "Fields of work", data.get("fields_of_work", [])),
            _load_terms(
                Country,
                "Countries",
                data.get("countries", []),
                lambda entry: {
                    "kind": entry["kind"],
                    "iso_code": entry["iso_code"],
                    "official_name": entry.get("official_name", ""),
                    "aliases": entry.get("aliases", []),
                },
            ),
        ]
        countries = {country.slug: country for country in Country.objects.all()}

        chairs = SectionReport("Chairpersonships")
        for entry in data.get("chairpersonships", []):
            country = countries[entry["country"]]
            _upsert(Chairpersonship, {"year": entry["year"]}, {"country": country}, chairs)
        years = [entry["year"] for entry in data.get("chairpersonships", [])]
        chairs.not_in_file = [str(c) for c in Chairpersonship.objects.exclude(year__in=years)]
        sections.append(chairs)

        sections.append(_load_structures(data.get("structures", []), countries))
        sections.append(
            _load_terms(MeetingSeries, "Meetings and conferences", data.get("meeting_series", []))
        )
        report = LoadReport(sections, dry_run)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _load_structures(entries: list[dict], countries: dict[str, Country]) -> SectionReport:
    report = SectionReport("Structures and institutions")
    saved: dict[str, Structure] = {}
    for order, entry in _parents_first(entries):
        values = _term_values(entry, order) | {
            "kind": entry["kind"],
            "full_name": entry.get("full_name", ""),
            "parent": saved[entry["parent"]] if entry.get("parent") else None,
            "acronym": entry.get("acronym", ""),
            "short_names": entry.get("short_names", []),
            "seat": entry.get("seat", ""),
            "host_country": countries[entry["host_country"]] if entry.get("host_country") else None,
            "opened_year": entry.get("opened_year"),
            "closed_year": entry.get("closed_year"),
        }
        saved[entry["slug"]] = _upsert(Structure, {"slug": entry["slug"]}, values, report)
    in_file = {entry["slug"] for entry in entries}
    report.not_in_file = [str(s) for s in Structure.objects.exclude(slug__in=in_file)]
    return report


def load_file(path: Path = DEFAULT_DATA_FILE, *, dry_run: bool = False) -> LoadReport:
    return apply(read_data_file(path), dry_run=dry_run)
