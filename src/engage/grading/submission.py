"""Reflection notebooks as learners hand them in: fill a released notebook, read and vet one."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engage.grading import layout

if TYPE_CHECKING:
    from nbformat import NotebookNode

MAX_SUBMISSION_BYTES = 20 * 1024 * 1024
"""Largest notebook accepted for grading (20 MB); a 5 MB reflection is graded normally."""

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&!])")
_NAME_LABEL = re.compile(r"^\s*\**\s*your name\s*:?\s*\**\s*:?\s*", re.IGNORECASE)


class SubmissionError(Exception):
    """A reflection notebook cannot be made or read; the message is meant for people."""


def markdown_escape(text: str) -> str:
    """Escape text so Markdown shows it literally (no formatting, links or HTML).

    Args:
        text: Plain text such as a learner's name.

    Returns:
        The text with Markdown and HTML punctuation backslash-escaped, on one line.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def markdown_unescape(text: str) -> str:
    """Undo :func:`markdown_escape`.

    Args:
        text: Escaped text.

    Returns:
        The plain text.
    """
    return re.sub(r"\\([\\`*_\[\]<>#|~&!])", r"\1", text)


def learner_id(name: str) -> str:
    """Derive an nbgrader student id from a learner's name.

    Accents are dropped, letters and digits kept, everything else becomes single hyphens:
    ``"Ana María López"`` gives ``ana-maria-lopez``. Names in scripts without a Latin
    transliteration give an empty id (the facilitator then maps the file to an id).

    Args:
        name: The learner's name.

    Returns:
        A lowercase id of ASCII letters, digits and hyphens (at most 60 characters), or "".
    """
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")
    return slug[:60].strip("-")


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _grade_id(cell: Mapping[str, Any]) -> str | None:
    meta = cell.get("metadata", {})
    grading = meta.get("nbgrader") if isinstance(meta, Mapping) else None
    if not isinstance(grading, Mapping):
        return None
    value = grading.get("grade_id")
    return value if isinstance(value, str) else None


def notebook_json(nb: Mapping[str, Any]) -> bytes:
    """Serialise a notebook exactly as nbformat writes files, without importing nbformat.

    Args:
        nb: The notebook as plain JSON data, with sources as lists of lines.

    Returns:
        UTF-8 JSON with sorted keys and a one-space indent, ending with a newline.
    """
    return (json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def fill_reflection(
    release: bytes,
    *,
    assignment_id: str,
    answers: Mapping[str, str],
    learner_name: str,
    profile: str | None = None,
    exercise: Mapping[str, Any] | None = None,
    exported_at: str | None = None,
) -> bytes:
    """Fill a released reflection notebook with a learner's answers, leaving nbgrader's data intact.

    Only the answer cells' text, the name cell and the notebook's ``metadata.engage`` change.
    An empty answer keeps the released placeholder, so nbgrader sees "no response". Plain
    JSON is used (not nbformat, which takes a second to import on a course page); the file
    is written exactly as nbformat would write it.

    Args:
        release: The released notebook's bytes.
        assignment_id: The assignment id (the module id).
        answers: Prompt id to the learner's answer (Markdown, as typed).
        learner_name: The learner's name.
        profile: The learner's library profile, if chosen.
        exercise: The module's exercise result as saved in progress, to attach.
        exported_at: When the learner downloaded it (ISO 8601), recorded in the metadata.

    Returns:
        The filled notebook's bytes.

    Raises:
        SubmissionError: If the released notebook is not this assignment's, or lacks a cell.
    """
    nb = json.loads(release.decode("utf-8"))
    meta = nb.get("metadata", {}).get(layout.METADATA_KEY, {})
    if meta.get("assignment") != assignment_id:
        raise SubmissionError(
            f"the released notebook is not the reflection of {assignment_id}: "
            "run `engage assignments build`"
        )
    cells = {_grade_id(c): c for c in nb["cells"] if _grade_id(c)}
    for prompt_id, text in answers.items():
        cell = cells.get(layout.answer_cell(prompt_id))
        if cell is None:
            raise SubmissionError(
                f"the released notebook of {assignment_id} has no answer cell for "
                f"'{prompt_id}': run `engage assignments build`"
            )
        if text.strip():
            cell["source"] = _lines(text.replace("\r\n", "\n").strip("\n"))
    for cell in nb["cells"]:
        if cell.get("id") == layout.NAME_CELL:
            cell["source"] = _lines(f"{layout.NAME_LABEL} {markdown_escape(learner_name)}")
            break
    record: dict[str, Any] = dict(meta)
    record.update({"learner_name": " ".join(learner_name.split()), "profile": profile})
    if exported_at:
        record["exported_at"] = exported_at
    if exercise is not None:
        record["exercise"] = {"module": assignment_id, "result": dict(exercise)}
    nb["metadata"][layout.METADATA_KEY] = record
    return notebook_json(nb)


# --------------------------------------------------------------------------- vetting


@dataclass
class Submission:
    """What a handed-in file is: whose, for which assignment, and whether it can be graded."""

    learner_name: str = ""
    assignment: str | None = None
    exported_at: str | None = None
    problem: str = ""
    notes: list[str] = field(default_factory=list)
    notebook: NotebookNode | None = None

    @property
    def gradable(self) -> bool:
        """Whether nbgrader should grade it (it may still carry notes)."""
        return not self.problem


def name_from_cells(nb: Mapping[str, Any]) -> str:
    """Read the learner's name from the name cell a JupyterLab learner filled in.

    Args:
        nb: The notebook.

    Returns:
        The name, or "" when the cell is missing or still empty.
    """
    cells = [c for c in nb.get("cells", []) if isinstance(c, Mapping)]
    named = [c for c in cells if c.get("id") == layout.NAME_CELL]
    labelled = [
        c for c in cells if c.get("cell_type") == "markdown" and _NAME_LABEL.match(_source(c))
    ]
    for cell in named + labelled:
        text = _source(cell)
        match = _NAME_LABEL.match(text)
        if match is None:
            continue
        rest = text[match.end() :].strip()
        first = rest.splitlines()[0] if rest else ""
        return " ".join(markdown_unescape(first).split())
    return ""


def inspect_submission(
    data: bytes,
    *,
    assignment_id: str | None = None,
    known_ids: Mapping[str, set[str]] | None = None,
) -> Submission:
    """Read a handed-in file and decide whether it can be graded as ``assignment_id``.

    Not gradable: too large, not UTF-8, not JSON, not a notebook, a newer notebook format,
    a notebook of another assignment, or two cells with the same nbgrader ``grade_id`` (a
    copied answer or test cell, which stops plain nbgrader altogether). Gradable with notes:
    an old format (upgraded), answer or test cells deleted (added back), read-only cells
    edited or cell types changed (restored), code cells added (kept as text).

    Args:
        data: The file's bytes.
        assignment_id: The assignment it is collected or graded for; None to only identify.
        known_ids: Assignment id to the ``grade_id`` values of its source notebook, used to
            recognise notebooks of other assignments and to spot deleted or changed cells.

    Returns:
        The submission; ``problem`` says why it cannot be graded.
    """
    sub = Submission()
    if len(data) > MAX_SUBMISSION_BYTES:
        sub.problem = (
            f"the file is {len(data) / 1e6:.0f} MB, more than the "
            f"{MAX_SUBMISSION_BYTES // (1024 * 1024)} MB a reflection may be"
        )
        return sub
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        sub.problem = f"the file is not UTF-8 text (byte {exc.start}): it is not a notebook"
        return sub
    try:
        raw = json.loads(text)
    except ValueError:
        sub.problem = "the file is not a notebook (it is not JSON)"
        return sub
    if not isinstance(raw, dict) or not isinstance(raw.get("nbformat"), int):
        sub.problem = "the file is JSON but not a Jupyter notebook"
        return sub
    version = raw["nbformat"]
    if version > 4:
        sub.problem = f"the notebook uses format {version}, newer than nbgrader reads"
        return sub
    import nbformat

    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:
        sub.problem = f"the notebook cannot be read: {str(exc).splitlines()[0][:200]}"
        return sub
    if version < 4:
        sub.notes.append(f"an old notebook format ({version}), upgraded")
    sub.notebook = nb
    meta = nb.metadata.get(layout.METADATA_KEY)
    meta = meta if isinstance(meta, Mapping) else {}
    name = meta.get("learner_name")
    sub.learner_name = " ".join(name.split()) if isinstance(name, str) else ""
    if not sub.learner_name:
        sub.learner_name = name_from_cells(nb)
    stamp = meta.get("exported_at")
    sub.exported_at = stamp if isinstance(stamp, str) else None
    ids = [gid for gid in (_grade_id(c) for c in nb.cells) if gid]
    claimed = meta.get("assignment") if isinstance(meta.get("assignment"), str) else None
    sub.assignment = claimed or _guess_assignment(set(ids), known_ids or {})
    if assignment_id is None:
        return sub
    if sub.assignment is not None and sub.assignment != assignment_id:
        sub.problem = f"it is the reflection of {sub.assignment}, not of {assignment_id}"
        return sub
    expected = (known_ids or {}).get(assignment_id)
    if expected is not None and ids and not set(ids) & expected:
        sub.problem = f"it is not a notebook of {assignment_id} (none of its cells are)"
        return sub
    twice = sorted(gid for gid, n in Counter(ids).items() if n > 1)
    if twice:
        sub.problem = (
            "cells are duplicated (the same nbgrader grade_id "
            + ", ".join(f"'{gid}'" for gid in twice)
            + "): keep one copy of each and send it again"
        )
        return sub
    _note_changes(sub, nb, expected)
    return sub


def _guess_assignment(ids: set[str], known: Mapping[str, set[str]]) -> str | None:
    best, overlap = None, 0
    for assignment, expected in sorted(known.items()):
        n = len(ids & expected)
        if n > overlap:
            best, overlap = assignment, n
    return best


def _note_changes(sub: Submission, nb: NotebookNode, expected: set[str] | None) -> None:
    present = {_grade_id(c): c for c in nb.cells if _grade_id(c)}
    if expected is not None:
        missing = sorted(
            gid for gid in expected - set(present) if gid.startswith(("answer-", "check-"))
        )
        if missing:
            sub.notes.append("cells deleted and added back: " + ", ".join(missing))
    changed = sorted(
        gid
        for gid, cell in present.items()
        if isinstance(cell.metadata.get("nbgrader", {}).get("cell_type"), str)
        and cell.metadata["nbgrader"]["cell_type"] != cell.cell_type
    )
    if changed:
        sub.notes.append("cell types changed and restored: " + ", ".join(changed))
    if any(c.cell_type == "code" and not _grade_id(c) for c in nb.cells):
        sub.notes.append("code cells added by the learner are kept as text, not run")
