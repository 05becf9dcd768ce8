"""nbgrader export plugin: grades with a status, never a zero for work that was not graded."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin

from engage.grading.status import read_rejections

COLUMNS = [
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
    "status",
    "reason",
]
"""nbgrader's CSV columns, then ``status`` and ``reason``."""

GRADED = "graded"
NEEDS_MANUAL = "needs manual grading"
NOT_SUBMITTED = "not submitted"
NOT_AUTOGRADED = "not autograded yet"
NOT_GRADED = "not graded"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Keep a text cell from being run as a formula when the CSV is opened in a spreadsheet.

    Args:
        value: A value a learner or facilitator supplied (a name, an email, a reason).

    Returns:
        The value, prefixed with an apostrophe when it starts like a formula.
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


def _number(value: Any) -> str:
    return "" if value is None else str(float(value))


def grade_rows(
    gradebook: Gradebook,
    course: Path,
    assignments: list[str] | None = None,
    students: list[str] | None = None,
) -> list[dict[str, str]]:
    """Compute one export row per learner and assignment.

    ``status`` is ``graded``, ``needs manual grading``, ``not autograded yet``,
    ``not submitted`` or ``not graded`` (with the reason, for a file that could not be
    graded). Scores are filled in only when the status is ``graded``.

    Args:
        gradebook: The open gradebook.
        course: The nbgrader course folder (for ``autograded/`` and the status files).
        assignments: Only these assignments (all if empty or None).
        students: Only these learners (all if empty or None).

    Returns:
        Rows keyed by :data:`COLUMNS`.
    """
    rows = []
    for assignment in gradebook.assignments:
        if assignments and assignment.name not in assignments:
            continue
        rejected = read_rejections(course, assignment.name)
        notebooks = [nb.name for nb in assignment.notebooks]
        for student in gradebook.students:
            if students and student.id not in students:
                continue
            row = {
                "assignment": assignment.name,
                "duedate": "" if assignment.duedate is None else str(assignment.duedate),
                "timestamp": "",
                "student_id": spreadsheet_safe(student.id),
                "last_name": spreadsheet_safe(student.last_name or ""),
                "first_name": spreadsheet_safe(student.first_name or ""),
                "email": spreadsheet_safe(student.email or ""),
                "raw_score": "",
                "late_submission_penalty": "",
                "score": "",
                "max_score": _number(assignment.max_score),
                "status": NOT_SUBMITTED,
                "reason": "",
            }
            rejection = rejected.get(student.id)
            try:
                submission = gradebook.find_submission(assignment.name, student.id)
            except MissingEntry:
                submission = None
            autograded = course / "autograded" / student.id / assignment.name
            done = submission is not None and all(
                (autograded / f"{name}.ipynb").is_file() for name in notebooks
            )
            if not done:
                if rejection is not None:
                    row["status"] = NOT_GRADED
                    row["reason"] = spreadsheet_safe(rejection.reason)
                elif submission is not None:
                    row["status"] = NOT_AUTOGRADED
                    row["timestamp"] = (
                        "" if submission.timestamp is None else str(submission.timestamp)
                    )
                rows.append(row)
                continue
            assert submission is not None
            row["timestamp"] = "" if submission.timestamp is None else str(submission.timestamp)
            if rejection is not None:
                row["reason"] = spreadsheet_safe(
                    f"a later file could not be graded: {rejection.reason}"
                )
            if submission.needs_manual_grade:
                row["status"] = NEEDS_MANUAL
            else:
                penalty = submission.late_submission_penalty or 0.0
                row["status"] = GRADED
                row["raw_score"] = _number(submission.score)
                row["late_submission_penalty"] = _number(penalty)
                row["score"] = _number(max(0.0, submission.score - penalty))
            rows.append(row)
    return rows


class StatusCsvExport(ExportPlugin):
    """``nbgrader export`` to CSV with ``status`` and ``reason`` columns.

    Unlike nbgrader's own CSV export, a learner who did not submit, whose file could not be
    graded, or whose reflection still waits for manual grading gets an empty score and a
    status saying so, never a zero that looks like a grade. Values are quoted properly and
    text that looks like a spreadsheet formula is neutralised.
    """

    def export(self, gradebook: Gradebook) -> None:
        """Write the CSV file (``--to``, default ``grades.csv``).

        Args:
            gradebook: The open gradebook.
        """
        dest = self.to or "grades.csv"
        coursedir = getattr(self.parent, "coursedir", None)
        course = Path(coursedir.root) if coursedir is not None else Path.cwd()
        rows = grade_rows(
            gradebook,
            course,
            [str(a) for a in self.assignment],
            [str(s) for s in self.student],
        )
        self.log.info("Exporting grades with their status to %s", dest)
        with open(dest, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
