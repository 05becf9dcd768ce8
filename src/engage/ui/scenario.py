"""ScenarioPlayer: play a branching scenario with buttons, feedback, back, restart and recap."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from engage.progress import ProgressStore
from engage.scenario import Play, Scenario, Step
from engage.ui.common import (
    ErrorArea,
    action_button,
    esc,
    html_block,
    markdown_html,
    markdown_inline,
    set_html,
)

OUTCOME_WORDS = {
    "strong": "A strong outcome",
    "mixed": "A mixed outcome",
    "weak": "A weak outcome",
}


class ScenarioPlayer:
    """A keyboard-operable player for one scenario, saved to progress after every choice."""

    def __init__(
        self,
        module_id: str,
        scenario: Scenario,
        store: ProgressStore,
        profile: str | None,
        errors: ErrorArea | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        """Resume the learner's run (or start one) and build the widgets.

        Args:
            module_id: The module the scenario belongs to.
            scenario: The scenario content.
            store: Where the run is saved.
            profile: The learner's profile, which picks text variants and choices.
            errors: Where errors inside callbacks are shown.
            on_change: Called after each saved change (e.g. to update completion).
        """
        self.module_id = module_id
        self.scenario = scenario
        self.store = store
        self.key = f"{module_id}/{scenario.id}"
        self.errors = errors or ErrorArea()
        self.on_change = on_change
        saved = store.load().scenarios.get(self.key)
        self.completed_once = bool((saved or {}).get("completed_once"))
        self.play, notice = Play.resume(scenario, saved, profile)
        self.intro = html_block("")
        self.feedback = html_block("")
        self.scene = html_block("", label=f"Scenario: {scenario.title}")
        size = max((len(n.choices) for n in scenario.nodes.values()), default=1)
        self.buttons = [self._make_button(i) for i in range(size)]
        self.back_button = action_button("Back one step")
        self.restart_button = action_button("Start again")
        self.back_button.on_click(self.errors.guard(lambda _: self._do(self.play.back)))
        self.restart_button.on_click(self.errors.guard(lambda _: self._do(self.play.restart)))
        self.last_step: Step | None = self.play.steps[-1] if self.play.steps else None
        self.notice = notice
        self.widget = widgets.VBox(
            [
                self.intro,
                self.feedback,
                self.scene,
                widgets.VBox(self.buttons),
                widgets.HBox([self.back_button, self.restart_button]),
                self.errors.widget,
            ]
        )
        self.widget.add_class("engage-scenario")
        self.render()

    def _make_button(self, index: int) -> widgets.Button:
        button = widgets.Button(layout=widgets.Layout(width="100%", height="auto"))
        button.add_class("engage-choice")
        button.on_click(self.errors.guard(lambda _b, i=index: self.choose_index(i)))
        return button

    def set_profile(self, profile: str | None) -> None:
        """Switch profile: the run replays under the new profile, or restarts if it cannot.

        Args:
            profile: The new profile id.
        """
        self.play, self.notice = Play.resume(self.scenario, self.play.to_dict(), profile)
        self.last_step = self.play.steps[-1] if self.play.steps else None
        self.render()

    def choose_index(self, index: int) -> None:
        """Take the index-th available choice (what a choice button does).

        Args:
            index: Position among the available choices.
        """
        available = self.play.available()
        if index >= len(available):
            return
        self.choose(available[index].id)

    def choose(self, choice_id: str) -> Step:
        """Take a choice by id, show its feedback and save the run.

        Args:
            choice_id: The choice id.

        Returns:
            The step taken.
        """
        step = self.play.choose(choice_id)
        self.last_step = step
        try:
            self._save()
        finally:
            self.render()
        if self.buttons and not self.play.finished:
            self.buttons[0].focus()
        return step

    def _do(self, action: Callable[[], None]) -> None:
        action()
        self.last_step = self.play.steps[-1] if self.play.steps else None
        try:
            self._save()
        finally:
            self.render()

    def _save(self) -> None:
        if self.play.finished:
            self.completed_once = True
        payload = {**self.play.to_dict(), "completed_once": self.completed_once}
        self.store.put_item("scenarios", self.key, payload)
        if self.on_change:
            self.on_change()

    def render(self) -> None:
        """Show the current scene, its choices, the last feedback and, at the end, the recap."""
        play = self.play
        sc = self.scenario
        dims = ", ".join(d.label for d in sc.dimensions)
        notice = f'<p class="notice" role="alert">{esc(self.notice)}</p>' if self.notice else ""
        set_html(
            self.intro,
            f"<h2>Scenario: {esc(sc.title)}</h2>{notice}"
            f"{markdown_html(play.text(sc.summary))}"
            f"<p><strong>Your role:</strong> {markdown_inline(play.text(sc.role))}</p>"
            f"<p class='muted'>Your choices are scored for: {esc(dims)}. "
            "Choose with the buttons; you can go back a step or start again at any time.</p>",
        )
        step = self.last_step if play.steps else None
        if step is not None:
            verdict = "served" if step.served else "strained"
            set_html(
                self.feedback,
                f'<div class="{"ok" if step.served else "notice"}" role="status">'
                f"<p><strong>You chose:</strong> {markdown_inline(step.choice_text)}</p>"
                f"{markdown_html(step.feedback)}"
                f"<p><strong>Principle:</strong> {esc(step.principle)} ({verdict})"
                f"{_score_text(step.scores, sc)}</p></div>",
            )
        else:
            set_html(self.feedback, "")
        node = play.node
        position = f"Decision {len(play.steps) + 1}" if not play.finished else "The end"
        body = (
            f"<h3>{esc(position)}: {esc(node.title)}</h3>{markdown_html(play.text(node.situation))}"
        )
        if node.ending is not None:
            body += self._ending_html()
        set_html(self.scene, body, label=f"Scenario: {sc.title}")
        available = [] if play.finished else play.available()
        for i, button in enumerate(self.buttons):
            if i < len(available):
                button.description = play.text(available[i].text)
                button.tooltip = button.description
                button.layout.display = None
                button.disabled = False
            else:
                button.description = ""
                button.layout.display = "none"
                button.disabled = True
        self.back_button.disabled = not play.steps
        self.restart_button.description = "Play again" if play.finished else "Start again"

    def _ending_html(self) -> str:
        play = self.play
        ending = play.node.ending
        assert ending is not None
        scores = "".join(
            f"<li>{esc(d.label)}: {play.scores.get(d.id, 0):+d} <span class='muted'>"
            f"({esc(d.description)})</span></li>"
            for d in self.scenario.dimensions
        )
        recap = "".join(
            f"<li><strong>{esc(s.node_title)}.</strong> You chose: {markdown_inline(s.choice_text)}"
            f" — {esc(s.principle)} {'served' if s.served else 'strained'}."
            f"<br>{markdown_inline(_first_paragraph(s.feedback))}</li>"
            for s in play.recap()
        )
        return (
            f"<h3>{esc(ending.title)}</h3><p><strong>{OUTCOME_WORDS[ending.outcome]}.</strong></p>"
            f"{markdown_html(play.text(ending.debrief))}"
            f"<h4>Your scores</h4><ul>{scores}</ul>"
            f"<h4>Recap of your path</h4><ol>{recap}</ol>"
        )


def _score_text(scores: dict[str, int], scenario: Scenario) -> str:
    if not scores:
        return ""
    labels = {d.id: d.label for d in scenario.dimensions}
    parts = ", ".join(f"{esc(labels.get(k, k))} {v:+d}" for k, v in scores.items())
    return f"; {parts}"


def _first_paragraph(markdown: str) -> str:
    return markdown.strip().split("\n\n", 1)[0]
