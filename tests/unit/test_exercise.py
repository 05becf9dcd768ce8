"""Tests for engage.exercise: sorting and design exercises, their rules and their checks."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from engage.activities import load_exercise
from engage.content import ContentError
from engage.exercise import (
    DesignExercise,
    Finding,
    SortExercise,
    check_design,
    check_sort,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "exercises"
EXPECTED: dict[str, list[str]] = YAML(typ="safe").load(FIXTURES / "expected.yml")
GOOD = {"good_sort.yml", "good_design.yml"}


@pytest.fixture(scope="module")
def sort() -> SortExercise:
    exercise = load_exercise(FIXTURES / "good_sort.yml", ROOT)
    assert isinstance(exercise, SortExercise)
    return exercise


@pytest.fixture(scope="module")
def design_ex() -> DesignExercise:
    exercise = load_exercise(FIXTURES / "good_design.yml", ROOT)
    assert isinstance(exercise, DesignExercise)
    return exercise


def good_design(exercise: DesignExercise) -> dict[str, Any]:
    """A design that fits every rule of good_design.yml."""
    design = exercise.blank()
    design["welcome"] = "Tea at the door and a name tag."
    design["hosts"] = "Ana\nBo\nCy"
    questions = [
        "What makes this town a good place to grow up?",
        "Where do people already meet?",
        "How could the library help?",
    ]
    for item, question in zip(design["rounds"], questions, strict=True):
        item["question"] = question
    return design


def findings_for(exercise: DesignExercise, design: dict[str, Any], principle: str) -> list[Finding]:
    return [f for f in check_design(exercise, design) if f.principle == principle]


# ----------------------------------------------------------------- the fixture catalogue


def test_every_bad_fixture_is_listed_in_expected_yml():
    """Is every exercise fixture except the good ones listed in expected.yml, and only those?"""
    files = {p.name for p in FIXTURES.glob("*.yml")} - {"expected.yml", *GOOD}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_exercise_reports_exactly_its_problems(name: str):
    """Does each bad exercise yield exactly its expected file:line: key: message lines?"""
    with pytest.raises(ContentError) as info:
        load_exercise(FIXTURES / name, ROOT)
    assert [str(p) for p in info.value.problems] == EXPECTED[name]


def test_kind_picks_the_model(sort: SortExercise, design_ex: DesignExercise):
    """Does kind: sort load a SortExercise and kind: design a DesignExercise?"""
    assert sort.kind == "sort"
    assert design_ex.kind == "design"
    assert [c.id for c in sort.categories] == ["inward", "outward"]
    assert design_ex.field_types() == {
        "total_minutes": "int",
        "harvest_minutes": "int",
        "welcome": "text",
        "hosts": "lines",
        "rounds.question": "text",
        "rounds.minutes": "int",
    }


def test_exercise_without_kind_is_reported(tmp_path: Path):
    """Is a file with no kind at all reported at the top, naming the kinds there are?"""
    path = tmp_path / "exercise.yml"
    path.write_text("schema_version: 1\ntitle: Sort\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_exercise(path, tmp_path)
    assert [str(p) for p in info.value.problems] == [
        "exercise.yml:1: kind: should be one of: sort, design"
    ]


# ----------------------------------------------------------------- sorting


def test_sort_all_right(sort: SortExercise):
    """Is every statement sorted as the approach would counted right, in exercise order?"""
    answers = {"partners": "outward", "circulation": "inward", "aspirations": "outward"}
    answers["survey"] = "inward"
    results = check_sort(sort, answers)
    assert [r.item_id for r in results] == ["circulation", "aspirations", "survey", "partners"]
    assert all(r.correct for r in results)


def test_sort_wrong_item_keeps_the_chosen_category_and_explains(sort: SortExercise):
    """Does a wrongly sorted statement say what was chosen and why it belongs elsewhere?"""
    [result] = check_sort(sort, {"survey": "outward"})
    assert result.item_id == "survey"
    assert result.chosen == "outward"
    assert not result.correct
    assert result.explanation == (
        "Patrons are people who already come in, and the question is about us."
    )


def test_sort_unsorted_items_are_left_out(sort: SortExercise):
    """Are statements not yet sorted missing from the results, not counted wrong?"""
    assert check_sort(sort, {}) == []
    assert [r.item_id for r in check_sort(sort, {"partners": "inward"})] == ["partners"]


def test_sort_explanation_follows_the_profile(sort: SortExercise):
    """Does an academic learner read the academic explanation?"""
    [result] = check_sort(sort, {"circulation": "inward"}, "academic")
    assert result.explanation == "Loans measure the library, not the campus."
    [result] = check_sort(sort, {"circulation": "inward"}, "large-urban")
    assert result.explanation == "Loans measure the library, not the community."


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"nope": "inward"}, "unknown statement 'nope'"),
        ({"survey": "sideways"}, "unknown category 'sideways' for 'survey'"),
    ],
)
def test_sort_unknown_item_or_category_raises(
    sort: SortExercise, answers: dict[str, str], message: str
):
    """Is an answer naming an unknown statement or category refused?"""
    with pytest.raises(ValueError, match=message):
        check_sort(sort, answers)


# ----------------------------------------------------------------- designs: blank


def test_blank_fills_defaults_and_repeats_groups(design_ex: DesignExercise):
    """Does blank() hold every field with its default, 0 or '', and count copies per group?"""
    assert design_ex.blank() == {
        "total_minutes": 90,
        "harvest_minutes": 15,
        "welcome": "",
        "hosts": "",
        "rounds": [{"question": "", "minutes": 20} for _ in range(3)],
    }


def test_blank_int_without_default_is_zero():
    """Is an int field without a default blank as 0?"""
    exercise = DesignExercise.model_validate(
        {
            "schema_version": 1,
            "kind": "design",
            "title": "T",
            "instructions": "I",
            "fields": [{"id": "n", "label": "N", "type": "int"}],
            "rules": [
                {"check": "required", "field": "n", "principle": "P", "ok": "o", "problem": "p"}
            ],
        }
    )
    assert exercise.blank() == {"n": 0}


def test_blank_group_items_are_independent(design_ex: DesignExercise):
    """Does editing one round of a blank design leave the other rounds alone?"""
    design = design_ex.blank()
    design["rounds"][0]["question"] = "Changed"
    assert design["rounds"][1]["question"] == ""
    assert design_ex.blank()["rounds"][0]["question"] == ""


def test_good_design_fits_every_rule(design_ex: DesignExercise):
    """Does a design that respects every principle get only ok findings, one per check?"""
    findings = check_design(design_ex, good_design(design_ex))
    assert all(f.ok for f in findings), [f for f in findings if not f.ok]
    # range x3 rounds, required, open-question x3, distinct, sum-at-most, min-lines
    assert len(findings) == 10


# ----------------------------------------------------------------- designs: each rule


def test_range_ok_and_problem_fill_in_where_value_min_max(design_ex: DesignExercise):
    """Does a range rule pass inside its bounds, fail outside, and fill in its placeholders?"""
    design = good_design(design_ex)
    design["rounds"][0]["minutes"] = 10
    design["rounds"][1]["minutes"] = 30
    design["rounds"][2]["minutes"] = 31
    findings = findings_for(design_ex, design, "Time to explore")
    assert [f.ok for f in findings] == [False, True, False]
    assert findings[0].message.endswith("10 minutes is outside 15 to 30 minutes.")
    assert findings[1].message.endswith("30 minutes is enough to go deep.")
    assert findings[2].message.endswith("31 minutes is outside 15 to 30 minutes.")


@pytest.mark.parametrize(("value", "ok"), [("20", True), (" 15 ", True), ("abc", False)])
def test_range_reads_numbers_typed_as_text(design_ex: DesignExercise, value: str, ok: bool):
    """Is a number typed as text read as a number, and other text a problem?"""
    design = good_design(design_ex)
    design["rounds"][0]["minutes"] = value
    assert findings_for(design_ex, design, "Time to explore")[0].ok is ok


@pytest.mark.parametrize("value", ["--5", "²"])
def test_range_with_odd_text_is_a_problem_not_a_crash(design_ex: DesignExercise, value: str):
    """Is text that only looks numeric (like '--5') reported as a problem instead of crashing?"""
    design = good_design(design_ex)
    design["rounds"][0]["minutes"] = value
    assert findings_for(design_ex, design, "Time to explore")[0].ok is False


def test_range_never_accepts_a_boolean(design_ex: DesignExercise):
    """Is true (which Python counts as 1) not taken for a number of minutes?"""
    design = good_design(design_ex)
    design["rounds"][0]["minutes"] = True
    assert findings_for(design_ex, design, "Time to explore")[0].ok is False


def test_where_names_the_group_item_as_the_form_does(design_ex: DesignExercise):
    """Does {where} name a round as the form labels it ('Round 1'), not by its id?"""
    design = good_design(design_ex)
    design["rounds"][0]["minutes"] = 5
    finding = findings_for(design_ex, design, "Time to explore")[0]
    assert finding.message == "Round 1: 5 minutes is outside 15 to 30 minutes."


@pytest.mark.parametrize(("value", "ok"), [("Tea.", True), ("", False), ("   ", False)])
def test_required(design_ex: DesignExercise, value: str, ok: bool):
    """Does a required field pass with text and fail when empty or blank?"""
    design = good_design(design_ex)
    design["welcome"] = value
    [finding] = findings_for(design_ex, design, "Hospitable space")
    assert finding.ok is ok
    assert finding.where == "welcome"
    assert finding.message == ("You planned a welcome." if ok else "Plan how you welcome people.")


@pytest.mark.parametrize(
    ("question", "ok"),
    [
        ("What makes this town a good place to grow up?", True),
        ("How could we help?", True),
        ("Why does it matter?", True),
        ("Issues we face", True),
        ("Should we open on Sundays?", False),
        ("Is the library welcoming?", False),
        ("do you like the café?", False),
        ("  Can we meet here?", False),
        ("Would you come back?", False),
        ("Have you been here before?", False),
        ("", False),
    ],
)
def test_open_question(design_ex: DesignExercise, question: str, ok: bool):
    """Does the open-question rule refuse yes/no starts (Should we, Is, Do...) and blanks?"""
    design = good_design(design_ex)
    design["rounds"][1]["question"] = question
    finding = findings_for(design_ex, design, "Questions that matter")[1]
    assert finding.ok is ok
    if not ok:
        assert f"'{question}' can be answered yes or no." in finding.message


def test_open_question_only_flags_whole_words(design_ex: DesignExercise):
    """Is a question starting with letters of a yes/no word ('Issues', 'Canvas') open?"""
    design = good_design(design_ex)
    design["rounds"][0]["question"] = "Canvassing: who knocks on which doors?"
    design["rounds"][1]["question"] = "Issues that keep you up at night?"
    findings = findings_for(design_ex, design, "Questions that matter")
    assert [f.ok for f in findings] == [True, True, True]


def test_distinct(design_ex: DesignExercise):
    """Does distinct fail on a repeated question, ignoring case and spaces, once per rule?"""
    design = good_design(design_ex)
    design["rounds"][2]["question"] = "  where do people ALREADY meet? "
    [finding] = findings_for(design_ex, design, "Cross-pollination")
    assert not finding.ok
    assert finding.message == "Two rounds ask the same question."
    design["rounds"][2]["question"] = "Who is missing?"
    [finding] = findings_for(design_ex, design, "Cross-pollination")
    assert finding.ok
    assert finding.message == "Each round asks something new."


def test_distinct_ignores_empty_answers(design_ex: DesignExercise):
    """Are rounds still left empty not counted as repeats of each other?"""
    design = design_ex.blank()
    [finding] = findings_for(design_ex, design, "Cross-pollination")
    assert finding.ok


def test_sum_at_most_fills_in_total_and_limit(design_ex: DesignExercise):
    """Does sum-at-most add the group's minutes and the harvest, and compare to the limit?"""
    design = good_design(design_ex)
    [finding] = findings_for(design_ex, design, "Time for the harvest")
    assert finding.ok
    assert finding.message == "75 of 90 minutes planned."
    design["rounds"][0]["minutes"] = 30
    design["harvest_minutes"] = 20
    design["total_minutes"] = 80
    [finding] = findings_for(design_ex, design, "Time for the harvest")
    assert not finding.ok
    assert finding.message == "90 minutes planned, but the session has 80."


def test_sum_at_most_exactly_at_the_limit_is_ok(design_ex: DesignExercise):
    """Is a total equal to the limit within it?"""
    design = good_design(design_ex)
    design["total_minutes"] = 75
    [finding] = findings_for(design_ex, design, "Time for the harvest")
    assert finding.ok


@pytest.mark.parametrize(
    ("hosts", "ok"),
    [("Ana\nBo\nCy", True), ("Ana\n\nBo\n  \n", False), ("Ana\nBo\nCy\nDee", True), ("", False)],
)
def test_min_lines(design_ex: DesignExercise, hosts: str, ok: bool):
    """Does min-lines count only non-blank lines and fill in {min}?"""
    design = good_design(design_ex)
    design["hosts"] = hosts
    [finding] = findings_for(design_ex, design, "A host at every table")
    assert finding.ok is ok
    assert finding.message == ("Enough hosts." if ok else "Name at least 3 hosts, one per line.")


def test_missing_values_are_problems_not_crashes(design_ex: DesignExercise):
    """Does an empty design (say, from old saved work) get findings rather than an error?"""
    findings = check_design(design_ex, {})
    by_principle = {f.principle: f.ok for f in findings}
    assert by_principle == {
        "Hospitable space": False,
        "Cross-pollination": True,
        "Time for the harvest": True,
        "A host at every table": False,
    }


def test_design_messages_follow_the_profile(design_ex: DesignExercise):
    """Does a rule with per-profile text give the learner their profile's message?"""
    data = design_ex.model_dump(by_alias=True)
    data["rules"][1]["problem"] = {"default": "Plan a welcome.", "academic": "Plan a welcome desk."}
    exercise = DesignExercise.model_validate(data)
    design = good_design(exercise)
    design["welcome"] = ""
    assert findings_for(exercise, design, "Hospitable space")[0].message == "Plan a welcome."
    academic = [f for f in check_design(exercise, design, "academic") if not f.ok]
    assert academic[0].message == "Plan a welcome desk."


def test_placeholder_a_check_cannot_fill_is_refused_or_filled(
    design_ex: DesignExercise, tmp_path: Path
):
    """Is {where} in a sum-at-most message refused at load or filled in, not a crash?"""
    text = (FIXTURES / "good_design.yml").read_text(encoding="utf-8")
    text = text.replace('ok: "{total} of {limit}', 'ok: "{where}: {total} of {limit}')
    assert "{where}: {total}" in text
    path = tmp_path / "exercise.yml"
    path.write_text(text, encoding="utf-8")
    try:
        exercise = load_exercise(path, tmp_path)
    except ContentError:
        return
    assert isinstance(exercise, DesignExercise)
    check_design(exercise, good_design(exercise))


def test_check_design_does_not_change_the_design(design_ex: DesignExercise):
    """Does checking leave the learner's design exactly as it was?"""
    design = good_design(design_ex)
    before = copy.deepcopy(design)
    check_design(design_ex, design)
    assert design == before
