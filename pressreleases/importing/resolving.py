"""Map the names a page uses to rows: structures, fields of work, organisations, people and
their appointments.

Matching is exact on folded names (no accents, any case) and exact-case on acronyms. Nothing is
guessed: a source or field not in the taxonomy is reported, not created; a role containing an
abbreviation nobody knows ("UNOCD") is kept as written, with the known acronyms it resembles
named for the reviewer, and linked to nothing. Rows the importer may create are people, their
appointments, a government per country ("Government of Bosnia and Herzegovina", for ministers
and ambassadors) and an organisation per OSCE structure quoted (linked to the structure).

One `Resolver` serves one import run and caches what it looked up; after a page's transaction
is rolled back, the run takes a new one, so no cached row outlives its transaction.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from taxonomy.models import Country, FieldOfWork, Structure

from ..models import Appointment, Organisation, Person, fold, unique_slug
from .names import person_key, split_honorific

PERSON_NAME_MAX_LENGTH = Person._meta.get_field("full_name").max_length
# Capitalised tokens that are not organisations' abbreviations.
COMMON_CAPITALS = {
    "ICT", "HIV", "AIDS", "NGO", "SEE", "COVID", "CEO", "TV", "MP", "IT", "PhD", "SALW", "CBRN",
    "LGBTI", "LGBT", "UK", "US", "USA", "OSCE", "CSCE",
}  # fmt: skip
_CAPITALS = re.compile(r"(?<!\w)[A-Z][A-Z0-9]+(?!\w)")
_ROMAN = re.compile(r"^[IVXLC]+$")
_GOVERNMENT = re.compile(
    r"(?<!\w)(?:minister|ministry|government|president|prime minister|parliament|ambassador"
    r"|permanent representative|state secretary|secretary of state)(?!\w)"
)
_ORGANISATION_WORDS = re.compile(
    r"(?<!\w)(?:organi[sz]ation|office|institute|agency|ministry|department|centre|center"
    r"|council|commission|committee|university|association|foundation|union|court|bank|fund"
    r"|programme|network|authority|service|directorate|police|parliament|assembly)(?!\w)"
)


@dataclass(frozen=True)
class RoleMatch:
    """What a role links to; `doubt` says why it links to nothing although it names a body."""

    organisation: Organisation | None = None
    structure: Structure | None = None
    doubt: str = ""


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: "UNOCD" is one transposition from "UNODC"."""
    rows = [list(range(len(b) + 1))]
    for i, char_a in enumerate(a, 1):
        row = [i]
        for j, char_b in enumerate(b, 1):
            cost = char_a != char_b
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost))
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _alternation(names: Iterable[str]) -> re.Pattern | None:
    """One pattern matching any of `names` as whole words, the longest first."""
    ordered = sorted({name for name in names if name}, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")


def _matches(pattern: re.Pattern | None, text: str) -> list[re.Match]:
    return list(pattern.finditer(text)) if pattern is not None else []


class Resolver:
    def __init__(self) -> None:
        self.created_people: list[str] = []
        self.created_organisations: list[str] = []
        self._people: dict[str, Person] = {}
        self._appointments: dict[tuple[int, str], list[Appointment]] = {}
        self._roles: dict[str, RoleMatch] = {}
        self._structure_orgs: dict[int, Organisation] = {}
        self._governments: dict[int, Organisation] = {}
        self._load_taxonomy()
        self._load_organisations()

    def begin_page(self) -> None:
        self.created_people = []
        self.created_organisations = []

    def _load_taxonomy(self) -> None:
        self._structures: dict[str, Structure] = {}
        always: dict[str, Structure] = {}
        with_osce: dict[str, Structure] = {}
        structure_acronyms: dict[str, Structure] = {}
        for structure in Structure.objects.all():
            for name in structure.names():
                self._structures.setdefault(fold(name), structure)
            for name in [structure.full_name, *structure.short_names]:
                always.setdefault(fold(name), structure)
            with_osce.setdefault(fold(structure.name), structure)
            if structure.acronym:
                structure_acronyms[structure.acronym] = structure
        self._fields = {}
        for field in FieldOfWork.objects.all():
            self._fields[fold(field.name)] = self._fields[field.slug] = field
        self._countries: dict[str, Country] = {}
        country_aliases: dict[str, Country] = {}
        for country in Country.objects.all():
            for name in (country.name, country.official_name):
                if name:
                    self._countries.setdefault(fold(name), country)
            for alias in country.aliases:
                country_aliases[alias] = country
        self._structure_names = always
        self._structure_osce_names = with_osce
        self._structure_acronyms = structure_acronyms
        self._country_aliases = country_aliases
        self._structure_pattern = _alternation(always)
        self._structure_osce_pattern = _alternation(with_osce)
        self._structure_acronym_pattern = _alternation(structure_acronyms)
        self._country_pattern = _alternation(self._countries)
        self._country_alias_pattern = _alternation(country_aliases)

    def _load_organisations(self) -> None:
        self._organisation_names: dict[str, Organisation] = {}
        self._organisation_acronyms: dict[str, Organisation] = {}
        for organisation in Organisation.objects.order_by("pk"):
            for name in [organisation.name, *organisation.aliases]:
                self._organisation_names.setdefault(fold(name), organisation)
            if organisation.acronym:
                self._organisation_acronyms.setdefault(organisation.acronym, organisation)
        self._organisation_pattern = _alternation(self._organisation_names)
        self._organisation_acronym_pattern = _alternation(self._organisation_acronyms)
        self._known_capitals = set(COMMON_CAPITALS) | set(self._organisation_acronyms)
        self._known_capitals |= set(self._structure_acronyms) | set(self._country_aliases)
        names = [*self._organisation_names, *self._structures]
        self._known_capitals |= {word.upper() for name in names for word in re.split(r"\W+", name)}

    # --- taxonomy -------------------------------------------------------------------------

    def sources(self, names: list[str]) -> tuple[list[Structure], list[str]]:
        """(the structures named, the names not in the taxonomy)."""
        return self._lookup(names, self._structures)

    def fields_of_work(self, names: list[str]) -> tuple[list[FieldOfWork], list[str]]:
        """(the fields named, the names not in the taxonomy)."""
        return self._lookup(names, self._fields)

    @staticmethod
    def _lookup(names: list[str], index: dict) -> tuple[list, list[str]]:
        # Names were split at commas; a name that holds a comma is rejoined from its pieces.
        found, unknown, start = [], [], 0
        while start < len(names):
            for end in range(len(names), start, -1):
                row = index.get(fold(", ".join(names[start:end])))
                if row is not None:
                    if row not in found:
                        found.append(row)
                    start = end
                    break
            else:
                unknown.append(names[start])
                start += 1
        return found, unknown

    def body(self, text: str) -> RoleMatch | None:
        """The structure or organisation a phrase such as “the OSCE Mission to BiH” names
        exactly, or None."""
        folded = re.sub(r"^the\s+", "", fold(text))
        if structure := self._structures.get(folded):
            return RoleMatch(self._structure_organisation(structure), structure)
        organisation = self._organisation_names.get(folded) or self._organisation_acronyms.get(
            text.strip()
        )
        return RoleMatch(organisation, organisation.structure) if organisation else None

    # --- roles ----------------------------------------------------------------------------

    def role(self, role: str) -> RoleMatch:
        """The structure or organisation a role belongs to: an OSCE structure first, then a
        government (a minister or ambassador of a named country), then another organisation."""
        if role not in self._roles:
            self._roles[role] = self._match_role(role)
        return self._roles[role]

    def _match_role(self, role: str) -> RoleMatch:
        folded = fold(role)
        structures = self._found(self._structure_pattern, folded, self._structure_names)
        organisations = self._found(self._organisation_pattern, folded, self._organisation_names)
        organisations += self._found(
            self._organisation_acronym_pattern, role, self._organisation_acronyms, folded
        )
        if "OSCE" in role:  # "Secretariat", "CPC": the OSCE's only when the role says so
            structures += self._found(
                self._structure_osce_pattern, folded, self._structure_osce_names
            )
            structures += self._found(
                self._structure_acronym_pattern, role, self._structure_acronyms, folded
            )
        matched = {
            w.upper() for _, name, _ in structures + organisations for w in re.split(r"\W+", name)
        }
        unknown = [
            token
            for token in dict.fromkeys(_CAPITALS.findall(role))
            if token not in self._known_capitals | matched and not _ROMAN.match(token)
        ]
        if unknown:
            return RoleMatch(doubt=self._unknown_abbreviations(unknown))
        if structures:
            structure = max(structures, key=lambda found: len(found[1]))[2]
            return RoleMatch(self._structure_organisation(structure), structure)
        # "Ambassador of Austria to the OSCE" speaks for Austria; "EU Ambassador to Serbia" not.
        government = _GOVERNMENT.search(folded)
        first_body = min((position for position, _, _ in organisations), default=len(folded))
        country = self._country(role, folded) if government else None
        if country is not None and government.start() < first_body:
            return RoleMatch(self._government(country))
        if organisations:
            organisation = max(organisations, key=lambda found: len(found[1]))[2]
            return RoleMatch(organisation, organisation.structure)
        if government:
            return RoleMatch(doubt="no country is named for this government role")
        if _ORGANISATION_WORDS.search(folded):
            return RoleMatch(doubt="the organisation in this role is not on file")
        return RoleMatch()

    @staticmethod
    def _found(
        pattern: re.Pattern | None, text: str, rows: dict, folded: str | None = None
    ) -> list[tuple[int, str, object]]:
        """(position in the folded role, name matched, row) for each match of `pattern`; an
        acronym matched in the role as written is placed by its folded form."""
        found = []
        for match in _matches(pattern, text):
            position = match.start()
            if folded is not None:
                located = re.search(rf"(?<!\w){re.escape(fold(match[0]))}(?!\w)", folded)
                position = located.start() if located else 0
            found.append((position, match[0], rows[match[0]]))
        return found

    def _unknown_abbreviations(self, tokens: list[str]) -> str:
        notes = []
        for token in tokens:
            limit = 1 if len(token) <= 5 else 2
            near = [
                f"{acronym} ({organisation.name})"
                for acronym, organisation in sorted(self._organisation_acronyms.items())
                if acronym != token and edit_distance(token, acronym) <= limit
            ]
            hint = f"; did you mean {' or '.join(near)}?" if near else "."
            notes.append(f"“{token}” is not a known abbreviation{hint}")
        return " ".join([*notes, "The role is kept as written and linked to no organisation."])

    def _country(self, role: str, folded: str) -> Country | None:
        """The country named first in the role."""
        found = self._found(self._country_pattern, folded, self._countries)
        found += self._found(self._country_alias_pattern, role, self._country_aliases, folded)
        return min(found, key=lambda found: found[0])[2] if found else None

    def _structure_organisation(self, structure: Structure) -> Organisation:
        """The organisation row standing for an OSCE structure, created on first use."""
        if structure.pk not in self._structure_orgs:
            organisation = Organisation.objects.filter(structure=structure).order_by("pk").first()
            if organisation is None:
                organisation = Organisation.objects.create(
                    name=structure.display_name,
                    slug=unique_slug(Organisation, structure.slug),
                    acronym=structure.acronym,
                    aliases=list(structure.short_names),
                    kind=Organisation.Kind.OSCE_STRUCTURE,
                    structure=structure,
                )
                self.created_organisations.append(str(organisation))
            self._structure_orgs[structure.pk] = organisation
        return self._structure_orgs[structure.pk]

    def _government(self, country: Country) -> Organisation:
        """The government of `country`, created on first use."""
        if country.pk not in self._governments:
            slug = f"government-of-{country.slug}"
            organisation = Organisation.objects.filter(slug=slug).first()
            if organisation is None:
                organisation = Organisation.objects.create(
                    name=f"Government of {country.name}",
                    slug=slug,
                    kind=Organisation.Kind.GOVERNMENT,
                    country=country,
                )
                self.created_organisations.append(str(organisation))
            self._governments[country.pk] = organisation
        return self._governments[country.pk]

    def _title_key(self, title: str) -> str:
        """The title folded, each structure named by its slug: "Head of the OSCE Mission to
        BiH" and "Head of the OSCE Mission to Bosnia and Herzegovina" are one title."""
        folded = fold(title)
        if self._structure_pattern is None:
            return folded
        return self._structure_pattern.sub(lambda m: self._structure_names[m[0]].slug, folded)

    # --- people ---------------------------------------------------------------------------

    def person(self, name: str) -> Person:
        """The person called `name`, matched ignoring accents, case, honorifics and middle
        initials; created when no one matches. A stored name gains the accents it lacked."""
        honorific, bare = split_honorific(" ".join(name.split()))
        key = person_key(bare)
        person = self._people.get(key)
        if person is None:
            last = key.split()[-1]
            candidates = Person.objects.filter(name_key__endswith=last).order_by("pk")
            person = next((p for p in candidates if person_key(p.full_name) == key), None)
        if person is None:
            person = Person.objects.create(
                full_name=bare[:PERSON_NAME_MAX_LENGTH], honorific=honorific
            )
            self.created_people.append(person.full_name)
        elif fold(bare) == fold(person.full_name) and _accents(bare) > _accents(person.full_name):
            person.full_name = bare
            person.save(update_fields=["full_name", "name_key"])
        self._people[key] = person
        return person

    def appointment(
        self,
        person: Person,
        title: str,
        organisation: Organisation | None,
        day: datetime.date,
    ) -> Appointment:
        """The person's appointment with this title on `day`. One with the same title (naming
        its body by any of its names) that has not ended by then is reused and, if it started
        later, moved back to `day`; otherwise a new one starts on `day`."""
        key = (person.pk, self._title_key(title))
        if key not in self._appointments:
            self._appointments[key] = [
                a for a in person.appointments.all() if self._title_key(a.title) == key[1]
            ]
        candidates = self._appointments[key]
        appointment = next((a for a in candidates if a.covers(day)), None) or next(
            (a for a in candidates if a.end_date is None or a.end_date >= day), None
        )
        if appointment is None:
            appointment = Appointment.objects.create(
                person=person, title=title, organisation=organisation, start_date=day
            )
            candidates.append(appointment)
            return appointment
        changed = []
        if appointment.start_date is not None and appointment.start_date > day:
            appointment.start_date = day
            changed.append("start_date")
        if appointment.organisation_id is None and organisation is not None:
            appointment.organisation = organisation
            changed.append("organisation")
        if changed:
            appointment.save(update_fields=changed)
        return appointment


def _accents(text: str) -> int:
    return sum(1 for char in text if ord(char) > 127)
