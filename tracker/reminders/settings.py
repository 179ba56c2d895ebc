"""The admin's reminder settings, each user's delivery choice and calendar feed link.

Services change models, record audit events and flush; the caller commits once.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from tracker.audit.service import diff, record
from tracker.auth.models import User
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.reminders.facts import IMMEDIATE, WEEKLY, Rules, parse_days
from tracker.reminders.models import ReminderSettings

DEFAULTS = {
    "enabled": True, "deadline_days": "14, 3", "overdue_copy_after_days": 30, "stale_days": 60,
    "update_request_days": 10, "nudge_days": 3, "weekly_day": 0, "digest_to_reviewers": False, "send_hour": 7,
}
DELIVERY_CHOICES = (IMMEDIATE, WEEKLY)


class ReminderSettingsError(DomainError):
    """The settings could not be saved; the message says why."""


@dataclass
class SettingsData:
    enabled: bool
    deadline_days: str
    overdue_copy_after_days: int
    stale_days: int
    update_request_days: int
    nudge_days: int
    weekly_day: int
    digest_to_reviewers: bool
    send_hour: int


def reminder_settings() -> ReminderSettings:
    """The one settings row, or unsaved defaults until an admin saves them."""
    settings = db.session.scalar(select(ReminderSettings).order_by(ReminderSettings.id).limit(1))
    return settings if settings is not None else ReminderSettings(**DEFAULTS)


def rules_from(settings: ReminderSettings) -> Rules:
    """The settings as the plain `Rules` the reminder rules take."""
    return Rules(
        deadline_days=parse_days(settings.deadline_days), overdue_copy_after_days=settings.overdue_copy_after_days,
        stale_days=settings.stale_days, update_request_days=settings.update_request_days,
        nudge_days=settings.nudge_days, weekly_day=settings.weekly_day,
        digest_to_reviewers=settings.digest_to_reviewers, enabled=settings.enabled,
    )


def _check(data: SettingsData) -> str:
    try:
        days = parse_days(data.deadline_days)
    except ValueError as error:
        raise ReminderSettingsError(str(error)) from None
    if data.nudge_days >= data.update_request_days:
        raise ReminderSettingsError("The second nudge must come nearer the meeting than the first request: "
                                    "make its number of days smaller")
    return ", ".join(str(day) for day in days)


def update_settings(data: SettingsData, actor: User) -> ReminderSettings:
    """Save the settings and record what changed."""
    deadline_days = _check(data)
    settings = reminder_settings()
    if settings.id is None:
        db.session.add(settings)
    before = {name: getattr(settings, name) for name in DEFAULTS}
    for name in DEFAULTS:
        setattr(settings, name, getattr(data, name))
    settings.deadline_days = deadline_days
    db.session.flush()
    changes = diff(before, {name: getattr(settings, name) for name in DEFAULTS})
    if changes:
        record(actor, settings, "updated", changes, summary="Reminder settings changed",
               subject_type="reminder settings")
    return settings


def set_delivery(user: User, delivery: str, actor: User) -> None:
    """Immediate reminders, or one weekly email."""
    if delivery not in DELIVERY_CHOICES:
        raise ReminderSettingsError("Choose how you want your reminders")
    if user.reminder_delivery != delivery:
        record(actor, user, "reminder delivery", {"reminder_delivery": [user.reminder_delivery, delivery]},
               summary=f"Reminders set to {delivery}")
        user.reminder_delivery = delivery
        db.session.flush()


def create_calendar_token(user: User, actor: User) -> str:
    """A new secret feed link; any earlier link stops working."""
    replaced = user.calendar_token is not None
    user.calendar_token = secrets.token_urlsafe(32)
    db.session.flush()
    record(actor, user, "calendar link", {"calendar_link": ["replaced" if replaced else None, "created"]},
           summary="Calendar feed link created")
    return user.calendar_token


def revoke_calendar_token(user: User, actor: User) -> None:
    """The feed link stops working."""
    if user.calendar_token is None:
        return
    user.calendar_token = None
    db.session.flush()
    record(actor, user, "calendar link", {"calendar_link": ["created", "revoked"]},
           summary="Calendar feed link revoked")


def user_for_calendar_token(token: str) -> User | None:
    """The active user whose feed link this is."""
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(select(User).where(User.calendar_token == token))
    return user if user is not None and user.active else None
