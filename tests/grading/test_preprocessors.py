"""Tests of the preprocessors nbgrader_config.py adds: inert learner text, learner code as text."""

from __future__ import annotations

import copy
from html.parser import HTMLParser

import nbformat
import pytest
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from engage.grading.preprocessors import (
    LEARNER_TEXT_CLASS,
    KeepLearnerCodeAsText,
    SafeLearnerText,
    escaped_block,
)

ATTACK = (
    '<script>window.__xss=1</script>\n\n<img src=x onerror="window.__xss=2">\n\n'
    "[x](javascript:alert(3))\n\n$\\href{javascript:alert(4)}{m}$"
)


class ActiveContent(HTMLParser):
    """Collect script tags, event handlers and javascript: URLs found in HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "iframe", "object", "embed"}:
            self.found.append((tag, str(sorted(attrs))))
        for key, value in attrs:
            if key.startswith("on") or "javascript:" in (value or ""):
                self.found.append((tag, key))


def active(html: str) -> list[tuple[str, str]]:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


def grading(**kw: object) -> dict:
    base = {
        "grade": False,
        "solution": False,
        "locked": False,
        "grade_id": "x",
        "schema_version": 3,
    }
    return {"nbgrader": base | kw}


def attack_notebook() -> nbformat.NotebookNode:
    answer = new_markdown_cell(
        ATTACK,
        metadata=grading(grade=True, solution=True, points=2, grade_id="answer-a", comment=ATTACK),
    )
    trusted = new_markdown_cell(
        "**Rubric** <b>kept</b>", metadata=grading(locked=True, grade_id="rubric")
    )
    raw = new_raw_cell("<script>window.__xss=5</script>", metadata={"format": "text/html"})
    added = new_markdown_cell("<img src=x onerror=alert(6)>")
    code = new_code_cell(
        "print(1)", metadata=grading(locked=True, grade=True, points=1, grade_id="check")
    )
    code.outputs = [
        new_output(
            "display_data", data={"text/html": "<script>alert(7)</script>", "text/plain": "plain"}
        ),
        new_output("display_data", data={"application/javascript": "alert(8)"}),
    ]
    tests = new_code_cell(
        "assert 1\n### BEGIN HIDDEN TESTS\nassert secret\n### END HIDDEN TESTS\n",
        metadata=grading(locked=True, grade=True, points=1, grade_id="t"),
    )
    return new_notebook(cells=[answer, trusted, raw, added, code, tests])


def test_answers_raw_cells_and_added_cells_become_escaped_text():
    """Is every learner-controlled cell shown as escaped text and every trusted cell kept?"""
    nb, _ = SafeLearnerText().preprocess(attack_notebook(), {})
    answer, trusted, raw, added = nb.cells[:4]
    assert answer.source.startswith(f'<div class="{LEARNER_TEXT_CLASS} tex2jax_ignore')
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in answer.source
    assert "\n" not in answer.source, "one line, so Markdown passes it through as one block"
    assert trusted.source == "**Rubric** <b>kept</b>"
    assert raw.cell_type == "markdown" and "format" not in raw.metadata
    assert "&lt;script&gt;" in raw.source and "&lt;img" in added.source
    assert "&lt;img" in answer.metadata.nbgrader.comment


def test_outputs_keep_only_text_and_images_and_hidden_tests_go():
    """Are HTML/JS outputs reduced to text and hidden tests removed from test cells?"""
    nb, _ = SafeLearnerText().preprocess(attack_notebook(), {})
    code, tests = nb.cells[4:]
    assert [sorted(o.data) for o in code.outputs] == [["text/plain"], ["text/plain"]]
    assert code.outputs[0].data["text/plain"] == "plain"
    assert "secret" not in tests.source and "assert 1" in tests.source


def test_sanitising_twice_changes_nothing():
    """Is the preprocessor idempotent (it runs from two config settings)?"""
    once, _ = SafeLearnerText().preprocess(attack_notebook(), {})
    twice, _ = SafeLearnerText().preprocess(copy.deepcopy(once), {})
    assert twice == once


def test_the_rendered_html_has_no_active_content():
    """Does nbconvert's HTML of a sanitised notebook carry no script, handler or js: URL?"""
    exporter = HTMLExporter(template_name="classic")
    exporter.register_preprocessor(SafeLearnerText, enabled=True)
    html, _ = exporter.from_notebook_node(attack_notebook())
    template_only = HTMLExporter(template_name="classic").from_notebook_node(new_notebook())[0]
    assert active(html) == active(template_only), "only the template's own scripts remain"
    assert "window.__xss=1" in html, "the learner's own text is still shown"
    unsafe = HTMLExporter(template_name="classic")
    assert active(unsafe.from_notebook_node(attack_notebook())[0]), "the test can fail"


def test_escaped_blocks_keep_line_breaks_as_entities():
    """Does an escaped block keep the learner's line breaks without a raw newline?"""
    block = escaped_block("a\r\nb <c>", note="Raw cell:")
    assert "a&#10;b &lt;c&gt;" in block and "<em>Raw cell:</em>" in block


def test_learner_code_cells_are_kept_as_text():
    """Is a code cell without a grade_id turned into Markdown showing the code?"""
    nb = new_notebook(
        cells=[
            new_code_cell("while True:\n    pass  # ```"),
            new_code_cell("x = 1", metadata=grading(locked=True, grade_id="h")),
        ]
    )
    nb.cells[0]["id"] = "forever"
    out, _ = KeepLearnerCodeAsText().preprocess(nb, {})
    learner, helper = out.cells
    assert learner.cell_type == "markdown" and learner["id"] == "forever"
    assert "````\nwhile True:\n    pass  # ```\n````" in learner.source
    assert helper.cell_type == "code"


@pytest.mark.parametrize("cell_type", ["markdown", "raw"])
def test_non_code_cells_are_left_to_nbgrader(cell_type: str):
    """Are Markdown and raw cells untouched by the code preprocessor?"""
    cell = new_markdown_cell("x") if cell_type == "markdown" else new_raw_cell("x")
    out, _ = KeepLearnerCodeAsText().preprocess(new_notebook(cells=[cell]), {})
    assert out.cells[0] == cell
