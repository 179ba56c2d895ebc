"""Forums and meetings."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tracker.audit.service import record
from tracker.extensions import db
from tracker.governance.models import Forum, Meeting


class ForumError(ValueError):
    """The forum or meeting could not be saved; the message says why."""


def find_forum(name: str) -> Forum | None:
    """A forum by its name or short name, ignoring case."""
    key = " ".join((name or "").split()).lower()
    return db.session.scalar(
        select(Forum).where((func.lower(Forum.name) == key) | (func.lower(Forum.short_name) == key))
    )


def create_forum(name: str, actor, *, short_name: str | None = None, description: str = "",
                 parent: Forum | None = None, active: bool = True) -> Forum:
    name = " ".join((name or "").split())
    if not name:
        raise ForumError("Enter the forum's name")
    if find_forum(name) is not None:
        raise ForumError(f"There is already a forum called {name}")
    forum = Forum(name=name, short_name=(short_name or "").strip() or None, description=description,
                  parent=parent, active=active)
    db.session.add(forum)
    db.session.flush()
    record(actor, forum, "created", {"name": [None, name]})
    return forum


def add_meeting(forum: Forum, held_on: date, actor, notes: str = "") -> Meeting:
    if any(meeting.held_on == held_on for meeting in forum.meetings):
        raise ForumError(f"{forum.name} already has a meeting on {held_on:%d/%m/%Y}")
    meeting = Meeting(forum=forum, held_on=held_on, notes=notes)
    db.session.add(meeting)
    db.session.flush()
    record(actor, forum, "meeting added", {"meeting": [None, held_on.isoformat()]})
    return meeting
