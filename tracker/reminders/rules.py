"""The reminder rules: pure functions of plain data and a `today`.

Who is reminded of what (owners only; supporting leads are not emailed, so an action is
chased once, through the people accountable for it):
1. Deadline approaching: on the day an open action's effective due date is N days away (each
   N of the settings, default 14 and 3). When the previous daily run was missed, thresholds
   passed since then (up to a week) are caught up, nearest first.
2. Overdue: once a week, on the weekly day, one reminder listing every overdue action the
   owner has; when any is `overdue_copy_after_days` overdue the EDI lead (active admins) is
   copied.
3. Stale: once a week, on the weekly day, open actions not overdue with no progress update
   (or, never updated, not since they were added) for `stale_days`.
4. Update request: when a forum meeting is `update_request_days` days away or nearer (and not
   today), once per owner per meeting, listing their open actions reported to that forum. A
   second nudge `nudge_days` before, for the actions not updated since the first request.
5. Digest: once a week, on the weekly day, to each active admin (and reviewers, if set); see
   `digest.py`.
Weekly reminders go on the weekly day of the UK calendar (`today` is the UK date). When the
run of that day was missed (no run since the day before it), the next run within the week
catches up; a run on any other day sends nothing weekly, so nothing weekly goes out on, say, a
Sunday because it was first noticed then.
Only active people with an email address are reminded. Every item carries a unique key
(rule, recipient, period): the outbox refuses a key twice, so a rule never repeats itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tracker.actions.rag_rules import is_due_soon, is_overdue, is_stale
from tracker.reminders.facts import (
    WEEKLY,
    ActionFacts,
    ActionLine,
    DueItem,
    FirstRequest,
    MeetingFacts,
    Person,
    Rules,
    date_text,
    iso_week,
    latest_weekly_day,
)

DEADLINE = "deadline"
OVERDUE = "overdue"
STALE = "stale"
UPDATE_REQUEST = "update_request"
UPDATE_NUDGE = "update_nudge"
DIGEST = "digest"
WEEKLY_EMAIL = "weekly_email"
#: Rules that wait for the weekly email of people who chose it (meeting requests never wait).
HELD_RULES = frozenset({DEADLINE, OVERDUE, STALE})
CATCH_UP_DAYS = 7


def days_text(n: int) -> str:
    """'1 day', '14 days'."""
    return "1 day" if n == 1 else f"{n} days"


def due_words(action: ActionFacts) -> str:
    """'Due on 31 March 2025', 'By when: Ongoing', or 'No due date set'."""
    if action.due_on:
        return f"Due on {date_text(action.due_on)}"
    return f"By when: {action.by_when}" if action.by_when else "No due date set"


def owner_flags(action: ActionFacts, people: dict[int, Person]) -> tuple[str, ...]:
    """Why the action's owners cannot be reminded: no owner, owner inactive, owner has no email."""
    owners = [people[i] for i in action.owner_ids if i in people]
    if not owners:
        return ("no owner",)
    flags = []
    if any(not p.active for p in owners):
        flags.append("owner inactive")
    if any(p.active and not p.email for p in owners):
        flags.append("owner has no email")
    return tuple(flags)


def line_for(action: ActionFacts, people: dict[int, Person], note: str) -> ActionLine:
    owners = "; ".join(people[i].name for i in action.owner_ids if i in people)
    return ActionLine(action.id, action.ref, action.text, action.plan_year, action.by_when, action.due_on,
                      action.status, action.rag, note, owners, owner_flags(action, people), action.forum_comment,
                      action.plan_standard)


def _recipients(action: ActionFacts, people: dict[int, Person]) -> list[Person]:
    return [people[i] for i in action.owner_ids if i in people and people[i].can_receive]


def crossed(day: date, today: date, last_run: date | None) -> bool:
    """`day` is today, or fell between the last run and today (a missed run, up to a week back)."""
    if last_run is None or last_run >= today:
        return day == today
    return max(last_run, today - timedelta(days=CATCH_UP_DAYS)) < day <= today


def weekly_day_due(today: date, weekly_day: int, last_run: date | None) -> date | None:
    """The weekly day whose weekly reminders this run sends, or None.

    Today when today is the weekly day; the latest weekly day when its run was missed (no run
    on it or since); otherwise None: a run on another day sends nothing weekly.
    """
    day = latest_weekly_day(today, weekly_day)
    return day if crossed(day, today, last_run) else None


def deadline_note(due_on: date, today: date) -> str:
    """'Due on 31 December 2024: 14 days to go', 'Due today, 31 December 2024' (counted from `today`, so
    a reminder held for a weekly email counts from the day it is sent)."""
    left = (due_on - today).days
    if left < 0:
        return f"Was due on {date_text(due_on)}: {days_text(-left)} overdue"
    return f"Due today, {date_text(due_on)}" if left == 0 else f"Due on {date_text(due_on)}: {days_text(left)} to go"


def deadline_items(actions: list[ActionFacts], people: dict[int, Person], rules: Rules, today: date,
                   last_run: date | None = None) -> list[DueItem]:
    """Rule 1: one item per owner, action and threshold reached today."""
    items = []
    for action in actions:
        if not action.is_open or action.due_on is None:
            continue
        reached = [t for t in sorted(rules.deadline_days)
                   if is_due_soon(action.due_on, today, t) and crossed(action.due_on - timedelta(t), today, last_run)]
        if not reached:
            continue
        threshold, note = reached[0], deadline_note(action.due_on, today)
        for person in _recipients(action, people):
            key = f"deadline:user{person.id}:action{action.id}:{action.due_on.isoformat()}:{threshold}d"
            items.append(DueItem(DEADLINE, person.id, key, (line_for(action, people, note),)))
    return items


def _by_owner(actions: list[ActionFacts], people: dict[int, Person]) -> dict[int, list[ActionFacts]]:
    grouped: dict[int, list[ActionFacts]] = {}
    for action in actions:
        for person in _recipients(action, people):
            grouped.setdefault(person.id, []).append(action)
    return grouped


def overdue_note(action: ActionFacts, today: date) -> str:
    """'Was due on 30 November 2024: 17 days overdue'."""
    return f"Was due on {date_text(action.due_on)}: {days_text((today - action.due_on).days)} overdue"


def overdue_items(actions: list[ActionFacts], people: dict[int, Person], rules: Rules,
                  today: date, last_run: date | None = None) -> list[DueItem]:
    """Rule 2: one weekly item per owner listing all their overdue actions."""
    week = weekly_day_due(today, rules.weekly_day, last_run)
    if week is None:
        return []
    overdue = [a for a in actions if is_overdue(a.due_on, a.status, a.rag, today)]
    items = []
    for person_id, owned in sorted(_by_owner(overdue, people).items()):
        lines = tuple(line_for(a, people, overdue_note(a, today)) for a in owned)
        copy = any((today - a.due_on).days >= rules.overdue_copy_after_days for a in owned)
        items.append(DueItem(OVERDUE, person_id, f"overdue:user{person_id}:{iso_week(week)}", lines,
                             copy_admins=copy))
    return items


def stale_since(action: ActionFacts) -> date:
    """The day the action was last updated, or added when it never was."""
    return action.last_update_on or action.created_on


def stale_note(action: ActionFacts) -> str:
    if action.last_update_on:
        return f"No progress update since {date_text(action.last_update_on)}"
    return f"No progress update since it was added on {date_text(action.created_on)}"


def is_stale_action(action: ActionFacts, rules: Rules, today: date) -> bool:
    return action.is_open and is_stale(stale_since(action), today, rules.stale_days)


def stale_items(actions: list[ActionFacts], people: dict[int, Person], rules: Rules, today: date,
                last_run: date | None = None) -> list[DueItem]:
    """Rule 3: one weekly item per owner listing their stale actions that are not overdue."""
    week = weekly_day_due(today, rules.weekly_day, last_run)
    if week is None:
        return []
    stale = [a for a in actions if is_stale_action(a, rules, today)
             and not is_overdue(a.due_on, a.status, a.rag, today)]
    return [DueItem(STALE, person_id, f"stale:user{person_id}:{iso_week(week)}",
                    tuple(line_for(a, people, stale_note(a)) for a in owned))
            for person_id, owned in sorted(_by_owner(stale, people).items())]


def _meeting_note(action: ActionFacts) -> str:
    """'Due on 31 March 2025; last updated on 6 November 2024' (dates keep their capitals)."""
    updated = (f"last updated on {date_text(action.last_update_on)}" if action.last_update_on
               else "no progress update yet")
    return f"{due_words(action)}; {updated}"


def _forum_actions(actions: list[ActionFacts], meeting: MeetingFacts) -> list[ActionFacts]:
    return [a for a in actions if a.is_open and meeting.forum_id in a.forum_ids]


def update_request_items(actions: list[ActionFacts], meetings: list[MeetingFacts], people: dict[int, Person],
                         rules: Rules, today: date) -> list[DueItem]:
    """Rule 4a: before each meeting, one item per owner listing their actions reported to that forum."""
    items = []
    for meeting in meetings:
        if not 1 <= (meeting.held_on - today).days <= rules.update_request_days:
            continue
        for person_id, owned in sorted(_by_owner(_forum_actions(actions, meeting), people).items()):
            items.append(DueItem(UPDATE_REQUEST, person_id, f"update-request:user{person_id}:meeting{meeting.id}",
                                 tuple(line_for(a, people, _meeting_note(a)) for a in owned), meeting=meeting))
    return items


def nudge_items(actions: list[ActionFacts], meetings: list[MeetingFacts], people: dict[int, Person],
                rules: Rules, today: date, first_requests: dict[str, FirstRequest]) -> list[DueItem]:
    """Rule 4b: the second nudge, for actions not updated since the owner's first request.

    `first_requests` maps each first request's key to its run day and when it was queued; a
    request for today does not count (never two emails about the same meeting in one run).
    """
    items = []
    for meeting in meetings:
        if not 1 <= (meeting.held_on - today).days <= rules.nudge_days:
            continue
        for person_id, owned in sorted(_by_owner(_forum_actions(actions, meeting), people).items()):
            asked = first_requests.get(f"update-request:user{person_id}:meeting{meeting.id}")
            if asked is None or asked.day >= today:
                continue
            waiting = [a for a in owned if a.last_update_at is None or a.last_update_at < asked.at]
            if waiting:
                items.append(DueItem(UPDATE_NUDGE, person_id, f"update-nudge:user{person_id}:meeting{meeting.id}",
                                     tuple(line_for(a, people, _meeting_note(a)) for a in waiting),
                                     meeting=meeting))
    return items


def owner_items(actions: list[ActionFacts], meetings: list[MeetingFacts], people: dict[int, Person],
                rules: Rules, today: date, *, last_run: date | None = None,
                first_requests: dict[str, FirstRequest] | None = None) -> list[DueItem]:
    """Every owner reminder due today (rules 1 to 4), before checking what was already sent."""
    if not rules.enabled:
        return []
    return (update_request_items(actions, meetings, people, rules, today)
            + nudge_items(actions, meetings, people, rules, today, first_requests or {})
            + overdue_items(actions, people, rules, today, last_run)
            + deadline_items(actions, people, rules, today, last_run)
            + stale_items(actions, people, rules, today, last_run))


@dataclass(frozen=True)
class Delivery:
    """What to do for one person in this run."""

    recipient_id: int
    send: tuple[DueItem, ...] = ()
    hold: tuple[DueItem, ...] = ()
    release_held: bool = False


def plan_deliveries(items: list[DueItem], people: dict[int, Person], rules: Rules, today: date, *,
                    held: set[int], weekly_sent: set[int], last_run: date | None = None) -> list[Delivery]:
    """One delivery per person: send now, or hold for the weekly email of people who chose it.

    `held` are the people with items waiting; `weekly_sent` those whose weekly email went for
    this week's weekly day. A person's weekly email goes on the weekly day (or the run that
    catches up a missed one).
    """
    week = weekly_day_due(today, rules.weekly_day, last_run)
    grouped: dict[int, list[DueItem]] = {}
    for item in items:
        grouped.setdefault(item.recipient_id, []).append(item)
    deliveries = []
    for person_id in sorted(set(grouped) | held):
        person, new = people.get(person_id), grouped.get(person_id, [])
        if person is None or not person.can_receive:
            continue
        if person.delivery != WEEKLY:
            deliveries.append(Delivery(person_id, send=tuple(new), release_held=person_id in held))
            continue
        waiting = [i for i in new if i.rule in HELD_RULES]
        now = [i for i in new if i.rule not in HELD_RULES]
        weekly_due = week is not None and person_id not in weekly_sent
        if weekly_due and (waiting or person_id in held):
            marker = DueItem(WEEKLY_EMAIL, person_id, f"weekly-email:user{person_id}:{iso_week(week)}")
            deliveries.append(Delivery(person_id, send=tuple(now + waiting + [marker]), release_held=True))
        elif now or waiting:
            deliveries.append(Delivery(person_id, send=tuple(now), hold=tuple(waiting)))
    return [d for d in deliveries if d.send or d.hold or d.release_held]
