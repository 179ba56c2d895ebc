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
from typing import TYPE_CHECKING

from tracker.indicators.ratios import NON_ADVERSE_RANGE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

RC = {"svg.hashsalt": "wres-tracker", "svg.fonttype": "none", "font.size": 10, "font.family": "DejaVu Sans"}
COLOURS = {"all": "#005eb8", "bme": "#005eb8", "white": "#425563"}
MARKERS = {"all": "o", "bme": "o", "white": "s"}
SIZE_INCHES = (8.0, 4.5)
PNG_DPI = 150


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


def _plot(axes, line: Series) -> None:
    years = [year for year, _value in line.points]
    values = [math.nan if value is None else value for _year, value in line.points]
    colour = COLOURS.get(line.group, COLOURS["all"])
    axes.plot(years, values, label=line.label, color=colour, linestyle="--" if line.national else "-",
              marker="^" if line.national else MARKERS.get(line.group, "o"),
              markerfacecolor="white" if line.national else colour, linewidth=1.5 if line.national else 2.5)
    if not line.national:
        for year, value in line.points:
            if value is not None:
                axes.annotate(f"{value:.2f}", (year, value), textcoords="offset points", xytext=(0, 7),
                              ha="center", fontsize=8, color=colour)


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


def figure(chart: Chart) -> Figure:
    """The matplotlib figure of a chart."""
    _matplotlib()
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=SIZE_INCHES)
    axes = fig.add_subplot()
    _references(axes, chart)
    for line in chart.series:
        _plot(axes, line)
    axes.set_title(chart.title, fontsize=11, loc="left")
    axes.set_ylabel("Percentage" if chart.unit == "percent" else "Relative likelihood")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, _top(chart) * 1.2 or 1)
    axes.grid(axis="y", color="#d8dde0", linewidth=0.5)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False, fontsize=9)
    fig.tight_layout()
    return fig


def to_svg(chart: Chart, description: str = "") -> str:
    """The chart as an inline <svg> element (no XML prologue), labelled for screen readers."""
    buffer = io.StringIO()
    with _matplotlib().rc_context(RC):
        figure(chart).savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    svg = text[text.index("<svg"):]
    svg = re.sub(r'\s(?:width|height)="[^"]*"', "", svg[:svg.index(">")], count=2) + svg[svg.index(">"):]
    label = _attribute(description or chart.title)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="app-chart" '
                                'preserveAspectRatio="xMinYMin meet" ', 1)


def to_png(chart: Chart, dpi: int = PNG_DPI) -> bytes:
    """The chart as PNG bytes (for Word documents)."""
    buffer = io.BytesIO()
    with _matplotlib().rc_context(RC):
        figure(chart).savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _attribute(text: str) -> str:
    """Text made safe inside a double-quoted XML attribute."""
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;"))
