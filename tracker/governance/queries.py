"""What the forum pages read: the forums list with its counts, one forum with its members and
meetings, and the open actions reported to a forum, a page at a time."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import Integer, Select, and_, any_, bindparam, func, select, union_all
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from tracker.actions.models import Action, action_forums
from tracker.actions.queries import PAGE_SIZE, ActionPage, read_page, read_rows, row_select
from tracker.auth.models import User
from tracker.extensions import db
from tracker.governance.models import Forum, ForumActionCount, ForumLink, Meeting, forum_members
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
    """One forum with its escalation forum, members and meetings loaded up front, in three plain queries.

    Members and meetings are read by queries built once and set on the forum as if loaded: two
    selectinloads cost a forum's page more than the queries themselves."""
    params = {"forum_id": forum_id}
    forum = db.session.scalars(_forum_query(), params).one_or_none()
    if forum is None:
        return None
    set_committed_value(forum, "members", list(db.session.scalars(_members_query(), params)))
    set_committed_value(forum, "meetings", list(db.session.scalars(_meetings_query(), params)))
    return forum


@cache
def _forum_query() -> Select:
    return select(Forum).where(Forum.id == bindparam("forum_id")).options(joinedload(Forum.parent))


@cache
def _members_query() -> Select:
    """As Forum.members: the forum's members by name."""
    return (select(User).join(forum_members, forum_members.c.user_id == User.id)
            .where(forum_members.c.forum_id == bindparam("forum_id")).order_by(User.name))


@cache
def _meetings_query() -> Select:
    """As Forum.meetings: the forum's meetings by date."""
    return select(Meeting).where(Meeting.forum_id == bindparam("forum_id")).order_by(Meeting.held_on)


def escalating_forums(forum: Forum) -> list[Forum]:
    """The forums that escalate to this one."""
    return list(db.session.scalars(select(Forum).where(Forum.parent_id == forum.id).order_by(Forum.name)))


def open_actions(forum: Forum, page: int = 1, size: int | None = PAGE_SIZE) -> ActionPage:
    """A page of the actions reported to the forum in plans that are not closed or archived: newest plan
    first, then by reference.

    The total and the plans come from the forum's counts per live plan (kept by triggers). A page reads,
    from forum_links' index, each of those plans' first actions up to the end of the page and stops there,
    so the first pages cost the same however many actions report to the forum (a board's can be thousands).
    A page so far in that the plans' first rows would be most of the list reads every reported action, as
    exports do."""
    plans = db.session.execute(
        select(ForumActionCount.plan_id, ForumActionCount.actions).join(Plan, Plan.id == ForumActionCount.plan_id)
        .where(ForumActionCount.forum_id == forum.id, ForumActionCount.actions > 0, Plan.is_live)
        .order_by(ForumActionCount.plan_id)).all()
    total = sum(actions for _plan, actions in plans)
    number = min(max(page, 1), max(1, -(-total // size))) if size else 1
    if not size or number * size * len(plans) >= total:
        # The whole list, or a page so far in that the plans' first rows would be most of it: read it all.
        return read_page(_every_reported(), total, number, size, {"forum": forum.id})
    rows = read_rows(_reported_page(len(plans), db.engine.dialect.name), {
        "forum": forum.id, "upto": number * size, "size": size, "offset": (number - 1) * size,
        **{f"plan{index}": plan_id for index, (plan_id, _actions) in enumerate(plans)}})
    return ActionPage(rows, total, number, size)


_REPORTED_ORDER = (Plan.year.desc(), Action.ref_order, Action.id)


@cache
def _reported_page(plans: int, dialect: str) -> Select:
    """A page (:size rows after :offset) of the actions reported to :forum in `plans` plans (:plan0, :plan1 …):
    each plan's first :upto in reference order read from forum_links' index, then put in the page's order.

    On PostgreSQL the actions are found with = ANY(ARRAY(…)), which makes it look each one up by its key:
    joined to the picked ids it hashed every action instead (30,000 at ten times the ICS volume, 35 ms)."""
    parts = [select(ForumLink.action_id)
             .where(ForumLink.forum_id == bindparam("forum"), ForumLink.plan_id == bindparam(f"plan{number}"))
             .order_by(ForumLink.ref_order, ForumLink.action_id).limit(bindparam("upto", type_=Integer))
             .subquery() for number in range(plans)]
    first = union_all(*(select(part) for part in parts)).subquery() if plans > 1 else parts[0]
    picked = (row_select().where(Action.id == any_(func.array(select(first.c.action_id).scalar_subquery())))
              if dialect == "postgresql" else row_select().join(first, first.c.action_id == Action.id))
    return (picked.order_by(*_REPORTED_ORDER)
            .limit(bindparam("size", type_=Integer)).offset(bindparam("offset", type_=Integer)))


@cache
def _every_reported() -> Select:
    """Every action reported to :forum in plans that are not closed or archived, in the page's order (exports
    and pages far in)."""
    reported = and_(Action.id.in_(select(action_forums.c.action_id)
                                  .where(action_forums.c.forum_id == bindparam("forum"))), Plan.is_live)
    return row_select().where(reported).order_by(*_REPORTED_ORDER)


def split_meetings(meetings: list[Meeting], today: date) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming from today, soonest first; past, most recent first)."""
    upcoming = sorted((m for m in meetings if m.held_on >= today), key=lambda m: m.held_on)
    past = sorted((m for m in meetings if m.held_on < today), key=lambda m: m.held_on, reverse=True)
    return upcoming, past
