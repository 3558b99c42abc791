"""Acceptance: importing the seed page gives exactly the release it describes."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from pressreleases.importing.organisations import load_file
from pressreleases.models import Appointment, Organisation, Person, PressRelease

SEED = Path(__file__).parent / "pages" / "seed_sarajevo.txt"
RELEASE_DAY = datetime.date(2017, 9, 20)

MEKTIC = ("Dragan Mektić", "Minister of Security of Bosnia and Herzegovina")
VINET = (
    "Guy Vinet",
    "Head of the OSCE Transnational Threats Department/Strategic Police Matters Unit",
)
BERTON = ("Bruce Berton", "Head of the OSCE Mission to BiH")
VAN_DER_AUWERAERT = (
    "Peter Van Der Auweraert",
    "IOM Sub-Regional Co-ordinator for the Western Balkans",
)
NICOT = ("Morgane Nicot", "UNOCD Crime Prevention and Criminal Justice Officer")

EXPECTED_QUOTES = [
    (
        *MEKTIC,
        "Only with good regional co-operation and engagement of European security institutions "
        "can we efficiently counter this very serious form of international organized crime",
    ),
    (
        *MEKTIC,
        "This seminar will enable the participants to expand their focus beyond prevention and "
        "prosecution and build international network of contacts",
    ),
    (
        *VINET,
        "It is more important than ever to work together to properly address the issues posed "
        "by transnational threats, including those deriving from migration-related crimes.",
    ),
    (
        *BERTON,
        "This seminar provided participants with an opportunity to focus on prevention, "
        "prosecution, international and cross-border co-operation and building important "
        "networks that would inevitably strengthen the overall response to smuggling of "
        "persons, trafficking in human beings and migration-related crimes.",
    ),
    (*VAN_DER_AUWERAERT, "The gap is in implementation"),
    (
        *VAN_DER_AUWERAERT,
        "Increasing governments’ and civil society’s capacity to identify and assist migrants "
        "in vulnerable situations, based on individual vulnerability assessments, should be "
        "further fostered.",
    ),
    (
        *NICOT,
        "This brought to light that where deprivation of liberty no longer appears to be an "
        "effective threat, the targeting of financial assets seems more feared by traffickers "
        "and smugglers",
    ),
]


@pytest.fixture
def imported(taxonomy) -> tuple[PressRelease, str]:
    load_file()
    out = StringIO()
    call_command("import_pages", str(SEED), stdout=out)
    return PressRelease.objects.get(), out.getvalue()


def test_seed_release_metadata(imported):
    release, _ = imported

    assert release.get_content_type_display() == "Press release"
    assert release.title == (
        "Co-operation on addressing migration-related crimes needed more than ever, say "
        "participants at OSCE-supported regional seminar in Sarajevo"
    )
    assert timezone.localdate(release.publish_at) == RELEASE_DAY
    assert release.status == PressRelease.Status.DRAFT
    assert release.places == ["Sarajevo"]
    assert release.dateline == "SARAJEVO"
    assert sorted(release.sources.values_list("slug", flat=True)) == [
        "mission-to-bosnia-and-herzegovina",
        "secretariat",
    ]
    assert sorted(release.sources.values_list("full_name", flat=True)) == [
        "OSCE Mission to Bosnia and Herzegovina",
        "OSCE Secretariat",
    ]
    assert sorted(release.fields_of_work.values_list("name", flat=True)) == [
        "Migration",
        "Policing",
        "Reform and co-operation in the security sector",
    ]


def test_seed_lead_is_the_dateline_paragraph_and_body_the_rest(imported):
    release, _ = imported

    assert release.lead == (
        "Co-operation on addressing migration-related crimes is needed more than ever, "
        "highlight participants of the two-day Regional seminar on Moving Forward in Addressing "
        "Migration-related Crimes in South-Eastern Europe, which concludes today in Sarajevo."
    )
    assert release.body.count("<p>") == 7
    assert release.body.startswith("<p>“Only with good regional co-operation")
    assert "SARAJEVO, 20 September 2017" not in release.body
    assert release.body.endswith("in co-operation with the OSCE Mission to BiH.</p>")


def test_seed_gives_seven_quotes_in_order_with_exact_words(imported):
    release, _ = imported

    quotes = [
        (quote.speaker.full_name, quote.appointment.title, quote.text)
        for quote in release.quotes.select_related("speaker", "appointment")
    ]

    assert quotes == EXPECTED_QUOTES
    assert [quote.order for quote in release.quotes.all()] == [0, 1, 2, 3, 4, 5, 6]


def test_each_speaker_is_one_person_with_the_role_dated_by_the_release(imported):
    assert sorted(Person.objects.values_list("full_name", flat=True)) == [
        "Bruce Berton",
        "Dragan Mektić",
        "Guy Vinet",
        "Morgane Nicot",
        "Peter Van Der Auweraert",
    ]
    appointments = Appointment.objects.order_by("person__full_name")
    assert [(a.person.full_name, a.title, a.start_date, a.end_date) for a in appointments] == [
        (*BERTON, RELEASE_DAY, None),
        (*MEKTIC, RELEASE_DAY, None),
        (*VINET, RELEASE_DAY, None),
        (*NICOT, RELEASE_DAY, None),
        (*VAN_DER_AUWERAERT, RELEASE_DAY, None),
    ]


def test_roles_are_linked_to_their_organisation_or_structure(imported):
    release, _ = imported
    by_speaker = {quote.speaker.full_name: quote for quote in release.quotes.all()}

    government = by_speaker["Dragan Mektić"].appointment.organisation
    assert (government.name, government.kind, government.country.slug) == (
        "Government of Bosnia and Herzegovina",
        Organisation.Kind.GOVERNMENT,
        "bosnia-and-herzegovina",
    )
    assert by_speaker["Guy Vinet"].structure.slug == "strategic-police-matters-unit"
    assert by_speaker["Bruce Berton"].structure.slug == "mission-to-bosnia-and-herzegovina"
    assert by_speaker["Bruce Berton"].organisation.structure.slug == (
        "mission-to-bosnia-and-herzegovina"
    )
    assert by_speaker["Peter Van Der Auweraert"].organisation.slug == "iom"
    assert by_speaker["Peter Van Der Auweraert"].appointment.organisation.slug == "iom"


def test_misspelt_acronym_is_flagged_for_review_not_mapped(imported):
    release, out = imported
    nicot = release.quotes.get(speaker__full_name="Morgane Nicot")

    assert nicot.needs_review is True
    assert nicot.role_text == "UNOCD Crime Prevention and Criminal Justice Officer"
    assert nicot.organisation is None
    assert nicot.structure is None
    assert nicot.appointment.organisation is None
    assert nicot.review_note.startswith("“UNOCD” is not a known abbreviation; did you mean")
    assert "UNODC (United Nations Office on Drugs and Crime)" in nicot.review_note
    assert list(release.quotes.filter(needs_review=True)) == [nicot]
    assert f"{SEED}: quote 7 (Morgane Nicot): “UNOCD” is not a known abbreviation" in out


def test_seed_import_summary(imported):
    _, out = imported

    assert "Pages read: 1; created: 1, updated: 0, unchanged: 0, failed: 0." in out
    assert "Quotes created: 7; speakers created: 5; organisations created: 3." in out
    assert "Needing review (1):" in out
