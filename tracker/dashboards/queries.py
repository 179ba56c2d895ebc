"""Home pages: the signed-in person's own actions, grouped by what needs doing, and the current plans."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from sqlalchemy import Select, bindparam, case, exists, or_, select
from sqlalchemy.orm import aliased

from tracker.actions.models import Action, action_owners, action_supporting_leads
from tracker.actions.queries import PAGE_SIZE, ActionPage, ActionRow, row_select, rows_of
from tracker.actions.rag_rules import DUE_SOON_DAYS, STALE_DAYS, is_due_soon, is_overdue, is_stale
from tracker.auth.models import User
from tracker.extensions import db
from tracker.plans.models import Plan, PlanStatus
from tracker.rag import CLOSED_STATUSES, is_closed


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
    """Every action of the person, group by group (the exports)."""

    overdue: list[ActionRow] = field(default_factory=list)
    due_soon: list[ActionRow] = field(default_factory=list)
    stale: list[ActionRow] = field(default_factory=list)
    other_open: list[ActionRow] = field(default_factory=list)
    closed: list[ActionRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(group) for group in (self.overdue, self.due_soon, self.stale, self.other_open, self.closed))


@dataclass(frozen=True)
class Group:
    """One of the groups My actions shows, in the order it shows them."""

    key: str
    title: str
    #: "{} overdue actions": the link to the whole group ("Show all 143 overdue actions").
    described: str


GROUPS = (
    Group("overdue", "Overdue", "{} overdue actions"),
    Group("due_soon", f"Due in the next {DUE_SOON_DAYS} days", f"{{}} actions due in the next {DUE_SOON_DAYS} days"),
    Group("stale", f"No update for {STALE_DAYS} days", f"{{}} actions with no update for {STALE_DAYS} days"),
    Group("other_open", "Other open actions", "{} other open actions"),
    Group("closed", "Complete or closed", "{} complete or closed actions"),
)
GROUP_KEYS = tuple(group.key for group in GROUPS)
#: Rows each group shows on My actions; the rest are a link away, PAGE_SIZE a page.
GROUP_LIMIT = 10


@dataclass
class PlanPart:
    """A group's actions in one plan (plan_total: all of them, actions: those shown)."""

    plan_id: int
    plan_total: int
    actions: list[ActionRow]


@dataclass
class GroupRows:
    group: Group
    total: int
    parts: list[PlanPart]

    @property
    def shown(self) -> int:
        return sum(len(part.actions) for part in self.parts)


@dataclass
class MyActionsPage:
    """What My actions shows: each group's count and first rows, or one page of one group.

    plans: the ids of the plans the person's actions are in; several plans and each group is
    shown plan by plan, under the plan's name."""

    groups: list[GroupRows]
    plans: list[int]
    page: ActionPage | None = None

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    def count(self, key: str) -> int:
        return next(group.total for group in self.groups if group.group.key == key)


def _group_number():
    """The group of an action as a number (its index in GROUPS), by the rules of action_flags, in SQL.

    Run with :today, :due_soon_until and :stale_before (see _params); closed comes first, as it does
    in action_flags: a closed action is never overdue, due soon or stale."""
    closed = or_(Action.rag == "blue", Action.status.in_(sorted(CLOSED_STATUSES)))
    return case(
        (closed, GROUP_KEYS.index("closed")),
        (Action.due_on < bindparam("today"), GROUP_KEYS.index("overdue")),
        (Action.due_on <= bindparam("due_soon_until"), GROUP_KEYS.index("due_soon")),
        (or_(Action.last_update_at.is_(None), Action.last_update_at < bindparam("stale_before")),
         GROUP_KEYS.index("stale")),
        else_=GROUP_KEYS.index("other_open"),
    )


def _params(user: User, today: date) -> dict:
    """is_due_soon: due today up to DUE_SOON_DAYS days on; is_stale: last update on a day STALE_DAYS or
    more before today, that is before midnight (UTC, as stored) of the day STALE_DAYS - 1 days before."""
    return {"user_id": user.id, "today": today, "due_soon_until": today + timedelta(days=DUE_SOON_DAYS),
            "stale_before": datetime.combine(today - timedelta(days=STALE_DAYS - 1), time())}


@dataclass(frozen=True)
class _Queries:
    places: Select
    rows: Select
    every_row: Select


@cache
def _queries() -> _Queries:
    """Built once, like the overview's queries (see _overview_queries), and run with _params.

    The person's actions are found from action_owners and action_supporting_leads by their user_id
    indexes; only live actions: one carried forward into a later plan is left out while its copy
    exists (the copy is listed instead, for its owners, with its opening update as the last update)."""
    mine = select(action_owners.c.action_id).where(action_owners.c.user_id == bindparam("user_id")).union(
        select(action_supporting_leads.c.action_id).where(action_supporting_leads.c.user_id == bindparam("user_id"))
    )
    copy = aliased(Action)
    carried_on = exists().where(copy.carried_from_id == Action.id)
    wanted = (Action.id.in_(mine), Plan.is_live, ~carried_on)
    group = _group_number().label("group_number")
    #: Plan by plan (newest year first, as the current plans are listed), then by due date.
    order = (Plan.year.desc(), Plan.id.desc(), Action.due_on.is_(None), Action.due_on, Action.ref_order, Action.id)
    places = (select(Action.id, group, Action.plan_id).join(Plan, Plan.id == Action.plan_id)
              .where(*wanted).order_by(group, *order))
    rows = (row_select().add_columns(Action.plan_id).where(Action.id.in_(bindparam("ids", expanding=True)))
            .order_by(*order))
    every_row = row_select().add_columns(group).where(*wanted).order_by(group, *order)
    return _Queries(places, rows, every_row)


@dataclass
class _Places:
    """Every action of the person as (id, plan id), group by group in the page's order, with the counts."""

    ids: list[list[tuple[int, int]]]
    totals: list[dict[int, int]]
    plans: list[int]


def _places(params: dict) -> _Places:
    """One narrow query: each action's id, group (worked out in SQL) and plan, in the page's order;
    a few integers an action, so the rows' texts are read only for the actions shown."""
    ids: list[list[tuple[int, int]]] = [[] for _ in GROUPS]
    totals: list[dict[int, int]] = [{} for _ in GROUPS]
    for id_, number, plan_id in db.session.execute(_queries().places, params):
        ids[number].append((id_, plan_id))
        totals[number][plan_id] = totals[number].get(plan_id, 0) + 1
    return _Places(ids, totals, sorted({plan_id for counts in totals for plan_id in counts}))


def _rows(params: dict, ids: list[int]) -> dict[int, tuple]:
    """{id: (plan id, ActionRow)} of the actions shown (two queries, however many the person has)."""
    found = db.session.execute(_queries().rows, {**params, "ids": ids}).all() if ids else []
    return {row.id: (row.plan_id, action) for row, action in zip(found, rows_of(found), strict=True)}


def _parts(shown: list[tuple[int, int]], rows: dict[int, tuple], plan_totals: dict[int, int]) -> list[PlanPart]:
    parts: list[PlanPart] = []
    for id_, plan_id in shown:
        if id_ not in rows:
            continue
        if not parts or parts[-1].plan_id != plan_id:
            parts.append(PlanPart(plan_id, plan_totals.get(plan_id, 0), []))
        parts[-1].actions.append(rows[id_][1])
    return parts


def my_actions_page(user: User, today: date, limit: int = GROUP_LIMIT) -> MyActionsPage:
    """Each group's count and its first `limit` actions, plan by plan (three queries, whatever the person owns)."""
    params = _params(user, today)
    places = _places(params)
    shown = [group_ids[:limit] for group_ids in places.ids]
    rows = _rows(params, [id_ for group_ids in shown for id_, _ in group_ids])
    groups = [GroupRows(group, len(places.ids[n]), _parts(shown[n], rows, places.totals[n]))
              for n, group in enumerate(GROUPS)]
    return MyActionsPage(groups, places.plans)


def my_group_page(user: User, today: date, key: str, page: int = 1, size: int = PAGE_SIZE) -> MyActionsPage:
    """One page of one group (key one of GROUP_KEYS), plan by plan; a page past the end gives the last page."""
    number = GROUP_KEYS.index(key)
    params = _params(user, today)
    places = _places(params)
    total = len(places.ids[number])
    at = min(max(page, 1), max(1, -(-total // size)))
    shown = places.ids[number][(at - 1) * size:at * size]
    rows = _rows(params, [id_ for id_, _ in shown])
    groups = [GroupRows(group, len(places.ids[n]), _parts(shown, rows, places.totals[n]) if n == number else [])
              for n, group in enumerate(GROUPS)]
    actions = [action for part in groups[number].parts for action in part.actions]
    return MyActionsPage(groups, places.plans, ActionPage(actions, total, at, size))


def my_actions(user: User, today: date) -> MyActions:
    """Every action the user owns or supports in plans that are not closed or archived, grouped by what
    needs doing, in My actions' order (the exports; two queries)."""
    found = db.session.execute(_queries().every_row, _params(user, today)).all()
    groups = MyActions()
    for row, action in zip(found, rows_of(found), strict=True):
        getattr(groups, GROUP_KEYS[row.group_number]).append(action)
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
