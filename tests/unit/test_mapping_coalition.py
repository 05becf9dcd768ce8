"""Tests for the coalition stage self-assessment: its data file and the stage decision."""

from __future__ import annotations

from pathlib import Path

import pytest

from engage.content import ContentError, load_file
from engage.mapping import STAGE_IDS, CoalitionStages, assess_coalition, load_coalition_stages

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "mapping"


@pytest.fixture(scope="module")
def stages() -> CoalitionStages:
    return load_coalition_stages(REPO)


def all_yes(stages: CoalitionStages, *stage_ids: str) -> dict[str, bool]:
    return {
        s.id: True for stage in stages.stages if stage.id in stage_ids for s in stage.statements
    }


def test_the_course_file_loads_with_three_stages_in_order(stages):
    """Does coalition-stages.yml load, with formation, maintenance, institutionalization?"""
    assert tuple(stage.id for stage in stages.stages) == STAGE_IDS
    assert all(2 <= len(stage.statements) <= 6 for stage in stages.stages)
    assert len(set(stages.statement_ids())) == len(stages.statement_ids())


def test_no_statement_text_lives_in_python(stages):
    """Is every statement's text absent from the Python source (content lives in data)?"""
    source = "".join(
        p.read_text(encoding="utf-8") for p in (REPO / "src" / "engage" / "mapping").glob("*.py")
    )
    for stage in stages.stages:
        assert stage.next_steps.default[:40] not in source
        for statement in stage.statements:
            assert statement.text.default[:40] not in source


def test_nothing_answered_is_formation_with_every_action(stages):
    """With no answers, is the coalition in formation, every statement's advice listed?"""
    result = assess_coalition(stages, {})
    formation = stages.stage("formation")
    assert result.stage == "formation" and not result.complete
    assert result.next_steps == formation.next_steps.default
    assert result.actions == tuple(s.if_no.default for s in formation.statements)
    assert result.unanswered == tuple(s.id for s in formation.statements)
    assert result.describe() == (
        f"Your coalition is in the formation stage: 0 of {len(formation.statements)} "
        "statements answered yes."
    )


def test_formation_done_moves_to_maintenance(stages):
    """When every formation statement is yes, is the coalition in maintenance?"""
    answers = all_yes(stages, "formation")
    first = stages.stage("maintenance").statements[0]
    answers[first.id] = False
    result = assess_coalition(stages, answers)
    assert result.stage == "maintenance"
    assert result.title == "Maintenance"
    assert first.if_no.default in result.actions
    assert first.id not in result.unanswered
    progress = {p.stage: (p.yes, p.total) for p in result.progress}
    assert progress["formation"][0] == progress["formation"][1]
    assert progress["maintenance"][0] == 0


def test_a_gap_in_an_earlier_stage_comes_first(stages):
    """With later stages done but one formation "no", is it formation, later work noted?"""
    answers = all_yes(stages, *STAGE_IDS)
    gap = stages.stage("formation").statements[1]
    answers[gap.id] = False
    result = assess_coalition(stages, answers)
    assert result.stage == "formation"
    assert result.actions == (gap.if_no.default,)
    later = [s for st in stages.stages[1:] for s in st.statements]
    assert result.already_doing == tuple(s.text.default for s in later)


def test_everything_yes_is_complete_with_the_closing_advice(stages):
    """With every statement yes, is it institutionalization, complete, with when_complete?"""
    result = assess_coalition(stages, all_yes(stages, *STAGE_IDS))
    assert result.complete
    assert result.stage == "institutionalization"
    assert result.next_steps == stages.when_complete.default
    assert result.actions == ()


def test_profile_variants_are_used(stages):
    """Does an academic learner get the academic wording where the file has one?"""
    lasting = stages.stage("institutionalization").statements[0]
    assert lasting.text.academic, "the course file should have an academic variant here"
    answers = {s.id: True for s in stages.stage("institutionalization").statements}
    answers[stages.stage("formation").statements[0].id] = None
    academic = assess_coalition(stages, answers, profile="academic")
    default = assess_coalition(stages, answers)
    assert lasting.text.academic in academic.already_doing
    assert lasting.text.default in default.already_doing
    assert lasting.text.academic != lasting.text.default
    assert stages.stage("formation").statements[0].id in academic.unanswered


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"no-such-statement": True}, "unknown statement id\\(s\\): 'no-such-statement'"),
        ({"lead-organisation": "yes"}, "must be yes \\(True\\), no \\(False\\) or None"),
    ],
)
def test_bad_answers_are_refused(stages, answers, message):
    """Is an unknown statement id or a non-boolean answer refused by name?"""
    with pytest.raises(ValueError, match=message):
        assess_coalition(stages, answers)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "coalition_stages_out_of_order.yml",
            "tests/fixtures/mapping/coalition_stages_out_of_order.yml:3: stages: stages must be "
            "formation, maintenance, institutionalization in that order, each once (found "
            "maintenance, formation, institutionalization)",
        ),
        (
            "coalition_duplicate_statement_id.yml",
            "tests/fixtures/mapping/coalition_duplicate_statement_id.yml:3: stages: statement id "
            "'lead-organisation' is used twice (in formation and maintenance); answers are "
            "stored by id, so each must be unique",
        ),
        (
            "coalition_statement_without_advice.yml",
            "tests/fixtures/mapping/coalition_statement_without_advice.yml:9: "
            "stages[0].statements[0].if_no: field required",
        ),
        (
            "coalition_stage_without_statements.yml",
            "tests/fixtures/mapping/coalition_stage_without_statements.yml:16: "
            "stages[1].statements: list should have at least 1 item after validation, not 0",
        ),
    ],
)
def test_bad_stage_files_report_file_line_and_key(name, expected):
    """Does each broken stages file give exactly its file:line: key: message problem?"""
    with pytest.raises(ContentError) as info:
        load_file(FIXTURES / name, CoalitionStages, REPO)
    assert [str(p) for p in info.value.problems] == [expected]
