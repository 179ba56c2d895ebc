"""The plan overview's figures, kept per plan and computed again only after the plan's data changes.

A plan's summary holds what the overview and the board pack's RAG-over-time chart count, in a form that
does not depend on today's date: actions by (theme, status, RAG); open actions by due date and by the
date of their last update (or none); actions by (measure, RAG), by (high impact action, RAG) and by
(forum, RAG); open actions by (high impact action, due date); and the actions at each RAG at every month
end of the plan year. The pages derive from it what does depend on today (overdue, no update for 60
days, the months shown so far), so one summary serves every day until the data changes.

Why a stored summary is never older than the data it is shown beside: plan_revisions holds a number
per plan that database triggers (migration 0016_plan_summaries) add one to on every insert, update and
delete of the plan's actions, their progress updates and their measure, high impact action and forum
links (and a change of the plan's year), in the same transaction as the change, whoever makes it (the
app, the CLI, a bulk Core insert, a SQL console). A summary is stored with the revision read BEFORE its
figures were computed, and is used only while that revision equals the plan's current one. A change
committed while the figures were computed can only make the stored revision older than the plan's,
so the summary is computed again on the next read; a change rolled back takes its revision bump with
it, so the stored summary stays valid. The app never writes plan_revisions.

RAG over time is the costly part (every rated update of the plan, ranked), and a change can only alter
it from the month of the date it touches on. plan_month_revisions (migration 0019_incremental_summaries)
holds a number per plan and month that the triggers add one to for every change that can alter an
action's RAG at that month's end or later (a rated update added, changed or removed: its as-at month,
before and after; an action's own rating changed, unless an update of the same day outranks it; an
action moved to another plan or deleted, or rated without a date: every month). A summary stores the
numbers it read BEFORE counting, so when the plan's data has changed since, its RAG at the month ends
before the first month whose number moved is still right: only the later months are counted, from each
changed action's rating at the last kept month's end. The same reasoning as for the revision holds: a
change committed while counting moves its month's number past the stored one; one rolled back takes its
number with it. The counts by theme, status, RAG, measure, high impact action and forum are computed
afresh every time (one aggregate query each over the plan's actions).

Reading: one query for the plan's revision and its stored summary. When they differ the summary is
computed (the aggregate queries below, the one place they live) and stored (INSERT ... ON CONFLICT
DO UPDATE, inside a savepoint so that a failure to store, such as a concurrent writer holding the
database, costs only the storing: the page still shows the fresh figures). A read page that stored a
summary commits it (`tracker.plans.views.overview`); elsewhere it is stored when the caller commits.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

from sqlalchemy import Date, Select, and_, bindparam, case, func, literal, or_, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from tracker.actions.by_when import plan_year_bounds
from tracker.actions.models import Action, ActionHighImpactAction, ActionMeasure, ProgressUpdate, action_forums
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.plans.charts import month_ends
from tracker.plans.models import Plan, PlanMonthRevision, PlanRevision, PlanSummary
from tracker.rag import CLOSED_STATUSES

#: Changed whenever the content's shape changes, so summaries stored in an older shape are computed again.
FORMAT = 2

#: SQL for "not complete, cancelled or carried forward".
OPEN_ACTION = and_(or_(Action.rag.is_(None), Action.rag != "blue"),
                   or_(Action.status.is_(None), Action.status.not_in(CLOSED_STATUSES)))


@dataclass(frozen=True)
class Summary:
    """A plan's figures as stored; dates are datetime.date, a RAG of None is "not rated"."""

    total: int
    #: (theme id or None, status or None, RAG or None, actions)
    counts: tuple[tuple[int | None, str | None, str | None, int], ...]
    #: (due date, open actions due that day)
    open_due: tuple[tuple[date, int], ...]
    #: (the date of the last update, or None for none, open actions)
    open_updated: tuple[tuple[date | None, int], ...]
    #: (standard, measure key, RAG, actions)
    measures: tuple[tuple[str, str, str | None, int], ...]
    #: (high impact action number, RAG, actions)
    hias: tuple[tuple[int, str | None, int], ...]
    #: (high impact action number, due date, open actions)
    hia_open_due: tuple[tuple[int, date, int], ...]
    #: (forum id, RAG, actions)
    forums: tuple[tuple[int, str | None, int], ...]
    #: (month end, ((RAG, actions) for each RAG with actions, then (None, not rated))) for every month of the year.
    months: tuple[tuple[date, tuple[tuple[str | None, int], ...]], ...]
    #: (first day of a month, its number in plan_month_revisions) as read before the months were counted.
    month_revisions: tuple[tuple[date, int], ...] = ()

    def months_to(self, ends: list[date]) -> list[tuple[date, Counter]]:
        """RAG at each of `ends` (a first part of the plan year's month ends)."""
        return [(day, Counter(dict(counts))) for (day, counts), _end in zip(self.months, ends)]


def current(plan: Plan) -> Summary:
    """The plan's summary at its current revision: the stored one, or computed and stored now."""
    row = db.session.execute(_stored_query(), {"plan_id": plan.id}).first()
    revision = row.revision if row else None
    stored = _parse(row.content) if row is not None and row.content is not None else None
    if stored is not None and row.stored_revision == revision:
        return stored
    content = compute(plan, since=stored)
    if revision is not None:
        _store(plan.id, revision, content)
    return _parse(content)


@cache
def _stored_query() -> Select:
    return (select(PlanRevision.revision, PlanSummary.revision.label("stored_revision"), PlanSummary.content)
            .outerjoin(PlanSummary, PlanSummary.plan_id == PlanRevision.plan_id)
            .where(PlanRevision.plan_id == bindparam("plan_id")))


def _store(plan_id: int, revision: int, content: str) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {"plan_id": plan_id, "revision": revision, "content": content, "computed_at": utcnow()}
    statement = insert(PlanSummary).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[PlanSummary.plan_id],
        set_={"revision": statement.excluded.revision, "content": statement.excluded.content,
              "computed_at": statement.excluded.computed_at})
    try:
        with db.session.begin_nested():
            db.session.execute(statement)
    except SQLAlchemyError:
        # Someone else holds the database or removed the plan: the figures are still right, only not kept.
        pass


# --- The content -----------------------------------------------------------------------------

def _day(value) -> str | None:
    return value.isoformat() if value is not None else None


@lru_cache(maxsize=64)
def _parse(content: str) -> Summary | None:
    """The stored JSON as a Summary (None for an older format); remembered by its text, since the
    overview and its chart read the same summary, and an unchanged plan's summary on every request."""
    data = json.loads(content)
    if data.get("format") != FORMAT:
        return None
    as_date = date.fromisoformat
    return Summary(
        total=data["total"],
        counts=tuple(tuple(row) for row in data["counts"]),
        open_due=tuple((as_date(day), n) for day, n in data["open_due"]),
        open_updated=tuple((as_date(day) if day else None, n) for day, n in data["open_updated"]),
        measures=tuple(tuple(row) for row in data["measures"]),
        hias=tuple(tuple(row) for row in data["hias"]),
        hia_open_due=tuple((number, as_date(day), n) for number, day, n in data["hia_open_due"]),
        forums=tuple(tuple(row) for row in data["forums"]),
        months=tuple((as_date(day), tuple((rag, n) for rag, n in counts)) for day, counts in data["months"]),
        month_revisions=tuple((as_date(day), n) for day, n in data["month_revisions"]),
    )


def compute(plan: Plan, since: Summary | None = None) -> str:
    """The plan's summary, computed from its actions now, as the JSON that is stored.

    With `since` (the plan's summary stored at an earlier revision), its RAG at the month ends before
    the first month a change since then can affect is kept, and only the later months are counted."""
    queries = _queries()
    params = {"plan_id": plan.id}
    # Read before anything is counted: a change committed meanwhile then shows as a month moved on.
    month_revisions = [(month, n) for month, n in db.session.execute(queries.month_revisions, params)]
    counts = [list(row) for row in db.session.execute(queries.counts, params)]
    total = sum(row[3] for row in counts)
    content = {
        "format": FORMAT,
        "total": total,
        "counts": counts,
        "open_due": [[_day(day), n] for day, n in db.session.execute(queries.open_due, params)],
        "open_updated": [[_day(day), n] for day, n in db.session.execute(queries.open_updated, params)],
        "measures": [list(row) for row in db.session.execute(queries.by_measure, params)],
        "hias": [list(row) for row in db.session.execute(queries.by_hia, params)],
        "hia_open_due": [[number, _day(day), n] for number, day, n in db.session.execute(queries.hia_open_due, params)],
        "forums": [list(row) for row in db.session.execute(queries.by_forum, params)],
        "months": [[_day(day), list(counts.items())]
                   for day, counts in _rag_at_month_ends(plan, total, since, month_revisions)],
        "month_revisions": [[_day(month), n] for month, n in month_revisions],
    }
    return json.dumps(content, separators=(",", ":"))


@dataclass(frozen=True)
class _Queries:
    counts: Select
    open_due: Select
    open_updated: Select
    by_measure: Select
    by_hia: Select
    hia_open_due: Select
    by_forum: Select
    month_revisions: Select


@cache
def _queries() -> _Queries:
    """The summary's aggregate queries, built once (building a statement costs SQLAlchemy more than
    running it) and run with :plan_id."""
    in_plan = Action.plan_id == bindparam("plan_id")
    last_update_day = func.date(Action.last_update_at, type_=Date)
    return _Queries(
        counts=select(Action.theme_id, Action.status, Action.rag, func.count())
        .where(in_plan).group_by(Action.theme_id, Action.status, Action.rag),
        open_due=select(Action.due_on, func.count()).where(in_plan, OPEN_ACTION, Action.due_on.is_not(None))
        .group_by(Action.due_on),
        open_updated=select(last_update_day, func.count()).where(in_plan, OPEN_ACTION).group_by(last_update_day),
        by_measure=select(ActionMeasure.standard, ActionMeasure.measure, Action.rag, func.count())
        .join(Action, ActionMeasure.action_id == Action.id).where(in_plan)
        .group_by(ActionMeasure.standard, ActionMeasure.measure, Action.rag),
        by_hia=select(ActionHighImpactAction.number, Action.rag, func.count())
        .join(Action, ActionHighImpactAction.action_id == Action.id).where(in_plan)
        .group_by(ActionHighImpactAction.number, Action.rag),
        hia_open_due=select(ActionHighImpactAction.number, Action.due_on, func.count())
        .join(Action, ActionHighImpactAction.action_id == Action.id)
        .where(in_plan, OPEN_ACTION, Action.due_on.is_not(None))
        .group_by(ActionHighImpactAction.number, Action.due_on),
        by_forum=select(action_forums.c.forum_id, Action.rag, func.count()).select_from(action_forums)
        .join(Action, Action.id == action_forums.c.action_id)
        .where(in_plan).group_by(action_forums.c.forum_id, Action.rag),
        month_revisions=select(PlanMonthRevision.month, PlanMonthRevision.revision)
        .where(PlanMonthRevision.plan_id == bindparam("plan_id")).order_by(PlanMonthRevision.month),
    )


# --- RAG over time ----------------------------------------------------------------------------

def _rag_at_month_ends(plan: Plan, total: int, since: Summary | None = None,
                       month_revisions: list[tuple[date, int]] | None = None) -> list[tuple[date, Counter]]:
    """For every month of the plan year: (its last day, actions at each RAG that day).

    An action's RAG at a month's end is its latest rated progress update dated (as at) that day or
    earlier; an action with none takes its own rating if that is dated that day or earlier (an imported
    or typed-in rating), or has no date (then it counts from the start of the year); otherwise it
    counts as not rated (None). Every action of the plan (`total`) is counted every month.

    Grouped in SQL whatever the number of updates, in one query: each action's last rating in each
    month, compared with its rating the month before (LAG), is summed as changes per month and RAG;
    the months are then added up here (at most 12 months by 5 ratings). A month's figures depend only
    on what is dated up to its end, so the months up to any day are the first ones of this list.

    With `since`, the rated figures of its months before the first one whose number in
    plan_month_revisions differs from `month_revisions` are kept; the query then reads only what is
    dated after the last kept month's end, and each action so dated starts from its rating on that day.
    """
    start, end = plan_year_bounds(plan.year)
    ends = month_ends(start, end, end)
    if not ends:
        return []
    first = _first_month_to_count(ends, since, month_revisions)
    running = Counter()
    months = []
    if first:
        for day, counts in since.months[:first]:
            running = Counter({rag: n for rag, n in counts if rag is not None})
            months.append((day, running))
    if first < len(ends):
        changes = db.session.execute(_rag_changes_query(len(ends), first), {
            "plan_id": plan.id, "year_start": start, **{f"end_{i}": day for i, day in enumerate(ends)}})
        deltas = [Counter() for _ in ends]
        for month, rag, before, count in changes:
            deltas[month][rag] += count
            if before is not None:
                deltas[month][before] -= count
        for day, delta in zip(ends[first:], deltas[first:]):
            running = running.copy()
            running.update(delta)
            months.append((day, Counter({rag: n for rag, n in running.items() if n})))
    for _day_, counts in months:
        counts[None] = total - sum(counts.values())
    return months


def _first_month_to_count(ends: list[date], since: Summary | None,
                          month_revisions: list[tuple[date, int]] | None) -> int:
    """The index in `ends` of the first month whose RAG must be counted again (len(ends): none)."""
    if since is None or month_revisions is None or [day for day, _ in since.months] != ends:
        return 0
    before, now = dict(since.month_revisions), dict(month_revisions)
    moved = [month for month in before.keys() | now.keys() if before.get(month) != now.get(month)]
    if not moved:
        return len(ends)
    earliest = min(moved)
    return next((i for i, day in enumerate(ends) if day >= earliest), len(ends))


@lru_cache(maxsize=32)
def _rag_changes_query(months: int, first: int = 0) -> Select:
    """(month, rag, the rag before it or NULL, actions) for :plan_id, with month i ending on :end_i,
    for the months from `first` on: a month before it is taken as counted, and every action with a
    rating dated after its end starts from its rating at that end."""
    in_plan = Action.plan_id == bindparam("plan_id")
    last_end = bindparam(f"end_{months - 1}", type_=Date)
    kept_end = bindparam(f"end_{first - 1}", type_=Date) if first else None
    own_day = func.coalesce(Action.rag_as_at, bindparam("year_start", type_=Date))
    update_filter = [in_plan, ProgressUpdate.rag.is_not(None), ProgressUpdate.as_at <= last_end]
    own_filter = [in_plan, Action.rag.is_not(None), own_day <= last_end]
    if first:
        update_filter.append(ProgressUpdate.as_at > kept_end)
        own_filter.append(own_day > kept_end)
    updates = (select(ProgressUpdate.action_id.label("action_id"), ProgressUpdate.as_at.label("day"),
                      literal(1).label("kind"), ProgressUpdate.posted_at.label("posted_at"),
                      ProgressUpdate.id.label("row_id"), ProgressUpdate.rag.label("rag"))
               .join(Action, Action.id == ProgressUpdate.action_id)
               .where(*update_filter))
    own = select(Action.id, own_day, literal(0), Action.created_at, Action.id, Action.rag).where(*own_filter)
    rated = union_all(updates, own).cte("rated")
    month = case(*[(rated.c.day <= bindparam(f"end_{i}", type_=Date), i) for i in range(first, months)])
    ranked = select(rated.c.action_id, month.label("month"), rated.c.rag, func.row_number().over(
        partition_by=(rated.c.action_id, month),
        order_by=(rated.c.day.desc(), rated.c.kind.desc(), rated.c.posted_at.desc(), rated.c.row_id.desc()),
    ).label("n")).subquery("ranked")
    last_in_month = select(ranked.c.action_id, ranked.c.month, ranked.c.rag).where(ranked.c.n == 1)
    if first:
        last_in_month = union_all(last_in_month, _ratings_at_kept_end(rated, first, kept_end))
    last_in_month = last_in_month.subquery("last_in_month")
    monthly = select(last_in_month.c.action_id, last_in_month.c.month, last_in_month.c.rag, func.lag(
        last_in_month.c.rag).over(partition_by=last_in_month.c.action_id, order_by=last_in_month.c.month
                                  ).label("before")).subquery("monthly")
    counted = [or_(monthly.c.before.is_(None), monthly.c.before != monthly.c.rag)]
    if first:
        counted.append(monthly.c.month >= first)
    return (select(monthly.c.month, monthly.c.rag, monthly.c.before, func.count())
            .where(*counted).group_by(monthly.c.month, monthly.c.rag, monthly.c.before))


def _ratings_at_kept_end(rated, first: int, kept_end):
    """(action, month first - 1, its RAG or NULL at `kept_end`) for each action with a rating in `rated`.

    The latest rated update dated on or before that day, unless the action's own rating is dated
    later (an update of the same day outranks it); one look-up in progress_updates(action_id, as_at)
    per action."""
    own_day = func.coalesce(Action.rag_as_at, bindparam("year_start", type_=Date))
    own_counts = and_(Action.rag.is_not(None), own_day <= kept_end)
    latest_update = (select(ProgressUpdate.rag)
                     .where(ProgressUpdate.action_id == Action.id, ProgressUpdate.rag.is_not(None),
                            ProgressUpdate.as_at <= kept_end,
                            or_(~own_counts, ProgressUpdate.as_at >= own_day))
                     .order_by(ProgressUpdate.as_at.desc(), ProgressUpdate.posted_at.desc(), ProgressUpdate.id.desc())
                     .limit(1).scalar_subquery())
    rag = func.coalesce(latest_update, case((own_counts, Action.rag)))
    return (select(Action.id, literal(first - 1), rag)
            .where(Action.id.in_(select(rated.c.action_id))))
