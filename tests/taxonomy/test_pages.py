"""The home page's taxonomy navigation and the taxonomy pages."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse

from taxonomy.loading import load_file
from taxonomy.models import Chairpersonship, Country, FieldOfWork, MeetingSeries, Structure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def taxonomy():
    load_file()


def on(day: datetime.date):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def test_home_page_renders_the_navigation_from_the_taxonomy(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    for record in [
        *FieldOfWork.objects.all(),
        *MeetingSeries.objects.all(),
        *Country.objects.all(),
    ]:
        assert f'href="{record.get_absolute_url()}"' in html
    for body in Structure.objects.field_operations().open():
        assert f'<a href="{body.get_absolute_url()}">{body.name}</a>' in html
    closed = Structure.objects.get(slug="special-monitoring-mission-to-ukraine")
    assert closed.get_absolute_url() not in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">')


@pytest.mark.parametrize(
    ("day", "label", "not_label"),
    [
        (datetime.date(2025, 6, 1), "Finland – OSCE Chairpersonship 2025", "Switzerland – OSCE"),
        (datetime.date(2026, 1, 1), "Switzerland – OSCE Chairpersonship 2026", "Finland – OSCE"),
    ],
)
def test_chairpersonship_label_follows_the_current_year(client, day, label, not_label):
    with on(day):
        html = client.get("/").content.decode()

    assert html.count(label) == 2  # header and the country in the menu
    assert not_label not in html


def test_a_year_without_a_chair_shows_no_label(client):
    with on(datetime.date(2099, 1, 1)):
        html = client.get("/").content.decode()

    assert "OSCE Chairpersonship" not in html
    assert ">Finland<" in html


def test_navigation_is_rebuilt_when_the_taxonomy_changes(client):
    client.get("/")
    FieldOfWork.objects.filter(slug="youth").update(name="unused")  # bypasses signals: still cached
    youth = FieldOfWork.objects.get(slug="youth")
    youth.name = "Youth and security"
    youth.save()

    assert "Youth and security" in client.get("/").content.decode()


def test_navigation_costs_no_queries_once_cached(client, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/fields-of-work/",
        "/fields-of-work/policing/",
        "/countries/",
        "/countries/switzerland/",
        "/structures/",
        "/structures/secretariat/",
        "/structures/mission-to-bosnia-and-herzegovina/",
        "/meetings/",
        "/meetings/summit-meetings/",
    ],
)
def test_taxonomy_pages_answer(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url", ["/fields-of-work/nothing/", "/countries/atlantis/", "/structures/x/", "/meetings/y/"]
)
def test_unknown_slugs_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_country_page_lists_the_field_operations_it_hosts(client):
    html = client.get(reverse("taxonomy:country", args=["ukraine"])).content.decode()

    assert "Special Monitoring Mission to Ukraine" in html
    assert "Project Co-ordinator in Ukraine" in html


def test_structure_page_lists_its_children(client):
    html = client.get(reverse("taxonomy:structure", args=["secretariat"])).content.decode()

    for unit in Structure.objects.get(slug="secretariat").children.all():
        assert unit.get_absolute_url() in html


def test_chairpersonship_string_is_its_label():
    chair = Chairpersonship.objects.get(year=2017)
    assert str(chair) == "Austria – OSCE Chairpersonship 2017"
