"""Printable handouts of a session plan, and the capstone's one plan document."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from engage.planning.chooser import FIT_WORDS, Reason, Recommendation
from engage.planning.document import Document
from engage.planning.methods import Method, MethodCatalog, minutes_text, slugify
from engage.planning.planner import (
    Finding,
    Meeting,
    Plan,
    build_agenda,
    check_plan,
    groups_needed,
    role_counts,
)

if TYPE_CHECKING:
    from engage.mapping import StakeholderGrid

ATTRIBUTION = (
    "Prepared with Models for Change, an independent, open course for library staff. It is "
    "not made or endorsed by the organisations whose methods it describes; see their own "
    "guides and trainings for the full method."
)


def _when(meeting: Meeting) -> str:
    if meeting.start is not None and meeting.end is not None:
        return (
            f"{meeting.start:%A %d %B %Y}, {meeting.start:%H:%M} to {meeting.end:%H:%M}"
            f" ({minutes_text(int((meeting.end - meeting.start).total_seconds() // 60))})"
        )
    if meeting.day is not None:
        return f"{meeting.day:%A %d %B %Y}, start time to be set"
    return "Date and time to be set"


def _first_text(reasons: list[Reason]) -> str:
    return reasons[0].text if reasons else ""


def plan_title(plan: Plan, method: Method) -> str:
    """Return the plan's title, or a default named after the method.

    Args:
        plan: The plan.
        method: Its method.

    Returns:
        A one-line title.
    """
    return " ".join(plan.title.split()) or f"{method.name} session plan"


def add_plan(
    doc: Document,
    plan: Plan,
    method: Method,
    catalog: MethodCatalog,
    *,
    level: int = 2,
    today: date | None = None,
) -> list[Finding]:
    """Add a plan's sections to a document.

    Args:
        doc: The document.
        plan: The plan.
        method: Its method.
        catalog: The method data (stream names).
        level: The heading level of the plan's sections.
        today: The date for lead-time checks (today if None).

    Returns:
        The findings of :func:`check_plan`, also written into the document.
    """
    t = method.template
    streams = ", ".join(catalog.stream(s).name for s in method.streams)
    doc.para(f"{method.name} ({streams} stream). {method.summary}", label="Method")
    if plan.issue.strip():
        doc.para(plan.issue, label="The issue")
    if plan.location.strip():
        doc.para(plan.location, label="Where")
    groups = groups_needed(plan)
    word = method.size.group_word
    doc.para(
        f"{plan.participants} people in {groups} {word}{'' if groups == 1 else 's'} of up to "
        f"{plan.group_size}.",
        label="Who",
    )
    meetings = build_agenda(plan, method)
    doc.heading(level, "Agenda")
    if t.timing_note:
        doc.para(t.timing_note, style="muted")
    for meeting in meetings:
        if len(meetings) > 1:
            doc.heading(level + 1, meeting.title)
        doc.para(_when(meeting), label="When")
        headers = ["Segment", "Minutes", "What happens"]
        rows = [[item.title, str(item.minutes), item.what] for item in meeting.items]
        if meeting.start is not None:
            headers.insert(0, "Time")
            for row, item in zip(rows, meeting.items, strict=True):
                row.insert(0, f"{item.start:%H:%M} to {item.end:%H:%M}")
        doc.table(f"Agenda: {meeting.title}", headers, rows)
    doc.heading(level, "Roles")
    counts = role_counts(plan, method)
    doc.table(
        "Roles to fill",
        ["Role", "How many", "Who", "What they do"],
        [
            [
                r.title,
                str(counts[r.id]) if counts[r.id] else "if needed",
                plan.people.get(r.id, "").strip() or "to be found",
                r.what,
            ]
            for r in t.roles
        ],
    )
    doc.heading(level, "Materials")
    doc.bullets(t.materials, checklist=True)
    doc.heading(level, "Room set-up")
    doc.bullets(t.room, checklist=True)
    doc.heading(level, "Invitation and outreach")
    doc.bullets(t.outreach, checklist=True)
    doc.heading(level, "Follow-up that keeps faith with participants")
    doc.bullets(t.follow_up, checklist=True)
    if plan.notes.strip():
        doc.heading(level, "Notes")
        doc.para(plan.notes)
    findings = check_plan(plan, method, today=today)
    doc.heading(level, "Checks against the method")
    if findings:
        for finding in findings:
            doc.para(
                finding.text,
                style=finding.severity,
                label="Problem" if finding.severity == "problem" else "Caution",
            )
    else:
        doc.para("The plan passes every check against the method.")
    return findings


def plan_document(
    plan: Plan, method: Method, catalog: MethodCatalog, *, today: date | None = None
) -> Document:
    """Build the handout of one session plan.

    Args:
        plan: The plan.
        method: Its method.
        catalog: The method data.
        today: The date for lead-time checks.

    Returns:
        The document, ready for :meth:`Document.html` or :meth:`Document.markdown`.
    """
    doc = Document(plan_title(plan, method))
    doc.heading(1, doc.title)
    add_plan(doc, plan, method, catalog, today=today)
    doc.para(ATTRIBUTION, style="muted")
    return doc


def handout_filename(plan: Plan, method: Method, extension: str) -> str:
    """Return a download name such as ``world-cafe-plan-new-branch.html``.

    Args:
        plan: The plan.
        method: Its method.
        extension: ``html``, ``md`` or ``ics``.

    Returns:
        The file name.
    """
    title = slugify(plan.title) if plan.title.strip() else "plan"
    return f"{method.id}-{title}.{extension}"


@dataclass
class Capstone:
    """Everything the capstone gathers: the issue, the chooser's answer, the plan, reflections.

    Attributes:
        issue: The learner's real local issue, in their words.
        recommendation: The chooser's ranking for their situation, if they used it.
        stakeholders: Their stakeholder grid from the mapping tools, if they made one.
        plan: Their session plan, if any.
        reflections: Reflection prompt to the learner's answer, in order.
        learner: The learner's name, if given.
    """

    issue: str = ""
    recommendation: Recommendation | None = None
    plan: Plan | None = None
    reflections: list[tuple[str, str]] = field(default_factory=list)
    learner: str = ""
    stakeholders: StakeholderGrid | None = None


def capstone_document(
    capstone: Capstone, catalog: MethodCatalog, *, today: date | None = None
) -> Document:
    """Build the capstone's one plan document: issue, choice of method, partners, plan, reflection.

    Args:
        capstone: What the learner gathered.
        catalog: The method data.
        today: The date for lead-time checks.

    Returns:
        The document.
    """
    doc = Document("Engagement plan")
    doc.heading(1, "Engagement plan")
    if capstone.learner.strip():
        doc.para(capstone.learner, label="Prepared by")
    doc.heading(2, "The issue")
    doc.para(capstone.issue.strip() or "Not written yet.")
    doc.heading(2, "Choosing a method")
    rec = capstone.recommendation
    if rec is None:
        doc.para("The model chooser has not been used yet.")
    else:
        q = catalog.questions
        s = rec.situation
        doc.bullets(
            [
                f"{q.purpose.label}: {q.purpose.label_of(s.purpose)}",
                f"{q.heat.label}: {q.heat.label_of(s.heat)}",
                f"{q.decision.label}: {q.decision.label_of(s.decision)}",
                f"{q.decider.label}: {q.decider.label_of(s.decider)}",
                f"{q.size.label}: {s.size}",
                f"{q.time.label}: {q.time.label_of(s.time)}",
                f"{q.lead_time.label}: {q.lead_time.label_of(s.lead_time)}",
                f"{q.capacity.label}: {q.capacity.label_of(s.capacity)}",
            ]
        )
        doc.table(
            "The chooser's ranking",
            ["Method", "Fit", "Strongest reason for", "Strongest reason against"],
            [
                [
                    r.method.name,
                    FIT_WORDS[r.fit],
                    _first_text(r.of_kind("for")),
                    _first_text(r.of_kind("against")),
                ]
                for r in rec.ranked
            ],
        )
        if rec.excluded:
            doc.para("Methods its sources say not to use here:")
            doc.bullets([f"{e.method.name}: {e.reasons[0]}" for e in rec.excluded])
        for caution in rec.cautions:
            doc.para(caution.text, style="caution", label=caution.principle)
    doc.heading(2, "Partners and stakeholders")
    grid = capstone.stakeholders
    if grid is None or not grid.latest():
        doc.para("No stakeholders mapped yet.")
    else:
        from engage.mapping import stakeholder_grid_alt_text

        doc.para(stakeholder_grid_alt_text(grid))
        doc.table(
            "Partners and stakeholders, rated for power and interest (1 to 5)",
            ["Name", "Role", "Power", "Interest", "Strategy"],
            [[r.name, r.role, str(r.power), str(r.interest), r.strategy] for r in grid.latest()],
        )
    doc.heading(2, "The session plan")
    if capstone.plan is None:
        doc.para("No session planned yet.")
    else:
        method = catalog.method(capstone.plan.method_id)
        doc.heading(3, plan_title(capstone.plan, method))
        add_plan(doc, capstone.plan, method, catalog, level=3, today=today)
    doc.heading(2, "Reflection")
    if capstone.reflections:
        for prompt, answer in capstone.reflections:
            doc.heading(3, prompt)
            doc.para(answer.strip() or "Not answered yet.")
    else:
        doc.para("Not written yet.")
    doc.para(ATTRIBUTION, style="muted")
    return doc
