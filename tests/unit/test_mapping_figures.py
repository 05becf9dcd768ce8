"""Tests for the mapping figures: built for 0, 1, 5 and 80 items, exported, described in words."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from engage.mapping import (
    ASSET_CATEGORIES,
    LEVELS,
    QUADRANTS,
    STRATEGIES,
    Asset,
    AssetMap,
    Partner,
    PartnerNetwork,
    Relationship,
    StakeholderGrid,
    StakeholderRating,
)
from engage.mapping.assets import category_count
from engage.mapping.figures import (
    CATEGORY_STYLE,
    LEVEL_STYLE,
    OKABE_ITO,
    QUADRANT_STYLE,
    Chart,
    asset_map_chart,
    figure_png,
    figure_svg,
    fit_label,
    partner_network_chart,
    stakeholder_change_chart,
    stakeholder_grid_chart,
    text_width,
)

REPO = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SIZES = [0, 1, 5, 80]
DPI = 30  # small renders keep the suite fast; layout does not depend on dpi


def make_assets(n: int) -> AssetMap:
    assets = [
        Asset(
            name=f"Community asset number {i} with a rather long descriptive name",
            category=ASSET_CATEGORIES[(i * 7) % len(ASSET_CATEGORIES) if n > 5 else i],
        )
        for i in range(n)
    ]
    links = [(assets[i].name, assets[(i * 3 + 1) % n].name) for i in range(0, n, 2)]
    return AssetMap(assets=assets, links=[(a, b) for a, b in links if a != b])


def make_grid(n: int) -> StakeholderGrid:
    ratings = []
    for i in range(n):
        name = f"Stakeholder {i} of the community"
        ratings.append(
            StakeholderRating(name=name, power=i % 5 + 1, interest=(i * 3) % 5 + 1, round="R1")
        )
        if i % 2 == 0:
            ratings.append(
                StakeholderRating(
                    name=name, power=(i + 2) % 5 + 1, interest=(i * 3 + 1) % 5 + 1, round="R2"
                )
            )
    return StakeholderGrid(ratings=ratings)


def make_network(n: int) -> PartnerNetwork:
    partners = [Partner(name=f"Partner organisation {i} of the coalition") for i in range(n)]
    relationships = {}
    for i in range(n if n > 2 else n - 1):
        j = (i + 1) % n
        relationships[frozenset((i, j))] = Relationship(
            a=partners[i].name, b=partners[j].name, level=LEVELS[i % 4]
        )
        if n > 10 and i % 3 == 0:
            k = (i + n // 2) % n
            relationships[frozenset((i, k))] = Relationship(
                a=partners[i].name, b=partners[k].name, level=LEVELS[(i + 1) % 4]
            )
    return PartnerNetwork(partners=partners, relationships=list(relationships.values()))


BUILDERS = {
    "assets": lambda n: (make_assets(n), asset_map_chart),
    "grid": lambda n: (make_grid(n), stakeholder_grid_chart),
    "change": lambda n: (make_grid(n), stakeholder_change_chart),
    "partners": lambda n: (make_network(n), partner_network_chart),
}
CASES = [(tool, n) for tool in BUILDERS for n in SIZES]


@pytest.fixture(scope="module")
def charts() -> dict[tuple[str, int], tuple[object, Chart]]:
    """Every chart of every tool at every size, built once for the module."""
    out = {}
    for tool, n in CASES:
        data, build = BUILDERS[tool](n)
        out[tool, n] = (data, build(data))
    return out


def all_texts(fig: Figure) -> list:
    texts = list(fig.texts)
    for ax in fig.axes:
        texts += ax.texts
    return texts


def figure_text(fig: Figure) -> str:
    return "\n".join(t.get_text() for t in all_texts(fig))


@pytest.mark.parametrize(("tool", "n"), CASES, ids=[f"{t}-{n}" for t, n in CASES])
def test_chart_builds_and_exports(charts, tool, n):
    """Does the chart build a Figure whose PNG has the PNG signature and whose SVG is XML?"""
    _, chart = charts[tool, n]
    assert isinstance(chart.figure, Figure)
    assert chart.figure.canvas.__class__.__name__ == "FigureCanvasAgg"
    png = chart.png(dpi=DPI)
    assert png.startswith(PNG_SIGNATURE)
    root = ET.fromstring(chart.svg())
    assert root.tag.endswith("svg")
    assert chart.alt_text and chart.title


@pytest.mark.parametrize("tool", list(BUILDERS))
def test_empty_charts_say_there_is_nothing_yet(charts, tool):
    """With no items, do the figure and its alt text both say there is nothing yet?"""
    _, chart = charts[tool, 0]
    assert "No " in figure_text(chart.figure) and "yet" in figure_text(chart.figure)
    assert chart.alt_text.startswith("No ")


@pytest.mark.parametrize("n", SIZES[1:])
def test_asset_alt_text_matches_the_counts(charts, n):
    """Does the asset alt text give the total, each category's count, the gaps and links?"""
    data, chart = charts["assets", n]
    counts = data.counts_by_category()
    assert chart.alt_text.startswith(f"{n} asset{'s' if n > 1 else ''}: ")
    for category in ASSET_CATEGORIES:
        if counts[category]:
            assert category_count(category, counts[category]) in chart.alt_text
    for gap in data.gaps():
        assert gap[:5] in chart.alt_text.split("yet")[0]
    links = len(data.links)
    assert (f"{links} link" in chart.alt_text) if links else ("No links yet." in chart.alt_text)


@pytest.mark.parametrize("n", SIZES[1:])
def test_grid_alt_text_matches_the_counts(charts, n):
    """Does the grid alt text give the number of stakeholders and each quadrant's count?"""
    data, chart = charts["grid", n]
    counts = data.counts_by_quadrant()
    assert chart.alt_text.startswith(f"{n} stakeholder{'s' if n > 1 else ''}: ")
    for q in QUADRANTS:
        if counts[q]:
            assert f"{counts[q]} to {STRATEGIES[q].lower()}" in chart.alt_text


@pytest.mark.parametrize("n", SIZES[1:])
def test_change_alt_text_matches_the_counts(charts, n):
    """Does the change alt text say how many of how many were rated more than once?"""
    data, chart = charts["change", n]
    moved = len(data.changes())
    assert chart.alt_text.startswith(f"{moved} of {n} stakeholder")
    assert "(R1 → R2)" in chart.alt_text


@pytest.mark.parametrize("n", SIZES[1:])
def test_partner_alt_text_matches_the_counts(charts, n):
    """Does the partner alt text give the partners, relationships and each level's count?"""
    data, chart = charts["partners", n]
    assert chart.alt_text.startswith(f"{n} partner{'s' if n > 1 else ''}")
    counts = data.counts_by_level()
    if data.relationships:
        assert f"and {len(data.relationships)} relationship" in chart.alt_text
        for level in LEVELS:
            if counts[level]:
                assert f"{counts[level]} {level}" in chart.alt_text


def test_crowded_charts_number_their_markers_with_a_table_of_names(charts):
    """With 80 stakeholders or partners, is every name in a numbered table beside the figure?"""
    for tool, count in (("grid", 80), ("partners", 80), ("change", 40)):
        _, chart = charts[tool, 80]
        table = "\n".join(t.get_text() for t in chart.figure.texts).splitlines()
        for i in (1, count):
            assert any(line.startswith(f"{i}. ") for line in table), (tool, i)
        numbers = [t.get_text() for ax in chart.figure.axes for t in ax.texts]
        assert str(count) in numbers, tool


def test_small_grid_writes_names_beside_markers():
    """With a few short names, are they written next to the markers, with no table?"""
    grid = StakeholderGrid(
        ratings=[
            StakeholderRating(name="Mayor", power=5, interest=2),
            StakeholderRating(name="Teens", power=1, interest=5),
            StakeholderRating(name="Friends", power=2, interest=5),
        ]
    )
    chart = stakeholder_grid_chart(grid)
    labels = [t.get_text() for t in chart.figure.axes[0].texts]
    assert {"Mayor", "Teens", "Friends"} <= set(labels)
    assert not any("1. " in t.get_text() for t in chart.figure.texts)


def test_long_asset_names_are_shortened_and_fonts_shrink(charts):
    """Are long names cut with an ellipsis, and is the font smaller for 80 assets than for 5?"""
    _, small = charts["assets", 5]
    _, big = charts["assets", 80]

    def label_sizes(chart: Chart) -> set[float]:
        return {
            t.get_fontsize() for t in chart.figure.axes[0].texts if "asset number" in t.get_text()
        }

    assert max(label_sizes(big)) < min(label_sizes(small))
    labels = [t.get_text() for t in big.figure.axes[0].texts if "asset number" in t.get_text()]
    assert labels and all(label.endswith("…") for label in labels)
    assert all(t.get_text().count("\n") == 0 for t in big.figure.axes[0].texts)


def test_asset_map_shows_every_category_even_empty_ones(charts):
    """Does the asset map head a column for every category, empty ones saying "none yet"?"""
    _, chart = charts["assets", 1]
    text = figure_text(chart.figure)
    for category in ASSET_CATEGORIES:
        assert category.capitalize() in text
    assert text.count("none yet") == len(ASSET_CATEGORIES) - 1


def test_names_are_never_read_as_mathtext():
    """Do names with dollar signs and backslashes draw as typed, without a mathtext error?"""
    tricky = "$5 club $\\notacommand{x}$ and \\alpha"
    amap = AssetMap(assets=[Asset(name=tricky, category="economic")])
    grid = StakeholderGrid(ratings=[StakeholderRating(name=tricky, power=3, interest=3)])
    net = PartnerNetwork(partners=[Partner(name=tricky), Partner(name="Library")])
    for chart in (asset_map_chart(amap), stakeholder_grid_chart(grid), partner_network_chart(net)):
        assert chart.png(dpi=DPI).startswith(PNG_SIGNATURE)
        drawn = [t.get_text().replace("\n", " ") for t in all_texts(chart.figure)]
        assert any(tricky in text for text in drawn)


def test_palette_is_okabe_ito_and_shapes_differ():
    """Are colours Okabe-Ito, and is each category, quadrant and level told apart beyond colour?"""
    palette = set(OKABE_ITO.values())
    for colour, _ in [*CATEGORY_STYLE.values(), *QUADRANT_STYLE.values()]:
        assert colour in palette
    assert OKABE_ITO["yellow"] not in {c for c, _ in CATEGORY_STYLE.values()}
    assert len({m for _, m in CATEGORY_STYLE.values()}) == len(CATEGORY_STYLE)
    assert len({m for _, m in QUADRANT_STYLE.values()}) == len(QUADRANT_STYLE)
    styles = [LEVEL_STYLE[level] for level in LEVELS]
    assert len({style for _, style, _ in styles}) == len(LEVELS)
    widths = [width for _, _, width in styles]
    assert widths == sorted(widths) and len(set(widths)) == len(widths)


def test_partner_lines_use_the_level_styles():
    """Is each relationship drawn with its level's line style and width?"""
    net = make_network(5)
    chart = partner_network_chart(net)
    drawn = sorted(
        (line.get_linestyle(), line.get_linewidth()) for line in chart.figure.axes[0].lines
    )
    expected = sorted((LEVEL_STYLE[r.level][1], LEVEL_STYLE[r.level][2]) for r in net.relationships)
    assert drawn == expected


def test_exports_carry_title_and_alt_text():
    """Do the PNG and SVG carry the chart's title and alt text as metadata?"""
    chart = asset_map_chart(make_assets(5))
    png = chart.png(dpi=DPI)
    assert b"Description" in png and chart.alt_text[:30].encode() in png
    svg = chart.svg().decode("utf-8")
    assert chart.title in svg and chart.alt_text[:30] in svg


def test_figure_png_and_svg_work_on_any_figure():
    """Do figure_png and figure_svg export a plain figure too?"""
    fig = Figure(figsize=(2, 1))
    fig.text(0.5, 0.5, "hello")
    assert figure_png(fig, dpi=DPI).startswith(PNG_SIGNATURE)
    assert ET.fromstring(figure_svg(fig)).tag.endswith("svg")


def test_charts_build_in_threads():
    """Can charts be built and rendered at once in several threads?"""
    jobs = [
        (asset_map_chart, make_assets(12)),
        (stakeholder_grid_chart, make_grid(12)),
        (stakeholder_change_chart, make_grid(6)),
        (partner_network_chart, make_network(12)),
    ] * 2

    def run(job):
        build, data = job
        return build(data).png(dpi=DPI)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, jobs))
    assert all(r.startswith(PNG_SIGNATURE) for r in results)


def test_fit_label_wraps_then_shortens():
    """Does a name wrap onto the lines allowed, and get an ellipsis only when it must?"""
    assert fit_label("Grange Hall", 2.0, 9) == ("Grange Hall", True)
    label, whole = fit_label("Eastgate Community Development Corporation", 2.4, 9, 3)
    assert whole and label.count("\n") == 1
    label, whole = fit_label("Eastgate Community Development Corporation", 1.0, 9, 1)
    assert not whole and label.endswith("…")
    assert text_width(label, 9) <= 1.0
    assert text_width("WWWW", 10) > text_width("iiii", 10)


def test_package_imports_fast_and_never_touches_pyplot():
    """Does importing engage.mapping leave matplotlib unloaded, and do charts avoid pyplot?"""
    code = (
        "import sys\n"
        "import engage.mapping as m\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported eagerly'\n"
        "chart = m.asset_map_chart(m.AssetMap(assets=[m.Asset(name='A', category='cultural')]))\n"
        "chart.png(dpi=20)\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\n"
        "for name in sys.modules:\n"
        "    assert not name.startswith(('ipywidgets', 'IPython')), name\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def marker_positions(chart: Chart) -> list[tuple[float, float]]:
    """Positions of the one-point markers drawn on the grid (quadrant keys left out)."""
    out = []
    for collection in chart.figure.axes[0].collections:
        for x, y in collection.get_offsets():
            if 0.5 <= y <= 5.5:  # the quadrant keys sit outside the rating range
                out.append((round(float(x), 3), round(float(y), 3)))
    return out


@pytest.mark.parametrize("count", [2, 9, 30])
def test_stakeholders_with_equal_ratings_do_not_sit_on_each_other(count):
    """With several stakeholders rated the same, is each marker at its own place in the cell?"""
    grid = StakeholderGrid(
        ratings=[StakeholderRating(name=f"Group {i}", power=3, interest=4) for i in range(count)]
    )
    positions = marker_positions(stakeholder_grid_chart(grid))
    assert len(positions) == count
    assert len(set(positions)) == count
    assert all(3.5 <= x <= 4.5 and 2.5 <= y <= 3.5 for x, y in positions)


def test_paths_over_the_same_cells_are_drawn_apart():
    """When two stakeholders move the same way, are their paths drawn apart?"""
    ratings = []
    for name in ("A", "B", "C"):
        ratings.append(StakeholderRating(name=name, power=2, interest=4, round="R1"))
        ratings.append(StakeholderRating(name=name, power=4, interest=4, round="R2"))
    positions = marker_positions(stakeholder_change_chart(StakeholderGrid(ratings=ratings)))
    assert len(positions) == 6
    assert len(set(positions)) == 6
