"""Widget tests of SortView and DesignView: real dropdowns and text boxes set from code."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets
import pytest

from engage.activities import load_exercise
from engage.exercise import DesignExercise, SortExercise
from engage.progress import ProgressStore
from engage.ui.exercise import DesignView, SortView

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "exercises"
MODULE = "01-sample"
EVIL = "<script>alert('x')</script>"
QUESTIONS = [
    "What makes this town a good place to grow up?",
    "Where do people already meet?",
    "How could the library help?",
]


@pytest.fixture(scope="module")
def sort_ex() -> SortExercise:
    exercise = load_exercise(FIXTURES / "good_sort.yml", REPO)
    assert isinstance(exercise, SortExercise)
    return exercise


@pytest.fixture(scope="module")
def design_ex() -> DesignExercise:
    exercise = load_exercise(FIXTURES / "good_design.yml", REPO)
    assert isinstance(exercise, DesignExercise)
    return exercise


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress.json")


def result(view: SortView | DesignView) -> str:
    return html.unescape(view.result.value)


def saved(store: ProgressStore) -> dict:
    return store.load().exercises[MODULE]


# ----------------------------------------------------------------- sorting


def test_sort_view_has_a_labelled_dropdown_per_statement(sort_ex: SortExercise, store):
    """Is every statement shown with a dropdown of the categories, nothing chosen yet?"""
    view = SortView(MODULE, sort_ex, store, None)
    assert list(view.rows) == ["circulation", "aspirations", "survey", "partners"]
    dropdown = view.rows["survey"]
    assert dropdown.description == "Statement 3 is"
    assert [value for _, value in dropdown.options] == ["", "inward", "outward"]
    assert dropdown.value == ""
    assert view.result.value == '<div class="engage"></div>'


def test_sort_check_shows_findings_and_saves(sort_ex: SortExercise, store: ProgressStore):
    """Does checking a partial sorting explain each sorted statement, count and save it?"""
    view = SortView(MODULE, sort_ex, store, None)
    view.rows["circulation"].value = "inward"
    view.rows["survey"].value = "outward"
    view.rows["partners"].value = "outward"
    view.check_button.click()
    text = result(view)
    assert "2 of 3 sorted as the approach would." in text
    assert "1 still to sort." in text
    assert "Statement 1: right." in text
    assert "Statement 3: belongs in Turned inward." in text
    assert "Patrons are people who already come in" in text
    assert "Statement 2" not in text
    assert saved(store)["answers"] == {
        "circulation": "inward",
        "survey": "outward",
        "partners": "outward",
    }
    assert (saved(store)["right"], saved(store)["total"]) == (2, 4)


def test_sort_saved_work_is_restored_in_a_new_view(sort_ex: SortExercise, store):
    """Does a new view put saved answers back and show their findings again?"""
    first = SortView(MODULE, sort_ex, store, None)
    first.rows["aspirations"].value = "outward"
    first.rows["circulation"].value = "outward"
    first.check_button.click()
    second = SortView(MODULE, sort_ex, store, None)
    assert second.rows["aspirations"].value == "outward"
    assert second.rows["circulation"].value == "outward"
    assert second.rows["survey"].value == ""
    assert "1 of 2 sorted as the approach would." in result(second)


def test_sort_saved_unknown_category_is_dropped(sort_ex: SortExercise, store):
    """Is a saved answer naming a category that was removed left blank, without an error?"""
    store.put_item("exercises", MODULE, {"answers": {"survey": "gone", "partners": "outward"}})
    view = SortView(MODULE, sort_ex, store, None)
    assert view.rows["survey"].value == ""
    assert view.rows["partners"].value == "outward"
    assert "1 of 1 sorted" in result(view)


def test_sort_explanations_follow_the_profile(sort_ex: SortExercise, store):
    """Does an academic learner read the academic explanation after checking?"""
    view = SortView(MODULE, sort_ex, store, "academic")
    view.rows["circulation"].value = "inward"
    view.check_button.click()
    assert "Loans measure the library, not the campus." in result(view)


def test_sort_statement_text_is_escaped(sort_ex: SortExercise, store):
    """Is markup in a statement shown as text, never run?"""
    data = sort_ex.model_dump(by_alias=True)
    data["items"][0]["text"] = {"default": f"We count loans {EVIL}"}
    view = SortView(MODULE, SortExercise.model_validate(data), store, None)
    values = [w.value for w in view.widget.children if isinstance(w, widgets.HTML)]
    assert any("We count loans &lt;script&gt;" in v for v in values)
    assert not any("<script" in v for v in values)


def test_sort_error_while_saving_is_shown(sort_ex: SortExercise, store, monkeypatch):
    """If saving fails, is the error shown with role=alert instead of raised?"""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    view = SortView(MODULE, sort_ex, store, None)
    monkeypatch.setattr(store, "put_item", broken)
    view.check_button.click()
    assert 'role="alert"' in view.errors.widget.value
    assert "the disk is full" in view.errors.widget.value


# ----------------------------------------------------------------- designs


def fill_good(view: DesignView) -> None:
    view.inputs["welcome"].value = "Tea at the door."
    view.inputs["hosts"].value = "Ana\nBo\nCy"
    for i, question in enumerate(QUESTIONS):
        view.inputs[f"rounds.{i}.question"].value = question


def test_design_view_has_labelled_inputs_with_defaults(design_ex: DesignExercise, store):
    """Is there a labelled input per field and per group item, holding the defaults?"""
    view = DesignView(MODULE, design_ex, store, None)
    assert set(view.inputs) == {
        "total_minutes",
        "harvest_minutes",
        "welcome",
        "hosts",
        "rounds.0.question",
        "rounds.0.minutes",
        "rounds.1.question",
        "rounds.1.minutes",
        "rounds.2.question",
        "rounds.2.minutes",
    }
    assert view.inputs["total_minutes"].value == 90
    assert view.inputs["rounds.1.minutes"].value == 20
    assert view.inputs["rounds.1.question"].description == "Round 2: Question"
    assert isinstance(view.inputs["hosts"], widgets.Textarea)
    assert isinstance(view.inputs["total_minutes"], widgets.BoundedIntText)
    assert view.design() == design_ex.blank()


def test_design_check_shows_findings(design_ex: DesignExercise, store: ProgressStore):
    """Does checking show what fits and what to reconsider, with the rules' messages?"""
    view = DesignView(MODULE, design_ex, store, None)
    fill_good(view)
    view.inputs["rounds.2.question"].value = "Should we open on Sundays?"
    view.inputs["rounds.0.minutes"].value = 45
    view.check_button.click()
    text = result(view)
    assert "7 of 10 checks fit the method." in text
    assert "Reconsider: Questions that matter" in text
    assert "'Should we open on Sundays?' can be answered yes or no." in text
    assert "45 minutes is outside 15 to 30 minutes." in text
    assert "Reconsider: Time for the harvest" in text
    assert "100 minutes planned, but the session has 90." in text
    assert "Fits: Hospitable space" in text


def test_design_check_saves_the_design(design_ex: DesignExercise, store: ProgressStore):
    """Is the checked design saved with how many checks fit?"""
    view = DesignView(MODULE, design_ex, store, None)
    fill_good(view)
    view.check_button.click()
    record = saved(store)
    assert record["design"]["welcome"] == "Tea at the door."
    assert [r["question"] for r in record["design"]["rounds"]] == QUESTIONS
    assert (record["fits"], record["checks"]) == (10, 10)
    assert "10 of 10 checks fit the method." in result(view)


def test_design_saved_work_is_restored_in_a_new_view(design_ex: DesignExercise, store):
    """Does a new view put the saved design back into the inputs and show its findings?"""
    first = DesignView(MODULE, design_ex, store, None)
    fill_good(first)
    first.inputs["total_minutes"].value = 120
    first.inputs["rounds.1.minutes"].value = 25
    first.check_button.click()
    second = DesignView(MODULE, design_ex, store, None)
    assert second.inputs["welcome"].value == "Tea at the door."
    assert second.inputs["hosts"].value == "Ana\nBo\nCy"
    assert second.inputs["total_minutes"].value == 120
    assert second.inputs["rounds.1.minutes"].value == 25
    assert second.inputs["rounds.2.question"].value == QUESTIONS[2]
    assert second.design() == first.design()
    assert "10 of 10 checks fit the method." in result(second)


def test_design_restore_ignores_unknown_saved_keys(design_ex: DesignExercise, store):
    """Is a saved design with an old field and too few rounds merged onto the form safely?"""
    store.put_item(
        "exercises",
        MODULE,
        {"design": {"welcome": "Hi.", "old_field": "x", "rounds": [{"question": "Why?"}]}},
    )
    view = DesignView(MODULE, design_ex, store, None)
    assert view.inputs["welcome"].value == "Hi."
    assert view.inputs["rounds.0.question"].value == "Why?"
    assert view.inputs["rounds.0.minutes"].value == 20
    assert view.inputs["rounds.2.question"].value == ""
    assert "old_field" not in view.design()


def test_design_input_text_is_escaped_in_findings(design_ex: DesignExercise, store):
    """Is markup a learner types into a question shown as text in the findings?"""
    view = DesignView(MODULE, design_ex, store, None)
    fill_good(view)
    view.inputs["rounds.0.question"].value = f"Is {EVIL} ok?"
    view.check_button.click()
    assert "&lt;script&gt;" in view.result.value
    assert "<script" not in view.result.value


def test_design_error_while_saving_is_shown(design_ex: DesignExercise, store, monkeypatch):
    """If saving a design fails, is the error shown with role=alert instead of raised?"""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    view = DesignView(MODULE, design_ex, store, None)
    monkeypatch.setattr(store, "put_item", broken)
    view.check_button.click()
    assert 'role="alert"' in view.errors.widget.value
    assert "the disk is full" in view.errors.widget.value
