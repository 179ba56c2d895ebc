"""The plan overview is read from a summary kept per plan: it shows exactly what counting the plan's
actions afresh shows, after every kind of change and on every day, and costs the same whatever the plan's size."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import and_, bindparam, case, func, or_, select, text

from tests.support import counting_queries
from tracker import standards
from tracker.actions import service as actions
from tracker.actions.by_when import plan_year_bounds
from tracker.actions.models import Action, ActionHighImpactAction, ActionMeasure, action_forums
from tracker.actions.queries import read_lists, row_select
from tracker.actions.rag_rules import STALE_DAYS
from tracker.actions.service import ActionData, BulkChange, UpdateData
from tracker.database import insert_rows
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.plans import rollover, summaries
from tracker.plans.charts import month_ends
from tracker.plans.models import Plan, PlanRevision, PlanSummary
from tracker.plans.queries import OVERVIEW_LIST_LIMIT, Overview, plan_overview, rag_over_time
from tracker.rag import CLOSED_STATUSES, RAG_VALUES

#: Days the summary-based figures are compared with counting afresh on: before, during and after the plan year.
DAYS = (date(2024, 3, 1), date(2024, 5, 31), date(2024, 7, 2), date(2024, 11, 30), date(2024, 12, 1),
        date(2025, 2, 14), date(2025, 6, 1))


# --- Counting afresh: the overview's queries as they were before summaries, kept here as the reference ---

_OPEN = and_(or_(Action.rag.is_(None), Action.rag != "blue"),
             or_(Action.status.is_(None), Action.status.not_in(CLOSED_STATUSES)))


def _count_if(condition):
    return func.sum(case((condition, 1), else_=0))


def _counters(rows) -> dict:
    counters: dict = {}
    for key, rag, count in rows:
        counters.setdefault(key, Counter())[rag] += count
    return counters


def reference_overview(plan: Plan, today: date) -> Overview:
    in_plan = Action.plan_id == bindparam("plan_id")
    overdue = and_(_OPEN, Action.due_on < bindparam("today"))
    stale = and_(_OPEN, or_(Action.last_update_at.is_(None), Action.last_update_at < bindparam("stale_before")))
    params = {"plan_id": plan.id, "today": today,
              "stale_before": datetime.combine(today - timedelta(days=STALE_DAYS), time())}
    by_rag, by_status, themes = Counter(), Counter(), {}
    overdue_count = stale_count = 0
    for theme_id, status, rag, count, overdue_here, stale_here in db.session.execute(
            select(Action.theme_id, Action.status, Action.rag, func.count(), _count_if(overdue), _count_if(stale))
            .where(in_plan).group_by(Action.theme_id, Action.status, Action.rag), params):
        by_rag[rag] += count
        by_status[status or "No status"] += count
        themes.setdefault(theme_id, Counter())[rag] += count
        overdue_count += int(overdue_here)
        stale_count += int(stale_here)
    labels = {theme.id: theme.label for theme in plan.themes}
    ordered = [theme.id for theme in plan.themes] + ([None] if None in themes else [])
    linked = {standards.code_of(standard, key): counts for (standard, key), counts in _counters(
        ((standard, key), rag, count) for standard, key, rag, count in db.session.execute(
            select(ActionMeasure.standard, ActionMeasure.measure, Action.rag, func.count())
            .join(Action, ActionMeasure.action_id == Action.id).where(in_plan)
            .group_by(ActionMeasure.standard, ActionMeasure.measure, Action.rag), params)
    ).items() if standards.is_measure(standards.code_of(standard, key))}
    shown = standards.sort_codes([m.code for m in standards.measures_for_plan(plan.standard)] + list(linked))
    hias: dict[int, Counter] = {}
    hia_overdue: Counter = Counter()
    for number, rag, count, overdue_here in db.session.execute(
            select(ActionHighImpactAction.number, Action.rag, func.count(), _count_if(overdue))
            .join(Action, ActionHighImpactAction.action_id == Action.id).where(in_plan)
            .group_by(ActionHighImpactAction.number, Action.rag), params):
        hias.setdefault(number, Counter())[rag] += count
        hia_overdue[number] += int(overdue_here)
    forums = _counters(db.session.execute(
        select(Forum.name, Action.rag, func.count()).select_from(action_forums)
        .join(Forum, Forum.id == action_forums.c.forum_id).join(Action, Action.id == action_forums.c.action_id)
        .where(in_plan).group_by(Forum.name, Action.rag), params))
    first_overdue, first_stale = read_lists(
        row_select().where(in_plan, overdue).order_by(Action.due_on, Action.id).limit(OVERVIEW_LIST_LIMIT),
        row_select().where(in_plan, stale)
        .order_by(Action.last_update_at.is_not(None), Action.last_update_at, Action.id).limit(OVERVIEW_LIST_LIMIT),
        params=params)
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
        overdue=first_overdue, overdue_count=overdue_count, stale=first_stale, stale_count=stale_count,
    )


def reference_rag_over_time(plan: Plan, today: date) -> list[tuple[date, Counter]]:
    """The months up to today's, counted with only those months' ends (as before summaries)."""
    start, end = plan_year_bounds(plan.year)
    ends = month_ends(start, end, today)
    if not ends:
        return []
    total = db.session.scalar(select(func.count(Action.id)).where(Action.plan_id == plan.id))
    deltas = [Counter() for _ in ends]
    for month, rag, before, count in db.session.execute(summaries._rag_changes_query(len(ends)), {
            "plan_id": plan.id, "year_start": start, **{f"end_{i}": day for i, day in enumerate(ends)}}):
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


def _revision(plan: Plan) -> int:
    return db.session.scalar(select(PlanRevision.revision).where(PlanRevision.plan_id == plan.id))


def _stored_revision(plan: Plan) -> int | None:
    return db.session.scalar(select(PlanSummary.revision).where(PlanSummary.plan_id == plan.id))


def assert_in_step(plan: Plan, days=DAYS) -> None:
    """The overview and RAG over time read from the stored summary equal counting afresh, on each day."""
    db.session.expire_all()
    for day in days:
        assert plan_overview(plan, day) == reference_overview(plan, day), day
        assert rag_over_time(plan, day) == reference_rag_over_time(plan, day), day
    assert _stored_revision(plan) == _revision(plan), "the summary read is the one stored at the current revision"


# --- A plan with some of everything -------------------------------------------------------------

@pytest.fixture
def forums():
    made = [Forum(name=name) for name in ("Inclusion Council", "People Committee", "Trust Board")]
    db.session.add_all(made)
    db.session.commit()
    return made


@pytest.fixture
def plan(make_plan, make_action, make_user, forums, fixed_today):
    fixed_today(date(2024, 6, 20))
    plan = make_plan(themes=("Inclusive recruitment", "Speaking up", "Leadership"))
    owner = make_user("owner")
    shapes = [("Jun 2024", None, None), ("Dec 2024", "PROGRESS MADE", "green"), ("Q1 2024-25", "DELAYED", "red"),
              ("Ongoing", None, "amber"), ("Sep 2024", "ACHIEVED", "blue"), ("Oct 2024", "CANCELLED", None),
              ("Mar 2025", None, "green"), ("May 2024", "DELAYED", "amber")]
    for n in range(16):
        by_when, status, rag = shapes[n % len(shapes)]
        make_action(plan, f"{n % 3 + 1}.{n + 1}", by_when=by_when, status=status, rag=rag,
                    cancelled_reason="Replaced" if status == "CANCELLED" else "",
                    rag_as_at=date(2024, 5, 1) if n % 5 == 0 else None, theme=plan.themes[n % 3] if n % 7 else None,
                    owners=[owner], measures=[("wres:2", "wres:9", "wres:5")[n % 3]] if n % 4 else [],
                    high_impact_actions=[n % 6 + 1] if n % 3 else [], forums=[forums[n % 3]] if n % 2 else [])
    actions_of = db.session.scalars(select(Action).where(Action.plan_id == plan.id).order_by(Action.id)).all()
    for n, action in enumerate(actions_of[:9]):
        fixed_today(date(2024, 4 + n % 3, 3 + n))
        actions.post_update(action, UpdateData(status="PROGRESS MADE", rag=("green", "amber", "red")[n % 3],
                                               narrative="Progress", rag_reason="As discussed"), owner,
                            historical=True)
    db.session.commit()
    fixed_today(date(2024, 6, 20))
    return plan


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def _action(plan: Plan, ref: str) -> Action:
    return db.session.scalar(select(Action).where(Action.plan_id == plan.id, Action.ref == ref))


def _data(action: Action, **changes) -> ActionData:
    data = ActionData(ref=action.ref, text=action.text, theme=action.theme, by_when=action.by_when,
                      status=action.status, rag=action.rag, rag_as_at=action.rag_as_at,
                      cancelled_reason=action.cancelled_reason,
                      measures=list(action.measures),
                      high_impact_actions=list(action.high_impact_actions), owners=list(action.owners),
                      supporting_leads=list(action.supporting_leads), forums=list(action.forums))
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def _warm(plan: Plan) -> int:
    """Read the overview so its summary is stored; the revision it was stored at."""
    plan_overview(plan, date(2024, 6, 20))
    db.session.commit()
    stored = _stored_revision(plan)
    assert stored == _revision(plan)
    return stored


def _changed(plan: Plan, warmed: int) -> None:
    db.session.expire_all()
    assert _revision(plan) > warmed, "the change moved the plan's revision on"
    assert_in_step(plan)


# --- In step after every kind of change ---------------------------------------------------------

def test_a_new_plan_has_a_revision_and_its_summary_matches_counting_afresh(plan):
    assert _revision(plan) is not None
    assert_in_step(plan)


def test_posting_an_update_keeps_the_overview_in_step(plan, make_user):
    warmed = _warm(plan)
    action = _action(plan, "1.1")
    before = plan_overview(plan, date(2024, 6, 20))
    actions.post_update(action, UpdateData(status="DELAYED", rag="red", narrative="Slipped",
                                           rag_reason="Behind"), make_user("owner"))
    db.session.commit()
    _changed(plan, warmed)
    assert plan_overview(plan, date(2024, 6, 20)) != before


@pytest.mark.parametrize("change", [
    {"rag": "red", "status": "DELAYED"},
    {"rag": "blue", "status": "ACHIEVED"},
    {"by_when": "Jan 2024"},
    {"measures": ["wres:1", "wres:7"]},
    {"measures": []},
    {"high_impact_actions": [2, 6]},
    {"high_impact_actions": []},
    {"forums": []},
])
def test_editing_an_action_keeps_the_overview_in_step(plan, admin, change):
    warmed = _warm(plan)
    action = _action(plan, "2.2")
    actions.update_action(action, _data(action, **change), admin, action.version)
    db.session.commit()
    _changed(plan, warmed)


def test_moving_an_action_to_another_theme_and_linking_a_forum_keep_the_overview_in_step(plan, admin, forums):
    warmed = _warm(plan)
    action = _action(plan, "1.4")
    actions.update_action(action, _data(action, theme=plan.themes[2], forums=[forums[2], forums[0]]), admin,
                          action.version)
    db.session.commit()
    _changed(plan, warmed)


def test_a_bulk_change_keeps_the_overview_in_step(plan, admin, forums):
    warmed = _warm(plan)
    selected = {a.id: a.version for a in db.session.scalars(select(Action).where(Action.plan_id == plan.id))}
    actions.bulk_change(plan, selected, BulkChange(kind="theme", theme=plan.themes[1]), admin)
    db.session.commit()
    _changed(plan, warmed)
    warmed = _warm(plan)
    selected = {a.id: a.version for a in db.session.scalars(select(Action).where(Action.plan_id == plan.id))}
    actions.bulk_change(plan, selected, BulkChange(kind="by_when", by_when="Feb 2024"), admin)
    db.session.commit()
    _changed(plan, warmed)


def test_deleting_an_action_keeps_the_overview_in_step(plan):
    warmed = _warm(plan)
    db.session.delete(_action(plan, "2.2"))
    db.session.commit()
    _changed(plan, warmed)


def test_a_core_bulk_insert_keeps_the_overview_in_step(plan):
    warmed = _warm(plan)
    insert_rows(Action.__table__, [
        {"plan_id": plan.id, "theme_id": plan.themes[0].id, "ref": f"9.{n}", "ref_order": f"9.{n}", "position": 90 + n,
         "text": "Bulk", "outcome": "", "lead_text": "", "by_when": "Apr 2024", "by_when_kind": "month",
         "due_on": date(2024, 4, 30), "equality_objectives": "", "edi_goals": "", "cancelled_reason": "",
         "rag": "red", "created_at": datetime(2024, 4, 1), "version": 1} for n in range(3)])
    db.session.commit()
    _changed(plan, warmed)


def test_raw_sql_outside_the_app_keeps_the_overview_in_step(plan):
    warmed = _warm(plan)
    db.session.execute(text("UPDATE actions SET rag = 'blue' WHERE plan_id = :plan_id"), {"plan_id": plan.id})
    db.session.commit()
    _changed(plan, warmed)
    warmed = _warm(plan)
    db.session.execute(text("DELETE FROM action_high_impact_actions"))
    db.session.execute(text("UPDATE progress_updates SET rag = NULL"))
    db.session.commit()
    _changed(plan, warmed)


def test_changing_the_plans_year_moves_its_months(plan, admin):
    warmed = _warm(plan)
    db.session.execute(text("UPDATE plans SET year = '2023-24' WHERE id = :id"), {"id": plan.id})
    db.session.commit()
    _changed(plan, warmed)


def test_a_rollover_keeps_both_plans_in_step(plan, admin, make_plan):
    db.session.execute(text("UPDATE plans SET status = 'approved' WHERE id = :id"), {"id": plan.id})
    db.session.commit()
    db.session.expire_all()
    target = make_plan(year="2025-26", title="Next year")
    warmed, target_warmed = _warm(plan), _warm(target)
    rows = [rollover.suggested_row(_action(plan, ref)) for ref in ("1.1", "2.2", "3.3")]
    rollover.roll_over(plan, rows, admin, target_id=target.id)
    db.session.commit()
    assert _revision(target) > target_warmed
    assert_in_step(target, days=(date(2025, 5, 1), date(2026, 1, 1)))
    assert _revision(plan) >= warmed
    assert_in_step(plan)


def test_an_imported_plan_matches_counting_afresh(app, make_user, fixed_today):
    from tests.plans.test_bulk_import import plan_csv
    from tracker.plans import importer
    from tracker.plans.file_reader import read_plan

    fixed_today(date(2025, 4, 10))
    make_user("owner", name="Lesley Faux")
    make_user("owner", name="Kerry Jones")
    imported = importer.import_plan(read_plan(plan_csv(40), "plan.csv"), year="2024-25", title=None,
                                    actor=None, filename="plan.csv").plan
    db.session.commit()
    assert_in_step(imported)


def test_a_rolled_back_change_leaves_the_stored_summary_valid(plan, admin, monkeypatch):
    warmed = _warm(plan)
    action = _action(plan, "1.1")
    actions.update_action(action, _data(action, rag="red", status="DELAYED"), admin, action.version)
    db.session.flush()
    assert _revision(plan) == warmed + 1, "the revision moves inside the changing transaction"
    db.session.rollback()
    assert _revision(plan) == warmed
    with monkeypatch.context() as patched:
        patched.setattr(summaries, "compute", lambda _plan, **_: pytest.fail("the stored summary should be used"))
        assert plan_overview(plan, date(2024, 6, 20)) == reference_overview(plan, date(2024, 6, 20))
    assert _stored_revision(plan) == warmed
    assert_in_step(plan)


# --- What depends on the day ---------------------------------------------------------------------

def test_overdue_stale_and_the_months_shown_change_with_the_day_alone(plan, fixed_today, client, make_user, sign_in):
    _warm(plan)
    revision = _revision(plan)
    early, late = plan_overview(plan, date(2024, 5, 1)), plan_overview(plan, date(2025, 1, 10))
    assert early.overdue_count < late.overdue_count
    assert early.stale_count < late.stale_count
    assert len(rag_over_time(plan, date(2024, 5, 1))) == 2
    assert len(rag_over_time(plan, date(2025, 1, 10))) == 10
    assert _revision(plan) == revision == _stored_revision(plan), "nothing was written"
    sign_in(make_user("viewer"))
    fixed_today(date(2024, 5, 1))
    may = client.get(f"/plans/{plan.id}/overview").get_data(as_text=True)
    fixed_today(date(2025, 1, 10))
    january = client.get(f"/plans/{plan.id}/overview").get_data(as_text=True)
    assert f"<h2>Overdue ({early.overdue_count})</h2>" in may
    assert f"<h2>Overdue ({late.overdue_count})</h2>" in january
    assert "Dec 2024" in january and "Dec 2024" not in may.split("rag-over-time")[1]


def test_the_overview_page_stores_the_summary_it_computed(plan, client, make_user, sign_in):
    db.session.execute(text("DELETE FROM plan_summaries"))
    db.session.commit()
    sign_in(make_user("viewer"))
    assert client.get(f"/plans/{plan.id}/overview").status_code == 200
    assert _stored_revision(plan) == _revision(plan), "the page committed the summary it computed"


# --- Cost -----------------------------------------------------------------------------------------

def _overview_queries(client, plan) -> int:
    with counting_queries() as count:
        assert client.get(f"/plans/{plan.id}/overview").status_code == 200
    return count[0]


def test_the_overview_costs_the_same_number_of_queries_for_5_and_60_actions(make_plan, make_action, client,
                                                                            make_user, sign_in, forums, fixed_today):
    fixed_today(date(2024, 10, 1))
    sign_in(make_user("viewer"))
    figures = []
    for size in (5, 60):
        plan = make_plan()
        for n in range(size):
            make_action(plan, f"1.{n + 1}", by_when=("Jun 2024", "Dec 2024")[n % 2], rag=("red", None)[n % 2],
                        measures=["wres:2"], high_impact_actions=[n % 6 + 1], forums=[forums[n % 3]])
        computed = _overview_queries(client, plan)
        unchanged = _overview_queries(client, plan)
        figures.append((computed, unchanged))
    assert figures[0] == figures[1], figures
    assert figures[0][1] < figures[0][0], "an unchanged plan's summary is not computed again"


# --- The migration ----------------------------------------------------------------------------------

def _trigger_names() -> set[str]:
    if db.engine.dialect.name == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'plan_revisions%'"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'plan_revisions%'"
    return {row[0] for row in db.session.execute(text(sql))}


def test_the_migration_adds_the_triggers_and_revisions_and_downgrade_removes_them(app):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    from tracker import create_app

    assert len(_trigger_names()) == 17
    fresh = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    with fresh.app_context():
        downgrade(revision="0015_standards")
        try:
            assert _trigger_names() == set()
            assert "plan_revisions" not in inspect(db.engine).get_table_names()
            db.session.execute(text("INSERT INTO plans (id, year, title, status, equality_objectives_key, "
                                    "edi_goals_key, version) VALUES (41, '2024-25', 'Plan', 'approved', '', '', 1)"))
            db.session.commit()
            upgrade(revision="0016_plan_summaries")
            assert len(_trigger_names()) == 17
            assert [tuple(r) for r in db.session.execute(text("SELECT plan_id, revision FROM plan_revisions"))] == [
                (41, 1)]
            db.session.execute(text("INSERT INTO actions (id, plan_id, ref, ref_order, position, text, outcome, "
                                    "lead_text, by_when, by_when_kind, equality_objectives, edi_goals, "
                                    "cancelled_reason, created_at, version) VALUES (7, 41, '1.1', '', 0, 'Panels', "
                                    "'', '', '', 'empty', '', '', '', '2024-01-01 00:00:00', 1)"))
            db.session.commit()
            assert db.session.scalar(text("SELECT revision FROM plan_revisions WHERE plan_id = 41")) == 2
        finally:
            db.session.rollback()
            db.session.execute(text("DELETE FROM actions"))
            db.session.execute(text("DELETE FROM plans"))
            db.session.commit()
            upgrade()
            db.session.remove()


def test_two_first_reads_at_once_both_succeed_and_store_one_summary(app, plan, monkeypatch):
    """Both compute the summary, then both store it: neither fails, and one row is kept at the plan's revision."""
    import threading

    from tracker.database import committing

    db.session.execute(text("DELETE FROM plan_summaries"))
    db.session.commit()
    computed = threading.Barrier(2, timeout=30)
    compute = summaries.compute

    def compute_then_wait(of_plan, **options):
        content = compute(of_plan, **options)
        computed.wait()
        return content

    monkeypatch.setattr(summaries, "compute", compute_then_wait)
    results, errors, plan_id = [], [], plan.id

    def read():
        try:
            with app.app_context():
                with committing():
                    results.append(plan_overview(db.session.get(Plan, plan_id), date(2024, 6, 20)))
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(PlanSummary)) == 1
    assert _stored_revision(plan) == _revision(plan)


# --- RAG over time counted again only from the first month a change can affect --------------------

_JUNE_20 = date(2024, 6, 20)


def _first_month_counted(monkeypatch, plan: Plan) -> int | None:
    """Read the overview (storing its summary): the plan-year month (0 = April) from which RAG over time
    was counted again, or None when every month was kept."""
    seen = []
    original = summaries._rag_changes_query
    with monkeypatch.context() as patched:
        patched.setattr(summaries, "_rag_changes_query",
                        lambda months, first=0: seen.append(first) or original(months, first))
        plan_overview(plan, _JUNE_20)
        db.session.commit()
    assert len(seen) <= 1
    return seen[0] if seen else None


def _post(plan: Plan, ref: str, rag: str | None, as_at: date, author) -> None:
    actions.post_update(_action(plan, ref), UpdateData(status="PROGRESS MADE", rag=rag, narrative="Progress",
                                                       rag_reason="As discussed", as_at=as_at), author,
                        historical=True)
    db.session.commit()


def test_a_summary_computed_afresh_counts_every_month(plan, monkeypatch):
    db.session.execute(text("DELETE FROM plan_summaries"))
    db.session.commit()
    assert _first_month_counted(monkeypatch, plan) == 0
    assert _first_month_counted(monkeypatch, plan) is None, "an unchanged plan's summary is read as stored"


@pytest.mark.parametrize(("as_at", "first"), [
    (date(2024, 9, 12), 5),   # September onwards
    (_JUNE_20, 2),            # June onwards: the update posted today
    (date(2025, 3, 31), 11),  # the last month alone
    (date(2024, 4, 1), 0),    # every month
    (date(2024, 1, 15), 0),   # before the year: every month
    (date(2025, 5, 2), None),  # after the year: no month
])
def test_an_update_counts_rag_over_time_again_only_from_its_month(plan, monkeypatch, make_user, as_at, first):
    _warm(plan)
    _post(plan, "1.1", "red", as_at, make_user("owner"))
    assert _first_month_counted(monkeypatch, plan) == first
    assert_in_step(plan)


def test_an_unrated_update_counts_no_month_again_but_the_overview_moves_on(plan, monkeypatch, make_user):
    warmed = _warm(plan)
    action = _action(plan, "2.14")
    assert action.rag is None and action.rag_as_at is None
    _post(plan, "2.14", None, date(2024, 6, 12), make_user("owner"))
    assert _first_month_counted(monkeypatch, plan) is None
    _changed(plan, warmed)


#: (what a console statement does, the statement, the first month counted again)
_CONSOLE_CHANGES = [
    ("moves an update to an earlier month",
     "UPDATE progress_updates SET as_at = '2024-04-02' WHERE as_at = (SELECT max(as_at) FROM progress_updates)", 0),
    ("takes the rating off a June update",
     "UPDATE progress_updates SET rag = NULL WHERE as_at = (SELECT max(as_at) FROM progress_updates)", 2),
    ("deletes a May update", "DELETE FROM progress_updates WHERE as_at = "
     "(SELECT min(as_at) FROM progress_updates WHERE as_at >= '2024-05-01')", 1),
    ("rates an action in October over an update's rating",
     "UPDATE actions SET rag = 'red', rag_as_at = '2024-10-15' WHERE ref = '1.4'", 6),
    ("rates an action without a date", "UPDATE actions SET rag = 'amber', rag_as_at = NULL WHERE ref = '3.6'", 0),
    ("adds an update dated before the year",
     "INSERT INTO progress_updates (action_id, posted_at, as_at, rag, rag_reason, narrative, evidence_url) "
     "SELECT id, '2024-01-10 09:00:00', '2024-01-10', 'green', '', 'Old', '' FROM actions WHERE ref = '3.6'", 0),
    ("reorders two updates of a day",
     "UPDATE progress_updates SET posted_at = '2020-01-01 00:00:00' WHERE as_at = (SELECT max(as_at) FROM progress_updates)",
     2),
    ("deletes an action", "DELETE FROM actions WHERE ref = '1.1'", 0),
]


@pytest.mark.parametrize(("change", "statement", "first"), _CONSOLE_CHANGES, ids=[c[0] for c in _CONSOLE_CHANGES])
def test_a_console_change_counts_again_from_the_month_it_can_affect(plan, monkeypatch, change, statement, first):
    warmed = _warm(plan)
    db.session.execute(text(statement))
    db.session.commit()
    assert _first_month_counted(monkeypatch, plan) == first
    _changed(plan, warmed)


def test_moving_an_action_to_another_plan_counts_both_plans_again(plan, make_plan, monkeypatch):
    other = make_plan(title="Another plan")
    _warm(plan), _warm(other)
    db.session.execute(text("UPDATE actions SET plan_id = :other WHERE ref = '2.2'"), {"other": other.id})
    db.session.commit()
    assert _first_month_counted(monkeypatch, plan) == 0
    assert_in_step(plan)
    assert_in_step(other)


def test_a_plan_with_month_marks_can_be_deleted(plan):
    assert db.session.scalar(text("SELECT count(*) FROM plan_month_revisions WHERE plan_id = :id"), {"id": plan.id})
    db.session.execute(text("DELETE FROM plans WHERE id = :id"), {"id": plan.id})
    db.session.commit()
    assert db.session.scalar(text("SELECT count(*) FROM plan_month_revisions")) == 0


def test_many_changes_in_a_row_keep_rag_over_time_equal_to_counting_afresh(plan):
    """Changes of every kind, one after another, each read between: the months kept and counted again
    always add up to what counting every month afresh gives."""
    import random

    chance = random.Random(19)
    year_days = [date(2024, 3, 20) + timedelta(days=n) for n in range(0, 420, 9)]
    refs = [a.ref for a in db.session.scalars(select(Action).where(Action.plan_id == plan.id))]
    for step in range(40):
        day, ref, rag = chance.choice(year_days), chance.choice(refs), chance.choice(["red", "amber", "green", None])
        kind = chance.choice(["insert", "insert", "move", "rate", "unrate", "delete", "own"])
        params = {"day": day, "ref": ref, "rag": rag, "plan_id": plan.id, "n": step}
        of_plan = "action_id IN (SELECT id FROM actions WHERE plan_id = :plan_id)"
        pick = f"id = (SELECT min(id) FROM progress_updates WHERE {of_plan} AND id % 3 = :n % 3)"
        statement = {
            "insert": "INSERT INTO progress_updates (action_id, posted_at, as_at, rag, rag_reason, narrative, "
                      "evidence_url) SELECT id, :day, :day, :rag, '', 'Step', '' FROM actions "
                      "WHERE plan_id = :plan_id AND ref = :ref",
            "move": f"UPDATE progress_updates SET as_at = :day WHERE {pick}",
            "rate": f"UPDATE progress_updates SET rag = coalesce(:rag, 'green') WHERE {pick}",
            "unrate": f"UPDATE progress_updates SET rag = NULL WHERE {pick}",
            "delete": f"DELETE FROM progress_updates WHERE {pick}",
            "own": "UPDATE actions SET rag = :rag, rag_as_at = :day WHERE plan_id = :plan_id AND ref = :ref",
        }[kind]
        db.session.execute(text(statement), params)
        db.session.commit()
        db.session.expire_all()
        for today in (date(2024, 9, 30), date(2025, 6, 1)):
            assert rag_over_time(plan, today) == reference_rag_over_time(plan, today), (step, kind, params)
        db.session.commit()
        assert _stored_revision(plan) == _revision(plan)


def test_the_migration_adds_the_month_triggers_and_downgrade_removes_them(app):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    from tracker import create_app

    def month_triggers() -> set[str]:
        if db.engine.dialect.name == "postgresql":
            sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'plan_months%'"
        else:
            sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'plan_months%'"
        return {row[0] for row in db.session.execute(text(sql))}

    assert len(month_triggers()) == 7
    fresh = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    with fresh.app_context():
        downgrade(revision="0018_indicator_links")
        try:
            assert month_triggers() == set()
            assert "plan_month_revisions" not in inspect(db.engine).get_table_names()
        finally:
            db.session.rollback()
            upgrade()
            db.session.remove()
    assert len(month_triggers()) == 7
