"""Plain data that the Word builders turn into board documents.

Callers (views, CLI commands, benchmarks) fill these from the database or from
files; the builders in ``tracker.reports.word`` never touch either.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.indicators.wdes_figures import BETTER, NOT_COMPARABLE, SAME, WORSE

RAG_VALUES = ("red", "amber", "green", "blue")
PRIORITIES = ("must", "should", "could")
UNITS = ("percent", "ratio")
TRENDS = ("better", "worse", "same")
#: Trust against national: better / worse / same, or above / below for representation indicators.
VERSUS_NATIONAL = ("better", "worse", "same", "above", "below")


def _check_choice(where: str, field: str, value: str | None, allowed: tuple[str, ...]) -> None:
    """Raise a ValueError naming the record and field when value is not allowed."""
    if value is not None and value not in allowed:
        choices = ", ".join(allowed)
        raise ValueError(f"{where}: {field} must be one of {choices} or None, got {value!r}")


@dataclass(frozen=True)
class PrintedUpdate:
    """One dated progress update posted on an action."""

    on: date
    author: str
    status: str | None
    rag: str | None
    text: str
    #: Names of the evidence files attached to the update (removed ones left out).
    evidence: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_choice(f"update of {self.on.isoformat()}", "rag", self.rag, RAG_VALUES)


@dataclass(frozen=True)
class PrintedAction:
    """One numbered action of a plan, as printed in an appendix."""

    ref: str
    text: str
    indicators: tuple[int, ...]
    by_who: str
    by_when: str
    status: str | None
    rag: str | None
    rag_as_at: date | None
    narrative: str
    history: tuple[PrintedUpdate, ...]
    forums: str
    priority: str | None
    equality_objectives: str
    edi_goals: str
    outcome: str
    cancelled_reason: str | None
    #: "Train", "Retain" or "Reform" in plans organised that way (the 2024 Appendix 1's columns).
    category: str = ""
    #: The measures it links to, as people read them, in the standards' order: ("WRES 2", "WDES 4a(ii)").
    measures: tuple[str, ...] = ()
    #: The EDI Improvement Plan's high impact actions it serves (1-6).
    high_impact_actions: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        where = f"action {self.ref or self.text[:40]!r}"
        _check_choice(where, "rag", self.rag, RAG_VALUES)
        priority = self.priority.lower() if self.priority else None
        _check_choice(where, "priority", priority, PRIORITIES)
        bad = [n for n in self.indicators if not 1 <= n <= 9]
        if bad:
            raise ValueError(f"{where}: WRES indicators are numbered 1 to 9, got {bad}")
        bad = [n for n in self.high_impact_actions if not 1 <= n <= 6]
        if bad:
            raise ValueError(f"{where}: high impact actions are numbered 1 to 6, got {bad}")


@dataclass(frozen=True)
class ThemeRow:
    """A numbered theme (objective) and its actions."""

    number: str
    title: str
    actions: tuple[PrintedAction, ...]


@dataclass(frozen=True)
class PlanDocument:
    """A whole plan or progress report, ready to print."""

    trust_name: str
    title: str
    year: str
    as_at: date
    themes: tuple[ThemeRow, ...]
    bme_label: str
    #: What the numbers in the "Links to equality objectives" / "Links to EDI goals" columns mean.
    equality_objectives_key: str = ""
    edi_goals_key: str = ""
    #: The plan's kind: "wres", "wdes" or "combined" (`tracker.standards.PLAN_STANDARDS`).
    standard: str = "wres"


@dataclass(frozen=True)
class IndicatorLine:
    """One row of the indicator summary: an indicator (and group) over the years.

    ``group`` is None for single-row indicators, "White" for the White row, and
    any other value for the BME row, which is printed with the trust's label.
    """

    number: int
    title: str
    group: str | None
    values: tuple[tuple[int, float | None], ...]
    unit: str
    national: float | None
    trend: str | None
    lower_is_better: bool
    #: The year of ``national`` (the latest stored year's, else the most recent before it).
    national_year: int | None = None
    #: The trust's latest figure against ``national``, judged by the indicator's direction.
    versus_national: str | None = None

    def __post_init__(self) -> None:
        where = f"indicator {self.number}"
        _check_choice(where, "unit", self.unit, UNITS)
        _check_choice(where, "trend", self.trend, TRENDS)
        _check_choice(where, "versus_national", self.versus_national, VERSUS_NATIONAL)


@dataclass(frozen=True)
class IndicatorSummary:
    """The indicator summary table and its trend charts (PNG bytes)."""

    years: tuple[int, ...]
    lines: tuple[IndicatorLine, ...]
    charts: tuple[tuple[int, bytes], ...]


@dataclass(frozen=True)
class Cover:
    """The cover page of a board pack."""

    trust_name: str
    title: str
    date: date
    author: str
    lead_director: str


#: The columns of a plan chart's figures: the RAG ratings in stacking order, then not rated.
RAG_COLUMNS = ("Red", "Amber", "Green", "Blue (complete)", "Not rated")


@dataclass(frozen=True)
class RagChart:
    """One of the plan's RAG charts (PNG bytes) and the figures it is drawn from."""

    title: str
    #: The heading of the figures' first column: "Theme", "Month".
    first_column: str
    #: (label, counts in RAG_COLUMNS order) per bar.
    rows: tuple[tuple[str, tuple[int, ...]], ...]
    png: bytes
    description: str
    note: str = ""

    def __post_init__(self) -> None:
        bad = [label for label, counts in self.rows if len(counts) != len(RAG_COLUMNS)]
        if bad:
            raise ValueError(f"chart {self.title!r}: rows {bad} need a count for each of {', '.join(RAG_COLUMNS)}")


@dataclass(frozen=True)
class PlanCharts:
    """The board pack's charts of the plan: RAG by theme and RAG over time."""

    heading: str
    charts: tuple[RagChart, ...]


@dataclass(frozen=True)
class HiaLine:
    """One row of the board pack's progress by high impact action (number None: actions tagged with none)."""

    number: int | None
    title: str
    actions: int
    #: Counts in RAG_COLUMNS order.
    rag_counts: tuple[int, ...]
    overdue: int

    def __post_init__(self) -> None:
        if len(self.rag_counts) != len(RAG_COLUMNS):
            raise ValueError(f"HIA {self.number}: rag_counts needs a count for each of {', '.join(RAG_COLUMNS)}")


@dataclass(frozen=True)
class HiaProgress:
    """The plan's actions counted by high impact action, as they stood on `as_at`."""

    as_at: date
    lines: tuple[HiaLine, ...]
    #: Actions in the plan (an action serving several HIAs is counted in each of their rows).
    total: int


#: How a WDES figure is written: a percentage, a relative likelihood, an engagement score (0-10),
#: percentage points (metric 10), or a yes / no answer (metric 9b).
WDES_UNITS = ("percent", "ratio", "score", "points", "answer")
#: The WDES pages' trend words (`tracker.indicators.wdes_figures`), so the documents say what the pages say.
WDES_TRENDS = (BETTER, WORSE, SAME, NOT_COMPARABLE)


@dataclass(frozen=True)
class WdesFigure:
    """One stored WDES figure: its value, or None and the reason it could not be calculated."""

    value: float | None
    reason: str | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    small_numbers: bool = False


@dataclass(frozen=True)
class WdesLine:
    """One row of the WDES summary: a metric (or one part of metric 10) for the year."""

    #: "1", "4a(ii)", "10"
    label: str
    title: str
    unit: str
    disabled: WdesFigure | None = None
    non_disabled: WdesFigure | None = None
    #: Metrics 2 and 3: the relative likelihood with its 95% confidence interval.
    likelihood: WdesFigure | None = None
    #: Last year's headline figure (the relative likelihood, else the Disabled figure).
    last_year: WdesFigure | None = None
    #: The published national figure of the headline measure, and its year.
    national: float | None = None
    national_year: int | None = None
    national_source: str | None = None
    #: The trend in the WDES pages' words; None for a narrative answer (9b).
    trend: str | None = None
    #: The figure the trend judges when it is not the row's headline ("Declaration rate" for metric 1).
    trend_of: str | None = None

    def __post_init__(self) -> None:
        _check_choice(f"WDES metric {self.label}", "unit", self.unit, WDES_UNITS)
        _check_choice(f"WDES metric {self.label}", "trend", self.trend, WDES_TRENDS)


@dataclass(frozen=True)
class WdesSummary:
    """A WDES year's metrics, and the declaration of disability in the workforce (metric 1)."""

    year: int | None
    previous_year: int | None
    lines: tuple[WdesLine, ...]
    #: (label, this year, last year): Disabled, non-disabled, not declared, declaration rate.
    declaration: tuple[tuple[str, WdesFigure, WdesFigure | None], ...] = ()
    #: Where the national figures in the table were published, each once.
    national_sources: tuple[str, ...] = ()
