"""Load and validate course content files, reporting problems as file:line: key path."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from engage.content.schema import (
    HTTPS_PATTERN,
    MODULE_ID_PATTERN,
    SCHEMA_VERSION,
    SLUG_PATTERN,
    Course,
    Module,
)

M = TypeVar("M", bound=BaseModel)

MIGRATIONS: dict[int, Callable[[CommentedMap], CommentedMap]] = {}
"""Upgrades of content files: ``MIGRATIONS[n]`` turns a version-n mapping into version n+1."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a content file."""

    path: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        """Render as ``file:line: key: message`` (parts that are unknown are left out)."""
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class ContentError(Exception):
    """Raised when content files cannot be loaded; holds every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        """Collect the problems; the message is one line per problem."""
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path, root: Path | None = None) -> str:
    """Return a path relative to ``root`` (or the working directory) when possible.

    Args:
        path: The file path.
        root: The folder to show it relative to; the working directory if None.

    Returns:
        A short, POSIX-style path for messages.
    """
    base = (root or Path.cwd()).resolve()
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def format_key_path(loc: Iterable[int | str]) -> str:
    """Format a location tuple as a key path such as ``sections[3].body``.

    Args:
        loc: Keys and list indexes from the top of the file.

    Returns:
        The dotted key path with list indexes in brackets.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def read_yaml(path: Path, shown: str) -> Any:
    """Parse one YAML file, keeping line numbers.

    Args:
        path: The file to read.
        shown: How to name the file in messages.

    Returns:
        The parsed document (ruamel's commented mappings and sequences).

    Raises:
        ContentError: If the file cannot be read, is not UTF-8, or is not valid YAML.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError(
            [Problem(shown, None, "", f"cannot read file: {exc.strerror}")]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(
            [Problem(shown, line, "", "not UTF-8 text: save the file with UTF-8 encoding")]
        ) from None
    try:
        return _yaml().load(text)
    except DuplicateKeyError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        key = str(exc.problem).split('"')[1] if '"' in str(exc.problem) else ""
        message = f"duplicate key '{key}'" if key else "duplicate key"
        raise ContentError([Problem(shown, line, "", message)]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ContentError([Problem(shown, line, "", f"YAML syntax error: {problem}")]) from None
    except YAMLError as exc:
        position = getattr(exc, "position", None)
        line = text[:position].count("\n") + 1 if isinstance(position, int) else None
        first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        character = getattr(exc, "character", None)
        if character is not None:
            code = character if isinstance(character, int) else ord(character)
            first = f"unacceptable character #x{code:04x}: special characters are not allowed"
        raise ContentError([Problem(shown, line, "", f"YAML syntax error: {first}")]) from None


AT_PATH = re.compile(r"^\[at (\S+)\] (.*)$", re.DOTALL)


def parse_key_path(path: str) -> tuple[int | str, ...]:
    """Parse a key path such as ``sections[1].id`` into ``("sections", 1, "id")``.

    Args:
        path: The dotted path with bracketed list indexes.

    Returns:
        The location tuple.
    """
    out: list[int | str] = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        out.append(int(part[1:-1]) if part.startswith("[") else part)
    return tuple(out)


def _fast_loader() -> type:
    """A libyaml-based loader with YAML 1.2 core-schema scalars (no yes/no booleans)."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class FastLoader(base):  # type: ignore[misc, valid-type]
        pass

    dropped = {
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:timestamp",
    }
    FastLoader.yaml_implicit_resolvers = {
        key: [r for r in resolvers if r[0] not in dropped]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    FastLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    FastLoader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
    )
    FastLoader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?$"),
        list("-+0123456789."),
    )
    return FastLoader


_FAST_LOADER: type | None = None


def read_yaml_fast(path: Path) -> Any:
    """Parse a YAML file quickly with libyaml, without line numbers.

    Used where content is shown to learners; when anything is wrong, callers fall back to
    :func:`read_yaml` for precise messages. ``engage check`` always uses the precise path
    (which also refuses duplicate keys).

    Args:
        path: The file to read.

    Returns:
        The parsed document as plain dicts and lists.
    """
    import yaml

    global _FAST_LOADER
    if _FAST_LOADER is None:
        _FAST_LOADER = _fast_loader()
    return yaml.load(path.read_bytes().decode("utf-8-sig"), Loader=_FAST_LOADER)


def load_file_fast(path: Path, model: type[M], root: Path | None = None) -> M:
    """Load a content file quickly, falling back to :func:`load_file` for precise errors.

    Args:
        path: The YAML file.
        model: The model of the whole file.
        root: The folder that messages show paths relative to.

    Returns:
        The validated model.

    Raises:
        ContentError: With every problem found, each naming file, line and key path.
    """
    try:
        data = read_yaml_fast(path)
        if isinstance(data, dict) and data.get("schema_version") == SCHEMA_VERSION:
            return model.model_validate(data)
    except Exception:  # any problem: the precise path below reports it
        pass
    return load_file(path, model, root)


def line_of(data: Any, loc: tuple[int | str, ...]) -> tuple[int | None, tuple[int | str, ...]]:
    """Find the line of the deepest node of ``loc`` that exists in the parsed YAML.

    Args:
        data: The parsed document.
        loc: The location reported by validation.

    Returns:
        The 1-based line (or None) and the part of ``loc`` that exists in the file.
    """
    node = data
    line = 1 if isinstance(data, CommentedMap | CommentedSeq) else None
    found: list[int | str] = []
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            pos = node.lc.key(part)
            line = pos[0] + 1 if pos else line
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            pos = node.lc.item(part)
            line = pos[0] + 1 if pos else line
            node = node[part]
        else:
            break
        found.append(part)
    return line, tuple(found)


def _message(error: dict[str, Any], data: Any, loc: tuple[int | str, ...], model: type) -> str:
    kind = error["type"]
    if kind == "missing":
        return "field required"
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else ""
        hint = _suggest(key, data, loc, model)
        return f"unknown key '{key}'" + (f" (did you mean '{hint}'?)" if hint else "")
    if kind == "string_pattern_mismatch":
        pattern = (error.get("ctx") or {}).get("pattern", "")
        return PATTERN_WORDS.get(pattern, f"does not have the expected form ({pattern})")
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if kind == "literal_error":
        message = message.replace("Input should be", "should be one of")
    return message[:1].lower() + message[1:]


PATTERN_WORDS = {
    MODULE_ID_PATTERN: "should be a module id: two digits, a dash and lowercase words joined "
    "by '-' (like '04-world-cafe')",
    SLUG_PATTERN: "should be an id of lowercase letters and digits, words joined by '-' or '_' "
    "(like 'first-cafe' or 'follow_through')",
    HTTPS_PATTERN: "should be a web address starting with https://",
}


def _suggest(key: str, data: Any, loc: tuple[int | str, ...], model: type) -> str | None:
    allowed = _allowed_keys(model, loc[:-1])
    matches = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _allowed_keys(model: type, loc: tuple[int | str, ...]) -> list[str]:
    import typing

    current: Any = model
    for part in loc:
        if isinstance(part, int):
            current = _unwrap(current, (list, tuple))
            continue
        fields = getattr(current, "model_fields", None)
        if fields is not None:
            field = fields.get(part) or next((f for f in fields.values() if f.alias == part), None)
            if field is None:
                return []
            current = field.annotation
        elif typing.get_origin(_strip_optional(current)) is dict:
            current = typing.get_args(_strip_optional(current))[1]
        else:
            return []
        current = _strip_optional(current)
    target = _model_in(current) if not hasattr(current, "model_fields") else current
    fields = getattr(target, "model_fields", {}) or {}
    return [f.alias or name for name, f in fields.items()]


def _strip_optional(annotation: Any) -> Any:
    import typing

    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, __import__("types").UnionType):
        return args[0] if len(args) == 1 else annotation
    return annotation


def _unwrap(annotation: Any, containers: tuple[type, ...]) -> Any:
    import typing

    annotation = _strip_optional(annotation)
    if typing.get_origin(annotation) in containers:
        return typing.get_args(annotation)[0]
    return annotation


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    if origin is not None:
        return _model_in(origin)
    return None


def _plain(data: Any) -> Any:
    if isinstance(data, dict):
        return {str(k) if not isinstance(k, str) else k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def validate(data: Any, model: type[M], shown: str) -> M:
    """Validate parsed YAML against a model, converting errors to file:line: key problems.

    Args:
        data: The parsed document.
        model: The pydantic model for the whole file.
        shown: How to name the file in messages.

    Returns:
        The validated model.

    Raises:
        ContentError: With one problem per validation error.
    """
    if not isinstance(data, CommentedMap):
        raise ContentError([Problem(shown, 1, "", "the file must be a YAML mapping of keys")])
    version = data.get("schema_version")
    if version is None:
        raise ContentError([Problem(shown, 1, "schema_version", "field required")])
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        line, _ = line_of(data, ("schema_version",))
        raise ContentError([Problem(shown, line, "schema_version", "must be a whole number")])
    if version > SCHEMA_VERSION:
        line, _ = line_of(data, ("schema_version",))
        raise ContentError(
            [
                Problem(
                    shown,
                    line,
                    "schema_version",
                    f"the file is written for schema_version {version}, but this version of "
                    f"the course software reads {SCHEMA_VERSION}: update the software",
                )
            ]
        )
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
        data["schema_version"] = version
    try:
        return model.model_validate(_plain(data))
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if loc and loc[-1] == "[key]":
                loc = loc[:-1]
            located = AT_PATH.match(error.get("msg", "").removeprefix("Value error, "))
            if located:
                loc = loc + parse_key_path(located.group(1))
                error = {**error, "msg": located.group(2)}
            line, found = line_of(data, loc)
            # A plain string stands for {default: ...}: report the key the writer wrote.
            if loc[-1:] == ("default",) and found == loc[:-1] and _is_scalar(data, found):
                loc = found
            problems.append(
                Problem(shown, line, format_key_path(loc), _message(error, data, loc, model))
            )
        raise ContentError(_dedupe(problems)) from None


def _is_scalar(data: Any, loc: tuple[int | str, ...]) -> bool:
    node = data
    for part in loc:
        node = node[part]
    return not isinstance(node, CommentedMap | CommentedSeq)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for problem in problems:
        if str(problem) not in seen:
            seen.add(str(problem))
            out.append(problem)
    return out


def load_file(path: Path, model: type[M], root: Path | None = None) -> M:
    """Read and validate one content file.

    Args:
        path: The YAML file.
        model: The model of the whole file.
        root: The folder that messages show paths relative to.

    Returns:
        The validated model.

    Raises:
        ContentError: With every problem found, each naming file, line and key path.
    """
    shown = display_path(path, root)
    return validate(read_yaml(path, shown), model, shown)


def repo_root() -> Path:
    """Find the course repository root (the folder holding ``modules/``).

    Looks at ``ENGAGE_COURSE_ROOT``, then upwards from the working directory, then
    upwards from this package's source folder.

    Returns:
        The root folder.

    Raises:
        FileNotFoundError: If no ``modules/course.yml`` can be found.
    """
    import os

    env = os.environ.get("ENGAGE_COURSE_ROOT")
    candidates = [Path(env)] if env else []
    candidates += [Path.cwd(), *Path.cwd().parents]
    here = Path(__file__).resolve()
    candidates += list(here.parents)
    for candidate in candidates:
        if (candidate / "modules" / "course.yml").is_file():
            return candidate
    raise FileNotFoundError(
        "cannot find the course folder (modules/course.yml); run from the repository "
        "or set ENGAGE_COURSE_ROOT"
    )


def load_course(root: Path | None = None) -> Course:
    """Load ``modules/course.yml``.

    Args:
        root: The repository root; found automatically if None.

    Returns:
        The course.
    """
    root = root or repo_root()
    return _load_course_cached(root.resolve())


def load_module(module_id: str, root: Path | None = None) -> Module:
    """Load ``modules/<module_id>/module.yml``.

    Args:
        module_id: The module id, e.g. ``00-start``.
        root: The repository root; found automatically if None.

    Returns:
        The module.
    """
    root = root or repo_root()
    return _load_module_cached(module_id, root.resolve())


@lru_cache(maxsize=4)
def _load_course_cached(root: Path) -> Course:
    return load_file_fast(root / "modules" / "course.yml", Course, root)


@lru_cache(maxsize=32)
def _load_module_cached(module_id: str, root: Path) -> Module:
    return load_file_fast(root / "modules" / module_id / "module.yml", Module, root)


def clear_cache() -> None:
    """Forget cached content, so edited files are read again."""
    _load_course_cached.cache_clear()
    _load_module_cached.cache_clear()
