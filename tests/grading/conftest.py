"""Shared fixtures of the grading tests: the fixture course built once, copied per test."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import warnings
from pathlib import Path
from types import ModuleType

import pytest
from ruamel.yaml import YAML

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "grading"
BIN = Path(sys.executable).parent
ASSIGNMENT = "01-listening-post"
NOTEBOOK = f"{ASSIGNMENT}-reflection"
OTHER = "02-second-module"


def load_fixture_maker() -> ModuleType:
    """Import tests/fixtures/grading/make_fixtures.py (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_fixtures"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def maker() -> ModuleType:
    """The fixture maker module."""
    return load_fixture_maker()


@pytest.fixture(scope="session")
def expected() -> dict:
    """The expected outcome of each bad-submission fixture."""
    return YAML(typ="safe").load((FIXTURES / "expected.yml").read_text("utf-8"))


@pytest.fixture(autouse=True)
def _venv_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put this environment's bin/ first on PATH (nbgrader runs `alembic` by name)."""
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", message=".*not in session.*")


@pytest.fixture(scope="session")
def built_course(tmp_path_factory: pytest.TempPathFactory, maker: ModuleType) -> Path:
    """The fixture course built once, with both assignments in its gradebook."""
    from engage.grading.course import ensure_assignment

    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    root = tmp_path_factory.mktemp("fixture-course")
    course = maker.build_course(root)
    for assignment in (ASSIGNMENT, OTHER):
        ensure_assignment(course, assignment)
    return root


@pytest.fixture
def course_root(built_course: Path, tmp_path: Path) -> Path:
    """A private copy of the built fixture repository (modules/ and assignments/)."""
    target = tmp_path / "repo"
    shutil.copytree(built_course, target)
    return target


@pytest.fixture
def course(course_root: Path) -> Path:
    """The nbgrader course folder of a private copy of the fixture course."""
    return course_root / "assignments"


def submit(
    course: Path,
    learner: str,
    data: bytes,
    assignment: str = ASSIGNMENT,
    stamp: str = "2026-11-20 10:00:00.000000 UTC",
) -> Path:
    """Put a submission where nbgrader expects it, as `nbgrader collect` would."""
    folder = course / "submitted" / learner / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment}-reflection.ipynb"
    path.write_bytes(data)
    (folder / "timestamp.txt").write_text(stamp + "\n", encoding="utf-8")
    return path


def fixture_bytes(name: str) -> bytes:
    """Read one committed submission fixture (``<name>.ipynb``, or ``<name>.bytes``)."""
    [path] = [p for p in submission_fixtures() if p.stem == name]
    return path.read_bytes()


def submission_fixtures() -> list[Path]:
    """The committed submission fixtures: notebooks, and raw bytes that are not notebooks."""
    folder = FIXTURES / "submissions"
    return sorted(p for p in folder.iterdir() if p.suffix in {".ipynb", ".bytes"})
