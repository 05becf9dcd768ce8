#!/usr/bin/env python3
"""Benchmark `engage grade --jobs N` against `nbgrader autograde` on the same course and config.

Steps (all in a scratch folder, nothing in the repository changes):
  1. copy the repository's modules/ and build the nbgrader course (`engage assignments build`);
  2. `nbgrader generate_assignment <A> --force` once (creates the gradebook);
  3. N submissions of assignment A made the way the course page's download makes them
     (engage.grading.submission.fill_reflection): per 4 learners, 2 complete with the
     exercise attached, 1 with short answers, 1 blank;
  4. per repeat, two fresh copies of that course: `nbgrader autograde A` in one and
     `engage grade A --jobs N` in the other, timed as whole commands (start-up included),
     in alternating order so that drift on the machine affects both;
  5. checks that both gradebooks hold the same grades, then prints the speed-up and the
     time per submission, and a JSON line.

Usage:
  python benchmarks/grading.py [-n 40] [--jobs 2] [--assignment 04-world-cafe]
                               [--repeats 1] [--keep] [--json-out FILE]

Run it with the Python of the course's environment (its bin/ holds nbgrader and alembic).
Exit code 0 when every run graded all submissions and the gradebooks agree.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "src"))


def env() -> dict[str, str]:
    """The environment for nbgrader: this Python's bin/ first on PATH (for alembic)."""
    out = dict(os.environ)
    out["PATH"] = f"{BIN}{os.pathsep}{out.get('PATH', '')}"
    return out


def prepare(work: Path, assignment: str, n: int) -> Path:
    """Build the course, generate the assignment, add N submissions; return the course."""
    from engage.content import clear_cache, load_module
    from engage.grading import build_assignments, reflection_assignments
    from engage.grading.course import timestamp_text
    from engage.grading.submission import fill_reflection

    shutil.copytree(ROOT / "modules", work / "modules")
    clear_cache()
    build_assignments(work)
    course = work / "assignments"
    run = subprocess.run(
        [str(BIN / "nbgrader"), "generate_assignment", assignment, "--force"],
        cwd=course,
        env=env(),
        capture_output=True,
        text=True,
    )
    if run.returncode:
        sys.exit(f"generate_assignment failed:\n{run.stderr[-2000:]}")
    module = load_module(assignment, work)
    spec = next(a for a in reflection_assignments(work) if a.id == assignment)
    exercise = None
    if spec.exercise is not None:
        exercise = {"answers": {}, "right": 0, "total": 0}
        if hasattr(spec.exercise, "items"):
            items = [i.id for i in spec.exercise.items]
            category = spec.exercise.categories[0].id
            exercise = {"answers": dict.fromkeys(items, category), "right": 1, "total": len(items)}
        else:
            design = spec.exercise.blank()
            exercise = {"design": design, "fits": 1, "checks": len(spec.exercise.rules)}
    assert module.reflection is not None
    release = (course / "release" / assignment / f"{assignment}-reflection.ipynb").read_bytes()
    for i in range(n):
        kind = ("complete", "complete", "short", "blank")[i % 4]
        answers = {}
        if kind != "blank":
            for p in module.reflection.prompts:
                words = p.min_words + 5 if kind == "complete" else max(1, p.min_words // 3)
                answers[p.id] = " ".join(f"word{j}" for j in range(words))
        data = fill_reflection(
            release,
            assignment_id=assignment,
            answers=answers,
            learner_name=f"Learner {i:03d}",
            exercise=exercise if kind == "complete" else None,
        )
        folder = course / "submitted" / f"learner-{i:03d}" / assignment
        folder.mkdir(parents=True)
        (folder / f"{assignment}-reflection.ipynb").write_bytes(data)
        from datetime import UTC, datetime

        (folder / "timestamp.txt").write_text(timestamp_text(datetime(2026, 11, 30, tzinfo=UTC)))
    return course


def state(course: Path, assignment: str) -> dict:
    """What autograde wrote to the gradebook, by learner and cell."""
    from engage.grading.course import gradebook

    out = {}
    with warnings.catch_warnings(), gradebook(course) as gb:
        warnings.simplefilter("ignore")
        for sub in gb.find_assignment(assignment).submissions:
            out[sub.student.id] = sorted(
                (g.name, g.auto_score, g.needs_manual_grade)
                for nb in sub.notebooks
                for g in nb.grades
            )
    return out


def timed(args: list[str], cwd: Path) -> float:
    """Run a command to completion and return its wall time; stop on failure."""
    started = time.perf_counter()
    run = subprocess.run(args, cwd=cwd, env=env(), capture_output=True, text=True)
    took = time.perf_counter() - started
    if run.returncode:
        sys.exit(f"{' '.join(args)} failed ({run.returncode}):\n{run.stderr[-3000:]}")
    return took


def main() -> int:
    """Run the benchmark and print the figures; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=40, help="submissions (default 40)")
    parser.add_argument("--jobs", type=int, default=2, help="engage grade processes")
    parser.add_argument("--assignment", default="04-world-cafe")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="grading-bench-"))
    print(f"scratch folder: {work}", flush=True)
    print(f"CPUs: {os.cpu_count()}, load average before: {os.getloadavg()}", flush=True)
    base = prepare(work / "base", args.assignment, args.n)
    plain_times, engage_times, agree = [], [], True
    for repeat in range(args.repeats):
        order = ["nbgrader", "engage"] if repeat % 2 == 0 else ["engage", "nbgrader"]
        copies = {}
        for who in order:
            copies[who] = work / f"run{repeat}-{who}"
            shutil.copytree(base, copies[who])
        for who in order:
            if who == "nbgrader":
                took = timed([str(BIN / "nbgrader"), "autograde", args.assignment], copies[who])
                plain_times.append(took)
            else:
                took = timed(
                    [
                        str(BIN / "engage"),
                        "grade",
                        args.assignment,
                        "--jobs",
                        str(args.jobs),
                        "--course",
                        str(copies[who]),
                    ],
                    copies[who],
                )
                engage_times.append(took)
            print(
                f"repeat {repeat + 1}: {who:<8} {took:6.1f} s "
                f"({took / args.n:.2f} s per submission)",
                flush=True,
            )
        ours, theirs = (
            state(copies["engage"], args.assignment),
            state(copies["nbgrader"], args.assignment),
        )
        same = ours == theirs and len(ours) == args.n
        agree = agree and same
        print(
            f"repeat {repeat + 1}: gradebooks {'agree' if same else 'DIFFER'} "
            f"({len(ours)} vs {len(theirs)} submissions)",
            flush=True,
        )
    plain, ours_t = statistics.median(plain_times), statistics.median(engage_times)
    result = {
        "submissions": args.n,
        "jobs": args.jobs,
        "assignment": args.assignment,
        "nbgrader_autograde_s": round(plain, 2),
        "engage_grade_s": round(ours_t, 2),
        "speedup": round(plain / ours_t, 2),
        "nbgrader_per_submission_s": round(plain / args.n, 3),
        "engage_per_submission_s": round(ours_t / args.n, 3),
        "runs_nbgrader_s": [round(t, 2) for t in plain_times],
        "runs_engage_s": [round(t, 2) for t in engage_times],
        "gradebooks_agree": agree,
        "cpus": os.cpu_count(),
        "load_average_after": os.getloadavg(),
    }
    print(f"\nnbgrader autograde: {plain:.1f} s ({plain / args.n:.2f} s per submission)")
    print(
        f"engage grade --jobs {args.jobs}: {ours_t:.1f} s ({ours_t / args.n:.2f} s per submission)"
    )
    print(f"speed-up: {plain / ours_t:.2f}x")
    print(json.dumps(result))
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2) + "\n")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
