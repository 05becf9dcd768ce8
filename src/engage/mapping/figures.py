"""Figures of the asset map, stakeholder grid and partner network, each with its text alternative.

Figures are plain :class:`matplotlib.figure.Figure` objects on the Agg canvas: no pyplot and
no global state, so they build headless and in threads. Colours come from the Okabe-Ito
palette (safe for colour-blind readers) and are never the only cue: asset categories also
have their own marker shape and a labelled column, stakeholder quadrants a marker shape and
a labelled quadrant, relationship levels a line style and width.

Names are drawn as plain text (never as mathtext, so ``$`` is safe). Where names do not fit,
the asset map shortens them with an ellipsis; the stakeholder grid and partner network
switch to numbered markers with a table of full names beside the figure.
"""

from __future__ import annotations

import io
import itertools
import math
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Rectangle

from engage.mapping._text import clean_line, plural
from engage.mapping.assets import AssetCategory, AssetMap, asset_map_alt_text
from engage.mapping.partners import (
    LEVELS,
    PartnerNetwork,
    RelationshipLevel,
    partner_network_alt_text,
)
from engage.mapping.stakeholders import (
    HIGH_FROM,
    RATING_MAX,
    RATING_MIN,
    STRATEGIES,
    Quadrant,
    StakeholderGrid,
    stakeholder_change_alt_text,
    stakeholder_grid_alt_text,
)

try:  # matplotlib >= 3.10
    from matplotlib.ft2font import LoadFlags

    _NO_HINTING: Any = LoadFlags.NO_HINTING
except ImportError:  # pragma: no cover - older matplotlib
    from matplotlib.ft2font import LOAD_NO_HINTING as _NO_HINTING  # type: ignore[attr-defined]

__all__ = [
    "ASSET_BLOCKS",
    "CATEGORY_STYLE",
    "LEVEL_STYLE",
    "OKABE_ITO",
    "QUADRANT_STYLE",
    "Chart",
    "asset_map_chart",
    "figure_png",
    "figure_svg",
    "fit_label",
    "new_figure",
    "partner_network_chart",
    "stakeholder_change_chart",
    "stakeholder_grid_chart",
    "text_width",
]

OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "black": "#000000",
}
"""The Okabe-Ito palette, distinguishable with the common forms of colour blindness."""

CATEGORY_STYLE: dict[AssetCategory, tuple[str, str]] = {
    "individuals": (OKABE_ITO["orange"], "o"),
    "associations": (OKABE_ITO["sky blue"], "s"),
    "institutions": (OKABE_ITO["bluish green"], "^"),
    "physical": (OKABE_ITO["blue"], "D"),
    "economic": (OKABE_ITO["vermillion"], "P"),
    "cultural": (OKABE_ITO["reddish purple"], "*"),
}
"""Colour and marker shape of each asset category (yellow is left out: too pale on white)."""

ASSET_BLOCKS: tuple[tuple[AssetCategory, ...], ...] = (
    ("individuals", "associations", "institutions"),
    ("physical", "economic", "cultural"),
)
"""How the asset map arranges the categories: ABCD's three building blocks on top, the
extended categories below."""

QUADRANT_STYLE: dict[Quadrant, tuple[str, str]] = {
    "manage-closely": (OKABE_ITO["vermillion"], "D"),
    "keep-satisfied": (OKABE_ITO["blue"], "s"),
    "keep-informed": (OKABE_ITO["bluish green"], "^"),
    "monitor": (OKABE_ITO["orange"], "o"),
}
"""Colour and marker shape of each stakeholder quadrant."""

LEVEL_STYLE: dict[RelationshipLevel, tuple[str, str, float]] = {
    "networking": (OKABE_ITO["sky blue"], ":", 1.3),
    "coordinating": (OKABE_ITO["bluish green"], "--", 1.9),
    "cooperating": (OKABE_ITO["orange"], "-.", 2.7),
    "collaborating": (OKABE_ITO["vermillion"], "-", 3.8),
}
"""Colour, line style and line width of each relationship level (wider = more commitment)."""

TEXT = "#222222"
MUTED = "#5A5A5A"
BAND = "#F1F1F1"
TITLE_SIZE = 13.0


# --------------------------------------------------------------------------- text sizes


_font_lock = threading.Lock()


@lru_cache(maxsize=1)
def _font() -> FT2Font:
    font = FT2Font(findfont(FontProperties(family="DejaVu Sans")))
    font.set_size(100, 72)
    return font


@lru_cache(maxsize=4096)
def _advance(ch: str) -> float:
    """Advance width of one character at 1 pt (cached)."""
    with _font_lock:
        glyph = _font().load_char(ord(ch), flags=_NO_HINTING)
        return glyph.linearHoriAdvance / 65536 / 100


def text_width(text: str, fontsize: float, bold: bool = False) -> float:
    """Estimate the width of one line of text in inches (DejaVu Sans, the default font).

    Args:
        text: The text.
        fontsize: The size in points.
        bold: Whether it is set in bold.

    Returns:
        The width in inches, a few per cent generous.
    """
    points = sum(_advance(ch) for ch in text) * fontsize * (1.12 if bold else 1.04)
    return points / 72


def fit_label(text: str, width: float, fontsize: float, lines: int = 1) -> tuple[str, bool]:
    """Fit a name into a box: wrap it at spaces onto up to ``lines`` lines, then shorten.

    Args:
        text: The name.
        width: The box's width in inches.
        fontsize: The size in points.
        lines: The most lines to use.

    Returns:
        The label (lines joined by newlines) and whether it shows the whole name.
    """
    words = clean_line(text).split(" ")
    out: list[str] = []
    current = ""
    i = 0
    while i < len(words) and len(out) < lines:
        word = words[i]
        trial = f"{current} {word}" if current else word
        if text_width(trial, fontsize) <= width:
            current = trial
            i += 1
            continue
        if not current:  # one word wider than the box: cut it
            out.append(_shorten(word, width, fontsize))
            return "\n".join(out), False
        out.append(current)
        current = ""
    if current and len(out) < lines:
        out.append(current)
        current = ""
    if i >= len(words):
        return "\n".join(out), True
    rest = " ".join([out.pop(), *words[i:]]) if out else " ".join(words[i:])
    out.append(_shorten(rest, width, fontsize))
    return "\n".join(out), False


def _shorten(text: str, width: float, fontsize: float) -> str:
    if text_width(text, fontsize) <= width:
        return text
    cut = text
    while cut and text_width(cut.rstrip(" ,;:-") + "…", fontsize) > width:
        cut = cut[:-1]
    return (cut.rstrip(" ,;:-") or text[:1]) + "…"


# --------------------------------------------------------------------------- chart


def new_figure(width: float, height: float) -> Figure:
    """Create a figure on the Agg canvas, independent of pyplot.

    Args:
        width: Width in inches.
        height: Height in inches.

    Returns:
        The empty figure.
    """
    fig = Figure(figsize=(width, height), dpi=100, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def figure_png(fig: Figure, dpi: int = 150, metadata: dict[str, str] | None = None) -> bytes:
    """Render a figure as PNG.

    Args:
        fig: The figure.
        dpi: Resolution in dots per inch.
        metadata: PNG text chunks such as ``Title`` and ``Description``.

    Returns:
        The PNG file's bytes.
    """
    buffer = io.BytesIO()
    meta: dict[str, Any] = {"Software": None, **(metadata or {})}
    fig.savefig(buffer, format="png", dpi=dpi, metadata=meta)
    return buffer.getvalue()


def figure_svg(fig: Figure, metadata: dict[str, str] | None = None) -> bytes:
    """Render a figure as SVG (text drawn as paths, so it looks the same everywhere).

    Args:
        fig: The figure.
        metadata: SVG metadata such as ``Title`` and ``Description``.

    Returns:
        The SVG file's bytes (UTF-8 XML).
    """
    buffer = io.BytesIO()
    meta: dict[str, Any] = {"Date": None, **(metadata or {})}
    fig.savefig(buffer, format="svg", metadata=meta)
    return buffer.getvalue()


@dataclass(frozen=True, eq=False)
class Chart:
    """A figure with its title and its text alternative, generated from the same data.

    Attributes:
        figure: The matplotlib figure (Agg canvas).
        title: The figure's title.
        alt_text: What the figure shows, in words, for screen readers and text views.
    """

    figure: Figure
    title: str
    alt_text: str

    def png(self, dpi: int = 150) -> bytes:
        """Render as PNG, with the title and alt text in the file's metadata.

        Args:
            dpi: Resolution in dots per inch.

        Returns:
            The PNG file's bytes.
        """
        return figure_png(self.figure, dpi, {"Title": self.title, "Description": self.alt_text})

    def svg(self) -> bytes:
        """Render as SVG, with the title and alt text as the SVG's title and description.

        Returns:
            The SVG file's bytes.
        """
        return figure_svg(self.figure, {"Title": self.title, "Description": self.alt_text})


def _title(fig: Figure, title: str, height: float) -> None:
    fig.text(
        0.15 / fig.get_figwidth(),
        1 - 0.3 / height,
        title,
        fontsize=TITLE_SIZE,
        weight="bold",
        color=TEXT,
        va="center",
        parse_math=False,
    )


def _empty_chart(title: str, message: str, alt_text: str) -> Chart:
    fig = new_figure(7, 2.2)
    _title(fig, title, 2.2)
    fig.text(0.5, 0.42, message, ha="center", va="center", fontsize=11, color=MUTED, wrap=True)
    return Chart(figure=fig, title=title, alt_text=alt_text)


def _inch_axes(fig: Figure, width: float, height: float) -> Axes:
    """An invisible axes over the whole figure whose data units are inches, y pointing down."""
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    return ax


TABLE_COLUMN_IN = 3.4
"""Width of one column of a table of names beside a figure, in inches."""


@dataclass(frozen=True)
class _Table:
    """A table of numbered names beside a figure: entries wrapped onto at most two lines."""

    labels: tuple[str, ...]
    fontsize: float
    columns: int
    per_column: int

    @property
    def width(self) -> float:
        return self.columns * TABLE_COLUMN_IN

    def height(self) -> float:
        return 1.0 + self.per_column * self.fontsize * 1.4 / 72


def _table_entry(entry: str, fontsize: float) -> str:
    """Fit one table entry on a line, or on two with the second indented under the first."""
    width = TABLE_COLUMN_IN - 0.2
    if text_width(entry, fontsize) <= width:
        return entry
    words = entry.split(" ")
    taken = 1
    while taken < len(words) and text_width(" ".join(words[: taken + 1]), fontsize) <= width:
        taken += 1
    first = " ".join(words[:taken])
    if text_width(first, fontsize) > width:
        return _shorten(entry, width, fontsize)
    indent = "    "
    rest = _shorten(" ".join(words[taken:]), width - text_width(indent, fontsize), fontsize)
    return f"{first}\n{indent}{rest}"


def _table(entries: list[str], fontsize: float) -> _Table:
    labels = tuple(_table_entry(entry, fontsize) for entry in entries)
    total = sum(label.count("\n") + 1 for label in labels)
    columns = 1 if total <= 36 else 2 if total <= 90 else 3
    per_column = max(1, math.ceil(total / columns) + max(lb.count("\n") for lb in labels))
    return _Table(labels, fontsize, columns, per_column)


def _draw_table(fig: Figure, table: _Table, left: float, top: float) -> None:
    """Write the table's entries in columns, from ``left``/``top`` (inches) downwards.

    Each column is one multi-line text, which draws much faster than a text per entry.
    """
    height, width = fig.get_figheight(), fig.get_figwidth()
    columns: list[list[str]] = [[]]
    rows = 0
    for label in table.labels:
        lines = label.count("\n") + 1
        if rows + lines > table.per_column and rows:
            columns.append([])
            rows = 0
        columns[-1].append(label)
        rows += lines
    for col, labels in enumerate(columns):
        fig.text(
            (left + col * TABLE_COLUMN_IN) / width,
            1 - top / height,
            "\n".join(labels),
            fontsize=table.fontsize,
            color=TEXT,
            va="top",
            linespacing=1.2,
            parse_math=False,
        )


# --------------------------------------------------------------------------- assets


ASSET_ROWS_PER_COLUMN = 20
"""Assets of one category beyond this many wrap into a further column."""


def asset_map_chart(amap: AssetMap, *, title: str = "Community assets by category") -> Chart:
    """Draw the assets grouped by category, one labelled column each, with faint links.

    The three ABCD building blocks (individuals, associations, institutions) form the top
    row and the extended categories the bottom row. Every category has a column, so empty
    categories (gaps) show as "none yet". Long names are shortened with an ellipsis; fonts
    shrink and columns wrap as the map grows.

    Args:
        amap: The asset map.
        title: The figure's title.

    Returns:
        The chart and its text alternative.
    """
    alt = asset_map_alt_text(amap)
    if not amap.assets:
        return _empty_chart(title, "No assets yet: add your first asset to see the map.", alt)

    groups = amap.by_category()
    per_col = ASSET_ROWS_PER_COLUMN
    subcols = {c: max(1, math.ceil(len(groups[c]) / per_col)) for c in groups}
    block_rows = [
        max(1, min(per_col, max(len(groups[c]) for c in block))) for block in ASSET_BLOCKS
    ]
    most = max(block_rows)
    fontsize = 9.0 if most <= 10 else 8.0
    row_h = 0.27 if most <= 10 else 0.22
    band_w, gap, header_h, title_h, foot_h, margin = 3.2, 0.12, 0.42, 0.6, 0.4, 0.15
    width = max(
        2 * margin + sum(subcols[c] for c in block) * band_w + (len(block) - 1) * gap
        for block in ASSET_BLOCKS
    )
    height = title_h + sum(header_h + rows * row_h + 0.25 for rows in block_rows) + foot_h
    fig = new_figure(width, height)
    _title(fig, title, height)
    ax = _inch_axes(fig, width, height)
    marker_size = 48 if most <= 10 else 34

    positions: dict[str, tuple[float, float, AssetCategory]] = {}
    y0 = title_h
    for block, rows in zip(ASSET_BLOCKS, block_rows, strict=True):
        x0 = margin
        band_h = header_h + rows * row_h + 0.1
        for category in block:
            colour, marker = CATEGORY_STYLE[category]
            span = subcols[category] * band_w
            assets = groups[category]
            ax.add_patch(Rectangle((x0, y0), span, band_h, color=BAND, lw=0, zorder=0))
            ax.scatter(
                [x0 + 0.17],
                [y0 + header_h / 2],
                s=80,
                marker=marker,
                color=colour,
                edgecolors=TEXT,
                linewidths=0.6,
                zorder=3,
            )
            ax.text(
                x0 + 0.34,
                y0 + header_h / 2,
                f"{category.capitalize()} ({len(assets)})",
                va="center",
                fontsize=fontsize + 1.5,
                weight="bold",
                color=TEXT,
            )
            if not assets:
                ax.text(
                    x0 + 0.17,
                    y0 + header_h + row_h / 2,
                    "none yet",
                    va="center",
                    fontsize=fontsize,
                    style="italic",
                    color=MUTED,
                )
            xs, ys = [], []
            for i, asset in enumerate(assets):
                x = x0 + 0.17 + (i // per_col) * band_w
                y = y0 + header_h + (i % per_col + 0.5) * row_h
                positions[asset.name] = (x, y, category)
                xs.append(x)
                ys.append(y)
                label, _ = fit_label(asset.name, band_w - 0.42, fontsize)
                ax.text(
                    x + 0.14,
                    y,
                    label,
                    va="center",
                    fontsize=fontsize,
                    color=TEXT,
                    zorder=4,
                    parse_math=False,
                    bbox={"boxstyle": "square,pad=0.05", "fc": BAND, "ec": "none", "alpha": 0.8},
                )
            if xs:
                ax.scatter(
                    xs,
                    ys,
                    s=marker_size,
                    marker=marker,
                    color=colour,
                    edgecolors=TEXT,
                    linewidths=0.5,
                    zorder=3,
                )
            x0 += span + gap
        y0 += band_h + 0.15

    alpha = 0.5 if len(amap.links) <= 20 else 0.3
    for a, b in amap.links:
        xa, ya, _ = positions[a]
        xb, yb, _ = positions[b]
        rad = 0.3 if xa == xb else 0.0
        ax.add_patch(
            FancyArrowPatch(
                (xa, ya),
                (xb, yb),
                arrowstyle="-",
                connectionstyle=f"arc3,rad={rad}",
                color="#444444",
                alpha=alpha,
                lw=0.9,
                shrinkA=4,
                shrinkB=4,
                zorder=1,
            )
        )
    note = f"{plural(len(amap.assets), 'asset')}; {plural(len(amap.links), 'link')}"
    if amap.links:
        note += " (the faint lines)"
    gaps = amap.gaps()
    if gaps:
        note += "; nothing yet under " + ", ".join(gaps)
    ax.text(margin, height - foot_h / 2, note, fontsize=9, color=MUTED, va="center")
    return Chart(figure=fig, title=title, alt_text=alt)


# --------------------------------------------------------------------------- stakeholders


_GRID_MIN = RATING_MIN - 0.5
_GRID_MAX = RATING_MAX + 0.5
_SPLIT = HIGH_FROM - 0.5
_LABEL_ROOM = 0.5
_GRID_IN = 6.0
"""Side of the power/interest grid in inches."""


def _grid_axes(fig: Figure, fontsize: float) -> Axes:
    """The power/interest grid: quadrants shaded and named, cells outlined, axes labelled."""
    width, height = fig.get_figwidth(), fig.get_figheight()
    ax = fig.add_axes(
        (0.8 / width, 1 - (0.75 + _GRID_IN) / height, _GRID_IN / width, _GRID_IN / height)
    )
    low, high = _GRID_MIN - _LABEL_ROOM, _GRID_MAX + _LABEL_ROOM
    ax.set_xlim(_GRID_MIN, _GRID_MAX)
    ax.set_ylim(low, high)
    spans = {
        "manage-closely": ((_SPLIT, _GRID_MAX), (_SPLIT, high)),
        "keep-satisfied": ((_GRID_MIN, _SPLIT), (_SPLIT, high)),
        "keep-informed": ((_SPLIT, _GRID_MAX), (low, _SPLIT)),
        "monitor": ((_GRID_MIN, _SPLIT), (low, _SPLIT)),
    }
    for q, ((x0, x1), (y0, y1)) in spans.items():
        colour, marker = QUADRANT_STYLE[q]
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, color=colour, alpha=0.08, lw=0))
        y = high - 0.25 if y1 == high else low + 0.25
        ax.scatter(
            [x0 + 0.17],
            [y],
            s=50,
            marker=marker,
            color=colour,
            edgecolors=TEXT,
            linewidths=0.5,
            zorder=3,
        )
        ax.text(
            x0 + 0.32,
            y,
            STRATEGIES[q],
            va="center",
            fontsize=fontsize + 1.5,
            weight="bold",
            color=TEXT,
        )
    for edge in [v + 0.5 for v in range(RATING_MIN, RATING_MAX)]:
        ax.axvline(edge, color="#D8D8D8", lw=0.6, zorder=0.5)
        ax.axhline(edge, color="#D8D8D8", lw=0.6, zorder=0.5)
    ax.axvline(_SPLIT, color=MUTED, lw=1.2, ls="--", zorder=1)
    ax.axhline(_SPLIT, color=MUTED, lw=1.2, ls="--", zorder=1)
    ticks = list(range(RATING_MIN, RATING_MAX + 1))
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.tick_params(labelsize=fontsize + 0.5, colors=TEXT, length=0)
    ax.set_xlabel(
        f"Interest ({RATING_MIN} = little, {RATING_MAX} = a great deal)", fontsize=fontsize + 1
    )
    ax.set_ylabel(
        f"Power ({RATING_MIN} = little, {RATING_MAX} = a great deal)", fontsize=fontsize + 1
    )
    for spine in ax.spines.values():
        spine.set_color(MUTED)
    return ax


def _cell_offsets(count: int) -> list[tuple[float, float]]:
    """Spread ``count`` points over one grid cell so that none sits on another."""
    if count == 1:
        return [(0.0, 0.0)]
    cols = math.ceil(math.sqrt(count))
    rows = math.ceil(count / cols)
    step = min(0.3, 0.84 / max(cols, rows))
    out = []
    for i in range(count):
        r, c = divmod(i, cols)
        out.append(((c - (cols - 1) / 2) * step, ((rows - 1) / 2 - r) * step))
    return out


_DIRECT_MAX = 12
"""Stakeholder grids with more people than this always use numbered markers."""


def stakeholder_grid_chart(
    grid: StakeholderGrid,
    *,
    round_label: str | None = None,
    title: str = "Stakeholders by power and interest",
) -> Chart:
    """Draw the power/interest grid with each stakeholder placed in their quadrant.

    Each rating is a cell of the grid; stakeholders in the same cell are spread over it.
    Names are written beside their markers when there are at most 12 stakeholders, at most
    two per cell, and every name fits; otherwise markers are numbered and a table of names
    (with their ratings) stands beside the grid.

    Args:
        grid: The stakeholder grid.
        round_label: Show the ratings of this round; each stakeholder's latest if None.
        title: The figure's title.

    Returns:
        The chart and its text alternative.
    """
    shown = grid.latest() if round_label is None else grid.in_round(round_label)
    if round_label:
        title = f"{title} ({round_label})"
    alt = stakeholder_grid_alt_text(grid, shown)
    if not shown:
        return _empty_chart(
            title, "No stakeholders yet: rate your first stakeholder to see the grid.", alt
        )
    cells: dict[tuple[int, int], list[int]] = {}
    for i, rating in enumerate(shown):
        cells.setdefault((rating.interest, rating.power), []).append(i)
    fontsize = 8.0 if len(shown) <= 40 else 7.0
    unit = _GRID_IN / (_GRID_MAX - _GRID_MIN)
    labels: dict[int, str] = {}
    direct = len(shown) <= _DIRECT_MAX and max(len(v) for v in cells.values()) <= 2
    if direct:
        for members in cells.values():
            for i in members:
                label, whole = fit_label(shown[i].name, 0.76 * unit, fontsize, 3 - len(members))
                labels[i] = label
                direct = direct and whole

    base_w, base_h = _GRID_IN + 1.1, _GRID_IN + 1.25
    table = None
    if direct:
        width, height = base_w, base_h
    else:
        table = _table(
            [
                "P = power, I = interest (1 to 5)",
                *(f"{i + 1}. {r.name} (P{r.power}, I{r.interest})" for i, r in enumerate(shown)),
            ],
            fontsize,
        )
        width, height = base_w + table.width, max(base_h, table.height())
    fig = new_figure(width, height)
    _title(fig, title, height)
    ax = _grid_axes(fig, fontsize)

    for (x, y), members in cells.items():
        if direct:
            offsets = [(-0.38, 0.0)] if len(members) == 1 else [(-0.38, 0.2), (-0.38, -0.2)]
        else:
            offsets = _cell_offsets(len(members))
        size = 60 if len(members) <= 4 else 36 if len(members) <= 9 else 20
        for i, (dx, dy) in zip(members, offsets, strict=True):
            rating = shown[i]
            colour, marker = QUADRANT_STYLE[rating.quadrant]
            ax.scatter(
                [x + dx],
                [y + dy],
                s=size,
                marker=marker,
                color=colour,
                edgecolors=TEXT,
                linewidths=0.5,
                zorder=4,
            )
            text, offset = (labels[i], (6, 0)) if direct else (str(i + 1), (3, 3))
            ax.annotate(
                text,
                (x + dx, y + dy),
                xytext=offset,
                textcoords="offset points",
                va="center" if direct else "bottom",
                fontsize=fontsize if direct else fontsize - 0.5,
                linespacing=1.0,
                color=TEXT,
                zorder=5,
                parse_math=False,
            )
    if table is not None:
        _draw_table(fig, table, base_w, 0.75)
    return Chart(figure=fig, title=title, alt_text=alt)


def _spread(index: int) -> tuple[float, float]:
    """A small, distinct offset for the index-th path, so paths over the same cells separate."""
    if index == 0:
        return (0.0, 0.0)
    angle = index * 2.399963  # the golden angle spreads points evenly
    radius = min(0.32, 0.09 * math.sqrt(index))
    return (radius * math.cos(angle), radius * math.sin(angle))


def stakeholder_change_chart(
    grid: StakeholderGrid, *, title: str = "How stakeholders moved between rounds"
) -> Chart:
    """Draw arrows from each stakeholder's first rating to their latest, through any between.

    Only stakeholders rated in two or more rounds are drawn. Each path is numbered, with a
    table of names and ratings beside the grid; a hollow circle is the first rating and a
    filled marker, shaped by quadrant, the latest.

    Args:
        grid: The stakeholder grid.
        title: The figure's title.

    Returns:
        The chart and its text alternative.
    """
    alt = stakeholder_change_alt_text(grid)
    changes = grid.changes()
    if not changes:
        message = (
            "No stakeholders yet."
            if not grid.ratings
            else "Nobody has been rated twice yet: rate a stakeholder again in a new round."
        )
        return _empty_chart(title, message, alt)
    fontsize = 8.0 if len(changes) <= 40 else 7.0
    base_w, base_h = _GRID_IN + 1.1, _GRID_IN + 1.6
    entries = ["P = power, I = interest; first → latest rating"]
    for n, change in enumerate(changes):
        steps = " → ".join(f"P{r.power} I{r.interest}" for r in change.ratings)
        entries.append(f"{n + 1}. {change.name}: {steps}")
    table = _table(entries, fontsize)
    width, height = base_w + table.width, max(base_h, table.height())
    fig = new_figure(width, height)
    _title(fig, title, height)
    ax = _grid_axes(fig, fontsize)

    for n, change in enumerate(changes):
        dx, dy = _spread(n)
        points = [(r.interest + dx, r.power + dy) for r in change.ratings]
        colour, marker = QUADRANT_STYLE[change.last.quadrant]
        first_colour, _ = QUADRANT_STYLE[change.first.quadrant]
        ax.scatter(
            [points[0][0]],
            [points[0][1]],
            s=42,
            marker="o",
            facecolors="white",
            edgecolors=first_colour,
            linewidths=1.3,
            zorder=4,
        )
        for start, end in itertools.pairwise(points):
            if start == end:
                continue
            ax.add_patch(
                FancyArrowPatch(
                    start,
                    end,
                    arrowstyle="-|>",
                    mutation_scale=11,
                    color=TEXT,
                    alpha=0.75,
                    lw=1.1,
                    shrinkA=4,
                    shrinkB=5,
                    zorder=3,
                )
            )
        ax.scatter(
            [points[-1][0]],
            [points[-1][1]],
            s=52,
            marker=marker,
            color=colour,
            edgecolors=TEXT,
            linewidths=0.5,
            zorder=5,
        )
        ax.annotate(
            str(n + 1),
            points[-1],
            xytext=(3, 3),
            textcoords="offset points",
            fontsize=fontsize - 0.5,
            color=TEXT,
            zorder=6,
        )

    handles = [
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            markerfacecolor="white",
            markeredgecolor=TEXT,
            label="first rating",
        ),
        Line2D([], [], marker="D", ls="", color=TEXT, label="latest rating (shape = quadrant)"),
        Line2D([], [], color=TEXT, marker=">", markevery=[1], label="change"),
    ]
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(-0.1, -0.09),
        ncol=3,
        fontsize=fontsize,
        frameon=False,
    )
    _draw_table(fig, table, base_w, 0.75)
    return Chart(figure=fig, title=title, alt_text=alt)


# --------------------------------------------------------------------------- partners


def partner_network_chart(
    network: PartnerNetwork, *, title: str = "Partners and how closely they work together"
) -> Chart:
    """Draw the partners on a circle, joined by lines styled by relationship level.

    Line style and width show the level (dotted networking, dashed coordinating,
    dash-dot cooperating, solid and widest collaborating), with colour as a second cue.
    Up to 16 partners are named around the circle when every name fits (on up to three
    lines); otherwise the partners are numbered, with a table of names beside the circle.

    Args:
        network: The partner network.
        title: The figure's title.

    Returns:
        The chart and its text alternative.
    """
    alt = partner_network_alt_text(network)
    if not network.partners:
        return _empty_chart(
            title, "No partners yet: add your first partner to see the network.", alt
        )
    n = len(network.partners)
    fontsize = 9.0 if n <= 16 else 8.0 if n <= 40 else 7.0
    label_w = 1.6
    labels: list[str] = []
    named = n <= 16
    if named:
        for partner in network.partners:
            label, whole = fit_label(partner.name, label_w, fontsize, 3)
            labels.append(label)
            named = named and whole
    table = None
    if named:
        # the circle's radius is 1; labels need label_w and a little more beside it
        circle_in = 7.4
        x_limit = 1.0 / (1.0 - 2 * (label_w + 0.15) / circle_in) + 0.02
        room = 0.6  # three lines of label above the top node and below the bottom one
    else:
        circle_in = 6.6
        x_limit = 1.12
        room = 0.25
        table = _table([f"{i + 1}. {p.name}" for i, p in enumerate(network.partners)], fontsize)
    radius_in = circle_in / (2 * x_limit)
    axes_h = 2 * (radius_in + room)
    top, bottom = 0.6, 0.8
    width = circle_in + (table.width if table else 0.0)
    height = max(top + axes_h + bottom, table.height() if table else 0.0)
    fig = new_figure(width, height)
    _title(fig, title, height)
    ax = fig.add_axes((0, 1 - (top + axes_h) / height, circle_in / width, axes_h / height))
    ax.set_axis_off()
    ax.set_xlim(-x_limit, x_limit)
    y_limit = (radius_in + room) / radius_in
    ax.set_ylim(-y_limit, y_limit)
    ax.set_aspect("equal")

    where: dict[str, tuple[float, float, float]] = {}
    for i, partner in enumerate(network.partners):
        angle = math.pi / 2 - 2 * math.pi * i / n
        radius = 0.0 if n == 1 else 1.0
        where[partner.name] = (radius * math.cos(angle), radius * math.sin(angle), angle)

    alpha = 0.9 if len(network.relationships) <= 40 else 0.6
    for level in LEVELS:
        colour, style, lw = LEVEL_STYLE[level]
        for rel in network.relationships:
            if rel.level == level:
                (xa, ya, _), (xb, yb, _) = where[rel.a], where[rel.b]
                ax.add_line(
                    Line2D(
                        [xa, xb],
                        [ya, yb],
                        color=colour,
                        ls=style,
                        lw=lw,
                        alpha=alpha,
                        zorder=1 + LEVELS.index(level),
                        solid_capstyle="round",
                    )
                )

    degree = network.degree()
    ax.scatter(
        [where[p.name][0] for p in network.partners],
        [where[p.name][1] for p in network.partners],
        s=[(80 if n <= 24 else 40) + 14 * min(degree[p.name], 8) for p in network.partners],
        color="white",
        edgecolors=TEXT,
        linewidths=1.3,
        zorder=10,
    )
    for i, partner in enumerate(network.partners):
        x, y, angle = where[partner.name]
        text = labels[i] if named else str(i + 1)
        if n == 1:
            ax.text(
                0,
                -0.12,
                text,
                ha="center",
                va="top",
                fontsize=fontsize,
                color=TEXT,
                parse_math=False,
            )
            continue
        cos, sin = math.cos(angle), math.sin(angle)
        ha = "center" if abs(cos) < 0.25 else "left" if cos > 0 else "right"
        va = "center" if abs(sin) < 0.5 else "bottom" if sin > 0 else "top"
        gap = 0.09 if named else 0.08
        ax.text(
            x + gap * cos,
            y + gap * sin,
            text,
            ha=ha,
            va=va,
            fontsize=fontsize,
            color=TEXT,
            linespacing=1.0,
            zorder=11,
            parse_math=False,
        )

    handles = [
        Line2D(
            [], [], color=LEVEL_STYLE[lv][0], ls=LEVEL_STYLE[lv][1], lw=LEVEL_STYLE[lv][2], label=lv
        )
        for lv in LEVELS
    ]
    fig.legend(
        handles=handles,
        loc="lower left",
        ncol=4,
        fontsize=9,
        frameon=False,
        title="Relationship, from least to most shared commitment",
        title_fontsize=9,
        bbox_to_anchor=(0.1 / width, 0.05 / height),
        handlelength=3.2,
    )
    if table is not None:
        _draw_table(fig, table, circle_in + 0.1, 0.75)
    return Chart(figure=fig, title=title, alt_text=alt)
