"""End to end with real nbgrader: release, learners' downloads, collect, grade, feedback, export."""

from __future__ import annotations

import base64
import csv
import json
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from engage.cli import main
from engage.content import clear_cache, load_module
from engage.grading.course import gradebook
from engage.progress import ProgressStore
from engage.ui.reflection import ReflectionBox
from tests.grading.conftest import ASSIGNMENT, BIN, NOTEBOOK, fixture_bytes

LONG = (
    "I stood by the door of the branch with a clipboard and heard from parents of toddlers, "
    "two bus drivers and a farmer who sells eggs on Saturdays. What surprised me was how "
    "much they wanted a quiet place to meet, not more events."
)
NEXT = "I will ask the tenants' association to co-host a listening table on 12 March."
SCRIPT = "<script>window.__xss='answer'</script><img src=x onerror=\"window.__xss='img'\"> "


class ActiveContent(HTMLParser):
    """Find script tags (other than MathJax's) and event-handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        src = dict(attrs).get("src") or ""
        kind = dict(attrs).get("type") or ""
        if tag == "script" and "mathjax" not in src and kind != "text/x-mathjax-config":
            self.found.append(f"<script {attrs}>")
        self.found += [f"{tag} {k}" for k, v in attrs if k.startswith("on")]
        self.found += [f"{tag} {k}" for k, v in attrs if "javascript:" in (v or "")]


def learner_download(
    root: Path, tmp: Path, name: str, answers: dict[str, str], exercise: dict | None
) -> bytes:
    """What a learner's "Download my reflection" link gives, via the real ReflectionBox."""
    store = ProgressStore(tmp / f"{name}.json")
    if exercise is not None:
        store.put_item("exercises", ASSIGNMENT, exercise)
    clear_cache()
    box = ReflectionBox(load_module(ASSIGNMENT, root), store, "small-mid-rural", root)
    box.name.value = name
    for prompt_id, text in answers.items():
        box.areas[prompt_id].value = text
    box.flush()
    match = re.search(r"base64,([^\"]+)\"", box.download.value)
    assert match is not None
    return base64.b64decode(match.group(1))


def nbgrader(course: Path, *args: str) -> str:
    run = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stderr


@pytest.mark.timeout(240)
def test_release_collect_grade_feedback_export(
    built_course: Path, tmp_path: Path, maker, capsys: pytest.CaptureFixture[str]
):
    """Does a cohort's reflection go from release to export with every number right?"""
    root = tmp_path / "repo"
    shutil.copytree(built_course / "modules", root / "modules")
    course = root / "assignments"
    shutil.copytree(
        built_course / "assignments",
        course,
        ignore=shutil.ignore_patterns("gradebook.db", "submitted", "autograded"),
    )
    release = course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    committed = release.read_bytes()

    # 1. The facilitator releases with plain nbgrader: same bytes as the committed release.
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    assert release.read_bytes() == committed

    # 2. Three learners write on the page and download; a fourth sends a broken file.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    downloads = {
        "Ana Lopez": ({"who-you-heard": LONG, "next-step": NEXT}, maker.SORTING),
        "Ben Okafor": ({"who-you-heard": LONG, "next-step": "Soon."}, None),
        "Cy Script": ({"who-you-heard": SCRIPT + LONG, "next-step": SCRIPT + NEXT}, maker.SORTING),
    }
    for i, (name, (answers, exercise)) in enumerate(downloads.items()):
        data = learner_download(root, tmp_path, name, answers, exercise)
        (inbox / f"reflection ({i}).ipynb").write_bytes(data)
    (inbox / "dee.ipynb").write_bytes(fixture_bytes("not-json"))
    archive = tmp_path / "from-the-lms.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(inbox.iterdir()):
            zf.write(path, f"submissions/{path.name}")
    learners = tmp_path / "learners.csv"
    learners.write_text("file,learner,email\ndee.ipynb,dee,dee@example.org\n")

    # 3. Collect, 4. grade on two processes.
    code = main(
        [
            "collect",
            str(archive),
            "--assignment",
            ASSIGNMENT,
            "--course",
            str(course),
            "--learners",
            str(learners),
        ]
    )
    assert code == 2, "the broken file is reported"
    submitted = sorted(p.name for p in (course / "submitted").iterdir())
    assert submitted == ["ana-lopez", "ben-okafor", "cy-script"]
    assert main(["grade", ASSIGNMENT, "--jobs", "2", "--course", str(course)]) == 0

    # 5. Manual grading through nbgrader's API, as formgrader does.
    manual = {
        "ana-lopez": {"who-you-heard": 3, "next-step": 2},
        "ben-okafor": {"who-you-heard": 3, "next-step": 0},
        "cy-script": {"who-you-heard": 1, "next-step": 1},
    }
    with gradebook(course) as gb:
        for learner, scores in manual.items():
            for prompt_id, score in scores.items():
                grade = gb.find_grade(f"answer-{prompt_id}", NOTEBOOK, ASSIGNMENT, learner)
                assert grade.needs_manual_grade
                grade.manual_score = score
                grade.needs_manual_grade = False
                comment = gb.find_comment(f"answer-{prompt_id}", NOTEBOOK, ASSIGNMENT, learner)
                comment.manual_comment = f"Names real people: Thorough. <b>Rubric</b> {score}"
        gb.db.commit()

    # 6. Feedback, 7. export.
    nbgrader(course, "generate_feedback", ASSIGNMENT)
    nbgrader(course, "export")
    with (course / "grades.csv").open(newline="") as handle:
        rows = {r["student_id"]: r for r in csv.DictReader(handle) if r["assignment"] == ASSIGNMENT}

    completeness = {"ana-lopez": 3, "ben-okafor": 1, "cy-script": 3}
    for learner, scores in manual.items():
        row = rows[learner]
        total = float(sum(scores.values()) + completeness[learner])
        assert row["status"] == "graded", learner
        assert float(row["raw_score"]) == total, learner
        assert float(row["score"]) == total and float(row["late_submission_penalty"]) == 0.0
        assert float(row["max_score"]) == 9.0
        assert row["timestamp"].startswith("20"), "the download time is the submission time"
    assert rows["ana-lopez"]["first_name"] == "Ana" and rows["ana-lopez"]["last_name"] == "Lopez"
    dee = rows["dee"]
    assert (dee["status"], dee["score"], dee["raw_score"]) == ("not graded", "", "")
    assert "not a notebook" in dee["reason"] and dee["email"] == "dee@example.org"

    # The feedback shows the learner's own text, the rubric and the comments, inertly.
    feedback = {
        learner: (course / "feedback" / learner / ASSIGNMENT / f"{NOTEBOOK}.html").read_text()
        for learner in manual
    }
    ana = feedback["ana-lopez"]
    assert "a quiet place to meet, not more events" in ana
    assert "Rubric for question 1" in ana and "Names groups broadly." in ana
    assert "Names real people: Thorough. &lt;b&gt;Rubric&lt;/b&gt; 3" in ana
    assert "(Score: 8.0 / 9.0)" in ana
    assert "Question 1: answered" in ana and "Exercise attached: 3 of 4" in ana
    assert "No exercise result is attached" in feedback["ben-okafor"]
    assert "HIDDEN" not in ana and "MARK SCHEME" not in ana
    cy = feedback["cy-script"]
    assert "&lt;script&gt;window.__xss='answer'&lt;/script&gt;" in cy
    parser = ActiveContent()
    parser.feed(cy)
    assert parser.found == []

    # 8. Badges from this gradebook (the fixture course's modules/badges.yml: the listening
    # post badge needs half the rubric's 6 points; the two-module badge also needs 02, which
    # nobody submitted). Ben's 3 of 6 earns it though his total is 4 of 9; Cy's 2 of 6 does
    # not, though the completeness checks lift his total to 5 of 9.
    issue_badges_from_the_gradebook(root, course, tmp_path, capsys)


def issue_badges_from_the_gradebook(root: Path, course: Path, tmp_path: Path, capsys) -> None:
    """Issue, verify and re-issue badges from the gradebook the cohort above produced."""
    issuer = tmp_path / "issuer"
    args = ["--name", "Springfield Public Library", "--url", "https://library.example.org/b/"]
    args += ["--email", "badges@library.example.org", "--description", "Runs cohorts."]
    assert main(["badges", "init-issuer", str(issuer), *args]) == 0
    capsys.readouterr()
    contacts = tmp_path / "badge-contacts.csv"
    contacts.write_text(
        "learner,contact\nana-lopez,ana@example.org\nben-okafor,https://ben.example.net/\n",
        encoding="utf-8",
    )
    out = tmp_path / "badges"
    issue = ["badges", "issue", "--gradebook", str(course), "--learners", str(contacts)]
    issue += ["--issuer", str(issuer), "--out", str(out), "--root", str(root)]

    assert main([*issue, "--dry-run"]) == 0
    planned = capsys.readouterr().out
    assert "would issue: ana-lopez / listening-post" in planned
    assert "would issue: ben-okafor / listening-post" in planned, "3 of 6 is half the rubric"
    assert "cy-script" not in planned, "2 of 6: completeness points do not count"
    assert "dee" not in planned, "a file that was not a notebook earns nothing"
    assert "both-modules" not in planned, "nobody submitted the second module"
    assert "dry run: 2 badge(s)" in planned and not out.exists()

    assert main(issue) == 0
    assert "2 issued, 0 already issued" in capsys.readouterr().out
    with (out / "summary.csv").open(newline="") as handle:
        summary = list(csv.DictReader(handle))
    assert [(r["learner"], r["achievement"]) for r in summary] == [
        ("ana-lopez", "listening-post"),
        ("ben-okafor", "listening-post"),
    ]
    jwks = issuer / "public" / "jwks.json"
    for row in summary:
        for kind in ("png", "svg", "jws"):
            badge = out / row[kind]
            assert badge.is_file(), badge
            check = ["badges", "verify", str(badge), "--jwks", str(jwks)]
            if row["learner"] == "ana-lopez":
                check += ["--email", "ana@example.org"]
            assert main(check) == 0, capsys.readouterr().out
            assert capsys.readouterr().out.rstrip().endswith("VALID")
    assert (
        main(
            [
                "badges",
                "verify",
                str(out / summary[0]["png"]),
                "--jwks",
                str(jwks),
                "--email",
                "ben@example.org",
            ]
        )
        == 1
    ), "issued to ana, not to ben"
    capsys.readouterr()

    from engage.badges import verify

    result = verify(out / summary[0]["png"], jwks)
    credential = result.credential or {}
    assert credential["credentialSubject"]["achievement"]["name"] == "Listening Post Reflection"
    evidence = credential["evidence"]
    assert len(evidence) == 1 and ASSIGNMENT in json.dumps(evidence)
    assert result.ok and credential["id"] == summary[0]["credential_id"]

    before = {row["png"]: (out / row["png"]).read_bytes() for row in summary}
    assert main(issue) == 0
    assert "0 issued, 2 already issued" in capsys.readouterr().out
    assert {name: (out / name).read_bytes() for name in before} == before
