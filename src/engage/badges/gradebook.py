"""Eligibility from the nbgrader gradebook: graded reflections, earning rules, learner contacts."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from engage.badges.achievements import BadgeCatalog
from engage.badges.errors import BadgeError
from engage.badges.issue import EligibilityRecord

if TYPE_CHECKING:
    from nbgrader.api import Gradebook


@dataclass(frozen=True)
class Contact:
    """How a learner is identified on a badge: an email address and/or a URL."""

    email: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class LearnerGrades:
    """One learner in the gradebook and the score fraction of each graded reflection."""

    learner: str
    email: str | None
    name: str | None
    scores: Mapping[str, float]


@dataclass
class Eligibility:
    """Who earned what according to the gradebook, and who could not be considered."""

    records: list[EligibilityRecord] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def read_grades(course: Path) -> list[LearnerGrades]:
    """Read each learner's graded reflections from the course's nbgrader gradebook.

    Only submissions the export would call ``graded`` count: a reflection that waits for
    manual grading, was not autograded, or was recorded as not graded is left out, so it can
    never earn (or cost) a badge. A reflection's score fraction is that of its rubric: the
    points the facilitator gave the answers (nbgrader's manually graded markdown cells) out
    of their points. The autograded completeness checks do not count, so writing something
    in every box cannot lift a weak reflection over a badge's threshold.

    Args:
        course: The nbgrader course folder (with ``nbgrader_config.py`` and ``gradebook.db``).

    Returns:
        One entry per learner in the gradebook, in learner id order.

    Raises:
        BadgeError: If the course folder or its gradebook cannot be used.
    """
    from engage.grading.course import CourseError, gradebook
    from engage.grading.export import GRADED, grade_rows, spreadsheet_safe

    course = Path(course)
    if not (course / "gradebook.db").is_file():
        raise BadgeError(f"{course} has no gradebook.db: grade the reflections first")
    try:
        with gradebook(course) as gb:
            students = {s.id: s for s in gb.students}
            people = {
                sid: (
                    (s.email or "").strip() or None,
                    " ".join(p for p in (s.first_name, s.last_name) if p) or None,
                )
                for sid, s in students.items()
            }
            scores: dict[str, dict[str, float]] = {sid: {} for sid in people}
            ids = {spreadsheet_safe(sid): sid for sid in people}
            for row in grade_rows(gb, course):
                if row["status"] != GRADED:
                    continue
                learner = ids.get(row["student_id"], row["student_id"])
                fraction = _rubric_fraction(gb, row["assignment"], learner)
                if fraction is not None:
                    scores.setdefault(learner, {})[row["assignment"]] = fraction
    except CourseError as exc:
        raise BadgeError(str(exc)) from None
    return [
        LearnerGrades(sid, *people.get(sid, (None, None)), scores=scores[sid])
        for sid in sorted(scores)
    ]


def _rubric_fraction(gb: Gradebook, assignment: str, learner: str) -> float | None:
    """The share of its rubric points a graded submission earned (None without a rubric)."""
    submission = gb.find_submission(assignment, learner)
    rubric = [
        grade
        for notebook in submission.notebooks
        for grade in notebook.grades
        if grade.cell_type == "markdown" and grade.max_score
    ]
    maximum = sum(float(grade.max_score) for grade in rubric)
    if maximum <= 0:
        return None
    return sum(float(grade.score or 0) for grade in rubric) / maximum


def read_learners_csv(path: Path) -> dict[str, Contact]:
    """Read a CSV mapping learner ids to the email address or URL their badges name.

    Columns: ``learner`` and ``email`` and/or ``url``; a ``contact`` column may hold either
    (an address with ``@`` is an email, anything else a URL).

    Args:
        path: The CSV file (UTF-8, header row).

    Returns:
        Learner id to contact.

    Raises:
        BadgeError: If the file cannot be read or lacks the columns.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadgeError(f"cannot read {path}: {exc}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    if "learner" not in header or not {"email", "url", "contact"} & set(header):
        raise BadgeError(f"{path}: needs a 'learner' column and an 'email', 'url' or 'contact' one")
    reader.fieldnames = header
    out = {}
    for row in reader:
        values = {k: (v or "").strip() for k, v in row.items() if k is not None}
        learner = values.get("learner", "")
        if not learner:
            continue
        email, url = values.get("email") or None, values.get("url") or None
        contact = values.get("contact", "")
        if contact and "@" in contact and not re.match(r"^https://", contact):
            email = email or contact
        elif contact:
            url = url or contact
        out[learner] = Contact(email, url)
    return out


def eligibility(
    grades: list[LearnerGrades],
    catalog: BadgeCatalog,
    contacts: Mapping[str, Contact] | None = None,
) -> Eligibility:
    """Evaluate every achievement's earning rule for every learner.

    Args:
        grades: What :func:`read_grades` returned.
        catalog: The achievements.
        contacts: Learner id to email/URL; overrides the gradebook's email when given.

    Returns:
        A record per earned achievement; learners who earned something but cannot receive it
        (no email or URL, an unusable id) are listed in ``skipped`` with the reason.
    """
    contacts = contacts or {}
    result = Eligibility()
    for learner in grades:
        contact = contacts.get(learner.learner) or Contact(email=learner.email)
        for achievement in catalog.achievements:
            earning = achievement.earning.evaluate(learner.scores)
            if not earning.earned:
                continue
            record = EligibilityRecord(
                learner=learner.learner,
                achievement=achievement.id,
                email=contact.email,
                url=contact.url,
                evidence=earning.evidence,
                name=learner.name,
            )
            problems = record.problems(catalog)
            if problems:
                reasons = "; ".join(f"{key}: {message}" for key, message in problems)
                result.skipped.append(f"{learner.learner} / {achievement.id}: {reasons}")
            else:
                result.records.append(record)
    return result
