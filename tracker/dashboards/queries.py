"""Home pages: the signed-in person's own actions, grouped by what needs doing, and the current plans."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy import Select, bindparam, exists, select
from sqlalchemy.orm import aliased

from tracker.actions.models import Action, action_owners, action_supporting_leads
from tracker.actions.queries import ActionRow, read_rows, row_select
from tracker.actions.rag_rules import is_due_soon, is_overdue, is_stale
from tracker.auth.models import User
from tracker.extensions import db
from tracker.plans.models import Plan, PlanStatus
from tracker.rag import is_closed


def last_update_on(action: Action | ActionRow) -> date | None:
    return action.last_update_at.date() if action.last_update_at else None


def action_flags(action: Action | ActionRow, today: date) -> dict[str, bool]:
    """overdue / due_soon / stale / closed for one action."""
    closed = is_closed(action.status, action.rag)
    return {
        "closed": closed,
        "overdue": is_overdue(action.due_on, action.status, action.rag, today),
        "due_soon": not closed and is_due_soon(action.due_on, today),
        "stale": not closed and is_stale(last_update_on(action), today),
    }


@dataclass
class MyActions:
    overdue: list[ActionRow] = field(default_factory=list)
    due_soon: list[ActionRow] = field(default_factory=list)
    stale: list[ActionRow] = field(default_factory=list)
    other_open: list[ActionRow] = field(default_factory=list)
    closed: list[ActionRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(group) for group in (self.overdue, self.due_soon, self.stale, self.other_open, self.closed))


@cache
def _my_actions_query() -> Select:
    """Built once, like the overview's queries (see _overview_queries)."""
    mine = select(action_owners.c.action_id).where(action_owners.c.user_id == bindparam("user_id")).union(
        select(action_supporting_leads.c.action_id).where(action_supporting_leads.c.user_id == bindparam("user_id"))
    )
    copy = aliased(Action)
    carried_on = exists().where(copy.carried_from_id == Action.id)
    return (row_select().where(Action.id.in_(mine), Plan.is_live, ~carried_on)
            .order_by(Action.due_on.is_(None), Action.due_on, Action.ref_order, Action.id))


def my_actions(user: User, today: date) -> MyActions:
    """Actions the user owns or supports in plans that are not closed or archived, grouped by what needs doing.

    Only live actions: one carried forward into a later plan is left out while its copy exists
    (the copy is listed instead, for its owners, with its opening update as the last update)."""
    actions = read_rows(_my_actions_query(), {"user_id": user.id})
    groups = MyActions()
    for action in actions:
        flags = action_flags(action, today)
        if flags["closed"]:
            groups.closed.append(action)
        elif flags["overdue"]:
            groups.overdue.append(action)
        elif flags["due_soon"]:
            groups.due_soon.append(action)
        elif flags["stale"]:
            groups.stale.append(action)
        else:
            groups.other_open.append(action)
    return groups


def current_plans() -> list[Plan]:
    """Plans neither closed nor archived, newest year first (one query)."""
    return list(db.session.scalars(select(Plan).where(Plan.is_live).order_by(Plan.year.desc(), Plan.id.desc())))


def landing_plan(plans: list[Plan]) -> Plan | None:
    """The plan whose overview is the home page of those who review rather than own actions: the one
    approved current plan (a draft for next year may sit beside it after the rollover), or the one
    current plan; None when there are several or none, and the plans list is the home page."""
    approved = [plan for plan in plans if plan.status == PlanStatus.APPROVED.value]
    candidates = approved or plans
    return candidates[0] if len(candidates) == 1 else None
