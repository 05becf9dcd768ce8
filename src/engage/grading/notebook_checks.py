"""Completeness checks that run inside a reflection notebook (stdlib only, copied into it)."""

# Everything below the marker line is copied verbatim into the read-only helper cell of every
# reflection notebook, so it must only use the standard library and names defined here.
# --- cell starts here ---
# Completeness checks for this reflection (read-only). The test cells below call them.
# They read this notebook's saved file, which is what nbgrader grades: in JupyterLab, save
# the notebook (Ctrl+S) before running them.
import json
import os
import re

PLACEHOLDER = "YOUR ANSWER HERE"
MISSING_CELL_NOTICE = re.compile(
    r"This cell \(id:[^)]*\) was missing from the submission\. It was added back by nbgrader\."
)
WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")


def count_words(text: str) -> int:
    """Count the words of an answer, as the course page counts them.

    Args:
        text: The answer's text (Markdown).

    Returns:
        The number of words: runs of letters and digits, with inner apostrophes or hyphens.
    """
    return len(WORD.findall(text))


def answer_text(notebook: dict, grade_id: str) -> str | None:
    """Return the learner's text in an answer cell, without the placeholder or nbgrader notes.

    Args:
        notebook: The notebook as parsed JSON.
        grade_id: The answer cell's nbgrader ``grade_id``.

    Returns:
        The text, or None when no cell has that ``grade_id``.
    """
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") == grade_id:
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            text = MISSING_CELL_NOTICE.sub("", text)
            return text.replace(PLACEHOLDER, "").strip()
    return None


def find_notebook(name: str, grade_id: str) -> str:
    """Find the saved file of this notebook.

    While nbgrader grades, the file is ``name`` in the working directory. In JupyterLab, the
    kernel's own notebook (``JPY_SESSION_NAME``) is used, else ``name``, else the most
    recently saved notebook in the folder that has the cell ``grade_id``.

    Args:
        name: The notebook's file name in the assignment.
        grade_id: A ``grade_id`` that only this assignment's notebooks have.

    Returns:
        The path of the file.

    Raises:
        AssertionError: If no such file exists.
    """
    if os.environ.get("NBGRADER_EXECUTION"):
        if os.path.exists(name):
            return name
        raise AssertionError(f"The notebook file {name} is not in the grading folder.")
    session = os.environ.get("JPY_SESSION_NAME", "")
    if session.endswith(".ipynb") and os.path.exists(session):
        return session
    if os.path.exists(name):
        return name
    found = []
    for entry in os.listdir("."):
        if not entry.endswith(".ipynb"):
            continue
        try:
            with open(entry, encoding="utf-8") as handle:
                if f'"{grade_id}"' in handle.read():
                    found.append((os.path.getmtime(entry), entry))
        except (OSError, UnicodeDecodeError):
            continue
    if not found:
        raise AssertionError(f"Cannot find this notebook's file ({name}): save it first.")
    return max(found)[1]


def read_notebook(name: str, grade_id: str) -> dict:
    """Read this notebook's saved file.

    Args:
        name: The notebook's file name in the assignment.
        grade_id: A ``grade_id`` that only this assignment's notebooks have.

    Returns:
        The notebook as parsed JSON.
    """
    with open(find_notebook(name, grade_id), encoding="utf-8") as handle:
        return json.load(handle)


def check_answer(name: str, grade_id: str, question: int, min_words: int) -> None:
    """Check that an answer is written and long enough; print how long it is.

    Args:
        name: The notebook's file name in the assignment.
        grade_id: The answer cell's ``grade_id``.
        question: The question's number, for messages.
        min_words: The least number of words.

    Raises:
        AssertionError: If the answer cell is missing, empty, the placeholder, or too short.
    """
    text = answer_text(read_notebook(name, grade_id), grade_id)
    if text is None:
        raise AssertionError(f"The answer cell of question {question} is missing.")
    words = count_words(text)
    if words == 0:
        raise AssertionError(f"Question {question} has no answer yet.")
    if words < min_words:
        raise AssertionError(
            f"The answer to question {question} has {words} words; at least {min_words} are needed."
        )
    print(f"Question {question}: answered, {words} words (at least {min_words} needed).")


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def exercise_problem(spec: dict, result: object) -> str:
    """Say what is wrong with an attached exercise result, if anything.

    Args:
        spec: The exercise's shape: ``kind`` ("sort" or "design"), and for a sort the
            ``items`` and ``categories`` ids, for a design the ``fields`` ids and the
            ``groups`` (id to number of items).
        result: The attached result, as saved by the course page.

    Returns:
        A sentence describing the problem, or an empty string when the result is valid.
    """
    if not isinstance(result, dict):
        return "No exercise result is attached."
    if spec["kind"] == "sort":
        answers = result.get("answers")
        if not isinstance(answers, dict):
            return "The attached exercise result has no sorting."
        unknown = sorted(k for k in answers if k not in spec["items"])
        if unknown:
            return "The attached sorting has statements this exercise does not have."
        if any(v not in spec["categories"] for v in answers.values()):
            return "The attached sorting uses categories this exercise does not have."
        if len(answers) < len(spec["items"]):
            left = len(spec["items"]) - len(answers)
            return f"The attached sorting is not finished: {left} statement(s) still to sort."
        right, total = result.get("right"), result.get("total")
        if not (_whole(right) and _whole(total) and total == len(spec["items"])):
            return "The attached sorting was never checked on the course page."
        if not 0 <= right <= total:
            return "The attached sorting's result is not possible."
        return ""
    design = result.get("design")
    if not isinstance(design, dict):
        return "The attached exercise result has no design."
    for field in spec["fields"]:
        if field not in design:
            return "The attached design lacks some of this exercise's fields."
    for group, count in spec["groups"].items():
        items = design.get(group)
        if not (isinstance(items, list) and len(items) == count):
            return "The attached design lacks some of this exercise's parts."
        if not all(isinstance(item, dict) for item in items):
            return "The attached design is damaged."
    fits, checks = result.get("fits"), result.get("checks")
    if not (_whole(fits) and _whole(checks) and checks >= 1):
        return "The attached design was never checked on the course page."
    if not 0 <= fits <= checks:
        return "The attached design's result is not possible."
    return ""


def check_exercise(name: str, grade_id: str, module: str, spec: dict) -> None:
    """Check that the module's exercise result is attached and valid; print a summary.

    Args:
        name: The notebook's file name in the assignment.
        grade_id: A ``grade_id`` that only this assignment's notebooks have.
        module: The module id the result must come from.
        spec: The exercise's shape (see :func:`exercise_problem`).

    Raises:
        AssertionError: If the result is missing, from another module, or not valid.
    """
    meta = read_notebook(name, grade_id).get("metadata", {}).get("engage", {})
    attached = meta.get("exercise") if isinstance(meta, dict) else None
    if not isinstance(attached, dict) or attached.get("module") != module:
        raise AssertionError(
            "No exercise result is attached. Do the exercise on the module's page in the "
            "course, check it, then download your reflection from that page."
        )
    problem = exercise_problem(spec, attached.get("result"))
    if problem:
        raise AssertionError(problem)
    result = attached["result"]
    if spec["kind"] == "sort":
        print(
            f"Exercise attached: {result['right']} of {result['total']} statements sorted "
            "as the approach would."
        )
    else:
        print(
            f"Exercise attached: {result['fits']} of {result['checks']} design checks fit "
            "the method."
        )
