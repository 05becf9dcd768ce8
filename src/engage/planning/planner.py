"""The session planner: a plan built from a method's template, its agenda, and its checks.

A :class:`Plan` holds what the learner decides (dates, lengths, people, which segments and
how long). :func:`build_agenda` lays it out in time; :func:`check_plan` tells the learner,
in plain language, where the plan breaks the method (a *problem*) or deserves a second look
(a *caution*). Every fact in the messages comes from ``modules/methods.yml``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from engage.planning.methods import Method, MethodCatalog, minutes_text

Severity = Literal["problem", "caution"]

MAX_TEXT = 200
MAX_LONG_TEXT = 4000
MAX_PEOPLE = 100_000

SHAPE_UNITS = {"one-session": "session", "series": "session", "multi-day": "day"}


class PlanError(ValueError):
    """The plan cannot be laid out as asked (for example, no date for a calendar)."""


@dataclass
class Plan:
    """A learner's plan for one session, series or multi-day event of a method.

    Dates and times are kept as typed (``YYYY-MM-DD`` and ``HH:MM``) so that a mistake can
    be reported rather than lost.
    """

    method_id: str
    title: str = ""
    issue: str = ""
    location: str = ""
    start_date: str = ""
    start_time: str = ""
    session_minutes: int = 90
    count: int = 1
    every_days: int = 7
    participants: int = 12
    group_size: int = 6
    minutes: dict[str, int] = field(default_factory=dict)
    included: dict[str, bool] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)
    notes: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the plan as JSON-able data for the learner's progress.

        Returns:
            The mapping.
        """
        return {
            "method_id": self.method_id,
            "title": self.title,
            "issue": self.issue,
            "location": self.location,
            "start_date": self.start_date,
            "start_time": self.start_time,
            "session_minutes": self.session_minutes,
            "count": self.count,
            "every_days": self.every_days,
            "participants": self.participants,
            "group_size": self.group_size,
            "minutes": dict(self.minutes),
            "included": dict(self.included),
            "people": dict(self.people),
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], catalog: MethodCatalog) -> Plan:
        """Rebuild a saved plan, keeping what still fits the method data.

        Unknown methods, segments and roles are dropped; missing values take the template's
        defaults, so an old or hand-edited plan still opens.

        Args:
            data: The saved mapping.
            catalog: The method data.

        Returns:
            The plan.
        """
        ids = [m.id for m in catalog.methods]
        method_id = data.get("method_id")
        method = catalog.method(method_id if method_id in ids else ids[0])
        plan = new_plan(method)
        for key in ("title", "location", "start_date", "start_time"):
            value = data.get(key)
            if isinstance(value, str):
                setattr(plan, key, _clip(value, MAX_TEXT))
        for key in ("issue", "notes"):
            value = data.get(key)
            if isinstance(value, str):
                setattr(plan, key, _clip(value, MAX_LONG_TEXT))
        for key in ("session_minutes", "count", "every_days", "participants", "group_size"):
            value = data.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                setattr(plan, key, min(value, MAX_PEOPLE))
        segment_ids = {s.id for m in method.template.all_meetings() for s in m.segments}
        for seg_id, value in (data.get("minutes") or {}).items():
            if seg_id in segment_ids and isinstance(value, int) and not isinstance(value, bool):
                plan.minutes[seg_id] = min(max(value, 0), 24 * 60)
        for seg_id, value in (data.get("included") or {}).items():
            if seg_id in segment_ids and isinstance(value, bool):
                plan.included[seg_id] = value
        role_ids = {r.id for r in method.template.roles}
        for role_id, value in (data.get("people") or {}).items():
            if role_id in role_ids and isinstance(value, str):
                plan.people[role_id] = _clip(value, MAX_TEXT)
        return plan


def _clip(value: str, limit: int) -> str:
    cleaned = "".join(ch for ch in value if ch in "\n\t" or ord(ch) >= 32)
    return cleaned[:limit]


def new_plan(method: Method, **values: Any) -> Plan:
    """Start a plan from a method's template defaults.

    Args:
        method: The method.
        **values: Fields to set on the new plan (e.g. ``title``).

    Returns:
        The plan.
    """
    template = method.template
    participants = max(method.size.total.min or 0, template.group.max or 1)
    plan = Plan(
        method_id=method.id,
        session_minutes=template.session.default,
        count=template.count.default,
        every_days=template.every_days,
        participants=participants,
        group_size=template.group.max or participants,
    )
    for meeting in template.all_meetings():
        for segment in meeting.segments:
            plan.minutes[segment.id] = segment.minutes.default
            plan.included[segment.id] = segment.include
    for key, value in values.items():
        if not hasattr(plan, key):
            raise TypeError(f"a plan has no field '{key}'")
        setattr(plan, key, value)
    return plan


# --------------------------------------------------------------------------- parsing

_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_date(text: str) -> date | None:
    """Read a date written ``YYYY-MM-DD``.

    Args:
        text: What the learner typed.

    Returns:
        The date, or None when the text is empty.

    Raises:
        PlanError: If the text is not a real date in that form.
    """
    if not text.strip():
        return None
    match = _DATE.match(text)
    if not match:
        raise PlanError(f"Write the date as year-month-day, like 2026-03-14 (not “{text}”).")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise PlanError(f"“{text}” is not a date on the calendar.") from None


def parse_time(text: str) -> time | None:
    """Read a time written ``HH:MM`` (24-hour clock).

    Args:
        text: What the learner typed.

    Returns:
        The time, or None when the text is empty.

    Raises:
        PlanError: If the text is not a time in that form.
    """
    if not text.strip():
        return None
    match = _TIME.match(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise PlanError(f"Write the time on the 24-hour clock, like 18:30 (not “{text}”).")
    return time(int(match[1]), int(match[2]))


# --------------------------------------------------------------------------- agenda


@dataclass(frozen=True)
class AgendaItem:
    """One segment placed in time."""

    segment_id: str
    title: str
    minutes: int
    what: str
    start: datetime | None
    end: datetime | None


@dataclass(frozen=True)
class Meeting:
    """One meeting of a plan (a session, a circle, a day or the finale), laid out in time."""

    index: int
    title: str
    day: date | None
    start: datetime | None
    items: tuple[AgendaItem, ...]
    booked_minutes: int

    @property
    def minutes(self) -> int:
        """The minutes of all the meeting's segments."""
        return sum(i.minutes for i in self.items)

    @property
    def end(self) -> datetime | None:
        """When the meeting ends: the booked length or the agenda, whichever is longer."""
        if self.start is None:
            return None
        return self.start + timedelta(minutes=max(self.minutes, self.booked_minutes))


def groups_needed(plan: Plan) -> int:
    """Return how many tables, circles or groups the plan needs.

    Args:
        plan: The plan.

    Returns:
        At least one.
    """
    if plan.group_size < 1 or plan.participants < 1:
        return 1
    return max(1, math.ceil(plan.participants / plan.group_size))


def build_agenda(plan: Plan, method: Method, *, strict: bool = False) -> list[Meeting]:
    """Lay the plan out as meetings of timed segments.

    Args:
        plan: The plan.
        method: Its method.
        strict: Raise on an unreadable date or time instead of leaving times out.

    Returns:
        The meetings in order; times are None when no date or start time is given.

    Raises:
        PlanError: When ``strict`` and the date or time cannot be read.
    """
    template = method.template
    try:
        first_day = parse_date(plan.start_date)
        first_time = parse_time(plan.start_time)
    except PlanError:
        if strict:
            raise
        first_day, first_time = None, None
    meetings: list[Meeting] = []
    if template.shape == "multi-day":
        for i, spec in enumerate(template.meetings[: max(plan.count, 1)]):
            day = first_day + timedelta(days=i) if first_day else None
            clock = first_time if (i == 0 and first_time) else _clock(spec.starts) or first_time
            meetings.append(_meeting(plan, spec, i, spec.title, day, clock, 0))
        return meetings
    spec = template.meetings[0]
    count = 1 if template.shape == "one-session" else max(plan.count, 1)
    step = max(plan.every_days, 1)
    for i in range(count):
        day = first_day + timedelta(days=i * step) if first_day else None
        title = spec.title
        if template.shape == "series":
            title = f"{spec.title} {i + 1} of {count}"
            theme = _theme(spec.themes, i, count)
            if theme:
                title += f": {theme}"
        meetings.append(_meeting(plan, spec, i, title, day, first_time, plan.session_minutes))
    if template.finale is not None:
        day = first_day + timedelta(days=count * step) if first_day else None
        meetings.append(
            _meeting(plan, template.finale, count, template.finale.title, day, first_time, 0)
        )
    return meetings


def _theme(themes: list[str], index: int, count: int) -> str:
    """Spread the themes over the sessions; with fewer sessions, later themes combine."""
    if not themes:
        return ""
    if count >= len(themes):
        return themes[index] if index < len(themes) else "Continuing the work"
    start = index * len(themes) // count
    stop = (index + 1) * len(themes) // count
    parts = themes[start:stop]
    return "; ".join([parts[0], *[p[:1].lower() + p[1:] for p in parts[1:]]])


def _clock(text: str | None) -> time | None:
    if not text:
        return None
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _meeting(
    plan: Plan,
    spec: Any,
    index: int,
    title: str,
    day: date | None,
    clock: time | None,
    booked: int,
) -> Meeting:
    start = datetime.combine(day, clock) if day and clock else None
    items = []
    cursor = start
    for segment in spec.segments:
        if not plan.included.get(segment.id, segment.include):
            continue
        minutes = plan.minutes.get(segment.id, segment.minutes.default)
        end = cursor + timedelta(minutes=minutes) if cursor else None
        items.append(AgendaItem(segment.id, segment.title, minutes, segment.what, cursor, end))
        cursor = end
    return Meeting(index, title, day, start, tuple(items), booked)


# --------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class Finding:
    """Something the learner should know about their plan.

    Attributes:
        severity: ``problem`` (the plan breaks the method) or ``caution`` (worth a look).
        where: The plan field or segment id it is about.
        text: The message, in plain language.
    """

    severity: Severity
    where: str
    text: str


def check_plan(plan: Plan, method: Method, *, today: date | None = None) -> list[Finding]:
    """Check a plan against its method, and say plainly what breaks it.

    Args:
        plan: The plan.
        method: Its method.
        today: The date to measure lead time from (today if None).

    Returns:
        Problems first, then cautions; empty when the plan fits every check.
    """
    t = method.template
    out: list[Finding] = []
    unit = SHAPE_UNITS[t.shape]

    def add(severity: Severity, where: str, text: str) -> None:
        out.append(Finding(severity, where, text))

    # dates
    first_day: date | None = None
    try:
        first_day = parse_date(plan.start_date)
    except PlanError as exc:
        add("problem", "start_date", str(exc))
    try:
        parse_time(plan.start_time)
    except PlanError as exc:
        add("problem", "start_time", str(exc))
    if first_day is not None:
        today = today or date.today()
        days = (first_day - today).days
        if days < 0:
            add("caution", "start_date", f"The first date, {first_day.isoformat()}, has passed.")
        elif t.lead_days is not None and days < t.lead_days:
            add(
                "caution",
                "start_date",
                f"The first {unit} is {days} days away; {method.name} usually needs about "
                f"{t.lead_days} days of preparation. {t.lead_why}",
            )

    # people and groups
    if plan.participants < 1:
        add("problem", "participants", "Say how many people you expect: at least one.")
    else:
        total = method.size.total
        if not total.contains(plan.participants):
            add(
                "caution",
                "participants",
                f"{plan.participants} people is outside the usual numbers for "
                f"{method.name}. {method.size.why}",
            )
    gmin, gmax = t.group.min or 1, t.group.max or plan.group_size
    word = method.size.group_word
    if plan.group_size < 1:
        add("problem", "group_size", f"Say how many people sit at each {word}: at least one.")
    elif not gmin <= plan.group_size <= gmax:
        off = gmin - plan.group_size if plan.group_size < gmin else plan.group_size - gmax
        severity: Severity = "caution" if off == 1 else "problem"
        range_text = f"{gmin}" if gmin == gmax else f"{gmin} to {gmax}"
        advice = ""
        if plan.group_size > gmax and plan.participants > 0:
            groups = math.ceil(plan.participants / gmax)
            advice = f" For {plan.participants} people, plan {groups} {word}s of up to {gmax}."
        add(
            severity,
            "group_size",
            f"A {word} of {plan.group_size} is outside the usual {range_text}. "
            f"{t.group_why}{advice}",
        )
    elif plan.participants > 0 and plan.group_size > plan.participants:
        add(
            "caution",
            "group_size",
            f"The {word} size ({plan.group_size}) is larger than the number of people "
            f"({plan.participants}).",
        )

    # number of meetings
    if not t.count.min <= plan.count <= t.count.max:
        wanted = (
            f"{t.count.min}" if t.count.min == t.count.max else f"{t.count.min} to {t.count.max}"
        )
        add(
            "problem",
            "count",
            f"{method.name} runs over {wanted} {unit}s; this plan has {plan.count}. {t.count_why}",
        )

    # segments
    meetings = build_agenda(plan, method)
    for meeting_spec in t.all_meetings():
        if t.shape == "multi-day" and meeting_spec not in t.meetings[: max(plan.count, 1)]:
            continue
        for segment in meeting_spec.segments:
            included = plan.included.get(segment.id, segment.include)
            minutes = plan.minutes.get(segment.id, segment.minutes.default)
            if segment.required and not included:
                add(
                    "problem",
                    segment.id,
                    f"The agenda leaves out “{segment.title}”. {segment.why}",
                )
            elif segment.required and minutes <= 0:
                add("problem", segment.id, f"“{segment.title}” has no time. {segment.why}")
            elif included and not segment.minutes.min <= minutes <= segment.minutes.max:
                add(
                    "caution",
                    segment.id,
                    f"“{segment.title}” has {minutes} minutes; it usually takes "
                    f"{segment.minutes.min} to {segment.minutes.max}.",
                )
    if t.equal_time:
        timed = {
            seg_id: plan.minutes.get(seg_id, t.segment(seg_id).minutes.default)
            for seg_id in t.equal_time
            if plan.included.get(seg_id, t.segment(seg_id).include)
        }
        if timed and max(timed.values()) - min(timed.values()) > 5:
            add(
                "caution",
                t.equal_time[0],
                f"The options get unequal time ({min(timed.values())} to "
                f"{max(timed.values())} minutes). {t.equal_why}",
            )

    # lengths
    if t.shape == "multi-day":
        for meeting in meetings:
            if meeting.minutes > t.session.max:
                add(
                    "problem",
                    "minutes",
                    f"{meeting.title} runs {minutes_text(meeting.minutes)}, longer than a day "
                    f"can hold ({minutes_text(t.session.max)}). {t.session_why}",
                )
        hours = sum(m.minutes for m in meetings) / 60
        assert t.total_hours is not None
        if not t.total_hours.contains(math.floor(hours)):
            add(
                "caution",
                "minutes",
                f"The agenda adds up to {hours:g} hours over {len(meetings)} "
                f"day{'' if len(meetings) == 1 else 's'}. {t.total_why}",
            )
    else:
        if plan.session_minutes < 1:
            add("problem", "session_minutes", f"Say how long each {unit} is, in minutes.")
        else:
            agenda = meetings[0].minutes if meetings else 0
            if agenda > plan.session_minutes:
                add(
                    "problem",
                    "session_minutes",
                    f"The segments add up to {minutes_text(agenda)}, longer than the "
                    f"{minutes_text(plan.session_minutes)} {unit}. Shorten a segment, leave "
                    "out one that is not required, or book more time.",
                )
            if not t.session.min <= plan.session_minutes <= t.session.max:
                add(
                    "caution",
                    "session_minutes",
                    f"A {minutes_text(plan.session_minutes)} {unit} is outside the usual "
                    f"{minutes_text(t.session.min)} to {minutes_text(t.session.max)}. "
                    f"{t.session_why}",
                )
    if t.shape == "series" and plan.every_days < 1:
        add("problem", "every_days", "Say how many days apart the sessions are.")

    # roles
    groups = groups_needed(plan)
    for role in t.roles:
        if role.count == "optional":
            continue
        names = names_in(plan.people.get(role.id, ""))
        needed = groups if role.count == "per-group" else 1
        if not names:
            add("caution", role.id, f"No one is named yet for “{role.title}”.")
        elif len(names) < needed:
            add(
                "caution",
                role.id,
                f"“{role.title}” needs {needed} people (one per {word}); you have named "
                f"{len(names)}.",
            )
    out.sort(key=lambda f: 0 if f.severity == "problem" else 1)
    return out


def names_in(text: str) -> list[str]:
    """Split a list of names typed with commas, semicolons or new lines.

    Args:
        text: The names as typed.

    Returns:
        The non-empty names.
    """
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def role_counts(plan: Plan, method: Method) -> dict[str, int]:
    """Return how many people each role needs for this plan (0 for optional roles).

    Args:
        plan: The plan.
        method: Its method.

    Returns:
        Role id to number of people.
    """
    groups = groups_needed(plan)
    return {
        r.id: groups if r.count == "per-group" else 1 if r.count == "one" else 0
        for r in method.template.roles
    }


def has_problems(findings: list[Finding]) -> bool:
    """Tell whether any finding is a problem (not just a caution).

    Args:
        findings: What :func:`check_plan` returned.

    Returns:
        True if the plan breaks the method somewhere.
    """
    return any(f.severity == "problem" for f in findings)
