"""Staff forms: the release change form with its workflow rules, quotes, and the workflow
actions' intermediate forms."""

from django import forms
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget

from .models import Appointment, PressRelease, Quote
from .sanitizing import sanitize_html
from .workflow import EDITOR_STATUSES, state_label

# What the body editor offers; each extension produces only tags that sanitizing.ALLOWED_TAGS
# keeps, so nothing an editor writes vanishes on save (tests/pressreleases/test_sanitizing.py).
BODY_EDITOR_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
}

PLACES_SEPARATOR = "/"


class PlacesField(forms.CharField):
    """Dateline places typed as the dateline reads, "Vienna/Sarajevo", stored as a list."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return PLACES_SEPARATOR.join(value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        return [place.strip() for place in text.split(PLACES_SEPARATOR) if place.strip()]


class PressReleaseAdminForm(forms.ModelForm):
    """The release change form. Without the publish permission (`can_publish`, set per request
    by the admin) the status may only be Draft or In review, and the status of a release that
    has been published, and its publication time and withdrawal reason, cannot change: such a
    submission, forged or not, is refused with an error on the field and nothing is saved."""

    can_publish = False

    body = ProseEditorFormField(
        config={"extensions": BODY_EDITOR_EXTENSIONS},
        sanitize=sanitize_html,
        required=False,
        widget=AdminProseEditorWidget,
    )
    places = PlacesField(
        label="Dateline places",
        required=False,
        help_text="Cities in the dateline, separated by “/”, e.g. Vienna/Sarajevo.",
    )

    class Meta:
        model = PressRelease
        fields = [
            "content_type",
            "title",
            "slug",
            "language",
            "translation_of",
            "places",
            "lead",
            "body",
            "sources",
            "fields_of_work",
            "countries",
            "meeting_series",
            "tags",
            "related",
            "status",
            "publish_at",
            "withdrawal_reason",
            "contact_person",
            "contact_text",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # As stored before this submission; the rules compare against it.
        self.stored = {
            "status": self.instance.status,
            "publish_at": self.instance.publish_at,
            "withdrawal_reason": self.instance.withdrawal_reason,
        }
        if not self.can_publish:
            self._offer_editor_choices()

    def _offer_editor_choices(self) -> None:
        if status := self.fields.get("status"):
            current = self.stored["status"]
            offered = EDITOR_STATUSES if current in EDITOR_STATUSES else (current,)
            # Only the widget is narrowed: a value outside it still reaches clean(), which
            # explains the refusal instead of reporting an unknown choice.
            status.widget.choices = [(v, label) for v, label in status.choices if v in offered]
            status.help_text = "Only publishers can publish, schedule or withdraw a release."
        for name in ("publish_at", "withdrawal_reason"):
            if field := self.fields.get(name):
                field.widget.attrs["readonly"] = True
                field.help_text = "Set by a publisher."

    def clean(self) -> dict:
        cleaned = super().clean()
        if "publish_at" in cleaned and "publish_at" not in self.changed_data:
            # The form shows whole seconds; an untouched time keeps its stored precision.
            cleaned["publish_at"] = self.stored["publish_at"]
        if not self.can_publish:
            self._refuse_publication_changes(cleaned)
        status = cleaned.get("status")
        if status == PressRelease.Status.PUBLISHED and not cleaned.get("publish_at"):
            cleaned["publish_at"] = timezone.now()  # as the field's help text promises
        if status == PressRelease.Status.WITHDRAWN and not cleaned.get("publish_at"):
            self.add_error("status", "Only a release that has been published can be withdrawn.")
        return cleaned

    def _refuse_publication_changes(self, cleaned: dict) -> None:
        status, stored_status = cleaned.get("status"), self.stored["status"]
        if status is not None and status != stored_status:
            if stored_status not in EDITOR_STATUSES:
                label = state_label(self.instance).lower()
                self.add_error(
                    "status",
                    f"This release is {label}: only a publisher can change its status.",
                )
            elif status not in EDITOR_STATUSES:
                self.add_error(
                    "status",
                    "Only publishers can publish, schedule or withdraw a release. "
                    "Save it as a draft or submit it for review.",
                )
        for name, label in [("publish_at", "publication time"), ("withdrawal_reason", "reason")]:
            if name in self.changed_data:
                self.add_error(name, f"Only a publisher can change the {label}.")


class QuoteForm(forms.ModelForm):
    """A quote, inline in its release or on its own. The appointment list offers the
    appointments of the speakers already quoted in the release (and of this quote's speaker);
    the model refuses one that is not the chosen speaker's. A speaker new to the release has no
    appointments listed until the release is saved; left empty, the appointment is filled in
    with the one the speaker held on the publication date."""

    class Meta:
        model = Quote
        fields = [
            "release",
            "speaker",
            "appointment",
            "role_text",
            "organisation",
            "structure",
            "text",
            "order",
            "needs_review",
            "review_note",
        ]

    def __init__(self, *args, release: PressRelease | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.release = release or (self.instance.release if self.instance.release_id else None)
        if field := self.fields.get("appointment"):
            field.queryset = self._appointment_choices()
            field.help_text = (
                "The speaker's role when quoted. Leave empty to use the appointment they held "
                "on the publication date; a speaker new to this release has their appointments "
                "listed after saving."
            )

    def _appointment_choices(self):
        people = Q(pk__in=[])
        if self.release is not None and self.release.pk:
            people |= Q(person__quotes__release=self.release)
        if self.instance.speaker_id:
            people |= Q(person=self.instance.speaker_id)
        appointments = Appointment.objects.filter(people).distinct()
        return appointments.select_related("person", "organisation")

    def clean(self) -> dict:
        cleaned = super().clean()
        speaker = cleaned.get("speaker")
        if speaker and not cleaned.get("appointment") and not cleaned.get("role_text"):
            cleaned["appointment"] = speaker.appointment_on(self._quoted_on())
        return cleaned

    def _quoted_on(self):
        if self.release is not None and self.release.publish_at:
            return timezone.localdate(self.release.publish_at)
        return timezone.localdate()


class QuoteFormSet(BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "release": self.instance}


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label="Publication time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In the site's time zone. The releases become public at that moment.",
    )

    def clean_publish_at(self):
        when = self.cleaned_data["publish_at"]
        if when <= timezone.now():
            raise forms.ValidationError("Choose a time in the future.")
        return when


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="Shown to readers on each release's page, with the date of withdrawal.",
    )
