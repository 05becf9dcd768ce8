"""Parallel autograding: each worker grades in its own copy of the course, one process merges.

nbgrader grades one submission at a time, and its sqlite gradebook does not take concurrent
writers. :func:`grade_assignment` vets every submission first (a broken file never reaches
nbgrader, and never stops the others), then runs nbgrader's own ``Autograde`` in N worker
processes. Each worker has a private course folder: the configuration, the assignment's
source, and a snapshot of the gradebook. When a worker finishes a submission, the main
process copies what ``nbgrader autograde`` would have written (the submission's timestamp,
late penalties, autograder scores, "needs manual grade" flags and automatic comments) into
the real gradebook through nbgrader's API, and moves the autograded notebook into place. So
the results are those of ``nbgrader autograde`` with the same configuration, and the
gradebook has one writer.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
import re
import shutil
import sqlite3
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engage.grading import layout
from engage.grading.course import (
    CourseError,
    assignment_notebooks,
    course_directory,
    ensure_assignment,
    gradebook,
    load_config,
    source_grade_ids,
)
from engage.grading.status import record_rejections
from engage.grading.submission import inspect_submission

START_METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
"""How workers start: forked on Linux (nbgrader is already imported, saving ~3 s each)."""

GRADED = "graded"
NOT_GRADED = "not graded"
SKIPPED = "skipped"


@dataclass
class Outcome:
    """What happened to one learner's submission."""

    learner: str
    status: str
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class GradeReport:
    """The result of grading one assignment."""

    assignment: str
    jobs: int
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def by_status(self, status: str) -> list[Outcome]:
        """Return the outcomes with one status, by learner id.

        Args:
            status: ``graded``, ``not graded`` or ``skipped``.

        Returns:
            The matching outcomes.
        """
        return sorted((o for o in self.outcomes if o.status == status), key=lambda o: o.learner)


# --------------------------------------------------------------------------- worker side

_WORKER: dict[str, Any] = {}


def _init_worker(course: str, snapshot: str, scratch: str, path: str) -> None:
    """Give this worker process its own course folder with a copy of the gradebook."""
    os.environ["PATH"] = path
    warnings.filterwarnings("ignore")
    # Kernels inherit stderr and chatter there; nbgrader's own messages go to a logger.
    quiet = os.open(os.path.join(scratch, f"stderr-{os.getpid()}.log"), os.O_WRONLY | os.O_CREAT)
    os.dup2(quiet, 2)
    os.close(quiet)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    root = Path(tempfile.mkdtemp(prefix=f"worker-{os.getpid()}-", dir=scratch))
    source = Path(course)
    shutil.copy2(source / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(source / "source", root / "source")
    shutil.copy2(snapshot, root / "gradebook.db")
    config = load_config(source)
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    _WORKER.update(root=root, course=source, config=config)


def _grade_in_worker(assignment_id: str, learner: str) -> dict[str, Any]:
    """Autograde one submission in this worker's course folder and read back the results."""
    import io

    from nbgrader.api import Gradebook
    from nbgrader.converters import Autograde

    started = time.perf_counter()
    root: Path = _WORKER["root"]
    src = _WORKER["course"] / "submitted" / learner / assignment_id
    dest = root / "submitted" / learner / assignment_id
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest)
    out = root / "autograded" / learner / assignment_id
    if out.exists():
        shutil.rmtree(out)
    coursedir = course_directory(root, _WORKER["config"])
    coursedir.assignment_id = assignment_id
    coursedir.student_id = learner
    buffer = io.StringIO()
    logger = logging.getLogger(f"engage.grading.worker.{learner}")
    logger.propagate = False
    logger.handlers = [logging.StreamHandler(buffer)]
    logger.setLevel(logging.WARNING)
    converter = Autograde(coursedir=coursedir, config=_WORKER["config"], log=logger)
    converter.force = True
    converter.create_student = True
    error = ""
    try:
        converter.start()
    except BaseException as exc:  # nbgrader raises NbGraderException or worse; keep going
        error = f"{type(exc).__name__}: {exc}"
    result: dict[str, Any] = {
        "learner": learner,
        "ok": not error and out.is_dir(),
        "error": error,
        "log": buffer.getvalue(),
        "autograded": str(out),
        "seconds": time.perf_counter() - started,
    }
    if not result["ok"]:
        return result
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        submission = gb.find_submission(assignment_id, learner)
        result["timestamp"] = submission.timestamp
        result["notebooks"] = {
            nb.name: {
                "late_submission_penalty": nb.late_submission_penalty,
                "grades": {g.name: g.auto_score for g in nb.grades},
                "comments": {c.name: c.auto_comment for c in nb.comments},
            }
            for nb in submission.notebooks
        }
    return result


# --------------------------------------------------------------------------- main side


def _snapshot(db_url: str, target: Path) -> None:
    """Copy a sqlite gradebook consistently, even while others read it."""
    if not db_url.startswith("sqlite:///"):
        raise CourseError(
            "engage grade --jobs needs the course's sqlite gradebook; with another database, "
            "grade with `nbgrader autograde`"
        )
    source = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    copy = sqlite3.connect(target)
    with copy:
        source.backup(copy)
    copy.close()
    source.close()


def _merge(gb: Any, course: Path, assignment_id: str, result: dict[str, Any]) -> None:
    """Write one worker's autograde results into the real gradebook, then move the files.

    Args:
        gb: The open gradebook of the real course (this process is its only writer here).
        course: The course folder.
        assignment_id: The assignment.
        result: What the worker read back from its own gradebook.
    """
    learner = result["learner"]
    gb.update_or_create_student(learner)
    if result["timestamp"] is not None:
        submission = gb.update_or_create_submission(
            assignment_id, learner, timestamp=result["timestamp"]
        )
    else:
        submission = gb.update_or_create_submission(assignment_id, learner)
    for notebook in submission.notebooks:
        data = result["notebooks"][notebook.name]
        notebook.late_submission_penalty = data["late_submission_penalty"]
        for grade in notebook.grades:
            auto_score = data["grades"][grade.name]
            grade.auto_score = auto_score
            grade.needs_manual_grade = grade.manual_score is not None or auto_score is None
        for comment in notebook.comments:
            comment.auto_comment = data["comments"][comment.name]
    gb.db.commit()
    target = course / "autograded" / learner / assignment_id
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(result["autograded"], target)


_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b:?.*$")


def _failure_reason(result: dict[str, Any]) -> str:
    """Pick the most telling line of nbgrader's log: the last exception raised."""
    lines = [ln.strip() for ln in (result.get("log") or "").splitlines() if ln.strip()]
    found = [ln for ln in lines if _EXCEPTION_LINE.match(ln)]
    detail = found[-1] if found else (result.get("error") or "unknown error")
    return f"nbgrader could not grade it: {detail[:300]}"


def _due(
    coursedir: Any,
    course: Path,
    assignment_id: str,
    learner: str,
    force: bool,
    notebooks: list[str],
) -> bool:
    """Decide, as ``nbgrader autograde`` does, whether a submission needs (re)grading."""
    dest = course / "autograded" / learner / assignment_id
    if force or not all((dest / f"{nb}.ipynb").is_file() for nb in notebooks):
        return True
    new = coursedir.get_existing_timestamp(str(course / "submitted" / learner / assignment_id))
    old = coursedir.get_existing_timestamp(str(dest))
    return new is not None and old is not None and new > old


def grade_assignment(
    course: Path,
    assignment_id: str,
    *,
    jobs: int = 2,
    force: bool = False,
    learners: list[str] | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> GradeReport:
    """Autograde every submission of an assignment on ``jobs`` processes.

    Submissions already autograded are skipped unless they are newer or ``force`` is set,
    as with ``nbgrader autograde``. Files that cannot be graded are reported with the
    reason, recorded in ``grading-status/<assignment>.json`` (so exports show "not graded",
    never a zero) and leave any earlier grade of that learner untouched.

    Args:
        course: The nbgrader course folder (``assignments/``).
        assignment_id: The assignment to grade.
        jobs: How many submissions to grade at once (one process each).
        force: Grade again submissions that were already autograded.
        learners: Only these learner ids (all if None).
        progress: Called with each outcome as soon as it is known.

    Returns:
        The outcome of every submission.

    Raises:
        CourseError: If the course or assignment cannot be used.
    """
    started = time.perf_counter()
    course = course.resolve()
    config = load_config(course)
    notebooks = assignment_notebooks(course, assignment_id)
    ensure_assignment(course, assignment_id, config)
    coursedir = course_directory(course, config)
    report = GradeReport(assignment_id, max(1, jobs))
    known = source_grade_ids(course)

    def done(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        if progress is not None:
            progress(outcome)

    submitted = course / "submitted"
    folders = sorted(p for p in submitted.glob(f"*/{assignment_id}") if p.is_dir())
    todo: list[str] = []
    rejected: dict[str, tuple[str, str]] = {}
    notes: dict[str, list[str]] = {}
    for folder in folders:
        learner = folder.parent.name
        if learners is not None and learner not in learners:
            continue
        if not _due(coursedir, course, assignment_id, learner, force, notebooks):
            done(Outcome(learner, SKIPPED, "already autograded (use --force to grade again)"))
            continue
        problem, file_name, found_notes = _vet(folder, assignment_id, notebooks, known)
        if problem:
            rejected[learner] = (problem, file_name)
            done(Outcome(learner, NOT_GRADED, problem, found_notes))
            continue
        notes[learner] = found_notes
        todo.append(learner)

    graded: list[str] = []
    if todo:
        graded = _run_workers(
            course, config, assignment_id, todo, report.jobs, notes, done, rejected
        )
    with gradebook(course, config) as gb:
        for learner in rejected:
            gb.update_or_create_student(learner)
    record_rejections(course, assignment_id, rejected, graded)
    report.seconds = time.perf_counter() - started
    return report


def _vet(
    folder: Path, assignment_id: str, notebooks: list[str], known: dict[str, set[str]]
) -> tuple[str, str, list[str]]:
    """Check a submission folder before nbgrader sees it: (problem, file, notes)."""
    found_notes: list[str] = []
    for name in notebooks:
        path = folder / f"{name}.ipynb"
        if not path.is_file():
            others = sorted(p.name for p in folder.glob("*.ipynb"))
            extra = f" (it has {', '.join(others)})" if others else ""
            return f"no notebook named {name}.ipynb in the submission{extra}", "", found_notes
        try:
            data = path.read_bytes()
        except OSError as exc:
            return f"cannot read the file: {exc.strerror}", path.name, found_notes
        sub = inspect_submission(data, assignment_id=assignment_id, known_ids=known)
        if sub.problem:
            return sub.problem, path.name, sub.notes
        found_notes.extend(sub.notes)
    return "", "", found_notes


def _run_workers(
    course: Path,
    config: Any,
    assignment_id: str,
    todo: list[str],
    jobs: int,
    notes: dict[str, list[str]],
    done: Callable[[Outcome], None],
    rejected: dict[str, tuple[str, str]],
) -> list[str]:
    """Grade ``todo`` on worker processes, merging each result as it arrives.

    If a worker process dies (a kernel that eats all memory, say), every submission that
    was pending in that pool is graded again, each in a pool of its own, so only the one
    that kills its process is reported.
    """
    graded: list[str] = []
    coursedir = course_directory(course, config)
    notebook_file = f"{assignment_notebooks(course, assignment_id)[0]}.ipynb"
    with tempfile.TemporaryDirectory(prefix="engage-grade-") as scratch:
        snapshot = Path(scratch) / "snapshot.db"
        _snapshot(coursedir.db_url, snapshot)
        args = (str(course), str(snapshot), scratch, layout.venv_path())

        def run(
            batch: list[str], size: int, merge: Callable[[dict[str, Any]], None], last_try: bool
        ) -> list[str]:
            broken: list[str] = []
            context = multiprocessing.get_context(START_METHOD)
            with cf.ProcessPoolExecutor(size, context, _init_worker, args) as pool:
                futures = {pool.submit(_grade_in_worker, assignment_id, s): s for s in batch}
                for future in cf.as_completed(futures):
                    learner = futures[future]
                    try:
                        result = future.result()
                    except cf.process.BrokenProcessPool:
                        if not last_try:
                            broken.append(learner)
                            continue
                        result = {"ok": False, "error": "the grading process died", "log": ""}
                    except Exception as exc:
                        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "log": ""}
                    seconds = result.get("seconds", 0.0)
                    if result.get("ok"):
                        merge(result)
                        graded.append(learner)
                        done(Outcome(learner, GRADED, "", notes.get(learner, []), seconds))
                    else:
                        reason = _failure_reason(result)
                        rejected[learner] = (reason, notebook_file)
                        done(Outcome(learner, NOT_GRADED, reason, notes.get(learner, []), seconds))
            return broken

        opened: list[Any] = []

        def merge(result: dict[str, Any]) -> None:
            # Opened on the first result, once the workers have started: workers never
            # touch the real gradebook, and no transaction is open while they are forked.
            if not opened:
                opened.append(gradebook(course, config))
            _merge(opened[0], course, assignment_id, result)

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for learner in run(todo, min(jobs, len(todo)), merge, last_try=False):
                    run([learner], 1, merge, last_try=True)
        finally:
            for gb in opened:
                gb.close()
    return graded
