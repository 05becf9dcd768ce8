"""Learner progress: one versioned JSON file, atomic locked writes, export and merging import."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from filelock import FileLock, Timeout
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticSerializationError

from engage.profiles import PROFILE_IDS, ProfileId
from engage.text import clean_line

__all__ = [
    "APP_MARKER",
    "MAX_IMPORT_BYTES",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ImportResult",
    "ModuleProgress",
    "Progress",
    "ProgressError",
    "ProgressStore",
    "Section",
    "clean_learner_name",
    "default_progress_path",
    "describe_validation_error",
    "parse_export",
]

SCHEMA_VERSION = 1
"""Format version written by this code. Bump it and add a migration when the format changes."""

APP_MARKER = "models-for-change"
"""Value of the ``"app"`` key that marks an exported progress file."""

MAX_IMPORT_BYTES = 2 * 1024 * 1024
"""Largest progress file :meth:`ProgressStore.import_bytes` accepts (2 MB)."""

FILE_NAME = "progress.json"
APP_DIR_NAME = "models-for-change"
MAX_NAME_CHARS = 200
MAX_KEY_CHARS = 200

Migration = Callable[[dict[str, Any]], dict[str, Any]]

MIGRATIONS: dict[int, Migration] = {}
"""Upgrade steps: ``MIGRATIONS[n]`` turns a version-``n`` progress dict into a version-``n+1`` one.

The loader applies the steps in order from the file's version up to :data:`SCHEMA_VERSION`
and then sets ``schema_version`` itself, so a step only has to reshape the data.
"""

Section = Literal["scenarios", "quizzes", "exercises", "reflections", "maps"]
"""The free-form progress sections filled by scenarios, self-checks, exercises, reflections
and community maps."""

SECTIONS: tuple[Section, ...] = ("scenarios", "quizzes", "exercises", "reflections", "maps")

_ASIDE_STAMP = "%Y%m%dT%H%M%SZ"


class ProgressError(Exception):
    """A progress operation could not proceed; the message is meant for the learner."""


# --------------------------------------------------------------------------- model


def _now() -> datetime:
    return datetime.now(UTC)


def _iso_now() -> str:
    """Return the current UTC time as an ISO 8601 string ending in ``Z``."""
    return _now().isoformat().replace("+00:00", "Z")


def _as_utc(value: datetime) -> datetime:
    """Treat naive datetimes as UTC and convert aware ones to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _parse_iso(value: str) -> datetime:
    """Parse an ISO 8601 date-time string into an aware UTC datetime.

    Raises:
        ValueError: If the string is not an ISO 8601 date-time.
    """
    return _as_utc(datetime.fromisoformat(value))


def _check_key(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    if len(value) > MAX_KEY_CHARS:
        raise ValueError(f"must be at most {MAX_KEY_CHARS} characters")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError("must not contain control characters")
    return value


def _check_item(value: dict[str, Any]) -> dict[str, Any]:
    stamp = value.get("updated_at")
    if stamp is not None:
        if not isinstance(stamp, str):
            raise ValueError("updated_at must be an ISO date-time string")
        try:
            _parse_iso(stamp)
        except ValueError:
            raise ValueError(f"updated_at {stamp!r} is not an ISO date-time") from None
    return value


def _require_id(kind: str, value: str) -> None:
    """Raise ProgressError unless ``value`` is usable as a module or item id."""
    if not isinstance(value, str):
        raise ProgressError(f"A {kind} id must be text, not {type(value).__name__}.")
    try:
        _check_key(value)
    except ValueError as exc:
        raise ProgressError(f"The {kind} id {value!r} {exc}.") from None


def clean_learner_name(value: str) -> str:
    """Return a learner name without control characters and surplus whitespace.

    Line breaks and tabs become spaces, other control characters are removed, runs of
    whitespace collapse to one space and the ends are stripped.

    Args:
        value: The name as typed.

    Returns:
        The cleaned name.

    Raises:
        ValueError: If the cleaned name is longer than 200 characters.
    """
    cleaned = clean_line(value)
    if len(cleaned) > MAX_NAME_CHARS:
        raise ValueError(
            f"the name is {len(cleaned)} characters long; at most {MAX_NAME_CHARS} are allowed"
        )
    return cleaned


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
Key = Annotated[str, AfterValidator(_check_key)]
Item = Annotated[dict[str, Any], AfterValidator(_check_item)]
LearnerName = Annotated[str, AfterValidator(clean_learner_name)]


class ModuleProgress(BaseModel):
    """Where a learner stands in one module."""

    model_config = ConfigDict(extra="forbid")

    started_at: UtcDatetime | None = None
    completed_at: UtcDatetime | None = None
    updated_at: UtcDatetime = Field(default_factory=_now)


class Progress(BaseModel):
    """Everything saved about one learner, as stored in ``progress.json``."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = SCHEMA_VERSION
    learner_name: LearnerName = ""
    profile: ProfileId | None = None
    modules: dict[Key, ModuleProgress] = Field(default_factory=dict)
    scenarios: dict[Key, Item] = Field(default_factory=dict)
    quizzes: dict[Key, Item] = Field(default_factory=dict)
    exercises: dict[Key, Item] = Field(default_factory=dict)
    reflections: dict[Key, Item] = Field(default_factory=dict)
    maps: dict[Key, Item] = Field(default_factory=dict)
    created_at: UtcDatetime = Field(default_factory=_now)
    updated_at: UtcDatetime = Field(default_factory=_now)

    @field_validator("schema_version")
    @classmethod
    def _current_version(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise ValueError(f"must be {SCHEMA_VERSION} (got {value})")
        return value

    def is_completed(self, module_id: str) -> bool:
        """Tell whether a module has been completed.

        Args:
            module_id: A module id such as ``01-turning-outward``.

        Returns:
            True if the module has a completion time.
        """
        entry = self.modules.get(module_id)
        return entry is not None and entry.completed_at is not None


# --------------------------------------------------------------------------- helpers


_SHORT_MESSAGES = {
    "datetime_parsing": "invalid datetime",
    "datetime_from_date_parsing": "invalid datetime",
    "datetime_type": "invalid datetime",
    "datetime_object_invalid": "invalid datetime",
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
    "dict_type": "must be a JSON object",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
}


def describe_validation_error(exc: ValidationError, limit: int = 3) -> str:
    """Summarise a pydantic validation error as ``key.path: problem`` phrases.

    Args:
        exc: The validation error.
        limit: How many problems to name before summarising the rest.

    Returns:
        For example ``modules.01-turning-outward.completed_at: invalid datetime``.
    """
    parts = []
    errors = exc.errors(include_url=False)
    for err in errors[:limit]:
        path = ".".join(str(p) for p in err["loc"]) or "(top level)"
        message = _SHORT_MESSAGES.get(err["type"])
        if message is None:
            message = str(err["msg"]).removeprefix("Value error, ")
        parts.append(f"{path}: {message}")
    if len(errors) > limit:
        parts.append(f"and {len(errors) - limit} more problem(s)")
    return "; ".join(parts)


def _display_name(name: str) -> str:
    """Make a user-supplied file name safe to put in a one-line message."""
    cleaned = "".join(ch for ch in name if unicodedata.category(ch) != "Cc").strip()
    if len(cleaned) > 120:
        cleaned = cleaned[:117] + "..."
    return cleaned or "the uploaded file"


def _migrate(data: dict[str, Any], version: int) -> dict[str, Any]:
    """Run the registered migrations from ``version`` up to :data:`SCHEMA_VERSION`.

    Raises:
        ProgressError: If a step is missing or fails.
    """
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ProgressError(f"there is no upgrade from format version {version}")
        try:
            data = step(dict(data))
        except Exception as exc:  # a broken migration must not lose the file
            raise ProgressError(f"upgrading from format version {version} failed ({exc})") from exc
        if not isinstance(data, dict):
            raise ProgressError(f"upgrading from format version {version} gave no data")
        version += 1
        data["schema_version"] = version
    return data


def _read_version(data: Mapping[str, Any]) -> int | None:
    version = data.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        return None
    return version


def _fsync_dir(folder: Path) -> None:
    """Flush a directory entry to disk where the platform supports it."""
    if os.name == "nt":  # directories cannot be opened for fsync on Windows
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either the old or the new file.

    Raises:
        OSError: If the file cannot be written; no temporary file is left behind.
    """
    folder = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(folder)


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def _item_time(item: Mapping[str, Any]) -> datetime | None:
    stamp = item.get("updated_at")
    if not isinstance(stamp, str):
        return None
    try:
        return _parse_iso(stamp)
    except ValueError:
        return None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


_SECTION_WORDS = {
    "scenarios": "scenario",
    "quizzes": "quiz",
    "exercises": "exercise",
    "reflections": "reflection",
    "maps": "map",
}


def _merge_into(current: Progress, incoming: Progress) -> list[str]:
    """Merge ``incoming`` into ``current`` in place, losing nothing; return a summary."""
    summary: list[str] = []

    if incoming.learner_name:
        if not current.learner_name:
            current.learner_name = incoming.learner_name
            summary.append(f"Name set to “{incoming.learner_name}” from the file.")
        elif current.learner_name != incoming.learner_name:
            summary.append(
                f"Kept your current name “{current.learner_name}” "
                f"(the file has “{incoming.learner_name}”)."
            )
    if incoming.profile is not None:
        if current.profile is None:
            current.profile = incoming.profile
            summary.append(f"Library profile set to {incoming.profile} from the file.")
        elif current.profile != incoming.profile:
            summary.append(
                f"Kept your current library profile {current.profile} "
                f"(the file has {incoming.profile})."
            )

    added_modules = 0
    newly_completed = 0
    for module_id, theirs in incoming.modules.items():
        mine = current.modules.get(module_id)
        if mine is None:
            current.modules[module_id] = theirs.model_copy()
            added_modules += 1
            newly_completed += theirs.completed_at is not None
            continue
        was_completed = mine.completed_at is not None
        mine.started_at = _earliest(mine.started_at, theirs.started_at)
        mine.completed_at = _earliest(mine.completed_at, theirs.completed_at)
        mine.updated_at = max(mine.updated_at, theirs.updated_at)
        newly_completed += not was_completed and mine.completed_at is not None
    if added_modules:
        summary.append(f"Added {_plural(added_modules, 'module')} from the file.")
    if newly_completed:
        summary.append(f"{_plural(newly_completed, 'module')} newly marked complete.")

    for section in SECTIONS:
        word = _SECTION_WORDS[section]
        mine_items: dict[str, dict[str, Any]] = getattr(current, section)
        added = replaced = kept = 0
        for key, theirs_item in getattr(incoming, section).items():
            mine_item = mine_items.get(key)
            if mine_item is None:
                mine_items[key] = dict(theirs_item)
                added += 1
                continue
            if mine_item == theirs_item:
                continue
            theirs_time = _item_time(theirs_item)
            mine_time = _item_time(mine_item)
            if theirs_time is not None and (mine_time is None or theirs_time > mine_time):
                mine_items[key] = dict(theirs_item)
                replaced += 1
            else:
                kept += 1
        if added:
            summary.append(f"Added {_plural(added, word)} from the file.")
        if replaced:
            summary.append(f"Took the file's newer version of {_plural(replaced, word)}.")
        if kept:
            summary.append(f"Kept your newer version of {_plural(kept, word)}.")

    current.created_at = min(current.created_at, incoming.created_at)
    if not summary:
        summary.append("Nothing new: the file holds nothing your current progress lacks.")
    return summary


def parse_export(
    data: bytes | bytearray | memoryview, source_name: str
) -> tuple[Progress, int | None]:
    """Check an exported progress file and return its (upgraded) contents.

    Args:
        data: The file's bytes (a memoryview, as an upload widget gives, is fine).
        source_name: The file's name, used to start every error message.

    Returns:
        The progress it holds, and its format version if it had to be upgraded.

    Raises:
        ProgressError: If the file is too big, not UTF-8 JSON, not a Models for Change
            progress file, from a newer version, or invalid; the message starts with
            ``source_name``.
    """
    name = _display_name(source_name)
    data = bytes(data)
    if len(data) > MAX_IMPORT_BYTES:
        raise ProgressError(
            f"{name}: the file is too large ({len(data) / 1_048_576:.1f} MB; "
            f"progress files are at most {MAX_IMPORT_BYTES // 1_048_576} MB)."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProgressError(
            f"{name}: the file is not UTF-8 text (bad byte at position {exc.start}). "
            "Choose the .json file the course let you download."
        ) from None
    try:
        envelope = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProgressError(
            f"{name}: the file is not valid JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg})."
        ) from None
    if not isinstance(envelope, dict) or envelope.get("app") != APP_MARKER:
        raise ProgressError(
            f"{name}: this is not a Models for Change progress file "
            f'(it lacks "app": "{APP_MARKER}").'
        )
    version = _read_version(envelope)
    if version is None or version < 0:
        raise ProgressError(f"{name}: the file has no valid schema_version.")
    if version > SCHEMA_VERSION:
        raise ProgressError(
            f"{name}: this file was made by a newer version of the course (format "
            f"version {version}; this version reads up to {SCHEMA_VERSION}). "
            "Update the course to import it."
        )
    body = envelope.get("progress")
    if not isinstance(body, dict):
        raise ProgressError(f'{name}: the file has no "progress" object.')
    inner_version = _read_version(body)
    if "schema_version" in body and inner_version != version:
        raise ProgressError(
            f"{name}: the file's schema_version ({version}) and its progress "
            f"schema_version ({body.get('schema_version')!r}) disagree."
        )
    body = {**body, "schema_version": version}
    try:
        body = _migrate(body, version)
    except ProgressError as exc:
        raise ProgressError(f"{name}: the file could not be upgraded: {exc}.") from None
    try:
        progress = Progress.model_validate(body)
    except ValidationError as exc:
        raise ProgressError(f"{name}: {describe_validation_error(exc)}.") from None
    return progress, (version if version < SCHEMA_VERSION else None)


# --------------------------------------------------------------------------- store


def default_progress_path() -> Path:
    """Return where progress is kept unless a path is given.

    The folder is ``$ENGAGE_DATA_DIR`` if set, else ``$XDG_DATA_HOME/models-for-change``
    (when that is an absolute path), else ``~/.local/share/models-for-change``.

    Returns:
        The path of ``progress.json`` in that folder.
    """
    override = os.environ.get("ENGAGE_DATA_DIR", "").strip()
    if override:
        return Path(override).expanduser() / FILE_NAME
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / APP_DIR_NAME / FILE_NAME
    return Path.home() / ".local" / "share" / APP_DIR_NAME / FILE_NAME


@dataclass
class ImportResult:
    """What an import changed.

    Attributes:
        source_name: The uploaded file's name, as shown in messages.
        summary: Short plain-language lines saying what was added and what was kept.
        progress: The merged progress as saved.
        backup_path: Copy of the progress file from before the import, if there was one.
        migrated_from: The file's format version if it had to be upgraded, else None.
    """

    source_name: str
    summary: list[str]
    progress: Progress
    backup_path: Path | None = None
    migrated_from: int | None = None


class ProgressStore:
    """Reads and writes one learner's ``progress.json``, safely across kernels.

    Every read-modify-write happens under a file lock on ``progress.json.lock`` and re-reads
    the file inside the lock, so two notebooks saving at once lose nothing. Files that cannot
    be read are moved aside rather than overwritten, and :attr:`notices` says what happened.

    Attributes:
        path: The progress file.
        lock_path: The lock file next to it.
        notices: Plain-language messages about files that were moved aside or upgraded.
    """

    def __init__(self, path: Path | str | None = None, *, lock_timeout: float = 10.0) -> None:
        """Create a store for ``path`` (default: :func:`default_progress_path`).

        Args:
            path: The progress file to use.
            lock_timeout: Seconds to wait for another kernel to finish saving.
        """
        self.path = Path(path) if path is not None else default_progress_path()
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.notices: list[str] = []
        self._lock_timeout = lock_timeout
        self._lock: FileLock | None = None

    # ---------------------------------------------------------------- locking and files

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProgressError(
                f"Cannot create the folder for your progress ({self.path.parent}): "
                f"{exc.strerror or exc}."
            ) from exc
        if self._lock is None:
            self._lock = FileLock(self.lock_path, timeout=self._lock_timeout)
        try:
            self._lock.acquire()
        except Timeout as exc:
            raise ProgressError(
                "Your progress is busy being saved by another notebook; please try again."
            ) from exc
        except OSError as exc:
            raise ProgressError(
                f"Cannot lock your progress file ({self.lock_path}): {exc.strerror or exc}."
            ) from exc
        try:
            yield
        finally:
            self._lock.release()

    def _aside_path(self, label: str) -> Path:
        base = f"{self.path.name}.{label}-{_now().strftime(_ASIDE_STAMP)}"
        candidate = self.path.with_name(base)
        counter = 2
        while candidate.exists():
            candidate = self.path.with_name(f"{base}-{counter}")
            counter += 1
        return candidate

    def _move_aside(self, label: str) -> Path:
        """Rename the progress file to a fresh, never-existing aside name."""
        for _ in range(100):
            target = self._aside_path(label)
            try:
                os.link(self.path, target)  # fails instead of clobbering an existing file
            except FileExistsError:
                continue
            except OSError:
                if target.exists():
                    continue
                os.rename(self.path, target)  # no hard links here; we hold the lock
                _fsync_dir(self.path.parent)
                return target
            os.unlink(self.path)
            _fsync_dir(self.path.parent)
            return target
        raise ProgressError(f"Could not find a free name to keep {self.path} aside.")

    def _copy_aside(self, label: str, data: bytes) -> Path:
        """Write ``data`` to a fresh aside name next to the progress file."""
        for _ in range(100):
            target = self._aside_path(label)
            try:
                with open(target, "xb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
            except FileExistsError:
                continue
            except OSError as exc:
                raise ProgressError(
                    f"Could not keep a copy of your progress as {target}: "
                    f"{exc.strerror or exc}. Nothing was changed."
                ) from exc
            _fsync_dir(self.path.parent)
            return target
        raise ProgressError(f"Could not find a free name to copy {self.path} aside.")

    def _read_bytes(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ProgressError(
                f"Cannot read your progress file ({self.path}): {exc.strerror or exc}."
            ) from exc

    def _set_aside(self, label: str, problem: str, advice: str = "") -> None:
        try:
            target = self._move_aside(label)
        except OSError as exc:
            raise ProgressError(
                f"Your saved progress in {self.path} {problem}, and it could not be moved "
                f"aside ({exc.strerror or exc}). Nothing was changed."
            ) from exc
        self.notices.append(
            f"Your saved progress {problem}. The file was kept unchanged as {target}, "
            f"and a fresh progress record was started.{advice}"
        )

    def _load_unlocked(self) -> Progress:
        raw = self._read_bytes()
        if raw is None:
            return Progress()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self._set_aside(
                "corrupt", f"could not be read: it is not UTF-8 text (bad byte at {exc.start})"
            )
            return Progress()
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            self._set_aside(
                "corrupt",
                f"could not be read: it is not valid JSON (line {exc.lineno}, "
                f"column {exc.colno}: {exc.msg})",
            )
            return Progress()
        if not isinstance(data, dict):
            self._set_aside("corrupt", "could not be read: it does not hold a JSON object")
            return Progress()
        version = _read_version(data)
        if version is None:
            self._set_aside("corrupt", "could not be read: it has no valid schema_version")
            return Progress()
        if version > SCHEMA_VERSION:
            self._set_aside(
                f"newer-v{version}",
                f"was written by a newer version of the course (format version {version}; "
                f"this version reads up to {SCHEMA_VERSION})",
                " Open it with the newer course version to continue from it.",
            )
            return Progress()
        migrated = version < SCHEMA_VERSION
        if migrated:
            try:
                data = _migrate(data, version)
            except ProgressError as exc:
                self._set_aside("corrupt", f"could not be upgraded: {exc}")
                return Progress()
        try:
            progress = Progress.model_validate(data)
        except ValidationError as exc:
            self._set_aside("corrupt", f"could not be read: {describe_validation_error(exc)}")
            return Progress()
        if migrated:
            backup = self._copy_aside(f"v{version}", raw)
            self._save_unlocked(progress, touch=False)
            self.notices.append(
                f"Your saved progress was upgraded from format version {version} to "
                f"{SCHEMA_VERSION}. A copy of the old file was kept as {backup}."
            )
        return progress

    def _save_unlocked(self, progress: Progress, *, touch: bool = True) -> Progress:
        if touch:
            progress.updated_at = _now()
        try:
            text = progress.model_dump_json(indent=2)
            checked = Progress.model_validate_json(text)
        except ValidationError as exc:
            raise ProgressError(
                f"Progress was not saved: {describe_validation_error(exc)}."
            ) from exc
        except PydanticSerializationError as exc:
            raise ProgressError(
                f"Progress was not saved: some data cannot be stored as JSON ({exc})."
            ) from exc
        try:
            _write_atomic(self.path, (text + "\n").encode("utf-8"))
        except OSError as exc:
            raise ProgressError(
                f"Could not save your progress to {self.path}: {exc.strerror or exc}. "
                "Your previously saved progress is unchanged."
            ) from exc
        return checked

    # ---------------------------------------------------------------- public API

    def load(self) -> Progress:
        """Read the saved progress, or start fresh if there is none.

        A file that is corrupt, or written by a newer format version, is moved aside (never
        overwritten) and a message saying why and where it went is added to :attr:`notices`.

        Returns:
            The learner's progress.

        Raises:
            ProgressError: If the file cannot be read or locked at all.
        """
        with self._locked():
            return self._load_unlocked()

    def update(self, fn: Callable[[Progress], None]) -> Progress:
        """Apply a change to the saved progress atomically, safe against other kernels.

        Under the lock: re-read the file, call ``fn`` on it, bump ``updated_at``, validate,
        and write atomically. If ``fn`` raises, nothing is saved and the error propagates.

        Args:
            fn: Mutates the progress it is given in place.

        Returns:
            The progress as saved.

        Raises:
            ProgressError: If the changed progress is invalid or cannot be saved.
        """
        with self._locked():
            progress = self._load_unlocked()
            fn(progress)
            return self._save_unlocked(progress)

    def set_learner_name(self, name: str) -> Progress:
        """Save the learner's name (control characters removed, ends stripped).

        Args:
            name: The name as typed.

        Returns:
            The saved progress.

        Raises:
            ProgressError: If the name is longer than 200 characters.
        """
        try:
            cleaned = clean_learner_name(name)
        except ValueError as exc:
            raise ProgressError(f"Your name was not saved: {exc}.") from exc

        def apply(progress: Progress) -> None:
            progress.learner_name = cleaned

        return self.update(apply)

    def set_profile(self, profile: ProfileId | None) -> Progress:
        """Save the learner's library profile.

        Args:
            profile: One of :data:`engage.profiles.PROFILE_IDS`, or None to clear it.

        Returns:
            The saved progress.

        Raises:
            ProgressError: If ``profile`` is not a known profile.
        """
        if profile is not None and profile not in PROFILE_IDS:
            raise ProgressError(
                f"Unknown library profile {profile!r}; choose one of {', '.join(PROFILE_IDS)}."
            )

        def apply(progress: Progress) -> None:
            progress.profile = profile

        return self.update(apply)

    def mark_started(self, module_id: str) -> Progress:
        """Record that a module was opened; the first start time is kept.

        Args:
            module_id: A module id such as ``01-turning-outward``.

        Returns:
            The saved progress.

        Raises:
            ProgressError: If ``module_id`` is empty, too long or has control characters.
        """
        return self._mark_module(module_id, completed=False)

    def mark_completed(self, module_id: str) -> Progress:
        """Record that a module was completed; the first completion time is kept.

        Args:
            module_id: A module id such as ``01-turning-outward``.

        Returns:
            The saved progress.

        Raises:
            ProgressError: If ``module_id`` is empty, too long or has control characters.
        """
        return self._mark_module(module_id, completed=True)

    def _mark_module(self, module_id: str, *, completed: bool) -> Progress:
        _require_id("module", module_id)

        def apply(progress: Progress) -> None:
            now = _now()
            entry = progress.modules.setdefault(module_id, ModuleProgress(updated_at=now))
            if entry.started_at is None:
                entry.started_at = now
            if completed and entry.completed_at is None:
                entry.completed_at = now
            entry.updated_at = now

        return self.update(apply)

    def is_completed(self, module_id: str) -> bool:
        """Tell whether a module has been completed.

        Args:
            module_id: A module id such as ``01-turning-outward``.

        Returns:
            True if the saved progress records a completion time for the module.
        """
        return self.load().is_completed(module_id)

    def put_item(self, section: Section, item_id: str, payload: Mapping[str, Any]) -> Progress:
        """Save one scenario state, quiz answer or reflection draft, stamped with ``updated_at``.

        Args:
            section: ``"scenarios"``, ``"quizzes"`` or ``"reflections"``.
            item_id: The scenario, quiz or reflection id.
            payload: JSON-compatible data; its ``updated_at`` is set to now.

        Returns:
            The saved progress.

        Raises:
            ProgressError: If ``section`` is unknown or the payload cannot be stored.
        """
        if section not in SECTIONS:
            raise ProgressError(f"Unknown progress section {section!r}.")
        _require_id(_SECTION_WORDS[section], item_id)
        item = dict(payload)

        def apply(progress: Progress) -> None:
            item["updated_at"] = _iso_now()
            getattr(progress, section)[item_id] = item

        return self.update(apply)

    def export_bytes(self) -> bytes:
        """Return the saved progress as a downloadable JSON file.

        Returns:
            UTF-8 JSON: ``{"app": "models-for-change", "schema_version": ..., "exported_at":
            ..., "progress": {...}}``.
        """
        progress = self.load()
        envelope = {
            "app": APP_MARKER,
            "schema_version": SCHEMA_VERSION,
            "exported_at": _iso_now(),
            "progress": progress.model_dump(mode="json"),
        }
        return (json.dumps(envelope, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    def export_filename(self) -> str:
        """Return a download name such as ``models-for-change-progress-2026-11-30.json``.

        Returns:
            The file name, dated today (UTC).
        """
        return f"{APP_MARKER}-progress-{_now().date().isoformat()}.json"

    def import_bytes(self, data: bytes | bytearray | memoryview, source_name: str) -> ImportResult:
        """Merge an exported progress file into the saved progress without losing anything.

        The name and profile come from the file only where none is set yet; module completion
        is the union (earliest start and completion win); for scenarios, quizzes and
        reflections the item with the later ``updated_at`` wins. The current file is first
        copied to ``progress.json.before-import-<timestamp>``.

        Args:
            data: The uploaded file's bytes.
            source_name: The uploaded file's name, used in messages.

        Returns:
            What was added and kept.

        Raises:
            ProgressError: If the file is refused (see :func:`parse_export`) or the merged
                progress cannot be saved; the saved progress is then unchanged.
        """
        incoming, migrated_from = parse_export(data, source_name)
        with self._locked():
            current = self._load_unlocked()
            raw = self._read_bytes()
            backup = self._copy_aside("before-import", raw) if raw is not None else None
            summary = _merge_into(current, incoming)
            saved = self._save_unlocked(current)
        if migrated_from is not None:
            summary.insert(
                0, f"The file was upgraded from format version {migrated_from} before merging."
            )
        return ImportResult(
            source_name=_display_name(source_name),
            summary=summary,
            progress=saved,
            backup_path=backup,
            migrated_from=migrated_from,
        )
