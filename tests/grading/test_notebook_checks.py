"""Tests of the completeness checks that run inside every reflection notebook."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from engage.grading.notebook_checks import (
    answer_text,
    check_answer,
    check_exercise,
    count_words,
    exercise_problem,
    find_notebook,
)

NAME = "01-x-reflection.ipynb"
SORT = {"kind": "sort", "items": ["a", "b"], "categories": ["in", "out"]}
DESIGN = {"kind": "design", "fields": ["purpose"], "groups": {"rounds": 2}}


def notebook(answer: str | list[str] | None, *, exercise: object = None) -> dict:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "intro"}]
    if answer is not None:
        cells.append(
            {
                "cell_type": "markdown",
                "metadata": {"nbgrader": {"grade_id": "answer-q", "solution": True}},
                "source": answer,
            }
        )
    meta: dict = {}
    if exercise is not None:
        meta = {"engage": {"exercise": exercise}}
    return {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture
def in_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    return tmp_path


def save(folder: Path, nb: dict, name: str = NAME) -> None:
    (folder / name).write_text(json.dumps(nb), encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("One two  three", 3),
        ("It\u2019s a well-known fact, isn't it?", 6),
        ("- a list\n- **bold** _x_", 4),
        ("Café naïve 2026", 3),
        ("— … !!", 0),
    ],
)
def test_words_are_counted_like_people_count_them(text: str, words: int):
    """Are words runs of letters and digits, apostrophes and hyphens inside one word?"""
    assert count_words(text) == words


def test_the_placeholder_and_nbgrader_notice_are_not_the_learners_words():
    """Does the answer text leave out the placeholder and the re-added-cell notice?"""
    notice = (
        "This cell (id:answer-q) was missing from the submission. It was added back by "
        "nbgrader.\n\n"
    )
    assert answer_text(notebook(notice + "YOUR ANSWER HERE"), "answer-q") == ""
    assert answer_text(notebook(["YOUR ANSWER HERE\n", "my words"]), "answer-q") == "my words"
    assert answer_text(notebook(None), "answer-q") is None


def test_a_long_enough_answer_passes_and_says_so(in_folder: Path, capsys):
    """Does a complete answer pass, printing its length on stdout (not stderr)?"""
    save(in_folder, notebook("word " * 12))
    check_answer(NAME, "answer-q", 1, 10)
    captured = capsys.readouterr()
    assert "Question 1: answered, 12 words (at least 10 needed)." in captured.out
    assert captured.err == ""


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (None, "The answer cell of question 1 is missing."),
        ("YOUR ANSWER HERE", "Question 1 has no answer yet."),
        ("three short words", "has 3 words; at least 10 are needed."),
    ],
)
def test_incomplete_answers_fail_with_a_reason(in_folder: Path, answer, message: str):
    """Does a missing, placeholder or short answer fail with a message a learner understands?"""
    save(in_folder, notebook(answer))
    with pytest.raises(AssertionError, match=message.replace(".", r"\.")):
        check_answer(NAME, "answer-q", 1, 10)


def test_while_grading_only_the_graded_file_is_read(in_folder: Path, monkeypatch):
    """Under nbgrader, is the file of the expected name read, never JPY_SESSION_NAME's?"""
    other = in_folder / "other.ipynb"
    save(in_folder, notebook("word " * 20), "other.ipynb")
    monkeypatch.setenv("JPY_SESSION_NAME", str(other))
    with pytest.raises(AssertionError, match="not in the grading folder"):
        find_notebook(NAME, "answer-q")
    save(in_folder, notebook("word"))
    assert find_notebook(NAME, "answer-q") == NAME


def test_in_jupyterlab_a_renamed_download_is_found(in_folder: Path, monkeypatch):
    """Outside nbgrader, is a renamed copy holding the answer cell found?"""
    monkeypatch.delenv("NBGRADER_EXECUTION")
    save(in_folder, notebook("word " * 20), "01-x-reflection (1).ipynb")
    (in_folder / "unrelated.ipynb").write_text("{}")
    assert find_notebook(NAME, "answer-q") == "01-x-reflection (1).ipynb"
    session = in_folder / "mine.ipynb"
    save(in_folder, notebook("w"), "mine.ipynb")
    monkeypatch.setenv("JPY_SESSION_NAME", str(session))
    assert find_notebook(NAME, "answer-q") == str(session)


@pytest.mark.parametrize(
    ("spec", "result", "problem"),
    [
        (SORT, {"answers": {"a": "in", "b": "out"}, "right": 1, "total": 2}, ""),
        (SORT, None, "No exercise result"),
        (SORT, {"answers": {"a": "in"}, "right": 1, "total": 2}, "1 statement(s) still to sort"),
        (SORT, {"answers": {"a": "in", "z": "out"}, "right": 1, "total": 2}, "does not have"),
        (SORT, {"answers": {"a": "in", "b": "up"}, "right": 1, "total": 2}, "categories"),
        (SORT, {"answers": {"a": "in", "b": "out"}}, "never checked"),
        (SORT, {"answers": {"a": "in", "b": "out"}, "right": 5, "total": 2}, "not possible"),
        (DESIGN, {"design": {"purpose": "x", "rounds": [{}, {}]}, "fits": 2, "checks": 3}, ""),
        (DESIGN, {"design": {"rounds": [{}, {}]}, "fits": 2, "checks": 3}, "fields"),
        (DESIGN, {"design": {"purpose": "x", "rounds": [{}]}, "fits": 2, "checks": 3}, "parts"),
        (DESIGN, {"design": {"purpose": "x", "rounds": [{}, {}]}}, "never checked"),
        (
            DESIGN,
            {"design": {"purpose": "x", "rounds": [{}, {}]}, "fits": True, "checks": 3},
            "never checked",
        ),
    ],
)
def test_an_exercise_result_is_valid_only_when_complete_and_checked(spec, result, problem):
    """Is an attached exercise result accepted only when finished, consistent and checked?"""
    found = exercise_problem(spec, result)
    assert (found == "") if not problem else (problem in found)


def test_the_exercise_check_needs_this_modules_result(in_folder: Path, capsys):
    """Does the check fail for a missing or foreign result and summarise a valid one?"""
    result = {"answers": {"a": "in", "b": "out"}, "right": 1, "total": 2}
    save(in_folder, notebook("x", exercise={"module": "02-other", "result": result}))
    with pytest.raises(AssertionError, match="No exercise result is attached"):
        check_exercise(NAME, "answer-q", "01-x", SORT)
    save(in_folder, notebook("x", exercise={"module": "01-x", "result": result}))
    check_exercise(NAME, "answer-q", "01-x", SORT)
    assert "Exercise attached: 1 of 2 statements" in capsys.readouterr().out
    assert os.environ["NBGRADER_EXECUTION"] == "autograde"
