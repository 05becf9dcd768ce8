"""Reflections graded with nbgrader: assignments from content, collect, parallel grading."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engage.grading.build import (
        BuildReport,
        ReflectionAssignment,
        build_assignments,
        check_reflections,
        reflection_assignments,
    )

__all__ = [
    "BuildReport",
    "ReflectionAssignment",
    "build_assignments",
    "check_reflections",
    "reflection_assignments",
]


def __getattr__(name: str) -> Any:
    """Import the build functions on first use, so that grading starts without them."""
    if name in __all__:
        from engage.grading import build

        return getattr(build, name)
    raise AttributeError(f"module 'engage.grading' has no attribute {name!r}")
