"""PlannerView: plan a session of any method, read the checks, download handouts and a calendar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from engage.content.schema import Reflection
from engage.planning.chooser import Recommendation, Situation, rank_methods
from engage.planning.handout import (
    Capstone,
    capstone_document,
    handout_filename,
    plan_document,
    plan_title,
)
from engage.planning.ical import plan_ics
from engage.planning.methods import Method, MethodCatalog, minutes_text, slugify
from engage.planning.planner import (
    Finding,
    Plan,
    PlanError,
    build_agenda,
    check_plan,
    new_plan,
)
from engage.progress import ProgressStore
from engage.ui.common import (
    ErrorArea,
    action_button,
    described,
    download_link,
    esc,
    html_block,
    set_html,
)

if TYPE_CHECKING:
    from engage.mapping import StakeholderGrid

COUNT_WORDS = {"one-session": "sessions", "series": "sessions", "multi-day": "days"}
WIDE = "44rem"
NUMBER = "30rem"


class PlannerView:
    """The session planner: labelled controls for a plan, plain-language checks, downloads.

    The plan is saved to progress (section ``exercises``) on every change. In the capstone
    the view also asks for the learner's issue, and offers the whole plan document (issue,
    the chooser's answer, the stakeholder grid made with the mapping tools, the plan and
    the reflection) as one download.
    """

    def __init__(
        self,
        key: str,
        catalog: MethodCatalog,
        store: ProgressStore,
        profile: str | None,
        errors: ErrorArea | None = None,
        *,
        capstone: bool = False,
        chooser_key: str | None = None,
        reflection: Reflection | None = None,
        reflection_key: str | None = None,
        stakeholders_key: str | None = None,
        on_change: Callable[[], None] | None = None,
        today: date | None = None,
    ) -> None:
        """Build the planner and restore a saved plan.

        Args:
            key: The progress key, e.g. ``11-capstone/planner``.
            catalog: The method data.
            store: Where the plan is saved.
            profile: The learner's library profile.
            errors: Where errors inside callbacks are shown.
            capstone: Also ask for the issue and offer the whole plan document.
            chooser_key: The progress key of the chooser on the same page, if any.
            reflection: The module's reflection prompts, for the plan document.
            reflection_key: The progress key of the learner's reflection answers.
            stakeholders_key: The progress key (under ``maps``) of the learner's stakeholder
                grid, made with the mapping tools, for the plan document.
            on_change: Called after each save.
            today: The date lead times are measured from (today if None).
        """
        self.key, self.catalog, self.store, self.profile = key, catalog, store, profile
        self.errors = errors or ErrorArea()
        self.capstone, self.chooser_key = capstone, chooser_key
        self.reflection, self.reflection_key = reflection, reflection_key
        self.stakeholders_key = stakeholders_key
        self.on_change = on_change
        self.today = today
        self._loading = False
        saved_item = store.load().exercises.get(key) or {}
        saved = saved_item.get("plan")
        self.saved_once = isinstance(saved, dict)
        if isinstance(saved, dict):
            self.plan = Plan.from_dict(saved, catalog)
        else:
            self.plan = new_plan(self._suggested_method() or catalog.methods[0])

        self.method = widgets.Dropdown(
            options=[(m.name, m.id) for m in catalog.methods],
            value=self.plan.method_id,
            layout=widgets.Layout(width=WIDE),
        )
        described(self.method, "Method to plan")
        self.hint = html_block("")
        self.title = self._text("Title of the session")
        self.issue = widgets.Textarea(rows=4, layout=widgets.Layout(width=WIDE))
        described(self.issue, "Your issue, in a few sentences")
        self.location = self._text("Where it will take place")
        self.start_date = self._text("First date (year-month-day, like 2026-03-14)")
        self.start_time = self._text("Start time (24-hour clock, like 18:30)")
        self.session_minutes = self._number("Minutes available for each session", 0, 24 * 60)
        self.count = self._number("Number of sessions", 1, 52)
        self.every_days = self._number("Days between sessions", 1, 60)
        self.participants = self._number("Expected participants", 1, 100_000)
        self.group_size = self._number("People per group", 1, 1000)
        self.segment_box = widgets.VBox()
        self.roles_box = widgets.VBox()
        self.notes = widgets.Textarea(rows=3, layout=widgets.Layout(width=WIDE))
        described(self.notes, "Notes for your team")
        self.segment_inputs: dict[str, tuple[widgets.Checkbox, widgets.BoundedIntText]] = {}
        self.role_inputs: dict[str, widgets.Text] = {}
        self.check_button = action_button("Check my plan")
        self.check_button.on_click(self.errors.guard(lambda _: self.update()))
        self.status = html_block("")
        self.result = html_block("", label="Checks and agenda")
        self.downloads = html_block("", label="Downloads")

        issue_part: list[widgets.Widget] = [self.issue] if capstone else []
        self.widget = widgets.VBox(
            [
                html_block(
                    "<h2>Session planner</h2><p>Choose a method, then adjust the plan: the "
                    "agenda starts from the method's own template. After every change the "
                    "planner checks the plan against the method and says plainly what to "
                    "fix.</p>"
                ),
                self.method,
                self.hint,
                *issue_part,
                self.title,
                self.location,
                self.start_date,
                self.start_time,
                self.session_minutes,
                self.count,
                self.every_days,
                self.participants,
                self.group_size,
                html_block("<h3>Agenda segments</h3>"),
                self.segment_box,
                html_block("<h3>Roles</h3>"),
                self.roles_box,
                self.notes,
                self.check_button,
                self.status,
                self.result,
                self.downloads,
                self.errors.widget,
            ]
        )
        self.widget.add_class("engage-planner")
        self.method.observe(self.errors.guard(self._method_changed), names="value")
        for control in self._plain_controls():
            control.observe(self.errors.guard(self._changed), names="value")
        self._show_plan()
        self.update(save=False)

    # ------------------------------------------------------------------ building

    def _text(self, label: str) -> widgets.Text:
        control = widgets.Text(continuous_update=False, layout=widgets.Layout(width=WIDE))
        described(control, label)
        return control

    def _number(self, label: str, low: int, high: int) -> widgets.BoundedIntText:
        control = widgets.BoundedIntText(
            value=low, min=low, max=high, layout=widgets.Layout(width=NUMBER)
        )
        described(control, label)
        return control

    def _plain_controls(self) -> list[widgets.Widget]:
        return [
            self.title,
            self.issue,
            self.location,
            self.start_date,
            self.start_time,
            self.session_minutes,
            self.count,
            self.every_days,
            self.participants,
            self.group_size,
            self.notes,
        ]

    def _suggested_method(self) -> Method | None:
        if not self.chooser_key:
            return None
        top = (self.store.load().exercises.get(self.chooser_key) or {}).get("top")
        ids = [m.id for m in self.catalog.methods]
        return self.catalog.method(top) if top in ids else None

    @property
    def method_spec(self) -> Method:
        """The method currently being planned."""
        return self.catalog.method(self.plan.method_id)

    def _show_plan(self) -> None:
        """Put the plan's values into the controls and rebuild the method's parts."""
        self._loading = True
        try:
            plan, method = self.plan, self.method_spec
            t = method.template
            self.method.value = plan.method_id
            for name in ("title", "issue", "location", "start_date", "start_time", "notes"):
                getattr(self, name).value = getattr(plan, name)
            for name in ("session_minutes", "count", "every_days", "participants", "group_size"):
                control = getattr(self, name)
                control.value = min(max(getattr(plan, name), control.min), control.max)
            self.count.description = f"Number of {COUNT_WORDS[t.shape]}"
            self.group_size.description = f"People per {method.size.group_word}"
            self.session_minutes.layout.display = "none" if t.shape == "multi-day" else None
            self.every_days.layout.display = None if t.shape == "series" else "none"
            self._build_segments(method)
            self._build_roles(method)
        finally:
            self._loading = False

    def _build_segments(self, method: Method) -> None:
        _close_all(self.segment_box.children)
        self.segment_inputs = {}
        children: list[widgets.Widget] = []
        t = method.template
        if t.timing_note:
            children.append(html_block(f"<p class='muted'>{esc(t.timing_note)}</p>"))
        for meeting in t.all_meetings():
            label = meeting.title
            if t.shape == "series" and meeting is t.meetings[0]:
                label = f"Each {meeting.title.lower()} session"
            children.append(html_block(f"<h4>{esc(label)}</h4>"))
            for segment in meeting.segments:
                include = widgets.Checkbox(
                    value=self.plan.included.get(segment.id, segment.include),
                    indent=False,
                    layout=widgets.Layout(width="auto"),
                )
                described(include, f"Include: {segment.title}")
                include.add_class("engage-options")
                minutes = widgets.BoundedIntText(
                    value=self.plan.minutes.get(segment.id, segment.minutes.default),
                    min=0,
                    max=24 * 60,
                    layout=widgets.Layout(width=NUMBER),
                )
                described(minutes, f"Minutes for: {segment.title}")
                usual = f"Usually {segment.minutes.min} to {segment.minutes.max} minutes."
                children += [
                    include,
                    minutes,
                    html_block(f"<p class='muted'>{esc(segment.what)} {esc(usual)}</p>"),
                ]
                include.observe(self.errors.guard(self._changed), names="value")
                minutes.observe(self.errors.guard(self._changed), names="value")
                self.segment_inputs[segment.id] = (include, minutes)
        self.segment_box.children = children

    def _build_roles(self, method: Method) -> None:
        _close_all(self.roles_box.children)
        self.role_inputs = {}
        children: list[widgets.Widget] = []
        for role in method.template.roles:
            how_many = {
                "one": "",
                "per-group": f" (one per {method.size.group_word})",
                "optional": " (if needed)",
            }[role.count]
            control = self._text(f"Who will be {role.title}{how_many}? Names, with commas")
            control.value = self.plan.people.get(role.id, "")
            control.observe(self.errors.guard(self._changed), names="value")
            self.role_inputs[role.id] = control
            children += [control, html_block(f"<p class='muted'>{esc(role.what)}</p>")]
        self.roles_box.children = children

    # ------------------------------------------------------------------ reading

    def read_plan(self) -> Plan:
        """Read the plan from the controls.

        Returns:
            The plan as currently filled in (also kept as :attr:`plan`).
        """
        plan = Plan(
            method_id=self.method.value,
            title=self.title.value,
            issue=self.issue.value,
            location=self.location.value,
            start_date=self.start_date.value,
            start_time=self.start_time.value,
            session_minutes=int(self.session_minutes.value),
            count=int(self.count.value),
            every_days=int(self.every_days.value),
            participants=int(self.participants.value),
            group_size=int(self.group_size.value),
            notes=self.notes.value,
        )
        for seg_id, (include, minutes) in self.segment_inputs.items():
            plan.included[seg_id] = bool(include.value)
            plan.minutes[seg_id] = int(minutes.value)
        plan.people = {role_id: c.value for role_id, c in self.role_inputs.items()}
        self.plan = plan
        return plan

    def _changed(self, _change: Any = None) -> None:
        if not self._loading:
            self.update()

    def _method_changed(self, change: Any) -> None:
        if self._loading:
            return
        old = self.read_plan()
        method = self.catalog.method(change["new"])
        plan = new_plan(method)
        for name in ("title", "issue", "location", "start_date", "start_time", "notes"):
            setattr(plan, name, getattr(old, name))
        plan.participants = old.participants
        self.plan = plan
        self._show_plan()
        self.update()

    def suggest(self, rec: Recommendation) -> None:
        """Take the chooser's answer: name the top method, and pick it if nothing is saved yet.

        Args:
            rec: The chooser's recommendation.
        """
        top = rec.top
        if top is None:
            set_html(self.hint, "")
            return
        set_html(
            self.hint,
            f"<p class='muted'>The chooser's best fit for your situation: "
            f"{esc(top.method.name)}.</p>",
        )
        if not self.saved_once and self.plan.method_id != top.method.id:
            self.method.value = top.method.id

    # ------------------------------------------------------------------ results

    def update(self, save: bool = True) -> list[Finding]:
        """Check the plan, show the findings and agenda, refresh downloads, and save.

        Args:
            save: Whether to save the plan to progress.

        Returns:
            The findings.
        """
        plan = self.read_plan()
        method = self.method_spec
        findings = check_plan(plan, method, today=self.today)
        problems = [f for f in findings if f.severity == "problem"]
        cautions = [f for f in findings if f.severity == "caution"]
        if not findings:
            summary = "The plan passes every check against the method."
        else:
            summary = (
                f"{_count(len(problems), 'problem')} and {_count(len(cautions), 'caution')}: "
                "see the checks below."
            )
        set_html(self.status, f'<p role="status"><strong>{esc(summary)}</strong></p>')
        set_html(self.result, self._result_html(plan, method, findings), label="Checks and agenda")
        set_html(self.downloads, self._downloads_html(plan, method), label="Downloads")
        if save:
            self.store.put_item(
                "exercises",
                self.key,
                {"plan": plan.to_dict(), "problems": len(problems), "cautions": len(cautions)},
            )
            self.saved_once = True
            if self.on_change:
                self.on_change()
        return findings

    def _result_html(self, plan: Plan, method: Method, findings: list[Finding]) -> str:
        body = "<h3>Checks against the method</h3>"
        if findings:
            items = "".join(
                f"<li class='{'notice' if f.severity == 'problem' else 'muted'}'>"
                f"<strong>{'Problem' if f.severity == 'problem' else 'Caution'}:</strong> "
                f"{esc(f.text)}</li>"
                for f in findings
            )
            body += f"<ul>{items}</ul>"
        else:
            body += "<p class='ok'>The plan passes every check against the method.</p>"
        body += "<h3>Agenda</h3>"
        for meeting in build_agenda(plan, method):
            timed = meeting.start is not None
            rows = "".join(
                "<tr>"
                + (f"<td>{item.start:%H:%M} to {item.end:%H:%M}</td>" if timed else "")
                + f"<td>{esc(item.title)}</td><td>{item.minutes}</td></tr>"
                for item in meeting.items
            )
            when = f"{meeting.day:%a %d %b %Y}, " if meeting.day else ""
            time_head = "<th scope='col'>Time</th>" if timed else ""
            body += (
                f"<table><caption>{esc(meeting.title)} ({esc(when)}"
                f"{esc(minutes_text(meeting.minutes))})</caption><thead><tr>{time_head}"
                "<th scope='col'>Segment</th><th scope='col'>Minutes</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>"
            )
        return body

    def _downloads_html(self, plan: Plan, method: Method) -> str:
        doc = plan_document(plan, method, self.catalog, today=self.today)
        links = [
            download_link(
                doc.html(),
                "text/html",
                handout_filename(plan, method, "html"),
                "Download the handout (HTML, ready to print)",
            ),
            download_link(
                doc.markdown(),
                "text/markdown",
                handout_filename(plan, method, "md"),
                "Download the handout (Markdown)",
            ),
        ]
        try:
            ics = plan_ics(plan, method)
        except PlanError as exc:
            links.append(f"<span class='muted'>Calendar file: {esc(str(exc))}</span>")
        else:
            links.append(
                download_link(
                    ics,
                    "text/calendar",
                    handout_filename(plan, method, "ics"),
                    "Download the dates for your calendar (.ics)",
                )
            )
        body = "<h3>Downloads</h3><ul>" + "".join(f"<li>{link}</li>" for link in links)
        body += "</ul>"
        if self.capstone:
            capstone = self.capstone_data(plan)
            whole = capstone_document(capstone, self.catalog, today=self.today)
            name = f"engagement-plan-{slugify(plan_title(plan, method))}"
            body += (
                "<h3>Your whole engagement plan</h3><p>One document with your issue, the "
                "chooser's answer, your partners, the session plan and your reflection.</p><ul>"
                + "<li>"
                + download_link(
                    whole.html(), "text/html", f"{name}.html", "Download the plan (HTML)"
                )
                + "</li><li>"
                + download_link(
                    whole.markdown(),
                    "text/markdown",
                    f"{name}.md",
                    "Download the plan (Markdown)",
                )
                + "</li></ul>"
            )
        return body

    def capstone_data(self, plan: Plan | None = None) -> Capstone:
        """Gather the capstone's parts from the page and the learner's progress.

        Args:
            plan: The plan (read from the controls if None).

        Returns:
            The capstone's issue, recommendation, plan and reflection answers.
        """
        plan = plan or self.read_plan()
        progress = self.store.load()
        rec: Recommendation | None = None
        if self.chooser_key:
            saved = (progress.exercises.get(self.chooser_key) or {}).get("situation")
            if isinstance(saved, dict):
                rec = rank_methods(Situation.from_dict(saved, self.catalog), self.catalog)
        answers: list[tuple[str, str]] = []
        if self.reflection is not None:
            item = progress.reflections.get(self.reflection_key or "") or {}
            for prompt in self.reflection.prompts:
                answers.append((prompt.prompt.for_profile(self.profile), _answer(item, prompt.id)))
        return Capstone(
            issue=plan.issue,
            recommendation=rec,
            plan=plan,
            reflections=answers,
            learner=progress.learner_name,
            stakeholders=self._stakeholders(progress.maps.get(self.stakeholders_key or "")),
        )

    def _stakeholders(self, saved: dict[str, Any] | None) -> StakeholderGrid | None:
        if not saved:
            return None
        from pydantic import ValidationError

        from engage.mapping import StakeholderGrid

        try:
            return StakeholderGrid.from_dict(saved.get("data") or {})
        except (ValidationError, TypeError, ValueError):
            return None


def _answer(item: dict[str, Any], prompt_id: str) -> str:
    """Find a reflection answer however the reflection view stores it."""
    for container in (item.get("answers"), item.get("drafts"), item):
        if isinstance(container, dict):
            value = container.get(prompt_id)
            if isinstance(value, str):
                return value
            if isinstance(value, dict) and isinstance(value.get("text"), str):
                return value["text"]
    return ""


def _close_all(children: tuple[widgets.Widget, ...]) -> None:
    for child in children:
        child.close()


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
