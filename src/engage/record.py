"""A learner's self-reported participation record, as a printable HTML page (no widgets)."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from engage.activities import quiz_results
from engage.progress import Progress
from engage.report import count_words

if TYPE_CHECKING:
    from engage.badges.verify import VerificationResult

COURSE = "Models for Change"
SELF_REPORTED = (
    "This record is SELF-REPORTED: the course page made it from the learner's own saved "
    "progress, and nobody has checked it. It is not a badge and not a certificate."
)


@dataclass(frozen=True)
class ScenarioLine:
    """A scenario the learner played to the end at least once."""

    module: str
    title: str


@dataclass(frozen=True)
class SelfCheckLine:
    """A module's self-check: questions answered correctly, of how many."""

    module: str
    correct: int
    total: int


@dataclass(frozen=True)
class ReflectionLine:
    """A module's reflection draft and how many words it holds."""

    module: str
    words: int


@dataclass(frozen=True)
class ParticipationRecord:
    """What a learner did in the course, read from their progress file."""

    learner_name: str
    made_at: datetime
    modules_completed: list[tuple[str, datetime]] = field(default_factory=list)
    scenarios_finished: list[ScenarioLine] = field(default_factory=list)
    self_checks: list[SelfCheckLine] = field(default_factory=list)
    reflections: list[ReflectionLine] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when there is nothing to report yet."""
        return not (
            self.modules_completed
            or self.scenarios_finished
            or self.self_checks
            or self.reflections
        )


def _words(answers: object) -> int:
    if not isinstance(answers, Mapping):
        return 0
    return sum(count_words(v) for v in answers.values() if isinstance(v, str))


def participation_record(
    progress: Progress,
    titles: Mapping[str, str] | None = None,
    *,
    quiz_totals: Mapping[str, int] | None = None,
    scenario_titles: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> ParticipationRecord:
    """Summarise a learner's progress as a participation record.

    Args:
        progress: The learner's saved progress.
        titles: Module id to title (the id is shown when a module is not listed).
        quiz_totals: Module id to the number of questions of its self-check; when a module
            is not listed, the questions answered are the total.
        scenario_titles: ``<module>/<scenario>`` key to the scenario's title.
        now: When the record is made; the current time if None.

    Returns:
        The record, each list in module order.
    """
    titles = titles or {}
    quiz_totals = quiz_totals or {}
    scenario_titles = scenario_titles or {}

    def title(module_id: str) -> str:
        return titles.get(module_id, module_id)

    completed = sorted(
        (module_id, entry.completed_at)
        for module_id, entry in progress.modules.items()
        if entry.completed_at is not None
    )
    scenarios = [
        ScenarioLine(
            title(key.split("/", 1)[0]),
            scenario_titles.get(key) or key.split("/", 1)[-1].replace("-", " ").capitalize(),
        )
        for key, item in sorted(progress.scenarios.items())
        if item.get("completed_once") is True
    ]
    checks = []
    for module_id, item in sorted(progress.quizzes.items()):
        results = quiz_results(item)
        if not results:
            continue
        total = max(quiz_totals.get(module_id, 0), len(results))
        checks.append(SelfCheckLine(title(module_id), sum(results.values()), total))
    reflections = [
        ReflectionLine(title(module_id), _words(item.get("answers")))
        for module_id, item in sorted(progress.reflections.items())
    ]
    reflections = [r for r in reflections if r.words]
    return ParticipationRecord(
        learner_name=progress.learner_name,
        made_at=now or datetime.now(UTC),
        modules_completed=[(title(m), at) for m, at in completed],
        scenarios_finished=scenarios,
        self_checks=checks,
        reflections=reflections,
    )


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _section(heading: str, items: list[str], nothing: str) -> str:
    body = f"<ul>{''.join(f'<li>{i}</li>' for i in items)}</ul>" if items else f"<p>{nothing}</p>"
    return f"<h2>{_esc(heading)}</h2>{body}"


def record_body(record: ParticipationRecord) -> str:
    """Render the record's content as an HTML fragment (everything escaped).

    Args:
        record: The participation record.

    Returns:
        The notice that it is self-reported, then one section per kind of activity.
    """
    who = _esc(record.learner_name) if record.learner_name else "a learner (no name given)"
    parts = [
        f'<p class="notice"><strong>{_esc(SELF_REPORTED)}</strong></p>',
        f"<p>Participation record of <strong>{who}</strong> in {_esc(COURSE)}, "
        f"made on {record.made_at:%d %B %Y}.</p>",
        _section(
            "Modules completed",
            [f"{_esc(t)} (on {at:%d %B %Y})" for t, at in record.modules_completed],
            "No module completed yet.",
        ),
        _section(
            "Scenarios finished",
            [f"{_esc(s.title)} ({_esc(s.module)})" for s in record.scenarios_finished],
            "No scenario finished yet.",
        ),
        _section(
            "Self-check scores",
            [f"{_esc(c.module)}: {c.correct} of {c.total} correct" for c in record.self_checks],
            "No self-check answered yet.",
        ),
        _section(
            "Reflections written",
            [
                f"{_esc(r.module)}: {r.words} word{'s' if r.words != 1 else ''}"
                for r in record.reflections
            ],
            "No reflection written yet.",
        ),
    ]
    return "".join(parts)


def record_html(record: ParticipationRecord) -> str:
    """Render the record as a complete, printable HTML page.

    Args:
        record: The participation record.

    Returns:
        A standalone UTF-8 HTML document with print-friendly styles and no scripts.
    """
    name = f" of {record.learner_name}" if record.learner_name else ""
    title = _esc(f"Self-reported participation record{name}: {COURSE}")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;"
        "line-height:1.5;color:#1a1a1a}.notice{border:2px solid #1a1a1a;padding:.5rem 1rem}"
        "@media print{body{margin:0}}</style></head><body>"
        f"<h1>{title}</h1>{record_body(record)}</body></html>\n"
    )


def record_filename(record: ParticipationRecord) -> str:
    """Return a safe file name for the downloaded record.

    Args:
        record: The participation record.

    Returns:
        For example ``participation-record-sam-rivera.html``.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", record.learner_name.lower()).strip("-")[:40]
    return f"participation-record{'-' + slug if slug else ''}.html"


def data_url(page: str) -> str:
    """Encode an HTML page as a ``data:`` URL for a download link.

    Args:
        page: The HTML document.

    Returns:
        ``data:text/html;charset=utf-8;base64,...``.
    """
    encoded = base64.b64encode(page.encode("utf-8")).decode("ascii")
    return f"data:text/html;charset=utf-8;base64,{encoded}"


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def verification_html(result: VerificationResult) -> str:
    """Render a badge's verification as an HTML fragment (everything escaped).

    Args:
        result: What :func:`engage.badges.verify` found.

    Returns:
        The verdict, the badge's details (achievement, issuer, dates) when they could be read,
        and every check with whether it passed and why.
    """
    verdict = (
        '<p class="ok" role="status"><strong>This badge is valid.</strong></p>'
        if result.ok
        else '<p class="notice" role="alert"><strong>This badge is NOT valid.</strong> '
        + _esc("; ".join(f"{c.name}: {c.reason}" for c in result.failures) or "")
        + "</p>"
    )
    details = ""
    credential = result.credential if isinstance(result.credential, Mapping) else {}
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    achievement = achievement if isinstance(achievement, Mapping) else {}
    issuer = credential.get("issuer")
    issuer = issuer if isinstance(issuer, Mapping) else {}
    rows = [
        ("Achievement", _text(achievement.get("name"))),
        ("What it recognises", _text(achievement.get("description"))),
        ("Issuer", _text(issuer.get("name"))),
        ("Issuer's address", _text(issuer.get("id"))),
        ("Valid from", _text(credential.get("validFrom"))),
        ("Valid until", _text(credential.get("validUntil")) or "no end date"),
        ("Credential id", _text(credential.get("id"))),
    ]
    if credential:
        cells = "".join(
            f"<tr><th scope='row'>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in rows if v
        )
        details = f"<table><caption>The badge's details</caption><tbody>{cells}</tbody></table>"
    checks = "".join(
        f"<li><strong>{_esc(c.status)}</strong>: {_esc(c.name)}: {_esc(c.reason)}</li>"
        for c in result.checks
    )
    return f"{verdict}{details}<h4>Checks made</h4><ul>{checks}</ul>"
