"""Widget tests of ScenarioPlayer: real ipywidgets buttons clicked from code."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from engage.activities import load_scenario
from engage.progress import ProgressStore
from engage.scenario import Scenario
from engage.ui.common import ErrorArea
from engage.ui.scenario import ScenarioPlayer

REPO = Path(__file__).resolve().parents[2]
GOOD = REPO / "tests" / "fixtures" / "scenarios" / "good.yml"
MODULE = "01-sample"
EVIL = "<script>alert('x')</script>"

PATHS = {
    "strong": ["Ask a partner to invite people.", "Chairs in a circle.", "Ask your partner to "
               "co-lead the action teams."],
    "mixed": ["Put up a poster.", "Rows facing the front.", "Promise a report and send it."],
    "weak": ["Put up a poster.", "Chairs in a circle.", "Thank everyone and close."],
}  # fmt: skip


@pytest.fixture(scope="module")
def good() -> Scenario:
    return load_scenario(GOOD, REPO)


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress.json")


@pytest.fixture
def player(good: Scenario, store: ProgressStore) -> ScenarioPlayer:
    return ScenarioPlayer(MODULE, good, store, None)


def visible(player: ScenarioPlayer) -> list[str]:
    """The choice buttons a learner can see and press, in order."""
    return [b.description for b in player.buttons if b.layout.display != "none" and not b.disabled]


def click(player: ScenarioPlayer, text: str) -> None:
    """Press the visible choice button showing ``text``."""
    [button] = [b for b in player.buttons if b.description == text and not b.disabled]
    assert button.layout.display != "none"
    button.click()


def saved(store: ProgressStore) -> dict:
    return store.load().scenarios[f"{MODULE}/good"]


def scene(player: ScenarioPlayer) -> str:
    return html.unescape(player.scene.value)


# ----------------------------------------------------------------- playing with buttons


def test_first_scene_shows_the_start_and_its_choices(player: ScenarioPlayer):
    """Does a new player show the first scene, its two choices and no feedback yet?"""
    assert "Decision 1: Invitations" in scene(player)
    assert "Who do you invite?" in scene(player)
    assert visible(player) == ["Ask a partner to invite people.", "Put up a poster."]
    assert player.feedback.value == '<div class="engage"></div>'
    assert player.back_button.disabled


@pytest.mark.parametrize("ending", sorted(PATHS))
def test_each_ending_can_be_reached_with_the_buttons(
    player: ScenarioPlayer, store: ProgressStore, ending: str
):
    """Do the choice buttons lead to each ending, hiding every choice once there?"""
    for text in PATHS[ending]:
        click(player, text)
    assert player.play.node_id == ending
    assert "The end:" in scene(player)
    assert visible(player) == []
    assert player.restart_button.description == "Play again"
    record = saved(store)
    assert record["finished"] is True
    assert record["outcome"] == ending
    assert record["completed_once"] is True


def test_feedback_with_principle_appears_right_after_a_choice(player: ScenarioPlayer):
    """Does the feedback and the principle served or strained show right after a choice?"""
    click(player, "Put up a poster.")
    feedback = html.unescape(player.feedback.value)
    assert "You chose:</strong> Put up a poster." in feedback
    assert "A poster reaches people who already come in." in feedback
    assert "<strong>Principle:</strong> Inclusion (strained); Inclusion -1" in feedback
    assert 'role="status"' in feedback
    click(player, "Chairs in a circle.")
    feedback = html.unescape(player.feedback.value)
    assert "A circle invites talk." in feedback
    assert "<strong>Principle:</strong> Hospitable space (served)</p>" in feedback
    assert "A poster reaches" not in feedback


def test_each_choice_is_saved_as_it_is_made(player: ScenarioPlayer, store: ProgressStore):
    """Is the run saved after every choice, with the path, scene and scores?"""
    click(player, "Ask a partner to invite people.")
    record = saved(store)
    assert record["choices"] == ["partner"]
    assert record["node"] == "room"
    assert record["scores"] == {"inclusion": 2, "follow_through": 0}
    assert record["completed_once"] is False


def test_back_button_undoes_a_choice(player: ScenarioPlayer, store: ProgressStore):
    """Does Back one step return to the previous scene, its choices and its saved state?"""
    click(player, "Ask a partner to invite people.")
    click(player, "Chairs in a circle.")
    player.back_button.click()
    assert "The room" in scene(player)
    assert visible(player) == ["Chairs in a circle.", "Rows facing the front."]
    assert "Partners reach people you do not." in player.feedback.value
    assert saved(store)["choices"] == ["partner"]
    player.back_button.click()
    assert player.feedback.value == '<div class="engage"></div>'
    assert player.back_button.disabled
    assert saved(store)["choices"] == []


def test_restart_button_starts_again(player: ScenarioPlayer, store: ProgressStore):
    """Does Play again at an ending go back to the first scene, keeping completed_once?"""
    for text in PATHS["mixed"]:
        click(player, text)
    player.restart_button.click()
    assert "Decision 1: Invitations" in scene(player)
    assert visible(player) == ["Ask a partner to invite people.", "Put up a poster."]
    assert player.restart_button.description == "Start again"
    record = saved(store)
    assert record["choices"] == []
    assert record["finished"] is False
    assert record["completed_once"] is True


def test_ending_shows_debrief_scores_and_recap_in_order(player: ScenarioPlayer):
    """Does the ending show its outcome, the scores per dimension and the path in order?"""
    for text in PATHS["strong"]:
        click(player, text)
    body = scene(player)
    assert "Action that lasts" in body
    assert "A strong outcome." in body
    assert "Early partners carried it." in body
    assert "<li>Inclusion: +2" in body
    assert "<li>Follow-through: +2" in body
    recap = body.split("Recap of your path", 1)[1]
    positions = [recap.index(title) for title in ("Invitations.", "The room.", "action forum.")]
    assert positions == sorted(positions)
    assert "Inclusion served." in recap
    assert "Your partner is there because you invited them early." in recap


def test_negative_scores_are_signed(player: ScenarioPlayer):
    """Are scores below zero shown with their minus sign at the end?"""
    for text in PATHS["weak"]:
        click(player, text)
    body = scene(player)
    assert "<li>Inclusion: -1" in body
    assert "<li>Follow-through: -2" in body


# ----------------------------------------------------------------- resuming


def test_new_player_on_the_same_store_resumes(good: Scenario, store: ProgressStore):
    """After the tab is closed, does a new player stand at the same scene with the same feedback?"""
    first = ScenarioPlayer(MODULE, good, store, None)
    click(first, "Ask a partner to invite people.")
    click(first, "Chairs in a circle.")
    second = ScenarioPlayer(MODULE, good, store, None)
    assert second.play.node_id == "forum"
    assert second.play.scores == first.play.scores
    assert "Decision 3: The action forum" in scene(second)
    assert visible(second) == visible(first)
    assert "A circle invites talk." in second.feedback.value
    assert second.notice is None


def test_new_player_resumes_at_an_ending(good: Scenario, store: ProgressStore):
    """Does a finished run reopen at its ending, with the recap?"""
    first = ScenarioPlayer(MODULE, good, store, None)
    for text in PATHS["mixed"]:
        click(first, text)
    second = ScenarioPlayer(MODULE, good, store, None)
    assert second.play.finished
    assert "Recap of your path" in scene(second)
    assert second.completed_once


def test_saved_path_that_no_longer_fits_restarts_with_a_notice(
    good: Scenario, store: ProgressStore
):
    """Does a saved run the content no longer allows restart, with a notice on the page?"""
    store.put_item("scenarios", f"{MODULE}/good", {"choices": ["partner", "removed"]})
    player = ScenarioPlayer(MODULE, good, store, None)
    assert player.play.node_id == "invite"
    assert 'role="alert"' in player.intro.value
    assert "starts again" in player.intro.value


# ----------------------------------------------------------------- profiles


def test_profile_changes_which_buttons_appear(good: Scenario, store: ProgressStore):
    """Does an academic learner see the seminar-room button that others do not?"""
    academic = ScenarioPlayer(MODULE, good, store, "academic")
    click(academic, "Ask a partner to invite people.")
    assert visible(academic) == [
        "Chairs in a circle.",
        "Rows facing the front.",
        "The seminar room the dean offered.",
    ]
    assert "The dean offers a lecture hall." in scene(academic)
    urban = ScenarioPlayer(MODULE, good, store, "large-urban")
    assert visible(urban) == ["Chairs in a circle.", "Rows facing the front."]
    assert "Where do you meet?" in scene(urban)


def test_role_text_follows_the_profile(good: Scenario, store: ProgressStore):
    """Does the role line show the academic variant for an academic learner?"""
    assert (
        "You are the outreach librarian."
        in ScenarioPlayer(MODULE, good, store, "academic").intro.value
    )
    assert "You are the librarian." in ScenarioPlayer(MODULE, good, store, None).intro.value


def test_switching_profile_updates_buttons(player: ScenarioPlayer):
    """Does switching to the academic profile mid-run add the seminar button at once?"""
    click(player, "Put up a poster.")
    player.set_profile("academic")
    assert "The seminar room the dean offered." in visible(player)
    player.set_profile("small-mid-rural")
    assert "The seminar room the dean offered." not in visible(player)


def test_switching_away_from_a_profile_only_path_restarts_with_notice(
    good: Scenario, store: ProgressStore
):
    """After an academic-only choice, does switching profile restart the run, saying so?"""
    player = ScenarioPlayer(MODULE, good, store, "academic")
    click(player, "Put up a poster.")
    click(player, "The seminar room the dean offered.")
    player.set_profile("large-urban")
    assert player.play.node_id == "invite"
    assert "starts again" in player.intro.value


# ----------------------------------------------------------------- safety


@pytest.fixture
def evil(tmp_path: Path) -> Scenario:
    """good.yml with markup in a choice, a situation, a principle and the title."""
    text = GOOD.read_text(encoding="utf-8")
    text = text.replace("id: good", "id: evil")
    text = text.replace("title: Hosting a test conversation", f'title: "Hosting {EVIL}"')
    text = text.replace("text: Put up a poster.", f'text: "Put up a poster {EVIL}"')
    text = text.replace(
        "feedback: A poster reaches people who already come in.",
        f'feedback: "A poster {EVIL} reaches few."',
    )
    text = text.replace("situation: Who do you invite?", f'situation: "Who {EVIL}?"')
    path = tmp_path / "evil.yml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path, tmp_path)


def test_learner_visible_text_is_escaped(evil: Scenario, store: ProgressStore):
    """Is markup in a choice's text, feedback, situation and title shown as text, never run?"""
    player = ScenarioPlayer(MODULE, evil, store, None)
    assert f"Put up a poster {EVIL}" in visible(player)  # a button label is plain text
    assert "Who &lt;script&gt;" in player.scene.value
    assert "Hosting &lt;script&gt;" in player.intro.value
    player.buttons[1].click()
    assert "&lt;script&gt;" in player.feedback.value
    for text in ("Chairs in a circle.", "Thank everyone and close."):
        click(player, text)
    assert "&lt;script&gt;" in player.scene.value  # the recap repeats the choice
    html_values = [
        w.value for w in (player.intro, player.feedback, player.scene, player.errors.widget)
    ]
    assert all("<script" not in value for value in html_values)


def test_error_in_a_callback_shows_on_the_page(
    player: ScenarioPlayer, store: ProgressStore, monkeypatch: pytest.MonkeyPatch
):
    """If saving fails, does the error appear in the ErrorArea with role=alert, not raise?"""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(store, "put_item", broken)
    click(player, "Put up a poster.")
    message = player.errors.widget.value
    assert 'role="alert"' in message
    assert "the disk is full" in message
    assert isinstance(player.errors.last_error, RuntimeError)


def test_error_area_clears_after_a_good_click(
    player: ScenarioPlayer, store: ProgressStore, monkeypatch: pytest.MonkeyPatch
):
    """Once saving works again, does the next click clear the error message?"""

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("cannot write")

    monkeypatch.setattr(store, "put_item", broken)
    click(player, "Put up a poster.")
    assert player.errors.widget.value
    monkeypatch.undo()
    player.restart_button.click()
    assert player.errors.widget.value == ""


def test_after_a_failed_save_each_button_takes_the_choice_it_shows(
    player: ScenarioPlayer, store: ProgressStore, monkeypatch: pytest.MonkeyPatch
):
    """After a failed save, does each button still take the choice it shows?"""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(store, "put_item", broken)
    click(player, "Put up a poster.")
    monkeypatch.undo()
    assert visible(player) == [player.play.text(c.text) for c in player.play.available()]
    shown = visible(player)[-1]
    click(player, shown)
    assert player.play.recap()[-1].choice_text == shown


def test_errors_go_to_a_shared_error_area(good: Scenario, store: ProgressStore):
    """Does a player given an ErrorArea show its errors there, inside its own widget?"""
    area = ErrorArea()
    player = ScenarioPlayer(MODULE, good, store, None, errors=area)
    assert area.widget in player.widget.children
    player.buttons[0].click()
    assert area.widget.value == ""


def test_on_change_is_called_after_each_save(good: Scenario, store: ProgressStore):
    """Is on_change called once per saved choice (so completion can update)?"""
    calls: list[int] = []
    player = ScenarioPlayer(MODULE, good, store, None, on_change=lambda: calls.append(1))
    click(player, "Put up a poster.")
    player.back_button.click()
    assert len(calls) == 2
