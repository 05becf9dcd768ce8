"""Tests for issuing badges from a real nbgrader gradebook (``engage badges issue --gradebook``)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from engage.badges import init_issuer, load_badges, verify
from engage.badges.gradebook import Contact, eligibility, read_grades, read_learners_csv
from engage.cli import main
from engage.grading.course import gradebook
from engage.grading.status import record_rejections

REPO = Path(__file__).resolve().parents[2]
CORE = [
    "01-turning-outward",
    "02-choosing-a-model",
    "03-facilitation-fundamentals",
    "10-community-mapping",
    "11-capstone",
]
LARGE_URBAN = ["04-world-cafe", "05-dialogue-to-change"]
SMALL = ["08-conversation-cafe", "09-future-search"]
PENDING = None
"""A manual score not given yet: the reflection waits for manual grading."""

LEARNERS: dict[str, tuple[str | None, dict[str, float | None]]] = {
    "ana": ("ana@example.org", {a: 8.0 for a in CORE + LARGE_URBAN}),
    "bo": (
        None,
        {"04-world-cafe": 9.0, "05-dialogue-to-change": 6.0, "06-national-issues-forums": 2},
    ),
    "cy": ("cy@example.org", {"04-world-cafe": 9.0, "05-dialogue-to-change": PENDING}),
    "dee": (
        "dee@example.org",
        {"04-world-cafe": 5.5, "05-dialogue-to-change": 9.0, **dict.fromkeys(SMALL, 10.0)},
    ),
    "eve": ("eve@example.org", dict.fromkeys(LARGE_URBAN, 5.0)),
}
COMPLETENESS = 4.0
"""Every submission also passes an autograded completeness check worth this many points:
eve's 5 of 10 rubric points would be 9 of 14 (0.64) with it, over the 0.6 threshold."""
NOT_GRADED = ("dee", "09-future-search")
"""This submission has a score in the gradebook but was recorded as not graded."""


def build_gradebook(course: Path) -> Path:
    """Create an nbgrader course folder whose gradebook holds :data:`LEARNERS`' reflections."""
    course.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        'c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = "models-for-change"\n',
        encoding="utf-8",
    )
    assignments = sorted({a for _, scores in LEARNERS.values() for a in scores})
    with gradebook(course) as gb:
        for assignment in assignments:
            gb.add_assignment(assignment)
            gb.add_notebook(f"{assignment}-reflection", assignment)
            gb.add_grade_cell(
                "answer", f"{assignment}-reflection", assignment, max_score=10, cell_type="markdown"
            )
            gb.add_grade_cell(
                "complete",
                f"{assignment}-reflection",
                assignment,
                max_score=COMPLETENESS,
                cell_type="code",
            )
        for learner, (email, scores) in LEARNERS.items():
            gb.add_student(learner, email=email, first_name=learner.title(), last_name="Reader")
            for assignment, score in scores.items():
                gb.add_submission(assignment, learner)
                grade = gb.find_grade("answer", f"{assignment}-reflection", assignment, learner)
                grade.manual_score = score
                grade.needs_manual_grade = score is None
                check = gb.find_grade("complete", f"{assignment}-reflection", assignment, learner)
                check.auto_score = COMPLETENESS
                check.needs_manual_grade = False
                gb.db.commit()
                if (learner, assignment) != NOT_GRADED:
                    done = course / "autograded" / learner / assignment
                    done.mkdir(parents=True)
                    (done / f"{assignment}-reflection.ipynb").write_text("{}", encoding="utf-8")
    record_rejections(course, NOT_GRADED[1], {NOT_GRADED[0]: ("not a notebook", "x.ipynb")})
    return course


@pytest.fixture(autouse=True)
def _venv_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put this environment's bin/ first on PATH (nbgrader runs `alembic` by name)."""
    bin_dir = str(Path(sys.executable).parent)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return build_gradebook(tmp_path_factory.mktemp("gradebook") / "course")


@pytest.fixture(scope="module")
def catalog():
    return load_badges(REPO)


@pytest.fixture(scope="module")
def issuer_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("issuer") / "issuer"
    init_issuer(
        folder,
        name="Springfield Public Library",
        url="https://library.example.org/badges/",
        email="badges@library.example.org",
        description="A public library that runs cohorts.",
        key_bits=2048,
    )
    return folder


def test_only_graded_reflections_count_as_score_fractions(course: Path):
    """Are scores fractions of the maximum, leaving out manual-pending and not-graded work?"""
    grades = {g.learner: g for g in read_grades(course)}
    assert grades["ana"].scores == {a: pytest.approx(0.8) for a in CORE + LARGE_URBAN}
    assert grades["ana"].email == "ana@example.org"
    assert grades["ana"].name == "Ana Reader"
    assert "05-dialogue-to-change" not in grades["cy"].scores
    assert grades["cy"].scores == {"04-world-cafe": pytest.approx(0.9)}
    assert "09-future-search" not in grades["dee"].scores
    assert grades["bo"].email is None


def test_completeness_points_do_not_count_toward_a_badge(course: Path, catalog):
    """Is a score the rubric's fraction, so 5 of 10 stays under 0.6 despite the checks' 4?"""
    grades = {g.learner: g for g in read_grades(course)}
    assert grades["eve"].scores == dict.fromkeys(LARGE_URBAN, pytest.approx(0.5))
    found = eligibility(read_grades(course), catalog)
    assert "eve" not in {r.learner for r in found.records}


def test_each_rule_decides_who_earns_what(course: Path, catalog):
    """Does each learner earn exactly the achievements their graded reflections meet?"""
    found = eligibility(read_grades(course), catalog)
    assert sorted((r.learner, r.achievement) for r in found.records) == [
        ("ana", "course-completion"),
        ("ana", "track-large-urban"),
    ]
    ana = next(r for r in found.records if r.achievement == "track-large-urban")
    assert ana.evidence == tuple(LARGE_URBAN) and ana.email == "ana@example.org"
    assert found.skipped == [
        "bo / track-large-urban: email: give an email address or a URL for the learner"
    ]


def test_learners_csv_gives_a_contact_to_who_has_none(course: Path, catalog, tmp_path: Path):
    """Does a --learners CSV supply an email or URL, overriding the gradebook's?"""
    path = tmp_path / "learners.csv"
    path.write_text(
        "learner,contact\nbo,https://bo.example.net/\nana,ana.new@example.org\n", encoding="utf-8"
    )
    contacts = read_learners_csv(path)
    assert contacts == {
        "bo": Contact(url="https://bo.example.net/"),
        "ana": Contact(email="ana.new@example.org"),
    }
    found = eligibility(read_grades(course), catalog, contacts)
    assert not found.skipped
    by_key = {r.key: r for r in found.records}
    assert by_key["bo/track-large-urban"].url == "https://bo.example.net/"
    assert by_key["ana/course-completion"].email == "ana.new@example.org"


def test_cli_dry_run_then_issue_then_nothing_twice(
    course: Path, issuer_folder: Path, tmp_path: Path, capsys
):
    """Does the CLI dry-run, issue verifiable badges, and issue nothing on a re-run?"""
    out = tmp_path / "out"
    base = ["badges", "issue", "--gradebook", str(course), "--issuer", str(issuer_folder)]
    base += ["--out", str(out), "--root", str(REPO)]
    assert main([*base, "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "would issue: ana / course-completion" in text
    assert "would issue: ana / track-large-urban" in text
    assert "skipped: bo / track-large-urban" in text
    assert "dry run: 2 badge(s)" in text and not out.exists()

    assert main(base) == 0
    assert "2 issued, 0 already issued" in capsys.readouterr().out
    badge = out / "ana" / "track-large-urban.png"
    result = verify(badge, issuer_folder / "public" / "jwks.json")
    assert result.ok, result.summary()
    evidence = result.credential["evidence"] if result.credential else []
    assert len(evidence) == 2
    ledger = json.loads((out / "issued.json").read_text("utf-8"))["issued"]
    assert sorted(ledger) == ["ana/course-completion", "ana/track-large-urban"]
    before = badge.read_bytes()

    assert main(base) == 0
    assert "0 issued, 2 already issued" in capsys.readouterr().out
    assert badge.read_bytes() == before


def test_learners_csv_without_gradebook_is_refused(issuer_folder: Path, tmp_path: Path, capsys):
    """Does --learners with --eligible exit 1 saying it goes with --gradebook?"""
    eligible = tmp_path / "e.csv"
    eligible.write_text("learner,achievement,email\n", encoding="utf-8")
    code = main(
        [
            *("badges", "issue", "--eligible", str(eligible), "--learners", str(eligible)),
            *("--issuer", str(issuer_folder), "--out", str(tmp_path / "o"), "--root", str(REPO)),
        ]
    )
    assert code == 1
    assert "--learners goes with --gradebook" in capsys.readouterr().err


def test_missing_gradebook_is_reported(tmp_path: Path, issuer_folder: Path, capsys):
    """Does a course folder without gradebook.db exit 1 with the reason?"""
    code = main(
        [
            *("badges", "issue", "--gradebook", str(tmp_path), "--issuer", str(issuer_folder)),
            *("--out", str(tmp_path / "o"), "--root", str(REPO)),
        ]
    )
    assert code == 1
    assert "no gradebook.db" in capsys.readouterr().err
