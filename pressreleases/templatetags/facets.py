"""The facet panel's options, rendered in Python.

A listing shows several hundred options (every country and structure, the years, the most
frequent speakers, organisations and tags); as a template loop they took most of the page's
rendering time, and passing each through `format_html` still took 9 ms for 232 options.
Values and labels are plain text, so each is escaped as such (0.9 ms).
"""

from html import escape

from django import template
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe

from ..facets import Facet

register = template.Library()


@register.simple_tag
def facet_options(facet: Facet) -> SafeString:
    """Each option of `facet` as a list item with its checkbox, label and count (grouped in
    thousands as `floatformat:"g"` does)."""
    separator = get_format("THOUSAND_SEPARATOR")
    param = escape(facet.param)
    items = []
    for number, option in enumerate(facet.options, start=1):
        id_ = f"filter-{param}-{number}"
        checked = " checked" if option.selected else ""
        count = f"{option.count:,}".replace(",", separator)
        items.append(
            f'<li class="facet__option facet__option--depth-{int(option.depth)}">\n'
            f'  <input type="checkbox" id="{id_}" name="{param}" value="{escape(option.value)}"'
            f"{checked}>\n"
            f'  <label for="{id_}">{escape(option.label)} '
            f'<span class="facet__count">({escape(count)})</span></label>\n'
            "</li>"
        )
    return mark_safe("\n".join(items))
