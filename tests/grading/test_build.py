"""Tests of `engage assignments build`: the nbgrader course generated from the reflections."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from engage.cli import main
from engage.content import clear_cache
from engage.grading import build_assignments, check_reflections, layout
from engage.grading.build import helper_source, rubric_markdown
from tests.grading.conftest import ASSIGNMENT, FIXTURES, NOTEBOOK, OTHER

ROOT = Path(__file__).resolve().parents[2]


def cells(course: Path, step: str, assignment: str = ASSIGNMENT) -> dict[str, dict]:
    nb = json.loads((course / step / assignment / f"{assignment}-reflection.ipynb").read_text())
    return {c["id"]: c for c in nb["cells"] if "id" in c}


def grading(cell: dict) -> dict:
    return cell["metadata"].get("nbgrader", {})


def test_config_has_the_course_id_locks_missing_cells_and_timeouts(course: Path):
    """Does nbgrader_config.py set the course id, locks, re-added cells and a timeout?"""
    text = (course / "nbgrader_config.py").read_text()
    for line in [
        'c.CourseDirectory.course_id = "models-for-change"',
        "c.LockCells.lock_readonly_cells = True",
        "c.LockCells.lock_grade_cells = True",
        "c.OverwriteCells.add_missing_cells = True",
        f"c.Execute.timeout = {layout.EXECUTION_TIMEOUT}",
        'c.Execute.shutdown_kernel = "immediate"',
        '"engage.grading.preprocessors.SafeLearnerText"',
        'c.ExportApp.plugin_class = "engage.grading.export.StatusCsvExport"',
    ]:
        assert line in text
    compile(text, "nbgrader_config.py", "exec")


def test_each_prompt_gets_a_manually_graded_answer_cell_with_its_points(course: Path):
    """Is every prompt a Markdown answer cell (solution + grade) worth the prompt's points?"""
    source = cells(course, "source")
    for prompt_id, points in (("who-you-heard", 4), ("next-step", 2)):
        answer = source[f"answer-{prompt_id}"]
        assert answer["cell_type"] == "markdown"
        assert grading(answer) | {"points": points} == grading(answer)
        assert grading(answer)["solution"] and grading(answer)["grade"]
        assert not grading(answer)["locked"]
        assert "".join(answer["source"]) == layout.PLACEHOLDER


def test_rubric_and_prompt_cells_are_read_only_and_visible(course: Path):
    """Are the prompt and rubric read-only cells, the rubric listing every level?"""
    release = cells(course, "release")
    rubric = release["rubric-who-you-heard"]
    assert grading(rubric)["locked"] and not grading(rubric)["grade"]
    assert rubric["metadata"]["editable"] is False
    text = "".join(rubric["source"])
    for level in ("Thorough", "Developing", "Not yet", "Names real people", "Reflects"):
        assert level in text
    assert "Names groups \\| places" in text, "a | in a descriptor must not break the table"
    prompt = "".join(release["prompt-who-you-heard"]["source"])
    assert "Who did you hear from" in prompt
    assert "Which students or staff" in prompt, "profile variants are shown to graders"


def test_completeness_checks_are_autograded_tests_with_a_point_each(course: Path):
    """Is there one autograded, locked test per prompt, and one for the exercise?"""
    source = cells(course, "source")
    for grade_id, call in (
        ("check-who-you-heard", 'check_answer(NOTEBOOK, "answer-who-you-heard", 1, 20)'),
        ("check-next-step", 'check_answer(NOTEBOOK, "answer-next-step", 2, 10)'),
        ("check-exercise", "check_exercise(NOTEBOOK, "),
    ):
        cell = source[grade_id]
        assert cell["cell_type"] == "code"
        assert grading(cell)["grade"] and grading(cell)["locked"]
        assert grading(cell)["points"] == layout.COMPLETENESS_POINTS
        assert call in "".join(cell["source"])


def test_a_module_without_an_exercise_has_no_exercise_check(course: Path):
    """Does the reflection of a module without exercise.yml skip the exercise check?"""
    assert "check-exercise" not in cells(course, "source", OTHER)
    assert "check-next-step" not in cells(course, "source", OTHER)
    assert "check-why" in cells(course, "source", OTHER)


def test_the_helper_cell_is_the_tested_module_code(course: Path):
    """Does the notebook run exactly engage.grading.notebook_checks (tested on its own)?"""
    helper = "".join(cells(course, "source")["completeness-helper"]["source"])
    assert helper == helper_source(NOTEBOOK)
    assert "def check_answer(" in helper and "import engage" not in helper


def test_the_header_states_the_points(course: Path):
    """Does the header say the total, the rubric points and the completeness points?"""
    header = "".join(cells(course, "release")["header"]["source"])
    assert "**Points.** 9 in all: 6 for your answers" in header
    assert "3 for completeness" in header


def test_rebuilding_gives_identical_files_and_check_passes(course_root: Path, capsys):
    """Does a second build change nothing, and does --check exit 0?"""
    before = {p: p.read_bytes() for p in (course_root / "assignments").rglob("*.ipynb")}
    report = build_assignments(course_root)
    assert report.written == [] and report.removed == []
    assert {p: p.read_bytes() for p in before} == before
    assert main(["assignments", "build", "--check", "--root", str(course_root)]) == 0


def test_check_fails_when_a_prompt_changes(course_root: Path, capsys):
    """Does --check exit 1 and name the stale files after module.yml changes?"""
    path = course_root / "modules" / ASSIGNMENT / "module.yml"
    path.write_text(path.read_text().replace("What will you do next", "What comes next"))
    clear_cache()
    assert main(["assignments", "build", "--check", "--root", str(course_root)]) == 1
    out = capsys.readouterr().out
    assert f"assignments/source/{ASSIGNMENT}/{NOTEBOOK}.ipynb" in out
    assert f"assignments/release/{ASSIGNMENT}/{NOTEBOOK}.ipynb" in out
    assert "02-second-module" not in out


def test_a_removed_reflection_removes_its_generated_notebooks_only(course_root: Path):
    """When a module loses its reflection, are only the generated notebooks removed?"""
    mine = course_root / "assignments" / "source" / "my-own-quiz" / "quiz.ipynb"
    mine.parent.mkdir(parents=True)
    mine.write_text("{}")
    path = course_root / "modules" / OTHER / "module.yml"
    yaml = YAML()
    data = yaml.load(path.read_text())
    del data["reflection"]
    with path.open("w") as handle:
        yaml.dump(data, handle)
    clear_cache()
    report = build_assignments(course_root)
    assert sorted(report.removed) == [
        f"assignments/release/{OTHER}/{OTHER}-reflection.ipynb",
        f"assignments/source/{OTHER}/{OTHER}-reflection.ipynb",
    ]
    assert mine.exists()
    assert not (course_root / "assignments" / "source" / OTHER).exists()


def test_the_committed_assignments_are_up_to_date():
    """Are the committed assignments/ files what a fresh build of modules/ gives?"""
    clear_cache()
    report = build_assignments(ROOT, check=True)
    assert report.stale == [], "run `engage assignments build`: " + ", ".join(report.stale)
    assert report.assignments, "no module has a reflection yet"


def test_every_lesson_module_must_have_a_reflection(tmp_path: Path):
    """Does the check flag a lesson module without a reflection, but not the start page?"""
    shutil.copytree(FIXTURES / "course" / "modules", tmp_path / "modules")
    shutil.copytree(ROOT / "modules" / "00-start", tmp_path / "modules" / "00-start")
    clear_cache()
    assert check_reflections(tmp_path) == []
    path = tmp_path / "modules" / OTHER / "module.yml"
    text = path.read_text()
    path.write_text(text[: text.index("reflection:")])
    clear_cache()
    problems = check_reflections(tmp_path)
    assert [(p.path, p.key) for p in problems] == [(f"modules/{OTHER}/module.yml", "reflection")]


def test_the_rubric_table_escapes_pipes_and_joins_lines():
    """Does a descriptor with | and line breaks stay in one table cell?"""
    from engage.content.schema import ReflectionPrompt

    prompt = ReflectionPrompt.model_validate(
        {
            "id": "x",
            "prompt": "Q?",
            "points": 1,
            "min_words": 1,
            "criteria": [
                {
                    "name": "A | B",
                    "levels": [
                        {"name": "Yes", "points": 1, "descriptor": "one\ntwo | three"},
                        {"name": "No", "points": 0, "descriptor": "none"},
                    ],
                }
            ],
        }
    )
    rows = rubric_markdown(1, prompt).splitlines()
    assert rows[4] == "| **A \\| B** | Yes | 1 | one two \\| three |"
    assert all(len(re.split(r"(?<!\\)\|", row)) == 6 for row in rows[2:])


@pytest.mark.parametrize("module_id", ["04-world-cafe"])
def test_the_real_release_has_one_answer_cell_per_prompt(module_id: str):
    """Does the committed release of a real module have its prompts' answer cells?"""
    from engage.content import load_module

    clear_cache()
    module = load_module(module_id, ROOT)
    if module.reflection is None:
        pytest.skip(f"{module_id} has no reflection yet")
    release = cells(ROOT / "assignments", "release", module_id)
    for prompt in module.reflection.prompts:
        assert grading(release[f"answer-{prompt.id}"])["points"] == prompt.points
