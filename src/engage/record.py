"""A learner's self-reported participation record: a printable HTML page and a PNG image."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from io import BytesIO
from typing import TYPE_CHECKING, Any

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


@dataclass(frozen=True)
class _Section:
    heading: str
    items: list[str]
    nothing: str


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _intro(record: ParticipationRecord) -> tuple[str, str]:
    """The learner's name (or a stand-in) and the rest of the record's opening sentence."""
    who = record.learner_name or "a learner (no name given)"
    return who, f"in {COURSE}, made on {record.made_at:%d %B %Y}."


def _sections(record: ParticipationRecord) -> list[_Section]:
    """The record's sections as plain text (not escaped): one per kind of activity."""
    return [
        _Section(
            "Modules completed",
            [f"{t} (on {at:%d %B %Y})" for t, at in record.modules_completed],
            "No module completed yet.",
        ),
        _Section(
            "Scenarios finished",
            [f"{s.title} ({s.module})" for s in record.scenarios_finished],
            "No scenario finished yet.",
        ),
        _Section(
            "Self-check scores",
            [f"{c.module}: {c.correct} of {c.total} correct" for c in record.self_checks],
            "No self-check answered yet.",
        ),
        _Section(
            "Reflections written",
            [f"{r.module}: {_plural(r.words, 'word')}" for r in record.reflections],
            "No reflection written yet.",
        ),
    ]


def record_title(record: ParticipationRecord) -> str:
    """The record's title, naming the learner when a name was given.

    Args:
        record: The participation record.

    Returns:
        For example ``Self-reported participation record of Sam Rivera: Models for Change``.
    """
    name = record.learner_name
    return f"Self-reported participation record{f' of {name}' if name else ''}: {COURSE}"


def record_body(record: ParticipationRecord) -> str:
    """Render the record's content as an HTML fragment (everything escaped).

    Args:
        record: The participation record.

    Returns:
        The notice that it is self-reported, then one section per kind of activity.
    """
    who, rest = _intro(record)
    parts = [
        f'<p class="notice"><strong>{_esc(SELF_REPORTED)}</strong></p>',
        f"<p>Participation record of <strong>{_esc(who)}</strong> {_esc(rest)}</p>",
    ]
    for section in _sections(record):
        items = "".join(f"<li>{_esc(i)}</li>" for i in section.items)
        body = f"<ul>{items}</ul>" if section.items else f"<p>{_esc(section.nothing)}</p>"
        parts.append(f"<h2>{_esc(section.heading)}</h2>{body}")
    return "".join(parts)


def record_text(record: ParticipationRecord) -> str:
    """Render the record as plain text: the PNG's text alternative, embedded in the file.

    Args:
        record: The participation record.

    Returns:
        The title, the notice, the opening sentence and each section, one item per line.
    """
    who, rest = _intro(record)
    lines = [record_title(record), "", SELF_REPORTED, "", f"Participation record of {who} {rest}"]
    for section in _sections(record):
        lines += ["", section.heading]
        lines += [f"- {item}" for item in section.items] or [section.nothing]
    return "\n".join(lines) + "\n"


def record_html(record: ParticipationRecord) -> str:
    """Render the record as a complete, printable HTML page.

    Args:
        record: The participation record.

    Returns:
        A standalone UTF-8 HTML document with print-friendly styles and no scripts.
    """
    title = _esc(record_title(record))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;"
        "line-height:1.5;color:#1a1a1a}.notice{border:2px solid #1a1a1a;padding:.5rem 1rem}"
        "@media print{body{margin:0}}</style></head><body>"
        f"<h1>{title}</h1>{record_body(record)}</body></html>\n"
    )


def record_filename(record: ParticipationRecord, suffix: str = "html") -> str:
    """Return a safe file name for the downloaded record.

    Args:
        record: The participation record.
        suffix: The file type: ``html`` or ``png``.

    Returns:
        For example ``participation-record-sam-rivera.html``.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", record.learner_name.lower()).strip("-")[:40]
    return f"participation-record{'-' + slug if slug else ''}.{suffix}"


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


PNG_WIDTH = 1240
"""Width of the record as an image: an A4 page at 150 dots per inch."""
PNG_DPI = 150
_MARGIN = 110
_INK = "#1A1A1A"
_MUTED = "#4D4D4D"
_PAPER = "#FFFFFF"
_BAND = "#0072B2"  # Okabe-Ito blue; white text on it contrasts 5.1:1
_PANEL = "#F2F2F2"


@lru_cache(maxsize=1)
def _palette() -> Any:
    """A palette image: blends from ink to paper, from the band colour to paper, and the panel."""
    from PIL import Image

    def rgb(colour: str) -> tuple[int, int, int]:
        return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)

    def blends(a: str, b: str, steps: int) -> list[tuple[int, int, int]]:
        ca, cb = rgb(a), rgb(b)
        return [
            tuple(round(x + (y - x) * i / (steps - 1)) for x, y in zip(ca, cb, strict=True))
            for i in range(steps)
        ]

    colours = [*blends(_INK, _PAPER, 24), *blends(_BAND, _PAPER, 12), *blends(_INK, _PANEL, 16)]
    colours += [*blends(_MUTED, _PAPER, 8), rgb(_PANEL)]
    palette = Image.new("P", (1, 1))
    palette.putpalette([v for colour in colours for v in colour])
    return palette


def _wrap_to_width(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Wrap text greedily into lines that fit, breaking a word only if it alone is too wide."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if fits(candidate):
            line = candidate
            continue
        if line:
            lines.append(line)
        while not fits(word) and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and not fits(word[:cut]):
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines or [""]


def record_png(record: ParticipationRecord) -> bytes:
    """Draw the record as a PNG image that says plainly it is self-reported.

    The image shows the same words as :func:`record_html` as real text, dark on white, on a
    page as wide as A4 at 150 dots per inch and as tall as the record needs. The whole text
    is also embedded in the file (a ``Description`` iTXt chunk), so it travels with the
    image as its text alternative.

    Args:
        record: The participation record.

    Returns:
        The PNG file's bytes.
    """
    from PIL import Image, ImageDraw, PngImagePlugin

    from engage.fonts import font

    text_width = PNG_WIDTH - 2 * _MARGIN
    ops: list[tuple[float, float, str, Any, str]] = []  # x, y, words, font, colour
    y = 150.0  # below the band with the course's name

    def block(
        words: str,
        size: int,
        *,
        bold: bool = False,
        indent: int = 0,
        colour: str = _INK,
        bullet: bool = False,
        right: int = 0,
    ) -> None:
        nonlocal y
        face = font(size, bold)
        step = round(size * 1.45)
        lines = _wrap_to_width(words, lambda t: face.getlength(t) <= text_width - indent - right)
        for i, line in enumerate(lines):
            if bullet and i == 0:
                ops.append((_MARGIN + indent - round(size * 1.1), y, "•", face, colour))
            ops.append((_MARGIN + indent, y, line, face, colour))
            y += step

    block(record_title(record), 40, bold=True)
    y += 24
    top = y
    y += 28
    block(SELF_REPORTED, 26, bold=True, indent=28, right=28)
    y += 10
    notice = (_MARGIN, top, PNG_WIDTH - _MARGIN, y)
    y += 40
    who, rest = _intro(record)
    block(f"Participation record of {who} {rest}", 26)
    for section in _sections(record):
        y += 30
        block(section.heading, 32, bold=True)
        y += 6
        for item in section.items:
            block(item, 26, indent=44, bullet=True)
        if not section.items:
            block(section.nothing, 26)
    y += 50
    footer = (
        f"Made by the {COURSE} course page on {record.made_at:%d %B %Y} from the learner's "
        "own saved progress. Self-reported: not checked by anyone."
    )
    block(footer, 20, colour=_MUTED)
    height = round(y + _MARGIN)

    image = Image.new("RGB", (PNG_WIDTH, height), _PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, PNG_WIDTH, 96], fill=_BAND)
    draw.text((_MARGIN, 48), COURSE.upper(), font=font(30, True), fill=_PAPER, anchor="lm")
    draw.rectangle(notice, fill=_PANEL, outline=_INK, width=4)
    for x, top_y, words, face, colour in ops:
        draw.text((x, top_y), words, font=face, fill=colour)

    info = PngImagePlugin.PngInfo()
    info.add_itxt("Title", record_title(record))
    info.add_itxt("Description", record_text(record))
    info.add_itxt("Software", f"{COURSE} course page")
    out = BytesIO()
    # Text on flat colours needs few colours: a fixed palette of the page's colours and
    # the blends between them keeps the anti-aliasing and cuts the file to about a third.
    image = image.quantize(palette=_palette(), dither=Image.Dither.NONE)
    image.save(out, format="PNG", pnginfo=info, dpi=(PNG_DPI, PNG_DPI))
    return out.getvalue()
