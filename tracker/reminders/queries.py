"""Reading the database into the plain facts the reminder rules take, in a few queries."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from tracker.actions.models import Action, ProgressUpdate, action_forums, action_owners
from tracker.auth.models import User
from tracker.clock import uk_date
from tracker.extensions import db
from tracker.governance.models import Forum, Meeting
from tracker.plans.models import Plan
from tracker.reminders.facts import ActionFacts, DigestUpdate, FirstRequest, MeetingFacts, Person
from tracker.reminders.models import ReminderItem, ReminderRun
from tracker.reminders.rules import DIGEST, UPDATE_REQUEST, WEEKLY_EMAIL

NARRATIVE_LENGTH = 300


def load_people() -> dict[int, Person]:
    """Everyone, active or not (the digest flags owners who cannot be reminded)."""
    rows = db.session.execute(select(User.id, User.name, User.email, User.role, User.active, User.reminder_delivery))
    return {row.id: Person(row.id, row.name, row.email, row.role, row.active, row.reminder_delivery) for row in rows}


def latest_forum_comments(action_ids: list[int]) -> dict[int, str]:
    """The forum's latest comment per action since its owner's last update, shown in owners' reminders."""
    from tracker.reviews.queries import latest_comments_since_update

    return latest_comments_since_update(action_ids)


def _pairs(table, column: str, action_ids: set[int]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = {}
    for action_id, other_id in db.session.execute(select(table.c.action_id, table.c[column])):
        if action_id in action_ids:
            grouped.setdefault(action_id, []).append(other_id)
    return grouped


def load_actions(people: dict[int, Person]) -> list[ActionFacts]:
    """Every action of plans that are not closed or archived (the rules skip closed actions themselves)."""
    rows = db.session.execute(
        select(Action.id, Action.ref, Action.text, Plan.year, Plan.standard, Action.by_when, Action.due_on,
               Action.status, Action.rag, Action.created_at, Action.last_update_at)
        .join(Plan, Plan.id == Action.plan_id)
        .where(Plan.is_live)
        .order_by(Plan.year, Action.position, Action.id)
    ).all()
    ids = {row.id for row in rows}
    owners = _pairs(action_owners, "user_id", ids)
    forums = _pairs(action_forums, "forum_id", ids)
    comments = latest_forum_comments(sorted(ids))
    return [
        ActionFacts(
            id=row.id, ref=row.ref, text=row.text, plan_year=row.year, by_when=row.by_when, due_on=row.due_on,
            status=row.status, rag=row.rag, created_on=uk_date(row.created_at), last_update_at=row.last_update_at,
            owner_ids=tuple(sorted(owners.get(row.id, []), key=lambda i: _by_name(i, people))),
            forum_ids=tuple(sorted(forums.get(row.id, []))), forum_comment=comments.get(row.id),
            plan_standard=row.standard,
        )
        for row in rows
    ]


def _by_name(person_id: int, people: dict[int, Person]) -> tuple[str, int]:
    return (people[person_id].name if person_id in people else "", person_id)


def load_meetings(today: date, days_ahead: int) -> list[MeetingFacts]:
    """Meetings of active forums from tomorrow to `days_ahead` days away."""
    rows = db.session.execute(
        select(Meeting.id, Meeting.forum_id, Forum.name, Meeting.held_on)
        .join(Forum, Forum.id == Meeting.forum_id)
        .where(Forum.active.is_(True), Meeting.held_on > today, Meeting.held_on <= today + timedelta(days=days_ahead))
        .order_by(Meeting.held_on, Forum.name)
    )
    return [MeetingFacts(row.id, row.forum_id, row.name, row.held_on) for row in rows]


def load_updates(since: datetime) -> list[DigestUpdate]:
    """Progress updates posted after `since`, on actions of plans that are not closed or archived (author ""
    when nobody is recorded, as for imported history)."""
    rows = db.session.execute(
        select(ProgressUpdate.action_id, Action.ref, Plan.year, User.name, ProgressUpdate.posted_at,
               ProgressUpdate.status, ProgressUpdate.rag, ProgressUpdate.narrative, Plan.standard)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .join(Plan, Plan.id == Action.plan_id)
        .outerjoin(User, User.id == ProgressUpdate.author_id)
        .where(ProgressUpdate.posted_at > since, Plan.is_live)
    )
    return [DigestUpdate(row.action_id, row.ref, row.year, row.name or "", row.posted_at, row.status, row.rag,
                         _shorten(row.narrative), row.standard) for row in rows]


def _shorten(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= NARRATIVE_LENGTH else text[:NARRATIVE_LENGTH - 1].rstrip() + "…"


def first_requests() -> dict[str, FirstRequest]:
    """Each meeting update request already queued, by its key (for the second nudge)."""
    rows = db.session.execute(select(ReminderItem.key, ReminderItem.day, ReminderItem.created_at)
                              .where(ReminderItem.rule == UPDATE_REQUEST))
    return {key: FirstRequest(day, created_at) for key, day, created_at in rows}


def last_digests() -> dict[int, datetime]:
    """When each person's latest digest was queued."""
    rows = db.session.execute(select(ReminderItem.recipient_id, func.max(ReminderItem.created_at))
                              .where(ReminderItem.rule == DIGEST).group_by(ReminderItem.recipient_id))
    return {recipient_id: created_at for recipient_id, created_at in rows}


def held_recipients() -> set[int]:
    """People with reminders waiting for their weekly email."""
    query = select(ReminderItem.recipient_id).where(ReminderItem.released_on.is_(None)).distinct()
    return set(db.session.scalars(query))


def weekly_sent(week: str) -> set[int]:
    """People whose weekly email went in `week` ('2024-W45')."""
    keys = db.session.scalars(select(ReminderItem.key).where(ReminderItem.rule == WEEKLY_EMAIL,
                                                             ReminderItem.key.like(f"weekly-email:user%:{week}")))
    return {int(key.split(":")[1].removeprefix("user")) for key in keys}


def existing_keys(keys: list[str]) -> set[str]:
    """The keys already recorded, so nothing is queued twice."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found |= set(db.session.scalars(select(ReminderItem.key).where(ReminderItem.key.in_(chunk))))
    return found


def last_run_before(today: date) -> date | None:
    """The latest day before `today` the rules were run."""
    return db.session.scalar(select(func.max(ReminderRun.day)).where(ReminderRun.day < today))
