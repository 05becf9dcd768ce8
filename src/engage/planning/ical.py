"""iCalendar (RFC 5545) files for a plan's meetings, written without extra dependencies."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from engage.planning.methods import Method, minutes_text
from engage.planning.planner import Plan, PlanError, build_agenda

PRODID = "-//Models for Change//Session planner//EN"
UID_DOMAIN = "models-for-change.invalid"
LINE_OCTETS = 75


@dataclass(frozen=True)
class Event:
    """One calendar event (times are local, written as floating times)."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    location: str = ""
    description: str = ""


def plan_events(plan: Plan, method: Method) -> list[Event]:
    """Turn each meeting of a plan into a calendar event.

    Args:
        plan: The plan; it needs a start date and a start time.
        method: Its method.

    Returns:
        One event per session, circle, day or finale.

    Raises:
        PlanError: If the plan has no readable date or start time.
    """
    meetings = build_agenda(plan, method, strict=True)
    if not meetings or meetings[0].start is None:
        raise PlanError("Add a first date and a start time to make a calendar file.")
    title = " ".join(plan.title.split()) or method.name
    seed = f"{method.id}|{title}|{plan.start_date}|{plan.start_time}".encode()
    base = hashlib.sha256(seed).hexdigest()[:20]
    events = []
    for meeting in meetings:
        assert meeting.start is not None and meeting.end is not None
        agenda = "\n".join(
            f"{item.start:%H:%M} {item.title} ({minutes_text(item.minutes)})"
            if item.start is not None
            else item.title
            for item in meeting.items
        )
        summary = title if len(meetings) == 1 else f"{title}: {meeting.title}"
        events.append(
            Event(
                uid=f"{base}-{meeting.index + 1}@{UID_DOMAIN}",
                start=meeting.start,
                end=meeting.end,
                summary=summary,
                location=" ".join(plan.location.split()),
                description=f"{method.name}\n\n{agenda}",
            )
        )
    return events


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and line breaks (RFC 5545 3.3.11).

    Args:
        value: The text.

    Returns:
        The escaped text, on one logical line.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(ch for ch in value if ch == "\n" or (ord(ch) >= 32 and ord(ch) != 127))
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets (RFC 5545 3.1).

    Continuation lines start with a space; a UTF-8 character is never split.

    Args:
        line: One content line, without its line break.

    Returns:
        The folded line, pieces joined by CRLF and a space.
    """
    pieces: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, LINE_OCTETS - 1
        current += ch
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _stamp(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S")


def calendar_ics(events: list[Event], name: str, *, now: datetime | None = None) -> str:
    """Write events as an iCalendar file that calendar programs import.

    Args:
        events: The events.
        name: The calendar's display name.
        now: The creation time stamp (now if None).

    Returns:
        The file's text, with CRLF line endings.
    """
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_stamp(event.start)}",
            f"DTEND:{_stamp(event.end)}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def plan_ics(plan: Plan, method: Method, *, now: datetime | None = None) -> str:
    """Write a plan's meetings as an iCalendar file.

    Args:
        plan: The plan, with a first date and a start time.
        method: Its method.
        now: The creation time stamp (now if None).

    Returns:
        The file's text.

    Raises:
        PlanError: If the plan has no readable date or start time.
    """
    name = " ".join(plan.title.split()) or f"{method.name} plan"
    return calendar_ics(plan_events(plan, method), name, now=now)


def cohort_events(
    title: str,
    sessions: list[str],
    first: date,
    start: time,
    minutes: int,
    *,
    every_days: int = 7,
    location: str = "",
) -> list[Event]:
    """Make a cohort's meeting schedule: one event per session, a fixed interval apart.

    Args:
        title: The cohort's name, e.g. "Models for Change, spring cohort".
        sessions: What each meeting covers, in order (e.g. module titles).
        first: The date of the first meeting.
        start: The start time of every meeting.
        minutes: How long each meeting lasts.
        every_days: Days between meetings.
        location: Where the cohort meets (a room or a video link).

    Returns:
        The events.

    Raises:
        PlanError: If there are no sessions or the length or interval is not positive.
    """
    if not sessions:
        raise PlanError("A cohort schedule needs at least one session.")
    if minutes < 1 or every_days < 1:
        raise PlanError("Meetings need a length and an interval of at least one.")
    seed = f"cohort|{title}|{first.isoformat()}|{start.isoformat()}".encode()
    base = hashlib.sha256(seed).hexdigest()[:20]
    events = []
    for i, topic in enumerate(sessions):
        begin = datetime.combine(first + timedelta(days=i * every_days), start)
        events.append(
            Event(
                uid=f"{base}-{i + 1}@{UID_DOMAIN}",
                start=begin,
                end=begin + timedelta(minutes=minutes),
                summary=f"{title}: {topic}",
                location=location,
                description=f"Session {i + 1} of {len(sessions)}: {topic}",
            )
        )
    return events
