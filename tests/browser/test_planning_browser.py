"""The model chooser and the session planner in Voila, filled with the keyboard, then axe."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.axe import serious_violations

pytestmark = pytest.mark.browser

ERROR_TEXT = re.compile(r"Traceback|Something went wrong|There was an error when executing")
EVIL = '<img src=x onerror="window.__pwned=1">'


def open_module(page: Page, server, module_id: str) -> None:
    page.goto(server.url(f"voila/render/notebooks/{module_id}.ipynb"))
    page.wait_for_selector(".jupyter-widgets", state="visible", timeout=90_000)
    page.get_by_role("heading", name="Summary", level=2).wait_for(timeout=90_000)


def is_focused(locator: Locator) -> bool:
    return bool(locator.evaluate("el => el === document.activeElement"))


def tab_to(page: Page, locator: Locator, limit: int = 8) -> None:
    """Press Tab until the control has focus; fail if it is not reachable that way."""
    for _ in range(limit):
        if is_focused(locator):
            return
        page.keyboard.press("Tab")
    assert is_focused(locator), "the control is not reachable with Tab"


def press(page: Page, key: str, times: int) -> None:
    for _ in range(times):
        page.keyboard.press(key)


def assert_no_serious_violations(page: Page, step: str) -> None:
    bad = serious_violations(page)
    assert not bad, f"{step}: " + "\n".join(bad)


def test_chooser_is_filled_with_the_keyboard_and_recommends(page: Page, voila):
    """Can a keyboard user describe a campus conflict and get structured dialogue first?"""
    open_module(page, voila, "02-choosing-a-model")
    chooser = page.locator(".engage-chooser")
    first = chooser.get_by_role(
        "radio", name="Help people understand an issue, each other or their community"
    )
    first.focus()
    press(page, "ArrowDown", 4)
    expect(chooser.get_by_role("radio", name=re.compile("^Rebuild trust"))).to_be_checked()

    page.keyboard.press("Tab")
    heat = chooser.get_by_role("radio", name=re.compile("^Calm:"))
    tab_to(page, heat)
    press(page, "ArrowDown", 3)
    expect(chooser.get_by_role("radio", name=re.compile("^Raw:"))).to_be_checked()

    size = chooser.get_by_label("How many people do you hope will take part, in total?")
    page.keyboard.press("Tab")
    tab_to(page, size)
    page.keyboard.press("Control+A")
    page.keyboard.type("12")

    page.keyboard.press("Tab")
    tab_to(page, chooser.get_by_role("radio", name=re.compile("^One session")))
    page.keyboard.press("ArrowDown")
    expect(
        chooser.get_by_role("radio", name="A series of sessions over several weeks")
    ).to_be_checked()

    for label in (
        "How long until it has to start?",
        "What staff and facilitator capacity do you have, with partners?",
    ):
        select = chooser.get_by_label(label)
        page.keyboard.press("Tab")
        tab_to(page, select)
        page.keyboard.press("ArrowDown")
    expect(chooser.get_by_label("How long until it has to start?")).to_have_value(
        "Two weeks to two months"
    )

    profile = chooser.get_by_label("Your kind of library")
    page.keyboard.press("Tab")
    tab_to(page, profile)
    press(page, "ArrowDown", 3)
    expect(profile).to_have_value("College or university library")

    button = chooser.get_by_role("button", name="Recommend methods")
    page.keyboard.press("Tab")
    tab_to(page, button)
    page.keyboard.press("Enter")
    expect(chooser).to_contain_text(
        "Best fit: Reflective Structured Dialogue (strong fit).", timeout=15_000
    )
    results = chooser.get_by_role("region", name="Recommendations")
    expect(results).to_contain_text("Not for this situation")
    expect(results).to_contain_text("World Café.")
    assert_no_serious_violations(page, "after a recommendation")
    assert not ERROR_TEXT.search(page.evaluate("document.body.innerText"))

    page.reload()
    page.wait_for_selector(".engage-chooser", state="visible", timeout=90_000)
    expect(page.locator(".engage-chooser")).to_contain_text(
        "Best fit: Reflective Structured Dialogue", timeout=30_000
    )


def test_planner_is_filled_with_the_keyboard_and_downloads_the_handout(
    page: Page, voila, tmp_path: Path
):
    """Can a keyboard user plan a World Café, see a problem, fix it and download the handout?"""
    open_module(page, voila, "11-capstone")
    planner = page.locator(".engage-planner")
    method = planner.get_by_label("Method to plan")
    method.focus()
    page.keyboard.press("ArrowDown")
    expect(method).to_have_value("World Café")
    expect(planner).to_contain_text("Whole-room harvest", timeout=15_000)

    issue = planner.get_by_label("Your issue, in a few sentences")
    tab_to(page, issue)
    page.keyboard.type("Our town is split over the new bypass.")
    title = planner.get_by_label("Title of the session")
    page.keyboard.press("Tab")
    tab_to(page, title)
    page.keyboard.type(f"Bypass café {EVIL}")
    page.keyboard.press("Tab")
    tab_to(page, planner.get_by_label("Where it will take place"))
    page.keyboard.type("Main Street branch")
    page.keyboard.press("Tab")
    tab_to(page, planner.get_by_label("First date (year-month-day, like 2026-03-14)"))
    page.keyboard.type("2031-05-06")
    page.keyboard.press("Tab")
    tab_to(page, planner.get_by_label("Start time (24-hour clock, like 18:30)"))
    page.keyboard.type("18:00")
    page.keyboard.press("Tab")

    group = planner.get_by_label("People per table")
    tab_to(page, group, limit=12)
    page.keyboard.press("Control+A")
    page.keyboard.type("12")
    page.keyboard.press("Tab")
    checks = planner.get_by_role("region", name="Checks and agenda")
    expect(checks).to_contain_text("A table of 12 is outside the usual 4 to 5.", timeout=15_000)

    group.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    expect(checks).not_to_contain_text("A table of 12", timeout=15_000)
    expect(planner).to_contain_text("0 problems", timeout=15_000)

    link = planner.get_by_role("link", name="Download the handout (HTML, ready to print)")
    link.focus()
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename.startswith("world-cafe-bypass-caf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    handout = saved.read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=" in handout and "<img" not in handout
    assert "Main Street branch" in handout and "18:00 to 18:15" in handout
    expect(planner.get_by_role("link", name="Download the plan (HTML)")).to_be_visible()
    assert page.evaluate("window.__pwned === undefined")

    assert_no_serious_violations(page, "after planning")
    assert not ERROR_TEXT.search(page.evaluate("document.body.innerText"))
