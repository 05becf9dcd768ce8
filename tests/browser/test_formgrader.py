"""Formgrader in JupyterLab on the course folder: submissions listed, learner text inert."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from engage.grading.course import ensure_assignment, gradebook
from engage.grading.grade import grade_assignment
from tests.conftest import BIN, free_port, wait_for_http
from tests.grading.conftest import ASSIGNMENT, NOTEBOOK, fixture_bytes, load_fixture_maker, submit

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture course with two graded submissions, one of them full of HTML and script."""
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    root = tmp_path_factory.mktemp("formgrader")
    course = load_fixture_maker().build_course(root)
    ensure_assignment(course, ASSIGNMENT)
    submit(course, "complete", fixture_bytes("complete"))
    submit(course, "html-and-script", fixture_bytes("html-and-script"))
    report = grade_assignment(course, ASSIGNMENT, jobs=2)
    assert {o.status for o in report.outcomes} == {"graded"}
    subprocess.run(
        [str(BIN / "nbgrader"), "generate_feedback", ASSIGNMENT],
        cwd=course,
        check=True,
        capture_output=True,
    )
    return course


@pytest.fixture(scope="module")
def lab(graded_course: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """JupyterLab started in the course folder, as the facilitator guide says."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("lab") / "lab.log"
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_RUNTIME_DIR"] = str(log_path.parent / "runtime")
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                str(BIN / "jupyter"),
                "lab",
                "--no-browser",
                f"--ServerApp.port={port}",
                "--ServerApp.ip=127.0.0.1",
                "--IdentityProvider.token=",
                "--ServerApp.password=",
                "--allow-root",
            ],
            cwd=graded_course,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for_http(f"{base}/api/status", proc, timeout=90)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_formgrader_lists_the_submissions(page, lab: str):
    """Does formgrader, in JupyterLab on the course folder, list the learners' submissions?"""
    page.goto(f"{lab}/formgrader/manage_submissions/{ASSIGNMENT}")
    page.wait_for_selector("text=html-and-script", timeout=30_000)
    body = page.inner_text("body")
    assert "complete" in body and "html-and-script" in body
    page.goto(f"{lab}/formgrader/manage_assignments")
    page.wait_for_selector(f"text={ASSIGNMENT}", timeout=30_000)


def test_learner_html_never_runs_in_formgrader(page, lab: str, graded_course: Path):
    """Is a reflection full of <script> and onerror shown as text on the grading page?"""
    with gradebook(graded_course) as gb:
        submission_id = gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, "html-and-script").id
    page.goto(f"{lab}/formgrader/submissions/{submission_id}")
    page.wait_for_selector("#notebook-container", state="attached", timeout=30_000)
    page.wait_for_timeout(1000)
    assert page.evaluate("window.__xss") is None
    assert page.locator(".engage-learner-text").count() >= 2
    assert "window.__xss = 'script'" in page.inner_text("body")
    assert page.locator("img[onerror]").count() == 0


def test_learner_html_never_runs_in_feedback(page, graded_course: Path, tmp_path: Path):
    """Opened in a browser, does the feedback file run none of the learner's script?"""
    source = graded_course / "feedback" / "html-and-script" / ASSIGNMENT / f"{NOTEBOOK}.html"
    copy = tmp_path / "feedback.html"
    shutil.copy(source, copy)
    page.goto(copy.as_uri())
    page.wait_for_timeout(500)
    assert page.evaluate("window.__xss") is None
    assert "window.__xss = 'img'" in page.inner_text("body")
