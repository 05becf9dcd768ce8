"""Tests of filling a released reflection and of vetting what learners hand in."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from engage.grading import layout
from engage.grading.course import source_grade_ids
from engage.grading.submission import (
    MAX_SUBMISSION_BYTES,
    SubmissionError,
    fill_reflection,
    inspect_submission,
    learner_id,
    markdown_escape,
    markdown_unescape,
    name_from_cells,
)
from tests.grading.conftest import ASSIGNMENT, fixture_bytes, submission_fixtures


def release(course: Path) -> bytes:
    return (course / "release" / ASSIGNMENT / f"{ASSIGNMENT}-reflection.ipynb").read_bytes()


def by_id(data: bytes) -> dict[str, dict]:
    return {c["id"]: c for c in json.loads(data)["cells"]}


def test_filling_changes_only_answers_name_and_engage_metadata(course: Path):
    """Is every nbgrader cell and its metadata exactly as released, answers aside?"""
    released = release(course)
    data = fill_reflection(
        released,
        assignment_id=ASSIGNMENT,
        answers={"who-you-heard": "My answer.\r\nSecond line.", "next-step": ""},
        learner_name="  Ana   María ",
        profile="academic",
        exercise={"answers": {}, "right": 0, "total": 4},
        exported_at="2026-11-20T10:00:00Z",
    )
    before, after = by_id(released), by_id(data)
    assert list(before) == list(after)
    for cell_id, cell in before.items():
        assert after[cell_id]["metadata"] == cell["metadata"], cell_id
        if cell_id not in ("answer-who-you-heard", layout.NAME_CELL):
            assert after[cell_id]["source"] == cell["source"], cell_id
    assert "".join(after["answer-who-you-heard"]["source"]) == "My answer.\nSecond line."
    assert "".join(after["answer-next-step"]["source"]) == layout.PLACEHOLDER
    assert "".join(after[layout.NAME_CELL]["source"]) == "**Your name:** Ana María"
    meta = json.loads(data)["metadata"]["engage"]
    assert meta["learner_name"] == "Ana María"
    assert meta["assignment"] == ASSIGNMENT and meta["profile"] == "academic"
    assert meta["exercise"] == {
        "module": ASSIGNMENT,
        "result": {"answers": {}, "right": 0, "total": 4},
    }
    nbformat.validate(nbformat.reads(data.decode(), as_version=4))


def test_filling_refuses_a_notebook_of_another_assignment(course: Path):
    """Does filling a release of another module fail with advice to rebuild?"""
    with pytest.raises(SubmissionError, match="assignments build"):
        fill_reflection(
            release(course), assignment_id="02-second-module", answers={}, learner_name="x"
        )
    with pytest.raises(SubmissionError, match="no answer cell for 'nope'"):
        fill_reflection(
            release(course), assignment_id=ASSIGNMENT, answers={"nope": "x"}, learner_name="x"
        )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ana María López", "ana-maria-lopez"),
        ("  O'Brien,  Seán ", "o-brien-sean"),
        ("李小龙", ""),
        ("x" * 100, "x" * 60),
    ],
)
def test_learner_ids_come_from_names(name: str, expected: str):
    """Is a learner id an ASCII slug of the name (empty when nothing transliterates)?"""
    assert learner_id(name) == expected


def test_names_are_escaped_for_markdown_and_read_back():
    """Does an HTML-laden name become inert Markdown that reads back unchanged?"""
    name = "<img src=x onerror=alert(1)> *Bo* [x](y) & #1"
    escaped = markdown_escape(name)
    assert "<" not in escaped.replace("\\<", "")
    assert markdown_unescape(escaped) == name
    nb = {
        "cells": [
            {
                "id": layout.NAME_CELL,
                "cell_type": "markdown",
                "source": f"{layout.NAME_LABEL} {escaped}",
            }
        ]
    }
    assert name_from_cells(nb) == name


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("**Your name:** Jo Bloggs", "Jo Bloggs"),
        ("Your name: Jo Bloggs\n\nmore", "Jo Bloggs"),
        ("**Your name:**   ", ""),
    ],
)
def test_a_name_typed_in_jupyterlab_is_read(source: str, name: str):
    """Is the name a JupyterLab learner typed in the name cell found?"""
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": "# Title"},
            {"cell_type": "markdown", "source": source},
        ]
    }
    assert name_from_cells(nb) == name


def test_each_fixture_is_vetted_as_expected(course: Path, expected: dict):
    """Is each bad-submission fixture refused or accepted (with notes) as expected.yml says?"""
    known = source_grade_ids(course)
    for path in submission_fixtures():
        want = expected[path.stem]
        sub = inspect_submission(path.read_bytes(), assignment_id=ASSIGNMENT, known_ids=known)
        if want["status"] == "not graded":
            assert want["reason"] in sub.problem, path.stem
        else:
            assert sub.problem == "", (path.stem, sub.problem)
            if "note" in want:
                assert any(want["note"] in note for note in sub.notes), (path.stem, sub.notes)


def test_the_learner_and_assignment_are_read_from_the_download():
    """Does vetting without an assignment just identify the learner and assignment?"""
    sub = inspect_submission(fixture_bytes("other-assignment"))
    assert (sub.learner_name, sub.assignment, sub.problem) == (
        "Other Assignment",
        "02-second-module",
        "",
    )
    assert sub.exported_at == "2026-11-20T10:00:00Z"


def test_a_notebook_of_unknown_cells_is_not_this_assignment(course: Path):
    """Is a notebook whose cells belong to no known assignment refused?"""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("hi")])
    nb.cells[0].metadata["nbgrader"] = {
        "grade_id": "homework-1",
        "solution": True,
        "grade": True,
        "locked": False,
        "points": 1,
    }
    sub = inspect_submission(
        nbformat.writes(nb).encode(), assignment_id=ASSIGNMENT, known_ids=source_grade_ids(course)
    )
    assert "not a notebook of 01-listening-post" in sub.problem


def test_too_large_and_too_new_files_are_refused():
    """Are files over the size limit, JSON non-notebooks and nbformat 5 refused?"""
    assert "MB" in inspect_submission(b" " * (MAX_SUBMISSION_BYTES + 1)).problem
    assert "not a Jupyter notebook" in inspect_submission(b'{"cells": []}').problem
    assert "newer" in inspect_submission(b'{"nbformat": 5, "cells": []}').problem


def test_the_committed_fixtures_are_what_the_maker_makes(course: Path, maker):
    """Are the committed fixture files up to date with make_fixtures.py?"""
    made = maker.make(course)
    committed = {p.name: p.read_bytes() for p in submission_fixtures()}
    assert sorted(made) == sorted(committed)
    stale = [name for name, data in made.items() if committed[name] != data]
    assert stale == [], "run python tests/fixtures/grading/make_fixtures.py"
