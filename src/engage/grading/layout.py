"""Names and places of the nbgrader course: folders, notebook names, cell ids, metadata keys."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

COURSE_ID = "models-for-change"
"""The nbgrader course id of the reflection assignments."""

ASSIGNMENTS_DIR = "assignments"
"""The nbgrader course root, relative to the repository root."""

METADATA_KEY = "engage"
"""Notebook metadata key under which the course records who wrote a reflection, and for what."""

APP_MARKER = "models-for-change"
"""Value of ``metadata.engage.app`` in every notebook the course generates."""

PLACEHOLDER = "YOUR ANSWER HERE"
"""What nbgrader puts in an answer cell of the released notebook (``ClearSolutions.text_stub``)."""

COMPLETENESS_POINTS = 1
"""Points of each autograded completeness check (one per answer, one for the exercise)."""

EXECUTION_TIMEOUT = 20
"""Seconds a cell may run while nbgrader grades (``ExecutePreprocessor.timeout``)."""

STATUS_DIR = "grading-status"
"""Folder in the course root where ``engage grade`` records submissions it could not grade."""

HEADER_CELL = "header"
NAME_CELL = "learner-name"
HELPER_CELL = "completeness-helper"
EXERCISE_CELL = "exercise"
EXERCISE_CHECK = "check-exercise"
NAME_LABEL = "**Your name:**"


def notebook_name(module_id: str) -> str:
    """Return the notebook id (file name without ``.ipynb``) of a module's reflection.

    Args:
        module_id: The module id, which is also the assignment id.

    Returns:
        For example ``04-world-cafe-reflection``.
    """
    return f"{module_id}-reflection"


def prompt_cell(prompt_id: str) -> str:
    """Return the id of the read-only cell that asks a question."""
    return f"prompt-{prompt_id}"


def rubric_cell(prompt_id: str) -> str:
    """Return the id of the read-only cell with a question's rubric."""
    return f"rubric-{prompt_id}"


def answer_cell(prompt_id: str) -> str:
    """Return the ``grade_id`` (and cell id) of a question's manually graded answer cell."""
    return f"answer-{prompt_id}"


def check_cell(prompt_id: str) -> str:
    """Return the ``grade_id`` of a question's autograded completeness test."""
    return f"check-{prompt_id}"


def course_root(root: Path) -> Path:
    """Return the nbgrader course folder of a repository.

    Args:
        root: The repository root.

    Returns:
        ``root/assignments``.
    """
    return root / ASSIGNMENTS_DIR


def venv_path() -> str:
    """Return ``PATH`` with this Python's ``bin/`` first (nbgrader runs ``alembic`` by name).

    Returns:
        The new value for ``PATH``.
    """
    here = str(Path(sys.executable).parent)
    parts = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != here]
    return os.pathsep.join([here, *parts])


@contextmanager
def nbgrader_path() -> Iterator[None]:
    """Put this environment's ``bin/`` first on ``PATH`` while nbgrader runs in this process.

    Yields:
        Nothing; ``PATH`` is restored afterwards.
    """
    old = os.environ.get("PATH")
    os.environ["PATH"] = venv_path()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PATH", None)
        else:
            os.environ["PATH"] = old
