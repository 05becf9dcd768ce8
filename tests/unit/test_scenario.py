"""Tests for engage.scenario: the scenario model, its graph checks and the Play engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from engage.activities import load_scenario
from engage.content import ContentError
from engage.scenario import (
    Play,
    Scenario,
    ScenarioError,
    check_scenario,
    scenario_stats,
    shortest_path_length,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "scenarios"
EXPECTED: dict[str, list[str]] = YAML(typ="safe").load(FIXTURES / "expected.yml")

# A scenario whose conditions use an upper bound, an exact number and both bounds.
COUNTING = """\
schema_version: 1
id: counting
title: Counting volunteers
summary: How many volunteers are enough?
role: You are the coordinator.
dimensions:
  - {id: care, label: Care, description: Looking after people.}
state:
  volunteers: 0
  flag: true
start: recruit
nodes:
  recruit:
    title: Recruit
    situation: Ask for volunteers.
    choices:
      - {id: one, text: Ask one., next: recruit, principle: Care, served: true,
         feedback: One more., add: {volunteers: 1}, scores: {care: 1}}
      - {id: few, text: Few volunteers is fine., next: end, principle: Care, served: false,
         feedback: Few., when: {volunteers: {max: 1}}}
      - {id: exactly-two, text: Exactly two., next: end, principle: Care, served: true,
         feedback: Two., when: {volunteers: 2}}
      - {id: two-to-three, text: Two or three., next: end, principle: Care, served: true,
         feedback: A team., when: {volunteers: {min: 2, max: 3}}}
      - {id: numeric-flag, text: Flag equals one., next: end, principle: Care, served: true,
         feedback: Odd., when: {flag: 1}}
      - {id: stop, text: Stop., next: end, principle: Care, served: false, feedback: Done.}
  end:
    title: End
    situation: It is over.
    ending: {title: Over, outcome: mixed, debrief: That was it.}
"""


@pytest.fixture(scope="module")
def good() -> Scenario:
    return load_scenario(FIXTURES / "good.yml", ROOT)


@pytest.fixture
def counting(tmp_path: Path) -> Scenario:
    path = tmp_path / "counting.yml"
    path.write_text(COUNTING, encoding="utf-8")
    return load_scenario(path, tmp_path)


def ids(play: Play) -> list[str]:
    return [c.id for c in play.available()]


def play_to(scenario: Scenario, *choices: str, profile: str | None = None) -> Play:
    play = Play(scenario, profile)
    for choice in choices:
        play.choose(choice)
    return play


# ----------------------------------------------------------------- loading and checks


def test_every_bad_fixture_is_listed_in_expected_yml():
    """Is every scenario fixture except good.yml listed in expected.yml, and only those?"""
    files = {p.name for p in FIXTURES.glob("*.yml")} - {"expected.yml", "good.yml"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_scenario_reports_exactly_its_problems(name: str):
    """Does each bad scenario yield exactly its expected file:line: key: message lines?"""
    with pytest.raises(ContentError) as info:
        load_scenario(FIXTURES / name, ROOT)
    assert [str(p) for p in info.value.problems] == EXPECTED[name]


def test_good_scenario_loads_without_graph_problems(good: Scenario):
    """Does good.yml load, with no graph problems and its start node in place?"""
    assert good.id == "good"
    assert check_scenario(good) == []
    assert good.node(good.start).title == "Invitations"


def test_id_different_from_file_name_is_reported(tmp_path: Path):
    """Is a scenario whose id differs from its file name reported at the id line?"""
    path = tmp_path / "renamed.yml"
    path.write_text((FIXTURES / "good.yml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_scenario(path, tmp_path)
    [problem] = info.value.problems
    assert str(problem) == "renamed.yml:4: id: 'good' differs from the file name 'renamed'"


def test_branches_converge(good: Scenario):
    """Do two different first choices in good.yml lead to the same scene?"""
    assert play_to(good, "partner").node_id == play_to(good, "poster").node_id == "room"


def test_stats_count_nodes_decisions_choices_and_endings(good: Scenario):
    """Does scenario_stats count six scenes, three decisions, eight choices, three endings?"""
    assert scenario_stats(good) == {
        "nodes": 6,
        "decision_points": 3,
        "choices": 8,
        "endings": 3,
    }


def test_shortest_path_counts_decisions_to_the_nearest_ending(good: Scenario):
    """Is the shortest path through good.yml three decisions long?"""
    assert shortest_path_length(good) == 3


def test_shortest_path_is_one_when_a_loop_can_end_at_once(counting: Scenario):
    """Does a scene that loops on itself but can also end count as one decision away?"""
    assert shortest_path_length(counting) == 1


def test_shortest_path_without_any_ending_is_minus_one(good: Scenario):
    """Is -1 returned when no ending can be reached at all?"""
    data = good.model_dump(by_alias=True)
    for node in data["nodes"].values():
        node["ending"] = None
        node["choices"] = node["choices"] or [
            {**data["nodes"]["invite"]["choices"][1], "next": "invite"}
        ]
    trapped = Scenario.model_validate(data)
    assert shortest_path_length(trapped) == -1


# ----------------------------------------------------------------- playing


def test_new_play_starts_at_start_with_declared_state(good: Scenario):
    """Does a new run begin at the start node, with the declared state and zero scores?"""
    play = Play(good)
    assert play.node_id == "invite"
    assert play.state == {"partner_invited": False, "volunteers": 0}
    assert play.scores == {"inclusion": 0, "follow_through": 0}
    assert not play.finished
    assert play.steps == []


def test_choose_moves_to_next_node(good: Scenario):
    """Does taking a choice move the run to the scene it names?"""
    play = Play(good)
    play.choose("poster")
    assert play.node_id == "room"
    assert play.choices == ["poster"]


def test_choose_returns_feedback_principle_and_served(good: Scenario):
    """Does each step carry its scene, choice text, feedback, principle and verdict?"""
    play = Play(good)
    first = play.choose("poster")
    assert first.node_id == "invite"
    assert first.node_title == "Invitations"
    assert first.choice_id == "poster"
    assert first.choice_text == "Put up a poster."
    assert first.feedback == "A poster reaches people who already come in."
    assert first.principle == "Inclusion"
    assert first.served is False
    assert first.scores == {"inclusion": -1}
    second = play.choose("circle")
    assert (second.principle, second.served, second.scores) == ("Hospitable space", True, {})


def test_set_and_add_change_state(good: Scenario):
    """Do a choice's set and add change the run's state variables?"""
    play = Play(good)
    play.choose("partner")
    assert play.state == {"partner_invited": True, "volunteers": 1}


def test_add_accumulates(counting: Scenario):
    """Does add keep adding each time a choice is taken?"""
    play = play_to(counting, "one", "one", "one")
    assert play.state["volunteers"] == 3


def test_scores_add_up_per_dimension(good: Scenario):
    """Are scores summed per dimension along the path taken?"""
    strong = play_to(good, "partner", "circle", "partner-leads")
    assert strong.scores == {"inclusion": 2, "follow_through": 2}
    weak = play_to(good, "poster", "rows", "thank")
    assert weak.scores == {"inclusion": -1, "follow_through": -2}


def test_scores_accumulate_when_a_choice_repeats(counting: Scenario):
    """Does taking a scoring choice twice count its score twice?"""
    assert play_to(counting, "one", "one").scores == {"care": 2}


def test_equality_condition_shows_choice_only_when_it_holds(good: Scenario):
    """Is the partner-led action offered only after the partner was invited?"""
    assert "partner-leads" in ids(play_to(good, "partner", "circle"))
    assert "partner-leads" not in ids(play_to(good, "poster", "circle"))
    assert ids(play_to(good, "poster", "circle")) == ["report", "thank"]


@pytest.mark.parametrize(
    ("times", "offered"),
    [
        (0, ["one", "few", "stop"]),
        (1, ["one", "few", "stop"]),
        (2, ["one", "exactly-two", "two-to-three", "stop"]),
        (3, ["one", "two-to-three", "stop"]),
        (4, ["one", "stop"]),
    ],
)
def test_range_and_number_conditions(counting: Scenario, times: int, offered: list[str]):
    """Do {max}, {min, max} and an exact number show and hide choices at the right counts?"""
    play = play_to(counting, *["one"] * times)
    assert [i for i in ids(play) if i != "numeric-flag"] == offered


def test_number_condition_does_not_match_a_boolean(counting: Scenario):
    """Does `when: {flag: 1}` stay closed while flag is the boolean true?"""
    assert "numeric-flag" not in ids(Play(counting))


def test_range_condition_never_matches_a_boolean(good: Scenario):
    """Is a {min} range on a true/false variable never satisfied?"""
    data = good.model_dump(by_alias=True)
    data["nodes"]["forum"]["choices"][0]["when"] = {"partner_invited": {"min": 0}}
    scenario = Scenario.model_validate(data)
    assert "partner-leads" not in ids(play_to(scenario, "partner", "circle"))


def test_profile_limited_choice_only_for_that_profile(good: Scenario):
    """Is the seminar room offered to academic learners only?"""
    assert ids(play_to(good, "partner", profile="academic")) == ["circle", "rows", "seminar"]
    for profile in (None, "large-urban", "small-mid-rural"):
        assert ids(play_to(good, "partner", profile=profile)) == ["circle", "rows"]


def test_profile_picks_text_variants(good: Scenario):
    """Does the run show the academic variant of a situation and the default otherwise?"""
    academic = play_to(good, "partner", profile="academic")
    default = play_to(good, "partner", profile="large-urban")
    assert academic.text(academic.node.situation) == "The dean offers a lecture hall."
    assert default.text(default.node.situation) == "Where do you meet?"


def test_choosing_an_unavailable_choice_raises(good: Scenario):
    """Is a choice whose condition fails refused with ScenarioError?"""
    play = play_to(good, "poster", "circle")
    with pytest.raises(ScenarioError, match="'partner-leads' is not a choice at 'forum'"):
        play.choose("partner-leads")
    assert play.node_id == "forum"
    assert play.choices == ["poster", "circle"]


def test_choosing_another_profiles_choice_raises(good: Scenario):
    """Is an academic-only choice refused for a learner of another profile?"""
    play = play_to(good, "partner", profile="large-urban")
    with pytest.raises(ScenarioError):
        play.choose("seminar")


def test_choosing_an_unknown_choice_raises(good: Scenario):
    """Is a choice id from another scene refused?"""
    with pytest.raises(ScenarioError):
        Play(good).choose("circle")


def test_choosing_after_the_end_raises(good: Scenario):
    """Is any choice refused once an ending is reached?"""
    play = play_to(good, "poster", "rows", "thank")
    assert play.finished
    assert play.node.ending is not None and play.node.ending.outcome == "weak"
    with pytest.raises(ScenarioError, match="ended"):
        play.choose("partner")


@pytest.mark.parametrize(
    ("path", "ending"),
    [
        (("partner", "circle", "partner-leads"), "strong"),
        (("poster", "rows", "report"), "mixed"),
        (("partner", "rows", "thank"), "weak"),
    ],
)
def test_each_ending_can_be_reached(good: Scenario, path: tuple[str, ...], ending: str):
    """Does each path lead to the ending it should?"""
    play = play_to(good, *path)
    assert play.finished
    assert play.node_id == ending


def test_back_undoes_the_last_choice(good: Scenario):
    """Does back return to the previous scene with state and scores as they were there?"""
    play = play_to(good, "partner", "circle")
    play.back()
    assert play.node_id == "room"
    assert play.choices == ["partner"]
    assert play.state == {"partner_invited": True, "volunteers": 1}
    assert play.scores == {"inclusion": 2, "follow_through": 0}
    play.back()
    assert play.node_id == "invite"
    assert play.state == {"partner_invited": False, "volunteers": 0}
    assert play.scores == {"inclusion": 0, "follow_through": 0}
    assert play.steps == []


def test_back_at_the_start_does_nothing(good: Scenario):
    """Does back at the first scene leave the run as it is?"""
    play = Play(good)
    play.back()
    assert play.node_id == "invite"
    assert play.choices == []


def test_back_from_an_ending(good: Scenario):
    """Can a learner step back from an ending and choose differently?"""
    play = play_to(good, "partner", "circle", "thank")
    play.back()
    assert not play.finished
    play.choose("partner-leads")
    assert play.node_id == "strong"


def test_restart_clears_everything(good: Scenario):
    """Does restart go back to the start with the declared state and zero scores?"""
    play = play_to(good, "partner", "circle", "partner-leads")
    play.restart()
    assert play.node_id == "invite"
    assert play.choices == []
    assert play.steps == []
    assert play.state == {"partner_invited": False, "volunteers": 0}
    assert play.scores == {"inclusion": 0, "follow_through": 0}


def test_play_does_not_change_the_scenario_state(good: Scenario):
    """Does playing leave the scenario's declared state untouched for the next run?"""
    play_to(good, "partner")
    assert good.state == {"partner_invited": False, "volunteers": 0}


def test_recap_lists_steps_in_order(good: Scenario):
    """Does the recap list each decision in the order it was taken, with its feedback?"""
    play = play_to(good, "partner", "seminar", "report", profile="academic")
    recap = play.recap()
    assert [s.choice_id for s in recap] == ["partner", "seminar", "report"]
    assert [s.node_title for s in recap] == ["Invitations", "The room", "The action forum"]
    assert recap[2].feedback == "A report keeps faith, but nobody owns the next step."


def test_recap_is_a_copy(good: Scenario):
    """Does changing the returned recap leave the run alone?"""
    play = play_to(good, "partner")
    play.recap().clear()
    assert len(play.recap()) == 1


# ----------------------------------------------------------------- saving and resuming


def test_to_dict_records_choices_node_scores_and_outcome(good: Scenario):
    """Does to_dict hold the path, the scene, the scores and, at the end, the outcome?"""
    mid = play_to(good, "partner").to_dict()
    assert mid == {
        "choices": ["partner"],
        "node": "room",
        "finished": False,
        "outcome": None,
        "scores": {"inclusion": 2, "follow_through": 0},
    }
    end = play_to(good, "poster", "rows", "report").to_dict()
    assert (end["finished"], end["outcome"], end["node"]) == (True, "mixed", "mixed")


@pytest.mark.parametrize("path", [(), ("partner",), ("partner", "seminar"), ("poster", "rows")])
def test_resume_returns_to_the_same_node_with_the_same_scores(
    good: Scenario, path: tuple[str, ...]
):
    """Does a run rebuilt from to_dict stand at the same scene with the same scores?"""
    before = play_to(good, *path, profile="academic")
    after, notice = Play.resume(good, before.to_dict(), "academic")
    assert notice is None
    assert after.node_id == before.node_id
    assert after.scores == before.scores
    assert after.state == before.state
    assert after.recap() == before.recap()


def test_resume_with_nothing_saved_starts_fresh(good: Scenario):
    """Does resuming with no saved run start at the beginning without a notice?"""
    play, notice = Play.resume(good, None, None)
    assert (play.node_id, notice) == ("invite", None)


@pytest.mark.parametrize(
    ("choices", "profile"),
    [
        (["partner", "gone-choice"], None),
        (["partner", "seminar"], "large-urban"),
        (["poster", "circle", "partner-leads"], None),
        (["poster", "rows", "thank", "partner"], None),
    ],
)
def test_resume_with_a_path_that_no_longer_fits_restarts_with_a_notice(
    good: Scenario, choices: list[str], profile: str | None
):
    """Does a saved path that the content (or profile) no longer allows restart, saying so?"""
    play, notice = Play.resume(good, {"choices": choices, "node": "forum"}, profile)
    assert play.node_id == "invite"
    assert play.choices == []
    assert play.scores == {"inclusion": 0, "follow_through": 0}
    assert notice is not None
    assert "starts again" in notice
