"""Actions in a plan and the progress updates their owners post."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from tracker import standards
from tracker.actions.refs import ref_order
from tracker.clock import utcnow
from tracker.database import triggers_off
from tracker.extensions import db

if TYPE_CHECKING:
    from tracker.auth.models import User
    from tracker.governance.models import Forum
    from tracker.plans.models import Plan, Theme

action_owners = Table(
    "action_owners",
    db.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)

action_supporting_leads = Table(
    "action_supporting_leads",
    db.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)

action_forums = Table(
    "action_forums",
    db.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("forum_id", ForeignKey("forums.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ActionMeasure(db.Model):
    """A WRES indicator or WDES metric that an action is meant to move (`tracker.standards`)."""

    __tablename__ = "action_measures"
    __table_args__ = (Index("ix_action_measures_standard_measure", "standard", "measure"),)

    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True)
    #: "wres" or "wdes".
    standard: Mapped[str] = mapped_column(String(10), primary_key=True)
    #: The measure's key within its standard: "2", "4a_ii".
    measure: Mapped[str] = mapped_column(String(10), primary_key=True)

    @property
    def code(self) -> str:
        """ "wres:2", "wdes:4a_ii"."""
        return standards.code_of(self.standard, self.measure)


class ActionHighImpactAction(db.Model):
    """One of the EDI Improvement Plan's six high impact actions (1-6) that an action serves."""

    __tablename__ = "action_high_impact_actions"

    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)


class Action(db.Model):
    __tablename__ = "actions"
    #: Ids are never reused, so a deleted draft plan's action ids (kept by the audit trail) never
    #: name a new action.
    __table_args__ = (UniqueConstraint("plan_id", "ref"), Index("ix_actions_plan_id_ref_order", "plan_id", "ref_order"),
                      #: The plan overview's first overdue and first stale actions (tracker.plans.summaries).
                      Index("ix_actions_plan_id_due_on", "plan_id", "due_on", "id"),
                      Index("ix_actions_plan_id_last_update_at", "plan_id", "last_update_at", "id"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"), index=True)
    #: "1.1", "2.10" — unique within the plan.
    ref: Mapped[str] = mapped_column(String(20))
    #: The ref as a string that sorts as people read refs (1.2 before 1.10); set whenever ref is.
    ref_order: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    #: e.g. "Train" / "Retain" / "Reform" in plans organised that way.
    category: Mapped[str | None] = mapped_column(String(60))
    #: Outcome / success measure.
    outcome: Mapped[str] = mapped_column(Text, default="")
    #: "By who" as the trust writes it in published plans; owners are the linked users.
    lead_text: Mapped[str] = mapped_column(String(300), default="")
    #: By when, exactly as typed; the parsed kind and dates drive sorting and reminders.
    by_when: Mapped[str] = mapped_column(String(200), default="")
    by_when_kind: Mapped[str] = mapped_column(String(20), default="empty")
    due_on: Mapped[date | None] = mapped_column(index=True)
    starts_on: Mapped[date | None]
    #: Must / Should / Could.
    priority: Mapped[str | None] = mapped_column(String(10))
    equality_objectives: Mapped[str] = mapped_column(String(100), default="")
    edi_goals: Mapped[str] = mapped_column(String(100), default="")
    #: Status word in capitals: ACHIEVED, PROGRESS MADE, DELAYED, CANCELLED…
    status: Mapped[str | None] = mapped_column(String(40))
    #: red / amber / green / blue (complete); null = not yet rated.
    rag: Mapped[str | None] = mapped_column(String(10))
    rag_as_at: Mapped[date | None]
    cancelled_reason: Mapped[str] = mapped_column(Text, default="")
    last_update_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    #: The previous year's action this one was carried forward from.
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="SET NULL"), index=True)

    plan: Mapped[Plan] = relationship(back_populates="actions")
    theme: Mapped[Theme | None] = relationship(back_populates="actions")
    owners: Mapped[list[User]] = relationship(secondary=action_owners, order_by="User.name")
    supporting_leads: Mapped[list[User]] = relationship(
        secondary=action_supporting_leads, order_by="User.name"
    )
    forums: Mapped[list[Forum]] = relationship(secondary=action_forums, order_by="Forum.name")
    measure_links: Mapped[list[ActionMeasure]] = relationship(cascade="all, delete-orphan")
    high_impact_action_links: Mapped[list[ActionHighImpactAction]] = relationship(
        cascade="all, delete-orphan", order_by="ActionHighImpactAction.number"
    )
    updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="action",
        order_by="(ProgressUpdate.posted_at.desc(), ProgressUpdate.id.desc())",
        cascade="all, delete-orphan",
    )
    carried_from: Mapped[Action | None] = relationship(remote_side=[id], back_populates="carried_to")
    carried_to: Mapped[list[Action]] = relationship(back_populates="carried_from", passive_deletes=True)
    #: How many updates and audit events the action has (kept by triggers; None while it has neither).
    history_count: Mapped[ActionHistoryCount | None] = relationship(
        primaryjoin="Action.id == foreign(ActionHistoryCount.action_id)", viewonly=True, uselist=False)

    __mapper_args__ = {"version_id_col": version}

    @validates("ref")
    def _keep_ref_order(self, _key: str, ref: str) -> str:
        self.ref_order = ref_order(ref)
        return ref

    @property
    def measures(self) -> list[str]:
        """The codes of the measures it links to ("wres:2", "wdes:4a_ii"), in the standards' order."""
        return standards.sort_codes(link.code for link in self.measure_links)

    @measures.setter
    def measures(self, codes: list[str]) -> None:
        wanted = standards.sort_codes(codes)
        kept = [link for link in self.measure_links if link.code in wanted]
        have = {link.code for link in kept}
        added = [ActionMeasure(standard=standards.measure(code).standard, measure=standards.measure(code).key)
                 for code in wanted if code not in have]
        self.measure_links = kept + added

    @property
    def measure_names(self) -> list[str]:
        """ ["WRES 2", "WDES 4a(ii)"]."""
        return standards.names(self.measures)

    @property
    def indicators(self) -> list[int]:
        """The WRES indicators (1-9) among its measures."""
        return sorted(int(link.measure) for link in self.measure_links if link.standard == standards.WRES)

    @indicators.setter
    def indicators(self, numbers: list[int]) -> None:
        """Set the WRES indicators, keeping any WDES metrics."""
        others = [code for code in self.measures if not code.startswith(f"{standards.WRES}:")]
        self.measures = others + [standards.code_of(standards.WRES, n) for n in numbers]

    @property
    def high_impact_actions(self) -> list[int]:
        """The high impact actions (1-6) it serves."""
        return [link.number for link in self.high_impact_action_links]

    @high_impact_actions.setter
    def high_impact_actions(self, numbers: list[int]) -> None:
        wanted = sorted(set(numbers))
        kept = [link for link in self.high_impact_action_links if link.number in wanted]
        have = {link.number for link in kept}
        self.high_impact_action_links = kept + [ActionHighImpactAction(number=n) for n in wanted if n not in have]

    @property
    def by_who(self) -> str:
        """The "By who" text: as the trust wrote it, else the owners' names."""
        return self.lead_text or "; ".join(owner.name for owner in self.owners)


class ProgressUpdate(db.Model):
    __tablename__ = "progress_updates"
    #: An action's timeline, newest first, is read straight from this index.
    __table_args__ = (Index("ix_progress_updates_action_id_posted_at", "action_id", "posted_at"),
                      #: RAG over time reads each action's updates by the day they describe.
                      Index("ix_progress_updates_action_id_as_at", "action_id", "as_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    posted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: The date the update describes (normally the day it was posted).
    as_at: Mapped[date]
    status: Mapped[str | None] = mapped_column(String(40))
    rag: Mapped[str | None] = mapped_column(String(10))
    #: The RAG the rules proposed when the owner posted; kept beside the chosen one.
    proposed_rag: Mapped[str | None] = mapped_column(String(10))
    #: Why the owner chose a RAG other than the proposed one.
    rag_reason: Mapped[str] = mapped_column(Text, default="")
    narrative: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str] = mapped_column(String(500), default="")

    action: Mapped[Action] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()


class ActionHistoryCount(db.Model):
    """How many progress updates an action has, and how many audit events name it.

    Written only by database triggers (migration 0024_action_history_counts), in the same transaction as
    the insert, delete or move of an update or event, whatever made it; rows that fall to 0 are kept. The
    action's page reads its totals here, and then only the rows it shows, so its database work is the same
    however long the action's history. No foreign key: an action's audit events outlive it, and the count
    stays equal to them."""

    __tablename__ = "action_history_counts"

    action_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    updates: Mapped[int] = mapped_column(Integer)
    events: Mapped[int] = mapped_column(Integer)


#: The insert triggers counting new updates and audit events (migration 0024_action_history_counts).
_HISTORY_INSERT_TRIGGERS = (("progress_updates", "action_history_updates_insert"),
                            ("audit_events", "action_history_events_insert"))
#: The updates and action audit events inserted since the marks, added to their actions' counts.
_FILL_HISTORY_COUNTS = (
    "INSERT INTO action_history_counts (action_id, updates, events) "
    "SELECT action_id, sum(updates), sum(events) FROM ("
    "SELECT action_id, count(*) AS updates, 0 AS events FROM progress_updates WHERE id > :updates "
    "GROUP BY action_id UNION ALL "
    "SELECT subject_id, 0, count(*) FROM audit_events WHERE id > :events AND subject_type = 'action' "
    "AND subject_id IS NOT NULL GROUP BY subject_id) AS added "
    "WHERE true GROUP BY action_id "  # WHERE true keeps SQLite from reading ON CONFLICT as a join's ON
    "ON CONFLICT (action_id) DO UPDATE SET updates = action_history_counts.updates + excluded.updates, "
    "events = action_history_counts.events + excluded.events")


@contextmanager
def history_counted_in_bulk() -> Iterator[None]:
    """Insert progress updates and audit events inside; they are added to their actions' counts on the way
    out, in one statement instead of a trigger run per row, as the insert triggers would have added them.

    Every update and event inserted inside is counted, whichever action it belongs to. Edits and deletions
    inside are still counted by their own triggers, which stay on. The insert triggers are off inside
    (`tracker.database.triggers_off`, in the caller's transaction: if the block raises, the caller's
    rollback restores them)."""
    session = db.session
    marks = {"updates": session.scalar(text("SELECT coalesce(max(id), 0) FROM progress_updates")),
             "events": session.scalar(text("SELECT coalesce(max(id), 0) FROM audit_events"))}
    with triggers_off(_HISTORY_INSERT_TRIGGERS):
        yield
        session.execute(text(_FILL_HISTORY_COUNTS), marks)
