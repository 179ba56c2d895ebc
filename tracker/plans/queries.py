"""What the plan pages read: every plan with its size, a page of the plan's actions, filtered and sorted in the database,
the people and statuses its filters offer, and the plan overview's counts.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache

from sqlalchemy import Date, Select, and_, bindparam, case, func, literal, or_, select, union_all
from sqlalchemy.orm import joinedload

from tracker import standards
from tracker.actions.by_when import plan_year_bounds
from tracker.actions.models import (
    Action,
    ActionHighImpactAction,
    ActionMeasure,
    ProgressUpdate,
    action_forums,
    action_owners,
    action_supporting_leads,
)
from tracker.actions.queries import PAGE_SIZE, ActionPage, ActionRow, read_lists, read_page, row_select
from tracker.actions.rag_rules import STALE_DAYS
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.plans.charts import month_ends
from tracker.plans.models import Plan, Theme
from tracker.plans.service import DEMO_DATA
from tracker.rag import CLOSED_STATUSES, RAG_VALUES
from tracker.standards import WRES


def list_plans(archived: bool = False) -> list[tuple[Plan, int]]:
    """Every plan that is not archived (archived=True: every archived plan) with its number of
    actions, newest year first."""
    # Counted per listed plan from the actions' plan_id index (cheaper than grouping every action).
    size = select(func.count()).where(Action.plan_id == Plan.id).correlate(Plan).scalar_subquery()
    rows = db.session.execute(
        select(Plan, size)
        .where(Plan.archived_at.is_not(None) if archived else Plan.archived_at.is_(None))
        .options(joinedload(Plan.approved_by), joinedload(Plan.archived_by))
        .order_by(Plan.year.desc(), Plan.id.desc())
    )
    return [(plan, count) for plan, count in rows]


def current_plans() -> list[Plan]:
    """Every plan that is not archived, newest year first, as list_plans orders them, without counting
    their actions (for choosing a plan)."""
    return list(db.session.scalars(select(Plan).where(Plan.archived_at.is_(None))
                                   .order_by(Plan.year.desc(), Plan.id.desc())))


def demo_note(plan_id: int) -> str | None:
    """What the demo loader noted about the plan (that it is demo data, and how its dates were moved);
    None for every real plan."""
    return db.session.scalar(select(AuditEvent.summary).where(
        AuditEvent.subject_type == "plan", AuditEvent.subject_id == plan_id, AuditEvent.verb == DEMO_DATA)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1))


def archived_count() -> int:
    """How many plans are archived, for the plans list's "Show archived plans (N)"."""
    return db.session.scalar(select(func.count(Plan.id)).where(Plan.archived_at.is_not(None)))


def action_count(plan: Plan) -> int:
    """How many actions the plan has."""
    return db.session.scalar(select(func.count(Action.id)).where(Action.plan_id == plan.id))


@dataclass
class Filters:
    owner_id: int | None = None
    #: A measure's code ("wres:2", "wdes:4a_ii"); `indicator` (a WRES number) is the older way to say "wres:N".
    measure: str | None = None
    hia: int | None = None
    indicator: int | None = None
    forum_id: int | None = None
    rag: str | None = None  # red/amber/green/blue or "none"
    status: str | None = None
    overdue: bool = False
    sort: str = "ref"

    def __post_init__(self) -> None:
        if self.indicator and not self.measure:
            self.measure = standards.code_of(WRES, self.indicator)
        if self.measure and not standards.is_measure(self.measure):
            self.measure = None
        if self.hia is not None and not 1 <= self.hia <= len(standards.high_impact_actions()):
            self.hia = None


_RAG_ORDER = case({"red": 0, "amber": 1, "green": 2, "blue": 4}, value=Action.rag, else_=3)
_THEME_POSITION = func.coalesce(Theme.position, 999)
#: ORDER BY for each sort on the plan page; every one ends in a unique column so pages do not overlap.
ORDERS = {
    "ref": (Action.ref_order, Action.id),
    "theme": (_THEME_POSITION, Action.ref_order, Action.id),
    "due": (Action.due_on.is_(None), Action.due_on, Action.ref_order, Action.id),
    "rag": (_RAG_ORDER, Action.ref_order, Action.id),
    "updated": (Action.last_update_at.is_(None), Action.last_update_at.desc(), Action.id),
}


def _filter_shape(filters: Filters) -> tuple:
    """Which filters are set: the plan page's statements are built once for each shape."""
    return (bool(filters.owner_id), bool(filters.measure), bool(filters.hia), bool(filters.forum_id),
            "none" if filters.rag == "none" else filters.rag in RAG_VALUES, bool(filters.status), filters.overdue)


def _filter_params(plan: Plan, filters: Filters, today: date) -> dict:
    measure = standards.measure(filters.measure) if filters.measure else None
    return {"plan_id": plan.id, "owner_id": filters.owner_id,
            "measure_standard": measure.standard if measure else None, "measure_key": measure.key if measure else None,
            "hia": filters.hia, "forum_id": filters.forum_id, "rag": filters.rag, "status": filters.status,
            "today": today}


def _filtered(query: Select, shape: tuple) -> Select:
    owner, measure, hia, forum, rag, status, overdue = shape
    query = query.where(Action.plan_id == bindparam("plan_id"))
    if owner:
        query = query.where(or_(
            Action.id.in_(select(action_owners.c.action_id).where(action_owners.c.user_id == bindparam("owner_id"))),
            Action.id.in_(select(action_supporting_leads.c.action_id)
                          .where(action_supporting_leads.c.user_id == bindparam("owner_id"))),
        ))
    if measure:
        query = query.where(Action.measure_links.any(and_(ActionMeasure.standard == bindparam("measure_standard"),
                                                              ActionMeasure.measure == bindparam("measure_key"))))
    if hia:
        query = query.where(Action.high_impact_action_links.any(ActionHighImpactAction.number == bindparam("hia")))
    if forum:
        query = query.where(Action.forums.any(Forum.id == bindparam("forum_id")))
    if rag == "none":
        query = query.where(Action.rag.is_(None))
    elif rag:
        query = query.where(Action.rag == bindparam("rag"))
    if status:
        query = query.where(Action.status == bindparam("status"))
    if overdue:
        query = query.where(_OPEN_ACTION, Action.due_on < bindparam("today"))
    return query


@lru_cache(maxsize=256)
def _plan_list_queries(shape: tuple, sort: str) -> tuple[Select, Select]:
    """(count, rows) for one filter shape and sort, built once (see _overview_queries)."""
    return (_filtered(select(func.count(Action.id)), shape),
            _filtered(row_select(), shape).order_by(*ORDERS[sort]))


def plan_actions(plan: Plan, filters: Filters, today: date, page: int = 1,
                 size: int | None = PAGE_SIZE) -> ActionPage:
    """One page of the plan's actions, filtered and sorted in SQL (size None: every action)."""
    count, rows = _plan_list_queries(_filter_shape(filters), filters.sort if filters.sort in ORDERS else "ref")
    params = _filter_params(plan, filters, today)
    return read_page(rows, db.session.scalar(count, params), page, size, params)


def matching_versions(plan: Plan, filters: Filters, today: date) -> dict[int, int]:
    """{id: version} of every action of the plan the filters match, in the plan page's order (all pages)."""
    statement = _filtered(select(Action.id, Action.version), _filter_shape(filters))
    statement = statement.order_by(*ORDERS[filters.sort if filters.sort in ORDERS else "ref"])
    if filters.sort == "theme":
        statement = statement.outerjoin(Theme, Theme.id == Action.theme_id)
    return dict(db.session.execute(statement, _filter_params(plan, filters, today)).all())


@dataclass
class Overview:
    total: int
    by_rag: list[tuple[str | None, int]]
    by_status: list[tuple[str, int]]
    by_theme: list[tuple[str, int, Counter]]
    #: (measure, actions, counts by RAG): every measure of the plan's standards, then any other linked.
    by_measure: list[tuple[standards.Measure, int, Counter]]
    #: (high impact action, actions, counts by RAG, overdue actions), HIA 1-6.
    by_hia: list[tuple[standards.HighImpactAction, int, Counter, int]]
    by_forum: list[tuple[str, int, Counter]]
    overdue: list[ActionRow]
    overdue_count: int
    stale: list[ActionRow]
    stale_count: int


#: The overview lists this many overdue and stale actions; the plan page filters show the rest.
OVERVIEW_LIST_LIMIT = 10


#: SQL for "not complete, cancelled or carried forward".
_OPEN_ACTION = and_(or_(Action.rag.is_(None), Action.rag != "blue"),
                    or_(Action.status.is_(None), Action.status.not_in(CLOSED_STATUSES)))


def _rag_counters(rows) -> dict:
    counters: dict = {}
    for key, rag, count in rows:
        counters.setdefault(key, Counter())[rag] += count
    return counters


def _count_if(condition):
    return func.sum(case((condition, 1), else_=0))


@dataclass(frozen=True)
class _OverviewQueries:
    counts: Select
    by_measure: Select
    by_hia: Select
    by_forum: Select
    first_overdue: Select
    first_stale: Select


@cache
def _overview_queries() -> _OverviewQueries:
    """The overview's queries, built once and run with :plan_id, :today and :stale_before.

    Building a statement and its cache key costs SQLAlchemy more than SQLite takes to run
    these; built once, the overview costs about 2 ms less."""
    in_plan = Action.plan_id == bindparam("plan_id")
    overdue = and_(_OPEN_ACTION, Action.due_on < bindparam("today"))
    stale = and_(_OPEN_ACTION, or_(Action.last_update_at.is_(None), Action.last_update_at < bindparam("stale_before")))
    return _OverviewQueries(
        counts=select(Action.theme_id, Action.status, Action.rag, func.count(), _count_if(overdue), _count_if(stale))
        .where(in_plan).group_by(Action.theme_id, Action.status, Action.rag),
        by_measure=select(ActionMeasure.standard, ActionMeasure.measure, Action.rag, func.count())
        .join(Action, ActionMeasure.action_id == Action.id).where(in_plan)
        .group_by(ActionMeasure.standard, ActionMeasure.measure, Action.rag),
        by_hia=select(ActionHighImpactAction.number, Action.rag, func.count(), _count_if(overdue))
        .join(Action, ActionHighImpactAction.action_id == Action.id).where(in_plan)
        .group_by(ActionHighImpactAction.number, Action.rag),
        by_forum=select(Forum.name, Action.rag, func.count()).select_from(action_forums)
        .join(Forum, Forum.id == action_forums.c.forum_id).join(Action, Action.id == action_forums.c.action_id)
        .where(in_plan).group_by(Forum.name, Action.rag),
        first_overdue=row_select().where(in_plan, overdue).order_by(Action.due_on, Action.id).limit(OVERVIEW_LIST_LIMIT),
        first_stale=row_select().where(in_plan, stale)
        .order_by(Action.last_update_at.is_not(None), Action.last_update_at, Action.id).limit(OVERVIEW_LIST_LIMIT),
    )


def plan_overview(plan: Plan, today: date) -> Overview:
    """Counts by RAG, status, theme, measure, high impact action and forum (five GROUP BY queries), and
    the first overdue and stale actions; the page's cost does not grow with the plan."""
    queries = _overview_queries()
    params = {"plan_id": plan.id, "today": today,
              "stale_before": datetime.combine(today - timedelta(days=STALE_DAYS), time())}
    by_rag, by_status, themes = Counter(), Counter(), {}
    overdue_count = stale_count = 0
    for theme_id, status, rag, count, overdue_here, stale_here in db.session.execute(queries.counts, params):
        by_rag[rag] += count
        by_status[status or "No status"] += count
        themes.setdefault(theme_id, Counter())[rag] += count
        overdue_count += int(overdue_here)
        stale_count += int(stale_here)
    labels = {theme.id: theme.label for theme in plan.themes}
    ordered = [theme.id for theme in plan.themes] + ([None] if None in themes else [])
    linked = {standards.code_of(standard, key): counts for (standard, key), counts in _rag_counters(
        ((standard, key), rag, count) for standard, key, rag, count in db.session.execute(queries.by_measure, params)
    ).items() if standards.is_measure(standards.code_of(standard, key))}
    shown = standards.sort_codes([m.code for m in standards.measures_for_plan(plan.standard)] + list(linked))
    hias: dict[int, Counter] = {}
    hia_overdue: Counter = Counter()
    for number, rag, count, overdue_here in db.session.execute(queries.by_hia, params):
        hias.setdefault(number, Counter())[rag] += count
        hia_overdue[number] += int(overdue_here)
    forums = _rag_counters(db.session.execute(queries.by_forum, params))
    first_overdue, first_stale = read_lists(queries.first_overdue, queries.first_stale, params=params)
    return Overview(
        total=sum(by_rag.values()),
        by_rag=[(rag, by_rag.get(rag, 0)) for rag in (*RAG_VALUES, None)],
        by_status=sorted(by_status.items()),
        by_theme=[(labels.get(key, "No theme"), sum(themes.get(key, Counter()).values()), themes.get(key, Counter()))
                  for key in ordered],
        by_measure=[(standards.measure(code), sum(linked.get(code, Counter()).values()), linked.get(code, Counter()))
                    for code in shown],
        by_hia=[(hia, sum(hias.get(hia.number, Counter()).values()), hias.get(hia.number, Counter()),
                 hia_overdue[hia.number]) for hia in standards.high_impact_actions()],
        by_forum=sorted((name, sum(c.values()), c) for name, c in forums.items()),
        overdue=first_overdue,
        overdue_count=overdue_count,
        stale=first_stale,
        stale_count=stale_count,
    )


@cache
def _plan_people_query() -> Select:
    in_plan = select(Action.id).where(Action.plan_id == bindparam("plan_id"))
    people = select(action_owners.c.user_id).where(action_owners.c.action_id.in_(in_plan)).union(
        select(action_supporting_leads.c.user_id).where(action_supporting_leads.c.action_id.in_(in_plan)))
    return select(User.id, User.name).where(User.id.in_(people)).order_by(User.name)


def plan_people(plan: Plan) -> list:
    """(id, name) of everyone who owns or supports an action in the plan, for the owner filter."""
    return list(db.session.execute(_plan_people_query(), {"plan_id": plan.id}))


@cache
def _plan_statuses_query() -> Select:
    return (select(Action.status).where(Action.plan_id == bindparam("plan_id"), Action.status.is_not(None))
            .distinct().order_by(Action.status))


def plan_statuses(plan: Plan) -> list[str]:
    return list(db.session.scalars(_plan_statuses_query(), {"plan_id": plan.id}))


# --- RAG over time (the overview's and the board pack's chart) ---------------------------------

def rag_over_time(plan: Plan, today: date) -> list[tuple[date, Counter]]:
    """For each month of the plan year up to today's month: (its last day, actions at each RAG that day).

    An action's RAG at a month's end is its latest rated progress update dated (as at) that day or
    earlier; an action with none takes its own rating if that is dated that day or earlier (an imported
    or typed-in rating), or has no date (then it counts from the start of the year); otherwise it
    counts as not rated (None). Every action of the plan is counted every month.

    Grouped in SQL whatever the number of updates, in two queries: each action's last rating in each
    month, compared with its rating the month before (LAG), is summed as changes per month and RAG;
    the months are then added up here (at most 12 months by 5 ratings).
    """
    start, end = plan_year_bounds(plan.year)
    ends = month_ends(start, end, today)
    if not ends:
        return []
    total = db.session.scalar(select(func.count(Action.id)).where(Action.plan_id == plan.id)) or 0
    changes = db.session.execute(_rag_changes_query(len(ends)), {
        "plan_id": plan.id, "year_start": start, **{f"end_{i}": day for i, day in enumerate(ends)}})
    deltas = [Counter() for _ in ends]
    for month, rag, before, count in changes:
        deltas[month][rag] += count
        if before is not None:
            deltas[month][before] -= count
    months, running = [], Counter()
    for day, delta in zip(ends, deltas):
        running.update(delta)
        counts = Counter({rag: n for rag, n in running.items() if n})
        counts[None] = total - sum(counts.values())
        months.append((day, counts))
    return months


@lru_cache(maxsize=12)
def _rag_changes_query(months: int) -> Select:
    """(month, rag, the rag before it or NULL, actions) for :plan_id, with month i ending on :end_i."""
    in_plan = Action.plan_id == bindparam("plan_id")
    last_end = bindparam(f"end_{months - 1}", type_=Date)
    updates = (select(ProgressUpdate.action_id.label("action_id"), ProgressUpdate.as_at.label("day"),
                      literal(1).label("kind"), ProgressUpdate.posted_at.label("posted_at"),
                      ProgressUpdate.id.label("row_id"), ProgressUpdate.rag.label("rag"))
               .join(Action, Action.id == ProgressUpdate.action_id)
               .where(in_plan, ProgressUpdate.rag.is_not(None), ProgressUpdate.as_at <= last_end))
    own_day = func.coalesce(Action.rag_as_at, bindparam("year_start", type_=Date))
    own = (select(Action.id, own_day, literal(0), Action.created_at, Action.id, Action.rag)
           .where(in_plan, Action.rag.is_not(None), own_day <= last_end))
    rated = union_all(updates, own).subquery("rated")
    month = case(*[(rated.c.day <= bindparam(f"end_{i}", type_=Date), i) for i in range(months)])
    ranked = select(rated.c.action_id, month.label("month"), rated.c.rag, func.row_number().over(
        partition_by=(rated.c.action_id, month),
        order_by=(rated.c.day.desc(), rated.c.kind.desc(), rated.c.posted_at.desc(), rated.c.row_id.desc()),
    ).label("n")).subquery("ranked")
    monthly = select(ranked.c.action_id, ranked.c.month, ranked.c.rag, func.lag(ranked.c.rag).over(
        partition_by=ranked.c.action_id, order_by=ranked.c.month).label("before")).where(ranked.c.n == 1).subquery("monthly")
    return (select(monthly.c.month, monthly.c.rag, monthly.c.before, func.count())
            .where(or_(monthly.c.before.is_(None), monthly.c.before != monthly.c.rag))
            .group_by(monthly.c.month, monthly.c.rag, monthly.c.before))
