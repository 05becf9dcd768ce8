"""Whole-course validation behind ``engage check``: every file, and how they fit together."""

from __future__ import annotations

from pathlib import Path

from engage.content.loader import ContentError, Problem, display_path, line_of, load_file, read_yaml
from engage.content.schema import Course, Module, is_module_id


def check_course(root: Path) -> list[Problem]:
    """Validate everything under ``modules/`` and how modules, map and notebooks agree.

    Args:
        root: The repository root (holding ``modules/`` and ``notebooks/``).

    Returns:
        Every problem found, in file order; empty when all is well.
    """
    problems: list[Problem] = []
    modules_dir = root / "modules"
    course_file = modules_dir / "course.yml"
    course: Course | None = None
    if not course_file.is_file():
        return [Problem(display_path(course_file, root), None, "", "file missing")]
    try:
        course = load_file(course_file, Course, root)
    except ContentError as exc:
        problems.extend(exc.problems)

    modules: dict[str, Module] = {}
    for folder in sorted(p for p in modules_dir.iterdir() if p.is_dir()):
        shown_folder = display_path(folder, root)
        if folder.name.startswith((".", "_")):
            continue
        if not is_module_id(folder.name):
            problems.append(
                Problem(shown_folder, None, "", "folder name must look like '04-world-cafe'")
            )
            continue
        module_file = folder / "module.yml"
        if not module_file.is_file():
            problems.append(Problem(display_path(module_file, root), None, "", "file missing"))
            continue
        try:
            module = load_file(module_file, Module, root)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        modules[folder.name] = module
        shown = display_path(module_file, root)
        if module.id != folder.name:
            line, _ = line_of(read_yaml(module_file, shown), ("id",))
            problems.append(
                Problem(
                    shown, line, "id", f"'{module.id}' does not match its folder '{folder.name}'"
                )
            )
        problems.extend(_check_activities(root, module))
        notebook = root / "notebooks" / f"{folder.name}.ipynb"
        if not notebook.is_file():
            problems.append(
                Problem(
                    shown, None, "", f"no notebook {display_path(notebook, root)} for this module"
                )
            )
    if course is not None:
        problems.extend(_check_map(root, course, modules))
        if (modules_dir / "badges.yml").is_file():
            from engage.badges.achievements import check_badges

            problems.extend(check_badges(root))
        from engage.grading.build import check_reflections

        problems.extend(check_reflections(root))
        if (modules_dir / "methods.yml").is_file():
            from engage.planning.methods import check_methods

            problems.extend(check_methods(root))
    for notebook in sorted((root / "notebooks").glob("*.ipynb")):
        if not (modules_dir / notebook.stem).is_dir():
            problems.append(
                Problem(
                    display_path(notebook, root),
                    None,
                    "",
                    f"no content folder modules/{notebook.stem}/ for this notebook",
                )
            )
    return problems


def _check_map(root: Path, course: Course, modules: dict[str, Module]) -> list[Problem]:
    course_file = root / "modules" / "course.yml"
    shown = display_path(course_file, root)
    data = read_yaml(course_file, shown)
    problems = []
    entries = {entry.id: (i, entry) for i, entry in enumerate(course.course_map)}
    for module_id, module in modules.items():
        if module_id not in entries:
            problems.append(
                Problem(shown, None, "course_map", f"module '{module_id}' is missing from the map")
            )
            continue
        index, entry = entries[module_id]
        for key in ("title", "time_to_learn"):
            if getattr(entry, key) != getattr(module, key):
                line, _ = line_of(data, ("course_map", index, key))
                problems.append(
                    Problem(
                        shown,
                        line,
                        f"course_map[{index}].{key}",
                        f"{getattr(entry, key)!r} differs from modules/{module_id}/module.yml "
                        f"({getattr(module, key)!r})",
                    )
                )
    return problems


MIN_QUIZ_QUESTIONS = 6


def _check_activities(root: Path, module: Module) -> list[Problem]:
    from engage.activities import clear_cache, load_activities

    clear_cache()
    try:
        activities = load_activities(module.id, root)
    except ContentError as exc:
        return exc.problems
    problems = []
    folder = display_path(root / "modules" / module.id, root)
    if module.number >= 1:
        if not activities.scenarios:
            problems.append(
                Problem(
                    folder + "/scenarios", None, "", "a lesson module needs at least one scenario"
                )
            )
        if activities.quiz is None:
            problems.append(
                Problem(
                    folder + "/quiz.yml",
                    None,
                    "",
                    "file missing: a lesson module needs a self-check",
                )
            )
        elif len(activities.quiz.questions) < MIN_QUIZ_QUESTIONS:
            quiz_file = root / "modules" / module.id / "quiz.yml"
            line, _ = line_of(read_yaml(quiz_file, folder + "/quiz.yml"), ("questions",))
            problems.append(
                Problem(
                    folder + "/quiz.yml",
                    line,
                    "questions",
                    f"a self-check needs at least {MIN_QUIZ_QUESTIONS} questions, "
                    f"has {len(activities.quiz.questions)}",
                )
            )
    return problems
