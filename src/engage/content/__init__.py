"""Course content: typed models, loading with precise errors, and whole-course checks."""

from engage.content.check import check_course
from engage.content.loader import (
    ContentError,
    Problem,
    clear_cache,
    load_course,
    load_file,
    load_module,
    repo_root,
)
from engage.content.schema import SCHEMA_VERSION, Course, Module, Text

__all__ = [
    "SCHEMA_VERSION",
    "ContentError",
    "Course",
    "Module",
    "Problem",
    "Text",
    "check_course",
    "clear_cache",
    "load_course",
    "load_file",
    "load_module",
    "repo_root",
]
