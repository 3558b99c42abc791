"""The facet panel's options, rendered in Python.

A listing shows several hundred options (every country and structure, the years, the most
frequent speakers, organisations and tags); as a template loop they took most of the page's
rendering time.
"""

from django import template
from django.utils.formats import get_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from ..facets import Facet

register = template.Library()

OPTION = (
    '<li class="facet__option facet__option--depth-{depth}">\n'
    '  <input type="checkbox" id="{id}" name="{param}" value="{value}"{checked}>\n'
    '  <label for="{id}">{label} <span class="facet__count">({count})</span></label>\n'
    "</li>"
)


@register.simple_tag
def facet_options(facet: Facet) -> SafeString:
    """Each option of `facet` as a list item with its checkbox, label and count (grouped in
    thousands as `floatformat:"g"` does)."""
    separator = get_format("THOUSAND_SEPARATOR")
    return format_html_join(
        "\n",
        OPTION,
        (
            {
                "depth": option.depth,
                "id": f"filter-{facet.param}-{number}",
                "param": facet.param,
                "value": option.value,
                "checked": mark_safe(" checked") if option.selected else "",
                "label": option.label,
                "count": f"{option.count:,}".replace(",", separator),
            }
            for number, option in enumerate(facet.options, start=1)
        ),
    )
