"""The start page in a real browser: rendered by Voila, keyboard-operable, accessible."""

from __future__ import annotations

import re

import pytest

from tests.browser.axe import serious_violations
from tests.conftest import START_PATH

pytestmark = pytest.mark.browser

WIDGET = ".jupyter-widgets"
ERROR_TEXT = re.compile(
    r"Traceback|Error:|Exception|Something went wrong|There was an error when executing",
)
SOURCE_TEXT = re.compile(r"from engage|import |StartPage\(|page\.(section|overview)")


def open_start(page, server):
    page.goto(server.url(START_PATH))
    page.wait_for_selector(WIDGET, state="visible", timeout=60_000)
    page.get_by_role("heading", name="Your progress", level=2, exact=True).wait_for(timeout=60_000)
    return page


def visible_text(page) -> str:
    return page.evaluate("document.body.innerText")


def test_start_page_renders_without_code_or_errors(page, voila):
    """Does the start page show its content, no source code and no error text?"""
    open_start(page, voila)
    text = visible_text(page)
    assert page.get_by_role("heading", name="Start here", level=1).is_visible()
    for heading in ("What this course is", "About you", "All modules", "Your progress"):
        assert heading in text
    assert not SOURCE_TEXT.search(text), SOURCE_TEXT.search(text)
    assert not ERROR_TEXT.search(text), ERROR_TEXT.search(text)
    assert "is not made, approved or endorsed" in text
    # all twelve modules are listed, the built ones linked relative to the page
    table = page.get_by_role("table", name="The twelve modules of the course")
    assert table.get_by_role("row").count() == 13
    link = table.get_by_role("link", name=re.compile("Start here"))
    assert link.get_attribute("href") == "00-start.ipynb"


def test_profile_is_picked_with_the_keyboard_only(page, voila):
    """Can a keyboard user pick a profile and hear the recommended path change?"""
    open_start(page, voila)
    path = page.get_by_role("region", name="Your recommended path")
    assert "Choose a library profile" in path.inner_text()
    # Tab from the top of the page until a profile radio button has focus.
    page.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement && document.activeElement.type === 'radio'"
            " ? document.activeElement.value : null"
        )
        if focused is not None:
            break
    else:
        pytest.fail("no profile radio button is reachable with Tab")
    page.keyboard.press("Space")
    expect_path(path, "Conversation Café")
    page.keyboard.press("ArrowDown")
    expect_path(path, "World Café")
    page.keyboard.press("ArrowDown")
    expect_path(path, "National Issues Forums")
    assert page.get_by_role("radio", name="College or university library").is_checked()


def expect_path(path, method: str) -> None:
    from playwright.sync_api import expect

    expect(path).to_contain_text(method, timeout=15_000)


def test_start_page_has_no_serious_accessibility_violations(page, voila):
    """Does axe-core find no serious or critical violation, before and after choosing?"""
    open_start(page, voila)
    for step in ("initial", "after choosing a profile"):
        bad = serious_violations(page)
        assert not bad, f"{step}: " + "\n".join(bad)
        if step == "initial":
            page.get_by_role("radio", name="Large public library system").check()
            expect_path(page.get_by_role("region", name="Your recommended path"), "World Café")


def test_learner_text_is_shown_as_text(page, voila):
    """Is a name containing HTML shown as text rather than run as HTML?"""
    open_start(page, voila)
    name = page.get_by_label("Your name (for your records and reflections)")
    name.fill('<img src=x onerror="window.__pwned=1">Robin')
    name.press("Enter")
    from playwright.sync_api import expect

    expect(page.get_by_role("region", name="Your progress", exact=True)).to_contain_text(
        '<img src=x onerror="window.__pwned=1">Robin', timeout=15_000
    )
    assert page.evaluate("window.__pwned === undefined")
