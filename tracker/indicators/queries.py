"""Reading stored WRES years back: the indicators table, trends, charts and linked actions."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import Integer, Select, and_, bindparam, case, func, select, union_all

from tracker import clock
from tracker.actions.models import Action, ProgressUpdate
from tracker.actions.queries import owners_joined, split_owners
from tracker.admin.service import organisation_settings
from tracker.database import planned_for_any_values
from tracker.dates import long_date
from tracker.extensions import db
from tracker.indicators import charts
from tracker.indicators.definitions import IndicatorDefinition, load_definitions
from tracker.indicators.models import IndicatorValue, IndicatorYear, MeasureLink, MeasureTally, NationalValue
from tracker.indicators.ratios import round_half_up
from tracker.indicators.trend import Judgement, judge
from tracker.plans.models import Plan
from tracker.standards import WRES

STANDARD = "wres"
DEFINITIONS: dict[int, IndicatorDefinition] = {d.number: d for d in load_definitions(STANDARD)}
NUMBERS = tuple(DEFINITIONS)
#: The measures shown in the indicators table: BME and White rows for the survey indicators.
TABLE_MEASURES = {n: (("bme", "white") if DEFINITIONS[n].kind == "survey_pair" else ("value",)) for n in NUMBERS}
MEASURE_NAMES = {"value": "", "bme": "BME", "white": "White", "vsm": "VSM", "non_medical": "excluding medical staff"}


@dataclass(frozen=True)
class YearColumn:
    """A stored year and where its figures came from ("computed" or "entered")."""

    year: int
    source: str
    imported_at: datetime


@dataclass(frozen=True)
class Figure:
    """One stored figure of a line in one year."""

    value: float | None
    reason: str | None = None
    small_numbers: bool = False
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass(frozen=True)
class Line:
    """One row of the indicators table: an indicator (or its BME or White figure) over the years."""

    definition: IndicatorDefinition
    measure: str
    group: str | None
    years: tuple[int, ...]
    figures: dict[int, Figure]
    national: dict[int, float]
    target: float | None

    @property
    def number(self) -> int:
        return self.definition.number

    @property
    def unit(self) -> str:
        return self.definition.unit

    def value(self, year: int | None) -> float | None:
        """The figure of a year, or None."""
        figure = self.figures.get(year)
        return figure.value if figure else None

    @property
    def latest_year(self) -> int | None:
        return self.years[-1] if self.years else None

    @property
    def previous_year(self) -> int | None:
        return self.years[-2] if len(self.years) > 1 else None

    @property
    def trend(self) -> Judgement | None:
        """Better, worse or the same as the previous stored year, by the indicator's direction."""
        return judge(self.definition.direction, self.value(self.previous_year), self.value(self.latest_year),
                     target=self.target)

    @property
    def national_latest(self) -> tuple[int | None, float | None]:
        """The national figure of the latest stored year, else the most recent one before it."""
        limit = self.latest_year or max(self.national, default=0)
        years = [year for year in self.national if year <= limit]
        return (max(years), self.national[max(years)]) if years else (None, None)

    @property
    def versus_national(self) -> str | None:
        """better / worse / same than national; above / below / same for closer-to-target indicators."""
        _year, national = self.national_latest
        value = self.value(self.latest_year)
        if national is None or value is None:
            return None
        if self.definition.direction != "closer_to_target":
            return judge(self.definition.direction, national, value)
        shown, reference = round_half_up(value, 2), round_half_up(national, 2)
        return "same" if shown == reference else ("above" if shown > reference else "below")


@dataclass(frozen=True)
class IndicatorTable:
    """The indicators × years table."""

    years: tuple[YearColumn, ...]
    lines: tuple[Line, ...]
    target: float | None

    def for_indicator(self, number: int) -> tuple[Line, ...]:
        """The lines of one indicator."""
        return tuple(line for line in self.lines if line.number == number)


@cache
def _years_query() -> Select:
    """Every indicators table runs this and the next two, the action page too: so they are built once."""
    return select(IndicatorYear.year, IndicatorYear.source, IndicatorYear.imported_at).order_by(IndicatorYear.year)


@cache
def _values_query() -> Select:
    return select(
        IndicatorValue.indicator, IndicatorValue.measure, IndicatorValue.year, IndicatorValue.value,
        IndicatorValue.not_calculable_reason, IndicatorValue.small_numbers, IndicatorValue.ci_low,
        IndicatorValue.ci_high,
    ).where(IndicatorValue.indicator.in_(bindparam("numbers", expanding=True)))


@cache
def _national_query() -> Select:
    return (select(NationalValue.indicator, NationalValue.measure, NationalValue.year, NationalValue.value)
            .where(NationalValue.standard == bindparam("standard"),
                   NationalValue.indicator.in_(bindparam("numbers", expanding=True))))


def year_columns() -> tuple[YearColumn, ...]:
    """Every stored year, oldest first."""
    rows = db.session.execute(_years_query())
    return tuple(YearColumn(*row) for row in rows)


def national_series(numbers: tuple[int, ...] = NUMBERS) -> dict[tuple[int, str], dict[int, float]]:
    """{(indicator, measure): {year: value}} of the WRES national averages of the given indicators."""
    series: dict[tuple[int, str], dict[int, float]] = {}
    rows = db.session.execute(_national_query(), {"standard": STANDARD, "numbers": list(numbers)})
    for indicator, measure, year, value in rows:
        series.setdefault((indicator, measure), {})[year] = value
    return series


def group_label(measure: str, bme_label: str) -> str | None:
    """None for single-figure indicators, else the trust's BME label or "White"."""
    return {"bme": bme_label, "white": "White"}.get(measure)


def indicator_table(numbers: tuple[int, ...] = NUMBERS) -> IndicatorTable:
    """The table of the given indicators over every stored year (three queries)."""
    settings = organisation_settings()
    target = float(settings.local_population_bme_percent) if settings.local_population_bme_percent is not None else None
    years = year_columns()
    figures: dict[tuple[int, str], dict[int, Figure]] = {}
    rows = db.session.execute(_values_query(), {"numbers": list(numbers)})
    for indicator, measure, year, *figure in rows:
        figures.setdefault((indicator, measure), {})[year] = Figure(*figure)
    national = national_series(numbers)
    lines = tuple(
        Line(DEFINITIONS[number], measure, group_label(measure, settings.bme_label),
             tuple(column.year for column in years), figures.get((number, measure), {}),
             national.get((number, measure), {}), target)
        for number in numbers for measure in TABLE_MEASURES[number])
    return IndicatorTable(years, lines, target)


def chart_for(number: int, table: IndicatorTable, bme_label: str) -> charts.Chart:
    """The trend chart of one indicator: the trust against national (BME and White for 5-8)."""
    definition = DEFINITIONS[number]
    years = [column.year for column in table.years]
    series = []
    for line in table.for_indicator(number):
        group = line.measure if line.measure in ("bme", "white") else "all"
        name = f"{line.group} " if line.group else ""
        series.append(charts.Series(f"Trust {name}".strip(), tuple((y, line.value(y)) for y in years), group))
        national_years = sorted(y for y in line.national if _national_in_view(y, years, line.national_latest[0]))
        if national_years:
            series.append(charts.Series(f"National {name}".strip(),
                                        tuple((y, line.national[y]) for y in national_years), group, True))
    reference = table.target if definition.direction == "closer_to_target" else None
    return charts.Chart(
        f"Indicator {number}: {definition.short_title.replace('BME', bme_label)}", definition.unit, tuple(series), reference,
        f"Local population {reference:.2f}%" if reference is not None else "",
        non_adverse_range=definition.unit == "ratio")


def _national_in_view(year: int, years: list[int], latest: int | None) -> bool:
    """A national year the chart draws: within the stored years, or the latest one published before them.

    So a single stored year (or years the national figures are not yet published for) still
    shows the national figure the table compares against.
    """
    if not years:
        return True
    return (years[0] <= year <= years[-1]) or year == latest


#: Each current plan's linked actions shown on an indicator or metric page; the plan page lists the rest.
LINKED_SHOWN = 10


class ShownPlan(NamedTuple):
    """A current plan with linked actions, as its heading shows it."""

    id: int
    year: str
    title: str


class ShownAction(NamedTuple):
    """A linked action as its row shows it: reference, text (cut at 160 characters), due date ("" when none),
    RAG and its owners' names."""

    id: int
    plan_id: int
    ref: str
    text: str
    due: str
    rag: str | None
    owners: str


class ShownUpdate(NamedTuple):
    """The latest progress update of a shown action: its date, status and narrative as the row shows them."""

    as_at: date
    when: str
    status: str
    narrative: str


class LinkedAction(NamedTuple):
    """An action meant to move a measure, with its latest progress update."""

    action: ShownAction
    latest: ShownUpdate | None


@dataclass(frozen=True)
class LinkedPlan:
    """A current plan's actions linked to one measure: how many, by RAG, and the first few needing attention."""

    plan: ShownPlan
    total: int
    by_rag: dict[str | None, int]
    overdue: int
    shown: list[LinkedAction]

    @property
    def more(self) -> bool:
        return self.total > len(self.shown)


#: A linked action's row shows its text to 160 characters and its latest narrative to 200.
TEXT_SHOWN = 160
NARRATIVE_SHOWN = 200
_LINK = MeasureLink.__table__.c
_TALLY = MeasureTally.__table__.c


@cache
def _linked_counts() -> Select:
    """Per current plan and RAG, how many linked actions, how many of them open and due before this month
    (:month, "2025-03"): a few measure_tallies rows per plan and month, whatever the number of actions; and
    the plan's open linked actions due this month before today (:month_start, :today), counted from
    measure_links' due-date index (the same on each of the plan's rows)."""
    overdue = and_(_TALLY.open == 1, _TALLY.due_month < bindparam("month"))
    due_this_month = (select(func.count())
                      .where(_LINK.standard == bindparam("standard"), _LINK.measure == bindparam("measure"),
                             _LINK.plan_id == Plan.id, _LINK.open == 1, _LINK.due_order >= bindparam("month_start"),
                             _LINK.due_order < bindparam("today"))
                      .correlate(Plan).scalar_subquery())
    return (select(Plan.id, Plan.year, Plan.title, _TALLY.rag, func.sum(_TALLY.actions),
                   func.sum(case((overdue, _TALLY.actions), else_=0)), due_this_month)
            .join(Plan, Plan.id == _TALLY.plan_id)
            .where(_TALLY.standard == bindparam("standard"), _TALLY.measure == bindparam("measure"), Plan.is_live)
            .group_by(Plan.id, Plan.year, Plan.title, _TALLY.rag))


@cache
def _linked_first(plans: int) -> Select:
    """The first :shown linked actions of each of `plans` plans (:plan0, :plan1 …) most needing attention,
    each plan's read in index order and stopped after :shown; with each action's columns, its latest
    update (one index seek per action on (action_id, posted_at)), its owners' names and its attention.
    :shown is written into the statement, so that its plan made for any values (`planned_for_any_values`)
    expects that many rows a plan: as a parameter, it would expect a tenth of each plan's links and hash
    every action."""
    order = (_LINK.attention, _LINK.due_order, _LINK.ref_order, _LINK.action_id)
    parts = []
    for number in range(plans):
        part = (select(*order).where(_LINK.standard == bindparam("standard"), _LINK.measure == bindparam("measure"),
                                     _LINK.plan_id == bindparam(f"plan{number}"))
                .order_by(*order).limit(bindparam("shown", type_=Integer, literal_execute=True)).subquery())
        parts.append(select(part))
    first = union_all(*parts).subquery() if plans > 1 else parts[0].subquery()
    newest = (select(ProgressUpdate.id).where(ProgressUpdate.action_id == Action.id)
              .order_by(ProgressUpdate.posted_at.desc(), ProgressUpdate.id.desc()).limit(1)
              .correlate(Action).scalar_subquery())
    owners = owners_joined(Action.id)
    return (select(first.c.attention, Action.id, Action.plan_id, Action.ref, Action.ref_order, Action.text,
                   Action.due_on, Action.rag, owners, ProgressUpdate.as_at, ProgressUpdate.status,
                   func.substr(ProgressUpdate.narrative, 1, NARRATIVE_SHOWN + 1))
            .join(Action, Action.id == first.c.action_id)
            .outerjoin(ProgressUpdate, ProgressUpdate.id == newest))


def _cut(text: str, length: int) -> str:
    """Jinja's truncate(length): as it is within 5 characters of `length`, else cut at a word and "..."."""
    if len(text) <= length + 5:
        return text
    return text[:length - 3].rsplit(" ", 1)[0] + "..."


def _linked_action(row) -> LinkedAction:
    _attention, action_id, plan_id, ref, ref_order, text, due_on, rag, owners, as_at, status, narrative = row
    action = ShownAction(action_id, plan_id, ref, _cut(text, TEXT_SHOWN), long_date(due_on) if due_on else "", rag,
                         "; ".join(split_owners(owners)))
    if as_at is None:
        return LinkedAction(action, None)
    if len(narrative) > NARRATIVE_SHOWN:
        narrative = narrative[:NARRATIVE_SHOWN] + "…"
    return LinkedAction(action, ShownUpdate(as_at, long_date(as_at), (status or "").capitalize(), narrative))


def linked_actions(key: int | str, standard: str = WRES, shown: int = LINKED_SHOWN) -> list[LinkedPlan]:
    """Per plan that is not closed or archived (newest first), the actions linked to a measure (a WRES indicator
    number, or a WDES metric key with standard="wdes"): how many, by RAG and overdue, and the first `shown`
    most needing attention (red, amber, other open ones by due date so overdue first, then complete or
    closed; undated last, then by reference) with their owners and latest update.

    Two queries, none reading every linked action: the counts by RAG from `MeasureTally` (a few rows per
    plan and month) with the overdue ones due this month from measure_links' due-date index, and each plan's
    first few read in measure_links' attention order and stopped after `shown`, with their owners and latest
    update. Both tables are kept by triggers in the transaction that changes the action or its links.
    The rows' text, dates and names come formatted as shown (pages render 10 a plan)."""
    params = {"standard": standard, "measure": str(key)}
    today = clock.today()
    plans: dict[int, ShownPlan] = {}
    counts: dict[int, dict[str | None, int]] = {}
    overdue: Counter = Counter()
    due_this_month: dict[int, int] = {}
    for plan_id, year, title, rag, count, overdue_here, due_now in db.session.execute(_linked_counts(), {
            **params, "month": f"{today:%Y-%m}", "month_start": today.replace(day=1), "today": today}):
        if count:
            plans.setdefault(plan_id, ShownPlan(plan_id, year, title))
            counts.setdefault(plan_id, {})[rag or None] = int(count)
            overdue[plan_id] += int(overdue_here or 0)
            due_this_month[plan_id] = int(due_now or 0)
    if not plans:
        return []
    overdue.update(due_this_month)
    order = sorted(plans.values(), key=lambda plan: (plan.year, -plan.id), reverse=True)
    with planned_for_any_values():
        rows = db.session.execute(_linked_first(len(order)), {
            **params, "shown": shown, **{f"plan{number}": plan.id for number, plan in enumerate(order)}}).all()
    first: dict[int, list] = {}
    for row in sorted(rows, key=_attention_order):
        first.setdefault(row.plan_id, []).append(_linked_action(row))
    return [LinkedPlan(plan, sum(counts[plan.id].values()), counts[plan.id], overdue[plan.id],
                       first.get(plan.id, []))
            for plan in order]


def _attention_order(row) -> tuple:
    """measure_links' order: attention, due date (undated last), reference, id."""
    return row.attention, row.due_on is None, row.due_on, row.ref_order, row.id


@dataclass(frozen=True)
class LatestValue:
    """The latest figure of one line (an indicator, or its BME or White figure)."""

    group: str | None
    unit: str
    value: float | None
    trend: Judgement | None
    previous_year: int | None


@dataclass(frozen=True)
class LatestIndicator:
    """An indicator's title and latest stored figures, for an action's page."""

    number: int
    title: str
    short_title: str
    year: int | None
    source: str | None
    values: tuple[LatestValue, ...]


def latest_for_indicators(numbers: list[int]) -> list[LatestIndicator]:
    """Each indicator's title and latest stored value, with its year and trend word."""
    wanted = tuple(sorted({n for n in numbers if n in DEFINITIONS}))
    if not wanted:
        return []
    table = indicator_table(wanted)
    source = table.years[-1].source if table.years else None
    return [
        LatestIndicator(
            number, DEFINITIONS[number].title, DEFINITIONS[number].short_title,
            table.years[-1].year if table.years else None, source,
            tuple(LatestValue(line.group, line.unit, line.value(line.latest_year), line.trend, line.previous_year)
                  for line in table.for_indicator(number)))
        for number in wanted]


def national_grid() -> tuple[list[int], list[tuple[int, str, dict[int, float]]]]:
    """Years, and one row per (indicator, measure) with its national value per year."""
    series = national_series()
    years = sorted({year for values in series.values() for year in values})
    order = list(MEASURE_NAMES)
    rows = [(number, measure, series[(number, measure)])
            for number, measure in sorted(series, key=lambda key: (key[0], order.index(key[1])
                                                                   if key[1] in order else len(order)))]
    return years, rows
