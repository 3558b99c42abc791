"""A reader's way through the public site in a real browser, on a desktop and on a phone:
narrow the listing with two facets, search, clear, page forward, open a release and follow
its speaker. The data is the fixed newsroom of conftest.py."""

import pytest
from playwright.sync_api import Page, expect

from .conftest import QUOTED, SEARCH_WORD, WIDTHS, Newsroom, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def facet_labels(page: Page, facet: str):
    return page.get_by_role("group", name=facet).locator("label")


def card_titles(page: Page):
    return page.locator(".release-card__title")


def titles_of(newsroom: Newsroom, numbers) -> list[str]:
    return [newsroom.releases[n].title for n in numbers]


def assert_fits_width(page: Page, width: int) -> None:
    """Nothing sticks out sideways: the page never scrolls horizontally."""
    page.wait_for_load_state()  # the stylesheets are in
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_reader_filters_searches_pages_and_follows_a_speaker(new_context, newsroom, width):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    csp_violations = watch_csp(page)
    page.goto(newsroom.url + "/press-releases/")
    heading = page.locator("#results-heading")
    expect(heading).to_have_text("25 press releases")
    expect(facet_labels(page, "Field of work")).to_have_text(
        ["Elections (8)", "Migration (9)", "Policing (8)"]
    )
    expect(facet_labels(page, "Country")).to_have_text(["Albania (13)", "Armenia (12)"])
    assert_fits_width(page, width)

    # Two facets, chosen by clicking, applied by the plain GET form.
    page.get_by_role("checkbox", name="Migration (9)").check()
    page.get_by_role("checkbox", name="Albania (13)").check()
    page.get_by_role("button", name="Apply filters").click()

    expect(heading).to_have_text("5 press releases")
    expect(card_titles(page)).to_have_text(titles_of(newsroom, [0, 6, 12, 18, 24]))
    # Each facet is counted over the other filters: what ticking one more value would give.
    expect(facet_labels(page, "Field of work")).to_have_text(
        ["Elections (4)", "Migration (5)", "Policing (4)"]
    )
    expect(facet_labels(page, "Country")).to_have_text(["Albania (5)", "Armenia (4)"])
    expect(page.get_by_role("checkbox", name="Migration (5)")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Albania (5)")).to_be_checked()
    chips = page.locator(".chips__list").get_by_role("link")
    expect(chips).to_have_count(2)
    expect(chips.nth(0)).to_have_accessible_name("Field of work: Migration (remove)")
    expect(chips.nth(1)).to_have_accessible_name("Country: Albania (remove)")

    # A search within the chosen facets, its match highlighted in the result.
    page.get_by_label("Search press releases").fill(SEARCH_WORD)
    page.get_by_role("button", name="Search", exact=True).click()

    expect(heading).to_have_text("1 press release")
    expect(card_titles(page)).to_have_text(titles_of(newsroom, [6]))
    expect(page.locator(".release-card__text mark")).to_have_text(SEARCH_WORD)
    expect(chips).to_have_count(3)
    expect(chips.nth(2)).to_have_accessible_name(f"Search: “{SEARCH_WORD}” (remove)")

    page.get_by_role("link", name="Clear all filters").click()

    expect(heading).to_have_text("25 press releases")
    expect(chips).to_have_count(0)
    expect(page.get_by_label("Search press releases")).to_have_value("")
    expect(card_titles(page)).to_have_text(titles_of(newsroom, range(20)))

    page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Page 2").click()

    expect(page.locator(".listing__range")).to_have_text("Showing 21–25, page 2 of 2.")
    expect(card_titles(page)).to_have_text(titles_of(newsroom, range(20, 25)))

    release = newsroom.releases[QUOTED]
    page.get_by_role("link", name=release.title).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(release.title)
    quote = page.locator("figure.quote")
    expect(quote.locator("blockquote")).to_have_text(
        f"Round table {QUOTED} showed what neighbours achieve together."
    )
    expect(quote.locator("figcaption")).to_have_text(
        "Elena Marković, Head of the OSCE Mission to Bosnia and Herzegovina"
    )
    assert_fits_width(page, width)

    quote.get_by_role("link", name="Elena Marković").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Elena Marković")
    assert page.url == newsroom.url + "/speakers/elena-markovic/"
    expect(page.locator(".result-count")).to_have_text("2 quotes in public releases, newest first.")
    assert_fits_width(page, width)
    # The chosen, searched and highlighted states are not among the pages the accessibility
    # module loads; they must keep to the policy too.
    assert csp_violations == []


def test_the_browser_refuses_and_reports_what_the_content_security_policy_forbids(
    page: Page, live_server
):
    """The policy the site sends is in force, and `watch_csp`, on which the other checks rely,
    sees what it refuses."""
    violations = watch_csp(page)
    page.goto(live_server.url + "/")
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            "document.head.insertAdjacentHTML('beforeend', '<style>body { color: red }</style>')"
        )
    assert len(violations) == 1
    assert "style-src" in violations[0]
    expect(page.locator("body")).not_to_have_css("color", "rgb(255, 0, 0)")
