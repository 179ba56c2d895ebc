"""Reminder settings, the outbox of emails, reminder items, daily runs and the scheduler lock."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Column, Float, ForeignKey, LargeBinary, String, Table, Text, Unicode
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.clock import utcnow
from tracker.extensions import db

if TYPE_CHECKING:
    from tracker.auth.models import User

#: The scheduler's own job store (APScheduler's table layout), declared so migrations own it.
scheduler_jobs = Table(
    "scheduler_jobs",
    db.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)


class ReminderSettings(db.Model):
    """The reminder rules the EDI lead can change (one row; defaults until saved)."""

    __tablename__ = "reminder_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Reminders go out at all (off pauses every rule; queued emails are still sent).
    enabled: Mapped[bool] = mapped_column(default=True)
    #: Days before the effective due date that owners are reminded, like "14, 3".
    deadline_days: Mapped[str] = mapped_column(String(50), default="14, 3")
    #: Days overdue after which the EDI lead is copied on the owner's weekly reminder.
    overdue_copy_after_days: Mapped[int] = mapped_column(default=30)
    #: Days without a progress update after which an open action is stale.
    stale_days: Mapped[int] = mapped_column(default=60)
    #: Days before a forum meeting that owners are asked to update their actions.
    update_request_days: Mapped[int] = mapped_column(default=10)
    #: Days before the meeting for the second nudge, to owners who have not updated since.
    nudge_days: Mapped[int] = mapped_column(default=3)
    #: Day of the week (0 Monday … 6 Sunday) for weekly reminders and digests.
    weekly_day: Mapped[int] = mapped_column(default=0)
    #: Reviewers get the weekly digest as well as admins.
    digest_to_reviewers: Mapped[bool] = mapped_column(default=False)
    #: Hour of the day (UK time, 0-23) the scheduler runs the daily reminders.
    send_hour: Mapped[int] = mapped_column(default=7)


class ReminderRun(db.Model):
    """A day the reminder rules were run (its latest finish), for catching up missed days."""

    __tablename__ = "reminder_runs"

    day: Mapped[date] = mapped_column(primary_key=True)
    finished_at: Mapped[datetime] = mapped_column(default=utcnow)
    queued: Mapped[int] = mapped_column(default=0)


class OutboxMessage(db.Model):
    """One email, stored (rendered) before it is sent so nothing is lost or sent twice."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unique per recipient and run, like "reminders:user42:2024-11-04".
    key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    #: Copied addresses, comma-separated.
    cc_addresses: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    #: queued / sent / failed
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    recipient: Mapped[User | None] = relationship()
    items: Mapped[list[ReminderItem]] = relationship(back_populates="message", order_by="ReminderItem.id")


class ReminderItem(db.Model):
    """One thing a person was reminded of, under a unique key (rule, recipient, period).

    Items for people who chose the weekly digest are held (no message yet) until their
    weekly email; `released_on` is set when an item goes into a message or is dropped.
    """

    __tablename__ = "reminder_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Like "overdue:user42:2024-W45" or "deadline:user42:action7:2024-12-31:14d".
    key: Mapped[str] = mapped_column(String(200), unique=True)
    rule: Mapped[str] = mapped_column(String(30), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The reminder as plain data, rendered when its message is written.
    payload: Mapped[dict] = mapped_column(JSON)
    day: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"),
                                                   index=True)
    released_on: Mapped[date | None]

    message: Mapped[OutboxMessage | None] = relationship(back_populates="items")


class SchedulerLock(db.Model):
    """Which scheduler process may run jobs, until when (renewed by its heartbeat)."""

    __tablename__ = "scheduler_locks"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200), default="")
    expires_at: Mapped[datetime] = mapped_column(default=utcnow)
