"""The three dependency lists (pyproject, environment.yml, binder/) stay in agreement."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert match, requirement
    return normalise(match.group(1)), match.group(2).replace(" ", "")


def pyproject_runtime() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(split(r) for r in data["project"]["dependencies"])


def conda_runtime(path: Path) -> dict[str, str]:
    env = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, spec = split(dep)
            if name not in {"python", "pip"}:
                out[name] = spec
    return out


def test_binder_environment_matches_pyproject():
    """Does Binder install exactly the runtime dependencies pyproject.toml declares?"""
    assert conda_runtime(ROOT / "binder" / "environment.yml") == pyproject_runtime()


def test_root_environment_matches_pyproject():
    """Does the conda environment.yml declare the same runtime dependencies?"""
    assert conda_runtime(ROOT / "environment.yml") == pyproject_runtime()


def test_python_versions_agree():
    """Do both environments pin the Python that pyproject.toml requires?"""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    minimum = data["project"]["requires-python"].removeprefix(">=")
    for path in (ROOT / "environment.yml", ROOT / "binder" / "environment.yml"):
        env = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        assert f"python={minimum}" in env["dependencies"], path


def test_voila_is_safe_version():
    """Is Voila required at 0.5.6 or later (earlier versions can read arbitrary files)?"""
    assert pyproject_runtime()["voila"].startswith(">=0.5.6")


def test_binder_postbuild_installs_package_and_settings():
    """Does postBuild install the package and the kernel-culling settings?"""
    text = (ROOT / "binder" / "postBuild").read_text(encoding="utf-8")
    assert "pip install" in text and "binder/jupyter_server_config.json" in text
    config = (ROOT / "binder" / "jupyter_server_config.json").read_text(encoding="utf-8")
    assert '"cull_idle_timeout"' in config
