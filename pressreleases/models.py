"""Press releases and what they carry: quotes by speakers in the role they held at the time,
organisations, images and attachments.

What the public may see is decided in one place, `PressReleaseQuerySet.public()`.
"""

import unicodedata

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.managers import TaggableManager

from taxonomy.models import Country, FieldOfWork, MeetingSeries, Structure, slug_url

from .sanitizing import sanitize_html


def fold(text: str) -> str:
    """Lower-case ASCII form of a name for matching: “Mektić” and “Mektic” fold alike."""
    if not text.isascii():  # ASCII decomposes to itself; the importer folds 130 texts a page
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(text.casefold().replace(".", " ").split())


class Organisation(models.Model):
    class Kind(models.TextChoices):
        OSCE_STRUCTURE = "osce", "OSCE structure"
        GOVERNMENT = "government", "Government body"
        INTERGOVERNMENTAL = "intergovernmental", "Intergovernmental organisation"
        CIVIL_SOCIETY = "civil_society", "NGO / civil society"
        ACADEMIC = "academic", "Academic"
        MEDIA = "media", "Media"
        OTHER = "other", "Other"

    name = models.CharField(max_length=250)
    slug = models.SlugField(max_length=120, unique=True)
    acronym = models.CharField(max_length=30, blank=True)
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text="Other names press texts use for it; the importer matches them.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.SET_NULL, related_name="organisations"
    )
    structure = models.ForeignKey(
        Structure,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
        help_text="For OSCE bodies: the structure in the taxonomy it corresponds to.",
    )
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return slug_url("people:organisation", self.slug)

    def names(self) -> list[str]:
        return [n for n in [self.name, self.acronym, *self.aliases] if n]


class Person(models.Model):
    """Someone quoted in releases. Their titles over time are `Appointment`s."""

    full_name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    honorific = models.CharField(max_length=50, blank=True, help_text="E.g. Ambassador, Dr.")
    name_key = models.CharField(
        max_length=200,
        db_index=True,
        editable=False,
        help_text="The name folded for matching (no accents, lower case).",
    )
    bio = models.TextField("short biography", blank=True)
    portrait = models.ImageField(upload_to="people/", blank=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.name_key = fold(self.full_name)
        if not self.slug:
            self.slug = unique_slug(Person, self.full_name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return slug_url("people:speaker", self.slug)

    def appointment_on(self, day) -> "Appointment | None":
        """The appointment held on `day`, preferring the most recently started."""
        for appointment in self.appointments.order_by(models.F("start_date").desc(nulls_last=True)):
            if appointment.covers(day):
                return appointment
        return None


class Appointment(models.Model):
    """A title a person held, e.g. “Head of the OSCE Mission to Bosnia and Herzegovina”."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="appointments")
    title = models.CharField(max_length=300)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    start_date = models.DateField(null=True, blank=True, help_text="Leave empty if unknown.")
    end_date = models.DateField(
        null=True, blank=True, help_text="Leave empty while it lasts or if unknown."
    )

    class Meta:
        ordering = [models.F("start_date").desc(nulls_last=True), "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="appointment_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.title}"

    def covers(self, day) -> bool:
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or day <= self.end_date
        )


def unique_slug(model: type[models.Model], text: str, max_length: int = 100) -> str:
    base = slugify(fold(text))[:max_length].strip("-") or "item"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def public_condition(prefix: str = "") -> models.Q:
    """The one visibility rule: published, and the publication time has come. `prefix` applies
    it across a relation (`release__`), as a join the planner can drive in publication order."""
    return models.Q(
        **{
            f"{prefix}status": PressRelease.Status.PUBLISHED,
            f"{prefix}publish_at__lte": timezone.now(),
        }
    )


class IdsFirstQuerySet(models.QuerySet):
    """Pages of an ordered queryset read ids first."""

    def rows_by_ids(self, start: int, stop: int, rows: models.QuerySet) -> list:
        """Rows `start` to `stop` of this queryset in its order, read ids first: the ordering
        sorts narrow rows, then `rows` (the records as the caller wants them, e.g. with what
        they show joined or deferred, without this queryset's filters, which the ids already
        meet) fetches just those. Once SQLite has statistics it answers "the newest releases
        in a field" by sorting every release of the field, and sorting whole rows read each
        one's body to reach `publish_at`, which comes after it; a speaker's quotes were sorted
        with their releases, speakers and organisations joined."""
        return rows.in_order_of(list(self.values_list("pk", flat=True)[start:stop]))

    def in_order_of(self, ids: list[int]) -> list:
        """The records of `ids` among these, in the order of `ids`."""
        position = {pk: n for n, pk in enumerate(ids)}
        return sorted(self.filter(pk__in=ids), key=lambda record: position[record.pk])


class PressReleaseQuerySet(IdsFirstQuerySet):
    def readable(self) -> "PressReleaseQuerySet":
        """Releases whose own page can be opened: public ones and withdrawn ones (which show
        a withdrawal notice instead of vanishing)."""
        return self.filter(
            status__in=[PressRelease.Status.PUBLISHED, PressRelease.Status.WITHDRAWN],
            publish_at__lte=timezone.now(),
        )

    def public(self) -> "PressReleaseQuerySet":
        """What the public sees in listings, feeds, search, counts and sitemaps."""
        return self.filter(public_condition())

    def scheduled(self) -> "PressReleaseQuerySet":
        return self.filter(status=PressRelease.Status.PUBLISHED, publish_at__gt=timezone.now())

    def in_field(self, field: FieldOfWork) -> "PressReleaseQuerySet":
        return self.filter(fields_of_work=field)

    def from_source(self, structure: Structure) -> "PressReleaseQuerySet":
        return self.filter(sources=structure)


class PressRelease(models.Model):
    class ContentType(models.TextChoices):
        PRESS_RELEASE = "press_release", "Press release"
        NEWS = "news", "News"
        PRESS_STATEMENT = "press_statement", "Press statement"
        STATEMENT = "statement", "Statement"
        SPEECH = "speech", "Speech"
        OP_ED = "op_ed", "Op-ed"
        FEATURE = "feature", "Feature"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        RUSSIAN = "ru", "Russian"
        FRENCH = "fr", "French"
        GERMAN = "de", "German"
        ITALIAN = "it", "Italian"
        SPANISH = "es", "Spanish"
        ALBANIAN = "sq", "Albanian"
        BOSNIAN = "bs", "Bosnian"
        CROATIAN = "hr", "Croatian"
        MACEDONIAN = "mk", "Macedonian"
        MONTENEGRIN = "cnr", "Montenegrin"
        ROMANIAN = "ro", "Romanian"
        SERBIAN = "sr", "Serbian"
        UKRAINIAN = "uk", "Ukrainian"
        KAZAKH = "kk", "Kazakh"
        KYRGYZ = "ky", "Kyrgyz"
        TAJIK = "tg", "Tajik"
        TURKMEN = "tk", "Turkmen"
        UZBEK = "uz", "Uzbek"

    content_type = models.CharField(
        max_length=20, choices=ContentType.choices, default=ContentType.PRESS_RELEASE
    )
    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="Part of the web address. Changing it later keeps the old address working.",
    )
    language = models.CharField(max_length=3, choices=Language.choices, default=Language.ENGLISH)
    translation_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        help_text="For a translation: the original release.",
    )
    places = models.JSONField(
        "dateline places",
        default=list,
        blank=True,
        help_text="Cities in the dateline, e.g. Vienna and Sarajevo for “VIENNA/SARAJEVO”.",
    )
    lead = models.TextField(blank=True, help_text="One or two sentences summarising the release.")
    body = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="Leave empty to publish now; a future time schedules the release.",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(
        blank=True, help_text="Shown to readers on the release's page after withdrawal."
    )
    sources = models.ManyToManyField(Structure, blank=True, related_name="press_releases")
    fields_of_work = models.ManyToManyField(FieldOfWork, blank=True, related_name="press_releases")
    countries = models.ManyToManyField(Country, blank=True, related_name="press_releases")
    meeting_series = models.ManyToManyField(
        MeetingSeries, blank=True, related_name="press_releases"
    )
    tags = TaggableManager(blank=True)
    # Lets revisions follow the tags: a revert restores them with the rest of the release.
    tagged_items = GenericRelation("taggit.TaggedItem")
    related = models.ManyToManyField(
        "self", blank=True, symmetrical=False, verbose_name="related releases"
    )
    contact_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_text = models.TextField(
        "contact", blank=True, help_text="Press contact as text, when not a person on file."
    )
    source_url = models.URLField(
        max_length=500,
        null=True,
        blank=True,
        unique=True,
        help_text="For imported releases: the page it came from.",
    )
    import_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = PressReleaseQuerySet.as_manager()

    # A search sets its own (search.with_snippets). Without this default, every card of a
    # listing that is not a search failed the template's lookup of it three ways (dictionary,
    # attribute, index), 16 µs a card.
    search_snippet = ""

    class Meta:
        ordering = [models.F("publish_at").desc(nulls_first=True), "-pk"]
        get_latest_by = "publish_at"
        permissions = [
            ("publish_pressrelease", "Can publish, schedule, withdraw and unpublish releases"),
        ]
        indexes = [
            # The visibility rule, with the columns the listing counts by and the id: the facet
            # counts read this index alone, never the table's wide rows (PostgreSQL's
            # index-only scans need the id in the index; SQLite has it in every index).
            models.Index(
                fields=["status", "publish_at", "content_type", "language", "id"],
                name="pr_visible",
            ),
            # The default order, newest first with undated drafts on top, to the last column:
            # without the id, the ties (every undated draft) are sorted from their full rows,
            # which took most of the admin change list's query time at 100,000 releases.
            models.Index(fields=["-publish_at", "-id"], name="pr_newest_first"),
            # Visibility and order by id, for ordering a set of ids from the index alone
            # (IdsFirstQuerySet.rows_by_ids).
            models.Index(fields=["id", "status", "publish_at"], name="pr_id_visibility"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(publish_at__isnull=False),
                name="published_release_has_publication_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.body = sanitize_html(self.body)
        if not self.slug:
            self.slug = unique_slug(PressRelease, self.title)
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        if self.status == self.Status.WITHDRAWN and self.withdrawn_at is None:
            self.withdrawn_at = timezone.now()
        # A changed slug is recorded, so links to the old address keep working (301).
        using = kwargs.get("using") or router.db_for_write(PressRelease, instance=self)
        update_fields = kwargs.get("update_fields")
        previous_slug = None
        if not self._state.adding and (update_fields is None or "slug" in update_fields):
            previous_slug = (
                PressRelease._base_manager.using(using)
                .filter(pk=self.pk)
                .values_list("slug", flat=True)
                .first()
            )
        if previous_slug is None or previous_slug == self.slug:
            super().save(*args, **kwargs)
            return
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            history = self.previous_slugs.db_manager(using)
            history.filter(slug=self.slug).delete()
            history.update_or_create(slug=previous_slug, defaults={"replaced_at": timezone.now()})

    def get_absolute_url(self) -> str:
        return slug_url("pressreleases:detail", self.slug)

    def clean(self) -> None:
        if self.status == self.Status.WITHDRAWN and not self.withdrawal_reason.strip():
            raise ValidationError({"withdrawal_reason": "Say why the release is withdrawn."})

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN

    @property
    def dateline(self) -> str:
        return "/".join(place.upper() for place in self.places)


class PressReleaseSlug(models.Model):
    """A slug a release had before; its old address answers with a permanent redirect.

    A slug that is live on some release always wins over the history, so an editor may give a
    retired slug to another release. When several releases once had the same slug, the one
    that gave it up last gets the redirect.
    """

    release = models.ForeignKey(
        PressRelease, on_delete=models.CASCADE, related_name="previous_slugs"
    )
    slug = models.SlugField(max_length=120)
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replaced_at", "-pk"]
        verbose_name = "previous slug"
        constraints = [
            models.UniqueConstraint(
                fields=["release", "slug"], name="previous_slug_once_per_release"
            )
        ]

    def __str__(self) -> str:
        return self.slug


class QuoteQuerySet(IdsFirstQuerySet):
    def public(self) -> "QuoteQuerySet":
        """Quotes of public releases: the only quotes readers ever see."""
        return self.filter(public_condition("release__"))


class Quote(models.Model):
    """Words quoted in a release, with the role the speaker held when quoted.

    A quote attributed only to a body ("the Chairpersonship said") has no speaker and records
    the organisation or structure instead.
    """

    # Both indexed by the composite indexes below, which lead with them.
    release = models.ForeignKey(
        PressRelease, on_delete=models.CASCADE, related_name="quotes", db_index=False
    )
    speaker = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quotes",
        db_index=False,
    )
    appointment = models.ForeignKey(
        Appointment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotes",
        help_text="The speaker's role when quoted.",
    )
    role_text = models.CharField(
        "role as written",
        max_length=300,
        blank=True,
        help_text="The role as the release states it, when no appointment on file fits.",
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    structure = models.ForeignKey(
        Structure, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)
    needs_review = models.BooleanField(
        default=False, help_text="Set by the importer when the attribution is doubtful."
    )
    review_note = models.CharField(max_length=300, blank=True)

    objects = QuoteQuerySet.as_manager()

    search_snippet = ""  # set by a search, as on PressRelease

    class Meta:
        ordering = ["release", "order", "pk"]
        indexes = [
            # Who is quoted in which release, without reading the quotes' text: the speaker and
            # organisation facets and the quotes page's filter options.
            models.Index(
                fields=["release", "speaker", "organisation", "appointment"],
                name="quote_release_attribution",
            ),
            # A speaker's quotes with their releases, from the index alone: counting a speaker's
            # public quotes otherwise read the whole attribution index.
            models.Index(fields=["speaker", "release"], name="quote_speaker_release"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(speaker__isnull=False)
                | models.Q(organisation__isnull=False)
                | models.Q(structure__isnull=False),
                name="quote_is_attributed",
                violation_error_message="Name a speaker, or the organisation or structure quoted.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.attribution}: “{self.text[:60]}”"

    def clean(self) -> None:
        if self.appointment_id and self.appointment.person_id != self.speaker_id:
            raise ValidationError({"appointment": "Choose one of the speaker's own appointments."})
        if not (self.speaker_id or self.organisation_id or self.structure_id):
            raise ValidationError("Name a speaker, or the organisation or structure quoted.")

    @property
    def role(self) -> str:
        """The role as held when quoted; the title names the organisation where it matters."""
        return self.appointment.title if self.appointment_id else self.role_text

    @property
    def attribution(self) -> str:
        if self.speaker_id:
            return self.speaker.full_name
        if self.structure_id:
            return self.structure.display_name
        return self.organisation.name if self.organisation_id else ""


def image_path(image: "Image", filename: str) -> str:
    return f"releases/{timezone.now():%Y/%m}/{filename}"


class Image(models.Model):
    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="images")
    file = models.ImageField(upload_to=image_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    alt_text = models.CharField(
        max_length=300,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(max_length=200, blank=True, help_text="E.g. OSCE/Jane Doe")
    renditions = models.JSONField(
        default=dict, blank=True, editable=False, help_text="Resized copies: width → file name."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["release", "order", "pk"]

    def __str__(self) -> str:
        return self.alt_text


class Attachment(models.Model):
    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    title = models.CharField(max_length=300)
    language = models.CharField(
        max_length=3, choices=PressRelease.Language.choices, default=PressRelease.Language.ENGLISH
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["release", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class Facet(models.IntegerChoices):
    """The facets of the release listing, as facet keys name them (`facet_index`)."""

    TYPE = 1, "content type"
    FIELD = 2, "field of work"
    COUNTRY = 3, "country"
    STRUCTURE = 4, "structure"
    MEETING = 5, "meeting series"
    SPEAKER = 6, "speaker"
    ORGANISATION = 7, "organisation"
    TAG = 8, "tag"
    LANGUAGE = 9, "language"
    YEAR = 10, "year"
    # Not offered as facets: a release with quotes has the keys (QUOTES, its number of quotes)
    # and (QUOTE_YEAR, its year), so that the totals give the number of public quotes and the
    # years that have any, without reading the quotes.
    QUOTES = 11, "number of quotes"
    QUOTE_YEAR = 12, "year with quotes"


class FacetKeys(models.Model):
    """The facet keys of one published release: each value it is counted under in the
    listing's facet panel. Its content type, language and year, each linked term, each speaker
    and organisation quoted, each tag; a structure key stands for the release's sources and
    everything above them, so a structure counts the releases of its whole subtree once each.
    And its number of quotes and its year once more, when it has quotes (`Facet.QUOTES`,
    `Facet.QUOTE_YEAR`).

    One row per release, the keys packed (`facet_index.pack`): a write reads the release's
    keys of before in one row, to move it out of the totals (`FacetTotal.members`) of the keys
    it lost and into those of the keys it gained.

    Kept current on every write by `pressreleases.facet_index` (with the search index, which
    the same changes touch). Only published releases have keys. A scheduled release's keys
    are left out of the totals (`counted` false): from its time readers add them, and the next
    write counts them.
    """

    # A plain column, not a foreign key: a deleted release's keys are taken away (and its
    # totals lowered) by the delete's own signal, which a cascade would pre-empt.
    release_id = models.BigIntegerField(primary_key=True)
    keys = models.BinaryField()
    publish_at = models.DateTimeField()
    counted = models.BooleanField(help_text="Whether the totals count these keys.")

    class Meta:
        verbose_name_plural = "facet keys"
        indexes = [
            # Only the rows still to be counted: the scheduled releases.
            models.Index(
                fields=["publish_at"], condition=models.Q(counted=False), name="facetkeys_due"
            )
        ]

    def __str__(self) -> str:
        return f"facet keys of release {self.release_id}"


class FacetTotal(models.Model):
    """Which counted releases (`FacetKeys.counted`) have a facet key, and how many: the facet
    panel of the unfiltered listing is read without counting anything, and a filtered one
    intersects these sets (`facet_index.public_value_sets`)."""

    pk = models.CompositePrimaryKey("facet", "value")
    facet = models.PositiveSmallIntegerField(choices=Facet.choices)
    value = models.BigIntegerField()
    releases = models.IntegerField(default=0)
    members = models.BinaryField(
        help_text="The ids of these releases, as a Roaring bitmap in its portable format.",
    )

    def __str__(self) -> str:
        return f"{self.get_facet_display()} {self.value}: {self.releases}"
