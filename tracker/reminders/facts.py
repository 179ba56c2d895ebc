"""The plain data the reminder rules work on: no Flask, no database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tracker.clock import uk_date
from tracker.dates import long_date
from tracker.rag import is_closed
from tracker.standards import plan_word

IMMEDIATE = "immediate"
WEEKLY = "digest"
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Rules:
    """The admin's reminder settings as plain values."""

    deadline_days: tuple[int, ...] = (14, 3)
    overdue_copy_after_days: int = 30
    stale_days: int = 60
    update_request_days: int = 10
    nudge_days: int = 3
    weekly_day: int = 0
    digest_to_reviewers: bool = False
    enabled: bool = True


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str | None
    role: str
    active: bool = True
    delivery: str = IMMEDIATE

    @property
    def can_receive(self) -> bool:
        """Deactivated people and people without an email address get nothing."""
        return self.active and bool(self.email)


@dataclass(frozen=True)
class ActionFacts:
    """An action of a plan that is not closed, as the rules see it."""

    id: int
    ref: str
    text: str
    plan_year: str
    by_when: str
    due_on: date | None
    status: str | None
    rag: str | None
    created_on: date
    last_update_at: datetime | None
    owner_ids: tuple[int, ...] = ()
    forum_ids: tuple[int, ...] = ()
    #: The forum's latest comment on the action, shown in reminders when there is one.
    forum_comment: str | None = None
    #: Its plan's kind (`tracker.standards.PLAN_STANDARDS`): "WDES action D1.2" in emails and calendars.
    plan_standard: str = "wres"

    @property
    def last_update_on(self) -> date | None:
        """The UK date of the last update (an update at 23:30 UTC in summer is the next day here)."""
        return uk_date(self.last_update_at) if self.last_update_at else None

    @property
    def is_open(self) -> bool:
        return not is_closed(self.status, self.rag)


@dataclass(frozen=True)
class MeetingFacts:
    id: int
    forum_id: int
    forum_name: str
    held_on: date


@dataclass(frozen=True)
class FirstRequest:
    """A meeting update request already queued: the run day it was for, and when it was queued."""

    day: date
    at: datetime


@dataclass(frozen=True)
class ActionLine:
    """One action as an email shows it."""

    action_id: int
    ref: str
    text: str
    plan_year: str
    by_when: str
    due_on: date | None
    status: str | None
    rag: str | None
    note: str
    owners: str = ""
    flags: tuple[str, ...] = ()
    forum_comment: str | None = None
    #: Its plan's kind; items queued before plans had kinds were all in WRES plans.
    plan_standard: str = "wres"

    @property
    def kind(self) -> str:
        """ "WRES", "WDES" or "EDI": the word before "action 1.3"."""
        return plan_word(self.plan_standard)


@dataclass(frozen=True)
class DigestUpdate:
    """A progress update as the digest shows it."""

    action_id: int
    ref: str
    plan_year: str
    author: str
    posted_at: datetime
    status: str | None
    rag: str | None
    narrative: str
    plan_standard: str = "wres"

    @property
    def kind(self) -> str:
        """ "WRES", "WDES" or "EDI"."""
        return plan_word(self.plan_standard)


@dataclass(frozen=True)
class Digest:
    """The weekly digest: each action once, under the first heading that applies."""

    overdue: tuple[ActionLine, ...] = ()
    red: tuple[ActionLine, ...] = ()
    stale: tuple[ActionLine, ...] = ()
    cannot_remind: tuple[ActionLine, ...] = ()
    updates: tuple[DigestUpdate, ...] = ()
    since: datetime | None = None


@dataclass(frozen=True)
class DueItem:
    """Something one person is to be told, under its unique key."""

    rule: str
    recipient_id: int
    key: str
    lines: tuple[ActionLine, ...] = ()
    meeting: MeetingFacts | None = None
    copy_admins: bool = False
    digest: Digest | None = None


def date_text(day: date | datetime | None) -> str:
    """'31 December 2024'; a stored (naive UTC) time is written as its date in the UK."""
    if day is None:
        return ""
    return long_date(uk_date(day) if isinstance(day, datetime) else day)


def iso_week(day: date) -> str:
    """'2024-W45': the period of weekly reminders."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def latest_weekly_day(today: date, weekly_day: int) -> date:
    """The weekly day (0 Monday … 6 Sunday) on or before `today`: today itself, or up to 6 days back."""
    return today - timedelta(days=(today.weekday() - weekly_day) % 7)


def parse_days(text: str) -> tuple[int, ...]:
    """'14, 3' → (14, 3); raises ValueError saying what is wrong."""
    parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    if not parts:
        raise ValueError("Enter at least one number of days, like 14, 3")
    days = []
    for part in parts:
        if not part.isdigit() or not 1 <= int(part) <= 365:
            raise ValueError(f"'{part}' is not a number of days from 1 to 365: enter numbers like 14, 3")
        days.append(int(part))
    return tuple(sorted(set(days), reverse=True))
