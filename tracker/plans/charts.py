"""The plan's RAG charts: by theme (a stacked bar per theme) and over time (a stacked bar per month).

Pure code: plain figures in, SVG text (pages) or PNG bytes (Word documents) out. Drawn with
matplotlib's object API on the Agg backend, like the indicator charts. Colour is never the only
signal: every RAG has its own fill pattern, the legend names each one in words, and each segment
wide enough to hold it carries its count; the figures are also given as a table beside the chart.
The SVG has its CSS written as presentation attributes (the pages' Content-Security-Policy runs
no inline CSS) and its ids prefixed, so two charts on one page never share an id.
"""
from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The order segments are stacked and listed in; None is "Not rated".
RAG_ORDER = ("red", "amber", "green", "blue", None)
LABELS = {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue (complete)", None: "Not rated"}
#: NHS.UK colours (red, warm yellow, green, blue, mid grey).
COLOURS = {"red": "#d5281b", "amber": "#ffb81c", "green": "#007f3b", "blue": "#005eb8", None: "#aeb7bd"}
#: A pattern each, so the segments differ without colour (printed in grey, or seen by someone who cannot tell red from green).
HATCHES = {"red": "///", "amber": "--", "green": "\\\\\\", "blue": "", None: "xx"}
RC = {"svg.hashsalt": "wres-tracker-plan", "svg.fonttype": "none", "font.size": 10, "font.family": "DejaVu Sans",
      "hatch.color": "white", "hatch.linewidth": 1.0}
PNG_DPI = 150
#: Word charts: drawn at the size they are printed on an A4 landscape page.
WORD_SIZE_INCHES = (9.6, 3.6)
THEME_LABEL_WIDTH = 34
#: Room kept under the axes for the legend.
LEGEND_INCHES = 0.4
THEME_LABEL_LINES = 2
THEME_CHART_TITLE = "Actions by theme and RAG"
TIME_CHART_TITLE = "Actions at each RAG at the end of each month"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Bar:
    """One bar: its label (a theme, a month) and the number of actions at each RAG, in RAG_ORDER."""

    label: str
    counts: tuple[int, int, int, int, int]

    @property
    def total(self) -> int:
        return sum(self.counts)

    def count(self, rag: str | None) -> int:
        return self.counts[RAG_ORDER.index(rag)]


def bar(label: str, counter) -> Bar:
    """A bar from a mapping of RAG (None for not rated) to count."""
    return Bar(label, tuple(int(counter.get(rag, 0)) for rag in RAG_ORDER))


def month_ends(start: date, end: date, today: date) -> list[date]:
    """The last day of each month from `start`'s to `end`'s, up to and including `today`'s month.

    Empty before the year starts; every month of the year once it is over."""
    ends = []
    year, month = start.year, start.month
    while True:
        last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
        if last > end or (year, month) > (today.year, today.month):
            return ends
        ends.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def month_label(day: date) -> str:
    """'Apr 2024'."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def describe(title: str, bars: list[Bar]) -> str:
    """Words for readers who cannot see the chart: what it shows and every bar's figures."""
    parts = [f"{title}."]
    for item in bars:
        figures = ", ".join(f"{LABELS[rag]} {item.count(rag)}" for rag in RAG_ORDER if item.count(rag))
        parts.append(f"{item.label}: {figures or 'no actions'}.")
    return " ".join(parts)


def _matplotlib():
    """matplotlib, imported on first use so the app and its commands start quickly."""
    import matplotlib

    matplotlib.use("Agg")
    return matplotlib


def _short(label: str) -> str:
    """A theme label wrapped to fit beside its bar (the table underneath gives it in full)."""
    lines = textwrap.wrap(label, THEME_LABEL_WIDTH) or [""]
    if len(lines) > THEME_LABEL_LINES:
        lines = lines[:THEME_LABEL_LINES]
        lines[-1] = lines[-1][:THEME_LABEL_WIDTH - 1].rstrip() + "…"
    return "\n".join(lines)


def _stack(axes, bars: list[Bar], horizontal: bool) -> None:
    """The stacked segments, each RAG in its colour and pattern, with its count where it fits."""
    positions = list(range(len(bars)))
    widest = max((item.total for item in bars), default=0) or 1
    starts = [0] * len(bars)
    for rag in RAG_ORDER:
        sizes = [item.count(rag) for item in bars]
        style = {"color": COLOURS[rag], "hatch": HATCHES[rag], "edgecolor": "white", "linewidth": 0.8,
                 "label": LABELS[rag]}
        if horizontal:
            axes.barh(positions, sizes, left=starts, height=0.6, **style)
        else:
            axes.bar(positions, sizes, bottom=starts, width=0.6, **style)
        for place, (start, size) in enumerate(zip(starts, sizes)):
            if size and size / widest >= (0.045 if horizontal else 0.09):
                middle = start + size / 2
                xy = (middle, place) if horizontal else (place, middle)
                axes.annotate(str(size), xy, ha="center", va="center", fontsize=8, color="#212b32",
                              bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
        starts = [start + size for start, size in zip(starts, sizes)]


def figure(kind: str, bars: list[Bar], title: str, size: tuple[float, float] | None = None) -> Figure:
    """The matplotlib figure: kind "theme" (horizontal bars, a theme each) or "time" (upright bars, a month each)."""
    _matplotlib()
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    horizontal = kind == "theme"
    if size is None:
        size = (8.0, 1.6 + 0.55 * len(bars)) if horizontal else (8.0, 4.2)
    fig = Figure(figsize=size)
    axes = fig.add_subplot()
    _stack(axes, bars, horizontal)
    axes.set_title(title, fontsize=11, loc="left")
    count_axis = axes.xaxis if horizontal else axes.yaxis
    count_axis.set_major_locator(MaxNLocator(integer=True))
    if horizontal:
        axes.set_yticks(range(len(bars)), [_short(item.label) for item in bars], fontsize=8)
        axes.invert_yaxis()
        axes.set_xlabel("Actions")
        axes.grid(axis="x", color="#d8dde0", linewidth=0.5)
    else:
        axes.set_xticks(range(len(bars)), [item.label.replace(" ", "\n") for item in bars], fontsize=8)
        axes.set_ylabel("Actions")
        axes.grid(axis="y", color="#d8dde0", linewidth=0.5)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    handles, labels = axes.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=5, frameon=False, fontsize=8, handlelength=2.5,
               handleheight=1.4)
    fig.tight_layout(rect=(0, LEGEND_INCHES / size[1], 1, 1))
    return fig


def to_png(kind: str, bars: list[Bar], title: str, size: tuple[float, float] = WORD_SIZE_INCHES,
           dpi: int = PNG_DPI) -> bytes:
    """The chart as PNG bytes (for Word documents)."""
    buffer = io.BytesIO()
    with _matplotlib().rc_context(RC):
        figure(kind, bars, title, size).savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def to_svg(kind: str, bars: list[Bar], title: str, *, description: str, id_prefix: str) -> str:
    """The chart as an inline <svg> (no XML prologue): role="img", a <title> and <desc>, ids prefixed."""
    buffer = io.StringIO()
    with _matplotlib().rc_context(RC):
        figure(kind, bars, title).savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    svg = text[text.index("<svg"):]
    svg = re.sub(r'\s(?:width|height)="[^"]*"', "", svg[:svg.index(">")], count=2) + svg[svg.index(">"):]
    svg = _prefixed_ids(_without_inline_css(svg), id_prefix)
    head = svg.index(">") + 1
    svg = (svg[:head] + f'<title id="{id_prefix}-title">{_escape(title)}</title>'
           f'<desc id="{id_prefix}-desc">{_escape(description)}</desc>' + svg[head:])
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="{id_prefix}-title" '
                                f'aria-describedby="{id_prefix}-desc" class="app-chart" '
                                'preserveAspectRatio="xMinYMin meet" ', 1)


@lru_cache(maxsize=64)
def svg_cached(kind: str, bars: tuple[Bar, ...], title: str, id_prefix: str) -> str:
    """to_svg with the description written from the figures, kept for the same figures (drawing takes a while)."""
    return to_svg(kind, list(bars), title, description=describe(title, list(bars)), id_prefix=id_prefix)


_STYLE_ELEMENT = re.compile(r"<style[^>]*>\s*\*\s*\{([^}]*)\}\s*</style>")
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')


def _without_inline_css(svg: str) -> str:
    """CSS as presentation attributes (`fill="#fff"`, not `style="fill: #fff"`); the <style> block's
    one rule for every element goes on the root, which every element inherits."""
    root = _STYLE_ELEMENT.search(svg)
    if root:
        svg = svg[:root.start()] + svg[root.end():]
        svg = svg.replace("<svg ", f"<svg {_attributes(root.group(1)).strip()} ", 1)
    return _STYLE_ATTRIBUTE.sub(lambda match: _attributes(match.group(1)), svg)


def _attributes(declarations: str) -> str:
    pairs = (declaration.partition(":") for declaration in declarations.split(";") if declaration.strip())
    return "".join(f' {name.strip()}="{value.strip()}"' for name, _colon, value in pairs)


def _prefixed_ids(svg: str, prefix: str) -> str:
    """Every id, and every reference to one (url(#…), href="#…"), prefixed."""
    svg = re.sub(r'\sid="([^"]+)"', lambda m: f' id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
