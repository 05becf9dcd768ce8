"""ChooserView: describe a situation with labelled controls and read a ranked recommendation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets

from engage.catalog import is_built
from engage.planning.chooser import (
    FIT_WORDS,
    Ranked,
    Recommendation,
    Situation,
    rank_methods,
)
from engage.planning.methods import CHOICE_FACTORS, MethodCatalog
from engage.profiles import PROFILE_IDS
from engage.progress import ProgressStore
from engage.ui.common import ErrorArea, action_button, described, esc, html_block, set_html

RADIO_FACTORS = ("purpose", "heat", "time")
"""Factors shown as radio buttons (all options visible); the others are dropdowns."""

NO_PROFILE = "none"


class ChooserView:
    """The model chooser: a form for the situation and a ranked, reasoned recommendation.

    The situation is saved to progress (section ``exercises``) whenever the learner asks
    for a recommendation, and restored the next time the page opens.
    """

    def __init__(
        self,
        key: str,
        catalog: MethodCatalog,
        store: ProgressStore,
        profile: str | None,
        errors: ErrorArea | None = None,
        *,
        profile_names: dict[str, str] | None = None,
        module_titles: dict[str, str] | None = None,
        root: Path | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        """Build the form and restore a saved situation.

        Args:
            key: The progress key, e.g. ``02-choosing-a-model/chooser``.
            catalog: The method data.
            store: Where the situation is saved.
            profile: The learner's library profile (the default for the profile control).
            errors: Where errors inside callbacks are shown.
            profile_names: Profile id to display name (ids are shown if None).
            module_titles: Module id to title, for links to each method's module.
            root: The repository root, to link only to modules that exist.
            on_change: Called after each save.
        """
        self.key, self.catalog, self.store, self.root = key, catalog, store, root
        self.module_titles = module_titles or {}
        self.errors = errors or ErrorArea()
        self.on_change = on_change
        self.listeners: list[Callable[[Recommendation], None]] = []
        self.recommendation: Recommendation | None = None
        q = catalog.questions
        self.controls: dict[str, widgets.Widget] = {}
        parts: list[widgets.Widget] = [
            html_block(
                "<h2>Model chooser</h2><p>Describe your situation, then ask for a "
                "recommendation. Every reason shown comes from the course's notes on each "
                "method; a method whose sources say not to use it in your situation is never "
                "recommended.</p>"
            )
        ]
        for factor in CHOICE_FACTORS:
            question = q.choice(factor)
            options = [(o.label, o.id) for o in question.options]
            if factor in RADIO_FACTORS:
                control: widgets.Widget = widgets.RadioButtons(
                    options=options, value=options[0][1], layout=widgets.Layout(width="auto")
                )
                control.add_class("engage-options")
            else:
                control = widgets.Dropdown(
                    options=options, value=options[0][1], layout=widgets.Layout(width="48rem")
                )
            described(control, question.label)
            self.controls[factor] = control
            parts.append(control)
            if question.help:
                parts.append(html_block(f"<p class='muted'>{esc(question.help)}</p>"))
            if factor == "decider":
                size = widgets.BoundedIntText(
                    value=q.size.default,
                    min=q.size.min,
                    max=q.size.max,
                    layout=widgets.Layout(width="30rem"),
                )
                described(size, q.size.label)
                self.controls["size"] = size
                parts.append(size)
        names = profile_names or {p: p for p in PROFILE_IDS}
        profile_control = widgets.Dropdown(
            options=[("No profile chosen", NO_PROFILE)] + [(names[p], p) for p in PROFILE_IDS],
            value=profile if profile in PROFILE_IDS else NO_PROFILE,
            layout=widgets.Layout(width="36rem"),
        )
        described(profile_control, "Your kind of library")
        self.controls["profile"] = profile_control
        parts.append(profile_control)
        self.button = action_button("Recommend methods")
        self.button.on_click(self.errors.guard(lambda _: self.recommend()))
        self.status = html_block("")
        self.result = html_block("", label="Recommendations")
        self.widget = widgets.VBox(
            [*parts, self.button, self.status, self.result, self.errors.widget]
        )
        self.widget.add_class("engage-chooser")
        saved = (store.load().exercises.get(key) or {}).get("situation")
        if isinstance(saved, dict):
            self.set_situation(Situation.from_dict(saved, catalog))
            self.recommend(save=False)

    def situation(self) -> Situation:
        """Return the situation the controls describe.

        Returns:
            The situation.
        """
        values = {factor: self.controls[factor].value for factor in CHOICE_FACTORS}
        profile = self.controls["profile"].value
        return Situation(
            size=int(self.controls["size"].value),
            profile=None if profile == NO_PROFILE else profile,
            **values,
        )

    def set_situation(self, situation: Situation) -> None:
        """Show a situation in the controls.

        Args:
            situation: The situation (valid for the method data).
        """
        for factor in CHOICE_FACTORS:
            self.controls[factor].value = getattr(situation, factor)
        self.controls["size"].value = situation.size
        self.controls["profile"].value = situation.profile or NO_PROFILE

    def recommend(self, save: bool = True) -> Recommendation:
        """Rank the methods for the situation, show the result and save the situation.

        Args:
            save: Whether to save to progress.

        Returns:
            The recommendation.
        """
        situation = self.situation()
        rec = rank_methods(situation, self.catalog)
        self.recommendation = rec
        self.render(rec)
        if save:
            self.store.put_item(
                "exercises",
                self.key,
                {
                    "situation": situation.as_values(),
                    "top": rec.top.method.id if rec.top else None,
                    "ranking": [r.method.id for r in rec.ranked],
                    "excluded": [e.method.id for e in rec.excluded],
                },
            )
            if self.on_change:
                self.on_change()
        for listener in self.listeners:
            listener(rec)
        return rec

    def render(self, rec: Recommendation) -> None:
        """Show a recommendation as text: ranked methods with reasons, exclusions, cautions.

        Args:
            rec: The recommendation.
        """
        top = rec.top
        if top is None:
            summary = "No method fits every part of this situation; see why below."
        else:
            summary = f"Best fit: {top.method.name} ({FIT_WORDS[top.fit].lower()})."
        set_html(self.status, f'<p role="status"><strong>{esc(summary)}</strong></p>')
        body = "<h3>Methods for your situation, best first</h3>"
        if rec.ranked:
            body += "<ol>" + "".join(self._ranked_html(r) for r in rec.ranked) + "</ol>"
        else:
            body += "<p>Every method is ruled out by its own sources for this situation.</p>"
        if rec.excluded:
            items = "".join(
                f"<li><strong>{esc(e.method.name)}.</strong> "
                + " ".join(esc(reason) for reason in e.reasons)
                + "</li>"
                for e in rec.excluded
            )
            body += f"<h3>Not for this situation</h3><ul>{items}</ul>"
        if rec.cautions:
            items = "".join(
                f"<li><strong>{esc(c.principle)}.</strong> {esc(c.text)}</li>" for c in rec.cautions
            )
            body += f"<h3>Whatever you choose</h3><ul>{items}</ul>"
        set_html(self.result, body, label="Recommendations")

    def _ranked_html(self, ranked: Ranked) -> str:
        m = ranked.method
        streams = ", ".join(self.catalog.stream(s).name for s in m.streams)
        sections = ""
        for kind, title in (("for", "For"), ("against", "Against"), ("note", "Keep in mind")):
            reasons = ranked.of_kind(kind)
            if reasons:
                items = "".join(f"<li>{esc(r.text)}</li>" for r in reasons)
                sections += f"<p><strong>{title}:</strong></p><ul>{items}</ul>"
        return (
            f"<li><h4>{esc(m.name)}: {esc(FIT_WORDS[ranked.fit].lower())}</h4>"
            f"<p class='muted'>Engagement stream: {esc(streams)}.</p>"
            f"<p>{esc(m.summary)}</p>{sections}"
            f"<p><strong>Pair it:</strong> {esc(m.pair_with)}</p>"
            f"<p>{self._module_link(m.module, m.name)}</p></li>"
        )

    def _module_link(self, module_id: str, name: str) -> str:
        title = self.module_titles.get(module_id, name)
        label = f"Module {module_id[:2]}: {title}"
        if self.root is not None and is_built(module_id, self.root):
            return f'<a href="{esc(module_id)}.ipynb">{esc(label)}</a>'
        return f"{esc(label)} (coming soon)"
