"""The site menu, derived from the taxonomy (the seed site's navigation is the taxonomy)."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import Chairpersonship, Country, FieldOfWork, MeetingSeries, Structure
from .terms import Term, load_terms

CACHE_KEY = "taxonomy:navigation:{year}"


@dataclass(frozen=True)
class Navigation:
    fields_of_work: list[Term]
    meeting_series: list[Term]
    participating_states: list[Term]
    mediterranean_partners: list[Term]
    asian_partners: list[Term]
    chairpersonship: Chairpersonship | None
    chairpersonship_body: Term | None
    secretariat: Term | None
    secretariat_units: list[Term]
    institutions: list[Term]
    field_operations: list[Term]
    closed_field_operations: list[Term]
    other_bodies: list[Term]

    @property
    def partners(self) -> list[Term]:
        return self.mediterranean_partners + self.asian_partners


def build_navigation(year: int, terms: dict[str, list[Term]] | None = None) -> Navigation:
    """The menu for `year`, from `terms` (`load_terms()`) when the caller has read them."""
    terms = load_terms() if terms is None else terms
    countries, structures = terms["country"], terms["structure"]
    Kind = Structure.Kind
    secretariat = next((s for s in structures if s.kind == Kind.SECRETARIAT), None)
    return Navigation(
        fields_of_work=terms["field"],
        meeting_series=terms["meeting"],
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


def site_navigation(terms: dict[str, list[Term]] | None = None) -> Navigation:
    """The menu for the current year, cached until a taxonomy record changes; built from
    `terms` when the caller has read them."""
    year = timezone.localdate().year
    return cache.get_or_set(
        CACHE_KEY.format(year=year), lambda: build_navigation(year, terms), 60 * 60
    )


@receiver([post_save, post_delete], sender=FieldOfWork)
@receiver([post_save, post_delete], sender=Country)
@receiver([post_save, post_delete], sender=Chairpersonship)
@receiver([post_save, post_delete], sender=Structure)
@receiver([post_save, post_delete], sender=MeetingSeries)
def forget_navigation(**kwargs) -> None:
    cache.delete(CACHE_KEY.format(year=timezone.localdate().year))
