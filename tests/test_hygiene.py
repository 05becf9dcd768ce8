"""Repository hygiene: stripped, thin notebooks; clean paths; every module has its notebook."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from engage.content import load_module

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ALL_NOTEBOOKS = NOTEBOOKS + sorted((ROOT / "benchmarks").rglob("*.ipynb"))
MAX_CODE_LINES = 16  # "about fifteen": one line per part of a lesson page


def tracked_paths() -> list[Path]:
    import subprocess

    out = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [ROOT / line for line in out.splitlines() if line]


def code_cells(nb_path: Path) -> list[dict]:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def test_there_are_notebooks():
    """Is there at least the start page to test?"""
    assert (ROOT / "notebooks" / "00-start.ipynb") in NOTEBOOKS


@pytest.mark.parametrize("nb_path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_and_counts_stripped(nb_path: Path):
    """Are outputs, execution counts and widget state stripped before commit?"""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{nb_path.name}: a cell has outputs"
            assert cell["execution_count"] is None, f"{nb_path.name}: execution count left"
    assert "widgets" not in nb["metadata"], f"{nb_path.name}: widget state left in metadata"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_thin(nb_path: Path):
    """Is each lesson notebook thin: no def or class, at most ~15 lines of code?"""
    lines = 0
    for cell in code_cells(nb_path):
        tree = ast.parse(source(cell))
        for node in ast.walk(tree):
            assert not isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
            ), f"{nb_path.name}: logic belongs in the package"
        lines += sum(1 for line in source(cell).splitlines() if line.strip())
    assert lines <= MAX_CODE_LINES, f"{nb_path.name}: {lines} lines of code"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_lesson_skeleton(nb_path: Path):
    """Does each notebook show its overview first, every section once, and the wrap-up last?"""
    calls = [source(c) for c in code_cells(nb_path)]
    assert calls, f"{nb_path.name} has no code"
    assert calls[0].rstrip().endswith(".overview()"), "the first cell must show the overview"
    assert calls[-1].strip().endswith(".wrap_up()"), "the last cell must show the wrap-up"
    shown = re.findall(r"""\.section\(["']([a-z0-9-]+)["']\)""", "\n".join(calls))
    module = load_module(nb_path.stem, ROOT)
    expected = [s.id for s in module.sections]
    assert sorted(shown) == sorted(expected), (
        f"{nb_path.name} shows sections {shown}, module.yml has {expected}"
    )
    assert shown == [s for s in expected if s in shown], "sections out of order"
    scenarios = sorted(
        p.stem for p in (ROOT / "modules" / nb_path.stem / "scenarios").glob("*.yml")
    )
    played = re.findall(r"""\.scenario\(["']([a-z0-9_-]+)["']\)""", "\n".join(calls))
    assert sorted(played) == scenarios, f"{nb_path.name} plays {played}, folder has {scenarios}"
    folder = ROOT / "modules" / nb_path.stem
    kinds = [_kind(c) for c in calls]
    if nb_path.stem != "00-start":
        assert_lesson_rhythm(nb_path.name, kinds, folder, len(expected), len(scenarios))


TOOLS = {
    "exercise",
    "asset_map",
    "stakeholder_grid",
    "partner_network",
    "coalition_stage",
    "chooser",
    "planner",
    "plan_document",
}


def assert_lesson_rhythm(
    name: str, kinds: list[str], folder: Path, sections: int, scenarios: int
) -> None:
    """Overview, lesson sections, scenarios, hands-on tools, self-check, reflection, take-away."""
    order = ["overview", "section", "scenario", "tool", "quiz", "reflection", "wrap_up"]
    ranks = [
        order.index("tool" if k in TOOLS else k) if (k in TOOLS or k in order) else -1
        for k in kinds
    ]
    assert -1 not in ranks, f"{name}: unknown part {kinds[ranks.index(-1)]}"
    assert ranks == sorted(ranks), f"{name}: parts out of the lesson rhythm: {kinds}"
    assert kinds.count("overview") == 1 and kinds.count("wrap_up") == 1
    assert kinds.count("section") == sections and kinds.count("scenario") == scenarios
    assert ("exercise" in kinds) == (folder / "exercise.yml").is_file(), f"{name}: exercise"
    assert ("quiz" in kinds) == (folder / "quiz.yml").is_file(), f"{name}: self-check"
    module = load_module(folder.name, ROOT)
    assert ("reflection" in kinds) == (module.reflection is not None), f"{name}: reflection"


def _kind(cell_source: str) -> str:
    last = cell_source.strip().splitlines()[-1]
    match = re.search(r"\.([a-z_]+)\(", last)
    return match.group(1) if match else last


def test_no_spaces_checkpoints_or_stray_files():
    """Are there no spaces in paths and no .ipynb_checkpoints in the repository?"""
    for path in tracked_paths():
        rel = path.relative_to(ROOT).as_posix()
        assert " " not in rel, f"space in path: {rel}"
        assert ".ipynb_checkpoints" not in rel, f"checkpoint committed: {rel}"


def test_logic_never_imports_widgets():
    """Do only engage/ui modules import ipywidgets or IPython?"""
    for path in (ROOT / "src" / "engage").rglob("*.py"):
        if "ui" in path.relative_to(ROOT / "src" / "engage").parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in {"ipywidgets", "IPython"}, (
                    f"{path.relative_to(ROOT)} imports {name}"
                )


def test_every_python_file_has_a_module_docstring():
    """Does every package and test file open with a one-line docstring?"""
    for path in [*(ROOT / "src").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc, f"{path.relative_to(ROOT)} has no module docstring"


def test_no_secrets_in_the_repository():
    """Is no private key or signing key material committed (the repo is public on Binder)?"""
    pattern = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----|\"d\"\s*:\s*\"[A-Za-z0-9_-]{20,}")
    for path in tracked_paths():
        if path.suffix in {".pem", ".key", ".jwk", ".p12"}:
            raise AssertionError(f"key file in the repository: {path.relative_to(ROOT)}")
        if path.is_file() and path.stat().st_size < 2_000_000:
            text = path.read_text(encoding="utf-8", errors="ignore")
            assert not pattern.search(text), f"key material in {path.relative_to(ROOT)}"
