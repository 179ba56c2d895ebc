"""Stored results: a WRES or WDES year of results, its headline values, and the national reference series."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.clock import utcnow
from tracker.database import bulk_marks, is_sqlite, triggers_off
from tracker.extensions import db

if TYPE_CHECKING:
    from tracker.auth.models import User

COMPUTED = "computed"
ENTERED = "entered"
SOURCES = (COMPUTED, ENTERED)


class IndicatorYear(db.Model):
    """One WRES year: computed from a data pack, or typed in from a published report."""

    __tablename__ = "indicator_years"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    #: "computed" (from a data pack) or "entered" (typed in).
    source: Mapped[str] = mapped_column(String(10))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: DataPackSummary.to_dict() of the pack: rows, groups and unknowns per file, missing files.
    pack_summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: The aspirational target % and population the results were computed with.
    target_percent: Mapped[float | None] = mapped_column(Float)
    target_population: Mapped[str | None] = mapped_column(String(20))
    #: WresResult.to_dict(): every breakdown, ratio and target.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    imported_by: Mapped[User | None] = relationship()
    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="indicator_year", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(IndicatorValue.indicator, IndicatorValue.measure)",
    )


class IndicatorValue(db.Model):
    """One headline figure of a year: an indicator's value, or its BME or White value."""

    __tablename__ = "indicator_values"
    __table_args__ = (UniqueConstraint("year", "indicator", "measure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("indicator_years.year", ondelete="CASCADE"))
    indicator: Mapped[int]
    #: "value", "bme", "white", "non_medical" (indicators 1, 3, 4) or "vsm" (indicator 1).
    measure: Mapped[str] = mapped_column(String(20))
    value: Mapped[float | None] = mapped_column(Float)
    #: value = numerator / denominator (× 100 for percentages); for ratios, each group's rate.
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    small_numbers: Mapped[bool] = mapped_column(default=False)
    not_calculable_reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10))

    indicator_year: Mapped[IndicatorYear] = relationship(back_populates="values")


class NationalValue(db.Model):
    """A national average of one indicator (and measure) in one year, for comparison."""

    __tablename__ = "national_values"
    __table_args__ = (UniqueConstraint("standard", "year", "indicator", "measure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standard: Mapped[str] = mapped_column(String(20))
    year: Mapped[int]
    indicator: Mapped[int]
    measure: Mapped[str] = mapped_column(String(20))
    value: Mapped[float] = mapped_column(Float)


class WdesYear(db.Model):
    """One WDES year: computed from a WDES data pack, or typed in from a published report."""

    __tablename__ = "wdes_years"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    #: "computed" (from a data pack) or "entered" (typed in).
    source: Mapped[str] = mapped_column(String(10))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: What the pack held (rows and groups per file, missing files), for the page and the audit trail.
    pack_summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: WdesResult.to_dict(): every breakdown, likelihood and board figure, unrounded.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    imported_by: Mapped[User | None] = relationship()
    values: Mapped[list[WdesValue]] = relationship(
        back_populates="wdes_year", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(WdesValue.metric, WdesValue.measure)",
    )


class WdesValue(db.Model):
    """One headline figure of a WDES year.

    metric is the WDES metric's key ("1", "4a_ii", "9a", "10"); measure is one of:
    metric 1: "disabled", "non_disabled", "not_declared" (% of headcount), "declaration_rate";
    2 and 3: "value" (relative likelihood, with ci_low / ci_high and each group's rate as
    numerator / denominator); 4a(i)-7: "disabled", "non_disabled"; 8: "disabled"; 9a: "disabled",
    "non_disabled", "overall" (engagement scores 0-10); 9b: "answer" (1 yes, 0 no; the narrative
    is in the year's result); 10: "voting", "executive" (percentage points).
    """

    __tablename__ = "wdes_values"
    __table_args__ = (UniqueConstraint("year", "metric", "measure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("wdes_years.year", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(10))
    measure: Mapped[str] = mapped_column(String(20))
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    small_numbers: Mapped[bool] = mapped_column(default=False)
    not_calculable_reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10))

    wdes_year: Mapped[WdesYear] = relationship(back_populates="values")


class MeasureLink(db.Model):
    """A copy of an action's link to a measure with what the indicator and metric pages sort and count by.

    Written only by the triggers of migration 0018_indicator_links, in the transaction that links or unlinks
    the action or changes its plan, RAG, status, due date or reference; never by the application. One index
    gives a plan's first few linked actions most needing attention (attention, then due date, then reference)
    without reading the actions; the other this month's open linked actions past due (`MeasureTally` has the
    counts of the months before). Its own triggers keep `MeasureTally` in step.
    """

    __tablename__ = "measure_links"
    __table_args__ = (Index("ix_measure_links_attention", "standard", "measure", "plan_id", "attention", "due_order",
                            "ref_order", "action_id"),
                      Index("ix_measure_links_due", "standard", "measure", "open", "due_order", "plan_id"))

    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True)
    standard: Mapped[str] = mapped_column(String(10), primary_key=True)
    measure: Mapped[str] = mapped_column(String(10), primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    #: 0 red, 1 amber, 2 other open actions, 3 complete or closed (`tracker.rag.is_closed`).
    attention: Mapped[int] = mapped_column(SmallInteger)
    #: 1 when the action is open (neither blue nor a closed status), else 0.
    open: Mapped[int] = mapped_column(SmallInteger)
    rag: Mapped[str | None] = mapped_column(String(10))
    #: The due date, or 31 December 9999 when there is none (so undated actions sort last).
    due_order: Mapped[date] = mapped_column(Date)
    ref_order: Mapped[str] = mapped_column(String(200))


class MeasureTally(db.Model):
    """How many of a plan's actions linked to a measure have one RAG, are open or not, and fall due in one month.

    Written only by the triggers on measure_links (migration 0018_indicator_links), in the same transaction.
    A plan's counts by RAG and overdue are read from these rows, a few per plan and month, however many
    actions are linked: the overdue count adds the months before this one and reads this month's open
    linked actions from measure_links' due-date index.
    """

    __tablename__ = "measure_tallies"

    standard: Mapped[str] = mapped_column(String(10), primary_key=True)
    measure: Mapped[str] = mapped_column(String(10), primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    #: The RAG, or "" for not rated.
    rag: Mapped[str] = mapped_column(String(10), primary_key=True)
    open: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    #: "2025-03": the month an open action is due, "9999-12" when it has no due date; "" for closed actions.
    due_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    actions: Mapped[int] = mapped_column()


# Bulk loads ---------------------------------------------------------------------------------------

#: The insert triggers of migration 0018_indicator_links: a new indicator link copied to measure_links,
#: and a new measure_links row counted in measure_tallies. (table, trigger).
_INSERT_TRIGGERS = (("action_measures", "measure_links_link_insert"), ("measure_links", "measure_tallies_insert"))
#: tracker.rag.CLOSED_STATUSES, as the triggers have them.
_CLOSED = "('ACHIEVED', 'ACHIEVED AND ONGOING', 'CANCELLED', 'CARRIED FORWARD')"
_OPEN = f"(coalesce(a.rag, '') <> 'blue' AND coalesce(a.status, '') NOT IN {_CLOSED})"
#: The new actions' indicator links with their actions' columns, as the link trigger copies them.
_FILL_LINKS = (
    "INSERT INTO measure_links (action_id, standard, measure, plan_id, attention, open, rag, due_order, ref_order) "
    "SELECT m.action_id, m.standard, m.measure, a.plan_id, "
    f"CASE WHEN a.rag = 'red' THEN 0 WHEN a.rag = 'amber' THEN 1 WHEN {_OPEN} THEN 2 ELSE 3 END, "
    f"CASE WHEN {_OPEN} THEN 1 ELSE 0 END, a.rag, coalesce(a.due_on, {{never}}), a.ref_order "
    "FROM action_measures m JOIN actions a ON a.id = m.action_id WHERE m.action_id > :actions")
#: The new measure_links rows added to the tallies (a row added when missing), as the tally trigger counts
#: them: a closed action under the month "".
_TALLY_KEY = ("standard, measure, plan_id, coalesce(rag, ''), open, "
              "CASE WHEN open = 1 THEN {month} ELSE '' END")
_FILL_TALLIES = (
    "INSERT INTO measure_tallies (standard, measure, plan_id, rag, open, due_month, actions) "
    f"SELECT {_TALLY_KEY}, count(*) FROM measure_links WHERE action_id > :actions GROUP BY {_TALLY_KEY} "
    "ON CONFLICT (standard, measure, plan_id, rag, open, due_month) "
    "DO UPDATE SET actions = measure_tallies.actions + excluded.actions")


@contextmanager
def linked_in_bulk() -> Iterator[None]:
    """Insert new actions, then their indicator links, inside; measure_links and measure_tallies take the
    links in on the way out, in one statement each instead of two trigger runs per link, with what the
    insert triggers would have written.

    The links are copied with their actions' columns as they are on the way out, so the actions must
    not change inside after their links are added. Meant for loads that add actions with their links
    (not links of actions stored before). The triggers are off inside (`tracker.database.triggers_off`,
    in the caller's transaction: if the block raises, the caller's rollback restores them)."""
    session = db.session
    marks = bulk_marks()
    with triggers_off(_INSERT_TRIGGERS):
        yield
        sqlite = is_sqlite(session.get_bind())
        never = "'9999-12-31'" if sqlite else "DATE '9999-12-31'"
        month = "substr(due_order, 1, 7)" if sqlite else "to_char(due_order, 'YYYY-MM')"
        session.execute(text(_FILL_LINKS.format(never=never)), marks)
        session.execute(text(_FILL_TALLIES.format(month=month)), marks)
