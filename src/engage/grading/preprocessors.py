"""nbconvert preprocessors for nbgrader_config.py: learner code never runs, text never renders."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell
from nbgrader import utils
from nbgrader.preprocessors import OverwriteCells

SAFE_OUTPUT_TYPES = ("text/plain", "image/png", "image/jpeg")
"""Output formats shown as they are in feedback and formgrader; everything else becomes text."""

LEARNER_TEXT_CLASS = "engage-learner-text"
"""CSS class of the element that shows a learner's text, escaped, in feedback and formgrader."""

_SAFE_MARK = "engage_safe"
_HIDDEN_TESTS = re.compile(
    r"^[ \t]*#+[ \t]*BEGIN HIDDEN TESTS.*?^[ \t]*#+[ \t]*END HIDDEN TESTS[^\n]*\n?",
    re.DOTALL | re.MULTILINE,
)
_MARK_SCHEME = re.compile(
    r"^[ \t]*=+[ \t]*BEGIN MARK SCHEME.*?^[ \t]*=+[ \t]*END MARK SCHEME[^\n]*\n?",
    re.DOTALL | re.MULTILINE,
)


def _nbgrader(cell: NotebookNode) -> dict[str, Any]:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def _source(cell: NotebookNode) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def escaped_block(text: str, *, note: str = "") -> str:
    """Render learner-supplied text as one line of inert HTML that Markdown passes through.

    Every character is escaped, line breaks become ``&#10;`` inside a ``pre-wrap`` block (so the
    block is a single raw-HTML line that no Markdown renderer splits), and MathJax is told to
    ignore it.

    Args:
        text: The learner's text, shown as written.
        note: An optional plain-text note shown in italics before the text.

    Returns:
        The HTML.
    """
    body = html.escape(text, quote=True).replace("\r\n", "\n").replace("\n", "&#10;")
    lead = f"<em>{html.escape(note, quote=True)}</em>&#10;" if note else ""
    return (
        f'<div class="{LEARNER_TEXT_CLASS} tex2jax_ignore mathjax_ignore" '
        f'style="white-space: pre-wrap; overflow-wrap: anywhere;">{lead}{body}</div>'
    )


class RestoreCells(OverwriteCells):
    """nbgrader's ``OverwriteCells``, re-adding deleted cells after any surviving neighbour.

    nbgrader 0.9.6 re-adds a deleted answer or test cell after the cell that precedes it in
    the source only if that cell is itself an answer or test cell; when it is a read-only
    cell (here, a question's rubric) autograding fails with ``KeyError``. This version puts
    the cell after the nearest preceding source cell still in the notebook (or first).
    Everything else is nbgrader's.
    """

    def _source_order(self, resources: dict[str, Any]) -> list[str] | None:
        """Read the cell order of the source notebook (the converter runs in the course root)."""
        info = resources.get("nbgrader", {})
        path = Path("source") / info.get("assignment", "") / f"{info.get('notebook', '')}.ipynb"
        try:
            cells = json.loads(path.read_text("utf-8")).get("cells", [])
        except (OSError, ValueError):
            return None
        order = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in cells]
        return [gid for gid in order if isinstance(gid, str)]

    def add_missing_grade_cells(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Add back deleted grade cells, each after the nearest surviving preceding cell.

        Args:
            nb: The submitted notebook.
            resources: nbconvert resources.

        Returns:
            The notebook and resources.
        """
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_cells = {cell.name: cell for cell in source_nb.source_cells}
        grade_cells = {cell.name: cell for cell in source_nb.grade_cells}
        solution_ids = {cell.name for cell in source_nb.solution_cells}
        order = self._source_order(resources) or list(source_cells)
        order = [gid for gid in order if gid in source_cells]
        for gid in source_cells:
            if gid not in order:
                order.append(gid)
        for grade_id in order:
            if grade_id not in grade_cells:
                continue
            present = {
                c.metadata["nbgrader"].get("grade_id"): i
                for i, c in enumerate(nb.cells)
                if "nbgrader" in c.metadata
                and (utils.is_grade(c) or utils.is_solution(c) or utils.is_locked(c))
            }
            if grade_id in present:
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook", grade_id)
            cell = self.missing_cell_transform(
                source_cells[grade_id],
                grade_cells[grade_id].max_score,
                is_solution=grade_id in solution_ids,
            )
            earlier = order[: order.index(grade_id)]
            anchors = [present[gid] for gid in earlier if gid in present]
            nb.cells.insert(max(anchors) + 1 if anchors else 0, cell)
        return nb, resources


class KeepLearnerCodeAsText(Preprocessor):
    """Turn code cells that are not the assignment's own into Markdown, so they never run.

    A reflection has no code for learners to write. A code cell without an nbgrader
    ``grade_id`` (added by the learner, or one whose ``grade_id`` nbgrader did not recognise)
    is kept as a Markdown cell showing the code as a fenced block, so graders still see it.
    Runs in ``Autograde.sanitize_preprocessors`` after ``OverwriteCells``.
    """

    enabled = True

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Replace a learner code cell by a Markdown cell with the code as text.

        Args:
            cell: The cell.
            resources: nbconvert resources.
            index: The cell's position.

        Returns:
            The (possibly replaced) cell and the resources.
        """
        if cell.cell_type != "code" or _nbgrader(cell).get("grade_id"):
            return cell, resources
        code = _source(cell)
        longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
        fence = "`" * max(3, longest + 1)
        replacement = new_markdown_cell(
            f"*Code added by the learner, kept as text and not run:*\n\n{fence}\n{code}\n{fence}"
        )
        if "id" in cell:
            replacement["id"] = cell["id"]
        replacement.metadata = {"engage": {"learner_code": True}}
        self.log.warning("A code cell added by the learner was kept as text (cell %d)", index)
        return replacement, resources


class SafeLearnerText(Preprocessor):
    """Show every learner-supplied text escaped in feedback and formgrader; drop hidden material.

    nbgrader's feedback and formgrader templates render Markdown cells as raw HTML, so a
    reflection containing ``<script>`` or ``<img onerror=...>`` would run. This preprocessor
    replaces the source of every Markdown cell that is not a read-only cell restored from the
    assignment (answers, and any cell the learner added) with an escaped, inert block; raw
    cells likewise; outputs are reduced to plain text and images; grader comments are
    escaped; hidden tests and mark schemes are removed. It is idempotent, so it may run both
    from ``HTMLExporter.preprocessors`` and ``GenerateFeedback.preprocessors``.
    """

    enabled = True

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Make every cell safe to render.

        Args:
            nb: The notebook.
            resources: nbconvert resources.

        Returns:
            The notebook and resources.
        """
        nb.cells = [self._safe(cell) for cell in nb.cells]
        return nb, resources

    def _safe(self, cell: NotebookNode) -> NotebookNode:
        meta = cell.setdefault("metadata", {})
        grading = _nbgrader(cell)
        comment = grading.get("comment")
        if isinstance(comment, str) and comment and not meta.get("engage_safe_comment"):
            grading["comment"] = escaped_block(comment)
            meta["engage_safe_comment"] = True
        if meta.get(_SAFE_MARK):
            return cell
        trusted = bool(grading.get("locked")) and not grading.get("solution")
        if cell.cell_type == "code":
            if grading.get("grade"):
                cell.source = _MARK_SCHEME.sub("", _HIDDEN_TESTS.sub("", _source(cell)))
            cell.outputs = [_safe_output(output) for output in cell.get("outputs", [])]
        elif cell.cell_type == "markdown" and trusted:
            cell.source = _MARK_SCHEME.sub("", _source(cell))
        else:
            note = "Raw cell:" if cell.cell_type == "raw" else ""
            if cell.cell_type == "raw":
                cell.cell_type = "markdown"
                meta.pop("format", None)
                meta.pop("raw_mimetype", None)
            cell.pop("attachments", None)
            cell.source = escaped_block(_source(cell), note=note)
        meta[_SAFE_MARK] = True
        return cell


def _safe_output(output: NotebookNode) -> NotebookNode:
    if output.get("output_type") not in ("display_data", "execute_result"):
        return output
    data = output.get("data", {})
    kept = {k: v for k, v in data.items() if k in SAFE_OUTPUT_TYPES}
    if not kept:
        kept = {"text/plain": "(output not shown: only text and images are shown here)"}
    output["data"] = kept
    output["metadata"] = {}
    return output
