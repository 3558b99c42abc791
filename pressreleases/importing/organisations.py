"""Apply the reference list of organisations (`pressreleases/data/organisations.toml`),
idempotently.

The file is validated as a whole before anything is written. Records are matched by slug, so a
rename updates the name and keeps the slug; records missing from the file (including those the
importer created, such as governments) are kept and reported, never deleted.
"""

import re
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from taxonomy import loading as taxonomy_data
from taxonomy.loading import DataFileError, SectionReport

from ..models import Organisation

DEFAULT_DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "organisations.toml"
SUPPORTED_VERSION = 1
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SCHEMA: dict[str, tuple[type, bool]] = {
    "slug": (str, True),
    "name": (str, True),
    "kind": (str, True),
    "acronym": (str, False),
    "aliases": (list, False),
    "website": (str, False),
}


class OrganisationDataError(DataFileError):
    """The organisations data file cannot be applied."""


def read_data_file(path: Path) -> dict[str, Any]:
    return taxonomy_data.read_data_file(path, OrganisationDataError)


def validate(data: dict[str, Any]) -> None:
    """Raise OrganisationDataError listing every problem in the data, or return quietly."""
    problems: list[str] = []
    if data.get("version") != SUPPORTED_VERSION:
        problems.append(f"version: expected {SUPPORTED_VERSION}, found {data.get('version')!r}.")
    problems += [
        f"{key}: unknown section." for key in sorted(set(data) - {"version", "organisations"})
    ]
    entries = data.get("organisations", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise OrganisationDataError([*problems, "organisations: must be a list of tables."])
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        problems += _entry_problems(index, entry)
        for key in ("slug", "acronym"):
            value = entry.get(key)
            if isinstance(value, str) and value:
                if (key, value) in seen:
                    other = seen[(key, value)]
                    problems.append(
                        f"organisations[{index}]: duplicate {key} {value!r} "
                        f"(also organisations[{other}])."
                    )
                seen.setdefault((key, value), index)
    if problems:
        raise OrganisationDataError(problems)


def _entry_problems(index: int, entry: dict[str, Any]) -> list[str]:
    where = f"organisations[{index}] ({entry.get('slug', '?')})"
    problems = [f"{where}: unknown key {key!r}." for key in sorted(set(entry) - set(SCHEMA))]
    for key, (expected, required) in SCHEMA.items():
        if key not in entry:
            if required:
                problems.append(f"{where}: missing {key!r}.")
        elif not isinstance(entry[key], expected):
            problems.append(f"{where}: {key!r} has the wrong type ({type(entry[key]).__name__}).")
        elif isinstance(entry[key], list) and not all(isinstance(i, str) for i in entry[key]):
            problems.append(f"{where}: {key!r} must list strings.")
    if problems:
        return problems
    if not SLUG_PATTERN.match(entry["slug"]):
        problems.append(f"{where}: slug must be lowercase words and hyphens.")
    if not entry["name"].strip():
        problems.append(f"{where}: empty name.")
    if entry["kind"] not in Organisation.Kind.values:
        problems.append(f"{where}: unknown kind {entry['kind']!r}.")
    if entry.get("website"):
        try:
            URLValidator(schemes=["http", "https"])(entry["website"])
        except ValidationError:
            problems.append(f"{where}: website {entry['website']!r} is not a web address.")
    return problems


def apply(data: dict[str, Any], *, dry_run: bool = False) -> SectionReport:
    """Validate `data` and write it in one transaction (rolled back when `dry_run`)."""
    validate(data)
    report = SectionReport("Organisations")
    entries = data.get("organisations", [])
    with transaction.atomic():
        existing = {
            o.slug: o for o in Organisation.objects.filter(slug__in=[e["slug"] for e in entries])
        }
        for entry in entries:
            values = {
                "name": entry["name"],
                "kind": entry["kind"],
                "acronym": entry.get("acronym", ""),
                "aliases": entry.get("aliases", []),
                "website": entry.get("website", ""),
            }
            organisation = existing.get(entry["slug"])
            if organisation is None:
                organisation = Organisation.objects.create(slug=entry["slug"], **values)
                report.created.append(str(organisation))
                continue
            changed = [
                name for name, value in values.items() if getattr(organisation, name) != value
            ]
            if changed:
                for name in changed:
                    setattr(organisation, name, values[name])
                organisation.save(update_fields=changed)
                report.updated.append(str(organisation))
            else:
                report.unchanged.append(str(organisation))
        in_file = {entry["slug"] for entry in entries}
        report.not_in_file = [str(o) for o in Organisation.objects.exclude(slug__in=in_file)]
        if dry_run:
            transaction.set_rollback(True)
    return report


def load_file(path: Path = DEFAULT_DATA_FILE, *, dry_run: bool = False) -> SectionReport:
    return apply(read_data_file(path), dry_run=dry_run)
