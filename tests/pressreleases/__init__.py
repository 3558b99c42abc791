"""Helpers for the press-release tests: the POST data an admin change form would send."""

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.urls import reverse


def change_url(release) -> str:
    return reverse("admin:pressreleases_pressrelease_change", args=[release.pk])


def form_data(response, **overrides) -> dict:
    """What a browser submits for the admin form rendered in `response` (the main form and its
    inlines, unchanged), with `overrides` applied; an override of None drops the key."""
    data = {"_save": "Save"}
    add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add_form(data, inline.formset.management_form)
        for form in inline.formset.forms:
            add_form(data, form)
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def add_inline_row(data: dict, prefix: str, **fields) -> None:
    """Append a new row to the inline formset `prefix` (e.g. "quotes")."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)


def add_form(data: dict, form: forms.BaseForm) -> None:
    for bound in form:
        widget = bound.field.widget
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget = widget.widget
        value = bound.value()
        name = bound.html_name
        if isinstance(widget, forms.FileInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list) else widget.decompress(value)
            for suffix, subwidget, part in zip(
                widget.widgets_names, widget.widgets, parts, strict=True
            ):
                data[name + suffix] = subwidget.format_value(part) or ""
        elif isinstance(widget, forms.SelectMultiple):
            data[name] = [str(item) for item in value or []]
        elif isinstance(widget, forms.Select):
            chosen = widget.format_value(value)
            data[name] = chosen[0] if chosen else ""
        else:
            formatted = widget.format_value(value)
            data[name] = "" if formatted is None else str(formatted)
