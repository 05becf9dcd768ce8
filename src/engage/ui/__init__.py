"""Widgets over the course logic; the only part of the package that imports ipywidgets."""

from engage.ui.lesson import Lesson
from engage.ui.reflection import ReflectionBox
from engage.ui.start import StartPage

__all__ = ["Lesson", "ReflectionBox", "StartPage"]
