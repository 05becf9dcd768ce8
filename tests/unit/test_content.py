"""Tests for engage.content: loading course files and reporting problems as file:line: key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel
from ruamel.yaml import YAML

from engage.content import (
    SCHEMA_VERSION,
    ContentError,
    Course,
    Module,
    Problem,
    Text,
    load_course,
    load_file,
    load_module,
)
from engage.content.loader import format_key_path
from engage.profiles import PROFILE_IDS

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "content"
EXPECTED: dict[str, list[str]] = YAML(typ="safe").load(FIXTURES / "expected.yml")

GOOD_MODULE = """\
schema_version: 1
id: 01-sample
number: 1
title: Sample
summary: A sample module.
objectives:
  - Do one thing.
  - default: Plan a session.
    academic: Plan a session on campus.
time_to_learn: 10
sections:
  - id: first
    title: First
    body:
      default: Some text.
      small-mid-rural: Some text for a small town.
takeaways: One takeaway.
whats_next: Nothing yet.
"""

LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?:(?P<key>[\w.\[\]-]+): )?(?P<msg>.+)$")


def model_for(name: str) -> type[BaseModel]:
    return Course if name.startswith("course_") else Module


def problems_of(name: str) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_file(FIXTURES / name, model_for(name), REPO)
    return [str(p) for p in info.value.problems]


# ----------------------------------------------------------------- the fixture catalogue


def test_every_fixture_has_an_expected_message_and_vice_versa():
    """Is every bad file in the fixtures folder listed in expected.yml, and only those?"""
    files = {p.name for p in FIXTURES.glob("*.yml")} - {"expected.yml"}
    assert files == set(EXPECTED)
    assert all(n.startswith(("module_", "course_")) for n in files)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_reports_exactly_its_problems(name: str):
    """Does each bad content file yield exactly the problem lines expected for it?"""
    assert problems_of(name) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_error_message_is_one_line_per_problem(name: str):
    """Is the error's text one `file:line: key: message` line per problem, naming the file?"""
    with pytest.raises(ContentError) as info:
        load_file(FIXTURES / name, model_for(name), REPO)
    lines = str(info.value).splitlines()
    assert len(lines) == len(info.value.problems) >= 1
    for line in lines:
        match = LINE.match(line)
        assert match, line
        assert match["file"] == f"tests/fixtures/content/{name}"


def _expected_problems() -> list[tuple[str, str]]:
    return [(name, line) for name, lines in sorted(EXPECTED.items()) for line in lines]


@pytest.mark.parametrize(("name", "expected"), _expected_problems())
def test_expected_line_points_at_the_key_it_names(name: str, expected: str):
    """Does the line number in each expected message point at the key that message names?"""
    match = LINE.match(expected)
    assert match, expected
    key, message = match["key"], match["msg"]
    if not key or message == "field required":
        return  # a missing key has no line of its own; a file-level problem has no key
    text = (FIXTURES / name).read_bytes().decode("utf-8", errors="replace")
    line = text.splitlines()[int(match["line"]) - 1]
    last = re.split(r"[.\[]", key)[-1]
    if last.endswith("]"):
        assert line.lstrip().startswith("- "), (key, line)
    else:
        assert re.match(rf"\s*(- )?{re.escape(last)}:", line), (key, line)


def test_line_numbers_point_at_the_offending_lines():
    """Do a few reported line numbers land on the very line that is wrong?"""
    cases = {
        "module_resource_http_url.yml": "url: http://example.org/guide",
        "module_time_not_int.yml": "time_to_learn: about 10",
        "module_bad_profile_variant.yml": "rural: A sample module for a small town.",
        "module_duplicate_key.yml": "title: Another sample",
        "module_not_utf8.yml": "body: Caf",
        "course_unknown_profile_id.yml": "- id: rural",
        "course_unknown_module_in_path.yml": "- 02-second",
        "module_number_mismatch.yml": "number: 2",
    }
    for name, offending in cases.items():
        [problem] = problems_of(name)
        number = int(LINE.match(problem)["line"])  # type: ignore[index]
        raw = (FIXTURES / name).read_bytes().decode("latin-1").splitlines()
        assert offending in raw[number - 1], (name, problem)


def test_not_utf8_fixture_holds_real_latin1_bytes():
    """Is the not-UTF-8 fixture really Latin-1 (an 0xE9 byte), so the test means something?"""
    raw = (FIXTURES / "module_not_utf8.yml").read_bytes()
    assert b"Caf\xe9 " in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


# ----------------------------------------------------------------- good content


def test_real_course_and_modules_load():
    """Does the course's own content under modules/ load without a problem?"""
    course = load_course(REPO)
    assert [p.id for p in course.profiles] == list(PROFILE_IDS)
    assert len(course.course_map) == 12
    folders = sorted(p for p in (REPO / "modules").iterdir() if (p / "module.yml").is_file())
    assert folders, "no module folders found"
    for folder in folders:
        module = load_module(folder.name, REPO)
        assert module.id == folder.name
        assert module.schema_version == SCHEMA_VERSION


def test_real_start_module_has_the_sections_its_notebook_shows():
    """Does 00-start hold the sections the start notebook asks for by id?"""
    module = load_module("00-start", REPO)
    notebook = (REPO / "notebooks" / "00-start.ipynb").read_text(encoding="utf-8")
    asked = set(re.findall(r'section\(\\"([a-z0-9-]+)\\"\)', notebook))
    assert asked
    assert asked <= {s.id for s in module.sections}


def test_good_minimal_module_loads(tmp_path: Path):
    """Does a small module using plain strings and variant mappings load as typed models?"""
    path = tmp_path / "module.yml"
    path.write_text(GOOD_MODULE, encoding="utf-8")
    module = load_file(path, Module, tmp_path)
    assert module.id == "01-sample"
    assert module.number == 1
    assert module.time_to_learn == 10
    assert module.prerequisites == []
    assert module.resources == []
    assert module.summary.default == "A sample module."
    assert module.summary.for_profile("academic") == "A sample module."
    plain, variant = module.objectives
    assert plain.for_profile("large-urban") == "Do one thing."
    assert variant.for_profile("academic") == "Plan a session on campus."
    assert variant.for_profile("large-urban") == "Plan a session."
    body = module.sections[0].body
    assert body.for_profile("small-mid-rural") == "Some text for a small town."
    assert body.for_profile("academic") == "Some text."


def test_file_with_a_byte_order_mark_loads(tmp_path: Path):
    """Does a UTF-8 file saved with a byte-order mark (as Windows editors do) still load?"""
    path = tmp_path / "module.yml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_MODULE.encode("utf-8"))
    assert load_file(path, Module, tmp_path).id == "01-sample"


# ----------------------------------------------------------------- Text


def test_text_for_profile_falls_back_to_default():
    """Does a text without a variant for the learner's profile give the default?"""
    text = Text.model_validate({"default": "Everyone.", "academic": "Campus."})
    assert text.for_profile("academic") == "Campus."
    assert text.for_profile("large-urban") == "Everyone."
    assert text.for_profile("small-mid-rural") == "Everyone."
    assert text.for_profile(None) == "Everyone."
    assert text.for_profile("no-such-profile") == "Everyone."


def test_text_accepts_a_plain_string_and_a_variant_mapping():
    """Do a plain string and a mapping with per-profile variants both make a Text?"""
    plain = Text.model_validate("Just this.")
    assert plain.default == "Just this."
    assert all(plain.for_profile(p) == "Just this." for p in PROFILE_IDS)
    every = Text.model_validate(
        {
            "default": "D",
            "small-mid-rural": "S",
            "large-urban": "L",
            "academic": "A",
        }
    )
    assert [every.for_profile(p) for p in PROFILE_IDS] == ["S", "L", "A"]


# ----------------------------------------------------------------- errors are ContentErrors


def test_missing_module_is_a_content_error():
    """Is asking for a module that has no folder a ContentError naming the file?"""
    with pytest.raises(ContentError) as info:
        load_module("99-no-such-module", REPO)
    [problem] = info.value.problems
    assert problem.path == "modules/99-no-such-module/module.yml"
    assert problem.message.startswith("cannot read file")


def test_a_folder_in_place_of_a_file_is_a_content_error(tmp_path: Path):
    """Is a folder where module.yml should be a ContentError, not an OSError?"""
    (tmp_path / "module.yml").mkdir()
    with pytest.raises(ContentError) as info:
        load_file(tmp_path / "module.yml", Module, tmp_path)
    assert str(info.value).startswith("module.yml: cannot read file")


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\x01\x02\xff\xfe",
        "schema_version: 1\n".encode("utf-16"),
        b"just a sentence\n",
        b"[1, 2, 3]\n",
        b"schema_version: 1\n---\nid: 01-x\n",
        b"schema_version: 1\nid: !!python/object/apply:os.system [echo]\n",
        b"schema_version: 1\ntitle: 2024-01-01\n",
        b"schema_version: 1\n1: one\n",
        b"schema_version: 1\nsections: {id: first}\n",
        b"schema_version: 99999999999999999999999\n",
        b"schema_version: -1\n",
        b"schema_version: 1\nsummary: Some\x0ctext.\n",
    ],
    ids=[
        "empty",
        "binary",
        "utf16",
        "scalar",
        "list",
        "two-documents",
        "python-tag",
        "date-title",
        "int-key",
        "mapping-for-list",
        "huge-version",
        "negative-version",
        "form-feed",
    ],
)
def test_odd_input_is_always_a_content_error(tmp_path: Path, raw: bytes):
    """Is every odd file a ContentError with single-line, located problems, never a traceback?"""
    path = tmp_path / "module.yml"
    path.write_bytes(raw)
    with pytest.raises(ContentError) as info:
        load_file(path, Module, tmp_path)
    assert info.value.problems
    for problem in info.value.problems:
        assert isinstance(problem, Problem)
        assert problem.path == "module.yml"
        assert "\n" not in str(problem), str(problem)
        assert problem.line is not None, str(problem)


def test_errors_from_loading_a_course_are_content_errors(tmp_path: Path):
    """Does load_course turn a broken course.yml into a ContentError for the whole file?"""
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "course.yml").write_text("schema_version: 1\ntitle: X\n")
    with pytest.raises(ContentError) as info:
        load_course(tmp_path)
    keys = {p.key for p in info.value.problems}
    assert {"tagline", "attribution", "profiles", "course_map"} <= keys
    assert all(p.path == "modules/course.yml" for p in info.value.problems)


def test_module_file_given_as_course_lists_every_wrong_key(tmp_path: Path):
    """Does a module.yml validated as a course report each foreign key, not stop at one?"""
    path = tmp_path / "course.yml"
    path.write_text(GOOD_MODULE, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_file(path, Course, tmp_path)
    unknown = {p.key for p in info.value.problems if p.message.startswith("unknown key")}
    assert {"id", "number", "sections", "objectives"} <= unknown


# ----------------------------------------------------------------- small helpers


def test_problem_renders_without_unknown_parts():
    """Does a problem leave out the line and key it does not know?"""
    assert str(Problem("a.yml", 3, "x.y", "bad")) == "a.yml:3: x.y: bad"
    assert str(Problem("a.yml", None, "", "file missing")) == "a.yml: file missing"
    assert str(Problem("a.yml", 1, "", "bad")) == "a.yml:1: bad"


def test_key_path_formatting():
    """Are key paths written the way authors read them, e.g. sections[3].body?"""
    assert format_key_path(("sections", 3, "body")) == "sections[3].body"
    assert format_key_path(("profiles", 0, "recommended_path", 1)) == (
        "profiles[0].recommended_path[1]"
    )
    assert format_key_path(()) == ""
