"""What the plan pages read: every plan with its size, a page of the plan's actions, filtered and sorted in the database,
the people and statuses its filters offer, and the plan overview's counts.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache

from sqlalchemy import Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import joinedload

from tracker import standards
from tracker.actions.by_when import plan_year_bounds
from tracker.actions.models import (
    Action,
    ActionHighImpactAction,
    ActionMeasure,
    action_owners,
    action_supporting_leads,
)
from tracker.actions.queries import PAGE_SIZE, ActionPage, ActionRow, read_lists, read_page, row_select
from tracker.actions.rag_rules import STALE_DAYS
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.database import among
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.plans import summaries
from tracker.plans.charts import month_ends
from tracker.plans.models import Plan, PlanActionCount, Theme
from tracker.plans.service import DEMO_DATA
from tracker.rag import RAG_VALUES
from tracker.standards import WRES


def list_plans(archived: bool = False) -> list[tuple[Plan, int]]:
    """Every plan that is not archived (archived=True: every archived plan) with its number of
    actions, newest year first."""
    # Summed from the plan's counts per status (kept by triggers), not counted over its actions.
    size = (select(func.coalesce(func.sum(PlanActionCount.actions), 0)).where(PlanActionCount.plan_id == Plan.id)
            .correlate(Plan).scalar_subquery())
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


@cache
def _action_count_query() -> Select:
    return select(func.coalesce(func.sum(PlanActionCount.actions), 0)).where(
        PlanActionCount.plan_id == bindparam("plan_id"))


def action_count(plan: Plan) -> int:
    """How many actions the plan has (the sum of its counts per status, kept by triggers)."""
    return db.session.scalar(_action_count_query(), {"plan_id": plan.id})


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
    shape = _filter_shape(filters)
    count, rows = _plan_list_queries(shape, filters.sort if filters.sort in ORDERS else "ref")
    params = _filter_params(plan, filters, today)
    # Unfiltered, the count is the plan's total, kept by triggers; filtered, it is counted from the indexes.
    total = action_count(plan) if not any(shape) else db.session.scalar(count, params)
    return read_page(rows, total, page, size, params)


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
_OPEN_ACTION = summaries.OPEN_ACTION


def _rag_counters(rows) -> dict:
    counters: dict = {}
    for key, rag, count in rows:
        counters.setdefault(key, Counter())[rag] += count
    return counters


@dataclass(frozen=True)
class _OverviewQueries:
    first_overdue: Select
    first_never_updated: Select
    first_stale_updated: Select


@cache
def _overview_queries() -> _OverviewQueries:
    """The overview's lists, built once and run with :plan_id, :today, :stale_before and :limit.

    Building a statement and its cache key costs SQLAlchemy more than SQLite takes to run
    these. Each reads the plan's actions in the order of an index (plan_id, due_on, id) or
    (plan_id, last_update_at, id) and stops at :limit, whatever the size of the plan; the stale
    list is read as two (never updated, by id; then updated longest ago) so that both databases
    can follow the index, whichever end each sorts nulls to."""
    in_plan = Action.plan_id == bindparam("plan_id")
    limit = bindparam("limit")
    return _OverviewQueries(
        first_overdue=row_select().where(in_plan, _OPEN_ACTION, Action.due_on < bindparam("today"))
        .order_by(Action.due_on, Action.id).limit(limit),
        first_never_updated=row_select().where(in_plan, _OPEN_ACTION, Action.last_update_at.is_(None))
        .order_by(Action.last_update_at, Action.id).limit(limit),
        first_stale_updated=row_select().where(in_plan, _OPEN_ACTION, Action.last_update_at < bindparam("stale_before"))
        .order_by(Action.last_update_at, Action.id).limit(limit),
    )


@cache
def _forum_names_query() -> Select:
    return select(Forum.id, Forum.name).where(among(Forum.id, "forum_ids"))


def plan_overview(plan: Plan, today: date) -> Overview:
    """Counts by RAG, status, theme, measure, high impact action and forum, and the first overdue and
    stale actions.

    The counts come from the plan's summary (`tracker.plans.summaries`: one query while the plan is
    unchanged), which does not depend on the day; what does (overdue, no update for 60 days) is
    derived from it here. The first overdue and stale actions are read by index, at most
    OVERVIEW_LIST_LIMIT each, and only when there are some. The page's cost does not grow with the plan."""
    summary = summaries.current(plan)
    stale_before = today - timedelta(days=STALE_DAYS)
    by_rag, by_status, themes = Counter(), Counter(), {}
    for theme_id, status, rag, count in summary.counts:
        by_rag[rag] += count
        by_status[status or "No status"] += count
        themes.setdefault(theme_id, Counter())[rag] += count
    overdue_count = sum(n for day, n in summary.open_due if day < today)
    never_updated = sum(n for day, n in summary.open_updated if day is None)
    stale_count = never_updated + sum(n for day, n in summary.open_updated if day is not None and day < stale_before)
    labels = {theme.id: theme.label for theme in plan.themes}
    ordered = [theme.id for theme in plan.themes] + ([None] if None in themes else [])
    linked = {standards.code_of(standard, key): counts for (standard, key), counts in _rag_counters(
        ((standard, key), rag, count) for standard, key, rag, count in summary.measures
    ).items() if standards.is_measure(standards.code_of(standard, key))}
    shown = standards.sort_codes([m.code for m in standards.measures_for_plan(plan.standard)] + list(linked))
    hias = _rag_counters(summary.hias)
    hia_overdue: Counter = Counter()
    for number, day, n in summary.hia_open_due:
        if day < today:
            hia_overdue[number] += n
    forum_counts = _rag_counters(summary.forums)
    forums: dict[str, Counter] = {}
    if forum_counts:
        for forum_id, name in db.session.execute(_forum_names_query(), {"forum_ids": list(forum_counts)}):
            forums.setdefault(name, Counter()).update(forum_counts[forum_id])
    first_overdue, first_stale = _first_lists(plan, today, stale_before, overdue_count, never_updated, stale_count)
    return Overview(
        total=summary.total,
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


def _first_lists(plan: Plan, today: date, stale_before: date, overdue_count: int, never_updated: int,
                 stale_count: int) -> tuple[list[ActionRow], list[ActionRow]]:
    """The first OVERVIEW_LIST_LIMIT overdue actions (due longest ago) and stale ones (never updated
    first, by id; then updated longest ago), running only the queries the counts say have rows."""
    queries = _overview_queries()
    params = {"plan_id": plan.id, "today": today, "stale_before": datetime.combine(stale_before, time()),
              "limit": OVERVIEW_LIST_LIMIT}
    statements = []
    if overdue_count:
        statements.append(queries.first_overdue)
    if never_updated:
        statements.append(queries.first_never_updated)
    if stale_count > never_updated and never_updated < OVERVIEW_LIST_LIMIT:
        statements.append(queries.first_stale_updated)
    found = read_lists(*statements, params=params) if statements else []
    overdue = found.pop(0) if overdue_count else []
    stale = [row for rows in found for row in rows][:OVERVIEW_LIST_LIMIT]
    return overdue, stale


#: The owner filter's matches listed at most (the JSON endpoint gives fewer, see PEOPLE_SUGGESTIONS).
PEOPLE_LIMIT = 20


@dataclass(frozen=True, slots=True)
class PersonMatch:
    """Someone with an action in the plan whose name or email matched what was typed."""

    id: int
    name: str
    job_title: str


def _like_text(text: str) -> str:
    """`text` lower-cased with LIKE's wildcards escaped (with backslash)."""
    return text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@cache
def _plan_people_query(dialect: str) -> Select:
    """Up to :limit people whose name contains :contains or whose email starts with :prefix (LIKE patterns,
    in any case), who own or support an action in :plan_id; in no order (plan_people sorts them).

    The plan's people come from its actions' links (the plan_id index, then the links' primary keys,
    which hold the user ids), and only they are read from the users table and matched. The schema has
    no index on names (and "contains" could not use one), so the cost follows the plan's number of
    links, not the text typed nor the users table: about 1 ms for a 458-action plan on SQLite.
    (Checking every user that matches instead costs as much for rare text and far more for common
    text, and on PostgreSQL its estimate is high enough to set off JIT compiling, 80 ms or more.)"""
    in_plan = select(Action.id).where(Action.plan_id == bindparam("plan_id"))
    people = select(action_owners.c.user_id).where(action_owners.c.action_id.in_(in_plan)).union(
        select(action_supporting_leads.c.user_id).where(action_supporting_leads.c.action_id.in_(in_plan)))
    if dialect == "sqlite":  # SQLite's LIKE ignores case already; lower() on every row would double its cost
        matches = or_(User.name.like(bindparam("contains"), escape="\\"),
                      User.email.like(bindparam("prefix"), escape="\\"))
    else:
        matches = or_(User.name.ilike(bindparam("contains"), escape="\\"),
                      User.email.ilike(bindparam("prefix"), escape="\\"))
    return (select(User.id, User.name, func.coalesce(User.job_title, ""))
            .where(User.id.in_(people), matches).limit(bindparam("limit")))


def plan_people(plan: Plan, text: str, limit: int = PEOPLE_LIMIT) -> list[PersonMatch]:
    """At most `limit` people who own or support an action in the plan and whose name contains `text`
    (any case) or whose email address starts with it, by name; nobody for blank text. When more than
    `limit` match, which of them are found is the database's choice, not the alphabet's: typing more
    of the name narrows them."""
    text = " ".join(text.split())[:200]
    if not text:
        return []
    like = _like_text(text)
    rows = db.session.execute(_plan_people_query(db.session.get_bind().dialect.name), {
        "plan_id": plan.id, "contains": f"%{like}%", "prefix": f"{like}%", "limit": limit})
    return sorted((PersonMatch(id, name, job_title) for id, name, job_title in rows),
                  key=lambda person: (person.name, person.id))


def person_name(user_id: int) -> str | None:
    """The name of the person a filter link names (owner=<id>), None for no such person."""
    return db.session.scalar(select(User.name).where(User.id == user_id))


@cache
def _plan_statuses_query() -> Select:
    return (select(PlanActionCount.status)
            .where(PlanActionCount.plan_id == bindparam("plan_id"), PlanActionCount.status != "",
                   PlanActionCount.actions > 0)
            .order_by(PlanActionCount.status))


def plan_statuses(plan: Plan) -> list[str]:
    """The statuses the plan's actions have, in alphabetical order (from its counts, kept by triggers)."""
    return list(db.session.scalars(_plan_statuses_query(), {"plan_id": plan.id}))


# --- RAG over time (the overview's and the board pack's chart) ---------------------------------

def rag_over_time(plan: Plan, today: date) -> list[tuple[date, Counter]]:
    """For each month of the plan year up to today's month: (its last day, actions at each RAG that day).

    Read from the plan's summary (`tracker.plans.summaries`, which says how each month is counted):
    the months up to today are the first ones of the year's twelve."""
    start, end = plan_year_bounds(plan.year)
    ends = month_ends(start, end, today)
    if not ends:
        return []
    return summaries.current(plan).months_to(ends)
