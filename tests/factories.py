"""Small factories for the content model. Taxonomy rows come from the real data file
(the `taxonomy` fixture in conftest.py); these factories pick from it."""

import datetime
import importlib

import factory
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from pressreleases.models import (
    Appointment,
    Organisation,
    Person,
    PressRelease,
    Quote,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@newsroom.example.org")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if create and names:
            self.groups.set(Group.objects.filter(name__in=names))
        if create:
            self.save()  # stores the password set above


def ensure_editorial_groups() -> None:
    """Recreate the Editors and Publishers groups when a transactional test (the browser
    tests) has flushed the rows their data migration made."""
    if Group.objects.filter(name__in=["Editors", "Publishers"]).count() < 2:
        migration = importlib.import_module("pressreleases.migrations.0002_editorial_groups")
        migration.create_groups(apps, schema_editor=None)


def editor(**fields):
    ensure_editorial_groups()
    return UserFactory(groups=["Editors"], **fields)


def publisher(**fields):
    ensure_editorial_groups()
    return UserFactory(groups=["Publishers"], **fields)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.INTERGOVERNMENTAL


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Speaker Number{n}")


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    person = factory.SubFactory(PersonFactory)
    title = factory.Sequence(lambda n: f"Head of Office {n}")
    start_date = datetime.date(2015, 1, 1)


class PressReleaseFactory(factory.django.DjangoModelFactory):
    """A public release by default; pass status/publish_at for the other states."""

    class Meta:
        model = PressRelease
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"OSCE supports regional co-operation, part {n}")
    lead = "Participants discussed how to work together across borders."
    body = "<p>The meeting brought together officials and experts from the region.</p>"
    status = PressRelease.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    places = factory.LazyFunction(lambda: ["Vienna"])

    @factory.post_generation
    def fields_of_work(self, create, values, **kwargs):
        if create and values:
            self.fields_of_work.set(values)

    @factory.post_generation
    def sources(self, create, values, **kwargs):
        if create and values:
            self.sources.set(values)

    @factory.post_generation
    def countries(self, create, values, **kwargs):
        if create and values:
            self.countries.set(values)


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    release = factory.SubFactory(PressReleaseFactory)
    speaker = factory.SubFactory(PersonFactory)
    text = "Co-operation across borders is more important than ever."
    order = factory.Sequence(lambda n: n)
