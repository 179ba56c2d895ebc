"""Trend charts of an indicator over the years: SVG for pages, PNG for Word documents.

Drawn with matplotlib's object API on the Agg backend (no pyplot state, safe in a web
server). The output holds no dates and uses a fixed SVG id salt, so the same figures
always give the same bytes. Lines differ by style and marker as well as colour.
"""
from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from tracker.indicators.ratios import NON_ADVERSE_RANGE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

RC = {"svg.hashsalt": "wres-tracker", "svg.fonttype": "none", "font.size": 10, "font.family": "DejaVu Sans"}
COLOURS = {"all": "#005eb8", "bme": "#005eb8", "white": "#425563"}
MARKERS = {"all": "o", "bme": "o", "white": "s"}
SIZE_INCHES = (8.0, 4.5)
#: Word charts: drawn at the size they are printed, two to an A4 landscape page (fonts print at their size).
WORD_SIZE_INCHES = (9.6, 3.1)
PNG_DPI = 150
MARKER_SIZE = 6
LABEL_SIZE = 8
X_PADDING = 0.5
MAX_YEAR_TICKS = 12
SINGLE_YEAR_SHIFT = 0.06


@dataclass(frozen=True)
class Series:
    """One line: the trust's or the national figures of one group, by year."""

    label: str
    points: tuple[tuple[int, float | None], ...]
    group: str = "all"
    national: bool = False


@dataclass(frozen=True)
class Chart:
    """What to draw for one indicator."""

    title: str
    unit: str
    series: tuple[Series, ...]
    reference: float | None = None
    reference_label: str = ""
    non_adverse_range: bool = False

    @property
    def has_data(self) -> bool:
        """Whether any line has a figure."""
        return any(value is not None for line in self.series for _year, value in line.points)


def _plot(axes, line: Series, shift: float = 0.0) -> None:
    years = [year + shift for year, _value in line.points]
    values = [math.nan if value is None else value for _year, value in line.points]
    colour = COLOURS.get(line.group, COLOURS["all"])
    axes.plot(years, values, label=line.label, color=colour, linestyle="--" if line.national else "-",
              marker="^" if line.national else MARKERS.get(line.group, "o"), markersize=MARKER_SIZE,
              markerfacecolor="white" if line.national else colour, linewidth=1.5 if line.national else 2.5)


def _shift(chart: Chart, line: Series) -> float:
    """How far right a line's markers are drawn: the national ones a little, when every figure is of one year.

    With one year the trust's and the national markers would sit on top of each other.
    """
    years = {year for year, _value in _points(chart, shifted=False)}
    return SINGLE_YEAR_SHIFT if line.national and len(years) == 1 else 0.0


def _points(chart: Chart, shifted: bool = True) -> list[tuple[float, float]]:
    """Every marker drawn: (year, value) of each figure of each line."""
    return [(year + (_shift(chart, line) if shifted else 0.0), value)
            for line in chart.series for year, value in line.points if value is not None]


def _years_axis(axes, chart: Chart) -> None:
    """Ticks on the years drawn, half a year of room either side (one year: just that year)."""
    from matplotlib.ticker import MaxNLocator

    years = sorted({int(year) for year, _value in _points(chart, shifted=False)})
    if not years:
        return
    first, last = years[0], years[-1]
    axes.set_xlim(first - X_PADDING, last + X_PADDING)
    if last - first <= MAX_YEAR_TICKS:
        axes.set_xticks(range(first, last + 1))
    else:
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))


def _label(axes, chart: Chart) -> None:
    """Each trust figure written by its marker, where it covers no marker, label or line.

    Positions are compared in points on the finished layout. Tried in order: above, below,
    right, left, then further above and below; when every spot covers something, the one
    covering least (a marker counts far more than a line) is used.
    """
    to_points = 72 / axes.figure.dpi
    box = axes.get_window_extent()
    inside = (box.x0 * to_points, box.y0 * to_points, box.x1 * to_points, box.y1 * to_points)

    def where(year: float, value: float) -> tuple[float, float]:
        x, y = axes.transData.transform((year, value)) * to_points
        return float(x), float(y)

    radius = MARKER_SIZE / 2 + 1
    markers = [_square(*where(year, value), radius) for year, value in _points(chart)]
    lines = [_square(*where(year, value), 1.5) for year, value in _along_lines(chart)]
    left, right = axes.get_xlim()
    for level in _reference_levels(chart):
        lines += [_square(*where(left + (right - left) * i / 200, level), 1.5) for i in range(201)]
    placed: list[tuple[float, float, float, float]] = []
    for line in chart.series:
        if line.national:
            continue
        colour = COLOURS.get(line.group, COLOURS["all"])
        for year, value in line.points:
            if value is None:
                continue
            text = f"{value:.2f}"
            offset, align, spot = _clear_spot(*where(year, value), text, (markers + placed, lines), inside)
            placed.append(spot)
            axes.annotate(text, (year, value), textcoords="offset points", xytext=offset, ha=align, va="bottom",
                          fontsize=LABEL_SIZE, color=colour,
                          bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})


def _reference_levels(chart: Chart) -> list[float]:
    """The heights of the horizontal reference lines drawn across the chart."""
    return ([1.0] if chart.non_adverse_range else []) + ([chart.reference] if chart.reference is not None else [])


def _square(x: float, y: float, radius: float) -> tuple[float, float, float, float]:
    return (x - radius, y - radius, x + radius, y + radius)


def _along_lines(chart: Chart, steps: int = 24) -> list[tuple[float, float]]:
    """Points along every drawn segment, so labels can keep off the lines too."""
    points = []
    for line in chart.series:
        for (x0, y0), (x1, y1) in zip(line.points, line.points[1:]):
            if y0 is None or y1 is None:
                continue
            points += [(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps) for i in range(1, steps)]
    return points


def _text_size(text: str) -> tuple[float, float]:
    """A generous width and height, in points, of a figure written at LABEL_SIZE."""
    return len(text) * LABEL_SIZE * 0.62, LABEL_SIZE * 1.2


def _clear_spot(x: float, y: float, text: str, taken: tuple[list, list], inside: tuple):
    """The offset (points), alignment and box of the best place for a label at (x, y)."""
    width, height = _text_size(text)
    gap = MARKER_SIZE / 2 + 2
    candidates = (((0, gap), "center"), ((0, -gap - height), "center"),
                  ((gap + 1, -height / 2), "left"), ((-gap - 1, -height / 2), "right"),
                  ((0, gap + height), "center"), ((0, -gap - 2 * height), "center"))
    solid, soft = taken
    best = None
    for (dx, dy), align in candidates:
        left = x + dx - (width / 2 if align == "center" else (0 if align == "left" else width))
        spot = (left, y + dy, left + width, y + dy + height)
        within = inside[0] <= spot[0] and spot[2] <= inside[2] and inside[1] <= spot[1] and spot[3] <= inside[3]
        cost = (0 if within else 1000) + 100 * sum(_overlap(spot, o) for o in solid) + sum(
            _overlap(spot, o) for o in soft)
        if best is None or cost < best[0]:
            best = (cost, (dx, dy), align, spot)
        if cost == 0:
            break
    return best[1], best[2], best[3]


def _overlap(a: tuple, b: tuple) -> bool:
    """Whether two (x0, y0, x1, y1) boxes overlap."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _references(axes, chart: Chart) -> None:
    if chart.non_adverse_range:
        low, high = NON_ADVERSE_RANGE
        axes.axhspan(low, high, color="#e8edee", label=f"Non-adverse range {low:.2f} to {high:.2f}", zorder=0)
        axes.axhline(1.0, color="#212b32", linestyle=":", linewidth=1, label="1.00 = equal likelihood")
    if chart.reference is not None:
        axes.axhline(chart.reference, color="#212b32", linestyle="-.", linewidth=1, label=chart.reference_label)


def _top(chart: Chart) -> float:
    """The highest figure drawn, so the axis leaves room for the labels above the points."""
    values = [value for line in chart.series for _year, value in line.points if value is not None]
    if chart.reference is not None:
        values.append(chart.reference)
    if chart.non_adverse_range:
        values.append(NON_ADVERSE_RANGE[1])
    return max(values, default=0)


def _matplotlib():
    """matplotlib, imported on first use so the app and its commands start quickly."""
    import matplotlib

    matplotlib.use("Agg")
    return matplotlib


def figure(chart: Chart, size: tuple[float, float] = SIZE_INCHES) -> Figure:
    """The matplotlib figure of a chart."""
    _matplotlib()
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    axes = fig.add_subplot()
    _references(axes, chart)
    for line in chart.series:
        _plot(axes, line, _shift(chart, line))
    axes.set_title(chart.title, fontsize=11, loc="left")
    axes.set_ylabel("Percentage" if chart.unit == "percent" else "Relative likelihood")
    _years_axis(axes, chart)
    axes.set_ylim(0, _top(chart) * 1.2 or 1)
    axes.grid(axis="y", color="#d8dde0", linewidth=0.5)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False, fontsize=9)
    fig.tight_layout()
    _label(axes, chart)
    return fig


def to_svg(chart: Chart, description: str = "") -> str:
    """The chart as an inline <svg> element (no XML prologue), labelled for screen readers."""
    buffer = io.StringIO()
    with _matplotlib().rc_context(RC):
        figure(chart).savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    svg = text[text.index("<svg"):]
    svg = re.sub(r'\s(?:width|height)="[^"]*"', "", svg[:svg.index(">")], count=2) + svg[svg.index(">"):]
    svg = _without_inline_css(svg)
    label = _attribute(description or chart.title)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="app-chart" '
                                'preserveAspectRatio="xMinYMin meet" ', 1)


@lru_cache(maxsize=64)
def svg_cached(chart: Chart, description: str = "") -> str:
    """to_svg kept for the same figures (charts are frozen, so equal figures give an equal key): drawing
    with matplotlib takes most of a second, and the page is read far more often than its figures change."""
    return to_svg(chart, description)


_STYLE_ELEMENT = re.compile(r"<style[^>]*>\s*\*\s*\{([^}]*)\}\s*</style>")
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')


def _without_inline_css(svg: str) -> str:
    """matplotlib's SVG with its CSS written as presentation attributes (`fill="#fff"`, not
    `style="fill: #fff"`): the pages' Content-Security-Policy runs no inline CSS, and SVG reads
    both the same way. The `<style>` block's one rule for every element goes on the root, which
    every element inherits and may override."""
    root = _STYLE_ELEMENT.search(svg)
    if root:
        svg = svg[:root.start()] + svg[root.end():]
        svg = svg.replace("<svg ", f"<svg {_attributes(root.group(1)).strip()} ", 1)
    return _STYLE_ATTRIBUTE.sub(lambda match: _attributes(match.group(1)), svg)


def _attributes(declarations: str) -> str:
    """'fill: #fff; stroke-width: 2' → ' fill="#fff" stroke-width="2"'."""
    pairs = (declaration.partition(":") for declaration in declarations.split(";") if declaration.strip())
    return "".join(f' {name.strip()}="{value.strip()}"' for name, _colon, value in pairs)


def to_png(chart: Chart, dpi: int = PNG_DPI, size: tuple[float, float] = SIZE_INCHES) -> bytes:
    """The chart as PNG bytes (for Word documents: pass WORD_SIZE_INCHES)."""
    buffer = io.BytesIO()
    with _matplotlib().rc_context(RC):
        figure(chart, size).savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _attribute(text: str) -> str:
    """Text made safe inside a double-quoted XML attribute."""
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;"))
