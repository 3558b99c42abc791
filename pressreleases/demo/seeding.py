"""Generate demo content of any size, deterministically, with bulk inserts.

Everything is drawn from one `random.Random(seed)` in a fixed order, dates from a fixed window
(the 25 years ending 2026-06-30) rather than from today, and taxonomy rows in slug order, so the
same count and seed give the same content on any day and on any database. Scheduled releases
are dated in the first half of 2030: in the future for years to come, yet still deterministic.

Rows are written in batches of 2,000 releases, one multi-row INSERT per table (`insert_rows`),
all in one transaction. Like bulk_create this skips `save()` and signals: bodies are generated
as clean HTML, `publish_at`, `withdrawn_at`, `updated_at` and slugs are set explicitly, each
batch is indexed for search, and the facet totals and the page cache are told once at the end.
"""

import collections
import datetime as dt
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import reset_queries, transaction
from taggit.models import TaggedItem

from taxonomy.loading import load_file
from taxonomy.models import Chairpersonship, Country, FieldOfWork, MeetingSeries, Structure

from ..bulk import insert_rows, refresh_statistics
from ..caching import content_changed
from ..facet_index import totals_moved_at_end
from ..models import Appointment, PressRelease, Quote
from ..search import index_releases
from . import vocabulary as words
from .cast import NOT_QUOTED, Career, Cast, Slugs
from .text import Scene, Text, Voice, Writer

WINDOW_START = dt.datetime(2001, 7, 1, tzinfo=dt.UTC)
WINDOW_END = dt.datetime(2026, 6, 30, 23, 59, tzinfo=dt.UTC)
SCHEDULED_FROM = dt.datetime(2030, 1, 7, tzinfo=dt.UTC)
SCHEDULED_DAYS = 180
BATCH = 2000
KEY_PREFIX = "seed-demo"

Status = PressRelease.Status
Kind = PressRelease.ContentType
SCHEDULED = "scheduled"  # published with a future publish_at; a status of the plan only
STATUS_SHARES = [  # the rest is published
    (Status.DRAFT, 0.05),
    (Status.IN_REVIEW, 0.02),
    (SCHEDULED, 0.03),
    (Status.WITHDRAWN, 0.02),
]
CONTENT_TYPES = [
    (Kind.PRESS_RELEASE, 55),
    (Kind.NEWS, 20),
    (Kind.PRESS_STATEMENT, 8),
    (Kind.STATEMENT, 5),
    (Kind.SPEECH, 4),
    (Kind.OP_ED, 4),
    (Kind.FEATURE, 4),
]
QUOTE_COUNTS = [(0, 15), (1, 20), (2, 25), (3, 18), (4, 10), (5, 7), (6, 5)]
CONTENT_TYPE_CHOICES = [choice for choice, _ in CONTENT_TYPES]
CONTENT_TYPE_WEIGHTS = list(itertools.accumulate(weight for _, weight in CONTENT_TYPES))
QUOTE_COUNT_CHOICES = [choice for choice, _ in QUOTE_COUNTS]
QUOTE_COUNT_WEIGHTS = list(itertools.accumulate(weight for _, weight in QUOTE_COUNTS))
RUSSIAN_SHARE = 0.03
REGION_OF = {
    **dict.fromkeys(
        ["kazakhstan", "kyrgyzstan", "tajikistan", "turkmenistan", "uzbekistan"], "central-asia"
    ),
    **dict.fromkeys(
        ["albania", "bosnia-and-herzegovina", "croatia", "montenegro", "north-macedonia", "serbia"],
        "south-eastern-europe",
    ),
    **dict.fromkeys(["armenia", "azerbaijan", "georgia"], "south-caucasus"),
    **dict.fromkeys(
        ["belarus", "moldova", "ukraine", "russian-federation", "estonia", "latvia"],
        "eastern-europe",
    ),
}
REGION_TAGS = {
    "central-asia": "Central Asia",
    "south-eastern-europe": "South-Eastern Europe",
    "south-caucasus": "South Caucasus",
    "eastern-europe": "Eastern Europe",
}
# Seats where Russian is a working language of the office; Russian releases come from these.
RUSSIAN_SEATS = set(words.RU_CITIES)
# Specialist bodies speak on their own subjects; the others (field operations, the Secretary
# General, the Chairpersonship, the Parliamentary Assembly...) on any.
SPECIALISMS = {
    "action-against-terrorism-unit": {"countering-terrorism"},
    "border-security-and-management-unit": {"border-management"},
    "cyber-ict-security-unit": {"cyber-ict-security"},
    "strategic-police-matters-unit": {"policing", "migration"},
    "transnational-threats-department": {
        "policing", "border-management", "countering-terrorism", "cyber-ict-security", "migration"
    },
    "office-of-the-special-representative-and-co-ordinator-for-combating-trafficking-in-human-"
    "beings": {"combating-trafficking-in-human-beings"},
    "office-of-the-co-ordinator-of-osce-economic-and-environmental-activities": {
        "economic-activities", "environmental-activities", "good-governance"
    },
    "gender-issues-programme": {"gender-equality"},
    "opportunities-for-youth": {"youth"},
    "conflict-prevention-centre": {
        "conflict-prevention-and-resolution", "arms-control", "border-management"
    },
    "office-for-democratic-institutions-and-human-rights": {
        "elections", "human-rights", "democratization", "tolerance-and-non-discrimination",
        "roma-and-sinti", "rule-of-law", "gender-equality"
    },
    "high-commissioner-on-national-minorities": {"national-minority-issues", "education"},
    "representative-on-freedom-of-the-media": {"media-freedom-and-development"},
    "court-of-conciliation-and-arbitration": {"conflict-prevention-and-resolution"},
}  # fmt: skip


class DemoError(Exception):
    """seed_demo cannot run; nothing was written."""


@dataclass
class SeedReport:
    releases: int = 0
    quotes: int = 0
    people: int = 0
    appointments: int = 0
    organisations: int = 0
    loaded_taxonomy: bool = False


Progress = Callable[[int, int], None]


def seed_demo(count: int, seed: int, *, progress: Progress | None = None) -> SeedReport:
    """Add `count` demo releases generated from `seed`, with the speakers, organisations and
    tags they need, in one transaction. Loads the shipped taxonomy first when the database has
    none. Refuses (DemoError) a count below 1 and a seed already used in this database."""
    if count < 1:
        raise DemoError(f"The count must be at least 1, not {count}.")
    if PressRelease.objects.filter(import_key__startswith=f"{KEY_PREFIX}:{seed}:").exists():
        raise DemoError(
            f"This database already holds the demo content of seed {seed}. Use another seed "
            "to add more, or start from an empty database."
        )
    report = SeedReport()
    with transaction.atomic():
        if not (FieldOfWork.objects.exists() and Structure.objects.exists()):
            load_file()
            report.loaded_taxonomy = True
        with totals_moved_at_end():
            _Generator(count, seed, report).run(progress)
        content_changed()
    refresh_statistics()
    return report


class _Generator:
    def __init__(self, count: int, seed: int, report: SeedReport):
        self.count, self.seed, self.report = count, seed, report
        self.rng = random.Random(seed)
        self.writer = Writer(self.rng)
        self.fields = list(FieldOfWork.objects.order_by("slug"))
        self.topics = [field for field in self.fields if field.slug in words.TOPICS]
        self.countries = list(Country.objects.participating_states().order_by("slug"))
        self.structures = list(Structure.objects.select_related("host_country").order_by("slug"))
        self.meetings = list(MeetingSeries.objects.order_by("slug"))
        self.chairs = {
            c.year: c.country.name for c in Chairpersonship.objects.select_related("country")
        }
        self.operating: dict[tuple[int, bool], list[Structure]] = {}
        self.cast = Cast(
            self.rng,
            self.structures,
            self.countries,
            (WINDOW_START.date(), WINDOW_END.date()),
            last_year=SCHEDULED_FROM.year + 1,
        )
        if not self.topics:
            raise DemoError("The fields of work in this database match none of the demo topics.")

    def run(self, progress: Progress | None) -> None:
        cast = self.cast
        organisations = cast.make_organisations()
        self.careers = cast.make_people(min(600, max(40, self.count // 150)))
        self.tag_ids = cast.make_tags()
        self.report.organisations = len(organisations)
        self.report.people = len(self.careers)
        self.report.appointments = sum(len(career.appointments) for career in self.careers)
        self.make_releases(progress)

    # Releases ---------------------------------------------------------------------------------

    def schedule(self) -> list[tuple[dt.datetime, str]]:
        """(time, status) for every release, in time order."""
        rng = self.rng
        span_minutes = int((WINDOW_END - WINDOW_START).total_seconds() // 60)
        plan = []
        for _ in range(self.count):
            draw, status = rng.random(), Status.PUBLISHED
            for candidate, share in STATUS_SHARES:
                if draw < share:
                    status = candidate
                    break
                draw -= share
            if status == SCHEDULED:
                day = SCHEDULED_FROM + dt.timedelta(days=rng.randrange(SCHEDULED_DAYS))
            elif status in (Status.DRAFT, Status.IN_REVIEW):
                day = WINDOW_END - dt.timedelta(days=rng.randrange(1, 300))
            else:
                day = WINDOW_START + dt.timedelta(minutes=rng.randrange(span_minutes))
            moment = day.replace(hour=rng.randint(6, 17), minute=rng.randrange(0, 60, 5), second=0)
            plan.append((moment, status))
        plan.sort(key=lambda item: item[0])
        return plan

    def make_releases(self, progress: Progress | None) -> None:
        plan = self.schedule()
        self.release_slug = Slugs(set(PressRelease.objects.values_list("slug", flat=True)))
        self.pks: list[int] = []
        self.recent: dict[int, collections.deque] = collections.defaultdict(
            lambda: collections.deque(maxlen=40)
        )
        self.recent_english: collections.deque = collections.deque(maxlen=20)
        self.content_type_id = ContentType.objects.get_for_model(PressRelease).pk
        self.link_columns = {
            name: (f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id")
            for name in ("sources", "fields_of_work", "countries", "meeting_series", "related")
            for field in [PressRelease._meta.get_field(name)]
        }
        # Press contacts: a dozen people in post today.
        in_post = [c for c in self.careers if c.appointments[-1].end_date is None]
        self.contacts = in_post[:12] or self.careers[:12]
        for start in range(0, self.count, BATCH):
            self.write_batch(start, plan[start : start + BATCH])
            # Under DEBUG every statement, bodies and all, stays in the queries log.
            reset_queries()
            if progress:
                progress(min(start + BATCH, self.count), self.count)

    def open_structures(self, year: int, russian: bool = False) -> list[Structure]:
        """Bodies operating in `year` (for Russian releases: those with a Russian-speaking seat)."""
        key = (year, russian)
        if key not in self.operating:
            self.operating[key] = [
                s
                for s in self.structures
                if s.slug not in NOT_QUOTED
                and (s.opened_year or 0) <= year <= (s.closed_year or 9999)
                and (not russian or s.seat in RUSSIAN_SEATS)
            ]
        return self.operating[key]

    def write_batch(self, start: int, plan: list[tuple[dt.datetime, str]]) -> None:
        stories = [
            self.story(start + offset, moment, status)
            for offset, (moment, status) in enumerate(plan)
        ]
        insert_rows(PressRelease, [story.row for story in stories])
        keys = [story.row["import_key"] for story in stories]
        pks = dict(PressRelease.objects.filter(import_key__in=keys).values_list("import_key", "pk"))
        self.pks += [pks[key] for key in keys]
        links: dict[str, list[dict]] = collections.defaultdict(list)
        quotes, tagged = [], []
        for index, story in enumerate(stories, start=start):
            pk = self.pks[index]
            for name, targets in story.links.items():
                source, target = self.link_columns[name]
                links[name] += [{source: pk, target: other} for other in targets]
            source, target = self.link_columns["related"]
            links["related"] += [{source: pk, target: self.pks[other]} for other in story.related]
            tagged += [
                {
                    "content_type_id": self.content_type_id,
                    "object_id": pk,
                    "tag_id": self.tag_ids[name],
                }
                for name in story.tags
            ]
            for quote in story.quotes:
                quote["release_id"] = pk
            quotes += story.quotes
            if story.translation_of is not None:
                # The original may be in this very batch, so its key is only known now.
                PressRelease.objects.filter(pk=pk).update(
                    translation_of_id=self.pks[story.translation_of]
                )
        for name, rows in links.items():
            insert_rows(PressRelease._meta.get_field(name).remote_field.through, rows)
        insert_rows(TaggedItem, tagged)
        insert_rows(Quote, quotes)
        # Inserts send no signals: index what was written, as the search module asks.
        index_releases(self.pks[start:])
        self.report.releases += len(stories)
        self.report.quotes += len(quotes)

    # One release ------------------------------------------------------------------------------

    def story(self, index: int, moment: dt.datetime, status: str) -> "_Story":
        rng = self.rng
        russian = rng.random() < RUSSIAN_SHARE
        original = None
        if russian:
            recent = [s for s in self.recent_english if (moment - s.moment).days <= 45]
            if recent and rng.random() < 0.5:
                original = rng.choice(recent)
        if original is not None:
            field, sources, countries, places = (
                original.field,
                original.sources,
                original.countries,
                original.places,
            )
        else:
            field = rng.choice(self.topics)
            sources = self.pick_sources(moment.year, russian, field.slug)
            countries = self.pick_countries(sources[0])
            places = self.pick_places(sources[0])
        primary = sources[0]
        fields = [field, *rng.sample([f for f in self.fields if f is not field], rng.randint(0, 3))]
        content_type = (
            rng.choice([Kind.PRESS_RELEASE, Kind.NEWS])
            if russian
            else rng.choices(CONTENT_TYPE_CHOICES, cum_weights=CONTENT_TYPE_WEIGHTS)[0]
        )
        meeting = (
            rng.choice(self.meetings)
            if content_type == Kind.SPEECH or rng.random() < 0.08
            else None
        )
        voices, quotes = self.pick_quotes(moment.date(), primary, content_type)
        scene = Scene(
            day=moment.date(),
            language=PressRelease.Language.RUSSIAN if russian else PressRelease.Language.ENGLISH,
            content_type=content_type,
            topic=words.TOPICS[field.slug],
            subject_index=rng.randrange(10),
            event_index=rng.randrange(len(words.EVENTS)),
            participants_index=rng.randrange(5),
            places=places,
            source=primary.display_name,
            country=self.country_text(primary, countries),
            other_country=rng.choice(self.countries).name,
            area=words.REGIONS[self.area(primary)],
            partner="the " + rng.choice(self.cast.partners).name,
            chair=(
                f"{self.chairs[moment.year]}’s OSCE Chairpersonship"
                if moment.year in self.chairs
                else "The OSCE Chairpersonship"
            ),
            meeting=_singular(meeting.name) if meeting else "Permanent Council",
            since=rng.randint(
                min(max(primary.opened_year or 1995, moment.year - 12), moment.year - 1),
                moment.year - 1,
            ),
            voices=voices,
        )
        text = self.writer.write(scene)
        for quote, quote_text in zip(quotes, text.quotes, strict=True):
            quote["text"] = quote_text
        row = self.release(index, moment, status, scene, text)
        related = []
        if status in (Status.PUBLISHED, Status.WITHDRAWN):
            earlier = self.recent[field.pk]
            if earlier and rng.random() < 0.15:
                related = rng.sample(list(earlier), min(len(earlier), rng.randint(1, 3)))
            earlier.append(index)
            if not russian and status == Status.PUBLISHED and primary.seat in RUSSIAN_SEATS:
                self.recent_english.append(
                    _Summary(index, moment, field, sources, countries, places)
                )
        return _Story(
            row=row,
            links={
                "sources": [s.pk for s in sources],
                "fields_of_work": [f.pk for f in fields],
                "countries": [c.pk for c in countries],
                "meeting_series": [meeting.pk] if meeting else [],
            },
            related=related,
            tags=self.pick_tags(field, primary),
            quotes=quotes,
            translation_of=original.index if original else None,
        )

    def release(
        self, index: int, moment: dt.datetime, status: str, scene: Scene, text: Text
    ) -> dict[str, Any]:
        """The release's row: everything save() would have filled in is set here."""
        rng = self.rng
        row = {
            "content_type": scene.content_type,
            "title": text.title,
            "slug": self.release_slug(text.title),
            "language": scene.language,
            "places": scene.places,
            "lead": text.lead,
            "body": text.body,
            "status": Status.PUBLISHED if status == SCHEDULED else status,
            "import_key": f"{KEY_PREFIX}:{self.seed}:{index}",
            "publish_at": None if status in (Status.DRAFT, Status.IN_REVIEW) else moment,
        }
        if status in (Status.DRAFT, Status.IN_REVIEW):
            row["created_at"] = moment
        elif status == SCHEDULED:
            row["created_at"] = WINDOW_END - dt.timedelta(days=rng.randrange(1, 60))
        else:
            row["created_at"] = moment - dt.timedelta(minutes=rng.randrange(30, 72 * 60))
        row["updated_at"] = (
            moment if status in (Status.PUBLISHED, Status.WITHDRAWN) else (row["created_at"])
        )
        if status == Status.WITHDRAWN:
            row["withdrawn_at"] = min(moment + dt.timedelta(days=rng.randint(1, 30)), WINDOW_END)
            row["updated_at"] = row["withdrawn_at"]
            row["withdrawal_reason"] = rng.choice(words.WITHDRAWAL_REASONS)
        contact = rng.random()
        if contact < 0.1:
            row["contact_person_id"] = rng.choice(self.contacts).person.pk
        elif contact < 0.6:
            officer = rng.choice(self.careers)
            row["contact_text"] = (
                f"{officer.person.full_name}\nPress and Public Information Officer\n"
                f"{scene.source}\npress@newsroom.example.org"
            )
        return row

    def pick_sources(self, year: int, russian: bool, topic: str) -> list[Structure]:
        rng = self.rng
        speaking = [
            s
            for s in self.open_structures(year, russian)
            if topic in SPECIALISMS.get(s.slug, {topic})
        ]
        primary = rng.choice(speaking)
        others = [s for s in self.open_structures(year) if s is not primary]
        return [primary, *rng.sample(others, rng.choice((0, 0, 0, 1, 1, 2)))]

    def pick_countries(self, primary: Structure) -> list[Country]:
        rng = self.rng
        chosen = [primary.host_country] if primary.host_country else []
        for country in rng.sample(self.countries, rng.randint(0, 2)):
            if all(country.pk != other.pk for other in chosen):
                chosen.append(country)
        return chosen

    def pick_places(self, primary: Structure) -> list[str]:
        seat = primary.seat or "Vienna"
        if seat != "Vienna" and self.rng.random() < 0.1:
            return ["Vienna", seat]
        return [seat]

    def country_text(self, primary: Structure, countries: list[Country]) -> str:
        if primary.slug == "mission-in-kosovo":
            return "Kosovo"
        return countries[0].name if countries else self.rng.choice(self.countries).name

    def area(self, primary: Structure) -> str:
        if primary.slug == "mission-in-kosovo":
            return "south-eastern-europe"
        return REGION_OF.get(primary.host_country.slug if primary.host_country else "", "osce")

    def pick_tags(self, field: FieldOfWork, primary: Structure) -> list[str]:
        rng = self.rng
        if rng.random() < 0.1:
            return []
        topic = words.TOPICS[field.slug]
        names = rng.sample(topic.tags, rng.randint(1, 2))
        region = REGION_TAGS.get(self.area(primary))
        if region and rng.random() < 0.5:
            names.append(region)
        if rng.random() < 0.3:
            names.append(rng.choice(words.EXTRA_TAGS))
        return list(dict.fromkeys(names))[:4]

    def pick_quotes(
        self, day: dt.date, primary: Structure, content_type: str
    ) -> tuple[list[Voice | None], list[dict]]:
        rng = self.rng
        if content_type in (Kind.SPEECH, Kind.OP_ED):
            count = 0
        elif content_type in (Kind.STATEMENT, Kind.PRESS_STATEMENT):
            count = rng.randint(0, 1)
        else:
            count = rng.choices(QUOTE_COUNT_CHOICES, cum_weights=QUOTE_COUNT_WEIGHTS)[0]
        speakers: list[tuple[Career, Appointment]] = []
        for _ in range(min(count, rng.randint(1, 4))):
            speaker = self.cast.pick_speaker(day, primary.pk, {id(c) for c, _ in speakers})
            if speaker:
                speakers.append(speaker)
        # Extra quotes go to speakers already quoted (twice at most), right after their first.
        order, once = list(speakers), list(speakers)
        while once and len(order) < count:
            again = once.pop(rng.randrange(len(once)))
            order.insert(next(i for i, item in enumerate(order) if item is again) + 1, again)
        voices: list[Voice | None] = []
        quotes: list[dict] = []
        for position, (career, appointment) in enumerate(order):
            if rng.random() < 0.03:
                voices.append(None)
                organisation = self.cast.organisation_of.get(primary.pk)
                quotes.append(
                    {
                        "structure_id": primary.pk,
                        "organisation_id": organisation.pk if organisation else None,
                        "order": position,
                    }
                )
                continue
            voices.append(Voice(career.person.full_name, appointment.title, career.female))
            quote = {
                "speaker_id": career.person.pk,
                "appointment_id": appointment.pk,
                "organisation_id": appointment.organisation_id,
                "structure_id": appointment.organisation.structure_id,
                "order": position,
            }
            if rng.random() < 0.01:
                quote |= {
                    "appointment_id": None,
                    "role_text": appointment.title,
                    "needs_review": True,
                    "review_note": "Role not confirmed: no appointment on file matched the text.",
                }
            quotes.append(quote)
        return voices, quotes


@dataclass
class _Summary:
    """An English release a Russian one may translate."""

    index: int
    moment: dt.datetime
    field: FieldOfWork
    sources: list[Structure]
    countries: list[Country]
    places: list[str]


@dataclass
class _Story:
    row: dict[str, Any]  # the PressRelease row, {attname: value}
    links: dict[str, list[int]]
    related: list[int]
    tags: list[str]
    quotes: list[dict]  # Quote rows, {attname: value}
    translation_of: int | None


def _singular(name: str) -> str:
    """“Ministerial Council meetings” → “Ministerial Council meeting”."""
    for plural in ("meetings", "Meetings", "conferences", "Conferences"):
        name = name.replace(plural, plural[:-1])
    return name
