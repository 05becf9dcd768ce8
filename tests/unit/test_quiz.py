"""Tests for engage.quiz: the self-check model, answer checking, scoring and passing."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from engage.content import ContentError, load_file
from engage.quiz import AnswerError, Quiz, check_answer, passed, score

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "quiz"
EXPECTED: dict[str, list[str]] = YAML(typ="safe").load(FIXTURES / "expected.yml")


@pytest.fixture(scope="module")
def quiz() -> Quiz:
    return load_file(FIXTURES / "good.yml", Quiz, ROOT)


# ----------------------------------------------------------------- the fixture catalogue


def test_every_bad_fixture_is_listed_in_expected_yml():
    """Is every quiz fixture except good.yml listed in expected.yml, and only those?"""
    files = {p.name for p in FIXTURES.glob("*.yml")} - {"expected.yml", "good.yml"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_quiz_reports_exactly_its_problems(name: str):
    """Does each bad self-check yield exactly its expected file:line: key: message lines?"""
    with pytest.raises(ContentError) as info:
        load_file(FIXTURES / name, Quiz, ROOT)
    assert [str(p) for p in info.value.problems] == EXPECTED[name]


def test_good_quiz_loads(quiz: Quiz):
    """Does good.yml load with one question of each type and its pass fraction?"""
    assert [(q.id, q.type) for q in quiz.questions] == [
        ("purpose", "single"),
        ("signs", "multiple"),
        ("stages", "order"),
    ]
    assert quiz.pass_fraction == 0.6
    assert quiz.question("stages").items[0].id == "welcome"


def test_unknown_question_id_raises_key_error(quiz: Quiz):
    """Does asking for a question that is not there raise KeyError?"""
    with pytest.raises(KeyError):
        quiz.question("nope")


# ----------------------------------------------------------------- single choice


def test_single_right_answer(quiz: Quiz):
    """Is the right option correct, with only its own explanation shown?"""
    result = check_answer(quiz.question("purpose"), "a")
    assert result.correct
    assert result.summary == "Correct."
    assert result.details == [("Your answer", "It starts from aspirations, not complaints.")]


def test_single_wrong_answer_shows_the_best_answer(quiz: Quiz):
    """Does a wrong option explain itself and then the right one?"""
    result = check_answer(quiz.question("purpose"), "b")
    assert not result.correct
    assert result.summary == "Not quite."
    assert result.details == [
        ("Your answer", "An announcement asks for no talk."),
        (
            "The best answer: Hearing what people want for their community.",
            "It starts from aspirations, not complaints.",
        ),
    ]


def test_single_explanation_follows_the_profile(quiz: Quiz):
    """Does an academic learner read the academic variant of the explanation?"""
    result = check_answer(quiz.question("purpose"), "a", "academic")
    assert result.details == [("Your answer", "It starts from what students and staff hope for.")]


@pytest.mark.parametrize("answer", ["z", None, ["a"], 1, ""])
def test_single_malformed_answer_raises(quiz: Quiz, answer: object):
    """Is an unknown option id, or anything but a string, refused with AnswerError?"""
    with pytest.raises(AnswerError, match="purpose"):
        check_answer(quiz.question("purpose"), answer)


# ----------------------------------------------------------------- multiple choice


def test_multiple_all_right(quiz: Quiz):
    """Is choosing exactly the right options correct, whatever the order or container?"""
    for answer in (["asks", "partners"], ("partners", "asks"), {"asks", "partners"}):
        result = check_answer(quiz.question("signs"), answer)
        assert result.correct
        assert result.summary == "Correct: you chose all the right options and no others."


def test_multiple_partial_counts_missed_options(quiz: Quiz):
    """Does a partly right answer say how many right options were not chosen?"""
    result = check_answer(quiz.question("signs"), ["asks"])
    assert not result.correct
    assert result.summary == "Not quite: 1 right option not chosen."
    assert result.details == [
        ("Right to choose: It asks people about their aspirations.", "Aspirations come first."),
        ("Also right (not chosen): It works with partners.", "Partners reach further."),
    ]


def test_multiple_partial_counts_wrong_options(quiz: Quiz):
    """Does an answer with one extra option say, in the singular, that it does not fit?"""
    result = check_answer(quiz.question("signs"), ["asks", "partners", "counts"])
    assert not result.correct
    assert result.summary == "Not quite: 1 option chosen that does not fit."
    assert result.details[-1] == (
        "Does not fit: It counts only loans.",
        "Loans say little about the community.",
    )


def test_multiple_missed_and_wrong_together(quiz: Quiz):
    """Does an answer with both kinds of mistake name both, in plural where due?"""
    result = check_answer(quiz.question("signs"), ["counts"])
    assert result.summary == (
        "Not quite: 2 right options not chosen and 1 option chosen that does not fit."
    )


def test_multiple_empty_answer_is_wrong(quiz: Quiz):
    """Is choosing nothing a wrong answer rather than an error?"""
    result = check_answer(quiz.question("signs"), [])
    assert not result.correct
    assert result.summary == "Not quite: 2 right options not chosen."


@pytest.mark.parametrize("answer", ["asks", ["asks", "nope"], None, 3])
def test_multiple_malformed_answer_raises(quiz: Quiz, answer: object):
    """Is a non-list, or a list naming an unknown option, refused with AnswerError?"""
    with pytest.raises(AnswerError, match="signs"):
        check_answer(quiz.question("signs"), answer)


# ----------------------------------------------------------------- order


def test_order_right(quiz: Quiz):
    """Is the listed order correct, with the order and explanation shown?"""
    result = check_answer(quiz.question("stages"), ["welcome", "explore", "harvest", "act"])
    assert result.correct
    assert result.summary == "Correct: that is the order."
    assert result.details == [
        (
            "The order: Welcome → Explore → Harvest → Act",
            "People need a welcome before they explore, and a harvest before acting.",
        )
    ]


@pytest.mark.parametrize(
    ("answer", "placed"),
    [
        (["welcome", "explore", "act", "harvest"], 2),
        (["explore", "welcome", "act", "harvest"], 0),
        (["act", "explore", "harvest", "welcome"], 2),
        (("welcome", "harvest", "explore", "act"), 2),
    ],
)
def test_order_wrong_counts_items_in_place(quiz: Quiz, answer: list[str], placed: int):
    """Does a wrong order say how many items are already in the right place?"""
    result = check_answer(quiz.question("stages"), answer)
    assert not result.correct
    assert result.summary == f"Not quite: {placed} of 4 in the right place."


@pytest.mark.parametrize(
    "answer",
    [
        ["welcome", "explore", "harvest"],
        ["welcome", "explore", "harvest", "act", "act"],
        ["welcome", "welcome", "harvest", "act"],
        ["welcome", "explore", "harvest", "nope"],
        ["welcome", "explore", "harvest", ""],
        "welcome",
        None,
    ],
)
def test_order_malformed_answer_raises(quiz: Quiz, answer: object):
    """Is an order missing, repeating or inventing an item refused with AnswerError?"""
    with pytest.raises(AnswerError, match="every item exactly once"):
        check_answer(quiz.question("stages"), answer)


# ----------------------------------------------------------------- score and pass


ALL_RIGHT = {"purpose": True, "signs": True, "stages": True}


def test_score_counts_correct_answers(quiz: Quiz):
    """Does score count right answers out of all questions, ignoring unknown ids?"""
    assert score(quiz, {}) == (0, 3)
    assert score(quiz, {"purpose": True, "signs": False}) == (1, 3)
    assert score(quiz, {**ALL_RIGHT, "other": True}) == (3, 3)


def test_passed_needs_every_question_answered(quiz: Quiz):
    """Is a self-check with an unanswered question not passed, even if the rest are right?"""
    assert not passed(quiz, {"purpose": True, "signs": True})
    assert not passed(quiz, {})


def test_passed_meets_the_pass_fraction(quiz: Quiz):
    """With a pass fraction of 0.6, do two of three right pass and one of three fail?"""
    assert passed(quiz, ALL_RIGHT)
    assert passed(quiz, {**ALL_RIGHT, "stages": False})
    assert not passed(quiz, {"purpose": True, "signs": False, "stages": False})


def test_passed_with_default_fraction_needs_all_right(quiz: Quiz):
    """Does the default pass fraction of 1 fail a quiz with one wrong answer?"""
    data = quiz.model_dump(by_alias=True)
    del data["pass_fraction"]
    strict = Quiz.model_validate(data)
    assert passed(strict, ALL_RIGHT)
    assert not passed(strict, {**ALL_RIGHT, "signs": False})
