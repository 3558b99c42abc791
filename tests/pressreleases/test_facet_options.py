"""The facet panel's options as rendered by the `facet_options` tag."""

from django.template import Context, Template

from pressreleases.facets import Facet, FacetOption


def render(facet: Facet) -> str:
    return Template("{% load facets %}{% facet_options facet %}").render(Context({"facet": facet}))


def test_each_option_is_a_checkbox_with_its_label_and_grouped_count():
    facet = Facet(
        name="structure",
        label="Structure",
        param="structure",
        options=[
            FacetOption("secretariat", "Secretariat", 12345, True),
            FacetOption("r-and-d", 'R&D <"unit">', 7, False, depth=1),
        ],
    )

    assert render(facet) == (
        '<li class="facet__option facet__option--depth-0">\n'
        '  <input type="checkbox" id="filter-structure-1" name="structure" value="secretariat"'
        " checked>\n"
        '  <label for="filter-structure-1">Secretariat <span class="facet__count">(12,345)'
        "</span></label>\n"
        "</li>\n"
        '<li class="facet__option facet__option--depth-1">\n'
        '  <input type="checkbox" id="filter-structure-2" name="structure" value="r-and-d">\n'
        '  <label for="filter-structure-2">R&amp;D &lt;&quot;unit&quot;&gt; '
        '<span class="facet__count">(7)</span></label>\n'
        "</li>"
    )


def test_a_value_is_escaped_in_its_attribute():
    facet = Facet(name="tag", label="Tag", param="tag", options=[FacetOption('a"b', "a", 1, False)])

    assert 'value="a&quot;b"' in render(facet)


def test_a_facet_without_options_renders_nothing():
    assert render(Facet(name="tag", label="Tag", param="tag")) == ""
