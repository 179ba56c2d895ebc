"""A WDES metric's trend chart across the stored years, as inline SVG: pure (plain figures in, text out).

Drawn by hand, not with matplotlib, so a figure below zero (metric 10) sits below the axis line
like any other. Accessible: role="img" with a <title> and a <desc> giving every figure; lines
differ by dash pattern and marker shape as well as colour, and the legend names each in words.
The pages show the same figures in a table under the chart. No inline CSS (the Content-Security-
Policy runs none): presentation attributes only.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 680, 320
LEFT, RIGHT, TOP, BOTTOM = 100, 16, 40, 70
#: (colour, dash pattern, marker) per line, in order: Disabled, non-disabled, national.
STYLES = (("#005eb8", "", "circle"), ("#425563", "6 4", "square"), ("#7c2855", "2 3", "triangle"))


@dataclass(frozen=True)
class Line:
    """One line: a label and its (year, value) points (None where there is no figure)."""

    label: str
    points: tuple[tuple[int, float | None], ...]


@dataclass(frozen=True)
class WdesChart:
    """What to draw: a title, the y axis label, and the lines with a formatter for their figures."""

    title: str
    axis_label: str
    lines: tuple[Line, ...]
    reference: float | None = None
    reference_label: str = ""

    @property
    def has_data(self) -> bool:
        return any(value is not None for line in self.lines for _year, value in line.points)


def _step(span: float) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about four gridlines over the span."""
    rough = span / 4
    power = 10 ** math.floor(math.log10(rough))
    return next(power * factor for factor in (1, 2, 2.5, 5, 10) if power * factor >= rough)


def _ticks(chart: WdesChart) -> list[float]:
    """The gridline values: round numbers from the lowest (0, or below it) to above the highest figure."""
    values = [v for line in chart.lines for _y, v in line.points if v is not None]
    if chart.reference is not None:
        values.append(chart.reference)
    low, high = min(values + [0.0]), max(values + [0.0])
    step = _step((high - low) * 1.1 or 1.0)
    first, last = math.floor(low / step), math.ceil(high * 1.05 / step)
    if last == first:
        last += 1
    return [round(index * step, 10) for index in range(first, last + 1)]


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="white" stroke="{colour}" stroke-width="2"/>'
    return (f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}" '
            f'fill="white" stroke="{colour}" stroke-width="2"/>')


def to_svg(chart: WdesChart, description: str, show) -> str:
    """The chart as an <svg> element; `show(value)` writes a figure as the page does ("25.0%")."""
    years = sorted({year for line in chart.lines for year, _v in line.points})
    ticks = _ticks(chart)
    low, high = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    inset = 40  # the first and last years drawn clear of the axis labels

    def x(year: int) -> float:
        if len(years) == 1:
            return LEFT + plot_w / 2
        return LEFT + inset + (plot_w - 2 * inset) * years.index(year) / (len(years) - 1)

    def y(value: float) -> float:
        return TOP + plot_h * (high - value) / (high - low)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="wdes-chart-title wdes-chart-desc" class="app-chart" font-family="Arial, sans-serif" '
             f'font-size="12" preserveAspectRatio="xMinYMin meet">',
             f'<title id="wdes-chart-title">{escape(chart.title)}</title>',
             f'<desc id="wdes-chart-desc">{escape(description)}</desc>',
             f'<text x="{LEFT}" y="20" font-size="14" font-weight="bold" fill="#212b32">{escape(chart.title)}</text>']
    for value in ticks:
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#d8dde0"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" fill="#4c6272">{escape(show(value))}</text>')
    if low < 0:
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#212b32"/>')
    if chart.reference is not None:
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(chart.reference):.1f}" y2="{y(chart.reference):.1f}" '
                     'stroke="#212b32" stroke-dasharray="1 4"/>')
        parts.append(f'<text x="{WIDTH - RIGHT}" y="{y(chart.reference) - 4:.1f}" text-anchor="end" fill="#212b32">'
                     f'{escape(chart.reference_label)}</text>')
    parts.append(f'<text x="14" y="{TOP + plot_h / 2:.1f}" transform="rotate(-90 14 {TOP + plot_h / 2:.1f})" '
                 f'text-anchor="middle" fill="#4c6272">{escape(chart.axis_label)}</text>')
    for year in years:
        parts.append(f'<text x="{x(year):.1f}" y="{TOP + plot_h + 18}" text-anchor="middle" fill="#212b32">{year}</text>')
    for index, line in enumerate(chart.lines):
        colour, dash, shape = STYLES[index % len(STYLES)]
        points = [(year, value) for year, value in line.points if value is not None]
        if len(points) > 1:
            path = " ".join(f"{x(year):.1f},{y(value):.1f}" for year, value in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"'
                         f'{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""}/>')
        for year, value in points:
            parts.append(_marker(shape, x(year), y(value), colour))
            if index < 2:  # the first line's figures above its markers, the second's below
                label_y = y(value) - 9 if index == 0 else y(value) + 20
                parts.append(f'<text x="{x(year):.1f}" y="{label_y:.1f}" text-anchor="middle" fill="{colour}">'
                             f'{escape(show(value))}</text>')
        legend_x = LEFT + index * 190
        legend_y = HEIGHT - 22
        parts.append(f'<line x1="{legend_x}" x2="{legend_x + 30}" y1="{legend_y}" y2="{legend_y}" stroke="{colour}" '
                     f'stroke-width="2.5"{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""}/>')
        parts.append(_marker(shape, legend_x + 15, legend_y, colour))
        parts.append(f'<text x="{legend_x + 36}" y="{legend_y + 4}" fill="#212b32">{escape(line.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def describe(chart: WdesChart, show) -> str:
    """Every figure of the chart in words, for its <desc>."""
    pieces = []
    for line in chart.lines:
        figures = ", ".join(f"{year} {show(value) if value is not None else 'no figure'}" for year, value in line.points)
        pieces.append(f"{line.label}: {figures}")
    return f"{chart.title}, by year. " + "; ".join(pieces) + "."
