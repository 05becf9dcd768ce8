"""The lesson skeleton every module notebook shows: overview, sections, wrap-up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from engage.activities import Activities, load_activities, module_done
from engage.catalog import format_minutes
from engage.content import Module, Text, load_course, load_module, repo_root
from engage.exercise import SortExercise
from engage.progress import ProgressStore
from engage.ui.common import (
    ErrorArea,
    action_button,
    esc,
    html_block,
    markdown_html,
    markdown_inline,
    page_css,
    set_html,
)

if TYPE_CHECKING:
    from engage.ui.mapping import CoalitionStageView, MapView


class Lesson:
    """The views of one module's content, kept in step with the learner's profile.

    A notebook creates one ``Lesson`` and calls one method per part of the page.
    Text with per-profile variants is re-rendered when the profile changes.
    """

    def __init__(
        self,
        module_id: str,
        *,
        store: ProgressStore | None = None,
        root: Path | None = None,
    ) -> None:
        """Load a module's content and the learner's progress.

        Args:
            module_id: The module id, e.g. ``01-turning-outward``.
            store: The progress store; the learner's default store if None.
            root: The repository root; found automatically if None.
        """
        self.root = root or repo_root()
        self.module: Module = load_module(module_id, self.root)
        self.course = load_course(self.root)
        self.store = store or ProgressStore()
        self.progress = self.store.load()
        self.errors = ErrorArea()
        self._renderers: list[Callable[[], None]] = []
        self._activities: Activities | None = None
        self.views: list[object] = []

    @property
    def activities(self) -> Activities:
        """The module's scenarios, self-check and exercise."""
        if self._activities is None:
            self._activities = load_activities(self.module.id, self.root, fast=True)
        return self._activities

    def scenario(self, scenario_id: str) -> widgets.Widget:
        """Show a branching scenario, resumed where the learner left it.

        Args:
            scenario_id: The scenario's id (its file name in ``scenarios/``).

        Returns:
            The widget to display.

        Raises:
            KeyError: If the module has no such scenario.
        """
        from engage.ui.scenario import ScenarioPlayer

        scenarios = self.activities.scenarios
        if scenario_id not in scenarios:
            known = ", ".join(scenarios) or "none"
            raise KeyError(f"{self.module.id} has no scenario '{scenario_id}' (it has: {known})")
        player = ScenarioPlayer(
            self.module.id,
            scenarios[scenario_id],
            self.store,
            self.profile,
            ErrorArea(),
            on_change=self.update_completion,
        )
        self.views.append(player)
        return player.widget

    def quiz(self) -> widgets.Widget:
        """Show the module's self-check, with saved answers restored.

        Returns:
            The widget to display.

        Raises:
            KeyError: If the module has no self-check.
        """
        from engage.ui.quiz import QuizView

        if self.activities.quiz is None:
            raise KeyError(f"{self.module.id} has no quiz.yml")
        view = QuizView(
            self.module.id,
            self.activities.quiz,
            self.store,
            self.profile,
            ErrorArea(),
            on_change=self.update_completion,
        )
        self.views.append(view)
        return view.widget

    def exercise(self) -> widgets.Widget:
        """Show the module's hands-on exercise, with the saved work restored.

        Returns:
            The widget to display.

        Raises:
            KeyError: If the module has no exercise.
        """
        from engage.ui.exercise import DesignView, SortView

        exercise = self.activities.exercise
        if exercise is None:
            raise KeyError(f"{self.module.id} has no exercise.yml")
        view_class = SortView if isinstance(exercise, SortExercise) else DesignView
        view = view_class(self.module.id, exercise, self.store, self.profile, ErrorArea())
        self.views.append(view)
        return view.widget

    def asset_map(self) -> widgets.Widget:
        """Show the community asset map tool, with the learner's saved map restored.

        Returns:
            The widget to display.
        """
        from engage.ui.mapping import AssetMapper

        return self._map_view(AssetMapper, "assets")

    def stakeholder_grid(self) -> widgets.Widget:
        """Show the stakeholder power/interest grid tool, with the saved ratings restored.

        Returns:
            The widget to display.
        """
        from engage.ui.mapping import StakeholderGridView

        return self._map_view(StakeholderGridView, "stakeholders")

    def partner_network(self) -> widgets.Widget:
        """Show the partner network tool, with the saved partners and relationships restored.

        Returns:
            The widget to display.
        """
        from engage.ui.mapping import PartnerNetworkView

        return self._map_view(PartnerNetworkView, "partners")

    def coalition_stage(self) -> widgets.Widget:
        """Show the coalition stage self-assessment, with the saved answers restored.

        Returns:
            The widget to display.

        Raises:
            engage.content.ContentError: If ``coalition-stages.yml`` is missing or invalid.
        """
        from engage.mapping import load_coalition_stages
        from engage.ui.mapping import CoalitionStageView

        view = CoalitionStageView(
            f"{self.module.id}/coalition",
            load_coalition_stages(self.root),
            self.store,
            self.profile,
            ErrorArea(),
        )
        self._follow_profile(view)
        return view.widget

    def _map_view(self, view_class: type[MapView[Any]], kind: str) -> widgets.Widget:
        """Build one mapping tool on this module's progress key and sample data folder."""
        view = view_class(
            f"{self.module.id}/{kind}",
            self.store,
            self.profile,
            self.root / "modules" / self.module.id / "data",
            ErrorArea(),
        )
        self._follow_profile(view)
        return view.widget

    def _follow_profile(self, view: MapView[Any] | CoalitionStageView) -> None:
        """Keep a mapping view's profile in step with the learner's."""
        self.views.append(view)
        self._renderers.append(lambda: view.set_profile(self.profile))

    def reflection(self) -> widgets.Widget:
        """Show the module's reflection: answers saved as drafts, downloadable for grading.

        The download also carries the module's exercise result, so a change to the
        exercise shown earlier on the page refreshes the download.

        Returns:
            The widget to display.

        Raises:
            KeyError: If the module has no reflection.
        """
        from engage.ui.exercise import DesignView, SortView
        from engage.ui.reflection import ReflectionBox

        box = ReflectionBox(self.module, self.store, self.profile, self.root, ErrorArea())
        for view in self.views:
            if isinstance(view, SortView | DesignView):
                previous = view.on_change

                def chained(previous: Callable[[], None] | None = previous) -> None:
                    if previous is not None:
                        previous()
                    box.errors.guard(box.refresh_download)()

                view.on_change = chained
        self.views.append(box)
        return box.widget

    def chooser(self) -> widgets.Widget:
        """Show the model chooser, with the learner's saved situation restored.

        Returns:
            The widget to display.
        """
        from engage.planning.methods import load_methods
        from engage.ui.chooser import ChooserView

        view = ChooserView(
            f"{self.module.id}/chooser",
            load_methods(self.root),
            self.store,
            self.profile,
            ErrorArea(),
            profile_names={p.id: p.name for p in self.course.profiles},
            module_titles={e.id: e.title for e in self.course.course_map},
            root=self.root,
            on_change=self.update_completion,
        )
        for other in self.views:
            suggest = getattr(other, "suggest", None)
            if callable(suggest):
                view.listeners.append(suggest)
        self.views.append(view)
        return view.widget

    def planner(self, *, capstone: bool = False) -> widgets.Widget:
        """Show the session planner, with the learner's saved plan restored.

        Args:
            capstone: Also ask for the learner's issue, and offer one plan document with
                the chooser's answer, the stakeholder grid, the plan and the reflection.

        Returns:
            The widget to display.
        """
        from engage.planning.methods import load_methods
        from engage.ui.chooser import ChooserView
        from engage.ui.planner import PlannerView

        choosers = [v for v in self.views if isinstance(v, ChooserView)]
        view = PlannerView(
            f"{self.module.id}/planner",
            load_methods(self.root),
            self.store,
            self.profile,
            ErrorArea(),
            capstone=capstone,
            chooser_key=choosers[0].key if choosers else None,
            reflection=self.module.reflection,
            reflection_key=self.module.id,
            stakeholders_key=f"{self.module.id}/stakeholders",
            on_change=self.update_completion,
        )
        for chooser in choosers:
            chooser.listeners.append(view.suggest)
            if chooser.recommendation is not None:
                view.suggest(chooser.recommendation)
        self.views.append(view)
        return view.widget

    def update_completion(self) -> None:
        """Mark the module finished once its scenarios and self-check are done."""
        progress = self.store.load()
        if progress.is_completed(self.module.id):
            return
        if not (self.activities.scenarios or self.activities.quiz):
            return
        if module_done(self.activities, progress.scenarios, progress.quizzes):
            self.store.mark_completed(self.module.id)
            self.refresh()

    @property
    def profile(self) -> str | None:
        """The learner's library profile id, or None."""
        return self.progress.profile

    def text(self, value: Text) -> str:
        """Render a content text for the current profile as HTML.

        Args:
            value: A text that may have per-profile variants.

        Returns:
            HTML.
        """
        return markdown_html(value.for_profile(self.profile))

    def on_profile_change(self, render: Callable[[], None]) -> None:
        """Register a view to re-render when the profile changes, and render it now.

        Args:
            render: A function that refreshes a view.
        """
        self._renderers.append(render)
        render()

    def refresh(self) -> None:
        """Reload progress and re-render every profile-dependent view."""
        self.progress = self.store.load()
        for render in self._renderers:
            render()

    def overview(self) -> widgets.Widget:
        """Show the title, summary, objectives, prerequisites and time to learn.

        Returns:
            The widget to display.
        """
        style = widgets.HTML(value=page_css())
        block = html_block("")

        def render() -> None:
            m = self.module
            objectives = "".join(f"<li>{self.text(o)}</li>" for o in m.objectives)
            rows = "".join(
                f"<tr><td>{self.text(p.item)}</td><td>{esc(p.importance)}</td></tr>"
                for p in m.prerequisites
            )
            prereq = (
                "<table><caption>Prerequisites</caption><thead><tr><th scope='col'>What"
                "</th><th scope='col'>How important</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>"
                if rows
                else ""
            )
            set_html(
                block,
                f"<h1>{esc(m.title)}</h1>{self.text(m.summary)}"
                f"<h2>Overview</h2><p>By the end of this module you will be able to:</p>"
                f"<ol>{objectives}</ol>{prereq}"
                f"<p><strong>Time to learn:</strong> about {format_minutes(m.time_to_learn)}."
                "</p>",
            )

        self.on_profile_change(render)
        return widgets.VBox([style, block, self.errors.widget])

    def section(self, section_id: str) -> widgets.Widget:
        """Show one ``##`` section of the lesson.

        Args:
            section_id: The section's id in ``module.yml``.

        Returns:
            The widget to display.

        Raises:
            KeyError: If the module has no such section.
        """
        matches = [s for s in self.module.sections if s.id == section_id]
        if not matches:
            known = ", ".join(s.id for s in self.module.sections)
            raise KeyError(f"{self.module.id} has no section '{section_id}' (it has: {known})")
        section = matches[0]
        block = html_block("")

        def render() -> None:
            set_html(block, f"<h2>{esc(section.title)}</h2>{self.text(section.body)}")

        self.on_profile_change(render)
        return block

    def wrap_up(self) -> widgets.Widget:
        """Show the summary, what's next, resources and a button to mark the module done.

        Returns:
            The widget to display.
        """
        block = html_block("")
        status = html_block("")
        button = action_button(f"Mark “{self.module.title}” as finished")

        def render() -> None:
            m = self.module
            resources = "".join(
                "<li>"
                + (
                    f'<a href="{esc(r.url)}" target="_blank" rel="noopener">{esc(r.title)}</a>'
                    if r.url
                    else esc(r.title)
                )
                + f" ({esc(r.organisation)})"
                + (f": {markdown_inline(r.note.for_profile(self.profile))}" if r.note else "")
                + "</li>"
                for r in m.resources
            )
            set_html(
                block,
                f"<h2>Summary</h2>{self.text(m.takeaways)}"
                f"<h2>What's next</h2>{self.text(m.whats_next)}"
                + (f"<h2>Resources</h2><ul>{resources}</ul>" if resources else ""),
            )
            done = self.module.id in self.progress.modules and bool(
                self.progress.modules[self.module.id].completed_at
            )
            button.disabled = done
            set_html(
                status,
                '<p class="ok" role="status">You have finished this module.</p>'
                if done
                else '<p class="muted" role="status">Not marked as finished yet.</p>',
            )

        @self.errors.guard
        def finish(_: widgets.Button) -> None:
            self.store.mark_completed(self.module.id)
            self.refresh()

        button.on_click(finish)
        self.on_profile_change(render)
        return widgets.VBox([block, button, status, self.errors.widget])
