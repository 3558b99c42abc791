"""A small, fixed newsroom served by the live server, for the browser tests of the public site.

Twenty-five public releases, numbered 0 to 24, release n published n days before the newest:

    field of work   Migration when n % 3 == 0 (9), Policing when n % 3 == 1 (8),
                    Elections when n % 3 == 2 (8)
    country         Albania when n is even (13), Armenia when n is odd (12)
    source          the Mission to Bosnia and Herzegovina for n < 12 (12), ODIHR after (13)

so Migration and Albania together select releases 0, 6, 12, 18 and 24. Release 6 alone
mentions "hydrography"; releases 3 and 22 quote the one speaker. At 20 a page the listing has
two pages, the second holding releases 20 to 24. A draft on Migration in Albania checks that
hidden releases stay out of every count.

The data is committed (the tests use a transactional database), so the live server's thread
sees it; pytest-django empties the tables after each test.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.db import transaction
from playwright.sync_api import ConsoleMessage, Page

from pressreleases.models import Person, PressRelease
from pressreleases.search import index_releases
from taxonomy.loading import load_file
from taxonomy.models import Country, FieldOfWork, Structure
from tests.factories import AppointmentFactory, PersonFactory, PressReleaseFactory, QuoteFactory

RELEASE_COUNT = 25
NEWEST = datetime.datetime(2024, 6, 28, 9, 0, tzinfo=datetime.UTC)
SEARCHED, QUOTED = 6, 22
SEARCH_WORD = "hydrography"
WIDTHS = [1280, 375]


@dataclass(frozen=True)
class Newsroom:
    url: str  # the live server's root, without a trailing slash
    releases: list[PressRelease]  # by number: releases[n] is release n
    speaker: Person

    def public_pages(self) -> dict[str, str]:
        """The pages every reader reaches, by name: their absolute URLs."""
        return {
            "home": self.url + "/",
            "listing": self.url + "/press-releases/",
            "release": self.url + self.releases[QUOTED].get_absolute_url(),
            "speaker": self.url + self.speaker.get_absolute_url(),
            "quotes": self.url + "/quotes/",
        }


@pytest.fixture
def newsroom(live_server) -> Newsroom:
    with transaction.atomic():
        load_file()
        releases, speaker = build_newsroom()
    return Newsroom(url=live_server.url, releases=releases, speaker=speaker)


def build_newsroom() -> tuple[list[PressRelease], Person]:
    fields = [FieldOfWork.objects.get(slug=slug) for slug in ("migration", "policing", "elections")]
    countries = [Country.objects.get(slug=slug) for slug in ("albania", "armenia")]
    mission = Structure.objects.get(slug="mission-to-bosnia-and-herzegovina")
    odihr = Structure.objects.get(slug="office-for-democratic-institutions-and-human-rights")

    releases = []
    for n in range(RELEASE_COUNT):
        field, country = fields[n % 3], countries[n % 2]
        lead = f"Experts on {field.name.lower()} met for round table {n}."
        if n == SEARCHED:
            lead = "Participants mapped the river basins they share: regional hydrography."
        releases.append(
            PressReleaseFactory(
                title=f"{field.name} round table {n} in {country.name}",
                lead=lead,
                publish_at=NEWEST - datetime.timedelta(days=n),
                places=[country.name],
            )
        )
    draft = PressReleaseFactory(
        title="A draft nobody may count", status=PressRelease.Status.DRAFT, publish_at=None
    )
    # Linked in bulk and indexed once: through the factories, each link re-indexes a release.
    links = {
        "fields_of_work": [(release, fields[n % 3]) for n, release in enumerate(releases)],
        "countries": [(release, countries[n % 2]) for n, release in enumerate(releases)],
        "sources": [(release, mission if n < 12 else odihr) for n, release in enumerate(releases)],
    }
    links["fields_of_work"].append((draft, fields[0]))
    links["countries"].append((draft, countries[0]))
    for name, pairs in links.items():
        m2m = PressRelease._meta.get_field(name)
        through = m2m.remote_field.through
        through.objects.bulk_create(
            through(**{m2m.m2m_field_name(): release, m2m.m2m_reverse_field_name(): term})
            for release, term in pairs
        )
    index_releases([release.pk for release in [*releases, draft]])

    speaker = PersonFactory(full_name="Elena Marković")
    appointment = AppointmentFactory(
        person=speaker, title="Head of the OSCE Mission to Bosnia and Herzegovina"
    )
    for n in (3, QUOTED):
        QuoteFactory(
            release=releases[n],
            speaker=speaker,
            appointment=appointment,
            text=f"Round table {n} showed what neighbours achieve together.",
        )
    return releases, speaker


def watch_csp(page: Page) -> list[str]:
    """A list that collects, from now on, the Content Security Policy violations `page`
    reports: Chromium logs each script, style or image the policy refuses to its console."""
    violations: list[str] = []

    def collect(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", collect)
    return violations
