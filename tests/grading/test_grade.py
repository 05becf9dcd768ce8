"""Tests of `engage grade`: parallel autograde, bad submissions, a consistent gradebook."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engage.cli import main
from engage.grading.course import gradebook
from engage.grading.grade import GRADED, NOT_GRADED, SKIPPED, _grade_in_worker, grade_assignment
from engage.grading.status import read_rejections
from tests.grading.conftest import ASSIGNMENT, BIN, NOTEBOOK, fixture_bytes, submit

_REAL_WORKER = _grade_in_worker

GOOD = [
    "complete",
    "nbformat-3",
    "answer-cells-deleted",
    "test-cells-edited",
    "cell-types-changed",
    "empty-reflection",
    "html-and-script",
    "never-ending-cell",
]


def gradebook_state(course: Path) -> dict:
    """Everything autograde writes to the gradebook, by learner, cell and field."""
    out: dict = {}
    with gradebook(course) as gb:
        for sub in gb.find_assignment(ASSIGNMENT).submissions:
            entry = out[sub.student.id] = {"timestamp": str(sub.timestamp)}
            for nb in sub.notebooks:
                entry["late_penalty"] = nb.late_submission_penalty
                for grade in nb.grades:
                    entry[grade.name] = (
                        grade.auto_score,
                        grade.manual_score,
                        grade.needs_manual_grade,
                    )
                for comment in nb.comments:
                    entry[f"comment:{comment.name}"] = (
                        comment.auto_comment,
                        comment.manual_comment,
                    )
    return out


def autograded_notebook(course: Path, learner: str) -> list:
    """The autograded cells, without the timing metadata that differs between runs."""
    path = course / "autograded" / learner / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    cells = json.loads(path.read_text())["cells"]
    for cell in cells:
        cell["metadata"].pop("execution", None)
        cell.pop("id", None)  # upgrading an nbformat 3 notebook invents random cell ids
    return cells


def export_rows(course: Path) -> dict[str, dict[str, str]]:
    subprocess.run([str(BIN / "nbgrader"), "export"], cwd=course, check=True, capture_output=True)
    with (course / "grades.csv").open(newline="") as handle:
        rows = csv.DictReader(handle)
        return {row["student_id"]: row for row in rows if row["assignment"] == ASSIGNMENT}


def test_bad_submissions_are_reported_and_the_others_graded(course: Path, expected: dict, maker):
    """Is each fixture graded or refused as expected, with the right completeness points?"""
    for name in expected:
        data = maker.big_reflection(course) if name == "five-mb-reflection" else fixture_bytes(name)
        submit(course, name, data)
    seen = []
    report = grade_assignment(course, ASSIGNMENT, jobs=2, progress=seen.append)
    assert len(seen) == len(expected) == len(report.outcomes)
    outcomes = {o.learner: o for o in report.outcomes}
    state = gradebook_state(course)
    for name, want in expected.items():
        outcome = outcomes[name]
        assert outcome.status == want["status"], (name, outcome.reason)
        if want["status"] == NOT_GRADED:
            assert want["reason"] in outcome.reason, name
            assert name not in state, f"{name} must not look graded in the gradebook"
            continue
        if "note" in want:
            assert any(want["note"] in n for n in outcome.notes), (name, outcome.notes)
        for check, points in want["checks"].items():
            assert state[name][check][0] == points, (name, check)
    rejected = read_rejections(course, ASSIGNMENT)
    assert sorted(rejected) == sorted(n for n, w in expected.items() if w["status"] == NOT_GRADED)
    rows = export_rows(course)
    for name, want in expected.items():
        row = rows[name]
        if want["status"] == NOT_GRADED:
            assert (row["status"], row["score"], row["raw_score"]) == ("not graded", "", "")
            assert want["reason"] in row["reason"]
    assert rows["empty-reflection"]["status"] == "graded"
    assert rows["empty-reflection"]["score"] == "0.0", "an empty reflection is a real zero"
    assert rows["complete"]["status"] == "needs manual grading"


def test_parallel_grading_gives_what_nbgrader_autograde_gives(course: Path, tmp_path: Path):
    """Do `engage grade --jobs 2` and `nbgrader autograde` write the same grades and files?"""
    for name in GOOD:
        submit(course, name, fixture_bytes(name))
    plain = tmp_path / "plain"
    shutil.copytree(course, plain)
    run = subprocess.run(
        [str(BIN / "nbgrader"), "autograde", ASSIGNMENT], cwd=plain, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert main(["grade", ASSIGNMENT, "--jobs", "2", "--course", str(course)]) == 0
    ours, theirs = gradebook_state(course), gradebook_state(plain)
    assert sorted(ours) == sorted(GOOD)
    assert ours == theirs
    for name in GOOD:
        assert autograded_notebook(course, name) == autograded_notebook(plain, name), name
        assert (course / "autograded" / name / ASSIGNMENT / "timestamp.txt").is_file()


def test_nothing_already_graded_is_lost_when_a_new_file_is_bad(course: Path):
    """When a graded learner sends a broken file, are the grade and manual grade kept?"""
    submit(course, "complete", fixture_bytes("complete"))
    assert grade_assignment(course, ASSIGNMENT, jobs=1).outcomes[0].status == GRADED
    with gradebook(course) as gb:
        grade = gb.find_grade("answer-who-you-heard", NOTEBOOK, ASSIGNMENT, "complete")
        grade.manual_score = 3.0
        gb.db.commit()
    before = gradebook_state(course)
    submit(course, "complete", fixture_bytes("not-json"), stamp="2026-11-21 09:00:00.000000 UTC")
    report = grade_assignment(course, ASSIGNMENT, jobs=2)
    assert [(o.learner, o.status) for o in report.outcomes] == [("complete", NOT_GRADED)]
    assert gradebook_state(course) == before
    assert (course / "autograded" / "complete" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").is_file()
    row = export_rows(course)["complete"]
    assert row["status"] == "needs manual grading"
    assert row["reason"].startswith("a later file could not be graded: the file is not")


def test_graded_submissions_are_skipped_unless_newer_or_forced(course: Path):
    """Are graded submissions skipped, and regraded when newer or with --force?"""
    submit(course, "complete", fixture_bytes("complete"))
    submit(course, "empty", fixture_bytes("empty-reflection"))
    assert {o.status for o in grade_assignment(course, ASSIGNMENT).outcomes} == {GRADED}
    again = grade_assignment(course, ASSIGNMENT)
    assert {o.status for o in again.outcomes} == {SKIPPED}
    submit(course, "empty", fixture_bytes("complete"), stamp="2026-11-22 10:00:00.000000 UTC")
    newer = {o.learner: o.status for o in grade_assignment(course, ASSIGNMENT).outcomes}
    assert newer == {"complete": SKIPPED, "empty": GRADED}
    assert gradebook_state(course)["empty"]["check-next-step"][0] == 1.0
    forced = grade_assignment(course, ASSIGNMENT, force=True, learners=["complete"])
    assert [(o.learner, o.status) for o in forced.outcomes] == [("complete", GRADED)]


def test_a_fixed_resubmission_clears_the_not_graded_record(course: Path):
    """Once a refused learner's new file is graded, is the "not graded" record gone?"""
    submit(course, "learner", fixture_bytes("duplicated-grade-id"))
    grade_assignment(course, ASSIGNMENT)
    assert "learner" in read_rejections(course, ASSIGNMENT)
    submit(course, "learner", fixture_bytes("complete"), stamp="2026-11-23 10:00:00.000000 UTC")
    grade_assignment(course, ASSIGNMENT)
    assert read_rejections(course, ASSIGNMENT) == {}


def test_the_grade_command_reports_and_exits_2_on_refusals(course: Path, capsys):
    """Does `engage grade` print each learner and exit 2 when some were not graded?"""
    submit(course, "good", fixture_bytes("complete"))
    submit(course, "bad", fixture_bytes("other-assignment"))
    assert main(["grade", ASSIGNMENT, "-j", "2", "--course", str(course)]) == 2
    out = capsys.readouterr().out
    assert "not graded  bad: it is the reflection of 02-second-module" in out
    assert "graded      good" in out
    assert "1 graded, 1 not graded, 0 skipped" in out
    assert main(["grade", "no-such-assignment", "--course", str(course)]) == 1


@pytest.mark.skipif(sys.platform != "linux", reason="process kill semantics")
def test_a_worker_that_dies_is_reported_alone(course: Path, monkeypatch):
    """If grading one submission kills its process, are the others still graded?"""
    import engage.grading.grade as grade_module

    submit(course, "good", fixture_bytes("complete"))
    submit(course, "killer", fixture_bytes("complete"))
    monkeypatch.setattr(grade_module, "_grade_in_worker", _dies_for_killer)
    report = grade_assignment(course, ASSIGNMENT, jobs=2)
    statuses = {o.learner: (o.status, o.reason) for o in report.outcomes}
    assert statuses["good"][0] == GRADED
    assert statuses["killer"] == (
        NOT_GRADED,
        "nbgrader could not grade it: the grading process died",
    )


def _dies_for_killer(assignment_id: str, learner: str) -> dict:
    import os

    if learner == "killer":
        os._exit(9)
    return _REAL_WORKER(assignment_id, learner)
