"""Home pages: the signed-in person's own actions, grouped by what needs doing, and the current plans."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from sqlalchemy import Select, any_, bindparam, case, exists, func, literal_column, or_, select, union_all
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
    firsts: Select
    one_group: Select
    rows: Select
    every_row: Select


def _built() -> _Queries:
    return _queries(db.engine.dialect.name)


@cache
def _queries(dialect: str) -> _Queries:
    """Built once for the database's dialect, like the overview's queries (see _overview_queries), and run
    with _params.

    The person's actions are found from action_owners and action_supporting_leads by their user_id
    indexes; only live actions: one carried forward into a later plan is left out while its copy
    exists (the copy is listed instead, for its owners, with its opening update as the last update).

    The page's queries (firsts, one_group) classify the person's actions once, into a materialized
    CTE of a few columns, and send back only what the page shows: the counts by group and plan, and
    the ids of the rows shown, each group's picked by a top-N sort (ORDER BY … LIMIT), never a row
    for every action."""
    mine = select(action_owners.c.action_id).where(action_owners.c.user_id == bindparam("user_id")).union(
        select(action_supporting_leads.c.action_id).where(action_supporting_leads.c.user_id == bindparam("user_id"))
    )
    copy = aliased(Action)
    carried_on = exists().where(copy.carried_from_id == Action.id)
    # On PostgreSQL, = ANY(ARRAY(…)) makes it look each action up by its key: with IN it judged a few hundred
    # lookups dearer than reading every action, and read all 30,000 at ten times the ICS volume (17 ms, not 2).
    owned = Action.id == any_(func.array(mine.scalar_subquery())) if dialect == "postgresql" else Action.id.in_(mine)
    wanted = (owned, Plan.is_live, ~carried_on)
    group = _group_number().label("group_number")
    #: Plan by plan (newest year first, as the current plans are listed), then by due date.
    order = (Plan.year.desc(), Plan.id.desc(), Action.due_on.is_(None), Action.due_on, Action.ref_order, Action.id)
    classified = (select(Action.id, group, Action.plan_id, Plan.year, Action.due_on, Action.ref_order)
                  .join(Plan, Plan.id == Action.plan_id).where(*wanted)
                  .cte("classified").prefix_with("MATERIALIZED"))
    c = classified.c
    in_order = (c.year.desc(), c.plan_id.desc(), c.due_on.is_(None), c.due_on, c.ref_order, c.id)
    # Rows (group, id, plan id, 0) for the actions shown; (group, 0, plan id, count) for the counts.
    counts = select(c.group_number, literal_column("0").label("id"), c.plan_id, func.count().label("n")).group_by(
        c.group_number, c.plan_id)

    def shown(*where, limit, offset=None) -> Select:
        picked = (select(c.group_number, c.id, c.plan_id, literal_column("0").label("n")).where(*where)
                  .order_by(*in_order).limit(limit).offset(offset).subquery())
        return select(*picked.c)

    firsts = union_all(*(shown(c.group_number == number, limit=bindparam("limit")) for number in range(len(GROUPS))),
                       counts)
    # A page past the end gives the last page: the offset is brought back in SQL, from the group's count.
    in_group = select(func.count().label("n")).where(c.group_number == bindparam("group")).subquery()
    last_offset = (in_group.c.n - 1) // bindparam("limit") * bindparam("limit")
    offset = select(case((in_group.c.n == 0, 0), (bindparam("offset") < last_offset, bindparam("offset")),
                         else_=last_offset)).scalar_subquery()
    one_group = union_all(shown(c.group_number == bindparam("group"), limit=bindparam("limit"), offset=offset),
                          counts)
    rows = (row_select().add_columns(Action.plan_id).where(Action.id.in_(bindparam("ids", expanding=True)))
            .order_by(*order))
    every_row = row_select().add_columns(group).where(*wanted).order_by(group, *order)
    return _Queries(firsts, one_group, rows, every_row)


@dataclass
class _Places:
    """The ids shown, group by group in the page's order once _rows has read them, with the counts."""

    ids: list[list[int]]
    totals: list[dict[int, int]]
    plans: list[int]

    def total(self, number: int) -> int:
        return sum(self.totals[number].values())


def _places(statement: Select, params: dict) -> _Places:
    """The counts by group and plan and the ids of the rows shown (one query, a row for each)."""
    ids: list[list[int]] = [[] for _ in GROUPS]
    totals: list[dict[int, int]] = [{} for _ in GROUPS]
    for number, id_, plan_id, count in db.session.execute(statement, params):
        if count:
            totals[number][plan_id] = count
        else:
            ids[number].append(id_)
    return _Places(ids, totals, sorted({plan_id for counts in totals for plan_id in counts}))


def _rows(params: dict, ids: list[int]) -> list[tuple[int, int, ActionRow]]:
    """(id, plan id, ActionRow) of the actions shown, in the page's order (two queries, however many
    the person has)."""
    found = db.session.execute(_built().rows, {**params, "ids": ids}).all() if ids else []
    return [(row.id, row.plan_id, action) for row, action in zip(found, rows_of(found), strict=True)]


def _parts(ids: list[int], rows: list[tuple[int, int, ActionRow]], plan_totals: dict[int, int]) -> list[PlanPart]:
    wanted = set(ids)
    parts: list[PlanPart] = []
    for id_, plan_id, action in rows:
        if id_ not in wanted:
            continue
        if not parts or parts[-1].plan_id != plan_id:
            parts.append(PlanPart(plan_id, plan_totals.get(plan_id, 0), []))
        parts[-1].actions.append(action)
    return parts


def my_actions_page(user: User, today: date, limit: int = GROUP_LIMIT) -> MyActionsPage:
    """Each group's count and its first `limit` actions, plan by plan (three queries, whatever the person owns)."""
    params = _params(user, today)
    places = _places(_built().firsts, {**params, "limit": limit})
    rows = _rows(params, [id_ for group_ids in places.ids for id_ in group_ids])
    groups = [GroupRows(group, places.total(n), _parts(places.ids[n], rows, places.totals[n]))
              for n, group in enumerate(GROUPS)]
    return MyActionsPage(groups, places.plans)


def my_group_page(user: User, today: date, key: str, page: int = 1, size: int = PAGE_SIZE) -> MyActionsPage:
    """One page of one group (key one of GROUP_KEYS), plan by plan; a page past the end gives the last
    page (three queries)."""
    number = GROUP_KEYS.index(key)
    params = {**_params(user, today), "group": number, "limit": size}
    places = _places(_built().one_group, {**params, "offset": (max(page, 1) - 1) * size})
    total = places.total(number)
    at = min(max(page, 1), max(1, -(-total // size)))
    rows = _rows(params, places.ids[number])
    groups = [GroupRows(group, places.total(n), _parts(places.ids[n], rows, places.totals[n]) if n == number else [])
              for n, group in enumerate(GROUPS)]
    actions = [action for part in groups[number].parts for action in part.actions]
    return MyActionsPage(groups, places.plans, ActionPage(actions, total, at, size))


def my_actions(user: User, today: date) -> MyActions:
    """Every action the user owns or supports in plans that are not closed or archived, grouped by what
    needs doing, in My actions' order (the exports; two queries)."""
    found = db.session.execute(_built().every_row, _params(user, today)).all()
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
