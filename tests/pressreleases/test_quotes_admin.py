"""Quotes in the admin: the role a speaker held is chosen among that speaker's appointments."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pressreleases.models import Quote
from tests.factories import (
    AppointmentFactory,
    PersonFactory,
    PressReleaseFactory,
    QuoteFactory,
    editor,
)

from . import add_inline_row, change_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_editor(client):
    client.force_login(editor())
    return client


@pytest.fixture
def cast():
    """A release of September 2017 quoting Ana (two appointments) and Boris; Clara, with an
    old and a current appointment, is not quoted in it yet."""
    release = PressReleaseFactory(
        publish_at=datetime.datetime(2017, 9, 20, 10, tzinfo=datetime.UTC)
    )
    ana_then = AppointmentFactory(person__full_name="Ana", title="Deputy Head")
    ana_now = AppointmentFactory(person=ana_then.person, title="Head")
    boris = AppointmentFactory(person__full_name="Boris", title="Minister")
    clara_old = AppointmentFactory(
        person__full_name="Clara",
        title="Adviser",
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2014, 12, 31),
    )
    clara_2017 = AppointmentFactory(
        person=clara_old.person, title="Ambassador", start_date=datetime.date(2015, 1, 1)
    )
    QuoteFactory(release=release, speaker=ana_then.person, appointment=ana_then, order=1)
    QuoteFactory(release=release, speaker=boris.person, appointment=boris, order=2)
    return {
        "release": release,
        "ana_then": ana_then,
        "ana_now": ana_now,
        "boris": boris,
        "clara_old": clara_old,
        "clara_2017": clara_2017,
    }


def quote_formset(response):
    [quotes] = [
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "quotes"
    ]
    return quotes


def test_appointment_choices_are_those_of_the_speakers_in_the_release(as_editor, cast):
    page = as_editor.get(change_url(cast["release"]))

    quotes = quote_formset(page)
    for form in quotes.formset.forms:
        assert set(form.fields["appointment"].queryset) == {
            cast["ana_then"],
            cast["ana_now"],
            cast["boris"],
        }


def test_an_appointment_of_another_speaker_is_refused(as_editor, cast):
    release = cast["release"]
    page = as_editor.get(change_url(release))

    response = as_editor.post(
        change_url(release), form_data(page, **{"quotes-0-appointment": cast["boris"].pk})
    )

    assert response.status_code == 200
    quotes = quote_formset(response)
    assert quotes.formset.errors[0] == {
        "appointment": ["Choose one of the speaker's own appointments."]
    }
    assert release.quotes.get(order=1).appointment == cast["ana_then"]


def test_an_appointment_of_someone_not_in_the_release_is_not_a_choice(as_editor, cast):
    release = cast["release"]
    page = as_editor.get(change_url(release))

    response = as_editor.post(
        change_url(release), form_data(page, **{"quotes-0-appointment": cast["clara_2017"].pk})
    )

    assert response.status_code == 200
    quotes = quote_formset(response)
    assert quotes.formset.errors[0]["appointment"][0].startswith("Select a valid choice.")
    assert release.quotes.get(order=1).appointment == cast["ana_then"]


def test_a_new_speaker_gets_the_appointment_held_on_the_publication_date(as_editor, cast):
    release = cast["release"]
    page = as_editor.get(change_url(release))
    data = form_data(page)
    add_inline_row(
        data, "quotes", speaker=cast["clara_2017"].person.pk, text="New words.", order="3"
    )

    response = as_editor.post(change_url(release), data)

    assert response.status_code == 302
    quote = release.quotes.get(order=3)
    assert quote.appointment == cast["clara_2017"]
    assert quote.role == "Ambassador"


def test_a_role_written_out_is_kept_instead_of_an_appointment(as_editor, cast):
    release = cast["release"]
    page = as_editor.get(change_url(release))
    data = form_data(page)
    add_inline_row(
        data,
        "quotes",
        speaker=cast["clara_2017"].person.pk,
        role_text="Guest speaker",
        text="New words.",
        order="3",
    )

    as_editor.post(change_url(release), data)

    quote = release.quotes.get(order=3)
    assert (quote.appointment, quote.role) == (None, "Guest speaker")


def test_after_saving_the_new_speakers_appointments_are_offered(as_editor, cast):
    QuoteFactory(release=cast["release"], speaker=cast["clara_2017"].person)

    page = as_editor.get(change_url(cast["release"]))

    quotes = quote_formset(page)
    offered = set(quotes.formset.forms[0].fields["appointment"].queryset)
    assert {cast["clara_old"], cast["clara_2017"]} <= offered


def test_a_quote_without_speaker_names_the_body_quoted(as_editor, cast):
    release = cast["release"]
    page = as_editor.get(change_url(release))
    data = form_data(page)
    add_inline_row(data, "quotes", text="Nobody said it.", order="3")

    response = as_editor.post(change_url(release), data)

    assert response.status_code == 200
    quotes = quote_formset(response)
    assert quotes.formset.errors[2]["__all__"][0] == (
        "Name a speaker, or the organisation or structure quoted."
    )
    assert not Quote.objects.filter(text="Nobody said it.").exists()


def test_a_new_release_with_a_quote_gets_the_speakers_role_on_its_date(as_editor):
    appointment = AppointmentFactory(start_date=datetime.date(2000, 1, 1))
    add_url = reverse("admin:pressreleases_pressrelease_add")
    data = form_data(as_editor.get(add_url), title="New", slug="new")
    add_inline_row(data, "quotes", speaker=appointment.person.pk, text="Words.", order="0")

    response = as_editor.post(add_url, data)

    assert response.status_code == 302
    assert Quote.objects.get(text="Words.").appointment == appointment


def test_the_quote_admin_offers_the_speakers_appointments(as_editor, cast):
    quote = cast["release"].quotes.get(order=2)
    other = AppointmentFactory(person=PersonFactory(), title="Unrelated")

    page = as_editor.get(reverse("admin:pressreleases_quote_change", args=[quote.pk]))

    offered = set(page.context["adminform"].form.fields["appointment"].queryset)
    assert cast["boris"] in offered
    assert other not in offered


def test_the_default_date_for_a_draft_is_today(as_editor):
    today = timezone.localdate()
    current = AppointmentFactory(start_date=today - datetime.timedelta(days=1))
    AppointmentFactory(
        person=current.person,
        start_date=today - datetime.timedelta(days=900),
        end_date=today - datetime.timedelta(days=2),
    )
    release = PressReleaseFactory(status="draft", publish_at=None)
    data = form_data(as_editor.get(change_url(release)))
    add_inline_row(data, "quotes", speaker=current.person.pk, text="Today.", order="0")

    as_editor.post(change_url(release), data)

    assert Quote.objects.get(text="Today.").appointment == current
