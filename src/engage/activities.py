"""Load a module's activities (scenarios, self-check, exercise) and decide completion."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from engage.content.loader import (
    ContentError,
    Problem,
    display_path,
    format_key_path,
    line_of,
    load_file_fast,
    read_yaml,
    validate,
)
from engage.exercise import DesignExercise, Exercise, SortExercise
from engage.quiz import Quiz, passed
from engage.scenario import Scenario, check_scenario

EXERCISE_KINDS: dict[str, type[SortExercise] | type[DesignExercise]] = {
    "sort": SortExercise,
    "design": DesignExercise,
}


@dataclass
class Activities:
    """Everything a learner does in one module besides reading."""

    module_id: str
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    quiz: Quiz | None = None
    exercise: Exercise | None = None


def load_scenario(path: Path, root: Path, *, fast: bool = False) -> Scenario:
    """Load one scenario file and check its graph.

    Args:
        path: The YAML file.
        root: The repository root, for messages.
        fast: Parse with libyaml first (for pages); precise messages still on any problem.

    Returns:
        The scenario.

    Raises:
        ContentError: With every schema or graph problem, each with file:line: key.
    """
    if fast:
        scenario = load_file_fast(path, Scenario, root)
        if scenario.id == path.stem and not check_scenario(scenario):
            return scenario
    shown = display_path(path, root)
    data = read_yaml(path, shown)
    scenario = validate(data, Scenario, shown)
    problems = []
    if scenario.id != path.stem:
        line, _ = line_of(data, ("id",))
        problems.append(
            Problem(shown, line, "id", f"'{scenario.id}' differs from the file name '{path.stem}'")
        )
    for gp in check_scenario(scenario):
        line, _ = line_of(data, gp.loc)
        problems.append(Problem(shown, line, format_key_path(gp.loc), gp.message))
    if problems:
        raise ContentError(problems)
    return scenario


def load_exercise(path: Path, root: Path) -> Exercise:
    """Load an exercise file, choosing its model by ``kind``.

    Args:
        path: The YAML file.
        root: The repository root, for messages.

    Returns:
        The exercise.

    Raises:
        ContentError: If the file is invalid.
    """
    shown = display_path(path, root)
    data = read_yaml(path, shown)
    kind = data.get("kind") if hasattr(data, "get") else None
    model = EXERCISE_KINDS.get(str(kind))
    if model is None:
        line, _ = line_of(data, ("kind",))
        known = ", ".join(EXERCISE_KINDS)
        raise ContentError([Problem(shown, line, "kind", f"should be one of: {known}")])
    return validate(data, model, shown)


def load_activities(module_id: str, root: Path, *, fast: bool = False) -> Activities:
    """Load the scenarios, self-check and exercise of a module (cached per file set).

    Args:
        module_id: The module id.
        root: The repository root.
        fast: Parse with libyaml first (for pages); precise messages still on any problem.

    Returns:
        The module's activities; missing parts are empty.

    Raises:
        ContentError: With every problem in every file.
    """
    return _load_activities(module_id, root.resolve(), fast)


@lru_cache(maxsize=16)
def _load_activities(module_id: str, root: Path, fast: bool = False) -> Activities:
    folder = root / "modules" / module_id
    result = Activities(module_id)
    problems: list[Problem] = []
    for path in sorted((folder / "scenarios").glob("*.yml")):
        try:
            scenario = load_scenario(path, root, fast=fast)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        result.scenarios[scenario.id] = scenario
    if (folder / "quiz.yml").is_file():
        path = folder / "quiz.yml"
        try:
            if fast:
                result.quiz = load_file_fast(path, Quiz, root)
            else:
                shown = display_path(path, root)
                result.quiz = validate(read_yaml(path, shown), Quiz, shown)
        except ContentError as exc:
            problems.extend(exc.problems)
    if (folder / "exercise.yml").is_file():
        try:
            result.exercise = load_exercise(folder / "exercise.yml", root)
        except ContentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ContentError(problems)
    return result


def clear_cache() -> None:
    """Forget cached activities, so edited files are read again."""
    _load_activities.cache_clear()


def quiz_results(saved: dict[str, Any] | None) -> dict[str, bool]:
    """Extract question id → latest correctness from a saved self-check.

    Args:
        saved: The progress item of a quiz, or None.

    Returns:
        The results mapping.
    """
    answers = (saved or {}).get("answers", {})
    return {qid: bool(a.get("correct")) for qid, a in answers.items() if isinstance(a, dict)}


def module_done(
    activities: Activities, scenarios: dict[str, dict], quizzes: dict[str, dict]
) -> bool:
    """Tell whether a module's scenarios are all finished and its self-check passed.

    Args:
        activities: The module's activities.
        scenarios: The learner's saved scenario runs, keyed ``<module>/<scenario>``.
        quizzes: The learner's saved self-checks, keyed by module id.

    Returns:
        True when every scenario reached an ending and the self-check is passed.
    """
    for scenario_id in activities.scenarios:
        run = scenarios.get(f"{activities.module_id}/{scenario_id}") or {}
        if not run.get("completed_once"):
            return False
    if activities.quiz is not None:
        return passed(activities.quiz, quiz_results(quizzes.get(activities.module_id)))
    return True
