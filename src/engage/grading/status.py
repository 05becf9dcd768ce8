"""Per-assignment record of submissions that could not be graded, and why (one JSON file)."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from engage.grading import layout

NOT_GRADED = "not graded"


@dataclass(frozen=True)
class Rejection:
    """A learner's submission that was not graded."""

    learner: str
    reason: str
    file: str
    at: str


def status_path(course: Path, assignment_id: str) -> Path:
    """Return the status file of an assignment.

    Args:
        course: The nbgrader course folder.
        assignment_id: The assignment id.

    Returns:
        ``course/grading-status/<assignment>.json``.
    """
    return course / layout.STATUS_DIR / f"{assignment_id}.json"


def read_rejections(course: Path, assignment_id: str) -> dict[str, Rejection]:
    """Read the learners whose latest submission of an assignment could not be graded.

    Args:
        course: The nbgrader course folder.
        assignment_id: The assignment id.

    Returns:
        Learner id to rejection; empty when there is no (readable) file.
    """
    path = status_path(course, assignment_id)
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for learner, entry in (data.get("learners") or {}).items():
        if isinstance(entry, dict):
            out[learner] = Rejection(
                learner,
                str(entry.get("reason", "")),
                str(entry.get("file", "")),
                str(entry.get("at", "")),
            )
    return out


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _write(course: Path, assignment_id: str, entries: dict[str, Rejection]) -> None:
    path = status_path(course, assignment_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload: dict[str, Any] = {
        "assignment": assignment_id,
        "learners": {
            k: {"status": NOT_GRADED, "reason": v.reason, "file": v.file, "at": v.at}
            for k, v in sorted(entries.items())
        },
    }
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    os.replace(tmp, path)


def record_rejections(
    course: Path,
    assignment_id: str,
    rejected: dict[str, tuple[str, str]],
    graded: list[str] | None = None,
) -> None:
    """Update an assignment's status file: add rejections, clear learners now graded.

    Args:
        course: The nbgrader course folder.
        assignment_id: The assignment id.
        rejected: Learner id to (reason, file name) for submissions not graded.
        graded: Learner ids whose submission was graded, so any earlier rejection is cleared.
    """
    entries = read_rejections(course, assignment_id)
    for learner in graded or []:
        entries.pop(learner, None)
    stamp = _now()
    for learner, (reason, file) in rejected.items():
        entries[learner] = Rejection(learner, reason, file, stamp)
    if entries or status_path(course, assignment_id).exists():
        _write(course, assignment_id, entries)
