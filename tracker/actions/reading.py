"""What an action's page reads: the action with its people and forums, where it was carried
forward to, and the latest of its progress updates and audit trail.

The queries are built once and run with bound parameters: building a statement costs
SQLAlchemy more than the database takes to run these.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Select, bindparam, func, literal, select, union_all
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from tracker.actions.models import Action, ProgressUpdate, action_forums, action_owners, action_supporting_leads
from tracker.audit.service import latest_events
from tracker.auth.models import User
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.plans.models import Plan


@cache
def _action_query() -> Select:
    return (select(Action).where(Action.id == bindparam("action_id"))
            .options(joinedload(Action.plan), joinedload(Action.theme), joinedload(Action.indicator_links),
                     joinedload(Action.carried_from).joinedload(Action.plan)))


@cache
def _people_query() -> Select:
    """The action's owners and supporting leads, each row labelled with which it is."""
    links = union_all(
        select(action_owners.c.user_id, literal("owner").label("part"))
        .where(action_owners.c.action_id == bindparam("action_id")),
        select(action_supporting_leads.c.user_id, literal("supporting").label("part"))
        .where(action_supporting_leads.c.action_id == bindparam("action_id")),
    ).subquery()
    return select(User, links.c.part).join(links, links.c.user_id == User.id).order_by(User.name, User.id)


@cache
def _forums_query() -> Select:
    return (select(Forum).join(action_forums, action_forums.c.forum_id == Forum.id)
            .where(action_forums.c.action_id == bindparam("action_id")).order_by(Forum.name, Forum.id))


def load_action(action_id: int) -> Action | None:
    """One action with what its page shows beside the timeline, in three queries.

    Owners and supporting leads come in one query and forums in another, set on the action as
    if loaded: four selectinloads cost the page more than everything else it reads."""
    params = {"action_id": action_id}
    action = db.session.scalars(_action_query(), params).unique().one_or_none()
    if action is None:
        return None
    people = db.session.execute(_people_query(), params).all()
    set_committed_value(action, "owners", [user for user, part in people if part == "owner"])
    set_committed_value(action, "supporting_leads", [user for user, part in people if part == "supporting"])
    set_committed_value(action, "forums", list(db.session.scalars(_forums_query(), params)))
    return action


@dataclass(frozen=True)
class CarriedCopy:
    id: int
    ref: str
    plan_year: str


@cache
def _carried_copies_query() -> Select:
    return (select(Action.id, Action.ref, Plan.year).join(Plan, Plan.id == Action.plan_id)
            .where(Action.carried_from_id == bindparam("action_id")).order_by(Plan.year, Action.id))


def carried_copies(action_id: int) -> list[CarriedCopy]:
    """Where the action was carried forward to (usually nowhere: one light query)."""
    return [CarriedCopy(*row) for row in db.session.execute(_carried_copies_query(), {"action_id": action_id})]


#: The action page shows this many progress updates and audit events until asked for all.
HISTORY_LENGTH = 20


@dataclass
class History:
    """The latest entries of a long list, and how many there are in all."""

    entries: list
    total: int

    @property
    def partial(self) -> bool:
        return len(self.entries) < self.total


@cache
def _updates_query(limited: bool) -> Select:
    query = (select(ProgressUpdate.posted_at, ProgressUpdate.as_at, ProgressUpdate.status, ProgressUpdate.rag,
                    ProgressUpdate.proposed_rag, ProgressUpdate.rag_reason, ProgressUpdate.narrative,
                    ProgressUpdate.evidence_url, User.name.label("author_name"), func.count().over().label("total"))
             .outerjoin(User, User.id == ProgressUpdate.author_id)
             .where(ProgressUpdate.action_id == bindparam("action_id"))
             .order_by(ProgressUpdate.posted_at.desc(), ProgressUpdate.id.desc()))
    return query.limit(bindparam("limit")) if limited else query


def latest_updates(action_id: int, limit: int | None = HISTORY_LENGTH) -> History:
    """The action's progress updates as rows (with author_name), newest first (limit None: all of them).

    One query, counted in it; plain rows cost the page less than ProgressUpdate objects."""
    rows = db.session.execute(_updates_query(limit is not None), {"action_id": action_id, "limit": limit}).all()
    return History(rows, rows[0].total if rows else 0)


def latest_audit(action_id: int, limit: int | None = HISTORY_LENGTH) -> History:
    """The action's audit events as rows (with actor_name), newest first (limit None: all of them)."""
    return History(*latest_events("action", action_id, limit))
