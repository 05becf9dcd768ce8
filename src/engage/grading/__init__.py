"""Reflections graded with nbgrader: assignments from content, collect, parallel grading."""

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
