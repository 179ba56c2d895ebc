"""A year's action plan and its numbered themes (objectives)."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, ForeignKey, Integer, String, Text, UniqueConstraint, and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import standards
from tracker.clock import uk_date
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
