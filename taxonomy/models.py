"""The OSCE's own vocabularies: what it works on, where, through which bodies, in which meetings.

Records are loaded from `taxonomy/data/osce_taxonomy.toml` by `load_taxonomy`; the `slug` is each
record's stable key, so a rename in the data file keeps URLs and references intact.
"""

import re
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from django.urls.converters import SlugConverter
from django.utils import timezone

# What Django's `slug` path converter accepts: such a slug goes into an address as it is.
SLUG = re.compile(SlugConverter.regex)
PLACEHOLDER = "slug-placeholder-7f3a"


def slug_url(viewname: str, slug: str) -> str:
    """`reverse(viewname, args=[slug])` for a route whose one argument is a slug, its pattern
    reversed once for the script prefix and URLconf in use.

    Every page's menu links some 170 terms and a listing twenty releases and their sources,
    and a sitemap page 50,000 releases: reversing each address anew took 27-40 µs, most of the
    time of a page that reads nothing from the database."""
    if not SLUG.fullmatch(slug):  # let reverse quote it, or refuse it
        return reverse(viewname, args=[slug])
    before, after = _around_slug(
        viewname, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF
    )
    return f"{before}{slug}{after}"


@lru_cache(maxsize=64)
def _around_slug(viewname: str, prefix: str, urlconf: str | None, root: str) -> tuple[str, str]:
    # The prefix and URLconfs are only part of the key: reverse reads the ones in use.
    before, _, after = reverse(viewname, args=[PLACEHOLDER], urlconf=urlconf).partition(PLACEHOLDER)
    return before, after


class TaxonomyTerm(models.Model):
    """Fields shared by every vocabulary: a stable slug, a display name and an explicit order."""

    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="Stable key used in web addresses. Changing it breaks existing links.",
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(
        default=0, db_index=True, help_text="Position in menus and lists; lower comes first."
    )

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class FieldOfWork(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = "field of work"
        verbose_name_plural = "fields of work"

    def get_absolute_url(self) -> str:
        return slug_url("taxonomy:field-of-work", self.slug)


class CountryQuerySet(models.QuerySet):
    def participating_states(self) -> "CountryQuerySet":
        return self.filter(kind=Country.Kind.PARTICIPATING_STATE)

    def partners(self) -> "CountryQuerySet":
        return self.exclude(kind=Country.Kind.PARTICIPATING_STATE)


class Country(TaxonomyTerm):
    class Kind(models.TextChoices):
        PARTICIPATING_STATE = "participating_state", "Participating State"
        MEDITERRANEAN_PARTNER = "mediterranean_partner", "Mediterranean Partner for Co-operation"
        ASIAN_PARTNER = "asian_partner", "Asian Partner for Co-operation"

    kind = models.CharField(max_length=30, choices=Kind.choices, db_index=True)
    iso_code = models.CharField(
        "ISO code", max_length=2, unique=True, help_text="ISO 3166-1 alpha-2 code, e.g. BA."
    )
    official_name = models.CharField(max_length=200, blank=True)
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text="Other names found in press texts (e.g. “BiH”), used when importing pages.",
    )

    objects = CountryQuerySet.as_manager()

    class Meta(TaxonomyTerm.Meta):
        verbose_name_plural = "countries"

    def get_absolute_url(self) -> str:
        return slug_url("taxonomy:country", self.slug)

    @property
    def is_participating_state(self) -> bool:
        return self.kind == self.Kind.PARTICIPATING_STATE


class ChairpersonshipQuerySet(models.QuerySet):
    def for_year(self, year: int) -> "Chairpersonship | None":
        return self.select_related("country").filter(year=year).first()

    def current(self) -> "Chairpersonship | None":
        return self.for_year(timezone.localdate().year)


class Chairpersonship(models.Model):
    """The participating State that chairs the OSCE for one calendar year."""

    year = models.PositiveSmallIntegerField(unique=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="chairpersonships")

    objects = ChairpersonshipQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        get_latest_by = "year"

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.country.name} – OSCE Chairpersonship {self.year}"


class StructureQuerySet(models.QuerySet):
    def field_operations(self) -> "StructureQuerySet":
        return self.filter(kind=Structure.Kind.FIELD_OPERATION)

    def open(self) -> "StructureQuerySet":
        return self.filter(closed_year__isnull=True)

    def closed(self) -> "StructureQuerySet":
        return self.filter(closed_year__isnull=False)

    def top_level(self) -> "StructureQuerySet":
        return self.filter(parent__isnull=True)


class Structure(TaxonomyTerm):
    """An OSCE body: the Chairpersonship, the Secretariat and its units, the institutions,
    field operations (open and closed), the Parliamentary Assembly and the Court."""

    class Kind(models.TextChoices):
        CHAIRPERSONSHIP = "chairpersonship", "Chairpersonship"
        SECRETARIAT = "secretariat", "Secretariat"
        SECRETARIAT_UNIT = "secretariat_unit", "Secretariat unit"
        INSTITUTION = "institution", "Institution"
        FIELD_OPERATION = "field_operation", "Field operation"
        PARLIAMENTARY_ASSEMBLY = "parliamentary_assembly", "Parliamentary Assembly"
        COURT = "court", "Court"

    kind = models.CharField(max_length=30, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The body this one belongs to, e.g. the Secretariat for its departments.",
    )
    full_name = models.CharField(
        max_length=250, blank=True, help_text="The name as press releases write it."
    )
    acronym = models.CharField(max_length=30, blank=True)
    short_names = models.JSONField(
        default=list,
        blank=True,
        help_text="Other names found in press texts (e.g. “OSCE Mission to BiH”), used when "
        "importing pages.",
    )
    seat = models.CharField(max_length=100, blank=True, help_text="City where it is based.")
    host_country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_structures",
        help_text="For field operations: the country that hosts it.",
    )
    opened_year = models.PositiveSmallIntegerField(null=True, blank=True)
    closed_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty while it operates."
    )

    objects = StructureQuerySet.as_manager()

    class Meta(TaxonomyTerm.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_year__isnull=True)
                | models.Q(opened_year__isnull=True)
                | models.Q(closed_year__gte=models.F("opened_year")),
                name="structure_closes_after_it_opens",
            ),
        ]

    def get_absolute_url(self) -> str:
        return slug_url("taxonomy:structure", self.slug)

    @property
    def is_closed(self) -> bool:
        return self.closed_year is not None

    @property
    def display_name(self) -> str:
        return self.full_name or self.name

    def names(self) -> list[str]:
        """Every name this body goes by, for matching text against it."""
        return [n for n in [self.name, self.full_name, self.acronym, *self.short_names] if n]


class MeetingSeries(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = "meeting series"
        verbose_name_plural = "meetings and conferences"

    def get_absolute_url(self) -> str:
        return slug_url("taxonomy:meeting-series", self.slug)
