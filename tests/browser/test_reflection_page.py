"""The reflection box on a real module page: drafts survive a reload, the download is gradable."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from engage.content import load_module

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
MODULE = "04-world-cafe"
DRAFT = "Our café would ask <b>what</b> the new branch should make possible for families"


def open_page(page, server):
    page.goto(server.url(f"voila/render/notebooks/{MODULE}.ipynb"))
    page.get_by_label("Your answer to question 1").wait_for(timeout=90_000)


def test_a_draft_typed_on_the_page_is_there_after_reload(page, voila):
    """Is text typed in the reflection box saved without a button and restored on reload?"""
    if load_module(MODULE, ROOT).reflection is None:
        pytest.skip(f"{MODULE} has no reflection")
    open_page(page, voila)
    area = page.get_by_label("Your answer to question 1")
    area.click()
    area.press_sequentially(DRAFT, delay=5)
    page.get_by_text("Draft saved at").wait_for(timeout=15_000)
    page.wait_for_timeout(1500)  # the last keystrokes are saved within a second
    page.get_by_label("Your name (it goes in the file you send)").fill("Ana <i>López</i>")
    page.get_by_label("Your name (it goes in the file you send)").press("Tab")
    page.get_by_role("link", name="Download my reflection").wait_for(timeout=15_000)
    page.reload()
    open_page(page, voila)
    assert page.get_by_label("Your answer to question 1").input_value() == DRAFT
    assert page.locator("i", has_text="López").count() == 0, "the name is shown as text"
    assert page.get_by_text("written by Ana <i>López</i>").count() == 1
    link = page.get_by_role("link", name="Download my reflection")
    href = link.get_attribute("href") or ""
    match = re.match(r"data:application/x-ipynb\+json;base64,(.+)", href)
    assert match, href[:80]
    nb = json.loads(base64.b64decode(match.group(1)))
    assert nb["metadata"]["engage"]["learner_name"] == "Ana <i>López</i>"
    answer = next(c for c in nb["cells"] if c["id"].startswith("answer-"))
    assert "".join(answer["source"]) == DRAFT
