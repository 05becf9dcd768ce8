"""Tests for engage.activities and the activity checks of `engage check`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from engage.activities import (
    Activities,
    clear_cache,
    load_activities,
    module_done,
    quiz_results,
)
from engage.content import ContentError, check_course
from engage.exercise import DesignExercise, SortExercise

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
SCENARIO_EXPECTED: dict[str, list[str]] = YAML(typ="safe").load(
    FIXTURES / "scenarios" / "expected.yml"
)
MODULE = "01-sample"

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
reflection:
  title: Sample reflection
  intro: Answer about a real place.
  prompts:
    - id: one
      prompt: What would you do first?
      points: 2
      min_words: 10
      criteria:
        - name: Concrete
          levels:
            - {name: Thorough, points: 2, descriptor: A real first step.}
            - {name: Developing, points: 1, descriptor: A vague step.}
            - {name: Not yet, points: 0, descriptor: No step.}
    - id: two
      prompt: Who would you invite?
      points: 2
      min_words: 10
      criteria:
        - name: Specific
          levels:
            - {name: Thorough, points: 2, descriptor: Named groups.}
            - {name: Developing, points: 1, descriptor: General groups.}
            - {name: Not yet, points: 0, descriptor: Nobody named.}
"""

SAMPLE_MAP_ENTRY = """\
  - id: 01-sample
    title: Sample
    summary: A sample lesson module for the tests.
    time_to_learn: 10
"""


def quiz_with(questions: int) -> str:
    """A valid self-check with the given number of single-choice questions."""
    body = "".join(
        f"""\
  - id: q{n}
    type: single
    prompt: Question {n}?
    options:
      - {{id: a, text: Right., correct: true, explanation: Yes.}}
      - {{id: b, text: Wrong., explanation: No.}}
"""
        for n in range(1, questions + 1)
    )
    return f"schema_version: 1\ntitle: Check\nintro: Questions.\nquestions:\n{body}"


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A tmp course root holding modules/01-sample with fixture scenario, quiz and exercise."""
    folder = tmp_path / "modules" / MODULE
    (folder / "scenarios").mkdir(parents=True)
    shutil.copy(FIXTURES / "scenarios" / "good.yml", folder / "scenarios" / "good.yml")
    shutil.copy(FIXTURES / "quiz" / "good.yml", folder / "quiz.yml")
    shutil.copy(FIXTURES / "exercises" / "good_sort.yml", folder / "exercise.yml")
    return tmp_path


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A tmp course: the real course.yml and 00-start, plus a valid lesson module 01-sample."""
    root = tmp_path / "course"
    (root / "notebooks").mkdir(parents=True)
    shutil.copytree(REPO / "modules" / "00-start", root / "modules" / "00-start")
    text = (REPO / "modules" / "course.yml").read_text(encoding="utf-8")
    marker = "  - id: 01-turning-outward\n"
    assert text.count(marker) == 1
    (root / "modules" / "course.yml").write_text(
        text.replace(marker, SAMPLE_MAP_ENTRY + marker), encoding="utf-8"
    )
    for name in ("00-start", MODULE):
        shutil.copy(REPO / "notebooks" / "00-start.ipynb", root / "notebooks" / f"{name}.ipynb")
    folder = root / "modules" / MODULE
    (folder / "scenarios").mkdir(parents=True)
    (folder / "module.yml").write_text(SAMPLE_MODULE, encoding="utf-8")
    shutil.copy(FIXTURES / "scenarios" / "good.yml", folder / "scenarios" / "good.yml")
    (folder / "quiz.yml").write_text(quiz_with(6), encoding="utf-8")
    shutil.copy(FIXTURES / "exercises" / "good_design.yml", folder / "exercise.yml")
    return root


def rendered(root: Path) -> list[str]:
    return [str(p) for p in check_course(root)]


# ----------------------------------------------------------------- load_activities


def test_load_activities_reads_scenarios_quiz_and_exercise(root: Path):
    """Does load_activities find the module's scenario, self-check and exercise?"""
    activities = load_activities(MODULE, root)
    assert activities.module_id == MODULE
    assert list(activities.scenarios) == ["good"]
    assert activities.quiz is not None
    assert [q.id for q in activities.quiz.questions] == ["purpose", "signs", "stages"]
    assert isinstance(activities.exercise, SortExercise)


def test_load_activities_picks_the_design_model(root: Path):
    """Is an exercise.yml of kind design loaded as a DesignExercise?"""
    folder = root / "modules" / MODULE
    shutil.copy(FIXTURES / "exercises" / "good_design.yml", folder / "exercise.yml")
    assert isinstance(load_activities(MODULE, root).exercise, DesignExercise)


def test_load_activities_of_an_empty_module(tmp_path: Path):
    """Does a module folder without activity files give empty activities, not an error?"""
    (tmp_path / "modules" / "02-empty").mkdir(parents=True)
    activities = load_activities("02-empty", tmp_path)
    assert activities.scenarios == {}
    assert activities.quiz is None
    assert activities.exercise is None


def test_load_activities_collects_every_problem(root: Path):
    """Are problems in a scenario, the quiz and the exercise all reported together?"""
    folder = root / "modules" / MODULE
    shutil.copy(
        FIXTURES / "scenarios" / "unknown_dimension.yml",
        folder / "scenarios" / "unknown_dimension.yml",
    )
    shutil.copy(FIXTURES / "quiz" / "order_two_items.yml", folder / "quiz.yml")
    shutil.copy(FIXTURES / "exercises" / "unknown_kind.yml", folder / "exercise.yml")
    with pytest.raises(ContentError) as info:
        load_activities(MODULE, root)
    assert [str(p) for p in info.value.problems] == [
        "modules/01-sample/scenarios/unknown_dimension.yml:81: "
        "nodes.forum.choices[1].scores.followthrough: unknown dimension 'followthrough'",
        "modules/01-sample/quiz.yml:6: questions[0]: an order question needs at least three items",
        "modules/01-sample/exercise.yml:3: kind: should be one of: sort, design",
    ]


def test_clear_cache_reads_edited_files_again(root: Path):
    """After clear_cache, does load_activities see a scenario added since the last load?"""
    assert list(load_activities(MODULE, root).scenarios) == ["good"]
    folder = root / "modules" / MODULE / "scenarios"
    text = (folder / "good.yml").read_text(encoding="utf-8").replace("id: good", "id: second")
    (folder / "second.yml").write_text(text, encoding="utf-8")
    clear_cache()
    assert list(load_activities(MODULE, root).scenarios) == ["good", "second"]


# ----------------------------------------------------------------- completion


def answers(**correct: bool) -> dict:
    return {"answers": {qid: {"answer": "x", "correct": ok} for qid, ok in correct.items()}}


PASSED = {MODULE: answers(purpose=True, signs=True, stages=False)}
DONE_RUN = {f"{MODULE}/good": {"choices": [], "completed_once": True}}


def test_quiz_results_reads_correctness_per_question():
    """Does quiz_results turn saved answers into question id → correct, skipping junk?"""
    saved = answers(purpose=True, signs=False)
    saved["answers"]["junk"] = "not a mapping"
    assert quiz_results(saved) == {"purpose": True, "signs": False}
    assert quiz_results(None) == {}
    assert quiz_results({}) == {}


def test_module_done_when_scenarios_completed_and_quiz_passed(root: Path):
    """Is a module done once every scenario was completed and the self-check passed?"""
    assert module_done(load_activities(MODULE, root), DONE_RUN, PASSED)


def test_module_not_done_without_a_completed_scenario(root: Path):
    """Is a module not done while a scenario was never finished, even with the quiz passed?"""
    activities = load_activities(MODULE, root)
    assert not module_done(activities, {}, PASSED)
    unfinished = {f"{MODULE}/good": {"choices": ["partner"], "finished": False}}
    assert not module_done(activities, unfinished, PASSED)


def test_module_done_once_completed_even_if_replaying(root: Path):
    """Does a scenario finished once still count after the learner starts it again?"""
    replaying = {f"{MODULE}/good": {"choices": [], "finished": False, "completed_once": True}}
    assert module_done(load_activities(MODULE, root), replaying, PASSED)


def test_module_not_done_when_one_of_two_scenarios_is_unfinished(root: Path):
    """With two scenarios, is finishing only one not enough?"""
    folder = root / "modules" / MODULE / "scenarios"
    text = (folder / "good.yml").read_text(encoding="utf-8").replace("id: good", "id: second")
    (folder / "second.yml").write_text(text, encoding="utf-8")
    activities = load_activities(MODULE, root)
    assert not module_done(activities, DONE_RUN, PASSED)
    both = {**DONE_RUN, f"{MODULE}/second": {"completed_once": True}}
    assert module_done(activities, both, PASSED)


def test_module_not_done_without_a_passed_quiz(root: Path):
    """Is a module not done while the self-check is unanswered, incomplete or failed?"""
    activities = load_activities(MODULE, root)
    assert not module_done(activities, DONE_RUN, {})
    assert not module_done(activities, DONE_RUN, {MODULE: answers(purpose=True, signs=True)})
    failed = {MODULE: answers(purpose=True, signs=False, stages=False)}
    assert not module_done(activities, DONE_RUN, failed)


def test_module_done_ignores_another_modules_progress(root: Path):
    """Are runs and answers saved under another module's key ignored?"""
    activities = load_activities(MODULE, root)
    other_run = {"02-other/good": {"completed_once": True}}
    other_quiz = {"02-other": PASSED[MODULE]}
    assert not module_done(activities, other_run, PASSED)
    assert not module_done(activities, DONE_RUN, other_quiz)


def test_module_without_quiz_is_done_with_its_scenarios(root: Path):
    """Without a quiz, is a module done as soon as its scenarios are?"""
    activities = load_activities(MODULE, root)
    no_quiz = Activities(MODULE, scenarios=activities.scenarios)
    assert module_done(no_quiz, DONE_RUN, {})
    assert not module_done(no_quiz, {}, {})


# ----------------------------------------------------------------- engage check


def test_sample_course_has_no_problems(course: Path):
    """Does the tmp course with a complete lesson module pass `engage check`?"""
    assert rendered(course) == []


def test_lesson_module_without_scenarios_or_quiz(course: Path):
    """Is a lesson module without a scenario and a self-check reported for both?"""
    folder = course / "modules" / MODULE
    shutil.rmtree(folder / "scenarios")
    (folder / "quiz.yml").unlink()
    assert rendered(course) == [
        "modules/01-sample/scenarios: a lesson module needs at least one scenario",
        "modules/01-sample/quiz.yml: file missing: a lesson module needs a self-check",
    ]


def test_start_module_needs_no_activities(course: Path):
    """Is module 00 (not a lesson) left alone without scenarios or a self-check?"""
    assert not (course / "modules" / "00-start" / "quiz.yml").exists()
    assert not any("00-start" in line for line in rendered(course))


def test_quiz_with_fewer_than_six_questions(course: Path):
    """Is a self-check of five questions reported at its questions key?"""
    (course / "modules" / MODULE / "quiz.yml").write_text(quiz_with(5), encoding="utf-8")
    assert rendered(course) == [
        "modules/01-sample/quiz.yml:4: questions: a self-check needs at least 6 questions, has 5"
    ]


@pytest.mark.parametrize("name", ["missing_target.yml", "unknown_key.yml", "loop_no_exit.yml"])
def test_broken_scenario_is_reported_with_file_line_and_key(course: Path, name: str):
    """Does `engage check` report a broken scenario with its file, line and key path?"""
    shutil.copy(FIXTURES / "scenarios" / name, course / "modules" / MODULE / "scenarios" / name)
    expected = [
        line.replace("tests/fixtures/scenarios/", "modules/01-sample/scenarios/")
        for line in SCENARIO_EXPECTED[name]
    ]
    assert rendered(course) == expected


def test_broken_quiz_and_exercise_are_reported(course: Path):
    """Are a broken self-check and a broken exercise reported through `engage check`?"""
    folder = course / "modules" / MODULE
    shutil.copy(FIXTURES / "quiz" / "unknown_key.yml", folder / "quiz.yml")
    shutil.copy(FIXTURES / "exercises" / "unknown_kind.yml", folder / "exercise.yml")
    assert rendered(course) == [
        "modules/01-sample/quiz.yml:14: questions[0].options[1].corect: "
        "unknown key 'corect' (did you mean 'correct'?)",
        "modules/01-sample/exercise.yml:3: kind: should be one of: sort, design",
    ]
