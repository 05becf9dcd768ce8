"""Tests for engage.content.check: how modules, the course map and notebooks fit together."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engage.content import Problem, check_course

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A throwaway course: the real course map and start module, no lesson modules yet."""
    root = tmp_path / "course"
    (root / "notebooks").mkdir(parents=True)
    (root / "modules").mkdir()
    shutil.copy(REPO / "modules" / "course.yml", root / "modules" / "course.yml")
    shutil.copytree(REPO / "modules" / "00-start", root / "modules" / "00-start")
    shutil.copy(REPO / "notebooks" / "00-start.ipynb", root / "notebooks" / "00-start.ipynb")
    return root


LESSON_TEMPLATE = REPO / "modules" / "04-world-cafe"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, needle: str, after: str | None = None) -> int:
    """Return the 1-based number of the first line containing needle (after a marker)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1


def add_module(root: Path, module_id: str, *, notebook: bool = True) -> Path:
    """Copy 00-start as a new, valid lesson module (with a lesson's activities and notebook)."""
    folder = root / "modules" / module_id
    shutil.copytree(root / "modules" / "00-start", folder)
    edit(folder / "module.yml", "id: 00-start", f"id: {module_id}")
    edit(folder / "module.yml", "number: 0", f"number: {int(module_id[:2])}")
    shutil.copytree(LESSON_TEMPLATE / "scenarios", folder / "scenarios")
    shutil.copy(LESSON_TEMPLATE / "quiz.yml", folder / "quiz.yml")
    template = (LESSON_TEMPLATE / "module.yml").read_text(encoding="utf-8")
    reflection = template[template.index("\nreflection:") :]
    with (folder / "module.yml").open("a", encoding="utf-8") as handle:
        handle.write(reflection)
    if notebook:
        shutil.copy(
            root / "notebooks" / "00-start.ipynb", root / "notebooks" / f"{module_id}.ipynb"
        )
    return folder


def rendered(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def test_real_repository_has_no_problems():
    """Does the course as committed pass every whole-course check?"""
    assert rendered(check_course(REPO)) == []


def test_untouched_copy_has_no_problems(course: Path):
    """Is a fresh copy clean, so that each broken copy below shows only what was broken?"""
    assert check_course(course) == []


def test_module_id_differs_from_its_folder(course: Path):
    """Is a module whose id differs from its folder name reported once, at the id line?"""
    module_file = course / "modules" / "00-start" / "module.yml"
    edit(module_file, "id: 00-start", "id: 00-begin")
    assert rendered(check_course(course)) == [
        f"modules/00-start/module.yml:{line_of(module_file, 'id: 00-begin')}: id: "
        "'00-begin' does not match its folder '00-start'"
    ]


def test_module_missing_from_course_map(course: Path):
    """Is a built module that the course map does not list reported against the map?"""
    add_module(course, "12-extra")
    assert rendered(check_course(course)) == [
        "modules/course.yml: course_map: module '12-extra' is missing from the map"
    ]


def test_course_map_title_differs_from_module(course: Path):
    """Is a course-map title that differs from module.yml reported at the map's line?"""
    course_file = course / "modules" / "course.yml"
    edit(course_file, "    title: Start here", "    title: Start Here")
    line = line_of(course_file, "title: Start Here", after="course_map:")
    assert rendered(check_course(course)) == [
        f"modules/course.yml:{line}: course_map[0].title: 'Start Here' differs from "
        "modules/00-start/module.yml ('Start here')"
    ]


def test_course_map_time_differs_from_module(course: Path):
    """Is a course-map time that differs from module.yml reported at the map's line?"""
    module_file = course / "modules" / "00-start" / "module.yml"
    edit(module_file, "time_to_learn: 10", "time_to_learn: 15")
    course_file = course / "modules" / "course.yml"
    line = line_of(course_file, "time_to_learn: 10", after="id: 00-start")
    assert rendered(check_course(course)) == [
        f"modules/course.yml:{line}: course_map[0].time_to_learn: 10 differs from "
        "modules/00-start/module.yml (15)"
    ]


def test_notebook_without_content_folder(course: Path):
    """Is a notebook with no modules/ folder behind it reported?"""
    shutil.copy(
        course / "notebooks" / "00-start.ipynb", course / "notebooks" / "04-world-cafe.ipynb"
    )
    assert rendered(check_course(course)) == [
        "notebooks/04-world-cafe.ipynb: no content folder modules/04-world-cafe/ for this notebook"
    ]


def test_module_without_notebook(course: Path):
    """Is a module folder with no notebook reported?"""
    (course / "notebooks" / "00-start.ipynb").unlink()
    assert rendered(check_course(course)) == [
        "modules/00-start/module.yml: no notebook notebooks/00-start.ipynb for this module"
    ]


def test_new_module_without_notebook_and_with_wrong_map_entry(course: Path):
    """Are all problems of a half-built module reported together, in file order?"""
    add_module(course, "01-turning-outward", notebook=False)
    course_file = course / "modules" / "course.yml"
    title_line = line_of(course_file, "title: Turning Outward")
    time_line = line_of(course_file, "time_to_learn: 60", after="id: 01-turning-outward")
    assert rendered(check_course(course)) == [
        "modules/01-turning-outward/module.yml: no notebook "
        "notebooks/01-turning-outward.ipynb for this module",
        f"modules/course.yml:{title_line}: course_map[1].title: 'Turning Outward' differs "
        "from modules/01-turning-outward/module.yml ('Start here')",
        f"modules/course.yml:{time_line}: course_map[1].time_to_learn: 60 differs from "
        "modules/01-turning-outward/module.yml (10)",
    ]


def test_invalid_module_reports_only_its_own_problem(course: Path):
    """Does a module.yml that fails to load give its own problem and no false 'no folder' one?"""
    module_file = course / "modules" / "00-start" / "module.yml"
    edit(module_file, "number: 0\n", "number: 0\ncolour: blue\n")
    line = line_of(module_file, "colour: blue")
    assert rendered(check_course(course)) == [
        f"modules/00-start/module.yml:{line}: colour: unknown key 'colour'"
    ]


def test_invalid_course_file_is_reported(course: Path):
    """Is a course.yml that fails to load reported with its line and key?"""
    course_file = course / "modules" / "course.yml"
    edit(course_file, "    core: true\n  - id: 01", '    core: "yes"\n  - id: 01')
    line = line_of(course_file, 'core: "yes"')
    assert rendered(check_course(course)) == [
        f"modules/course.yml:{line}: course_map[0].core: input should be a valid boolean"
    ]


def test_folder_name_that_is_not_a_module_id(course: Path):
    """Is a stray folder whose name is not a module id reported?"""
    (course / "modules" / "World Cafe").mkdir()
    assert rendered(check_course(course)) == [
        "modules/World Cafe: folder name must look like '04-world-cafe'"
    ]


def test_module_folder_without_module_file(course: Path):
    """Is a module folder that lacks module.yml reported as a missing file?"""
    (course / "modules" / "03-facilitation-fundamentals").mkdir()
    assert rendered(check_course(course)) == [
        "modules/03-facilitation-fundamentals/module.yml: file missing"
    ]


def test_missing_course_file(course: Path):
    """Is a missing course.yml reported by itself?"""
    (course / "modules" / "course.yml").unlink()
    assert rendered(check_course(course)) == ["modules/course.yml: file missing"]


def test_hidden_and_draft_folders_are_ignored(course: Path):
    """Are .ipynb_checkpoints and _draft folders left alone by the check?"""
    (course / "modules" / ".ipynb_checkpoints").mkdir()
    (course / "modules" / "_drafts").mkdir()
    checkpoints = course / "notebooks" / ".ipynb_checkpoints"
    checkpoints.mkdir()
    shutil.copy(course / "notebooks" / "00-start.ipynb", checkpoints / "00-start-checkpoint.ipynb")
    assert check_course(course) == []


def test_problems_are_problem_objects_with_paths_relative_to_root(course: Path):
    """Does every problem name its file relative to the course root, not the tmp folder?"""
    (course / "notebooks" / "00-start.ipynb").unlink()
    (course / "modules" / "World Cafe").mkdir()
    problems = check_course(course)
    assert len(problems) == 2
    for problem in problems:
        assert isinstance(problem, Problem)
        assert not Path(problem.path).is_absolute()
        assert str(course) not in str(problem)
