"""load_organisations: the shipped reference list, idempotency, renames and refusals."""

import copy
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pressreleases.importing.organisations import (
    DEFAULT_DATA_FILE,
    OrganisationDataError,
    apply,
    load_file,
    read_data_file,
)
from pressreleases.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data() -> dict:
    return read_data_file(DEFAULT_DATA_FILE)


def test_shipped_file_loads_every_organisation(data):
    report = load_file()

    assert len(report.created) == len(data["organisations"]) == Organisation.objects.count() == 28
    iom = Organisation.objects.get(slug="iom")
    assert (iom.name, iom.acronym, iom.kind, iom.aliases) == (
        "International Organization for Migration",
        "IOM",
        Organisation.Kind.INTERGOVERNMENTAL,
        ["UN Migration"],
    )
    assert Organisation.objects.get(slug="un-women").names() == [
        "United Nations Entity for Gender Equality and the Empowerment of Women",
        "UN Women",
    ]


def test_loading_again_changes_nothing(data):
    apply(data)
    before = list(Organisation.objects.order_by("pk").values())

    report = apply(data)

    assert (len(report.created), len(report.updated), len(report.unchanged)) == (0, 0, 28)
    assert list(Organisation.objects.order_by("pk").values()) == before


def test_a_rename_keeps_the_row_and_its_slug(data):
    apply(data)
    iom = Organisation.objects.get(slug="iom")
    renamed = copy.deepcopy(data)
    renamed["organisations"][[o["slug"] for o in data["organisations"]].index("iom")]["name"] = (
        "IOM, the UN Migration Agency"
    )

    report = apply(renamed)

    assert report.updated == ["IOM, the UN Migration Agency (IOM)"]
    assert Organisation.objects.get(pk=iom.pk).name == "IOM, the UN Migration Agency"


def test_rows_not_in_the_file_are_kept_and_reported(data):
    extra = OrganisationFactory(name="Government of Austria", slug="government-of-austria")

    report = apply(data)

    assert report.not_in_file == ["Government of Austria"]
    assert Organisation.objects.filter(pk=extra.pk).exists()


def test_dry_run_writes_nothing(data):
    report = apply(data, dry_run=True)

    assert len(report.created) == 28
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.update(version=2), "version: expected 1, found 2."),
        (lambda d: d.update(people=[]), "people: unknown section."),
        (
            lambda d: d["organisations"][0].update(kind="club"),
            "organisations[0] (osce): unknown kind 'club'.",
        ),
        (
            lambda d: d["organisations"][1].update(slug="osce"),
            "organisations[1]: duplicate slug 'osce' (also organisations[0]).",
        ),
        (
            lambda d: d["organisations"][1].update(acronym="OSCE"),
            "organisations[1]: duplicate acronym 'OSCE' (also organisations[0]).",
        ),
        (
            lambda d: d["organisations"][0].update(slug="Not A Slug"),
            "organisations[0] (Not A Slug): slug must be lowercase words and hyphens.",
        ),
        (
            lambda d: d["organisations"][0].pop("name"),
            "organisations[0] (osce): missing 'name'.",
        ),
        (
            lambda d: d["organisations"][0].update(aliases="OSCE"),
            "organisations[0] (osce): 'aliases' has the wrong type (str).",
        ),
        (
            lambda d: d["organisations"][0].update(website="osce dot org"),
            "organisations[0] (osce): website 'osce dot org' is not a web address.",
        ),
        (
            lambda d: d["organisations"][0].update(founded=1975),
            "organisations[0] (osce): unknown key 'founded'.",
        ),
    ],
)
def test_bad_data_is_refused_whole_with_the_problem_named(data, change, problem):
    change(data)

    with pytest.raises(OrganisationDataError) as refused:
        apply(data)

    assert refused.value.problems == [problem]
    assert Organisation.objects.count() == 0


def test_command_reports_and_refuses(tmp_path):
    out = StringIO()
    call_command("load_organisations", stdout=out)
    call_command("load_organisations", stdout=out)
    bad = tmp_path / "organisations.toml"
    bad.write_text("version = 1\n[[organisations]]\nslug = 'x'\n")

    with pytest.raises(CommandError) as refused:
        call_command("load_organisations", str(bad), stdout=StringIO())

    assert out.getvalue().splitlines() == [
        "Organisations: 28 created, 0 updated, 0 unchanged",
        "Organisations loaded.",
        "Organisations: 0 created, 0 updated, 28 unchanged",
        "Organisations already up to date.",
    ]
    assert str(refused.value) == (
        "organisations.toml was refused; nothing was written:\n"
        "  organisations[0] (x): missing 'name'.\n"
        "  organisations[0] (x): missing 'kind'."
    )
