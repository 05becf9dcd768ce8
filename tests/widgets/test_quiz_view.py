"""Widget tests of QuizView: real radio buttons, checkboxes and dropdowns set from code."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest

from engage.content import load_file
from engage.progress import ProgressStore
from engage.quiz import Quiz
from engage.ui.lesson import Lesson
from engage.ui.quiz import NOT_CHOSEN, QuestionView, QuizView

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
MODULE = "01-sample"
ORDER = ["welcome", "explore", "harvest", "act"]


@pytest.fixture(scope="module")
def quiz() -> Quiz:
    return load_file(FIXTURES / "quiz" / "good.yml", Quiz, REPO)


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress.json")


@pytest.fixture
def view(quiz: Quiz, store: ProgressStore) -> QuizView:
    return QuizView(MODULE, quiz, store, None)


def question(view: QuizView, question_id: str) -> QuestionView:
    [found] = [q for q in view.questions if q.question.id == question_id]
    return found


def saved_answers(store: ProgressStore) -> dict:
    return store.load().quizzes[MODULE]["answers"]


def feedback(q: QuestionView) -> str:
    return html.unescape(q.feedback.value)


def put_in_order(q: QuestionView, ids: list[str]) -> None:
    for dropdown, item_id in zip(q.positions, ids, strict=True):
        dropdown.value = item_id


# ----------------------------------------------------------------- single choice


def test_single_answer_is_saved_and_explained(view: QuizView, store: ProgressStore):
    """Does checking a wrong single answer save it and explain both it and the best answer?"""
    q = question(view, "purpose")
    q.radio.value = "b"
    q.check.click()
    assert saved_answers(store)["purpose"] == {"answer": "b", "correct": False, "attempts": 1}
    text = feedback(q)
    assert "Not quite." in text
    assert "An announcement asks for no talk." in text
    assert "The best answer: Hearing what people want for their community." in text
    assert "You can change your answer and check again." in text


def test_retry_after_a_wrong_answer(view: QuizView, store: ProgressStore):
    """Can the learner change a wrong answer and check again, counting the attempts?"""
    q = question(view, "purpose")
    q.radio.value = "c"
    q.check.click()
    q.radio.value = "a"
    q.check.click()
    assert saved_answers(store)["purpose"] == {"answer": "a", "correct": True, "attempts": 2}
    assert "Correct." in feedback(q)
    assert "check again" not in feedback(q)
    assert "It starts from aspirations, not complaints." in feedback(q)


def test_checking_without_an_answer_asks_for_one(view: QuizView, store: ProgressStore):
    """Does Check with nothing chosen ask for an answer and save nothing?"""
    q = question(view, "purpose")
    q.check.click()
    assert "Choose an answer first." in q.feedback.value
    assert MODULE not in store.load().quizzes
    assert view.errors.widget.value == ""


def test_options_and_explanations_follow_the_profile(quiz: Quiz, store: ProgressStore):
    """Does an academic learner see the academic prompt and explanation?"""
    view = QuizView(MODULE, quiz, store, "academic")
    q = question(view, "purpose")
    assert "What is a campus conversation best suited to?" in q.prompt.value
    q.radio.value = "a"
    q.check.click()
    assert "It starts from what students and staff hope for." in feedback(q)


# ----------------------------------------------------------------- multiple choice


def test_multiple_partial_answer_explains_each_option(view: QuizView, store: ProgressStore):
    """Does a partly right multiple answer say what was missed and explain it?"""
    q = question(view, "signs")
    q.boxes["asks"].value = True
    q.check.click()
    assert "Not quite: 1 right option not chosen." in feedback(q)
    assert "Also right (not chosen): It works with partners." in feedback(q)
    assert saved_answers(store)["signs"]["answer"] == ["asks"]
    q.boxes["partners"].value = True
    q.check.click()
    assert saved_answers(store)["signs"] == {
        "answer": ["asks", "partners"],
        "correct": True,
        "attempts": 2,
    }


# ----------------------------------------------------------------- order


def test_order_controls_are_shuffled(view: QuizView):
    """Are the items offered in an order that is not already the answer?"""
    q = question(view, "stages")
    offered = [value for _, value in q.positions[0].options if value]
    assert sorted(offered) == sorted(ORDER)
    assert offered != ORDER
    assert q.positions[0].options[0] == (NOT_CHOSEN, "")


def test_order_right_answer_is_saved(view: QuizView, store: ProgressStore):
    """Does putting every step in its place check as correct and save the order?"""
    q = question(view, "stages")
    put_in_order(q, ORDER)
    q.check.click()
    assert "Correct: that is the order." in feedback(q)
    assert saved_answers(store)["stages"] == {"answer": ORDER, "correct": True, "attempts": 1}


def test_order_with_a_repeated_item_asks_to_use_each_once(view: QuizView, store: ProgressStore):
    """Does an order using one step twice ask to use each step once, saving nothing?"""
    q = question(view, "stages")
    put_in_order(q, ["welcome", "welcome", "harvest", "act"])
    q.check.click()
    assert "Use each step exactly once, then check again." in q.feedback.value
    assert MODULE not in store.load().quizzes


def test_order_with_a_blank_asks_to_use_each_once(view: QuizView, store: ProgressStore):
    """Does an order with a step left unchosen ask to complete it, saving nothing?"""
    q = question(view, "stages")
    put_in_order(q, ["welcome", "explore", "harvest", ""])
    q.check.click()
    assert "Use each step exactly once" in q.feedback.value
    assert MODULE not in store.load().quizzes


def test_order_wrong_counts_places(view: QuizView):
    """Does a wrong order say how many steps are in the right place?"""
    q = question(view, "stages")
    put_in_order(q, ["welcome", "explore", "act", "harvest"])
    q.check.click()
    assert "Not quite: 2 of 4 in the right place." in feedback(q)
    assert "The order: Welcome → Explore → Harvest → Act" in feedback(q)


# ----------------------------------------------------------------- summary and restore


def test_summary_counts_right_and_answered(view: QuizView):
    """Does the summary count right answers and answered questions as they come in?"""
    assert "0 of 3</strong> answered correctly (0 answered)" in view.summary.value
    question(view, "purpose").radio.value = "a"
    question(view, "purpose").check.click()
    question(view, "signs").boxes["counts"].value = True
    question(view, "signs").check.click()
    assert "1 of 3</strong> answered correctly (2 answered)" in view.summary.value


def test_saved_answers_are_restored_in_a_new_view(quiz: Quiz, store: ProgressStore):
    """Does a new view put back every saved answer, with its feedback and the summary?"""
    first = QuizView(MODULE, quiz, store, None)
    question(first, "purpose").radio.value = "b"
    question(first, "purpose").check.click()
    question(first, "signs").boxes["asks"].value = True
    question(first, "signs").boxes["partners"].value = True
    question(first, "signs").check.click()
    put_in_order(question(first, "stages"), ["explore", "welcome", "harvest", "act"])
    question(first, "stages").check.click()

    second = QuizView(MODULE, quiz, store, None)
    assert question(second, "purpose").radio.value == "b"
    assert "Not quite." in feedback(question(second, "purpose"))
    assert {k for k, box in question(second, "signs").boxes.items() if box.value} == {
        "asks",
        "partners",
    }
    assert "Correct" in feedback(question(second, "signs"))
    assert [d.value for d in question(second, "stages").positions] == [
        "explore",
        "welcome",
        "harvest",
        "act",
    ]
    assert "Not quite: 2 of 4" in feedback(question(second, "stages"))
    assert "1 of 3</strong> answered correctly (3 answered)" in second.summary.value


def test_saved_answer_that_no_longer_fits_is_ignored(quiz: Quiz, store: ProgressStore):
    """Is a saved answer naming an option that was removed left out, without an error?"""
    store.put_item("quizzes", MODULE, {"answers": {"purpose": {"answer": "gone", "correct": True}}})
    view = QuizView(MODULE, quiz, store, None)
    assert question(view, "purpose").radio.value is None
    assert question(view, "purpose").feedback.value == '<div class="engage"></div>'


def test_error_while_saving_shows_in_the_error_area(
    view: QuizView, store: ProgressStore, monkeypatch: pytest.MonkeyPatch
):
    """If saving an answer fails, is the error shown with role=alert instead of raised?"""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(store, "put_item", broken)
    q = question(view, "purpose")
    q.radio.value = "a"
    q.check.click()
    assert 'role="alert"' in view.errors.widget.value
    assert "the disk is full" in view.errors.widget.value


# ----------------------------------------------------------------- completion in a lesson


SAMPLE_MODULE = """\
schema_version: 1
id: 01-sample
number: 1
title: Sample
summary: A sample lesson module for the tests.
objectives:
  - Play a scenario.
time_to_learn: 10
sections:
  - id: first
    title: First
    body: Some text.
takeaways: One takeaway.
whats_next: Nothing yet.
"""


def test_lesson_marks_module_done_after_scenario_and_quiz(tmp_path: Path, store: ProgressStore):
    """Is the module marked finished only once the scenario is completed and the quiz passed?"""
    root = tmp_path / "course"
    folder = root / "modules" / MODULE
    (folder / "scenarios").mkdir(parents=True)
    shutil.copy(REPO / "modules" / "course.yml", root / "modules" / "course.yml")
    (folder / "module.yml").write_text(SAMPLE_MODULE, encoding="utf-8")
    shutil.copy(FIXTURES / "scenarios" / "good.yml", folder / "scenarios" / "good.yml")
    shutil.copy(FIXTURES / "quiz" / "good.yml", folder / "quiz.yml")
    lesson = Lesson(MODULE, store=store, root=root)
    lesson.scenario("good")
    lesson.quiz()
    player, quiz_view = lesson.views
    player.choose("poster")
    player.choose("rows")
    player.choose("thank")
    assert not store.is_completed(MODULE)
    question(quiz_view, "purpose").radio.value = "a"
    question(quiz_view, "purpose").check.click()
    question(quiz_view, "signs").boxes["asks"].value = True
    question(quiz_view, "signs").boxes["partners"].value = True
    question(quiz_view, "signs").check.click()
    assert not store.is_completed(MODULE)
    put_in_order(question(quiz_view, "stages"), ORDER)
    question(quiz_view, "stages").check.click()
    assert store.is_completed(MODULE)
