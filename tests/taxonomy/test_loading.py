"""load_taxonomy: the shipped data file, idempotency, renames and refusals."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from taxonomy.loading import DEFAULT_DATA_FILE, TaxonomyDataError, apply, load_file, read_data_file
from taxonomy.models import Chairpersonship, Country, FieldOfWork, MeetingSeries, Structure

pytestmark = pytest.mark.django_db

OPEN_FIELD_OPERATIONS = {
    "presence-in-albania": ("albania", "Tirana"),
    "centre-in-ashgabat": ("turkmenistan", "Ashgabat"),
    "programme-office-in-astana": ("kazakhstan", "Astana"),
    "programme-office-in-bishkek": ("kyrgyzstan", "Bishkek"),
    "mission-to-bosnia-and-herzegovina": ("bosnia-and-herzegovina", "Sarajevo"),
    "programme-office-in-dushanbe": ("tajikistan", "Dushanbe"),
    # Kosovo is not a participating State; the OSCE takes no position on its status.
    "mission-in-kosovo": (None, "Pristina"),
    "mission-to-moldova": ("moldova", "Chișinău"),
    "mission-to-montenegro": ("montenegro", "Podgorica"),
    "mission-to-serbia": ("serbia", "Belgrade"),
    "mission-to-skopje": ("north-macedonia", "Skopje"),
    "project-co-ordinator-in-uzbekistan": ("uzbekistan", "Tashkent"),
}


def table_snapshot() -> dict[str, list]:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (FieldOfWork, Country, Chairpersonship, Structure, MeetingSeries)
    }


@pytest.fixture
def data() -> dict:
    return read_data_file(DEFAULT_DATA_FILE)


def test_shipped_file_loads_the_complete_taxonomy():
    report = load_file()

    assert [len(section.created) for section in report.sections] == [23, 68, 17, 45, 16]
    assert FieldOfWork.objects.count() == 23
    assert Country.objects.participating_states().count() == 57
    assert Country.objects.filter(kind=Country.Kind.MEDITERRANEAN_PARTNER).count() == 6
    assert Country.objects.filter(kind=Country.Kind.ASIAN_PARTNER).count() == 5
    assert MeetingSeries.objects.count() == 16
    assert FieldOfWork.objects.first().name == "Arms control"
    assert FieldOfWork.objects.last().name == "Youth"
    assert Country.objects.get(slug="bosnia-and-herzegovina").iso_code == "BA"
    assert Country.objects.get(iso_code="VA").name == "Holy See"


def test_open_field_operations_have_their_host_country_and_seat():
    load_file()

    open_operations = Structure.objects.field_operations().open().select_related("host_country")
    found = {
        op.slug: (op.host_country.slug if op.host_country else None, op.seat)
        for op in open_operations
    }
    assert found == OPEN_FIELD_OPERATIONS


def test_closed_field_operations_are_kept_and_marked_closed():
    load_file()

    smm = Structure.objects.get(slug="special-monitoring-mission-to-ukraine")
    assert (smm.is_closed, smm.opened_year, smm.closed_year) == (True, 2014, 2022)
    assert smm not in Structure.objects.open()
    assert Structure.objects.field_operations().closed().count() >= 6


def test_secretariat_is_a_tree_with_its_units():
    load_file()

    secretariat = Structure.objects.get(slug="secretariat")
    units = list(secretariat.children.values_list("name", flat=True))
    assert units[:3] == [
        "Secretary General",
        "Office of the Secretary General",
        "Conflict Prevention Centre",
    ]
    assert len(units) == 12
    spmu = Structure.objects.get(acronym="SPMU")
    assert spmu.parent.parent == secretariat
    assert Structure.objects.get(acronym="ODIHR").parent is None


def test_chairpersonship_labels_come_from_the_data():
    load_file()

    assert Chairpersonship.objects.for_year(2025).label == "Finland – OSCE Chairpersonship 2025"
    assert Chairpersonship.objects.for_year(2026).label == "Switzerland – OSCE Chairpersonship 2026"
    assert Chairpersonship.objects.for_year(1960) is None


def test_second_run_changes_nothing():
    load_file()
    before = table_snapshot()

    report = load_file()

    assert not report.changed
    assert all(not s.created and not s.updated and not s.not_in_file for s in report.sections)
    assert [len(section.unchanged) for section in report.sections] == [23, 68, 17, 45, 16]
    assert table_snapshot() == before


def test_rename_keeps_slug_and_identity(data):
    load_file()
    policing = FieldOfWork.objects.get(slug="policing")
    renamed = copy.deepcopy(data)
    entry = next(e for e in renamed["fields_of_work"] if e["slug"] == "policing")
    entry["name"] = "Policing and law enforcement"

    report = apply(renamed)

    policing.refresh_from_db()
    assert policing.name == "Policing and law enforcement"
    assert policing.slug == "policing"
    assert report.sections[0].updated == ["Policing and law enforcement"]
    assert FieldOfWork.objects.count() == 23


def test_moving_a_structure_to_another_parent_updates_it(data):
    load_file()
    moved = copy.deepcopy(data)
    entry = next(e for e in moved["structures"] if e["slug"] == "strategic-police-matters-unit")
    entry["parent"] = "secretariat"

    apply(moved)

    assert Structure.objects.get(slug="strategic-police-matters-unit").parent.slug == "secretariat"


def test_dry_run_writes_nothing():
    report = load_file(dry_run=True)

    assert report.dry_run
    assert len(report.sections[0].created) == 23
    assert FieldOfWork.objects.count() == 0
    assert Structure.objects.count() == 0


def structure(**fields) -> dict:
    return {"slug": "x", "name": "X", "kind": "institution", **fields}


MALFORMED = {
    "unknown parent": (
        lambda d: d["structures"].append(structure(slug="orphan", parent="nowhere")),
        "structures[45] (orphan): unknown parent 'nowhere'.",
    ),
    "duplicate key": (
        lambda d: d["fields_of_work"].append({"slug": "policing", "name": "Policing again"}),
        "fields_of_work[23] (policing): duplicate slug 'policing' (also fields_of_work[17]).",
    ),
    "bad date": (
        lambda d: d["structures"].append(structure(slug="early", opened_year=1066)),
        "structures[45] (early): bad date: opened_year 1066 is not a plausible year.",
    ),
    "closing before opening": (
        lambda d: d["structures"].append(structure(slug="odd", opened_year=2010, closed_year=2001)),
        "structures[45] (odd): bad date: closed in 2001, before it opened (2010).",
    ),
    "unknown kind": (
        lambda d: d["structures"].append(structure(slug="club", kind="club")),
        "structures[45] (club): unknown kind 'club'.",
    ),
    "missing name": (
        lambda d: d["meeting_series"].append({"slug": "nameless"}),
        "meeting_series[16] (nameless): missing 'name'.",
    ),
    "unknown key": (
        lambda d: d["fields_of_work"][0].update(colour="blue"),
        "fields_of_work[0] (arms-control): unknown key 'colour'.",
    ),
    "unknown chair": (
        lambda d: d["chairpersonships"].append({"year": 2030, "country": "atlantis"}),
        "chairpersonships[17] (2030): unknown country 'atlantis'.",
    ),
    "partner as chair": (
        lambda d: d["chairpersonships"].append({"year": 2031, "country": "japan"}),
        "chairpersonships[17] (2031): 'japan' is not a participating State.",
    ),
    "bad ISO code": (
        lambda d: d["countries"][0].update(iso_code="alb"),
        "countries[0] (albania): ISO code 'alb' is not two capital letters.",
    ),
    "parent cycle": (
        lambda d: next(e for e in d["structures"] if e["slug"] == "secretariat").update(
            parent="secretary-general"
        ),
        "structures (secretariat): its parents form a cycle through 'secretariat'.",
    ),
    "wrong version": (lambda d: d.update(version=2), "version: expected 1, found 2."),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_data_is_refused_with_nothing_written(data, case):
    load_file()
    spoil, message = MALFORMED[case]
    spoiled = copy.deepcopy(data)
    next(e for e in spoiled["fields_of_work"] if e["slug"] == "youth")["name"] = "Young people"
    spoil(spoiled)
    before = table_snapshot()

    with pytest.raises(TaxonomyDataError) as refusal:
        apply(spoiled)

    assert message in refusal.value.problems
    assert table_snapshot() == before


def test_a_file_that_is_not_toml_is_refused(tmp_path: Path):
    broken = tmp_path / "broken.toml"
    broken.write_text('version = 1\n[[fields_of_work]]\nslug = "a\n')

    with pytest.raises(
        CommandError, match=r"broken.toml was refused; nothing was written:\n.*not valid TOML"
    ):
        call_command("load_taxonomy", str(broken))
    assert FieldOfWork.objects.count() == 0


def test_command_reports_counts_and_a_second_run_reports_no_change(capsys):
    call_command("load_taxonomy")
    call_command("load_taxonomy")

    output = capsys.readouterr().out.splitlines()
    assert "Fields of work: 23 created, 0 updated, 0 unchanged" in output
    assert "Structures and institutions: 0 created, 0 updated, 45 unchanged" in output
    assert output[-1] == "Taxonomy already up to date."


def test_command_exits_non_zero_on_a_missing_file():
    result = subprocess.run(
        [sys.executable, "manage.py", "load_taxonomy", "--dry-run", "no-such-file.toml"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "no-such-file.toml: no such file." in result.stderr
