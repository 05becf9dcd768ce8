"""Module pages in a real browser: a scenario played by keyboard, resumed after reload, axe."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.axe import serious_violations

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
MODULE_PAGES = sorted(
    p.stem
    for p in (ROOT / "notebooks").glob("*.ipynb")
    if p.stem != "00-start" and any((ROOT / "modules" / p.stem / "scenarios").glob("*.yml"))
)
ERROR_TEXT = re.compile(r"Traceback|Something went wrong|There was an error when executing")


def open_module(page, server, module_id: str):
    page.goto(server.url(f"voila/render/notebooks/{module_id}.ipynb"))
    page.wait_for_selector(".jupyter-widgets", state="visible", timeout=90_000)
    page.get_by_role("heading", name="Summary", level=2).wait_for(timeout=90_000)


def first_scenario(page):
    return page.locator(".engage-scenario").first


def test_there_are_module_pages_to_test():
    """Are there module pages with scenarios to test in the browser?"""
    assert MODULE_PAGES


@pytest.mark.parametrize("module_id", MODULE_PAGES)
def test_scenario_played_by_keyboard_resumes_after_reload(page, voila, module_id):
    """Can a keyboard user play a scenario to its end, reload, and find it where they left it?"""
    open_module(page, voila, module_id)
    scenario = first_scenario(page)
    page.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement?.classList.contains('engage-choice')"):
            break
    else:
        pytest.fail("no scenario choice is reachable with Tab")
    for _step in range(40):
        before = scenario.inner_text()
        page.keyboard.press("Enter")
        expect(scenario).not_to_have_text(before, timeout=15_000)
        if "Recap of your path" in scenario.inner_text():
            break
        # The player moves focus to the first choice of the next scene; if it did not,
        # a keyboard user tabs back to it.
        for _ in range(40):
            if page.evaluate("document.activeElement?.classList.contains('engage-choice')"):
                break
            page.keyboard.press("Shift+Tab")
    text = scenario.inner_text()
    assert "Recap of your path" in text, "the scenario did not reach an ending"
    assert "You chose:" in text and "Principle:" in text
    page.reload()
    page.wait_for_selector(".engage-scenario", state="visible", timeout=90_000)
    expect(first_scenario(page)).to_contain_text("Recap of your path", timeout=30_000)
    assert not ERROR_TEXT.search(page.evaluate("document.body.innerText"))


@pytest.mark.parametrize("module_id", MODULE_PAGES)
def test_module_page_has_no_serious_accessibility_violations(page, voila, module_id):
    """Does axe-core find no serious or critical violation on the module page?"""
    open_module(page, voila, module_id)
    first_scenario(page).locator(".engage-choice:visible").first.click()
    expect(first_scenario(page)).to_contain_text("You chose:", timeout=15_000)
    bad = serious_violations(page)
    assert not bad, "\n".join(bad)
    assert not ERROR_TEXT.search(page.evaluate("document.body.innerText"))
