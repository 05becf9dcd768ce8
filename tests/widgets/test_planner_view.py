"""Widget tests of PlannerView: real controls set from code, checks and downloads read back."""

from __future__ import annotations

import base64
import html
import re
from datetime import date
from pathlib import Path

import icalendar
import ipywidgets as widgets
import pytest

from engage.mapping import StakeholderGrid, StakeholderRating
from engage.planning.chooser import Situation, rank_methods
from engage.planning.methods import load_methods
from engage.progress import ProgressStore
from engage.ui import Lesson
from engage.ui.chooser import ChooserView
from engage.ui.planner import PlannerView

REPO = Path(__file__).resolve().parents[2]
CATALOG = load_methods(REPO)
KEY = "11-capstone/planner"
EVIL = '<img src=x onerror="window.__pwned=1">'
TODAY = date(2030, 1, 1)


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress.json")


def make(store: ProgressStore, **kwargs: object) -> PlannerView:
    return PlannerView(KEY, CATALOG, store, None, today=TODAY, **kwargs)  # type: ignore[arg-type]


def text_of(block: widgets.HTML) -> str:
    """The block's text as a reader sees it (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", block.value))


def downloads(view: PlannerView) -> dict[str, tuple[str, str]]:
    """Link text to (file name, decoded content) for every data: link."""
    found = {}
    for name, mime, data, label in re.findall(
        r'<a download="([^"]+)" href="data:([^;]+);charset=utf-8;base64,([^"]+)">([^<]+)</a>',
        view.downloads.value,
    ):
        assert mime in {"text/html", "text/markdown", "text/calendar"}
        found[html.unescape(label)] = (name, base64.b64decode(data).decode("utf-8"))
    return found


def test_controls_are_labelled_keyboard_widgets(store: ProgressStore):
    """Is every control labelled, and are there no sliders or unlabelled fields?"""
    view = make(store)
    controls = [view.method, view.title, view.start_date, view.start_time, view.participants]
    controls += [c for pair in view.segment_inputs.values() for c in pair]
    controls += list(view.role_inputs.values())
    for control in controls:
        assert control.description.strip()
        assert "Slider" not in type(control).__name__
    assert view.method.description == "Method to plan"
    assert view.issue not in view.widget.children


def test_the_agenda_follows_the_chosen_method(store: ProgressStore):
    """Does choosing a method rebuild the segments, roles and labels from its template?"""
    view = make(store)
    view.method.value = "future-search"
    assert "prouds-sorries" in view.segment_inputs
    assert view.count.description == "Number of days"
    assert view.session_minutes.layout.display == "none"
    assert view.count.value == 3
    view.method.value = "dialogue-to-change"
    assert view.every_days.layout.display is None
    assert "forum-teams" in view.segment_inputs
    assert view.group_size.description == "People per circle"
    assert "steering-committee" not in view.role_inputs


def test_unticking_a_forums_reflection_is_reported_plainly(store: ProgressStore):
    """Does leaving out the reflection of a forum show a problem naming what is lost?"""
    view = make(store)
    view.method.value = "national-issues-forums"
    include, _ = view.segment_inputs["reflection"]
    include.value = False
    assert "1 problem" in text_of(view.status)
    result = text_of(view.result)
    assert "Problem: The agenda leaves out “Reflection: common ground" in result
    assert store.load().exercises[KEY]["plan"]["included"]["reflection"] is False


def test_a_table_of_twelve_and_an_afternoon_future_search(store: ProgressStore):
    """Are a café table of 12 and a one-day Future Search both problems on the page?"""
    view = make(store)
    view.method.value = "world-cafe"
    view.participants.value = 40
    view.group_size.value = 12
    assert "A table of 12 is outside the usual 4 to 5." in text_of(view.result)
    view.method.value = "future-search"
    view.count.value = 1
    assert "Future Search runs over 3 days; this plan has 1." in text_of(view.result)


def test_downloads_carry_escaped_handouts_and_a_calendar(store: ProgressStore):
    """Are the HTML and Markdown handouts and the .ics file downloadable and safe?"""
    view = make(store)
    view.method.value = "world-cafe"
    assert "Calendar file: Add a first date and a start time" in text_of(view.downloads)
    view.title.value = f"Café {EVIL}"
    view.start_date.value = "2030-03-05"
    view.start_time.value = "18:00"
    files = downloads(view)
    name, page = files["Download the handout (HTML, ready to print)"]
    assert name.startswith("world-cafe-caf-img") and name.endswith(".html")
    assert "&lt;img src=x onerror=" in page and "<img" not in page
    _, md = files["Download the handout (Markdown)"]
    assert "&lt;img" in md
    _, ics = files["Download the dates for your calendar (.ics)"]
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"Café {EVIL}"
    assert "<img" not in view.downloads.value.split("base64,")[0]


def test_the_plan_is_saved_on_change_and_restored(store: ProgressStore):
    """Is every change saved, and does a new view open where the learner left off?"""
    view = make(store)
    view.method.value = "conversation-cafe"
    view.title.value = "After the mill"
    view.role_inputs["host"].value = "Ana, Ben"
    _, minutes = view.segment_inputs["open-dialogue"]
    minutes.value = 25
    again = make(store)
    assert again.method.value == "conversation-cafe"
    assert again.title.value == "After the mill"
    assert again.role_inputs["host"].value == "Ana, Ben"
    assert again.segment_inputs["open-dialogue"][1].value == 25


def test_switching_method_keeps_the_learners_own_words(store: ProgressStore):
    """When the method changes, do the title, place, dates and numbers survive?"""
    view = make(store)
    view.title.value = "Housing"
    view.location.value = "Branch hall"
    view.start_date.value = "2030-04-01"
    view.participants.value = 44
    view.method.value = "national-issues-forums"
    assert (view.title.value, view.location.value) == ("Housing", "Branch hall")
    assert view.start_date.value == "2030-04-01" and view.participants.value == 44


def test_chooser_suggestion_picks_the_method_until_the_learner_has_a_plan(store: ProgressStore):
    """Does the chooser's best fit preselect the method for a new plan, but not override one?"""
    view = make(store)
    situation = Situation(
        "plan-future",
        "warm",
        "none",
        "shared",
        70,
        "multi-day",
        "months",
        "substantial",
        "small-mid-rural",
    )
    rec = rank_methods(situation, CATALOG)
    view.saved_once = False
    view.suggest(rec)
    assert view.method.value == "future-search"
    assert "The chooser's best fit for your situation: Future Search." in text_of(view.hint)
    view.method.value = "world-cafe"
    view.suggest(rec)
    assert view.method.value == "world-cafe"


def test_capstone_offers_one_plan_document_with_every_part(store: ProgressStore):
    """Does the capstone gather issue, chooser, stakeholder grid, plan and reflection answers?"""
    lesson = Lesson("11-capstone", store=store, root=REPO)
    lesson.chooser()
    chooser = lesson.views[-1]
    assert isinstance(chooser, ChooserView)
    chooser.controls["purpose"].value = "weigh-choices"
    chooser.controls["decision"].value = "pending"
    chooser.controls["decider"].value = "public-body"
    chooser.button.click()
    grid = StakeholderGrid(ratings=(StakeholderRating(name=f"Board {EVIL}", power=5, interest=2),))
    store.put_item(
        "maps", "11-capstone/stakeholders", {"kind": "stakeholders", "data": grid.to_dict()}
    )
    module = lesson.module
    assert module.reflection is not None
    first = module.reflection.prompts[0].id
    store.put_item("reflections", "11-capstone", {"answers": {first: f"My answer {EVIL}"}})
    lesson.planner(capstone=True)
    view = lesson.views[-1]
    assert isinstance(view, PlannerView)
    assert view.method.value == "national-issues-forums"
    assert view.issue in view.widget.children
    view.issue.value = f"Bus cuts {EVIL}"
    name, page = downloads(view)["Download the plan (HTML)"]
    assert name.startswith("engagement-plan-")
    shown = html.unescape(page)
    for part in ("Bus cuts", "The chooser's ranking", "Keep satisfied", f"My answer {EVIL}"):
        assert part in shown
    assert "<img" not in page
