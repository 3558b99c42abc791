"""The people, organisations and tags demo releases are about.

Organisations include one per OSCE structure, intergovernmental organisations, ministries,
permanent missions, civil society and academia. People have careers of one to four successive
posts, so a speaker quoted in 2005 and in 2020 may hold different titles; releases quote the
post held on their date.
"""

import collections
import datetime as dt
import random
from dataclasses import dataclass

from django.utils.text import slugify
from taggit.models import Tag

from taxonomy.models import Country, Structure

from ..models import Appointment, Organisation, Person, fold
from . import vocabulary as words

# Bodies nobody is quoted for in a press release.
NOT_QUOTED = {
    "secretariat",
    "department-of-human-resources",
    "department-of-management-and-finance",
    "office-of-internal-oversight",
    "documentation-centre-in-prague",
}
# Names that read wrongly after "Ministry of … of".
NEEDS_ARTICLE = {"united-states-of-america", "united-kingdom", "netherlands", "holy-see",
                 "russian-federation"}  # fmt: skip


@dataclass(eq=False)
class Career:
    """A speaker and the posts they held, in order (the last one may still last)."""

    person: Person
    female: bool
    appointments: list[Appointment]


class Slugs:
    """Unique slugs decided in Python: one query up front instead of one per row."""

    def __init__(self, taken: set[str]):
        self.taken = taken
        self.next_suffix: dict[str, int] = {}

    def __call__(self, text: str) -> str:
        if not text.isascii():
            text = "".join(words.CYRILLIC_TO_LATIN.get(char, char) for char in fold(text))
        base = slugify(text)[:100].strip("-") or "item"
        slug = base
        while slug in self.taken:
            suffix = self.next_suffix.get(base, 2)
            self.next_suffix[base] = suffix + 1
            slug = f"{base}-{suffix}"
        self.taken.add(slug)
        return slug


class Cast:
    """Creates the pools (in bulk) and picks speakers from them."""

    def __init__(
        self,
        rng: random.Random,
        structures: list[Structure],
        countries: list[Country],
        window: tuple[dt.date, dt.date],
        last_year: int,
    ):
        self.rng = rng
        self.structures, self.countries = structures, countries
        self.first_day, self.last_day = window
        self.last_year = last_year  # the latest year a release (a scheduled one) can have

    def make_organisations(self) -> list[Organisation]:
        """OSCE bodies, intergovernmental organisations, ministries, permanent missions, civil
        society and academia."""
        rng, kinds = self.rng, Organisation.Kind
        slug = Slugs(set(Organisation.objects.values_list("slug", flat=True)))
        rows = [
            Organisation(
                name=structure.display_name,
                acronym=structure.acronym,
                kind=kinds.OSCE_STRUCTURE,
                structure=structure,
            )
            for structure in self.structures
            if structure.slug not in NOT_QUOTED
        ]
        rows += [
            Organisation(name=name, acronym=acronym, kind=kinds.INTERGOVERNMENTAL)
            for name, acronym in words.INTERGOVERNMENTAL
        ]
        plain = [c for c in self.countries if c.slug not in NEEDS_ARTICLE]
        for country in rng.sample(plain, 12):
            rows += [
                Organisation(
                    name=f"Ministry of {portfolio} of {country.name}",
                    kind=kinds.GOVERNMENT,
                    country=country,
                )
                for portfolio in rng.sample(words.PORTFOLIOS, 2)
            ]
        rows += [
            Organisation(
                name=f"Permanent Mission of {country.name} to the OSCE",
                kind=kinds.GOVERNMENT,
                country=country,
            )
            for country in rng.sample(plain, 10)
        ]
        hosts = [s.host_country for s in self.structures if s.host_country]
        rows += [
            Organisation(name=name, kind=kinds.CIVIL_SOCIETY, country=rng.choice(hosts))
            for name in words.CIVIL_SOCIETY
        ]
        for structure in rng.sample([s for s in self.structures if s.host_country], 3):
            rows += [
                Organisation(
                    name=f"{structure.seat} {name}",
                    kind=kinds.ACADEMIC,
                    country=structure.host_country,
                )
                for name in words.ACADEMIC
            ]
        for row in rows:
            row.slug = slug(row.name)
        Organisation.objects.bulk_create(rows)
        self.organisations = rows
        self.partners = [
            row for row in rows if row.kind in (kinds.INTERGOVERNMENTAL, kinds.CIVIL_SOCIETY)
        ]
        self.organisation_of = {row.structure_id: row for row in rows if row.structure_id}
        return rows

    def titles(self, organisation: Organisation) -> list[str]:
        kinds, name = Organisation.Kind, organisation.name
        if organisation.kind == kinds.OSCE_STRUCTURE:
            structure = organisation.structure
            special = {
                "secretary-general": [name],
                "high-commissioner-on-national-minorities": [name],
                "representative-on-freedom-of-the-media": [name],
                "chairpersonship": [f"Special Representative of the {name}"],
                "parliamentary-assembly": [
                    f"President of the {name}",
                    f"Secretary General of the {name}",
                ],
                "court-of-conciliation-and-arbitration": [f"President of the {name}"],
            }
            if structure.slug in special:
                return special[structure.slug]
            if structure.kind == Structure.Kind.FIELD_OPERATION:
                return [
                    f"Head of the {name}",
                    f"Deputy Head of the {name}",
                    f"Programme Manager at the {name}",
                    f"Senior Adviser at the {name}",
                ]
            if structure.kind == Structure.Kind.INSTITUTION:
                return [
                    f"Director of the {name}",
                    f"First Deputy Director of the {name}",
                    f"Senior Adviser at the {name}",
                ]
            return [f"Head of the {name}", f"Senior Programme Officer at the {name}"]
        # A title names its organisation, as Quote.role shows the title alone.
        if name.startswith("Permanent Mission"):
            representative = name.replace("Permanent Mission", "Permanent Representative")
            return [representative, f"Deputy {representative}"]
        if name.startswith("Ministry"):
            minister = name.replace("Ministry", "Minister", 1)
            return [minister, f"Deputy {minister}", f"State Secretary at the {name}"]
        return {
            kinds.INTERGOVERNMENTAL: [
                f"Regional Director of the {name}",
                f"Programme Officer at the {name}",
            ],
            kinds.CIVIL_SOCIETY: [
                f"Executive Director of the {name}",
                f"Programme Manager at the {name}",
            ],
            kinds.ACADEMIC: [f"Professor at the {name}", f"Rector of the {name}"],
        }[organisation.kind]

    def organisation_open_on(self, day: dt.date) -> Organisation:
        """An employer for a post starting on `day`: OSCE bodies only while they operate."""
        while True:
            organisation = self.rng.choice(self.organisations)
            structure = organisation.structure
            if structure is None or (
                (structure.opened_year or 0) <= day.year <= (structure.closed_year or 9999)
            ):
                return organisation

    def make_people(self, people: int) -> list[Career]:
        """`people` speakers with their careers (after make_organisations())."""
        rng = self.rng
        slug = Slugs(set(Person.objects.values_list("slug", flat=True)))
        names: set[str] = set()
        careers: list[Career] = []
        while len(careers) < people:
            female = rng.random() < 0.5
            first = rng.choice(words.FEMALE_NAMES if female else words.MALE_NAMES)
            surname = rng.choice(words.SURNAMES)
            if female and surname.endswith(("ov", "ev", "in")):
                surname += "a"
            elif female and surname.endswith("ski"):
                surname = surname[:-1] + "a"
            full_name = f"{first} {surname}"
            if full_name in names:
                continue
            names.add(full_name)
            person = Person(
                full_name=full_name,
                slug=slug(full_name),
                name_key=fold(full_name),
                honorific=rng.choice(["", "", "", "", "Ambassador", "Dr."]),
            )
            careers.append(Career(person, female, self.career(person)))
        Person.objects.bulk_create([career.person for career in careers])
        appointments = []
        for career in careers:
            for appointment in career.appointments:
                appointment.person = career.person
                appointments.append(appointment)
        Appointment.objects.bulk_create(appointments)
        self.index_speakers(careers)
        return careers

    def career(self, person: Person) -> list[Appointment]:
        rng = self.rng
        # Careers start from five years before the window, so its first years have speakers too.
        day = (
            self.first_day - dt.timedelta(days=5 * 365) + dt.timedelta(days=rng.randrange(27 * 365))
        )
        posts: list[Appointment] = []
        for number in range(rng.randint(1, 4)):
            organisation = self.organisation_open_on(day)
            end: dt.date | None = day + dt.timedelta(days=rng.randint(365, 6 * 365))
            closed = organisation.structure.closed_year if organisation.structure else None
            if closed:
                end = min(end, dt.date(closed, 12, 31))
            if number == 3 or rng.random() < 0.3:
                end = None if not closed else end
            posts.append(
                Appointment(
                    title=rng.choice(self.titles(organisation)),
                    organisation=organisation,
                    start_date=day,
                    end_date=end,
                )
            )
            if end is None:
                break
            day = end + dt.timedelta(days=rng.randint(1, 120))
            if day > self.last_day:
                break
        return posts

    def index_speakers(self, careers: list[Career]) -> None:
        """Who held which post in which year, and per OSCE structure, for picking speakers."""
        self.by_year: dict[int, list[tuple[Career, Appointment]]] = collections.defaultdict(list)
        self.by_structure: dict[int, list[tuple[Career, Appointment]]] = collections.defaultdict(
            list
        )
        last_year = self.last_year
        for career in careers:
            for appointment in career.appointments:
                end_year = appointment.end_date.year if appointment.end_date else last_year
                for year in range(appointment.start_date.year, end_year + 1):
                    self.by_year[year].append((career, appointment))
                if appointment.organisation.structure_id:
                    self.by_structure[appointment.organisation.structure_id].append(
                        (career, appointment)
                    )

    def make_tags(self) -> dict[str, int]:
        """The demo's tag vocabulary, reusing tags of the same name: name → id."""
        names = sorted(
            {tag for topic in words.TOPICS.values() for tag in topic.tags} | set(words.EXTRA_TAGS)
        )
        existing = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
        taken = set(Tag.objects.values_list("slug", flat=True))
        new = []
        for name in names:
            if name not in existing:
                tag_slug = slugify(name, allow_unicode=True)
                while tag_slug in taken:
                    tag_slug += "-demo"
                taken.add(tag_slug)
                new.append(Tag(name=name, slug=tag_slug))
        Tag.objects.bulk_create(new)
        return dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))

    def pick_speaker(
        self, day: dt.date, structure_id: int, taken: set[int]
    ) -> tuple[Career, Appointment] | None:
        """Someone who held a post on `day`: often at the releasing body itself."""
        rng = self.rng
        pools = [self.by_year.get(day.year, [])]
        if rng.random() < 0.5 and self.by_structure.get(structure_id):
            pools.insert(0, self.by_structure[structure_id])
        for pool in pools:
            for _ in range(6 if pool else 0):
                career, appointment = rng.choice(pool)
                if appointment.covers(day) and id(career) not in taken:
                    return career, appointment
        return None
