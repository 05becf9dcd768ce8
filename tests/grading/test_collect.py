"""Tests of `engage collect`: files learners sent, any names, placed where nbgrader wants them."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from engage.cli import main
from engage.grading.collect import collect, read_learners
from engage.grading.course import CourseError, gradebook
from engage.grading.status import read_rejections
from engage.grading.submission import fill_reflection
from tests.grading.conftest import ASSIGNMENT, NOTEBOOK, fixture_bytes


def download(
    course: Path, name: str, stamp: str = "2026-11-20T10:00:00Z", answer: str = "A first answer."
) -> bytes:
    """A reflection as the course page's download gives it."""
    release = (course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_bytes()
    return fill_reflection(
        release,
        assignment_id=ASSIGNMENT,
        answers={"next-step": answer},
        learner_name=name,
        exported_at=stamp,
    )


def typed_in_jupyterlab(course: Path, name: str) -> bytes:
    """The released notebook with a name typed in the name cell, no course metadata name."""
    nb = json.loads((course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_text())
    for cell in nb["cells"]:
        if cell["id"] == "learner-name":
            cell["source"] = f"**Your name:** {name}"
    return json.dumps(nb).encode()


@pytest.fixture
def inbox(course: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    (folder / "week 1").mkdir(parents=True)
    (folder / "__MACOSX").mkdir()
    (folder / "Ana's reflection (1).ipynb").write_bytes(download(course, "Ana María López"))
    (folder / "week 1" / "download.ipynb").write_bytes(download(course, "Ben Okafor"))
    (folder / "ben-again.ipynb").write_bytes(
        download(course, "Ben Okafor", "2026-11-21T08:00:00Z", "Newer answer.")
    )
    (folder / "lab.ipynb").write_bytes(typed_in_jupyterlab(course, "Chidi Anagonye"))
    (folder / "anonymous.ipynb").write_bytes(typed_in_jupyterlab(course, ""))
    (folder / "essay.docx.ipynb").write_bytes(fixture_bytes("not-json"))
    (folder / "wrong.ipynb").write_bytes(fixture_bytes("other-assignment"))
    (folder / "__MACOSX" / "._lab.ipynb").write_bytes(b"\x00\x05junk")
    (folder / ".DS_Store").write_bytes(b"junk")
    return folder


def placed(report) -> dict[str, str]:
    return {p.learner: p.file for p in report.placed}


def unplaced(report) -> dict[str, str]:
    return {u.file: u.reason for u in report.unplaced}


def test_files_are_placed_by_whose_they_are_not_by_name(course: Path, inbox: Path):
    """Is each reflection placed under its learner, whatever the file is called?"""
    report = collect(inbox, course, ASSIGNMENT)
    assert placed(report) == {
        "ana-maria-lopez": "Ana's reflection (1).ipynb",
        "ben-okafor": "ben-again.ipynb",
        "chidi-anagonye": "lab.ipynb",
    }
    folder = course / "submitted" / "ben-okafor" / ASSIGNMENT
    assert sorted(p.name for p in folder.iterdir()) == [f"{NOTEBOOK}.ipynb", "timestamp.txt"]
    assert "Newer answer." in (folder / f"{NOTEBOOK}.ipynb").read_text()
    assert (folder / "timestamp.txt").read_text() == "2026-11-21 08:00:00.000000 UTC\n"


def test_what_cannot_be_placed_is_reported_with_the_reason(course: Path, inbox: Path):
    """Are junk, foreign, anonymous and duplicate files reported, each with why?"""
    reasons = unplaced(collect(inbox, course, ASSIGNMENT))
    assert sorted(reasons) == [
        "anonymous.ipynb",
        "essay.docx.ipynb",
        "week 1/download.ipynb",
        "wrong.ipynb",
    ]
    assert "not a notebook (it is not JSON)" in reasons["essay.docx.ipynb"]
    assert "reflection of 02-second-module, not of 01-listening-post" in reasons["wrong.ipynb"]
    assert "cannot tell whose reflection this is" in reasons["anonymous.ipynb"]
    assert "duplicate learner: ben-okafor" in reasons["week 1/download.ipynb"]


def test_learners_are_added_to_the_gradebook_with_their_names(course: Path, inbox: Path):
    """Are the placed learners in the gradebook, with first and last names?"""
    report = collect(inbox, course, ASSIGNMENT)
    assert sorted(report.learners_added) == ["ana-maria-lopez", "ben-okafor", "chidi-anagonye"]
    with gradebook(course) as gb:
        ana = gb.find_student("ana-maria-lopez")
        assert (ana.first_name, ana.last_name) == ("Ana María", "López")


def test_a_zip_gives_the_same_result_as_a_folder(course: Path, inbox: Path, tmp_path: Path):
    """Does collecting a ZIP of the folder place and report the same files?"""
    archive = tmp_path / "sent.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(inbox.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(inbox).as_posix())
    report = collect(archive, course, ASSIGNMENT)
    assert sorted(placed(report)) == ["ana-maria-lopez", "ben-okafor", "chidi-anagonye"]
    assert len(report.unplaced) == 4


def test_collecting_again_keeps_the_newest(course: Path, inbox: Path, tmp_path: Path):
    """Is a file collected twice reported as such, and a newer one placed over an older?"""
    collect(inbox, course, ASSIGNMENT)
    again = collect(inbox, course, ASSIGNMENT)
    assert placed(again) == {}
    assert unplaced(again)["Ana's reflection (1).ipynb"] == "already collected"
    later = tmp_path / "later"
    later.mkdir()
    (later / "x.ipynb").write_bytes(download(course, "Ana María López", "2026-11-25T10:00:00Z"))
    (later / "y.ipynb").write_bytes(download(course, "Ben Okafor", "2026-11-01T10:00:00Z"))
    report = collect(later, course, ASSIGNMENT)
    assert [(p.learner, p.replaced) for p in report.placed] == [("ana-maria-lopez", True)]
    assert unplaced(report)["y.ipynb"] == "older than the submission already collected"


def test_two_people_sharing_an_id_are_not_guessed(course: Path, tmp_path: Path):
    """When two different names give one id, is neither placed until mapped?"""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.ipynb").write_bytes(download(course, "Jo Lee"))
    (folder / "b.ipynb").write_bytes(download(course, "Jo-Lee", "2026-11-21T10:00:00Z"))
    report = collect(folder, course, ASSIGNMENT)
    assert report.placed == []
    assert any("duplicate learner id 'jo-lee'" in u.reason for u in report.unplaced)


def test_a_learners_file_names_files_and_renames_ids(course: Path, tmp_path: Path):
    """Does the mapping give ids by file and by name, store emails, and record bad files?"""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "no-name.ipynb").write_bytes(typed_in_jupyterlab(course, ""))
    (folder / "ana.ipynb").write_bytes(download(course, "Ana María López"))
    (folder / "essay.ipynb").write_bytes(fixture_bytes("not-json"))
    mapping = tmp_path / "learners.csv"
    mapping.write_text(
        "file,name,learner,email\n"
        "no-name.ipynb,,dee,dee@example.org\n"
        ",ana maría  lópez,alopez,\n"
        "essay.ipynb,,eve,\n",
        encoding="utf-8",
    )
    report = collect(folder, course, ASSIGNMENT, learners=read_learners(mapping))
    assert placed(report) == {"dee": "no-name.ipynb", "alopez": "ana.ipynb"}
    assert [u.learner for u in report.unplaced] == ["eve"]
    assert read_rejections(course, ASSIGNMENT)["eve"].reason.startswith("the file is not a")
    with gradebook(course) as gb:
        assert gb.find_student("dee").email == "dee@example.org"
        assert gb.find_student("eve").id == "eve"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("file,who\nx,y\n", "needs a 'learner' column"),
        ("file,learner\nx,../etc\n", "should be letters, digits"),
    ],
)
def test_a_bad_learners_file_is_refused(tmp_path: Path, text: str, message: str):
    """Is a mapping without the columns, or with an unsafe id, refused?"""
    path = tmp_path / "learners.csv"
    path.write_text(text)
    with pytest.raises(CourseError, match=message):
        read_learners(path)


def test_the_collect_command_prints_the_report(course: Path, inbox: Path, capsys):
    """Does `engage collect` print placed and unplaced files and exit 2 if any were not?"""
    code = main(["collect", str(inbox), "--assignment", ASSIGNMENT, "--course", str(course)])
    out = capsys.readouterr().out
    assert code == 2
    assert f"placed  lab.ipynb -> submitted/chidi-anagonye/{ASSIGNMENT}/" in out
    assert "NOT placed  wrong.ipynb [other-assignment]: it is the reflection of 02-second" in out
    assert "3 placed, 4 not placed" in out
    assert main(["collect", str(inbox), "--assignment", "nope", "--course", str(course)]) == 1
