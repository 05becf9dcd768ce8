"""Tests of modules/methods.yml: the real file loads, and each kind of mistake is reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engage.planning.methods import (
    Condition,
    check_methods,
    load_methods,
    minutes_text,
    slugify,
)

REPO = Path(__file__).resolve().parents[2]
COURSE_METHODS = {
    "Conversation Café",
    "World Café",
    "Reflective Structured Dialogue",
    "National Issues Forums",
    "Dialogue to Change",
    "Future Search",
    "Turning Outward community conversations",
}


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A throwaway copy of the course's modules folder."""
    root = tmp_path / "course"
    shutil.copytree(REPO / "modules", root / "modules")
    return root


def edit(root: Path, old: str, new: str, *, after: str | None = None) -> None:
    """Replace the first ``old`` (after the line containing ``after``) in methods.yml."""
    path = root / "modules" / "methods.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    at = text.index(old, start)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")


def line_of(root: Path, needle: str, after: str | None = None) -> int:
    lines = (root / "modules" / "methods.yml").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1


def test_real_methods_file_has_no_problems():
    """Does the committed methods.yml pass every check?"""
    assert check_methods(REPO) == []


def test_every_course_method_is_described():
    """Are all seven of the course's methods in the data, each with a module and a template?"""
    catalog = load_methods(REPO)
    assert {m.name for m in catalog.methods} == COURSE_METHODS
    for method in catalog.methods:
        assert method.template.meetings and method.template.roles
        assert method.not_for, f"{method.name} says nowhere when not to use it"


def test_streams_are_ncdd_four():
    """Are the four engagement streams the ones NCDD names, each used by some method?"""
    catalog = load_methods(REPO)
    assert [s.id for s in catalog.streams] == [
        "exploration",
        "conflict-transformation",
        "decision-making",
        "collaborative-action",
    ]
    used = {s for m in catalog.methods for s in m.streams}
    assert used == {s.id for s in catalog.streams}


def test_required_segments_say_what_goes_wrong_without_them():
    """Does every segment a method cannot do without explain why, for the planner's message?"""
    catalog = load_methods(REPO)
    for method in catalog.methods:
        for meeting in method.template.all_meetings():
            for segment in meeting.segments:
                if segment.required:
                    assert segment.why and len(segment.why) > 20, (method.id, segment.id)


BAD_EDITS = {
    "unknown_purpose_in_method": (
        ("      - id: process-event\n        why:", "      - id: process-events\n        why:"),
        "methods[0].purposes[0].id",
        "no purpose 'process-events'",
        ("- id: process-events", None),
    ),
    "unknown_heat_in_not_for": (
        ("{heat: [polarised]}", "{heat: [polarized]}"),
        "methods[0].not_for[1].when.heat[0]",
        "no heat option 'polarized'",
        ("{heat: [polarized]}", None),
    ),
    "misspelled_key": (
        ("    pair_with: >-", "    pair_wth: >-"),
        "methods[0].pair_wth",
        "unknown key 'pair_wth' (did you mean 'pair_with'?)",
        ("pair_wth", None),
    ),
    "module_not_in_course_map": (
        ("module: 08-conversation-cafe", "module: 08-conversation-cafes"),
        "methods[0].module",
        "module '08-conversation-cafes' is not in modules/course.yml",
        ("module: 08-conversation-cafes", None),
    ),
    "example_the_method_is_not_for": (
        (
            "          heat: warm\n          decision: none",
            "          heat: polarised\n          decision: none",
        ),
        "methods[0].examples[0].situation",
        "the example is a situation the method is not for (not_for[1])",
        ("situation:", "Talking after the mill closed"),
    ),
    "purpose_in_unknown_stream": (
        ("        stream: exploration\n", "        stream: explore\n"),
        "questions.purpose.options[0].stream",
        "no stream 'explore'",
        ("stream: explore", None),
    ),
    "decision_options_renamed": (
        ("      - id: made\n", "      - id: decided\n"),
        "questions.decision.options",
        "the options must be exactly none, pending, made in this order",
        ("    options:", "  decision:"),
    ),
    "segments_longer_than_session": (
        ("session: {min: 60, max: 90, default: 90}", "session: {min: 60, max: 90, default: 60}"),
        "methods[0].template.meetings[0].segments",
        "the default segments take 90 minutes, longer than the default session of 60",
        ("segments:", "- id: cafe"),
    ),
    "required_segment_without_why": (
        (
            "              why: The final round closes the circle so everyone leaves having "
            "been heard.\n",
            "",
        ),
        "methods[0].template.meetings[0].segments[4].why",
        "a required segment needs a why: what goes wrong without it",
        ("- id: final-round", None),
    ),
    "future_search_days_do_not_match_meetings": (
        ("count: {min: 3, max: 3, default: 3}", "count: {min: 2, max: 3, default: 2}"),
        "methods[5].template.meetings",
        "a multi-day template lists one meeting per day: 2 days but 3 meetings",
        ("meetings:", "- id: future-search"),
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_EDITS))
def test_bad_method_data_reports_file_line_key_and_message(course: Path, case: str):
    """Does each kind of mistake produce one message naming the file, line and key path?"""
    (old, new), key, message, (needle, after) = BAD_EDITS[case]
    in_questions = {"decision_options_renamed", "purpose_in_unknown_stream"}
    after_marker = None if case in in_questions else "id: conversation-cafe\n"
    if case == "future_search_days_do_not_match_meetings":
        after_marker = "id: future-search\n"
    edit(course, old, new, after=after_marker)
    problems = [str(p) for p in check_methods(course)]
    matching = [p for p in problems if f": {key}: " in p]
    assert matching, f"no problem at {key}; got {problems}"
    assert message in matching[0]
    assert matching[0].startswith("modules/methods.yml:")
    line = int(matching[0].split(":")[1])
    assert line == line_of(course, needle, after), matching[0]


def test_a_missing_methods_file_is_a_problem(course: Path):
    """Is a course without modules/methods.yml told so?"""
    (course / "modules" / "methods.yml").unlink()
    assert [str(p) for p in check_methods(course)] == ["modules/methods.yml: file missing"]


def test_duplicate_method_id_is_reported(course: Path):
    """Is a second method with the same id reported at its id?"""
    edit(course, "  - id: world-cafe\n", "  - id: conversation-cafe\n")
    problems = [str(p) for p in check_methods(course)]
    assert any("methods[1].id: method id 'conversation-cafe' is used twice" in p for p in problems)


def test_condition_matches_every_named_factor():
    """Does a condition need every factor it names to match, and read sizes as ranges?"""
    cond = Condition.model_validate({"heat": ["raw"], "size": {"max": 11}})
    assert cond.matches({"heat": "raw", "size": 11})
    assert not cond.matches({"heat": "raw", "size": 12})
    assert not cond.matches({"heat": "calm", "size": 5})
    with pytest.raises(ValueError, match="at least one factor"):
        Condition.model_validate({})


def test_small_text_helpers():
    """Are minutes written for people and file names made safe?"""
    assert minutes_text(45) == "45 min"
    assert minutes_text(90) == "1 h 30 min"
    assert minutes_text(120) == "2 h"
    assert slugify("A Café: <script>!") == "a-caf-script"
    assert slugify("***") == "plan"
