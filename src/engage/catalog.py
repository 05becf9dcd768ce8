"""The course catalogue as a learner sees it: which modules exist, are recommended, are done."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engage.content.schema import Course, CourseMapEntry


@dataclass(frozen=True)
class ModuleStatus:
    """One module of the course map, as shown on the start page."""

    entry: CourseMapEntry
    built: bool
    href: str | None
    recommended: bool
    completed: bool

    @property
    def number(self) -> int:
        """The module's two-digit number as an int."""
        return int(self.entry.id[:2])


def is_built(module_id: str, root: Path) -> bool:
    """Tell whether a module has both its content folder and its notebook.

    Args:
        module_id: The module id.
        root: The repository root.

    Returns:
        True if ``modules/<id>/module.yml`` and ``notebooks/<id>.ipynb`` both exist.
    """
    return (root / "modules" / module_id / "module.yml").is_file() and (
        root / "notebooks" / f"{module_id}.ipynb"
    ).is_file()


def module_statuses(
    course: Course, root: Path, profile: str | None, completed: set[str]
) -> list[ModuleStatus]:
    """List every module of the course map with what the start page needs to show it.

    Args:
        course: The loaded course.
        root: The repository root.
        profile: The learner's profile id, or None when none is chosen yet.
        completed: Ids of the modules the learner has finished.

    Returns:
        One status per course-map entry, in course order. ``href`` is a link relative to
        the notebooks folder, so it works under Voila and JupyterLab alike; None when the
        module is not built yet.
    """
    path = set(course.profile(profile).recommended_path) if profile else set()
    statuses = []
    for entry in course.course_map:
        built = is_built(entry.id, root)
        statuses.append(
            ModuleStatus(
                entry=entry,
                built=built,
                href=f"{entry.id}.ipynb" if built else None,
                recommended=entry.id in path,
                completed=entry.id in completed,
            )
        )
    return statuses


def path_progress(statuses: list[ModuleStatus]) -> tuple[int, int, int]:
    """Count progress along the recommended path.

    Args:
        statuses: The result of :func:`module_statuses`.

    Returns:
        (finished modules on the path, modules on the path, minutes left on the path).
    """
    on_path = [s for s in statuses if s.recommended]
    done = [s for s in on_path if s.completed]
    minutes_left = sum(s.entry.time_to_learn for s in on_path if not s.completed)
    return len(done), len(on_path), minutes_left


def format_minutes(minutes: int) -> str:
    """Format a duration for learners, e.g. ``45 min`` or ``1 h 30 min``.

    Args:
        minutes: The duration in minutes.

    Returns:
        The duration in words a learner reads at a glance.
    """
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"
