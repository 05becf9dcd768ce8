"""Tests of the export plugin: a status per learner, never a zero for work not graded."""

from __future__ import annotations

from pathlib import Path

from engage.grading.course import gradebook
from engage.grading.export import COLUMNS, grade_rows, spreadsheet_safe
from engage.grading.status import record_rejections
from tests.grading.conftest import ASSIGNMENT, NOTEBOOK


def rows_by_learner(course: Path) -> dict[str, dict[str, str]]:
    with gradebook(course) as gb:
        rows = grade_rows(gb, course, [ASSIGNMENT])
    assert all(list(row) == COLUMNS for row in rows)
    return {row["student_id"]: row for row in rows}


def test_each_situation_has_its_status_and_only_grades_have_scores(course: Path):
    """Are not submitted, not graded, not autograded and graded told apart in the export?"""
    with gradebook(course) as gb:
        for learner in ("absent", "broken", "waiting", "done"):
            gb.update_or_create_student(learner)
        gb.update_or_create_submission(ASSIGNMENT, "waiting")
        gb.update_or_create_submission(ASSIGNMENT, "done")
        for grade in gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, "done").grades:
            grade.auto_score = 0.0 if grade.name.startswith("answer") else 1.0
            grade.needs_manual_grade = False
        gb.db.commit()
    done = course / "autograded" / "done" / ASSIGNMENT
    done.mkdir(parents=True)
    (done / f"{NOTEBOOK}.ipynb").write_text("{}")
    record_rejections(course, ASSIGNMENT, {"broken": ("the file is not a notebook", "x")})
    rows = rows_by_learner(course)
    summary = {k: (r["status"], r["score"], r["reason"]) for k, r in rows.items()}
    assert summary == {
        "absent": ("not submitted", "", ""),
        "broken": ("not graded", "", "the file is not a notebook"),
        "waiting": ("not autograded yet", "", ""),
        "done": ("graded", "3.0", ""),
    }
    assert rows["done"]["max_score"] == "9.0"


def test_names_that_look_like_formulas_are_neutralised():
    """Is a learner-supplied value starting like a spreadsheet formula prefixed?"""
    assert spreadsheet_safe('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert spreadsheet_safe("-2+3") == "'-2+3"
    assert spreadsheet_safe("Ana") == "Ana"
