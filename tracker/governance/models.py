"""Governance forums (Inclusion Council, PCDC, Trust Board…) and their meetings."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.database import bulk_marks, triggers_off
from tracker.extensions import db

if TYPE_CHECKING:
    from tracker.auth.models import User

forum_members = Table(
    "forum_members",
    db.metadata,
    Column("forum_id", ForeignKey("forums.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Forum(db.Model):
    __tablename__ = "forums"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    #: The forum that matters are escalated to (Inclusion Council → PCDC → Trust Board).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id"))
    active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Forum | None] = relationship(remote_side=[id])
    members: Mapped[list[User]] = relationship(secondary=forum_members, order_by="User.name")
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="forum", order_by="Meeting.held_on", cascade="all, delete-orphan"
    )

    @property
    def label(self) -> str:
        return self.short_name or self.name


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("forum_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(index=True)
    notes: Mapped[str] = mapped_column(Text, default="")

    forum: Mapped[Forum] = relationship(back_populates="meetings")


class ForumActionCount(db.Model):
    """How many of a plan's actions are linked to a forum.

    Written only by database triggers (migration 0017_action_counts), in the same transaction as the
    change to the actions or their forum links, whatever made it. The app only reads it: the forums
    list's open actions are the sum over live plans."""

    __tablename__ = "forum_action_counts"

    # Checked at commit, as PlanActionCount's (tracker.plans.models COUNT_KEY says why).
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE", deferrable=True,
                                                     initially="DEFERRED"), primary_key=True, autoincrement=False)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE", deferrable=True,
                                                    initially="DEFERRED"), primary_key=True, autoincrement=False)
    #: 0 once the plan's last action linked to the forum has gone (the row is kept).
    actions: Mapped[int] = mapped_column(Integer)


class ForumLink(db.Model):
    """A copy of an action's link to a forum with the action's plan and reference order.

    Written only by the triggers of migration 0020_forum_links, in the transaction that links or unlinks the
    action or moves it to another plan or reference; never by the application. Its index gives each plan's
    actions reported to a forum in reference order, so a forum's page reads a page of them, not all."""

    __tablename__ = "forum_links"
    __table_args__ = (Index("ix_forum_links_order", "forum_id", "plan_id", "ref_order", "action_id"),)

    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), primary_key=True,
                                          autoincrement=False)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False)
    plan_id: Mapped[int] = mapped_column(Integer)
    ref_order: Mapped[str] = mapped_column(String(200))


#: The insert triggers on forum links: the one counting a new link in forum_action_counts (migration
#: 0017_action_counts) and the one copying it to forum_links (migration 0020_forum_links).
_INSERT_TRIGGERS = (("action_forums", "action_counts_action_forums_insert"),
                    ("action_forums", "forum_links_link_insert"))
#: The new actions' forum links added to each forum's and plan's count (a row added when missing).
_FILL_COUNTS = (
    "INSERT INTO forum_action_counts (forum_id, plan_id, actions) "
    "SELECT f.forum_id, a.plan_id, count(*) FROM action_forums f JOIN actions a ON a.id = f.action_id "
    "WHERE f.action_id > :actions GROUP BY f.forum_id, a.plan_id "
    "ON CONFLICT (forum_id, plan_id) DO UPDATE SET actions = forum_action_counts.actions + excluded.actions")
#: The new actions' forum links copied to forum_links with their plan and reference order.
_FILL_LINKS = (
    "INSERT INTO forum_links (forum_id, action_id, plan_id, ref_order) "
    "SELECT f.forum_id, f.action_id, a.plan_id, a.ref_order FROM action_forums f JOIN actions a ON a.id = f.action_id "
    "WHERE f.action_id > :actions")


@contextmanager
def counted_in_bulk() -> Iterator[None]:
    """Insert new actions and their forum links inside; the links are counted and copied to forum_links on
    the way out, in one statement each instead of trigger runs per link, adding what the insert triggers
    would have added.

    Meant for loads that add actions with their links (not links of actions stored before). The triggers
    are off inside (`tracker.database.triggers_off`, in the caller's transaction: if the block raises,
    the caller's rollback restores them)."""
    marks = bulk_marks()
    with triggers_off(_INSERT_TRIGGERS):
        yield
        db.session.execute(text(_FILL_COUNTS), marks)
        db.session.execute(text(_FILL_LINKS), marks)
