"""The newsroom's admin: releases with their quotes, images and attachments, speakers and
organisations. Every save is a revision (django-reversion); the workflow rules live in
`workflow.py` and `forms.PressReleaseAdminForm`."""

from difflib import SequenceMatcher

import reversion
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation, helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max, Min, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import escape, format_html, format_html_join, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from reversion.admin import VersionAdmin
from reversion.models import Version
from taggit.models import TaggedItem

from taxonomy.models import Structure

from . import workflow
from .forms import PressReleaseAdminForm, QuoteForm, QuoteFormSet, ScheduleForm, WithdrawForm
from .images import ImageForm, image_srcset
from .models import Appointment, Attachment, Image, Organisation, Person, PressRelease, Quote
from .search import admin_search

PUBLISHER_ACTIONS = {"publish_now", "schedule", "withdraw", "unpublish"}
ONLY_PUBLISHERS = (
    "Only publishers can publish, schedule, withdraw or unpublish releases. Nothing was changed."
)


class CappedCountPaginator(Paginator):
    """Counts at most `cap` rows, so a page of a very large, barely filtered list never counts
    the whole table. The pages reach the cap; past it the list says "more than …" and staff
    narrow it with a filter, a search or a date."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap


class PressReleaseChangeList(ChangeList):
    @cached_property
    def publication_years(self) -> list[dict] | None:
        """The date hierarchy's first level, every year from the first publication to the
        last, found with two index lookups: Django's own first level reads the whole table for
        its distinct years. None once a date is chosen, where Django's drill-down takes over."""
        if any(param.startswith("publish_at__") for param in self.params):
            return None
        releases = PressRelease.objects.all()
        first = releases.aggregate(value=Min("publish_at"))["value"]
        last = releases.aggregate(value=Max("publish_at"))["value"]
        if first is None:
            return []
        years = range(timezone.localtime(first).year, timezone.localtime(last).year + 1)
        return [
            {"link": self.get_query_string({"publish_at__year": year}), "title": str(year)}
            for year in years
        ]


class PublicationStateFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("in_review", "In review"),
            ("scheduled", "Scheduled"),
            ("public", "Published"),
            ("withdrawn", "Withdrawn"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "scheduled":
                return queryset.scheduled()
            case "public":
                return queryset.public()
            case "draft" | "in_review" | "withdrawn" as status:
                return queryset.filter(status=status)
        return queryset


class QuoteInline(admin.StackedInline):
    model = Quote
    form = QuoteForm
    formset = QuoteFormSet
    extra = 0
    autocomplete_fields = ["speaker", "organisation", "structure"]
    fields = [
        ("speaker", "appointment"),
        "role_text",
        ("organisation", "structure"),
        "text",
        ("order", "needs_review", "review_note"),
    ]


class ImageInline(admin.TabularInline):
    model = Image
    form = ImageForm
    extra = 0
    fields = ["thumbnail", "file", "alt_text", "caption", "credit", "order"]
    readonly_fields = ["thumbnail"]

    @admin.display(description="preview")
    def thumbnail(self, image: Image) -> str:
        if not image.file:
            return ""
        return format_html(
            '<img src="{}" srcset="{}" sizes="120px" alt="" width="120" loading="lazy">',
            image.file.url,
            image_srcset(image),
        )


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["file", "title", "language", "order"]


# Registered before the admin so revisions also follow the tags (taggit's own field is not
# serialised); VersionAdmin adds the inlines' models itself.
reversion.register(TaggedItem)
reversion.register(PressRelease, follow=("quotes", "images", "attachments", "tagged_items"))


@admin.register(PressRelease)
class PressReleaseAdmin(VersionAdmin):
    form = PressReleaseAdminForm
    inlines = [QuoteInline, ImageInline, AttachmentInline]
    list_display = ["title", "content_type", "state", "publish_at", "source_list"]
    list_filter = [
        PublicationStateFilter,
        "content_type",
        "fields_of_work",
        "sources",
        "countries",
        "language",
        "publish_at",
    ]
    search_fields = ["title", "lead", "body"]
    search_help_text = "Searches titles, leads and body text."
    date_hierarchy = "publish_at"
    autocomplete_fields = [
        "translation_of",
        "sources",
        "fields_of_work",
        "countries",
        "meeting_series",
        "related",
        "contact_person",
    ]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["withdrawn_at", "source_url", "created_at", "created_by", "updated_at"]
    fieldsets = [
        (
            "Content",
            {
                "fields": [
                    "content_type",
                    "title",
                    "slug",
                    ("language", "translation_of"),
                    "places",
                    "lead",
                    "body",
                ]
            },
        ),
        (
            "Taxonomy",
            {
                "fields": [
                    "sources",
                    "fields_of_work",
                    "countries",
                    "meeting_series",
                    "tags",
                    "related",
                ]
            },
        ),
        ("Publication", {"fields": ["status", "publish_at", "withdrawal_reason", "withdrawn_at"]}),
        ("Contact", {"fields": ["contact_person", "contact_text"]}),
        (
            "Import and record",
            {
                "classes": ["collapse"],
                "fields": ["source_url", ("created_at", "created_by"), "updated_at"],
            },
        ),
    ]
    actions = ["publish_now", "schedule", "withdraw", "unpublish", "duplicate"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts scan the table once per filter option
    change_list_template = "admin/pressreleases/pressrelease/change_list.html"
    revision_form_template = "admin/pressreleases/pressrelease/revision_form.html"

    def get_queryset(self, request):
        sources = Structure.objects.only("name", "acronym")
        return super().get_queryset(request).prefetch_related(Prefetch("sources", sources))

    def get_search_fields(self, request):
        # Choosing a related release or the original of a translation searches titles only:
        # that is what editors type, and it stays fast on a large archive.
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            return ["title"]
        return super().get_search_fields(request)

    def get_search_results(self, request, queryset, search_term):
        # Staff search is the site's full-text search over every release, drafts included.
        if not search_term.strip() or request.resolver_match.url_name == "autocomplete":
            return super().get_search_results(request, queryset, search_term)
        return admin_search(queryset, search_term)

    def get_changelist(self, request, **kwargs):
        return PressReleaseChangeList

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.can_publish = workflow.can_publish(request.user)
        return form

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        if obj.status != PressRelease.Status.WITHDRAWN:
            obj.withdrawn_at = None  # a later withdrawal gets its own date
        super().save_model(request, obj, form, change)

    def has_publish_permission(self, request) -> bool:
        return workflow.can_publish(request.user)

    def view_on_site(self, release: PressRelease) -> str | None:
        return release.get_absolute_url() if release.is_public or release.is_withdrawn else None

    # Columns

    @admin.display(description="status", ordering="status")
    def state(self, release: PressRelease) -> str:
        if release.is_scheduled:
            local = timezone.localtime(release.publish_at)
            return f"Scheduled for {date_format(local, 'j M Y, H:i')}"
        return release.get_status_display()

    @admin.display(description="sources")
    def source_list(self, release: PressRelease) -> str:
        return ", ".join(source.acronym or source.name for source in release.sources.all())

    # Views

    def change_view(self, request, object_id, form_url="", extra_context=None):
        release = self.get_object(request, unquote(object_id))
        context = {"preview_url": None, "share_link": None, **(extra_context or {})}
        if release is not None:
            context["preview_url"] = reverse("pressreleases:preview", args=[release.pk])
            if release.is_scheduled and workflow.can_publish(request.user):
                context["share_link"] = request.build_absolute_uri(workflow.share_path(release))
                context["share_link_expires"] = timezone.now() + workflow.share_link_max_age()
        return super().change_view(request, object_id, form_url, context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id, object_id=unquote(object_id))
        current = self.get_object(request, unquote(object_id))
        locked = (
            current is not None
            and not workflow.can_publish(request.user)
            and publication_state(version.field_dict) != publication_state(vars(current))
        )
        if locked and request.method == "POST":
            self.message_user(
                request,
                "Reverting to this version would change the release's publication; only a "
                "publisher can do that. Nothing was changed.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)
        context = {
            "publication_locked": locked,
            "changes": version_changes(version, current) if current is not None else [],
            **(extra_context or {}),
        }
        return super().revision_view(request, object_id, version_id, context)

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id)
        status = version.field_dict.get("status")
        if (
            request.method == "POST"
            and status not in workflow.EDITOR_STATUSES
            and not workflow.can_publish(request.user)
        ):
            self.message_user(
                request,
                "This release was published when it was deleted; only a publisher can recover "
                "it. Nothing was changed.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)
        return super().recover_view(request, version_id, extra_context)

    # Actions

    def response_action(self, request, queryset, action_location=ActionLocation.CHANGE_LIST):
        posted = request.POST.getlist("action") + request.POST.getlist(
            f"{ActionLocation.CHANGE_FORM.value}-action"
        )
        if PUBLISHER_ACTIONS.intersection(posted) and not self.has_publish_permission(request):
            self.message_user(request, ONLY_PUBLISHERS, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset, action_location)

    @admin.action(
        description="Publish now",
        permissions=["publish"],
        location=[ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM],
    )
    def publish_now(self, request, queryset) -> None:
        self._apply(request, queryset, workflow.publish_now, "Published {}.")

    @admin.action(
        description="Schedule…",
        permissions=["publish"],
        location=[ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM],
    )
    def schedule(self, request, queryset):
        form = ScheduleForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._action_page(request, queryset, form, "schedule", "Schedule releases")
        when = form.cleaned_data["publish_at"]
        label = date_format(timezone.localtime(when), "j F Y, H:i")
        self._apply(
            request,
            queryset,
            lambda release, user: workflow.schedule(release, when, user=user),
            f"Scheduled {{}} for {label}.",
        )
        return None

    @admin.action(
        description="Withdraw…",
        permissions=["publish"],
        location=[ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM],
    )
    def withdraw(self, request, queryset):
        form = WithdrawForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._action_page(request, queryset, form, "withdraw", "Withdraw releases")
        reason = form.cleaned_data["reason"]
        self._apply(
            request,
            queryset,
            lambda release, user: workflow.withdraw(release, reason, user=user),
            "Withdrew {}.",
        )
        return None

    @admin.action(
        description="Unpublish (back to draft)",
        permissions=["publish"],
        location=[ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM],
    )
    def unpublish(self, request, queryset) -> None:
        self._apply(request, queryset, workflow.unpublish, "Unpublished {}.")

    @admin.action(
        description="Duplicate as a new draft",
        permissions=["add"],
        location=[ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM],
    )
    def duplicate(self, request, queryset):
        copies = []
        for release in queryset:
            copy = workflow.duplicate(release, user=request.user)
            self.log_addition(request, copy, f"Duplicated from “{release}” (#{release.pk}).")
            copies.append(copy)
        self.message_user(
            request, f"Created {_count(len(copies))} as new drafts.", messages.SUCCESS
        )
        if len(copies) == 1:
            return HttpResponseRedirect(
                reverse("admin:pressreleases_pressrelease_change", args=[copies[0].pk])
            )
        return None

    def _apply(self, request, queryset, move, summary: str) -> None:
        """Run a workflow move on each release; `summary` reports it, "{}" naming the releases.
        Releases the move does not apply to are skipped, each with the reason."""
        done = 0
        for release in queryset:
            try:
                with transaction.atomic():
                    move(release, user=request.user)
            except workflow.WorkflowError as refusal:
                self.message_user(request, str(refusal), messages.WARNING)
                continue
            self.log_change(request, release, summary.format("the release"))
            done += 1
        if done:
            self.message_user(request, summary.format(_count(done)), messages.SUCCESS)

    def _action_page(self, request, queryset, form, action: str, title: str):
        in_form = f"{ActionLocation.CHANGE_FORM.value}-action" in request.POST
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "form": form,
            "releases": queryset,
            "action": action,
            "action_field": f"{ActionLocation.CHANGE_FORM.value}-action" if in_form else "action",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/pressreleases/pressrelease/action_form.html", context
        )


def _count(n: int) -> str:
    return f"{n} release" if n == 1 else f"{n} releases"


def publication_state(fields: dict) -> tuple:
    """What only a publisher may change, from a model's `vars()` or a version's field_dict.
    Times compare to the second: versions store them with millisecond precision."""
    publish_at = fields.get("publish_at")
    return (
        fields.get("status"),
        publish_at.replace(microsecond=0) if publish_at else None,
        fields.get("withdrawal_reason") or "",
    )


def version_changes(version: Version, current: PressRelease) -> list[tuple[str, SafeString]]:
    """The fields in which `version` differs from the release as it is, each with a word diff:
    struck-out words would go on reverting, underlined ones would come back."""
    old_values = version.field_dict
    changes = []
    for field in PressRelease._meta.get_fields():
        # Versions hold the serialised fields only: not tags (taggit), not the primary key.
        if not (field.concrete and field.serialize and field.editable):
            continue
        now = _display(field, _current_value(current, field))
        then = _display(field, old_values.get(field.name))
        if now != then:
            changes.append((str(field.verbose_name).capitalize(), word_diff(now, then)))
    now_quotes = [quote.text for quote in current.quotes.all()]
    then_quotes = [
        v.field_dict["text"]
        for v in Version.objects.get_for_model(Quote).filter(revision=version.revision_id)
    ]
    if sorted(now_quotes) != sorted(then_quotes):
        changes.append(("Quotes", word_diff(" | ".join(now_quotes), " | ".join(then_quotes))))
    return changes


def _current_value(release: PressRelease, field):
    if field.many_to_many:
        return [obj.pk for obj in getattr(release, field.name).all()]
    return getattr(release, field.attname)


def _display(field, value) -> str:
    if field.many_to_many or field.many_to_one:
        pks = value if isinstance(value, list) else [value] if value is not None else []
        names = field.related_model._default_manager.in_bulk(pks)
        return ", ".join(sorted(str(names[pk]) for pk in pks if pk in names))
    if value is None:
        return ""
    if field.name == "body":
        return strip_tags(value)
    if isinstance(value, list):
        return "/".join(str(item) for item in value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def word_diff(old: str, new: str) -> SafeString:
    a, b = old.split(), new.split()
    parts = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(escape(Truncator(" ".join(a[i1:i2])).words(30)))
        if tag in {"delete", "replace"}:
            parts.append(format_html("<del>{}</del>", " ".join(a[i1:i2])))
        if tag in {"insert", "replace"}:
            parts.append(format_html("<ins>{}</ins>", " ".join(b[j1:j2])))
    return mark_safe(" ".join(parts))  # every part is escaped above


class AppointmentInline(admin.TabularInline):
    model = Appointment
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["title", "organisation", "start_date", "end_date"]


@admin.register(Person)
class PersonAdmin(VersionAdmin):
    inlines = [AppointmentInline]
    list_display = ["full_name", "honorific", "appointment_titles"]
    search_fields = ["full_name", "name_key", "appointments__title"]
    prepopulated_fields = {"slug": ["full_name"]}
    fields = ["full_name", "honorific", "slug", "bio", "portrait"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("appointments")

    @admin.display(description="appointments")
    def appointment_titles(self, person: Person) -> str:
        return format_html_join("; ", "{}", ((a.title,) for a in person.appointments.all()))


@admin.register(Organisation)
class OrganisationAdmin(VersionAdmin):
    list_display = ["name", "acronym", "kind", "country"]
    list_filter = ["kind"]
    list_select_related = ["country"]
    search_fields = ["name", "acronym", "slug"]
    autocomplete_fields = ["country", "structure"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "acronym", "slug", "kind", "aliases", "country", "structure", "website"]


@admin.register(Quote)
class QuoteAdmin(VersionAdmin):
    """Quotes across releases, mainly to clear the importer's doubtful attributions."""

    form = QuoteForm
    list_display = ["short_text", "attribution", "release", "needs_review"]
    list_filter = ["needs_review"]
    list_select_related = ["speaker", "organisation", "structure", "release"]
    search_fields = ["text", "speaker__full_name", "role_text"]
    autocomplete_fields = ["release", "speaker", "organisation", "structure"]
    fields = [
        "release",
        ("speaker", "appointment"),
        "role_text",
        ("organisation", "structure"),
        "text",
        ("order", "needs_review", "review_note"),
    ]

    @admin.display(description="quote")
    def short_text(self, quote: Quote) -> str:
        return Truncator(quote.text).words(12)
