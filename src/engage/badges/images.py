"""Badge images drawn from an achievement: accessible SVG, and PNG through Pillow.

Both show the course name, the achievement's name and a label such as the track, as real
text, on a round badge. Colours come from the Okabe-Ito palette, which stays distinct for
the common kinds of colour blindness, and each track also has its own shape, so nothing
depends on colour alone. Text is dark on white, or whichever of black and white contrasts
most with a coloured band (at least 4.5:1, WCAG AA).
"""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass
from io import BytesIO
from xml.sax.saxutils import escape, quoteattr

from engage.fonts import font

SIZE = 400
"""Width and height of the badge, in SVG user units and PNG pixels."""

INK = "#1A1A1A"
PAPER = "#FFFFFF"
FONT_FAMILY = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class Look:
    """How one kind of badge is told apart: a palette colour and a shape."""

    colour: str
    shape: str


LOOKS: dict[str | None, Look] = {
    None: Look("#0072B2", "star"),  # course completion: blue
    "small-mid-rural": Look("#009E73", "triangle"),  # bluish green
    "large-urban": Look("#D55E00", "square"),  # vermillion
    "academic": Look("#CC79A7", "diamond"),  # reddish purple
}
"""Okabe-Ito colours and shapes by track (None: the whole course)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str, limit: int = 120) -> str:
    """Make text safe to draw: no control characters, one line, at most ``limit`` characters.

    Args:
        text: Text from content or from a learner.
        limit: The longest text kept; longer text is cut with an ellipsis.

    Returns:
        The cleaned text (still to be XML-escaped where it goes into SVG).
    """
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def relative_luminance(colour: str) -> float:
    """The WCAG relative luminance of a ``#RRGGBB`` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """The WCAG contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_on(background: str) -> str:
    """Black or white, whichever contrasts more with the background."""
    return max(("#000000", "#FFFFFF"), key=lambda c: contrast_ratio(c, background))


def look_for(track: str | None) -> Look:
    """The colour and shape of a track's badge (the course badge for None or unknown)."""
    return LOOKS.get(track, LOOKS[None])


@dataclass(frozen=True)
class BadgeText:
    """What a badge says; every field is plain text, escaped where it is drawn."""

    name: str
    course: str
    label: str
    track: str | None = None
    recipient: str | None = None

    def cleaned(self) -> BadgeText:
        """The same text with control characters removed and lengths limited."""
        return BadgeText(
            name=clean_text(self.name, 90),
            course=clean_text(self.course, 40),
            label=clean_text(self.label, 40),
            track=self.track,
            recipient=clean_text(self.recipient, 60) if self.recipient else None,
        )

    @property
    def title(self) -> str:
        """The accessible name of the image."""
        return f"{self.name} badge, {self.course}"

    @property
    def description(self) -> str:
        """The longer accessible description of the image."""
        parts = [f"Round badge for {self.name}, from the course {self.course}: {self.label}."]
        if self.recipient:
            parts.append(f"Awarded to {self.recipient}.")
        return " ".join(parts)


NAME_CENTRE = 207
"""Vertical centre of the achievement's name."""


def _name_lines(name: str) -> tuple[list[str], int]:
    """Wrap the achievement name into at most four lines and pick a font size that fits."""
    for size, width in ((26, 18), (22, 21), (19, 25), (17, 28)):
        lines = textwrap.wrap(name, width=width, break_long_words=True)
        if len(lines) <= 3 or (size == 17 and len(lines) <= 4):
            return lines, size
    return textwrap.wrap(name, width=28, break_long_words=True)[:4], 17


def _name_baselines(count: int, size: int) -> list[float]:
    line_height = size * 1.2
    first = NAME_CENTRE - (count - 1) * line_height / 2 + size * 0.35
    return [first + i * line_height for i in range(count)]


def _fit(text: str, size: float, width: float) -> str:
    """SVG attributes that squeeze a text to ``width`` when it is likely to be wider."""
    if len(text) * size * 0.6 <= width:
        return ""
    return f' textLength="{width:.0f}" lengthAdjust="spacingAndGlyphs"'


def _shape_points(shape: str, cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    if shape == "star":
        points = []
        for i in range(10):
            radius = r if i % 2 == 0 else r * 0.45
            angle = -math.pi / 2 + i * math.pi / 5
            points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
        return points
    if shape == "triangle":
        return [(cx, cy - r), (cx + r * 0.95, cy + r * 0.7), (cx - r * 0.95, cy + r * 0.7)]
    if shape == "square":
        s = r * 0.8
        return [(cx - s, cy - s), (cx + s, cy - s), (cx + s, cy + s), (cx - s, cy + s)]
    return [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)]  # diamond


RIBBON_TOP, RIBBON_BOTTOM = 262, 306
COURSE_Y, COURSE_SIZE = 96, 18
SHAPE_Y, SHAPE_R = 132, 18
AWARDED_Y, RECIPIENT_Y = 324, 344


def _ribbon_points() -> list[tuple[float, float]]:
    top, bottom, mid = RIBBON_TOP, RIBBON_BOTTOM, (RIBBON_TOP + RIBBON_BOTTOM) / 2
    return [(8, top), (392, top), (378, mid), (392, bottom), (8, bottom), (22, mid)]


def _label_size(label: str) -> int:
    return 19 if len(label) <= 28 else 16


def badge_svg(text: BadgeText) -> str:
    """Draw a badge as a standalone, accessible SVG document.

    The SVG has ``role="img"``, an ``aria-label``, a ``<title>`` and a ``<desc>``, and
    every word is a ``<text>`` element (not a path), so it can be read, searched and
    translated. Every text is XML-escaped, including a learner's name.

    Args:
        text: The badge's words; see :class:`BadgeText`.

    Returns:
        The SVG document as text (UTF-8 when saved).
    """
    t = text.cleaned()
    look = look_for(t.track)
    lines, size = _name_lines(t.name)
    shape = " ".join(
        f"{x:.1f},{y:.1f}" for x, y in _shape_points(look.shape, 200, SHAPE_Y, SHAPE_R)
    )
    ribbon = " ".join(f"{x:.0f},{y:.0f}" for x, y in _ribbon_points())
    label_size = _label_size(t.label)
    course = t.course.upper()
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" role="img" aria-labelledby="badge-title badge-desc" '
        f"aria-label={quoteattr(t.title)}>",
        f'<title id="badge-title">{escape(t.title)}</title>',
        f'<desc id="badge-desc">{escape(t.description)}</desc>',
        f'<g font-family="{FONT_FAMILY}" text-anchor="middle">',
        f'<circle cx="200" cy="200" r="194" fill="{look.colour}"/>',
        f'<circle cx="200" cy="200" r="170" fill="{PAPER}" stroke="{INK}" stroke-width="3"/>',
        f'<text x="200" y="{COURSE_Y}" font-size="{COURSE_SIZE}" font-weight="bold" '
        f'letter-spacing="1.5" fill="{INK}"{_fit(course, COURSE_SIZE + 1.5, 250)}>'
        f"{escape(course)}</text>",
        f'<polygon points="{shape}" fill="{look.colour}" stroke="{INK}" stroke-width="2.5" '
        'stroke-linejoin="round"/>',
        f'<text font-size="{size}" font-weight="bold" fill="{INK}">',
    ]
    for line, y in zip(lines, _name_baselines(len(lines), size), strict=True):
        out.append(f'<tspan x="200" y="{y:.1f}"{_fit(line, size, 290)}>{escape(line)}</tspan>')
    out += [
        "</text>",
        f'<polygon points="{ribbon}" fill="{look.colour}" stroke="{INK}" stroke-width="2.5" '
        'stroke-linejoin="round"/>',
        f'<text x="200" y="{(RIBBON_TOP + RIBBON_BOTTOM) / 2 + label_size * 0.36:.1f}" '
        f'font-size="{label_size}" font-weight="bold" fill="{text_colour_on(look.colour)}"'
        f"{_fit(t.label, label_size, 330)}>{escape(t.label)}</text>",
    ]
    if t.recipient:
        out += [
            f'<text x="200" y="{AWARDED_Y}" font-size="13" fill="{INK}">Awarded to</text>',
            f'<text x="200" y="{RECIPIENT_Y}" font-size="16" font-weight="bold" fill="{INK}"'
            f"{_fit(t.recipient, 16, 170)}>{escape(t.recipient)}</text>",
        ]
    out += ["</g>", "</svg>", ""]
    return "\n".join(out)


def badge_png(text: BadgeText, size: int = SIZE) -> bytes:
    """Draw the same badge as :func:`badge_svg` as a PNG, with Pillow only (no cairo).

    Args:
        text: The badge's words.
        size: Width and height in pixels.

    Returns:
        The PNG file's bytes (RGBA, transparent outside the badge).
    """
    from PIL import Image, ImageDraw

    t = text.cleaned()
    look = look_for(t.track)
    scale = 2 * size / SIZE  # draw at twice the size, then shrink: smooth edges

    def s(v: float) -> float:
        return v * scale

    def pts(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return [(s(x), s(y)) for x, y in points]

    canvas = round(s(SIZE))
    image = Image.new("RGBA", (canvas, canvas), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)

    def centred(
        y: float, words: str, font_size: float, fill: str, width: float, bold: bool = True
    ) -> None:
        px, smallest = round(s(font_size)), round(s(min(font_size, 11)))
        face = font(px, bold)
        while px > smallest and draw.textlength(words, font=face) > s(width):
            px -= 1
            face = font(px, bold)
        while len(words) > 4 and draw.textlength(words, font=face) > s(width):
            words = words[:-2].rstrip() + "…"
        draw.text((s(200), s(y)), words, font=face, fill=fill, anchor="ms")

    def outlined(points: list[tuple[float, float]]) -> None:
        draw.polygon(points, fill=look.colour)
        draw.line([*points, points[0], points[1]], fill=INK, width=round(s(2.5)), joint="curve")

    draw.ellipse([s(6), s(6), s(394), s(394)], fill=look.colour)
    draw.ellipse([s(30), s(30), s(370), s(370)], fill=PAPER, outline=INK, width=round(s(3)))
    centred(COURSE_Y, t.course.upper(), COURSE_SIZE, INK, 250)
    outlined(pts(_shape_points(look.shape, 200, SHAPE_Y, SHAPE_R)))
    lines, font_size = _name_lines(t.name)
    for line, y in zip(lines, _name_baselines(len(lines), font_size), strict=True):
        centred(y, line, font_size, INK, 290)
    outlined(pts(_ribbon_points()))
    label_size = _label_size(t.label)
    centred(
        (RIBBON_TOP + RIBBON_BOTTOM) / 2 + label_size * 0.36,
        t.label,
        label_size,
        text_colour_on(look.colour),
        330,
    )
    if t.recipient:
        centred(AWARDED_Y, "Awarded to", 13, INK, 170, bold=False)
        centred(RECIPIENT_Y, t.recipient, 16, INK, 170)
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
