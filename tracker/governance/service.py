"""Forums, their members and meetings: changing them. What their pages read is in `queries`.

Services change models, write audit events and flush; the caller commits once.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from tracker.audit.service import diff, event_values, record, record_many
from tracker.auth.models import User
from tracker.database import insert_rows
from tracker.dates import long_date
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.governance.models import Forum, Meeting

NAME_MAX = 200
SHORT_NAME_MAX = 40


class ForumError(DomainError):
    """The forum or meeting could not be saved; the message says why."""


def _key(text: str | None) -> str:
    return " ".join((text or "").split()).lower()


def find_forum(name: str) -> Forum | None:
    """A forum by its name or short name, ignoring case."""
    key = _key(name)
    return db.session.scalar(
        select(Forum).where((func.lower(Forum.name) == key) | (func.lower(Forum.short_name) == key))
    )


def _others_called(text: str, forum: Forum | None) -> list[Forum]:
    key = _key(text)
    query = select(Forum).where(or_(func.lower(Forum.name) == key, func.lower(Forum.short_name) == key))
    if forum is not None and forum.id is not None:
        query = query.where(Forum.id != forum.id)
    return list(db.session.scalars(query))


def _check_names(name: str, short_name: str | None, forum: Forum | None) -> None:
    if not name:
        raise ForumError("Enter the forum's name", field="name")
    if len(name) > NAME_MAX:
        raise ForumError(f"The name must be {NAME_MAX} characters or fewer", field="name")
    if short_name and len(short_name) > SHORT_NAME_MAX:
        raise ForumError(f"The short name must be {SHORT_NAME_MAX} characters or fewer", field="short_name")
    if _others_called(name, forum):
        raise ForumError(f"There is already a forum called {name}", field="name")
    if short_name and short_name.lower() != name.lower():
        clash = _others_called(short_name, forum)
        if clash:
            raise ForumError(f"The short name {short_name} is already used by {clash[0].name}", field="short_name")


def escalation_path(start: Forum) -> list[Forum]:
    """`start`, the forum it escalates to, that forum's own, and so on to the top."""
    path: list[Forum] = []
    seen: set[int] = set()
    node: Forum | None = start
    while node is not None and node.id not in seen:
        path.append(node)
        seen.add(node.id)
        node = node.parent
    return path


def check_escalation(forum: Forum, parent: Forum | None) -> None:
    """Refuse a parent that is the forum itself or already escalates (at any depth) to it."""
    if parent is None:
        return
    if parent.id == forum.id:
        raise ForumError(f"{forum.name} cannot escalate to itself", field="parent")
    path = escalation_path(parent)
    ids = [node.id for node in path]
    if forum.id in ids:
        chain = " → ".join(node.label for node in path[: ids.index(forum.id) + 1])
        raise ForumError(
            f"{forum.name} cannot escalate to {parent.name}, because {parent.name} already escalates "
            f"to {forum.name} ({chain})", field="parent")


def _snapshot(forum: Forum) -> dict:
    return {"name": forum.name, "short_name": forum.short_name, "description": forum.description,
            "escalates_to": forum.parent.name if forum.parent else None}


def create_forum(name: str, actor, *, short_name: str | None = None, description: str = "",
                 parent: Forum | None = None, active: bool = True) -> Forum:
    """Add a forum; its name and short name must not be another forum's name or short name."""
    name = " ".join((name or "").split())
    short_name = (short_name or "").strip() or None
    _check_names(name, short_name, None)
    forum = Forum(name=name, short_name=short_name, description=description, parent=parent, active=active)
    db.session.add(forum)
    db.session.flush()
    record(actor, forum, "created", {"name": [None, name]})
    return forum


def update_forum(forum: Forum, actor, *, name: str, short_name: str | None = None, description: str = "",
                 parent: Forum | None = None) -> Forum:
    """Change a forum's names, description and the forum it escalates to."""
    name = " ".join((name or "").split())
    short_name = (short_name or "").strip() or None
    _check_names(name, short_name, forum)
    check_escalation(forum, parent)
    before = _snapshot(forum)
    forum.name, forum.short_name = name, short_name
    forum.description = (description or "").strip()
    forum.parent = parent
    changes = diff(before, _snapshot(forum))
    if changes:
        db.session.flush()
        record(actor, forum, "updated", changes, summary=f"Forum {forum.name} edited")
    return forum


def set_forum_active(forum: Forum, active: bool, actor) -> Forum:
    """Deactivate or reactivate a forum; its members, meetings and actions are kept."""
    if forum.active == active:
        raise ForumError(f"{forum.name} is already {'active' if active else 'inactive'}")
    forum.active = active
    db.session.flush()
    record(actor, forum, "reactivated" if active else "deactivated", {"active": [not active, active]})
    return forum


def add_member(forum: Forum, user: User, actor) -> None:
    """Add an active user to the forum's members."""
    if not user.active:
        raise ForumError(f"{user.name}'s account is inactive: reactivate it before adding them", field="user")
    if any(member.id == user.id for member in forum.members):
        raise ForumError(f"{user.name} is already a member of {forum.name}", field="user")
    forum.members.append(user)
    db.session.flush()
    record(actor, forum, "member added", {"members": [None, user.name]})


def remove_member(forum: Forum, user: User, actor) -> None:
    """Take a user off the forum's members."""
    if not any(member.id == user.id for member in forum.members):
        raise ForumError(f"{user.name} is not a member of {forum.name}")
    forum.members.remove(user)
    db.session.flush()
    record(actor, forum, "member removed", {"members": [user.name, None]})


def add_meeting(forum: Forum, held_on: date, actor, notes: str = "") -> Meeting:
    """Add a meeting date; a forum meets at most once a day."""
    if any(meeting.held_on == held_on for meeting in forum.meetings):
        raise ForumError(f"{forum.name} already has a meeting on {long_date(held_on)}", field="held_on")
    meeting = Meeting(forum=forum, held_on=held_on, notes=notes)
    db.session.add(meeting)
    db.session.flush()
    record(actor, forum, "meeting added", {"meeting": [None, held_on.isoformat()]})
    return meeting


def add_meetings(forum: Forum, days: list[date], actor) -> None:
    """Add many meeting dates at once (a calendar loaded in bulk), each as `add_meeting` would, with its
    audit event, in one statement for the meetings and one for the events."""
    taken = {meeting.held_on for meeting in forum.meetings}
    for day in days:
        if day in taken:
            raise ForumError(f"{forum.name} already has a meeting on {long_date(day)}", field="held_on")
        taken.add(day)
    db.session.flush()  # the forum, and events recorded before these, go first
    insert_rows(Meeting.__table__, [{"forum_id": forum.id, "held_on": day, "notes": ""} for day in days])
    record_many([event_values(actor, forum, "meeting added", {"meeting": [None, day.isoformat()]}) for day in days])
    db.session.expire(forum, ["meetings"])


def can_remove_meeting(meeting: Meeting, today: date) -> bool:
    """Upcoming meetings (today or later) and past ones without notes may be removed."""
    return meeting.held_on >= today or not (meeting.notes or "").strip()


def remove_meeting(meeting: Meeting, actor, today: date) -> None:
    """Remove a meeting date; a past meeting with notes is kept as the record."""
    if not can_remove_meeting(meeting, today):
        raise ForumError(f"The meeting on {long_date(meeting.held_on)} has taken place and has notes, "
                         "so it is kept as a record")
    forum = meeting.forum
    forum.meetings.remove(meeting)
    db.session.flush()
    record(actor, forum, "meeting removed", {"meeting": [meeting.held_on.isoformat(), None]})
