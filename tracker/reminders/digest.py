"""The weekly digest for the EDI lead (and reviewers, if set): a pure function of plain data.

Sections: overdue; red (not overdue); stale (neither); owners who cannot be reminded (no
owner, owner inactive, owner has no email); progress updates posted since the recipient's
previous digest (or the last 7 days for their first one).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from tracker.actions.rag_rules import is_overdue
from tracker.reminders.facts import (
    ActionFacts,
    Digest,
    DigestUpdate,
    DueItem,
    Person,
    Rules,
    iso_week,
)
from tracker.reminders.rules import (
    DIGEST,
    due_words,
    is_stale_action,
    line_for,
    overdue_note,
    stale_note,
    weekly_day_due,
)

FIRST_DIGEST_DAYS = 7


def digest_recipients(people: dict[int, Person], rules: Rules) -> list[Person]:
    """Active admins with an email address, and reviewers when the setting says so."""
    roles = {"admin"} | ({"reviewer"} if rules.digest_to_reviewers else set())
    return sorted((p for p in people.values() if p.can_receive and p.role in roles), key=lambda p: p.id)


def build_digest(actions: list[ActionFacts], people: dict[int, Person], updates: list[DigestUpdate],
                 rules: Rules, today: date, since: datetime) -> Digest:
    """The digest's sections as at `today`, with the updates posted after `since`."""
    open_actions = [a for a in actions if a.is_open]
    overdue = [a for a in open_actions if is_overdue(a.due_on, a.status, a.rag, today)]
    listed = {a.id for a in overdue}
    red = [a for a in open_actions if a.rag == "red" and a.id not in listed]
    listed |= {a.id for a in red}
    stale = [a for a in open_actions if a.id not in listed and is_stale_action(a, rules, today)]
    return Digest(
        overdue=tuple(line_for(a, people, overdue_note(a, today)) for a in overdue),
        red=tuple(line_for(a, people, due_words(a)) for a in red),
        stale=tuple(line_for(a, people, stale_note(a)) for a in stale),
        cannot_remind=tuple(line for line in (line_for(a, people, due_words(a)) for a in open_actions) if line.flags),
        updates=tuple(sorted((u for u in updates if u.posted_at > since),
                             key=lambda u: (u.posted_at, u.action_id), reverse=True)),
        since=since,
    )


def digest_items(actions: list[ActionFacts], people: dict[int, Person], updates: list[DigestUpdate], rules: Rules,
                 today: date, now: datetime, last_digest: dict[int, datetime],
                 last_run: date | None = None) -> list[DueItem]:
    """Rule 5: one digest per recipient per week, on the weekly day (or the run catching up a missed one)."""
    week = weekly_day_due(today, rules.weekly_day, last_run)
    if not rules.enabled or week is None:
        return []
    items = []
    for person in digest_recipients(people, rules):
        since = last_digest.get(person.id, now - timedelta(days=FIRST_DIGEST_DAYS))
        digest = build_digest(actions, people, updates, rules, today, since)
        items.append(DueItem(DIGEST, person.id, f"digest:user{person.id}:{iso_week(week)}", digest=digest))
    return items
