"""The site menu, derived from the taxonomy (the seed site's navigation is the taxonomy)."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import Chairpersonship, Country, FieldOfWork, MeetingSeries, Structure

CACHE_KEY = "taxonomy:navigation:{year}"


@dataclass(frozen=True)
class Navigation:
    fields_of_work: list[FieldOfWork]
    meeting_series: list[MeetingSeries]
    participating_states: list[Country]
    mediterranean_partners: list[Country]
    asian_partners: list[Country]
    chairpersonship: Chairpersonship | None
    chairpersonship_body: Structure | None
    secretariat: Structure | None
    secretariat_units: list[Structure]
    institutions: list[Structure]
    field_operations: list[Structure]
    closed_field_operations: list[Structure]
    other_bodies: list[Structure]

    @property
    def partners(self) -> list[Country]:
        return self.mediterranean_partners + self.asian_partners


# What the menu shows of each record: its name and address, and what it is grouped by. Reading
# the rest too (descriptions, and other names kept as JSON) took an eighth of building it.
LISTED = ("slug", "name")


def build_navigation(year: int) -> Navigation:
    countries = list(Country.objects.only(*LISTED, "kind"))
    structures = list(Structure.objects.only(*LISTED, "kind", "parent", "closed_year"))
    Kind = Structure.Kind
    secretariat = next((s for s in structures if s.kind == Kind.SECRETARIAT), None)
    return Navigation(
        fields_of_work=list(FieldOfWork.objects.only(*LISTED)),
        meeting_series=list(MeetingSeries.objects.only(*LISTED)),
        participating_states=[c for c in countries if c.kind == Country.Kind.PARTICIPATING_STATE],
        mediterranean_partners=[
            c for c in countries if c.kind == Country.Kind.MEDITERRANEAN_PARTNER
        ],
        asian_partners=[c for c in countries if c.kind == Country.Kind.ASIAN_PARTNER],
        chairpersonship=Chairpersonship.objects.for_year(year),
        chairpersonship_body=next((s for s in structures if s.kind == Kind.CHAIRPERSONSHIP), None),
        secretariat=secretariat,
        secretariat_units=[s for s in structures if secretariat and s.parent_id == secretariat.pk],
        institutions=[s for s in structures if s.kind == Kind.INSTITUTION],
        field_operations=[
            s for s in structures if s.kind == Kind.FIELD_OPERATION and not s.is_closed
        ],
        closed_field_operations=[
            s for s in structures if s.kind == Kind.FIELD_OPERATION and s.is_closed
        ],
        other_bodies=[s for s in structures if s.kind in (Kind.PARLIAMENTARY_ASSEMBLY, Kind.COURT)],
    )


def site_navigation() -> Navigation:
    """The menu for the current year, cached until a taxonomy record changes."""
    year = timezone.localdate().year
    return cache.get_or_set(CACHE_KEY.format(year=year), lambda: build_navigation(year), 60 * 60)


@receiver([post_save, post_delete], sender=FieldOfWork)
@receiver([post_save, post_delete], sender=Country)
@receiver([post_save, post_delete], sender=Chairpersonship)
@receiver([post_save, post_delete], sender=Structure)
@receiver([post_save, post_delete], sender=MeetingSeries)
def forget_navigation(**kwargs) -> None:
    cache.delete(CACHE_KEY.format(year=timezone.localdate().year))
