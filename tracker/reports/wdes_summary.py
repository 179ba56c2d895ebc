"""The WDES summary for Word documents, from the stored WDES years (`wdes_years`, `wdes_values`).

Two queries whatever is stored: the years, then the figures of the latest year and the one before it.
A figure that could not be calculated keeps its reason ("Not calculable: ..."), never 0.
"""
from __future__ import annotations

from sqlalchemy import select

from tracker import standards
from tracker.extensions import db
from tracker.indicators.models import WdesValue, WdesYear
from tracker.indicators.trend import judge
from tracker.reports.documents import WdesFigure, WdesLine, WdesSummary

EMPTY_WDES = WdesSummary(year=None, previous_year=None, lines=())
#: Which way is better for each metric's headline figure (the Disabled figure; metrics 2 and 3 the
#: relative likelihood, 1.00 parity; metric 10 the difference from the workforce, 0 parity).
DIRECTIONS = {"1": "higher", "2": "closer_to_1", "3": "closer_to_1", "4a_i": "lower", "4a_ii": "lower",
              "4a_iii": "lower", "4b": "higher", "5": "higher", "6": "lower", "7": "higher", "8": "higher",
              "9a": "higher", "10": "closer_to_0"}
SURVEY = ("4a_i", "4a_ii", "4a_iii", "4b", "5", "6", "7", "8")
#: Metric 1's declaration figures: (measure, label).
DECLARATION = (("disabled", "Disabled"), ("non_disabled", "Non-disabled"), ("not_declared", "Not declared"),
               ("declaration_rate", "Declaration rate (declared Disabled or non-disabled)"))
BOARD_PARTS = (("voting", "voting membership"), ("executive", "executive membership"))


def _figure(row: WdesValue | None, *, scale: float = 1.0, of: str = "value") -> WdesFigure | None:
    """A stored figure (None when nothing is stored); `of` picks the value, numerator or denominator."""
    if row is None:
        return None
    value = getattr(row, of)
    return WdesFigure(value=None if value is None else value * scale,
                      reason=row.not_calculable_reason if value is None else None,
                      ci_low=row.ci_low if of == "value" else None, ci_high=row.ci_high if of == "value" else None,
                      small_numbers=row.small_numbers)


def _trend(metric: str, before: WdesFigure | None, after: WdesFigure | None) -> str | None:
    """Better, worse or the same as last year by the metric's direction; None without both figures."""
    direction = DIRECTIONS.get(metric)
    if direction is None or before is None or after is None or before.value is None or after.value is None:
        return None
    if direction == "closer_to_0":
        return judge("lower", abs(before.value), abs(after.value))
    return judge(direction, before.value, after.value)


def wdes_summary() -> WdesSummary:
    """The latest stored WDES year against the stored year before it; EMPTY_WDES when none is stored."""
    years = list(db.session.scalars(select(WdesYear.year).order_by(WdesYear.year.desc()).limit(2)))
    if not years:
        return EMPTY_WDES
    year, previous = years[0], (years[1] if len(years) > 1 else None)
    stored: dict[tuple[int, str, str], WdesValue] = {
        (row.year, row.metric, row.measure): row
        for row in db.session.scalars(select(WdesValue).where(WdesValue.year.in_(years)))}

    def get(which: int | None, metric: str, measure: str) -> WdesValue | None:
        return stored.get((which, metric, measure)) if which is not None else None

    lines: list[WdesLine] = []
    for measure_ in standards.measures(standards.WDES):
        metric, title = measure_.key, measure_.short_title
        if metric == "1":
            now, then = _figure(get(year, "1", "disabled")), _figure(get(previous, "1", "disabled"))
            lines.append(WdesLine(measure_.label, title, "percent", disabled=now,
                                  non_disabled=_figure(get(year, "1", "non_disabled")),
                                  last_year=then, trend=_trend(metric, then, now)))
        elif metric in ("2", "3"):
            row = get(year, metric, "value")
            # The stored rates: group a's as the numerator (metric 2 non-disabled, metric 3 Disabled).
            disabled_of, non_disabled_of = ("denominator", "numerator") if metric == "2" else ("numerator", "denominator")
            now, then = _figure(row), _figure(get(previous, metric, "value"))
            lines.append(WdesLine(measure_.label, title, "ratio",
                                  disabled=_rate(row, disabled_of), non_disabled=_rate(row, non_disabled_of),
                                  likelihood=now, last_year=then, trend=_trend(metric, then, now)))
        elif metric in SURVEY or metric == "9a":
            unit = "percent" if metric in SURVEY else "score"
            now, then = _figure(get(year, metric, "disabled")), _figure(get(previous, metric, "disabled"))
            non_disabled = None if metric == "8" else _figure(get(year, metric, "non_disabled"))
            lines.append(WdesLine(measure_.label, title, unit, disabled=now, non_disabled=non_disabled,
                                  last_year=then, trend=_trend(metric, then, now)))
        elif metric == "9b":
            lines.append(WdesLine(measure_.label, title, "answer", disabled=_figure(get(year, "9b", "answer")),
                                  last_year=_figure(get(previous, "9b", "answer"))))
        elif metric == "10":
            for part, words in BOARD_PARTS:
                now, then = _figure(get(year, "10", part)), _figure(get(previous, "10", part))
                lines.append(WdesLine(measure_.label, f"{title}: {words}, difference from the workforce", "points",
                                      disabled=now, last_year=then, trend=_trend(metric, then, now)))
    declaration = tuple((label, _figure(get(year, "1", measure)) or WdesFigure(None, "not stored"),
                         _figure(get(previous, "1", measure)))
                        for measure, label in DECLARATION)
    return WdesSummary(year=year, previous_year=previous, lines=tuple(lines), declaration=declaration)


def _rate(row: WdesValue | None, of: str) -> WdesFigure | None:
    """One group's rate behind a relative likelihood, as a percentage (None when not stored)."""
    if row is None or getattr(row, of) is None:
        return None
    return WdesFigure(value=getattr(row, of) * 100)
