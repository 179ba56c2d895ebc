"""A user's calendar feed: their open actions' due dates and their forums' meetings."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from tracker.actions.models import Action, action_owners, action_supporting_leads
from tracker.auth.models import User
from tracker.clock import uk_date
from tracker.extensions import db
from tracker.governance.models import Meeting, forum_members
from tracker.plans.models import Plan
from tracker.rag import is_closed
from tracker.reminders.ical import CalendarEvent, calendar_text
from tracker.standards import plan_word

PAST_MEETINGS_DAYS = 365


def _host(base_url: str) -> str:
    return urlsplit(base_url).hostname or "localhost"


def _actions(user: User) -> list[Action]:
    """Open actions with a due date that the user owns or supports, in plans that are not closed or archived."""
    owned = select(action_owners.c.action_id).where(action_owners.c.user_id == user.id)
    supported = select(action_supporting_leads.c.action_id).where(action_supporting_leads.c.user_id == user.id)
    actions = db.session.scalars(
        select(Action).join(Plan, Plan.id == Action.plan_id).options(joinedload(Action.plan))
        .where(Plan.is_live, Action.due_on.is_not(None),
               or_(Action.id.in_(owned), Action.id.in_(supported)))
    ).all()
    return [a for a in actions if not is_closed(a.status, a.rag)]


def _meetings(user: User, today: date) -> list[Meeting]:
    forums = select(forum_members.c.forum_id).where(forum_members.c.user_id == user.id)
    return list(db.session.scalars(
        select(Meeting).options(joinedload(Meeting.forum))
        .where(Meeting.forum_id.in_(forums), Meeting.held_on >= today - timedelta(days=PAST_MEETINGS_DAYS))
    ))


def action_event(action: Action, base_url: str) -> CalendarEvent:
    """'WRES action 1.3 due' ('WDES action D1.2 due', 'EDI action 1.3 due' for a combined plan's) on the
    action's effective due date."""
    description = f"{action.text}\nBy when: {action.by_when or 'not set'}\nPlan {action.plan.year}"
    return CalendarEvent(uid=f"action-{action.id}@{_host(base_url)}", day=action.due_on,
                         summary=f"{plan_word(action.plan.standard)} action {action.ref} due", description=description,
                         url=f"{base_url}/actions/{action.id}")


def meeting_event(meeting: Meeting, base_url: str) -> CalendarEvent:
    return CalendarEvent(uid=f"meeting-{meeting.id}@{_host(base_url)}", day=meeting.held_on,
                         summary=f"{meeting.forum.name} meeting",
                         description=f"Meeting of the {meeting.forum.name}, which reviews actions",
                         url=f"{base_url}/forums/{meeting.forum_id}")


def feed_for(user: User, base_url: str, now: datetime) -> str:
    """The user's whole feed as iCalendar text."""
    base_url = base_url.rstrip("/")
    events = [action_event(a, base_url) for a in _actions(user)]
    events += [meeting_event(m, base_url) for m in _meetings(user, uk_date(now))]
    return calendar_text(f"WRES and WDES actions: {user.name}", events, now)
