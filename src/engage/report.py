"""Course statistics: words of teaching text, scenarios, decision points, questions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from engage.activities import load_activities
from engage.content import load_course, load_module
from engage.content.schema import Module, Text
from engage.scenario import scenario_stats, shortest_path_length

WORD = re.compile(r"[A-Za-z0-9\u2019'-]+")


@dataclass(frozen=True)
class ModuleReport:
    """What one module holds."""

    module_id: str
    words: int
    scenarios: list[tuple[str, int, int, int, list[str]]]
    """(scenario id, decision points, endings, shortest path, profiles tailored for)."""
    questions: int
    exercise: str | None


def count_words(text: str) -> int:
    """Count the words of a Markdown text.

    Args:
        text: Markdown.

    Returns:
        The number of words.
    """
    return len(WORD.findall(re.sub(r"\(https?://[^)]*\)", "", text)))


def _all_text(value: Text) -> str:
    return value.default


def teaching_words(module: Module) -> int:
    """Count the words of a module's teaching text (default variants).

    Args:
        module: The module.

    Returns:
        Words in the summary, objectives, sections, takeaways and what's next.
    """
    parts = [module.summary, *module.objectives, module.takeaways, module.whats_next]
    parts += [s.body for s in module.sections]
    return sum(count_words(_all_text(p)) for p in parts) + sum(
        count_words(s.title) for s in module.sections
    )


def module_report(module_id: str, root: Path) -> ModuleReport:
    """Report on one module.

    Args:
        module_id: The module id.
        root: The repository root.

    Returns:
        The report.
    """
    module = load_module(module_id, root)
    activities = load_activities(module_id, root)
    scenarios = []
    for scenario in activities.scenarios.values():
        stats = scenario_stats(scenario)
        scenarios.append(
            (
                scenario.id,
                stats["decision_points"],
                stats["endings"],
                shortest_path_length(scenario),
                list(scenario.profiles),
            )
        )
    exercise = activities.exercise
    return ModuleReport(
        module_id,
        teaching_words(module),
        scenarios,
        len(activities.quiz.questions) if activities.quiz else 0,
        f"{exercise.kind}: {exercise.title}" if exercise else None,
    )


def course_report(root: Path) -> list[ModuleReport]:
    """Report on every built module of the course.

    Args:
        root: The repository root.

    Returns:
        One report per module folder that has a module.yml, in course order.
    """
    course = load_course(root)
    return [
        module_report(entry.id, root)
        for entry in course.course_map
        if (root / "modules" / entry.id / "module.yml").is_file()
    ]


def format_report(reports: list[ModuleReport]) -> str:
    """Format reports as a plain-text table.

    Args:
        reports: Module reports.

    Returns:
        Lines of text.
    """
    lines = []
    for r in reports:
        lines.append(
            f"{r.module_id}: {r.words} words of teaching text, "
            f"{len(r.scenarios)} scenarios, {r.questions} self-check questions"
            + (f", exercise {r.exercise}" if r.exercise else "")
        )
        for sid, decisions, endings, shortest, profiles in r.scenarios:
            tailored = ", ".join(profiles) if profiles else "all profiles alike"
            lines.append(
                f"    scenario {sid}: {decisions} decision points, {endings} endings, "
                f"shortest path {shortest} decisions, tailored for {tailored}"
            )
    return "\n".join(lines)
