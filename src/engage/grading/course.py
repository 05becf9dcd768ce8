"""The facilitator's nbgrader course folder: its configuration, gradebook and submissions."""

from __future__ import annotations

import contextlib
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from engage.grading import layout

log = logging.getLogger(__name__)


class CourseError(Exception):
    """The course folder cannot be used as asked; the message is meant for the facilitator."""


def load_config(course: Path) -> Any:
    """Load nbgrader's configuration the way ``nbgrader`` run from ``course`` does.

    Jupyter's configuration folders first, then ``course/nbgrader_config.py``.

    Args:
        course: The nbgrader course folder.

    Returns:
        The merged traitlets ``Config``; ``CourseDirectory.root`` is set to ``course``.

    Raises:
        CourseError: If the folder has no ``nbgrader_config.py``.
    """
    from nbgrader.apps.baseapp import NbGrader

    if not (course / "nbgrader_config.py").is_file():
        raise CourseError(
            f"{course} has no nbgrader_config.py: run `engage assignments build` and grade "
            "from the course's assignments/ folder"
        )
    app = NbGrader()
    app.log.setLevel(logging.ERROR)
    with contextlib.chdir(course):
        app.load_config_file()
    config = app.config
    config.CourseDirectory.root = str(course.resolve())
    return config


def course_directory(course: Path, config: Any | None = None) -> Any:
    """Return nbgrader's ``CourseDirectory`` for a course folder.

    Args:
        course: The nbgrader course folder.
        config: Its configuration; loaded if None.

    Returns:
        The ``CourseDirectory``.
    """
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=config if config is not None else load_config(course))


def gradebook(course: Path, config: Any | None = None) -> Any:
    """Open the course's gradebook (with this environment's ``bin/`` on ``PATH`` for alembic).

    Args:
        course: The nbgrader course folder.
        config: Its configuration; loaded if None.

    Returns:
        An open ``nbgrader.api.Gradebook``; use it in a ``with`` block.
    """
    from nbgrader.api import Gradebook

    coursedir = course_directory(course, config)
    with layout.nbgrader_path():
        return Gradebook(coursedir.db_url, coursedir.course_id)


def source_grade_ids(course: Path) -> dict[str, set[str]]:
    """Read the nbgrader ``grade_id`` of every cell of every source notebook.

    Args:
        course: The nbgrader course folder.

    Returns:
        Assignment id to the set of ids of its source notebooks' cells.
    """
    out: dict[str, set[str]] = {}
    for path in sorted((course / "source").glob("*/*.ipynb")):
        try:
            nb = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        ids = out.setdefault(path.parent.name, set())
        for cell in nb.get("cells", []):
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if isinstance(grade_id, str):
                ids.add(grade_id)
    return out


def assignment_notebooks(course: Path, assignment_id: str) -> list[str]:
    """Return the notebook ids of an assignment, from its source folder.

    Args:
        course: The nbgrader course folder.
        assignment_id: The assignment id.

    Returns:
        Notebook ids (file names without ``.ipynb``), sorted.

    Raises:
        CourseError: If the assignment has no source notebooks.
    """
    folder = course / "source" / assignment_id
    names = sorted(p.stem for p in folder.glob("*.ipynb"))
    if not names:
        known = ", ".join(sorted(p.name for p in (course / "source").glob("*") if p.is_dir()))
        raise CourseError(
            f"there is no assignment '{assignment_id}' in {course / 'source'} "
            f"(there are: {known or 'none'})"
        )
    return names


def ensure_assignment(course: Path, assignment_id: str, config: Any | None = None) -> None:
    """Make sure the gradebook knows an assignment, running nbgrader's generate step if not.

    ``generate_assignment`` (with ``--force``, as the released notebook is committed) records
    the assignment's cells in the gradebook; it rewrites ``release/`` with identical bytes.

    Args:
        course: The nbgrader course folder.
        assignment_id: The assignment id.
        config: The course configuration; loaded if None.

    Raises:
        CourseError: If nbgrader cannot generate the assignment.
    """
    from nbgrader.api import MissingEntry
    from nbgrader.converters import GenerateAssignment

    config = config if config is not None else load_config(course)
    notebooks = assignment_notebooks(course, assignment_id)
    with gradebook(course, config) as gb:
        try:
            known = {nb.name for nb in gb.find_assignment(assignment_id).notebooks}
        except MissingEntry:
            known = set()
    if set(notebooks) <= known:
        return
    coursedir = course_directory(course, config)
    coursedir.assignment_id = assignment_id
    quiet = logging.getLogger("engage.grading.generate")
    quiet.propagate = False
    quiet.handlers = [logging.NullHandler()]
    converter = GenerateAssignment(coursedir=coursedir, config=config, log=quiet)
    converter.force = True
    with layout.nbgrader_path():
        try:
            converter.start()
        except Exception as exc:
            raise CourseError(
                f"nbgrader generate_assignment {assignment_id} failed: {exc}"
            ) from exc


def timestamp_text(when: datetime) -> str:
    """Format a submission time the way nbgrader writes ``timestamp.txt``.

    Args:
        when: The time (naive times are taken as UTC).

    Returns:
        For example ``2026-11-30 14:58:23.948203 UTC``.
    """
    moment = when if when.tzinfo else when.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
