"""The ``engage`` command: a thin layer over the package's plain functions."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def check(root: Path | None = None) -> int:
    """Validate every content file under ``modules/`` and print one line per problem.

    Args:
        root: The repository root; found from the working directory if None.

    Returns:
        The exit code: 0 when all is well, 1 when there are problems.
    """
    from engage.content import check_course, repo_root

    try:
        root = root or repo_root()
    except FileNotFoundError as exc:
        print(f"engage check: {exc}", file=sys.stderr)
        return 1
    problems = check_course(root)
    for problem in problems:
        print(problem)
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        print(f"{len(problems)} {noun} found under {root / 'modules'}", file=sys.stderr)
        return 1
    print(f"ok: {root / 'modules'} is valid")
    return 0


def stats(root: Path | None = None) -> int:
    """Print words of teaching text, scenarios, decision points and questions per module.

    Args:
        root: The repository root; found from the working directory if None.

    Returns:
        The exit code.
    """
    from engage.content import ContentError, repo_root
    from engage.report import course_report, format_report

    try:
        print(format_report(course_report(root or repo_root())))
    except (ContentError, FileNotFoundError) as exc:
        print(f"engage stats: {exc}", file=sys.stderr)
        return 1
    return 0


def progress_export(output: Path | None = None) -> int:
    """Write the learner's progress to a file that ``progress import`` can restore.

    Args:
        output: The file to write; a dated name in the working directory if None.

    Returns:
        The exit code.
    """
    from engage.progress import ProgressError, ProgressStore

    store = ProgressStore()
    try:
        data = store.export_bytes()
    except ProgressError as exc:
        print(f"engage progress export: {exc}", file=sys.stderr)
        return 1
    target = output or Path(store.export_filename())
    try:
        with target.open("xb") as handle:
            handle.write(data)
    except FileExistsError:
        print(f"engage progress export: {target} exists; not overwriting it", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"engage progress export: cannot write {target}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"progress written to {target}")
    return 0


def progress_import(source: Path) -> int:
    """Merge a downloaded progress file into the learner's progress.

    Args:
        source: The file to import.

    Returns:
        The exit code.
    """
    from engage.progress import ProgressError, ProgressStore

    store = ProgressStore()
    try:
        result = store.import_bytes(source.read_bytes(), source.name)
    except (OSError, ProgressError) as exc:
        print(f"engage progress import: {exc}", file=sys.stderr)
        return 1
    for line in result.summary:
        print(line)
    return 0


def progress_show() -> int:
    """Print where progress is kept and what it holds.

    Returns:
        The exit code.
    """
    from engage.progress import ProgressError, ProgressStore

    try:
        store = ProgressStore()
        progress = store.load()
    except (ProgressError, OSError) as exc:
        print(f"engage progress show: {exc}", file=sys.stderr)
        return 1
    for notice in store.notices:
        print(notice, file=sys.stderr)
    print(f"file: {store.path}")
    print(f"learner: {progress.learner_name or '(no name)'}")
    print(f"profile: {progress.profile or '(none chosen)'}")
    done = sorted(k for k, m in progress.modules.items() if m.completed_at)
    print(f"completed modules: {', '.join(done) if done else 'none yet'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``engage`` command.

    Returns:
        The parser, with one sub-command per task.
    """
    parser = argparse.ArgumentParser(
        prog="engage",
        description="Models for Change: check course content and manage learner progress.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p_check = sub.add_parser(
        "check", help="validate everything under modules/ (exit 1 on problems)"
    )
    p_check.add_argument("--root", type=Path, help="repository root (default: found from here)")
    p_stats = sub.add_parser("stats", help="words, scenarios, decisions and questions per module")
    p_stats.add_argument("--root", type=Path, help="repository root (default: found from here)")
    p_progress = sub.add_parser("progress", help="show, export or import learner progress")
    p_sub = p_progress.add_subparsers(dest="action", metavar="ACTION", required=True)
    p_sub.add_parser("show", help="print where progress is kept and what it holds")
    p_export = p_sub.add_parser("export", help="write progress to a file")
    p_export.add_argument("output", nargs="?", type=Path, help="file to write")
    p_import = p_sub.add_parser("import", help="merge a downloaded progress file")
    p_import.add_argument("source", type=Path, help="the file to import")
    from engage.badges.cli import add_parser as add_badges_parser

    add_badges_parser(sub)
    from engage.grading.cli import add_parsers as add_grading_parsers

    add_grading_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``engage`` command.

    Args:
        argv: Command-line arguments without the program name; ``sys.argv`` if None.

    Returns:
        The exit code.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "check":
        return check(args.root)
    if args.command == "stats":
        return stats(args.root)
    if args.command == "progress":
        if args.action == "show":
            return progress_show()
        if args.action == "export":
            return progress_export(args.output)
        return progress_import(args.source)
    if args.command == "badges":
        from engage.badges.cli import run as run_badges

        return run_badges(args)
    if args.command in ("assignments", "collect", "grade"):
        from engage.grading.cli import run as run_grading

        return run_grading(args)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
