"""The views people open most: my actions, the plan overview and the filtered plan list."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, subqueryload

from tracker.actions.models import Action, ActionIndicator, action_forums, action_owners, action_supporting_leads
from tracker.actions.rag_rules import STALE_DAYS, is_due_soon, is_overdue, is_stale
from tracker.auth.models import User
from tracker.extensions import db
from tracker.plans.models import Plan, PlanStatus
from tracker.governance.models import Forum
from tracker.rag import CLOSED_STATUSES, RAG_VALUES, is_closed


def _with_list_columns(query):
    """What action lists show, in a fixed number of queries (subquery loads do not batch by 500 ids)."""
    return query.options(
        joinedload(Action.theme), joinedload(Action.plan),
        subqueryload(Action.owners), subqueryload(Action.forums), subqueryload(Action.indicator_links),
    )


def last_update_on(action: Action) -> date | None:
    return action.last_update_at.date() if action.last_update_at else None


def action_flags(action: Action, today: date) -> dict[str, bool]:
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
    overdue: list[Action] = field(default_factory=list)
    due_soon: list[Action] = field(default_factory=list)
    stale: list[Action] = field(default_factory=list)
    other_open: list[Action] = field(default_factory=list)
    closed: list[Action] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(group) for group in (self.overdue, self.due_soon, self.stale, self.other_open, self.closed))


def my_actions(user: User, today: date) -> MyActions:
    """Actions the user owns or supports in plans that are not closed, grouped by what needs doing."""
    mine = select(action_owners.c.action_id).where(action_owners.c.user_id == user.id).union(
        select(action_supporting_leads.c.action_id).where(action_supporting_leads.c.user_id == user.id)
    )
    actions = db.session.scalars(
        _with_list_columns(select(Action))
        .join(Action.plan)
        .where(Action.id.in_(mine), Plan.status != PlanStatus.CLOSED.value)
        .order_by(Action.due_on.is_(None), Action.due_on, Action.ref)
    ).unique()
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


@dataclass
class Filters:
    owner_id: int | None = None
    indicator: int | None = None
    forum_id: int | None = None
    rag: str | None = None  # red/amber/green/blue or "none"
    status: str | None = None
    overdue: bool = False
    sort: str = "ref"


SORTS = {"ref", "due", "rag", "updated", "theme"}


def _ref_key(ref: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in ref.replace("-", ".").split("."))


def plan_actions(plan: Plan, filters: Filters, today: date) -> list[Action]:
    """The plan's actions, filtered and sorted, with what the list shows loaded."""
    query = _with_list_columns(select(Action)).where(Action.plan_id == plan.id)
    if filters.owner_id:
        query = query.where(or_(
            Action.id.in_(select(action_owners.c.action_id).where(action_owners.c.user_id == filters.owner_id)),
            Action.id.in_(select(action_supporting_leads.c.action_id)
                          .where(action_supporting_leads.c.user_id == filters.owner_id)),
        ))
    if filters.indicator:
        query = query.where(Action.indicator_links.any(indicator=filters.indicator))
    if filters.forum_id:
        query = query.where(Action.forums.any(id=filters.forum_id))
    if filters.rag == "none":
        query = query.where(Action.rag.is_(None))
    elif filters.rag in RAG_VALUES:
        query = query.where(Action.rag == filters.rag)
    if filters.status:
        query = query.where(Action.status == filters.status)
    actions = list(db.session.scalars(query).unique())
    if filters.overdue:
        actions = [a for a in actions if is_overdue(a.due_on, a.status, a.rag, today)]
    return sort_actions(actions, filters.sort)


def sort_actions(actions: list[Action], sort: str) -> list[Action]:
    rag_order = {"red": 0, "amber": 1, "green": 2, None: 3, "blue": 4}
    keys = {
        "ref": lambda a: _ref_key(a.ref),
        "due": lambda a: (a.due_on is None, a.due_on or date.max, _ref_key(a.ref)),
        "rag": lambda a: (rag_order.get(a.rag, 3), _ref_key(a.ref)),
        "updated": lambda a: (a.last_update_at is None, -(a.last_update_at.timestamp()) if a.last_update_at else 0),
        "theme": lambda a: (a.theme.position if a.theme else 999, _ref_key(a.ref)),
    }
    return sorted(actions, key=keys.get(sort, keys["ref"]))


@dataclass
class Overview:
    total: int
    by_rag: list[tuple[str | None, int]]
    by_status: list[tuple[str, int]]
    by_theme: list[tuple[str, int, Counter]]
    by_indicator: list[tuple[int, int, Counter]]
    by_forum: list[tuple[str, int, Counter]]
    overdue: list[Action]
    overdue_count: int
    stale: list[Action]
    stale_count: int


#: The overview lists this many overdue and stale actions; the plan page filters show the rest.
OVERVIEW_LIST_LIMIT = 20


def _open_action(today: date):
    """SQL for 'not complete, cancelled or carried forward'."""
    return and_(or_(Action.rag.is_(None), Action.rag != "blue"),
                or_(Action.status.is_(None), Action.status.not_in(CLOSED_STATUSES)))


def _rag_counters(rows) -> dict:
    counters: dict = {}
    for key, rag, count in rows:
        counters.setdefault(key, Counter())[rag] += count
    return counters


def plan_overview(plan: Plan, today: date) -> Overview:
    """Counts by RAG, status, theme, indicator and forum (GROUP BY queries), and the first
    overdue and stale actions; the page's cost does not grow with the plan."""
    in_plan = Action.plan_id == plan.id
    by_rag = dict(db.session.execute(select(Action.rag, func.count()).where(in_plan).group_by(Action.rag)).all())
    by_status = sorted((status or "No status", n) for status, n in db.session.execute(
        select(Action.status, func.count()).where(in_plan).group_by(Action.status)))
    themes = _rag_counters(db.session.execute(
        select(Action.theme_id, Action.rag, func.count()).where(in_plan).group_by(Action.theme_id, Action.rag)))
    labels = {theme.id: theme.label for theme in plan.themes}
    ordered = [theme.id for theme in plan.themes] + ([None] if None in themes else [])
    indicators = _rag_counters(db.session.execute(
        select(ActionIndicator.indicator, Action.rag, func.count()).join(Action, ActionIndicator.action_id == Action.id)
        .where(in_plan).group_by(ActionIndicator.indicator, Action.rag)))
    forums = _rag_counters(db.session.execute(
        select(Forum.name, Action.rag, func.count()).select_from(action_forums)
        .join(Forum, Forum.id == action_forums.c.forum_id).join(Action, Action.id == action_forums.c.action_id)
        .where(in_plan).group_by(Forum.name, Action.rag)))
    overdue_filter = and_(in_plan, _open_action(today), Action.due_on < today)
    stale_filter = and_(in_plan, _open_action(today), or_(
        Action.last_update_at.is_(None), Action.last_update_at < datetime.combine(today - timedelta(days=STALE_DAYS), time())))
    count = lambda condition: db.session.scalar(select(func.count()).select_from(Action).where(condition))  # noqa: E731
    return Overview(
        total=sum(by_rag.values()),
        by_rag=[(rag, by_rag.get(rag, 0)) for rag in ("red", "amber", "green", "blue", None)],
        by_status=[(status, n) for status, n in by_status],
        by_theme=[(labels.get(key, "No theme"), sum(themes.get(key, Counter()).values()), themes.get(key, Counter()))
                  for key in ordered],
        by_indicator=[(n, sum(indicators.get(n, Counter()).values()), indicators.get(n, Counter())) for n in range(1, 10)],
        by_forum=sorted((name, sum(c.values()), c) for name, c in forums.items()),
        overdue=list(db.session.scalars(_with_list_columns(select(Action)).where(overdue_filter)
                                        .order_by(Action.due_on, Action.id).limit(OVERVIEW_LIST_LIMIT)).unique()),
        overdue_count=count(overdue_filter),
        stale=list(db.session.scalars(_with_list_columns(select(Action)).where(stale_filter)
                                      .order_by(Action.last_update_at.is_not(None), Action.last_update_at, Action.id)
                                      .limit(OVERVIEW_LIST_LIMIT)).unique()),
        stale_count=count(stale_filter),
    )


def plan_people(plan: Plan) -> list[User]:
    """Everyone who owns or supports an action in the plan, for the owner filter."""
    in_plan = select(Action.id).where(Action.plan_id == plan.id)
    owner_ids = select(action_owners.c.user_id).where(action_owners.c.action_id.in_(in_plan)).union(
        select(action_supporting_leads.c.user_id).where(action_supporting_leads.c.action_id.in_(in_plan))
    )
    return list(db.session.scalars(select(User).where(User.id.in_(owner_ids)).order_by(User.name)))


def plan_statuses(plan: Plan) -> list[str]:
    return list(db.session.scalars(
        select(Action.status).where(Action.plan_id == plan.id, Action.status.is_not(None)).distinct().order_by(Action.status)
    ))
