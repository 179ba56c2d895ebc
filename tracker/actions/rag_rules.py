"""The RAG the update form proposes, from simple rules an owner can read.

1. Status ACHIEVED (or ACHIEVED AND ONGOING): Blue (complete).
2. Overdue (effective due date before today, not complete or cancelled): Red.
3. Due within 30 days and no progress update for 60 days or more: Amber.
4. Otherwise: the action's current RAG (Green when it has none yet).
The owner may choose another RAG; they give a short reason and both are kept.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tracker.dates import long_date
from tracker.rag import ACHIEVED_STATUSES, CLOSED_STATUSES

DUE_SOON_DAYS = 30
STALE_DAYS = 60


@dataclass(frozen=True)
class Proposal:
    rag: str
    reason: str


def is_overdue(due_on: date | None, status: str | None, rag: str | None, today: date) -> bool:
    """Past its effective due date and still open."""
    return due_on is not None and due_on < today and rag != "blue" and (status or "") not in CLOSED_STATUSES


def is_due_soon(due_on: date | None, today: date, days: int = DUE_SOON_DAYS) -> bool:
    return due_on is not None and today <= due_on <= today + timedelta(days=days)


def is_stale(last_update_on: date | None, today: date, days: int = STALE_DAYS) -> bool:
    """No progress update for `days` days (or never)."""
    return last_update_on is None or (today - last_update_on).days >= days


def propose_rag(*, status: str | None, current_rag: str | None, due_on: date | None,
                last_update_on: date | None, today: date) -> Proposal:
    """Apply the rules above in order."""
    if (status or "") in ACHIEVED_STATUSES:
        return Proposal("blue", "The status is achieved")
    if is_overdue(due_on, status, None, today):
        return Proposal("red", f"The action was due on {long_date(due_on)} and is not complete")
    if is_due_soon(due_on, today) and is_stale(last_update_on, today):
        return Proposal("amber", f"Due within {DUE_SOON_DAYS} days with no update for {STALE_DAYS} days")
    if current_rag and current_rag != "blue":
        return Proposal(current_rag, "No rule applies, so the current RAG is kept")
    return Proposal("green", "No rule applies: on track")
