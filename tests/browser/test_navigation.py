"""The site menu in a real browser: keyboard reachable, works without JavaScript, any width."""

import pytest
from playwright.sync_api import Page, expect

from taxonomy.loading import load_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    load_file()
    return live_server.url


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page: Page, site):
    page.goto(site + "/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


@pytest.mark.parametrize("width", [1280, 375])
def test_menu_opens_and_leads_to_a_field_operation_without_javascript(browser, site, width):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto(site + "/")
    menu = page.get_by_role("navigation", name="Main")
    mission = menu.get_by_role("link", name="Mission to Bosnia and Herzegovina")
    expect(mission).to_be_hidden()

    menu.get_by_text("Structures and institutions").click()
    expect(mission).to_be_visible()
    mission.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Mission to Bosnia and Herzegovina"
    )
    assert page.url == site + "/structures/mission-to-bosnia-and-herzegovina/"
    context.close()
