"""The pages readers reach, checked in a real browser on a desktop and on a phone: axe-core
finds no serious or critical violation, and nothing breaks the Content Security Policy.
The data is the fixed newsroom of conftest.py."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import WIDTHS, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING_IMPACTS = {"serious", "critical"}
AXE_SCRIPT = Axe().axe_script  # axe-core as axe-playwright-python ships it


def axe_violations(page: Page) -> list[dict]:
    """What axe-core, with its default rules, finds wrong on the page as it is now laid out;
    axe must have been injected into the page."""
    return page.evaluate("axe.run({resultTypes: ['violations']}).then(r => r.violations)")


def describe(where: str, violation: dict) -> str:
    """One violation with every offending element, readable in a failure message."""
    nodes = "".join(
        f"\n    {', '.join(map(str, node['target']))}: "
        + "; ".join(line.strip() for line in node["failureSummary"].splitlines())
        for node in violation["nodes"]
    )
    return (
        f"{where}: {violation['id']} ({violation['impact']}) {violation['help']}, "
        f"{violation['helpUrl']}{nodes}"
    )


def test_public_pages_have_no_serious_axe_violations_and_no_csp_violations(page, newsroom):
    # Each page is loaded once and audited at every width: resizing re-applies the media
    # queries (the pages run no script of their own), at half the cost of loading it again.
    csp_violations = watch_csp(page)
    found = []
    for name, url in newsroom.public_pages().items():
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        page.evaluate(AXE_SCRIPT)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            found += [
                describe(f"{name} page at {width} px", violation)
                for violation in axe_violations(page)
                if violation["impact"] in BLOCKING_IMPACTS
            ]

    assert not found, "axe-core found:\n" + "\n".join(found)
    assert csp_violations == []
