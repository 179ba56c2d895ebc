"""The WDES summary for Word documents, read the way the WDES pages read it.

The figures, trends and national values come from `wdes_queries.metrics_table()` (two queries), so
the document judges each metric by the pages' rules (`tracker.indicators.wdes_figures`): the same
direction, the same figure judged, the same rounding and the same national figure with its source.
A figure that could not be calculated keeps its reason ("Not calculable: ..."), never 0.
"""
from __future__ import annotations

from tracker import standards
from tracker.indicators import wdes_queries
from tracker.indicators.wdes_queries import WdesMetricRow
from tracker.reports.documents import WdesFigure, WdesLine, WdesSummary

EMPTY_WDES = WdesSummary(year=None, previous_year=None, lines=())
SURVEY = ("4a_i", "4a_ii", "4a_iii", "4b", "5", "6", "7", "8")
#: Metric 1's declaration figures: (measure, label).
DECLARATION = (("disabled", "Disabled"), ("non_disabled", "Non-disabled"), ("not_declared", "Not declared"),
               ("declaration_rate", "Declaration rate (declared Disabled or non-disabled)"))
BOARD_PARTS = (("voting", "voting membership"), ("executive", "executive membership"))


def _figure(row: WdesMetricRow, measure: str, year: int | None) -> WdesFigure | None:
    """A stored figure of the year (None when nothing is stored)."""
    line = row.line(measure)
    stored = line.figures.get(year) if line is not None and year is not None else None
    if stored is None:
        return None
    return WdesFigure(value=stored.value, reason=stored.reason if stored.value is None else None,
                      ci_low=stored.ci_low, ci_high=stored.ci_high, small_numbers=stored.small_numbers)


def _rate(row: WdesMetricRow, year: int, of: str) -> WdesFigure | None:
    """One group's rate behind a relative likelihood, as a percentage (None when not stored)."""
    line = row.line("value")
    stored = line.figures.get(year) if line is not None else None
    value = getattr(stored, of) if stored is not None else None
    return None if value is None else WdesFigure(value=value * 100)


def _judged(row: WdesMetricRow, measure: str) -> dict:
    """The trend, last year's figure and the national figure of one of the row's lines, as the pages give them."""
    line = row.line(measure)
    national = line.national_latest if line is not None else None
    return {"trend": line.trend if line is not None else None,
            "last_year": _figure(row, measure, line.previous_year if line is not None else None),
            "national": national.value if national else None, "national_year": national.year if national else None,
            "national_source": national.source if national else None}


def _lines(row: WdesMetricRow, year: int) -> list[WdesLine]:
    """The summary rows of one metric (metric 10 has two: voting and executive membership)."""
    label, title, key = row.measure.label, row.measure.short_title, row.key
    if key == "1":
        judged = _judged(row, "disabled")
        return [WdesLine(label, title, "percent", disabled=_figure(row, "disabled", year),
                         non_disabled=_figure(row, "non_disabled", year), last_year=judged["last_year"],
                         national=judged["national"], national_year=judged["national_year"],
                         national_source=judged["national_source"],
                         trend=row.line("declaration_rate").trend, trend_of="Declaration rate")]
    if key in ("2", "3"):
        # The stored rates: group a's as the numerator (metric 2 non-disabled, metric 3 Disabled).
        disabled_of, non_disabled_of = ("denominator", "numerator") if key == "2" else ("numerator", "denominator")
        return [WdesLine(label, title, "ratio", disabled=_rate(row, year, disabled_of),
                         non_disabled=_rate(row, year, non_disabled_of), likelihood=_figure(row, "value", year),
                         **_judged(row, "value"))]
    if key in SURVEY or key == "9a":
        return [WdesLine(label, title, row.shape.unit, disabled=_figure(row, "disabled", year),
                         non_disabled=None if key == "8" else _figure(row, "non_disabled", year),
                         **_judged(row, "disabled"))]
    if key == "9b":
        line = row.line("answer")
        return [WdesLine(label, title, "answer", disabled=_figure(row, "answer", year),
                         last_year=_figure(row, "answer", line.previous_year))]
    return [WdesLine(label, f"{title}: {words}, difference from the workforce", "points",
                     disabled=_figure(row, part, year), **_judged(row, part))
            for part, words in BOARD_PARTS]


def wdes_summary() -> WdesSummary:
    """The latest stored WDES year against the stored year before it; EMPTY_WDES when none is stored."""
    table = wdes_queries.metrics_table()
    if not table.years:
        return EMPTY_WDES
    years = [column.year for column in table.years]
    year, previous = years[-1], (years[-2] if len(years) > 1 else None)
    rows = [table.metric(measure.key) for measure in standards.measures(standards.WDES)]
    lines = tuple(line for row in rows for line in _lines(row, year))
    one = table.metric("1")
    declaration = tuple((label, _figure(one, measure, year) or WdesFigure(None, "not stored"),
                         _figure(one, measure, previous))
                        for measure, label in DECLARATION)
    sources = tuple(dict.fromkeys(line.national_source for line in lines if line.national_source))
    return WdesSummary(year=year, previous_year=previous, lines=lines, declaration=declaration,
                       national_sources=sources)
