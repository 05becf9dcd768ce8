"""Collect reflections learners sent (any file names, a folder or a ZIP) into ``submitted/``."""

from __future__ import annotations

import csv
import re
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from engage.grading.course import (
    CourseError,
    assignment_notebooks,
    gradebook,
    load_config,
    source_grade_ids,
    timestamp_text,
)
from engage.grading.status import record_rejections
from engage.grading.submission import (
    MAX_SUBMISSION_BYTES,
    Submission,
    inspect_submission,
    learner_id,
)

LEARNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
"""What a learner id may look like (it becomes a folder name under ``submitted/``)."""

_IGNORED_PARTS = ("__MACOSX", ".ipynb_checkpoints", ".git")
_MAX_ZIP_BYTES = 500 * 1024 * 1024


@dataclass
class Placed:
    """A file placed where nbgrader expects it."""

    file: str
    learner: str
    name: str
    timestamp: str
    replaced: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class Unplaced:
    """A file that was not placed, and why."""

    file: str
    reason: str
    learner: str = ""


@dataclass
class CollectReport:
    """What ``collect`` did."""

    assignment: str
    placed: list[Placed] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    learners_added: list[str] = field(default_factory=list)


@dataclass
class Learners:
    """A facilitator's mapping of file names and learner names to learner ids (and emails)."""

    by_file: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def read_learners(path: Path) -> Learners:
    """Read a mapping CSV with a ``learner`` column and ``file`` and/or ``name`` columns.

    A row with ``file`` says whose a file is (by its name, without folders); a row with
    ``name`` says which id a learner's name gets. An optional ``email`` column is stored in
    the gradebook.

    Args:
        path: The CSV file.

    Returns:
        The mapping.

    Raises:
        CourseError: If the file cannot be read, lacks columns, or has an invalid id.
    """
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseError(f"cannot read the learners file {path}: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    columns = set(reader.fieldnames or [])
    if "learner" not in columns or not columns & {"file", "name"}:
        raise CourseError(
            f"{path}: the learners file needs a 'learner' column and a 'file' or 'name' column"
        )
    out = Learners()
    for line, row in enumerate(reader, start=2):
        learner = (row.get("learner") or "").strip()
        if not LEARNER_ID.match(learner):
            raise CourseError(
                f"{path}:{line}: learner id {learner!r} should be letters, digits and . _ @ + -"
            )
        if (row.get("file") or "").strip():
            out.by_file[Path(row["file"].strip()).name] = learner
        if (row.get("name") or "").strip():
            out.by_name[_name_key(row["name"])] = learner
        if (row.get("email") or "").strip():
            out.emails[learner] = row["email"].strip()
    return out


@dataclass
class _Candidate:
    file: str
    data: bytes | None
    modified: datetime | None
    problem: str = ""


def _ignored(parts: tuple[str, ...]) -> bool:
    return any(p in _IGNORED_PARTS or p.startswith(".") for p in parts)


def _candidates(source: Path) -> Iterator[_Candidate]:
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            rel = path.relative_to(source)
            if not path.is_file() or _ignored(rel.parts):
                continue
            size = path.stat().st_size
            modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            if size > MAX_SUBMISSION_BYTES:
                yield _Candidate(rel.as_posix(), None, modified, _too_large(size))
            else:
                yield _Candidate(rel.as_posix(), path.read_bytes(), modified)
        return
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise CourseError(f"{source} is neither a folder nor a ZIP file ({exc})") from None
    with archive:
        total = 0
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            parts = tuple(p for p in info.filename.split("/") if p)
            if info.is_dir() or not parts or _ignored(parts):
                continue
            modified = datetime(*info.date_time, tzinfo=UTC)
            if info.file_size > MAX_SUBMISSION_BYTES:
                yield _Candidate(info.filename, None, modified, _too_large(info.file_size))
                continue
            total += info.file_size
            if total > _MAX_ZIP_BYTES:
                yield _Candidate(info.filename, None, modified, "the ZIP file is too large")
                continue
            yield _Candidate(info.filename, archive.read(info), modified)


def _too_large(size: int) -> str:
    return (
        f"the file is {size / 1e6:.0f} MB, more than the "
        f"{MAX_SUBMISSION_BYTES // (1024 * 1024)} MB a reflection may be"
    )


def _stamp(sub: Submission, candidate: _Candidate) -> datetime:
    if sub.exported_at:
        try:
            moment = datetime.fromisoformat(sub.exported_at.replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        except ValueError:
            pass
    return candidate.modified or datetime.now(UTC)


def _split_name(name: str) -> tuple[str, str]:
    parts = name.split()
    if len(parts) < 2:
        return name, ""
    return " ".join(parts[:-1]), parts[-1]


def collect(
    source: Path,
    course: Path,
    assignment_id: str,
    *,
    learners: Learners | None = None,
) -> CollectReport:
    """Place the reflections in a folder or ZIP under ``submitted/<learner>/<assignment>/``.

    Each file is identified by what is inside it: the learner's name and the assignment
    recorded by the course page's download (or typed in the name cell in JupyterLab); the
    ``learners`` mapping can name the learner of a file, or give a name another id. A file
    is not placed, and the report says why, when it is not a notebook, belongs to another
    assignment, names no learner, is one of several files of a learner (the newest is
    kept), is older than the submission already collected, or when two different names
    would share one id. Placed learners are added to the gradebook; learners identified
    only through the mapping whose file is unusable are recorded as "not graded".

    Args:
        source: A folder (searched recursively) or a ZIP file.
        course: The nbgrader course folder.
        assignment_id: The assignment being collected.
        learners: A facilitator's mapping of files and names to learner ids.

    Returns:
        What was placed and what was not.

    Raises:
        CourseError: If the course, assignment or source cannot be used.
    """
    course = course.resolve()
    config = load_config(course)
    notebook = assignment_notebooks(course, assignment_id)
    if len(notebook) != 1:
        raise CourseError(f"{assignment_id} has {len(notebook)} notebooks; collect expects one")
    target_name = f"{notebook[0]}.ipynb"
    known = source_grade_ids(course)
    mapping = learners or Learners()
    report = CollectReport(assignment_id)
    chosen: dict[str, tuple[_Candidate, Submission, str, datetime]] = {}
    names_seen: dict[str, set[str]] = {}
    rejected: dict[str, tuple[str, str]] = {}
    for candidate in _candidates(source):
        base = Path(candidate.file).name
        mapped = mapping.by_file.get(base, "")
        if candidate.problem or candidate.data is None:
            report.unplaced.append(Unplaced(candidate.file, candidate.problem, mapped))
            if mapped:
                rejected[mapped] = (candidate.problem, candidate.file)
            continue
        sub = inspect_submission(candidate.data, assignment_id=assignment_id, known_ids=known)
        learner = mapped or mapping.by_name.get(_name_key(sub.learner_name), "")
        if not learner and sub.learner_name:
            learner = learner_id(sub.learner_name)
        if sub.problem:
            reason = sub.problem
            report.unplaced.append(Unplaced(candidate.file, reason, learner))
            if learner and sub.assignment in (None, assignment_id):
                rejected[learner] = (reason, candidate.file)
            continue
        if not learner:
            why = (
                f"the name {sub.learner_name!r} gives no usable id"
                if sub.learner_name
                else "it names no learner"
            )
            report.unplaced.append(
                Unplaced(
                    candidate.file,
                    f"cannot tell whose reflection this is ({why}): list the file in a "
                    "learners file (--learners) with the learner's id",
                )
            )
            continue
        names_seen.setdefault(learner, set()).add(_name_key(sub.learner_name))
        stamp = _stamp(sub, candidate)
        previous = chosen.get(learner)
        if previous is None or stamp > previous[3]:
            if previous is not None:
                report.unplaced.append(
                    Unplaced(
                        previous[0].file,
                        f"duplicate learner: {learner} sent more than one file; kept the "
                        f"newer {candidate.file}",
                        learner,
                    )
                )
            chosen[learner] = (candidate, sub, sub.learner_name, stamp)
        else:
            report.unplaced.append(
                Unplaced(
                    candidate.file,
                    f"duplicate learner: {learner} sent more than one file; kept the newer "
                    f"{previous[0].file}",
                    learner,
                )
            )
    for learner in sorted(chosen):
        names = {n for n in names_seen.get(learner, set()) if n}
        if len(names) > 1 and learner not in mapping.by_file.values():
            candidate = chosen.pop(learner)[0]
            report.unplaced.append(
                Unplaced(
                    candidate.file,
                    f"duplicate learner id {learner!r} for different names "
                    f"({', '.join(sorted(names))}): give them ids in a learners file",
                    learner,
                )
            )
    with warnings.catch_warnings(), gradebook(course, config) as gb:
        warnings.simplefilter("ignore")
        existing = {s.id for s in gb.students}
        for learner, (candidate, sub, name, stamp) in sorted(chosen.items()):
            folder = course / "submitted" / learner / assignment_id
            old = _existing_stamp(folder)
            if old is not None and stamp <= old:
                report.unplaced.append(
                    Unplaced(
                        candidate.file,
                        "already collected"
                        if stamp == old
                        else "older than the submission already collected",
                        learner,
                    )
                )
                continue
            assert candidate.data is not None
            _place(folder, target_name, candidate.data, stamp)
            first, last = _split_name(name)
            fields = {"first_name": first, "last_name": last}
            if learner in mapping.emails:
                fields["email"] = mapping.emails[learner]
            if learner in existing:
                current = gb.find_student(learner)
                fields = {k: v for k, v in fields.items() if v and not getattr(current, k)}
            else:
                report.learners_added.append(learner)
            gb.update_or_create_student(learner, **fields)
            report.placed.append(
                Placed(
                    candidate.file, learner, name, timestamp_text(stamp), old is not None, sub.notes
                )
            )
        for learner in rejected:
            extra = {"email": mapping.emails[learner]} if learner in mapping.emails else {}
            if learner not in existing:
                report.learners_added.append(learner)
                gb.update_or_create_student(learner, **extra)
            elif extra and not gb.find_student(learner).email:
                gb.update_or_create_student(learner, **extra)
    placed = [p.learner for p in report.placed]
    record_rejections(
        course,
        assignment_id,
        {k: v for k, v in rejected.items() if k not in placed},
        placed,
    )
    return report


def _existing_stamp(folder: Path) -> datetime | None:
    path = folder / "timestamp.txt"
    if not path.is_file():
        return None
    from nbgrader.utils import parse_utc

    try:
        moment = parse_utc(path.read_text("utf-8").strip())
    except (ValueError, OverflowError):
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _place(folder: Path, name: str, data: bytes, stamp: datetime) -> None:
    """Replace a learner's submission folder with one notebook and its timestamp."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".collect-", dir=folder.parent))
    (staging / name).write_bytes(data)
    (staging / "timestamp.txt").write_text(timestamp_text(stamp) + "\n", encoding="utf-8")
    if folder.exists():
        shutil.rmtree(folder)
    staging.rename(folder)
