"""Tests for the ``engage`` command, run as a real subprocess."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engage.content import check_course
from engage.progress import APP_MARKER, ProgressStore

REPO = Path(__file__).resolve().parents[2]
PROBLEM_LINE = re.compile(
    r"^(?P<file>[^:\s][^:]*):(?P<line>\d+): (?P<key>[\w.\[\]-]+): (?P<msg>.+)$"
)


def engage(
    *args: str, cwd: Path = REPO, data_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGAGE_")}
    if data_dir is not None:
        env["ENGAGE_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "engage.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A copy of the course whose course.yml has two schema problems."""
    root = tmp_path / "course"
    shutil.copytree(REPO / "modules", root / "modules")
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    course_file = root / "modules" / "course.yml"
    text = course_file.read_text(encoding="utf-8")
    text = text.replace("    core: true\n  - id: 01", '    core: "yes"\n  - id: 01', 1)
    text = text.replace("track_methods: [World Café, Dialogue to Change]", "track_methods: []")
    course_file.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    """A progress file exported from another learner's store."""
    other = ProgressStore(tmp_path / "elsewhere" / "progress.json")
    other.set_learner_name("Sam Rivera")
    other.set_profile("academic")
    other.mark_completed("00-start")
    path = tmp_path / "sam-progress.json"
    path.write_bytes(other.export_bytes())
    return path


# ----------------------------------------------------------------- engage check


def test_check_passes_on_the_real_repository():
    """Does `engage check` exit 0 and say ok on the course as committed?"""
    result = engage("check")
    no_traceback(result)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: ")
    assert "is valid" in result.stdout


def test_check_with_root_from_elsewhere(tmp_path: Path):
    """Does `engage check --root` check the given course whatever the working directory?"""
    result = engage("check", "--root", str(REPO), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: ")


def test_check_reports_one_line_per_problem(broken: Path, tmp_path: Path):
    """On a broken copy, does `engage check` exit 1 with one file:line: key: message per problem?"""
    result = engage("check", "--root", str(broken), cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines == [str(p) for p in check_course(broken)]
    assert len(lines) == 2
    for line in lines:
        match = PROBLEM_LINE.match(line)
        assert match, line
        assert match["file"] == "modules/course.yml"
    assert {PROBLEM_LINE.match(line)["key"] for line in lines} == {  # type: ignore[index]
        "course_map[0].core",
        "profiles[1].track_methods",
    }
    assert "2 problems found" in result.stderr
    assert "ok:" not in result.stdout


def test_check_on_a_folder_without_a_course(tmp_path: Path):
    """Does `engage check --root` on an empty folder fail with a message, not a traceback?"""
    result = engage("check", "--root", str(tmp_path), cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["modules/course.yml: file missing"]


# ----------------------------------------------------------------- help


def test_help_lists_the_subcommands():
    """Does `engage --help` list check and progress?"""
    result = engage("--help")
    assert result.returncode == 0
    assert re.search(r"^\s+check\s", result.stdout, re.MULTILINE)
    assert re.search(r"^\s+progress\s", result.stdout, re.MULTILINE)


def test_progress_help_lists_its_actions():
    """Does `engage progress --help` list show, export and import?"""
    result = engage("progress", "--help")
    assert result.returncode == 0
    for action in ("show", "export", "import"):
        assert re.search(rf"^\s+{action}\s", result.stdout, re.MULTILINE), action


def test_progress_needs_an_action():
    """Is `engage progress` without an action a usage error (exit 2)?"""
    result = engage("progress")
    assert result.returncode == 2
    assert "usage:" in result.stderr


# ----------------------------------------------------------------- engage progress


def test_progress_show_on_a_fresh_data_dir(tmp_path: Path):
    """Does `engage progress show` describe an empty record kept under ENGAGE_DATA_DIR?"""
    data = tmp_path / "data"
    result = engage("progress", "show", data_dir=data, cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        f"file: {data / 'progress.json'}",
        "learner: (no name)",
        "profile: (none chosen)",
        "completed modules: none yet",
    ]


def test_progress_import_then_show(tmp_path: Path, exported: Path):
    """Does `engage progress import` merge a file, so that `show` lists what it held?"""
    data = tmp_path / "data"
    result = engage("progress", "import", str(exported), data_dir=data, cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "Sam Rivera" in result.stdout
    assert result.stdout.strip()
    shown = engage("progress", "show", data_dir=data, cwd=tmp_path)
    assert "learner: Sam Rivera" in shown.stdout
    assert "profile: academic" in shown.stdout
    assert "completed modules: 00-start" in shown.stdout


def test_progress_import_refuses_garbage(tmp_path: Path, exported: Path):
    """Is a file that is not progress refused (exit 1, a message) with saved progress kept?"""
    data = tmp_path / "data"
    assert engage("progress", "import", str(exported), data_dir=data, cwd=tmp_path).returncode == 0
    before = (data / "progress.json").read_bytes()
    junk = tmp_path / "notes.json"
    junk.write_text("this is not json", encoding="utf-8")
    result = engage("progress", "import", str(junk), data_dir=data, cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 1
    assert result.stderr.startswith("engage progress import: notes.json")
    assert (data / "progress.json").read_bytes() == before


def test_progress_import_of_a_missing_file(tmp_path: Path):
    """Is importing a file that does not exist an error message, not a traceback?"""
    result = engage(
        "progress", "import", str(tmp_path / "nope.json"), data_dir=tmp_path / "d", cwd=tmp_path
    )
    no_traceback(result)
    assert result.returncode == 1
    assert result.stderr.startswith("engage progress import:")


def test_progress_export_writes_an_importable_file(tmp_path: Path, exported: Path):
    """Does `engage progress export FILE` write the learner's progress as JSON?"""
    data = tmp_path / "data"
    engage("progress", "import", str(exported), data_dir=data, cwd=tmp_path)
    target = tmp_path / "backup.json"
    result = engage("progress", "export", str(target), data_dir=data, cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 0
    assert str(target) in result.stdout
    envelope = json.loads(target.read_text(encoding="utf-8"))
    assert envelope["app"] == APP_MARKER
    assert envelope["progress"]["learner_name"] == "Sam Rivera"
    fresh = ProgressStore(tmp_path / "fresh" / "progress.json")
    fresh.import_bytes(target.read_bytes(), target.name)
    assert fresh.load().is_completed("00-start")


def test_progress_export_default_name_in_working_directory(tmp_path: Path):
    """Without a file name, does export write a dated file in the working directory?"""
    result = engage("progress", "export", data_dir=tmp_path / "data", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = list(tmp_path.glob(f"{APP_MARKER}-progress-*.json"))
    assert len(written) == 1
    assert re.fullmatch(rf"{APP_MARKER}-progress-\d{{4}}-\d{{2}}-\d{{2}}\.json", written[0].name)


def test_progress_export_refuses_to_overwrite(tmp_path: Path):
    """Does export refuse to overwrite an existing file, leaving it untouched?"""
    target = tmp_path / "keep.json"
    target.write_text("precious", encoding="utf-8")
    result = engage("progress", "export", str(target), data_dir=tmp_path / "data", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 1
    assert "not overwriting" in result.stderr
    assert target.read_text(encoding="utf-8") == "precious"


def test_progress_export_into_a_missing_folder(tmp_path: Path):
    """Is exporting into a folder that does not exist an error message, not a traceback?"""
    target = tmp_path / "no-such-folder" / "p.json"
    result = engage("progress", "export", str(target), data_dir=tmp_path / "data", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 1
    assert result.stderr.startswith("engage progress export:")


def test_progress_show_with_an_unusable_data_dir(tmp_path: Path):
    """If ENGAGE_DATA_DIR is a file, does `show` fail with a message, not a traceback?"""
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("I am a file", encoding="utf-8")
    result = engage("progress", "show", data_dir=not_a_folder, cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 1
    assert result.stderr.startswith("engage progress show:")


def test_progress_show_reports_a_corrupt_file(tmp_path: Path):
    """Does `show` say (on stderr) that a corrupt progress file was set aside?"""
    data = tmp_path / "data"
    data.mkdir()
    (data / "progress.json").write_text("{ broken", encoding="utf-8")
    result = engage("progress", "show", data_dir=data, cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 0
    assert "could not be read" in result.stderr
    assert "learner: (no name)" in result.stdout
    assert any(p.name.startswith("progress.json.corrupt-") for p in data.iterdir())
