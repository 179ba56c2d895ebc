"""Reading stored WDES years back: the metrics table, one metric's lines and chart, a year's breakdowns.

The table is two queries (the years, then every headline figure); a metric's page adds the chosen
year's stored result and the linked actions (`queries.linked_actions`, three queries).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, select

from tracker import standards
from tracker.extensions import db
from tracker.indicators import wdes_charts
from tracker.indicators.models import ENTERED, WdesValue, WdesYear
from tracker.indicators.queries import YearColumn
from tracker.indicators.wdes_figures import (
    MEASURE_NAMES,
    NOT_COMPARABLE,
    SHAPES,
    MetricShape,
    NationalValue,
    judge,
    national_for,
    shown,
)

MEASURES = standards.measures(standards.WDES)
KEYS = tuple(measure.key for measure in MEASURES)


@dataclass(frozen=True)
class WdesFigure:
    """One stored figure of a line in one year."""

    value: float | None
    reason: str | None = None
    small_numbers: bool = False
    ci_low: float | None = None
    ci_high: float | None = None
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class WdesLine:
    """One row of the metrics table: a metric's measure (Disabled %, the relative likelihood …) over the years."""

    metric: str
    measure: str
    unit: str
    judged: bool
    years: tuple[int, ...]
    figures: dict[int, WdesFigure]
    national: dict[int, NationalValue]

    @property
    def name(self) -> str:
        return MEASURE_NAMES.get(self.measure, self.measure)

    def value(self, year: int | None) -> float | None:
        figure = self.figures.get(year) if year is not None else None
        return figure.value if figure else None

    def shown(self, value: float | None) -> str:
        return shown(value, self.unit)

    @property
    def latest_year(self) -> int | None:
        return self.years[-1] if self.years else None

    @property
    def previous_year(self) -> int | None:
        return self.years[-2] if len(self.years) > 1 else None

    @property
    def trend(self) -> str | None:
        """The trend in words for the judged rows (None for rows not judged)."""
        if not self.judged:
            return None
        if self.previous_year is None:
            return NOT_COMPARABLE
        return judge(self.metric, self.value(self.previous_year), self.value(self.latest_year))

    @property
    def national_latest(self) -> NationalValue | None:
        """The national figure of the latest stored year, else the most recent before it (else the latest published)."""
        if not self.national:
            return None
        limit = self.latest_year or max(self.national)
        years = [year for year in self.national if year <= limit]
        return self.national[max(years)] if years else None


@dataclass(frozen=True)
class WdesMetricRow:
    """A metric of the table: its measure (name, short title), what better looks like, and its lines."""

    measure: standards.Measure
    shape: MetricShape
    lines: tuple[WdesLine, ...]

    @property
    def key(self) -> str:
        return self.measure.key

    def line(self, measure: str) -> WdesLine | None:
        return next((line for line in self.lines if line.measure == measure), None)


@dataclass(frozen=True)
class WdesTable:
    """The metrics × years table."""

    years: tuple[YearColumn, ...]
    metrics: tuple[WdesMetricRow, ...]

    def metric(self, key: str) -> WdesMetricRow:
        return next(row for row in self.metrics if row.key == key)

    @property
    def national_sources(self) -> tuple[str, ...]:
        """The sources of the national figures shown, each once."""
        found: list[str] = []
        for row in self.metrics:
            for line in row.lines:
                item = line.national_latest
                if item and item.source not in found:
                    found.append(item.source)
        return tuple(found)


@cache
def _years_query() -> Select:
    return select(WdesYear.year, WdesYear.source, WdesYear.imported_at).order_by(WdesYear.year)


@cache
def _values_query() -> Select:
    return select(WdesValue.metric, WdesValue.measure, WdesValue.year, WdesValue.value,
                  WdesValue.not_calculable_reason, WdesValue.small_numbers, WdesValue.ci_low, WdesValue.ci_high,
                  WdesValue.numerator, WdesValue.denominator)


def metrics_table() -> WdesTable:
    """Every WDES metric over every stored year, oldest year first (two queries)."""
    years = tuple(YearColumn(*row) for row in db.session.execute(_years_query()))
    year_numbers = tuple(column.year for column in years)
    figures: dict[tuple[str, str], dict[int, WdesFigure]] = {}
    for metric, measure, year, *figure in db.session.execute(_values_query()):
        figures.setdefault((metric, measure), {})[year] = WdesFigure(*figure)
    rows = []
    for measure in MEASURES:
        shape = SHAPES[measure.key]
        lines = tuple(
            WdesLine(measure.key, name, shape.unit, name in shape.judged, year_numbers,
                     figures.get((measure.key, name), {}), national_for(measure.key, name))
            for name in shape.measures)
        rows.append(WdesMetricRow(measure, shape, lines))
    return WdesTable(years, tuple(rows))


def stored_year(year: int | None) -> WdesYear | None:
    """The stored year asked for, or the latest when none is asked for (one query)."""
    query = select(WdesYear)
    query = query.where(WdesYear.year == year) if year is not None else query.order_by(WdesYear.year.desc()).limit(1)
    return db.session.scalars(query).first()


#: The metrics whose section a year typed in from a published report fills from its figures; the others'
#: breakdowns (bands and clusters, counts behind a relative likelihood, board members) are not typed in.
FROM_ENTERED_FIGURES = ("4a_i", "4a_ii", "4a_iii", "4b", "5", "6", "7", "8", "9a", "9b")


def metric_result(year: WdesYear | None, key: str) -> dict[str, Any] | None:
    """The stored breakdowns of one metric in a year (WdesResult.to_dict()'s entry), if any; for a year typed
    in, what its figures give (`entered_result`)."""
    if year is None:
        return None
    if year.source == ENTERED:
        return entered_result(year, key)
    return ((year.result or {}).get("metrics") or {}).get(key)


def entered_result(year: WdesYear, key: str) -> dict[str, Any] | None:
    """A typed-in year's figures in the shape of WdesResult.to_dict()'s entry: a survey metric's or 9a's figures
    and gap, 9b's answer with the narrative typed in; None for the metrics whose breakdowns are not typed in
    (one query, the year's figures)."""
    if key not in FROM_ENTERED_FIGURES:
        return None
    figures = {row.measure: row.value for row in year.values if row.metric == key}
    if key == "9b":
        answer = figures.get("answer")
        return {"answer": None if answer is None else ("yes" if answer else "no"),
                "text": (year.result or {}).get("narrative_9b", "")}
    names = ("disabled", "non_disabled", "overall") if key == "9a" else ("disabled", "non_disabled")
    data: dict[str, Any] = {name: figures.get(name) for name in names}
    both = data["disabled"] is not None and data["non_disabled"] is not None
    data["difference"] = data["disabled"] - data["non_disabled"] if both else None
    return data


CHART_LINES = {"1": ("declaration_rate", "disabled"), "9b": ()}
AXIS_LABELS = {"percent": "Percentage", "ratio": "Relative likelihood", "score": "Score (0 to 10)",
               "points": "Percentage points"}


def _chart_label(measure: str, name: str) -> str:
    if measure in ("disabled", "non_disabled"):
        return f"{name} staff"
    return "Trust" if measure == "value" else name


def chart_for(row: WdesMetricRow, years: tuple[int, ...]) -> wdes_charts.WdesChart:
    """The trend chart of one metric: its lines by year, and the national figure where there is one."""
    wanted = CHART_LINES.get(row.key, tuple(line.measure for line in row.lines))
    lines = []
    for name in wanted:
        line = row.line(name)
        if line is None:
            continue
        lines.append(wdes_charts.Line(_chart_label(name, line.name), tuple((year, line.value(year)) for year in years)))
    national = [(line, item) for line in row.lines for item in line.national.values()
                if line.measure in wanted and (not years or years[0] <= item.year <= years[-1])]
    if national and len(lines) < 3:
        line = national[0][0]
        points = tuple(sorted((item.year, item.value) for owner, item in national if owner is line))
        lines.append(wdes_charts.Line(f"National ({line.name.lower()})", points))
    reference = 1.0 if row.shape.unit == "ratio" else (0.0 if row.shape.unit == "points" else None)
    label = "1.00 is parity" if reference == 1.0 else ""
    return wdes_charts.WdesChart(f"WDES {row.measure.label}: {row.measure.short_title}",
                                 AXIS_LABELS.get(row.shape.unit, ""), tuple(lines), reference, label)
