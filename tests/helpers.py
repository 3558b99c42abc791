"""Small shorthands the release tests share."""

import datetime

from taxonomy.models import Country, FieldOfWork, Structure


def at(*args: int) -> datetime.datetime:
    """A UTC moment: at(2021, 6, 1, 10)."""
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def field(slug: str) -> FieldOfWork:
    return FieldOfWork.objects.get(slug=slug)


def country(slug: str) -> Country:
    return Country.objects.get(slug=slug)


def structure(slug: str) -> Structure:
    return Structure.objects.get(slug=slug)
