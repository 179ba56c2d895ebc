"""Home pages: the signed-in person's own actions, grouped by what needs doing, and the current plans."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from sqlalchemy import (
    Date,
    DateTime,
    Select,
    and_,
    any_,
    bindparam,
    case,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from tracker.actions.models import Action, action_owners, action_supporting_leads
from tracker.actions.queries import PAGE_SIZE, ActionPage, ActionRow, row_select, rows_of
from tracker.actions.rag_rules import DUE_SOON_DAYS, STALE_DAYS, is_due_soon, is_overdue, is_stale
from tracker.auth.models import User
from tracker.dashboards.models import PersonAction
from tracker.database import among
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
    one_group: tuple[Select, ...]
    rows: Select
    every_row: Select


def _built() -> _Queries:
    return _queries(db.engine.dialect.name)


#: Typed, so that on SQLite they are written as the columns store them whatever they are compared with.
_TODAY = bindparam("today", type_=Date)
_DUE_SOON_UNTIL = bindparam("due_soon_until", type_=Date)
_STALE_BEFORE = bindparam("stale_before", type_=DateTime)


def _compared(dialect: str):
    """person_actions' due date and last update as the group rules compare them.

    On SQLite both are text in a column of NUMERIC affinity, and a comparison with a column would try to
    read the text as a number each time. `+due_on` is an expression, not a column, so it has no affinity
    (SQLite's documentation, "Type Conversions Prior To Comparison"): the text, in ISO order, is
    compared as it is with the text the typed parameters are written as, which gives the same answers
    for a fraction of the work."""
    p = PersonAction
    if dialect == "sqlite":
        return tuple(UnaryExpression(column, operator=custom_op("+"), type_=column.type)
                     for column in (p.due_on, p.last_update_at))
    return p.due_on, p.last_update_at


def _in_group(number: int, dialect: str):
    """Whether a person_actions row is in the group GROUPS[number], by the rules of _group_number: closed
    first, then by the due date, then (open actions due later or undated) by the last update."""
    p = PersonAction
    due_on, last_update_at = _compared(dialect)
    later = or_(p.undated == true(), due_on > _DUE_SOON_UNTIL)
    stale = or_(last_update_at.is_(None), last_update_at < _STALE_BEFORE)
    return {
        "overdue": (p.closed == false(), due_on < _TODAY),
        "due_soon": (p.closed == false(), due_on >= _TODAY, due_on <= _DUE_SOON_UNTIL),
        "stale": (p.closed == false(), later, stale),
        "other_open": (p.closed == false(), later, ~stale),
        "closed": (p.closed == true(),),
    }[GROUP_KEYS[number]]


def _open_counts(dialect: str) -> tuple:
    """Counts of a plan's open actions from which _places works out each open group's: all of them, those
    overdue, those due up to the end of the due-soon window (overdue ones included), and the stale ones."""
    due_on, _last_update_at = _compared(dialect)
    return (func.count(), func.count().filter(due_on < _TODAY),
            func.count().filter(due_on <= _DUE_SOON_UNTIL),
            func.count().filter(and_(*_in_group(GROUP_KEYS.index("stale"), dialect)[1:])))


@cache
def _queries(dialect: str) -> _Queries:
    """Built once for the database's dialect, like the overview's queries (see _overview_queries), and run
    with _params.

    The page's queries (firsts, one_group) read only person_actions (PersonAction: the person's links,
    kept by triggers, with what decides each action's group and place), through its index
    ix_person_actions_listed, which holds a person's listed open actions, then closed ones, each in the
    page's order. Each group's rows shown are picked by walking the index in order until the LIMIT is
    met: no sort, and the large actions table is not read. The counts come from the same index entries,
    plan by plan, in one walk of the open actions and one of the closed. Only what the page shows comes
    back: the counts and the ids of the rows shown.

    The export (every_row) reads the actions and links themselves: a person's actions are found from
    action_owners and action_supporting_leads by their user_id indexes; only live actions: one carried
    forward into a later plan is left out while its copy exists (the copy is listed instead, for its
    owners, with its opening update as the last update)."""
    p = PersonAction
    listed = (p.user_id == bindparam("user_id"), p.listed == true())
    in_order = (p.plan_year.desc(), p.plan_id.desc(), p.undated, p.due_on, p.ref_order, p.action_id)
    zero = literal_column("0")
    # Rows (kind, id, plan_id, n, overdue, up_to_soon, stale): (group, id, plan id, 0, 0, 0, 0) for the
    # actions shown; (-1, 0, plan id, and the counts of _open_counts) for a plan's open actions; (-2, 0,
    # plan id, count, 0, 0, 0) for its closed ones.
    counts = (
        select(literal_column("-1"), zero, p.plan_id, *_open_counts(dialect))
        .where(*listed, p.closed == false()).group_by(p.plan_year, p.plan_id),
        select(literal_column("-2"), zero, p.plan_id, func.count(), zero, zero, zero)
        .where(*listed, p.closed == true()).group_by(p.plan_year, p.plan_id),
    )

    def shown(number, limit, offset=None) -> Select:
        picked = (select(p.action_id, p.plan_id).where(*listed, *_in_group(number, dialect)).order_by(*in_order)
                  .limit(limit).offset(offset).subquery())
        return select(literal_column(str(number)).label("kind"), picked.c.action_id.label("id"), picked.c.plan_id,
                      zero.label("n"), zero.label("overdue"), zero.label("up_to_soon"), zero.label("stale"))

    firsts = union_all(*(shown(number, bindparam("limit")) for number in range(len(GROUPS))), *counts)

    def one_group_of(number: int) -> Select:
        # A page past the end gives the last page: the offset is brought back in SQL, from the group's count.
        in_group = select(func.count().label("n")).where(*listed, *_in_group(number, dialect)).subquery()
        last_offset = (in_group.c.n - 1) // bindparam("limit") * bindparam("limit")
        offset = select(case((in_group.c.n == 0, 0), (bindparam("offset") < last_offset, bindparam("offset")),
                             else_=last_offset)).scalar_subquery()
        return union_all(shown(number, bindparam("limit"), offset), *counts)

    mine = select(action_owners.c.action_id).where(action_owners.c.user_id == bindparam("user_id")).union(
        select(action_supporting_leads.c.action_id).where(action_supporting_leads.c.user_id == bindparam("user_id"))
    )
    copy = aliased(Action)
    carried_on = exists().where(copy.carried_from_id == Action.id)
    # On PostgreSQL, = ANY(ARRAY(…)) makes it look each action up by its key: with IN it judged a few hundred
    # lookups dearer than reading every action, and read all 30,000 at ten times the ICS volume (17 ms, not 2).
    owned = Action.id == any_(func.array(mine.scalar_subquery())) if dialect == "postgresql" else Action.id.in_(mine)
    group = _group_number().label("group_number")
    #: Plan by plan (newest year first, as the current plans are listed), then by due date.
    order = (Plan.year.desc(), Plan.id.desc(), Action.due_on.is_(None), Action.due_on, Action.ref_order, Action.id)
    rows = (row_select(themes=False).add_columns(Action.plan_id).where(among(Action.id, "ids"))
            .order_by(*order))
    every_row = row_select().add_columns(group).where(owned, Plan.is_live, ~carried_on).order_by(group, *order)
    return _Queries(firsts, tuple(one_group_of(number) for number in range(len(GROUPS))), rows, every_row)


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
    for kind, id_, plan_id, first, overdue, up_to_soon, stale in db.session.connection().execute(statement, params):
        if kind >= 0:
            ids[kind].append(id_)
        elif kind == -2:
            totals[GROUP_KEYS.index("closed")][plan_id] = first
        else:
            counted = {"overdue": overdue, "due_soon": up_to_soon - overdue, "stale": stale,
                       "other_open": first - up_to_soon - stale}
            for key, count in counted.items():
                if count:
                    totals[GROUP_KEYS.index(key)][plan_id] = count
    return _Places(ids, totals, sorted({plan_id for counts in totals for plan_id in counts}))


def _rows(params: dict, ids: list[int]) -> list[tuple[int, int, ActionRow]]:
    """(id, plan id, ActionRow) of the actions shown, in the page's order (two queries, however many
    the person has).

    _places and _rows read through the session's connection: the page only reads, and Core rows cost a
    fraction of the ORM's."""
    if not ids:
        return []
    connection = db.session.connection()
    found = connection.execute(_built().rows, {**params, "ids": ids}).all()
    return [(row[0], row[-1], action) for row, action in zip(found, rows_of(found, connection), strict=True)]


def _parts(places: _Places, rows: list[tuple[int, int, ActionRow]]) -> list[list[PlanPart]]:
    """Each group's rows shown, plan by plan, in one pass over the rows in the page's order."""
    group_of = {id_: number for number, ids in enumerate(places.ids) for id_ in ids}
    parts: list[list[PlanPart]] = [[] for _ in GROUPS]
    for id_, plan_id, action in rows:
        number = group_of[id_]
        group_parts = parts[number]
        if not group_parts or group_parts[-1].plan_id != plan_id:
            group_parts.append(PlanPart(plan_id, places.totals[number].get(plan_id, 0), []))
        group_parts[-1].actions.append(action)
    return parts


def my_actions_page(user: User, today: date, limit: int = GROUP_LIMIT) -> MyActionsPage:
    """Each group's count and its first `limit` actions, plan by plan (three queries, whatever the person owns)."""
    params = _params(user, today)
    places = _places(_built().firsts, {**params, "limit": limit})
    parts = _parts(places, _rows(params, [id_ for group_ids in places.ids for id_ in group_ids]))
    groups = [GroupRows(group, places.total(n), parts[n]) for n, group in enumerate(GROUPS)]
    return MyActionsPage(groups, places.plans)


def my_group_page(user: User, today: date, key: str, page: int = 1, size: int = PAGE_SIZE) -> MyActionsPage:
    """One page of one group (key one of GROUP_KEYS), plan by plan; a page past the end gives the last
    page (three queries)."""
    number = GROUP_KEYS.index(key)
    params = {**_params(user, today), "group": number, "limit": size}
    places = _places(_built().one_group[number], {**params, "offset": (max(page, 1) - 1) * size})
    total = places.total(number)
    at = min(max(page, 1), max(1, -(-total // size)))
    parts = _parts(places, _rows(params, places.ids[number]))
    groups = [GroupRows(group, places.total(n), parts[n]) for n, group in enumerate(GROUPS)]
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
