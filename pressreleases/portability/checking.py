"""Check a record of an export document and bring it to the canonical form `serialize()` writes.

Used by the validator (which collects the problems) and by the importer (which, the document
having been validated, only needs the canonical form).
"""

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from ..sanitizing import sanitize_html
from .records import Column, Kind, RecordType, moment


def normalize(
    raw: Any, record_type: RecordType, where: str, problems: list[str]
) -> dict[str, Any] | None:
    """The canonical form of `raw` (defaults filled in, lists of keys sorted, dates in UTC,
    body HTML sanitised) as `serialize()` would write it, or None after appending to `problems`.

    Checks shapes, types, lengths, choices and slug/URL syntax against the model fields;
    whether references point at existing records is the validator's business.
    """
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be an object, not {_type_name(raw)}.")
        return None
    found = len(problems)
    known, checks = _compiled(record_type)
    if not known.issuperset(raw):
        problems += [f"{where}: unknown key {key!r}." for key in sorted(set(raw) - known)]
    record: dict[str, Any] = {}
    for key, required, default, check in checks:
        if key in raw:
            record[key] = check(raw[key], where, problems)
        elif required:
            problems.append(f"{where}: missing {key!r}.")
        else:
            # The default is checked too: a missing title is as blank as an empty one.
            record[key] = check(default(), where, problems)
    for name, child_type in record_type.children.items():
        children = raw.get(name, [])
        if not isinstance(children, list):
            problems.append(f"{where}: {name!r} must be a list.")
            continue
        record[name] = [
            normalize(child, child_type, f"{where} {name}[{index}]", problems)
            for index, child in enumerate(children)
        ]
    return record if len(problems) == found else None


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false"}.get(
        type(value), "null" if value is None else "a number"
    )


Check = Callable[[Any, str, list[str]], Any]


@functools.cache
def _compiled(record_type: RecordType) -> tuple[frozenset[str], list[tuple]]:
    """The keys a record may have, and per column (key, required, default, check): worked out
    once per record type, since a large import checks millions of values."""
    known = frozenset(column.key for column in record_type.columns) | set(record_type.children)
    checks = []
    for column in record_type.columns:
        model_field = record_type.model_field(column)
        if column.kind is Kind.REFS:
            default = list
        elif column.kind in (Kind.REF, Kind.APPOINTMENT, Kind.DATE, Kind.MOMENT):
            default = _none
        elif column.kind is Kind.FILE:
            default = str
        else:
            default = model_field.get_default
        checks.append((column.key, column.required, default, _checker(column, model_field)))
    return known, checks


def _none() -> None:
    return None


def _checker(column: Column, model_field: models.Field) -> Check:
    label = repr(column.key)
    null = model_field.null

    def wrong(value: Any, where: str, problems: list[str], expected: str) -> None:
        problems.append(f"{where}: {label} must be {expected}, not {_type_name(value)}.")

    match column.kind:
        case Kind.TEXT | Kind.HTML:
            rules = _text_rules(model_field)
            html = column.kind is Kind.HTML

            def check(value, where, problems):
                if value is None and null:
                    return None
                if not isinstance(value, str):
                    return wrong(value, where, problems, "a string")
                for message in rules(value):
                    problems.append(f"{where}: {label}: {message}")
                return sanitize_html(value) if html else value

        case Kind.INTEGER | Kind.BOOLEAN:
            expected, name = (
                (int, "a whole number") if column.kind is Kind.INTEGER else (bool, "true or false")
            )
            validators = model_field.validators

            def check(value, where, problems):
                if value is None and null:
                    return None
                # bool is an int subclass; an order of `true` is still wrong.
                if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                    return wrong(value, where, problems, name)
                for validator in validators:
                    try:
                        validator(value)
                    except ValidationError as error:
                        problems.append(f"{where}: {label}: {' '.join(error.messages)}")
                return value

        case Kind.STRINGS | Kind.REFS:
            expected = "a list of strings" if column.kind is Kind.STRINGS else "a list of keys"
            keys = column.kind is Kind.REFS

            def check(value, where, problems):
                if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                    return wrong(value, where, problems, expected)
                return sorted(set(value)) if keys else value

        case Kind.MAPPING:

            def check(value, where, problems):
                if not isinstance(value, dict) or not all(
                    isinstance(item, str) for item in value.values()
                ):
                    return wrong(value, where, problems, "an object of strings")
                return dict(sorted(value.items()))

        case Kind.DATE:

            def check(value, where, problems):
                return _date(value, f"{where}: {label}", problems)

        case Kind.MOMENT:

            def check(value, where, problems):
                if value is None:
                    return None
                if not isinstance(value, str):
                    return wrong(value, where, problems, "a date and time")
                try:
                    parsed = dt.datetime.fromisoformat(value)
                except ValueError:
                    parsed = None
                if parsed is None or parsed.tzinfo is None:
                    problems.append(
                        f"{where}: {label}: bad date {value!r}: expected ISO 8601 with a time "
                        "zone, e.g. 2017-09-20T08:00:00Z."
                    )
                    return None
                return moment(parsed)

        case Kind.FILE:
            max_length, required = model_field.max_length, column.required

            def check(value, where, problems):
                if not isinstance(value, str):
                    return wrong(value, where, problems, "a file name")
                if len(value) > max_length:
                    problems.append(f"{where}: {label}: longer than {max_length} characters.")
                elif required and not value:
                    problems.append(f"{where}: {label}: empty file name.")
                return value

        case Kind.REF:

            def check(value, where, problems):
                if value is None and null:
                    return None
                if not isinstance(value, str):
                    return wrong(value, where, problems, "a key or null" if null else "a key")
                return value

        case Kind.APPOINTMENT:

            def check(value, where, problems):
                if value is None:
                    return None
                if (
                    not isinstance(value, dict)
                    or set(value) != {"person", "title", "start_date"}
                    or not isinstance(value["person"], str)
                    or not isinstance(value["title"], str)
                ):
                    return wrong(value, where, problems, '{"person", "title", "start_date"}')
                start = _date(value["start_date"], f"{where}: {label} start_date", problems)
                return {"person": value["person"], "title": value["title"], "start_date": start}

    return check


def _text_rules(model_field: models.Field) -> Callable[[str], list[str]]:
    """What Field.clean() would say about a string, without its per-call overhead; the
    messages are Django's."""
    max_length, blank = model_field.max_length, model_field.blank
    choices = {str(value) for value, _ in model_field.flatchoices} if model_field.choices else None
    validators = [v for v in model_field.validators if not isinstance(v, MaxLengthValidator)]

    def rules(value: str) -> list[str]:
        if not value:
            return [] if blank else ["This field cannot be blank."]
        messages = []
        if choices is not None and value not in choices:
            messages.append(f"Value {value!r} is not a valid choice.")
        if max_length is not None and len(value) > max_length:
            messages.append(
                f"Ensure this value has at most {max_length} characters (it has {len(value)})."
            )
        for validator in validators:
            try:
                validator(value)
            except ValidationError as error:
                messages += error.messages
        return messages

    return rules


def _date(value: Any, where: str, problems: list[str]) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        problems.append(f"{where}: bad date {value!r}: expected YYYY-MM-DD.")
        return None
