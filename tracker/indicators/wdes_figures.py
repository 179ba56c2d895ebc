"""How the WDES pages read a metric: its figures, which way is better, trend words, rounding, national values.

Pure (no Flask, no database). Directions (NHS England, "NHS WDES 2023: technical guidance"; NHS
Employers, "Understanding the WDES metrics"): metrics 2 and 3 are relative likelihoods, 1.00 is
parity, so closer to 1.00 is better; 4a(i)-(iii) and 6, lower for Disabled staff is better; 4b, 5,
7, 8 and 9a, higher is better; 10, the board's Disabled % minus the workforce's, closer to 0 is
better; 1, the declaration rate (declared Disabled or non-disabled / headcount), higher is better.

Figures are stored unrounded and shown rounded half up: 2 dp for ratios and scores, 1 dp for
percentages and percentage points. Trends compare the figures as shown.

National values come from `wdes_national.csv` (standard, year, metric, measure, value, source):
only figures NHS England published (or a cited summary of its report), each with its source.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tracker.indicators.ratios import round_half_up

NATIONAL_FILE = Path(__file__).with_name("wdes_national.csv")

PERCENT, RATIO, SCORE, POINTS, ANSWER = "percent", "ratio", "score", "points", "answer"
LOWER, HIGHER, CLOSER_TO_1, CLOSER_TO_0 = "lower", "higher", "closer_to_1", "closer_to_0"
BETTER, WORSE, SAME, NOT_COMPARABLE = "Better than last year", "Worse than last year", "No change", "Not comparable"
MEASURE_NAMES = {"disabled": "Disabled", "non_disabled": "Non-disabled", "not_declared": "Not declared",
                 "declaration_rate": "Declaration rate", "value": "Relative likelihood", "overall": "Overall",
                 "answer": "Answer", "voting": "Voting members", "executive": "Executive members"}


@dataclass(frozen=True)
class MetricShape:
    """What a metric's table rows are, their unit, and which row the trend judges (and which way)."""

    unit: str
    measures: tuple[str, ...]
    judged: tuple[str, ...]
    direction: str | None

    @property
    def better(self) -> str:
        """What better looks like, in words."""
        return {
            LOWER: "Lower for Disabled staff is better",
            HIGHER: "Higher is better",
            CLOSER_TO_1: "Closer to 1.00 is better (1.00 is parity)",
            CLOSER_TO_0: "Closer to 0 is better (the board matches the workforce)",
        }.get(self.direction or "", "No direction: a narrative answer")


_SURVEY = ("disabled", "non_disabled")
SHAPES: dict[str, MetricShape] = {
    "1": MetricShape(PERCENT, ("disabled", "non_disabled", "not_declared", "declaration_rate"),
                     ("declaration_rate",), HIGHER),
    "2": MetricShape(RATIO, ("value",), ("value",), CLOSER_TO_1),
    "3": MetricShape(RATIO, ("value",), ("value",), CLOSER_TO_1),
    "4a_i": MetricShape(PERCENT, _SURVEY, ("disabled",), LOWER),
    "4a_ii": MetricShape(PERCENT, _SURVEY, ("disabled",), LOWER),
    "4a_iii": MetricShape(PERCENT, _SURVEY, ("disabled",), LOWER),
    "4b": MetricShape(PERCENT, _SURVEY, ("disabled",), HIGHER),
    "5": MetricShape(PERCENT, _SURVEY, ("disabled",), HIGHER),
    "6": MetricShape(PERCENT, _SURVEY, ("disabled",), LOWER),
    "7": MetricShape(PERCENT, _SURVEY, ("disabled",), HIGHER),
    "8": MetricShape(PERCENT, ("disabled",), ("disabled",), HIGHER),
    "9a": MetricShape(SCORE, _SURVEY, ("disabled",), HIGHER),
    "9b": MetricShape(ANSWER, ("answer",), (), None),
    "10": MetricShape(POINTS, ("voting", "executive"), ("voting", "executive"), CLOSER_TO_0),
}
PLACES = {PERCENT: 1, POINTS: 1, RATIO: 2, SCORE: 2, ANSWER: 0}


def shown(value: float | None, unit: str) -> str:
    """A figure as the pages show it: "25.0%", "1.25", "6.50", "-3.2 pp", "Yes"; "" for None."""
    if value is None:
        return ""
    if unit == ANSWER:
        return "Yes" if value else "No"
    rounded = round_half_up(value, PLACES[unit]) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = f"{rounded:.{PLACES[unit]}f}"
    if unit == PERCENT:
        return f"{text}%"
    if unit == POINTS:
        return f"{'+' if rounded > 0 else ''}{text} pp"
    return text


def unit_of(metric: str, measure: str) -> str:
    """The unit of one measure (metric 1's declaration rate and shares are percentages)."""
    return SHAPES[metric].unit


def _distance(value: float, direction: str) -> float:
    return {LOWER: value, HIGHER: -value, CLOSER_TO_1: abs(value - 1.0), CLOSER_TO_0: abs(value)}[direction]


def judge(metric: str, before: float | None, after: float | None) -> str:
    """Better / Worse than last year, No change, or Not comparable (a figure missing, or no direction)."""
    shape = SHAPES[metric]
    if shape.direction is None or before is None or after is None:
        return NOT_COMPARABLE
    places = PLACES[shape.unit]
    first = round_half_up(_distance(round_half_up(before, places), shape.direction), places)
    second = round_half_up(_distance(round_half_up(after, places), shape.direction), places)
    if first == second:
        return SAME
    return BETTER if second < first else WORSE


@dataclass(frozen=True)
class NationalValue:
    """A published national WDES figure and where it was published."""

    year: int
    metric: str
    measure: str
    value: float
    source: str


@cache
def national_values() -> tuple[NationalValue, ...]:
    """Every national WDES figure shipped in wdes_national.csv."""
    with NATIONAL_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(NationalValue(int(row["year"]), row["metric"], row["measure"], float(row["value"]), row["source"])
                     for row in csv.DictReader(handle) if row["standard"] == "wdes")


def national_for(metric: str, measure: str) -> dict[int, NationalValue]:
    """{year: national value} of one metric's measure."""
    return {item.year: item for item in national_values() if (item.metric, item.measure) == (metric, measure)}
