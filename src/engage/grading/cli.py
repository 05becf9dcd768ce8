"""The ``engage assignments``, ``collect`` and ``grade`` commands: thin over engage.grading."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

COMMANDS = ("assignments", "collect", "grade")
"""The top-level ``engage`` commands this module adds."""


def find_course(course: Path | None) -> Path:
    """Find the nbgrader course folder to work in.

    Args:
        course: The folder given with ``--course``, if any.

    Returns:
        ``course``; else the working directory when it has ``nbgrader_config.py``; else the
        repository's ``assignments/``.

    Raises:
        FileNotFoundError: If no course folder can be found.
    """
    from engage.content import repo_root
    from engage.grading.layout import course_root

    if course is not None:
        return course
    if Path("nbgrader_config.py").is_file():
        return Path.cwd()
    return course_root(repo_root())


def assignments_build(root: Path | None = None, *, check: bool = False) -> int:
    """Generate ``assignments/`` from the modules' reflections, or check it is up to date.

    Args:
        root: The repository root; found from the working directory if None.
        check: Only compare with a fresh build.

    Returns:
        The exit code: 1 when files are out of date (with ``check``) or on errors.
    """
    from engage.content import ContentError, repo_root
    from engage.grading.build import build_assignments

    try:
        root = root or repo_root()
        report = build_assignments(root, check=check)
    except (ContentError, FileNotFoundError, RuntimeError) as exc:
        print(f"engage assignments build: {exc}", file=sys.stderr)
        return 1
    if check:
        for path in report.stale:
            print(f"out of date: {path}")
        if report.stale:
            print("run `engage assignments build` and commit the result", file=sys.stderr)
            return 1
        print(f"ok: assignments/ is up to date ({len(report.assignments)} reflections)")
        return 0
    for path in report.written:
        print(f"wrote {path}")
    for path in report.removed:
        print(f"removed {path}")
    if not report.written and not report.removed:
        print("assignments/ was already up to date")
    print(f"{len(report.assignments)} reflection assignments: {', '.join(report.assignments)}")
    return 0


def collect_command(
    source: Path, assignment: str, *, course: Path | None = None, learners: Path | None = None
) -> int:
    """Collect learners' reflection files into the nbgrader course and print a report.

    Args:
        source: A folder or a ZIP file of the files learners sent.
        assignment: The assignment id.
        course: The nbgrader course folder; found if None.
        learners: A CSV mapping files or names to learner ids.

    Returns:
        The exit code: 0 when every file was placed, 2 when some were not, 1 on errors.
    """
    from engage.grading.collect import collect, read_learners
    from engage.grading.course import CourseError

    try:
        folder = find_course(course)
        mapping = read_learners(learners) if learners else None
        report = collect(source, folder, assignment, learners=mapping)
    except (CourseError, FileNotFoundError) as exc:
        print(f"engage collect: {exc}", file=sys.stderr)
        return 1
    for placed in report.placed:
        again = " (replaces an earlier submission)" if placed.replaced else ""
        print(f"placed  {placed.file} -> submitted/{placed.learner}/{assignment}/{again}")
        for note in placed.notes:
            print(f"        note: {note}")
    for unplaced in report.unplaced:
        who = f" [{unplaced.learner}]" if unplaced.learner else ""
        print(f"NOT placed  {unplaced.file}{who}: {unplaced.reason}")
    if report.learners_added:
        print(f"added to the gradebook: {', '.join(report.learners_added)}")
    print(f"{len(report.placed)} placed, {len(report.unplaced)} not placed")
    return 2 if report.unplaced else 0


def grade_command(
    assignment: str,
    *,
    jobs: int | None = None,
    course: Path | None = None,
    force: bool = False,
    learners: list[str] | None = None,
) -> int:
    """Autograde an assignment's submissions in parallel and print one line per learner.

    Args:
        assignment: The assignment id.
        jobs: Worker processes (default: the number of CPUs, at most 8).
        course: The nbgrader course folder; found if None.
        force: Grade again submissions already autograded.
        learners: Only these learner ids.

    Returns:
        The exit code: 0 when all were graded, 2 when some could not be, 1 on errors.
    """
    from engage.grading.course import CourseError
    from engage.grading.grade import NOT_GRADED, Outcome, grade_assignment

    def show(outcome: Outcome) -> None:
        line = f"{outcome.status:<10}  {outcome.learner}"
        if outcome.reason:
            line += f": {outcome.reason}"
        print(line, flush=True)
        for note in outcome.notes:
            print(f"            note: {note}", flush=True)

    workers = jobs or min(8, os.cpu_count() or 1)
    try:
        report = grade_assignment(
            find_course(course),
            assignment,
            jobs=workers,
            force=force,
            learners=learners,
            progress=show,
        )
    except (CourseError, FileNotFoundError) as exc:
        print(f"engage grade: {exc}", file=sys.stderr)
        return 1
    counts = {s: len(report.by_status(s)) for s in ("graded", NOT_GRADED, "skipped")}
    graded = report.by_status("graded")
    per = f", {report.seconds / len(graded):.2f} s per submission" if graded else ""
    print(
        f"{counts['graded']} graded, {counts[NOT_GRADED]} not graded, {counts['skipped']} "
        f"skipped in {report.seconds:.1f} s on {report.jobs} processes{per}"
    )
    return 2 if counts[NOT_GRADED] else 0


def add_parsers(sub: Any) -> None:
    """Add the ``assignments``, ``collect`` and ``grade`` commands to ``engage``.

    Args:
        sub: The object returned by ``ArgumentParser.add_subparsers``.
    """
    p_assign = sub.add_parser("assignments", help="the nbgrader reflection assignments")
    actions = p_assign.add_subparsers(dest="action", metavar="ACTION", required=True)
    p_build = actions.add_parser(
        "build", help="generate assignments/ from the modules' reflection prompts"
    )
    p_build.add_argument("--check", action="store_true", help="exit 1 if assignments/ is stale")
    p_build.add_argument("--root", type=Path, help="repository root (default: found from here)")

    p_collect = sub.add_parser(
        "collect", help="place reflections learners sent (folder or ZIP) where nbgrader wants them"
    )
    p_collect.add_argument("source", type=Path, help="a folder or ZIP file of the files sent")
    p_collect.add_argument("--assignment", required=True, help="assignment id (the module id)")
    p_collect.add_argument(
        "--learners", type=Path, help="CSV with columns learner and file and/or name (and email)"
    )
    p_collect.add_argument("--course", type=Path, help="nbgrader course folder (assignments/)")

    p_grade = sub.add_parser("grade", help="autograde an assignment's submissions in parallel")
    p_grade.add_argument("assignment", help="assignment id (the module id)")
    p_grade.add_argument("--jobs", "-j", type=int, help="processes (default: CPUs, at most 8)")
    p_grade.add_argument("--force", action="store_true", help="grade again what was graded")
    p_grade.add_argument("--learner", action="append", help="only this learner id (repeatable)")
    p_grade.add_argument("--course", type=Path, help="nbgrader course folder (assignments/)")


def run(args: argparse.Namespace) -> int:
    """Run one of the commands added by :func:`add_parsers`.

    Args:
        args: The parsed arguments.

    Returns:
        The exit code.
    """
    if args.command == "assignments":
        return assignments_build(args.root, check=args.check)
    if args.command == "collect":
        return collect_command(
            args.source, args.assignment, course=args.course, learners=args.learners
        )
    if args.jobs is not None and args.jobs < 1:
        print("engage grade: --jobs must be at least 1", file=sys.stderr)
        return 1
    return grade_command(
        args.assignment,
        jobs=args.jobs,
        course=args.course,
        force=args.force,
        learners=args.learner,
    )
