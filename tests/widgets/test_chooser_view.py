"""Widget tests of ChooserView: real ipywidgets controls set from code, results read as text."""

from __future__ import annotations

import html
import re
from pathlib import Path

import ipywidgets as widgets
import pytest

from engage.planning.methods import load_methods
from engage.progress import ProgressStore
from engage.ui import Lesson
from engage.ui.chooser import ChooserView

REPO = Path(__file__).resolve().parents[2]
CATALOG = load_methods(REPO)
KEY = "02-choosing-a-model/chooser"
NAMES = {"small-mid-rural": "Small library", "large-urban": "Large system", "academic": "Campus"}


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress.json")


def make(store: ProgressStore, profile: str | None = None) -> ChooserView:
    return ChooserView(
        KEY, CATALOG, store, profile, profile_names=NAMES, root=REPO, module_titles={}
    )


def text_of(block: widgets.HTML) -> str:
    """The block's text as a reader sees it (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", block.value))


def set_campus_conflict(view: ChooserView) -> None:
    c = view.controls
    c["purpose"].value = "bridge"
    c["heat"].value = "raw"
    c["decision"].value = "none"
    c["size"].value = 12
    c["time"].value = "series"
    c["lead_time"].value = "weeks"
    c["capacity"].value = "some"
    c["profile"].value = "academic"


def test_every_control_is_labelled_and_none_is_a_slider(store: ProgressStore):
    """Is each control a labelled dropdown, radio group or number box, never a slider?"""
    view = make(store)
    for factor, control in view.controls.items():
        assert control.description, factor
        assert isinstance(
            control, widgets.Dropdown | widgets.RadioButtons | widgets.BoundedIntText
        ), factor
        assert "Slider" not in type(control).__name__
    assert view.controls["purpose"].description == "What is the main purpose?"
    assert isinstance(view.controls["heat"], widgets.RadioButtons)
    assert view.button.description == "Recommend methods"
    assert view.result.value == '<section class="engage" aria-label="Recommendations"></section>'


def test_profile_defaults_to_the_learners_profile(store: ProgressStore):
    """Does the library control start at the learner's profile, or 'No profile chosen'?"""
    assert make(store, "large-urban").controls["profile"].value == "large-urban"
    assert make(store).controls["profile"].label == "No profile chosen"


def test_recommending_shows_ranked_reasons_exclusions_and_cautions(store: ProgressStore):
    """After a click, are the best fit, reasons for and against, exclusions and cautions shown?"""
    view = make(store)
    set_campus_conflict(view)
    view.button.click()
    status = text_of(view.status)
    assert "Best fit: Reflective Structured Dialogue (strong fit)." in status
    result = text_of(view.result)
    assert result.index("Reflective Structured Dialogue: strong fit") < result.index(
        "Not for this situation"
    )
    assert "For:" in result and "Against:" in result
    assert "World Café. It is not a first response to a deep conflict" in result
    assert "Whatever you choose" in result
    ranked = result.split("Not for this situation")[0]
    assert "World Café:" not in ranked and "Future Search:" not in ranked


def test_links_go_only_to_modules_that_exist(store: ProgressStore):
    """Does each method link to its module notebook when it is built, and say so when not?"""
    view = make(store)
    set_campus_conflict(view)
    view.button.click()
    value = view.result.value
    built = (REPO / "notebooks" / "07-reflective-structured-dialogue.ipynb").is_file()
    link = '<a href="07-reflective-structured-dialogue.ipynb">'
    assert (link in value) == built
    assert ("coming soon" in value) == (
        not all((REPO / "notebooks" / f"{m.module}.ipynb").is_file() for m in CATALOG.methods)
    )


def test_the_situation_is_saved_and_restored(store: ProgressStore):
    """Is the situation saved on click and shown again, with its result, in a new view?"""
    view = make(store)
    set_campus_conflict(view)
    view.button.click()
    saved = store.load().exercises[KEY]
    assert saved["situation"]["purpose"] == "bridge"
    assert saved["top"] == "reflective-structured-dialogue"
    assert "world-cafe" in saved["excluded"] and "world-cafe" not in saved["ranking"]
    again = make(store)
    assert again.controls["heat"].value == "raw"
    assert again.controls["size"].value == 12
    assert "Best fit: Reflective Structured Dialogue" in text_of(again.status)


def test_a_tampered_saved_situation_still_opens(store: ProgressStore):
    """Does a saved situation with unknown values open with valid defaults instead of failing?"""
    store.put_item("exercises", KEY, {"situation": {"purpose": "nonsense", "size": -5}})
    view = make(store)
    assert view.controls["purpose"].value == CATALOG.questions.purpose.ids()[0]
    assert view.controls["size"].value == CATALOG.questions.size.min
    assert view.recommendation is not None


def test_listeners_hear_each_recommendation(store: ProgressStore):
    """Are other views (such as the planner) told about each new recommendation?"""
    view = make(store)
    heard = []
    view.listeners.append(heard.append)
    view.button.click()
    assert heard and heard[0] is view.recommendation


def test_lesson_chooser_uses_course_names_and_titles(store: ProgressStore):
    """Does Lesson.chooser() name profiles and modules as the course map does?"""
    lesson = Lesson("02-choosing-a-model", store=store, root=REPO)
    widget = lesson.chooser()
    view = lesson.views[-1]
    assert isinstance(view, ChooserView) and widget is view.widget
    labels = [label for label, _ in view.controls["profile"].options]
    assert "Large public library system" in labels
    view.controls["purpose"].value = "generate-ideas"
    view.controls["size"].value = 80
    view.button.click()
    assert "Module 04: World Café" in text_of(view.result)
