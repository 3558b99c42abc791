"""Resolving names to structures, fields, organisations, people and appointments."""

import datetime

import pytest

from pressreleases.importing.organisations import load_file
from pressreleases.importing.resolving import Resolver, edit_distance
from pressreleases.models import Appointment, Organisation, Person, fold
from taxonomy.models import FieldOfWork
from tests.factories import AppointmentFactory, PersonFactory

DAY = datetime.date(2019, 3, 14)


@pytest.fixture
def resolver(taxonomy) -> Resolver:
    load_file()
    return Resolver()


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Nermin Mektić", "nermin mektic"),
        ("NERMIN  MEKTIC", "nermin mektic"),
        ("Dr. A.Smith", "dr a smith"),
        ("Ｍｅｋｔｉｃ", "mektic"),  # full-width letters
        ("Straße", "strasse"),
        ("Ана Петрова", "ана петрова"),
        ("", ""),
    ],
)
def test_names_fold_to_lower_case_without_accents_dots_or_extra_spaces(name, folded):
    assert fold(name) == folded


LINKED_ROLES = [  # role, organisation slug, structure slug
    ("IOM Sub-Regional Co-ordinator for the Western Balkans", "iom", None),
    (
        "Head of the OSCE Mission to BiH",
        "mission-to-bosnia-and-herzegovina",
        "mission-to-bosnia-and-herzegovina",
    ),
    (
        "Head of the OSCE Transnational Threats Department/Strategic Police Matters Unit",
        "strategic-police-matters-unit",
        "strategic-police-matters-unit",
    ),
    ("OSCE Secretary General", "secretary-general", "secretary-general"),
    ("Senior Adviser at the OSCE CPC", "conflict-prevention-centre", "conflict-prevention-centre"),
    (
        "Minister of Security of Bosnia and Herzegovina",
        "government-of-bosnia-and-herzegovina",
        None,
    ),
    ("Deputy Minister of Security of BiH", "government-of-bosnia-and-herzegovina", None),
    ("Ambassador of Austria to the OSCE", "government-of-austria", None),
    ("EU Ambassador to Serbia", "european-union", None),
    ("UN Women Country Representative in Albania", "un-women", None),
    ("OSCE Spokesperson", "osce", None),
    ("Interpol liaison officer", "interpol", None),
    ("independent journalist", None, None),
]
DOUBTFUL_ROLES = [  # role, doubt
    (
        "UNOCD Crime Prevention and Criminal Justice Officer",
        "“UNOCD” is not a known abbreviation; did you mean UNOCT (United Nations Office of "
        "Counter-Terrorism) or UNODC (United Nations Office on Drugs and Crime)? The role is "
        "kept as written and linked to no organisation.",
    ),
    (
        "UNCHR field officer",
        "“UNCHR” is not a known abbreviation; did you mean UNHCR (Office of the United "
        "Nations High Commissioner for Refugees)? The role is kept as written and linked to "
        "no organisation.",
    ),
    (
        "Director of the ZQX Foundation",
        "“ZQX” is not a known abbreviation. The role is kept as written and linked to no "
        "organisation.",
    ),
    (
        "Director of the Regional Institute for Peace Studies",
        "the organisation in this role is not on file",
    ),
    ("Minister of Foreign Affairs", "no country is named for this government role"),
]


def test_roles_link_to_the_body_they_name(resolver, subtests):
    for role, organisation, structure in LINKED_ROLES:
        with subtests.test(role=role):
            match = resolver.role(role)

            assert match.doubt == ""
            assert (match.organisation.slug if match.organisation else None) == organisation
            assert (match.structure.slug if match.structure else None) == structure


def test_doubtful_roles_link_to_nothing_and_say_why(resolver, subtests):
    for role, doubt in DOUBTFUL_ROLES:
        with subtests.test(role=role):
            match = resolver.role(role)

            assert (match.organisation, match.structure, match.doubt) == (None, None, doubt)


def test_an_osce_structure_gets_one_organisation_row_linked_to_it(resolver):
    first = resolver.role("Head of the OSCE Mission to BiH")
    again = Resolver().role("Deputy Head of the OSCE Mission to Bosnia and Herzegovina")

    organisation = Organisation.objects.get(structure__slug="mission-to-bosnia-and-herzegovina")
    assert first.organisation == again.organisation == organisation
    assert (organisation.name, organisation.kind) == (
        "OSCE Mission to Bosnia and Herzegovina",
        Organisation.Kind.OSCE_STRUCTURE,
    )
    assert "OSCE Mission to BiH" in organisation.aliases


def test_sources_and_fields_resolve_by_any_name_and_report_unknown_ones(resolver):
    FieldOfWork.objects.create(slug="arms-and-ammunition", name="Arms, ammunition and explosives")
    resolver = Resolver()

    sources, unknown_sources = resolver.sources(
        ["OSCE Mission to BiH", "OSCE Secretariat", "ODIHR", "OSCE Office in Atlantis"]
    )
    fields, unknown_fields = resolver.fields_of_work(
        ["policing", "Arms", "ammunition and explosives", "Space co-operation"]
    )

    assert [s.slug for s in sources] == [
        "mission-to-bosnia-and-herzegovina",
        "secretariat",
        "office-for-democratic-institutions-and-human-rights",
    ]
    assert unknown_sources == ["OSCE Office in Atlantis"]
    assert [f.slug for f in fields] == ["policing", "arms-and-ammunition"]
    assert unknown_fields == ["Space co-operation"]


def test_people_match_ignoring_middle_initials_case_and_honorifics(resolver):
    berton = PersonFactory(full_name="Bruce G. Berton")

    assert resolver.person("Bruce Berton") == berton
    assert Resolver().person("Ambassador BRUCE BERTON") == berton
    assert Person.objects.count() == 1
    assert Resolver().created_people == []


def test_people_match_ignoring_accents_and_keep_them(resolver):
    plain = PersonFactory(full_name="Goran Petrovic")

    assert resolver.person("Goran Petrović") == plain
    plain.refresh_from_db()
    assert (plain.full_name, plain.name_key) == ("Goran Petrović", "goran petrovic")
    assert Resolver().person("Goran Petrovic").full_name == "Goran Petrović"


def test_a_new_person_keeps_the_honorific_apart(resolver):
    person = resolver.person("Ambassador Jane Holm")

    assert (person.full_name, person.honorific) == ("Jane Holm", "Ambassador")
    assert resolver.created_people == ["Jane Holm"]


def test_appointment_is_reused_for_the_same_title_and_moved_back_to_an_earlier_release(
    resolver,
):
    person = PersonFactory(full_name="Ilse Marvik")

    later = resolver.appointment(person, "Head of the OSCE Mission to BiH", None, DAY)
    same = Resolver().appointment(
        person, "Head of the OSCE Mission to Bosnia and Herzegovina", None, DAY.replace(year=2021)
    )
    earlier = Resolver().appointment(
        person, "head of the OSCE Mission to BiH", None, DAY.replace(year=2017)
    )

    assert later == same == earlier
    assert Appointment.objects.get().start_date == DAY.replace(year=2017)


def test_appointment_that_had_ended_is_not_reused(resolver):
    ended = AppointmentFactory(
        title="Head of the OSCE Mission to Skopje",
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2012, 1, 1),
    )

    appointment = resolver.appointment(ended.person, ended.title, None, DAY)

    assert appointment != ended
    assert (appointment.start_date, appointment.end_date) == (DAY, None)


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("UNOCD", "UNODC", 1),
        ("UNCHR", "UNHCR", 1),
        ("UNOCD", "UNOCT", 1),
        ("IOM", "UNDP", 4),
        ("", "EU", 2),
    ],
)
def test_edit_distance_counts_a_swap_as_one_edit(a, b, distance):
    assert edit_distance(a, b) == distance
