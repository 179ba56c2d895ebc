"""A year's action plan and its numbered themes (objectives)."""
from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, ForeignKey, Integer, String, Text, UniqueConstraint, and_, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import standards
from tracker.clock import uk_date
from tracker.database import bulk_marks, is_sqlite, triggers_off
from tracker.extensions import db

if TYPE_CHECKING:
    from tracker.actions.models import Action
    from tracker.auth.models import User
    from tracker.governance.models import Forum


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    CLOSED = "closed"


class Plan(db.Model):
    __tablename__ = "plans"
    #: Ids are never reused (SQLite would otherwise give a deleted plan's id to the next plan,
    #: and the deleted plan's audit trail, which keeps its id, would read as the new one's).
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The NHS financial year the plan covers, e.g. "2024-25".
    year: Mapped[str] = mapped_column(String(7), index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default=PlanStatus.DRAFT.value)
    approved_on: Mapped[date | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id"))
    #: Numbered key for the "Links to equality objectives" column, one per line.
    equality_objectives_key: Mapped[str] = mapped_column(Text, default="")
    #: Numbered key for the "Links to EDI goals" column, one per line.
    edi_goals_key: Mapped[str] = mapped_column(Text, default="")
    #: "wres", "wdes" or "combined" (`tracker.standards.PLAN_STANDARDS`): which measures its actions link to.
    standard: Mapped[str] = mapped_column(String(10), default=standards.WRES, server_default=standards.WRES)
    version: Mapped[int] = mapped_column(default=1)
    #: When an admin archived the plan; null while it is not archived. An archived plan is kept
    #: whole and opens by its address, but is left out of the plans list (except under "Show
    #: archived plans"), My actions, forums, agendas, reminders, calendars and the Word documents'
    #: plan choices, and its actions take no progress updates. Restoring sets it back to null;
    #: the audit trail keeps every archive and restore.
    archived_at: Mapped[datetime | None]
    #: The admin who archived it (null while it is not archived).
    archived_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    approved_by: Mapped[Forum | None] = relationship()
    archived_by: Mapped[User | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(
        back_populates="plan", order_by="Theme.position", cascade="all, delete-orphan"
    )
    actions: Mapped[list[Action]] = relationship(back_populates="plan", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def label(self) -> str:
        return f"{self.year}: {self.title}"

    @property
    def standard_label(self) -> str:
        """ "WRES plan", "WDES plan" or "Combined EDI plan (WRES and WDES)"."""
        return standards.PLAN_STANDARDS[self.standard]

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def archived_on(self) -> date | None:
        """The UK date it was archived."""
        return uk_date(self.archived_at) if self.archived_at else None

    @hybrid_property
    def is_live(self) -> bool:
        """Neither closed nor archived: its open actions are listed, put on agendas and reminded of.

        In a query, `Plan.is_live` is the same rule in SQL: the one definition every list of open
        actions filters on."""
        return self.status != PlanStatus.CLOSED.value and self.archived_at is None

    @is_live.inplace.expression
    @classmethod
    def _is_live_expression(cls) -> ColumnElement[bool]:
        return and_(cls.status != PlanStatus.CLOSED.value, cls.archived_at.is_(None))


def theme_label(number: str, title: str) -> str:
    """"2. Speaking up": how a theme is headed in published plans."""
    return f"{number}. {title}"


class Theme(db.Model):
    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    #: "1", "2"… as printed before the theme title.
    number: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[Plan] = relationship(back_populates="themes")
    actions: Mapped[list[Action]] = relationship(back_populates="theme", order_by="Action.position")

    @property
    def label(self) -> str:
        return theme_label(self.number, self.title)


class PlanRevision(db.Model):
    """A number that grows with every change to a plan's actions, their progress updates and links.

    Written only by database triggers (migration 0016_plan_summaries), in the same transaction as the
    change, whatever made it: the app, the CLI, a bulk Core insert or a SQL console. The app only reads it."""

    __tablename__ = "plan_revisions"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    revision: Mapped[int] = mapped_column(Integer)


class PlanMonthRevision(db.Model):
    """A number per plan and month that grows with every change that could alter an action's RAG at
    the end of that month or later (the first day of the month; 0001-01-01 for every month).

    Written only by database triggers (migration 0019_incremental_summaries), like PlanRevision; a
    stored summary's RAG over time is counted again only from the first month whose number moved."""

    __tablename__ = "plan_month_revisions"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    month: Mapped[date] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)


class PlanSummary(db.Model):
    """The plan overview's figures (`tracker.plans.summaries`) as JSON, computed at `revision` of the plan."""

    __tablename__ = "plan_summaries"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    revision: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime]


#: The count tables' foreign keys are checked at commit: deleting a plan deletes its actions, whose
#: triggers take them off the plan's counts after the plan row has gone; a count row added earlier in
#: the same transaction would otherwise be checked again then (PostgreSQL re-checks a row its own
#: transaction inserted) and refuse the delete. The cascade removes the count rows before the commit.
COUNT_KEY = {"deferrable": True, "initially": "DEFERRED"}


class PlanActionCount(db.Model):
    """How many of a plan's actions are at one status.

    Written only by database triggers (migration 0017_action_counts), in the same transaction as the
    change to the actions, whatever made it. The app only reads it: the plans list's sizes, the plan
    page's statuses and its unfiltered count."""

    __tablename__ = "plan_action_counts"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE", **COUNT_KEY), primary_key=True,
                                         autoincrement=False)
    #: The actions' status word; "" for actions with no status.
    status: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: 0 once the last such action has gone or changed status (the row is kept).
    actions: Mapped[int] = mapped_column(Integer)


# Bulk loads ---------------------------------------------------------------------------------------

#: The insert triggers that keep plan_action_counts (0017), plan_revisions (0016) and plan_month_revisions
#: (0019) in step with new actions, progress updates and links: (table, trigger).
_INSERT_TRIGGERS = (("actions", "action_counts_actions_insert"), ("actions", "plan_revisions_actions_insert"),
                    ("actions", "plan_months_actions_insert"),
                    ("progress_updates", "plan_revisions_progress_updates_insert"),
                    ("progress_updates", "plan_months_progress_updates_insert"),
                    ("action_measures", "plan_revisions_action_measures_insert"),
                    ("action_forums", "plan_revisions_action_forums_insert"))
#: Each new action's status added to its plan's count (a row added when missing).
_FILL_COUNTS = (
    "INSERT INTO plan_action_counts (plan_id, status, actions) "
    "SELECT plan_id, coalesce(status, ''), count(*) FROM actions WHERE id > :actions "
    "GROUP BY plan_id, coalesce(status, '') "
    "ON CONFLICT (plan_id, status) DO UPDATE SET actions = plan_action_counts.actions + excluded.actions")
#: One more revision for each new action, progress update, indicator link and forum link of the plan.
_FILL_REVISIONS = (
    "UPDATE plan_revisions SET revision = plan_revisions.revision + added.n FROM ("
    "SELECT plan_id, sum(n) AS n FROM ("
    "SELECT plan_id, count(*) AS n FROM actions WHERE id > :actions GROUP BY plan_id UNION ALL "
    "SELECT a.plan_id, count(*) FROM progress_updates p JOIN actions a ON a.id = p.action_id "
    "WHERE p.id > :updates GROUP BY a.plan_id UNION ALL "
    "SELECT a.plan_id, count(*) FROM action_measures m JOIN actions a ON a.id = m.action_id "
    "WHERE m.action_id > :actions GROUP BY a.plan_id UNION ALL "
    "SELECT a.plan_id, count(*) FROM action_forums f JOIN actions a ON a.id = f.action_id "
    "WHERE f.action_id > :actions GROUP BY a.plan_id) AS counted GROUP BY plan_id) AS added "
    "WHERE plan_revisions.plan_id = added.plan_id")
#: One more for the month of each new rated action's rating date (0001-01 when it has none; no update of
#: the same day can outrank it, as an action's updates come after it) and of each new rated update's as-at date.
_FILL_MONTHS = (
    "INSERT INTO plan_month_revisions (plan_id, month, revision) "
    "SELECT plan_id, month, count(*) FROM ("
    "SELECT plan_id, {month_of_rating} AS month FROM actions WHERE id > :actions AND rag IS NOT NULL UNION ALL "
    "SELECT a.plan_id, {month_of_update} FROM progress_updates p JOIN actions a ON a.id = p.action_id "
    "WHERE p.id > :updates AND p.rag IS NOT NULL) AS marked "
    "WHERE true GROUP BY plan_id, month "  # WHERE true keeps SQLite from reading ON CONFLICT as a join's ON
    "ON CONFLICT (plan_id, month) DO UPDATE SET revision = plan_month_revisions.revision + excluded.revision")


@contextmanager
def counted_in_bulk() -> Iterator[None]:
    """Insert new actions, then their links and progress updates, inside; the plans' action counts,
    revisions and month revisions take them in on the way out, in one statement each instead of one
    trigger run per row, adding what the insert triggers would have added.

    Meant, like `tracker.search.models.indexed_in_bulk`, for loads that add actions with their links and
    updates only (not links or updates of actions stored before, nor edits or deletions, whose triggers
    stay on). The insert triggers are off inside (`tracker.database.triggers_off`, in the caller's
    transaction: if the block raises, the caller's rollback restores them)."""
    session = db.session
    marks = bulk_marks()
    with triggers_off(_INSERT_TRIGGERS):
        yield
        if is_sqlite(session.get_bind()):
            rating, update = "date(coalesce(rag_as_at, '0001-01-01'), 'start of month')", "date(p.as_at, 'start of month')"
        else:
            rating = "date_trunc('month', coalesce(rag_as_at, DATE '0001-01-01'))::date"
            update = "date_trunc('month', p.as_at)::date"
        for statement in (_FILL_COUNTS, _FILL_REVISIONS,
                          _FILL_MONTHS.format(month_of_rating=rating, month_of_update=update)):
            session.execute(text(statement), marks)
