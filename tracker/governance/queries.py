"""What the forum pages read: the forums list with its counts, one forum with its members and
meetings, and the open actions reported to a forum, a page at a time."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload, selectinload

from tracker.actions.models import Action, action_forums
from tracker.actions.queries import PAGE_SIZE, ActionPage, read_page, row_select
from tracker.extensions import db
from tracker.governance.models import Forum, ForumActionCount, Meeting, forum_members
from tracker.plans.models import Plan


@dataclass
class ForumRow:
    """One line of the forums list."""

    forum: Forum
    members: int
    next_meeting: date | None
    open_actions: int


def _grouped(query) -> dict:
    return {forum_id: value for forum_id, value in db.session.execute(query)}


def _open_action_counts() -> dict[int, int]:
    """Each forum's actions in live plans: the sum of its counts per live plan (kept by triggers), so the
    list reads a row per forum and plan, not every action."""
    return _grouped(select(ForumActionCount.forum_id, func.sum(ForumActionCount.actions))
                    .join(Plan, Plan.id == ForumActionCount.plan_id).where(Plan.is_live)
                    .group_by(ForumActionCount.forum_id))


def list_forums(today: date) -> list[ForumRow]:
    """Every forum (active first) with its member count, next meeting and open actions, in five queries."""
    forums = db.session.scalars(
        select(Forum).options(joinedload(Forum.parent)).order_by(Forum.active.desc(), Forum.name)
    ).all()
    members = _grouped(select(forum_members.c.forum_id, func.count()).group_by(forum_members.c.forum_id))
    meetings = _grouped(select(Meeting.forum_id, func.min(Meeting.held_on))
                        .where(Meeting.held_on >= today).group_by(Meeting.forum_id))
    actions = _open_action_counts()
    return [ForumRow(forum, members.get(forum.id, 0), meetings.get(forum.id), actions.get(forum.id, 0))
            for forum in forums]


def load_forum(forum_id: int) -> Forum | None:
    """One forum with its escalation forum, members and meetings loaded up front."""
    return db.session.scalar(
        select(Forum).where(Forum.id == forum_id)
        .options(joinedload(Forum.parent), selectinload(Forum.members), selectinload(Forum.meetings))
    )


def escalating_forums(forum: Forum) -> list[Forum]:
    """The forums that escalate to this one."""
    return list(db.session.scalars(select(Forum).where(Forum.parent_id == forum.id).order_by(Forum.name)))


def open_actions(forum: Forum, page: int = 1, size: int | None = PAGE_SIZE) -> ActionPage:
    """A page of the actions reported to the forum in plans that are not closed or archived: newest plan
    first, then by reference."""
    reported = and_(Action.id.in_(select(action_forums.c.action_id).where(action_forums.c.forum_id == forum.id)),
                    Plan.is_live)
    # The total is the forum's counts summed over live plans (kept by triggers), not a count of its actions.
    total = db.session.scalar(select(func.coalesce(func.sum(ForumActionCount.actions), 0))
                              .join(Plan, Plan.id == ForumActionCount.plan_id)
                              .where(ForumActionCount.forum_id == forum.id, Plan.is_live))
    return read_page(row_select().where(reported).order_by(Plan.year.desc(), Action.ref_order, Action.id),
                     total, page, size)


def split_meetings(meetings: list[Meeting], today: date) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming from today, soonest first; past, most recent first)."""
    upcoming = sorted((m for m in meetings if m.held_on >= today), key=lambda m: m.held_on)
    past = sorted((m for m in meetings if m.held_on < today), key=lambda m: m.held_on, reverse=True)
    return upcoming, past
