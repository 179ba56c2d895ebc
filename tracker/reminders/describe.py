"""Reminder items in a line of words each, for the `reminders run` output."""
from __future__ import annotations

from tracker.reminders.facts import DueItem, date_text
from tracker.reminders.rules import DEADLINE, DIGEST, OVERDUE, STALE, UPDATE_NUDGE, UPDATE_REQUEST, WEEKLY_EMAIL
from tracker.standards import plan_word

LABELS = {OVERDUE: "overdue", DEADLINE: "due soon", STALE: "stale"}


def _refs(item: DueItem) -> str:
    return ", ".join(f"{plan_word(line.plan_standard)} {line.ref} ({line.plan_year})"
                     for line in item.lines) or "nothing left open"


def describe(item: DueItem) -> str:
    """'overdue: WRES 1.3 (2024-25), WDES D2.1 (2024-25)'."""
    if item.rule in (UPDATE_REQUEST, UPDATE_NUDGE):
        kind = "update request" if item.rule == UPDATE_REQUEST else "second nudge"
        meeting = item.meeting
        return f"{kind} for the {meeting.forum_name} on {date_text(meeting.held_on)}: {_refs(item)}"
    if item.rule == DIGEST:
        d = item.digest
        return (f"weekly digest: {len(d.overdue)} overdue, {len(d.red)} red, {len(d.stale)} stale, "
                f"{len(d.cannot_remind)} cannot be reminded, {len(d.updates)} updates")
    return f"{LABELS.get(item.rule, item.rule)}: {_refs(item)}"


def describe_items(items: list[DueItem]) -> list[str]:
    """One line per item, leaving out the weekly-email marker."""
    return [describe(item) for item in items if item.rule != WEEKLY_EMAIL]
