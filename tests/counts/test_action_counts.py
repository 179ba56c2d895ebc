"""The stored action counts (actions per plan and status, forum links per forum and plan) are kept by
triggers: after every kind of write they equal counting afresh, and the pages that read them show the
numbers counting afresh gives."""
from __future__ import annotations

import threading
import time
from datetime import date, datetime

import pytest
from sqlalchemy import func, select, text

from tests.dashboards.test_person_actions import fresh as fresh_person_actions
from tests.dashboards.test_person_actions import stored as stored_person_actions
from tracker.actions import service as actions
from tracker.actions.models import Action, action_forums
from tracker.actions.service import ActionData, UpdateData
from tracker.database import insert_rows
from tracker.extensions import db
from tracker.governance.models import Forum, ForumActionCount, ForumLink
from tracker.governance.queries import list_forums, open_actions
from tracker.plans import rollover
from tracker.plans.models import Plan, PlanActionCount
from tracker.plans.queries import Filters, action_count, list_plans, plan_actions, plan_statuses
from tracker.plans.service import delete_plan

# --- Counting afresh -------------------------------------------------------------------------------


def fresh_plan_counts() -> dict[tuple[int, str], int]:
    counts: dict[tuple[int, str], int] = {}
    for plan_id, status, count in db.session.execute(select(Action.plan_id, Action.status, func.count())
                                                     .group_by(Action.plan_id, Action.status)):
        counts[plan_id, status or ""] = counts.get((plan_id, status or ""), 0) + count
    return counts


def fresh_forum_counts() -> dict[tuple[int, int], int]:
    rows = db.session.execute(select(action_forums.c.forum_id, Action.plan_id, func.count())
                              .join(Action, Action.id == action_forums.c.action_id)
                              .group_by(action_forums.c.forum_id, Action.plan_id))
    return {(forum_id, plan_id): count for forum_id, plan_id, count in rows}


def stored_plan_counts() -> dict[tuple[int, str], int]:
    rows = db.session.execute(select(PlanActionCount.plan_id, PlanActionCount.status, PlanActionCount.actions))
    return {(plan_id, status): count for plan_id, status, count in rows if count}


def stored_forum_counts() -> dict[tuple[int, int], int]:
    rows = db.session.execute(select(ForumActionCount.forum_id, ForumActionCount.plan_id, ForumActionCount.actions))
    return {(forum_id, plan_id): count for forum_id, plan_id, count in rows if count}


def fresh_forum_links() -> set[tuple[int, int, int, str]]:
    return set(db.session.execute(select(action_forums.c.forum_id, action_forums.c.action_id, Action.plan_id,
                                         Action.ref_order).join(Action, Action.id == action_forums.c.action_id)))


def stored_forum_links() -> set[tuple[int, int, int, str]]:
    return set(db.session.execute(select(ForumLink.forum_id, ForumLink.action_id, ForumLink.plan_id,
                                         ForumLink.ref_order)))


def assert_in_step() -> None:
    """Every stored count and forum link equals counting afresh, and no count is below zero."""
    db.session.expire_all()
    assert (db.session.scalar(select(func.min(PlanActionCount.actions))) or 0) >= 0
    assert (db.session.scalar(select(func.min(ForumActionCount.actions))) or 0) >= 0
    assert stored_plan_counts() == fresh_plan_counts()
    assert stored_forum_counts() == fresh_forum_counts()
    assert stored_forum_links() == fresh_forum_links()
    assert stored_person_actions() == fresh_person_actions()


# --- Plans with some of everything ------------------------------------------------------------------

@pytest.fixture
def forums():
    made = [Forum(name=name) for name in ("Inclusion Council", "People Committee", "Trust Board")]
    db.session.add_all(made)
    db.session.commit()
    return made


@pytest.fixture
def admin(make_user):
    return make_user("admin")


STATUSES = [None, "PROGRESS MADE", "DELAYED", "ACHIEVED", "NOT STARTED"]


@pytest.fixture
def plan(make_plan, make_action, forums):
    plan = make_plan(themes=("Inclusive recruitment", "Speaking up"))
    for n in range(10):
        make_action(plan, f"{n % 2 + 1}.{n + 1}", status=STATUSES[n % len(STATUSES)],
                    forums=[forums[k] for k in range(3) if (n + k) % 3 == 0 or n % 4 == k])
    return plan


@pytest.fixture
def other_plan(make_plan, make_action, forums):
    plan = make_plan(year="2025-26", title="Next year")
    make_action(plan, "1.1", status="DELAYED", forums=[forums[0]])
    return plan


def _action(plan: Plan, ref: str) -> Action:
    return db.session.scalar(select(Action).where(Action.plan_id == plan.id, Action.ref == ref))


def _data(action: Action, **changes) -> ActionData:
    data = ActionData(ref=action.ref, text=action.text, theme=action.theme, by_when=action.by_when,
                      status=action.status, rag=action.rag, owners=list(action.owners), forums=list(action.forums))
    for name, value in changes.items():
        setattr(data, name, value)
    return data


# --- In step after every kind of write -----------------------------------------------------------------

def test_actions_added_through_the_service_are_counted_by_plan_status_and_forum(plan, other_plan, forums):
    assert_in_step()
    assert stored_plan_counts()[(plan.id, "")] == 2, "actions with no status are counted under ''"
    assert stored_plan_counts()[(plan.id, "DELAYED")] == 2
    assert stored_forum_counts()[(forums[0].id, other_plan.id)] == 1


def test_an_orm_add_and_an_orm_delete_keep_the_counts_in_step(plan, forums):
    db.session.add(Action(plan_id=plan.id, ref="9.1", text="Added", status="ON TRACK", forums=[forums[1], forums[2]]))
    db.session.commit()
    assert_in_step()
    assert stored_plan_counts()[(plan.id, "ON TRACK")] == 1
    db.session.delete(_action(plan, "9.1"))
    db.session.delete(_action(plan, "1.1"))
    db.session.commit()
    assert_in_step()
    assert (plan.id, "ON TRACK") not in stored_plan_counts()


def test_posting_an_update_moves_the_action_to_its_new_status(plan, make_user):
    owner = make_user("owner")
    action = _action(plan, "1.1")
    actions.post_update(action, UpdateData(status="ACHIEVED", rag="blue", narrative="Done", rag_reason="Finished"), owner)
    db.session.commit()
    assert_in_step()
    assert plan_statuses(plan) == ["ACHIEVED", "DELAYED", "NOT STARTED", "PROGRESS MADE"]


def test_editing_an_action_changes_its_status_and_forum_links(plan, admin, forums):
    action = _action(plan, "2.2")
    actions.update_action(action, _data(action, status="CANCELLED", cancelled_reason="Replaced", forums=[forums[2]]), admin, action.version)
    db.session.commit()
    assert_in_step()
    action = _action(plan, "1.3")
    actions.update_action(action, _data(action, status=None, forums=[]), admin, action.version)
    db.session.commit()
    assert_in_step()


def test_a_bulk_change_keeps_the_counts_in_step(plan, admin, forums):
    selected = {a.id: a.version for a in db.session.scalars(select(Action).where(Action.plan_id == plan.id))}
    actions.bulk_change(plan, selected, actions.BulkChange(kind="forums", forums=(forums[1],)), admin)
    db.session.commit()
    assert_in_step()
    assert stored_forum_counts()[(forums[1].id, plan.id)] == 10


def test_moving_an_action_to_another_plan_moves_its_counts_and_links(plan, other_plan):
    action = _action(plan, "2.2")
    action.plan_id = other_plan.id
    db.session.commit()
    assert_in_step()
    db.session.execute(text("UPDATE actions SET plan_id = :to, ref = 'moved ' || ref, status = 'ON TRACK' "
                            "WHERE plan_id = :plan_id"),
                       {"to": other_plan.id, "plan_id": plan.id})
    db.session.commit()
    assert_in_step()
    assert action_count(plan) == 0 and plan_statuses(plan) == []
    assert plan_statuses(other_plan) == ["DELAYED", "ON TRACK", "PROGRESS MADE"]


def test_raw_sql_on_actions_and_forum_links_keeps_the_counts_in_step(plan, other_plan, forums):
    db.session.execute(text("UPDATE actions SET status = 'DELAYED' WHERE plan_id = :plan_id AND status IS NULL"),
                       {"plan_id": plan.id})
    db.session.execute(text("UPDATE actions SET status = NULL WHERE status = 'ACHIEVED'"))
    db.session.execute(text("DELETE FROM action_forums WHERE forum_id = :id"), {"id": forums[0].id})
    db.session.execute(text("UPDATE action_forums SET forum_id = :to WHERE forum_id = :id"),
                       {"to": forums[0].id, "id": forums[1].id})
    moved = _action(other_plan, "1.1").id
    db.session.execute(text("UPDATE action_forums SET action_id = :to WHERE forum_id = :id AND action_id = "
                            "(SELECT min(action_id) FROM action_forums WHERE forum_id = :id)"),
                       {"to": moved, "id": forums[2].id})
    db.session.commit()
    assert_in_step()
    db.session.execute(text("INSERT INTO action_forums (action_id, forum_id) SELECT id, :id FROM actions"),
                       {"id": forums[1].id})
    db.session.execute(text("DELETE FROM actions WHERE ref = '1.3'"))
    db.session.commit()
    assert_in_step()


def test_a_core_bulk_insert_is_counted(plan, forums):
    insert_rows(Action.__table__, [
        {"plan_id": plan.id, "ref": f"9.{n}", "ref_order": f"9.{n}", "position": 90 + n, "text": "Bulk", "outcome": "",
         "lead_text": "", "by_when": "", "by_when_kind": "empty", "equality_objectives": "", "edi_goals": "",
         "cancelled_reason": "", "status": "ON TRACK" if n % 2 else None, "created_at": datetime(2024, 4, 1),
         "version": 1} for n in range(5)])
    ids = db.session.scalars(select(Action.id).where(Action.ref.like("9.%"))).all()
    insert_rows(action_forums, [{"action_id": id, "forum_id": forums[2].id} for id in ids])
    db.session.commit()
    assert_in_step()


def test_a_rolled_back_change_leaves_the_counts_as_they_were(plan, admin, forums):
    before = (stored_plan_counts(), stored_forum_counts())
    action = _action(plan, "1.1")
    actions.update_action(action, _data(action, status="DELAYED", forums=[forums[2]]), admin, action.version)
    db.session.delete(_action(plan, "2.2"))
    db.session.flush()
    assert (stored_plan_counts(), stored_forum_counts()) != before, "the counts change inside the transaction"
    db.session.rollback()
    assert (stored_plan_counts(), stored_forum_counts()) == before
    assert_in_step()


def test_deleting_a_draft_plan_removes_its_counts_and_its_share_of_the_forums(plan, other_plan, admin, forums):
    delete_plan(plan, admin)
    db.session.commit()
    assert_in_step()
    assert not [key for key in db.session.execute(select(PlanActionCount.plan_id)).scalars() if key == plan.id]
    assert db.session.scalars(select(ForumActionCount.plan_id).distinct()).all() == [other_plan.id]


def test_deleting_a_forum_removes_its_counts(plan, forums):
    db.session.execute(text("DELETE FROM forums WHERE id = :id"), {"id": forums[0].id})
    db.session.commit()
    assert_in_step()


@pytest.mark.parametrize("deleted", ["plans", "forums"])
def test_a_plan_or_forum_counted_and_deleted_in_one_transaction_goes_with_its_counts(plan, forums, deleted):
    """Count rows added by this transaction's triggers do not stop the plan or forum being deleted in it
    (their foreign keys are checked at commit, when the cascade has removed them)."""
    added = Plan(year="2026-27", title="Made and dropped", status="draft", equality_objectives_key="",
                 edi_goals_key="")
    db.session.add(added)
    db.session.flush()
    forum = Forum(name="Short-lived forum")
    db.session.add(forum)
    db.session.flush()
    db.session.execute(text(
        "INSERT INTO actions (plan_id, ref, ref_order, position, text, outcome, lead_text, by_when, by_when_kind, "
        "equality_objectives, edi_goals, cancelled_reason, created_at, version) VALUES "
        "(:plan_id, '1.1', '', 0, 'Panels', '', '', '', 'empty', '', '', '', '2024-01-01 00:00:00', 1)"),
        {"plan_id": added.id})
    action_id = db.session.scalar(select(Action.id).where(Action.plan_id == added.id))
    db.session.execute(action_forums.insert(), [{"action_id": action_id, "forum_id": forum.id},
                                                 {"action_id": action_id, "forum_id": forums[0].id}])
    db.session.execute(text("INSERT INTO action_measures (action_id, standard, measure) VALUES (:id, 'wres', '1')"),
                       {"id": action_id})
    db.session.execute(text("INSERT INTO progress_updates (action_id, posted_at, as_at, rag, rag_reason, narrative, "
                            "evidence_url) VALUES (:id, '2026-05-01 09:00:00', '2026-05-01', 'red', '', 'Late', '')"),
                       {"id": action_id})
    assert stored_forum_counts()[(forum.id, added.id)] == 1
    gone = added.id if deleted == "plans" else forum.id
    db.session.execute(text(f"DELETE FROM {deleted} WHERE id = :id"), {"id": gone})
    db.session.commit()
    assert_in_step()
    column = ForumActionCount.plan_id if deleted == "plans" else ForumActionCount.forum_id
    assert gone not in db.session.scalars(select(column)).all()
    if deleted == "plans":
        for table in ("plan_action_counts", "measure_links", "measure_tallies", "plan_month_revisions",
                      "plan_revisions"):
            assert not db.session.scalar(text(f"SELECT count(*) FROM {table} WHERE plan_id = :id"), {"id": gone}), table


def test_a_rollover_counts_the_carried_actions_in_both_plans(plan, admin, make_plan, forums):
    plan.status = "approved"
    db.session.commit()
    target = make_plan(year="2025-26", title="Next year")
    rows = [rollover.suggested_row(_action(plan, ref)) for ref in ("1.1", "2.2", "1.3", "2.4")]
    rollover.roll_over(plan, rows, admin, target_id=target.id)
    db.session.commit()
    assert_in_step()
    assert action_count(target) == 4
    assert "CARRIED FORWARD" in plan_statuses(plan)


def test_demo_scale_leaves_the_counts_in_step(app, runner):
    result = runner.invoke(args=["demo", "scale", "--plans", "2", "--actions", "60", "--updates", "300", "--users",
                                 "30", "--seed", "2", "--until", "2025-03-31", "--password", "scale-password-1"])
    assert result.exit_code == 0, result.output
    assert_in_step()
    assert sum(stored_plan_counts().values()) == 60
    assert sum(stored_forum_counts().values()) == db.session.scalar(select(func.count()).select_from(action_forums))


# --- What the pages read -----------------------------------------------------------------------------------

def test_the_plans_list_forums_list_and_plan_page_show_counting_afresh(plan, other_plan, forums, make_user, fixed_today):
    fixed_today(date(2024, 6, 20))
    owner = make_user("owner")
    actions.post_update(_action(plan, "1.1"), UpdateData(status="ACHIEVED", rag="blue", narrative="Done", rag_reason="Finished"), owner)
    other_plan.status = "closed"
    db.session.commit()
    assert [(p.id, n) for p, n in list_plans()] == [(other_plan.id, 1), (plan.id, 10)]
    live = {forum.id: db.session.scalar(select(func.count()).select_from(action_forums)
                                        .join(Action, Action.id == action_forums.c.action_id)
                                        .where(Action.plan_id == plan.id, action_forums.c.forum_id == forum.id))
            for forum in forums}
    assert {row.forum.id: row.open_actions for row in list_forums(date(2024, 6, 20))} == live
    assert [open_actions(forum).total for forum in forums] == [live[forum.id] for forum in forums]
    assert [len(open_actions(forum, size=None).actions) for forum in forums] == [live[forum.id] for forum in forums]
    assert plan_statuses(plan) == sorted({a.status for a in plan.actions if a.status})
    assert plan_actions(plan, Filters(), date(2024, 6, 20)).total == 10
    assert plan_actions(plan, Filters(status="DELAYED"), date(2024, 6, 20)).total == 2
    assert action_count(plan) == 10


def test_the_pages_show_the_stored_counts(plan, forums, client, make_user, sign_in):
    sign_in(make_user("admin"))
    listed = client.get("/plans/").get_data(as_text=True)
    assert '<td class="nhsuk-table__cell">10</td>' in listed
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    for status in ("DELAYED", "NOT STARTED", "PROGRESS MADE", "ACHIEVED"):
        assert f">{status}</option>" in page


# --- PostgreSQL: concurrent writers ------------------------------------------------------------------------

def _set(event: threading.Event) -> threading.Event:
    event.set()
    return event


def _add_action_in_own_transaction(engine, plan_id: int, ref: str, status: str, started: threading.Event,
                                   done: threading.Event, errors: list) -> None:
    try:
        with engine.connect() as connection:
            connection.execute(text(
                "INSERT INTO actions (plan_id, ref, ref_order, position, text, outcome, lead_text, by_when, by_when_kind,"
                " equality_objectives, edi_goals, cancelled_reason, status, created_at, version) VALUES (:plan_id, :ref,"
                " :ref, 0, 'Concurrent', '', '', '', 'empty', '', '', '', :status, '2024-01-01 00:00:00', 1)"),
                {"plan_id": plan_id, "ref": ref, "status": status})
            started.set()
            done.wait(timeout=30)
            connection.commit()
    except Exception as error:  # noqa: BLE001 - reported to the test below
        errors.append(error)
        started.set()


@pytest.mark.parametrize("status", ["ON TRACK", "DELAYED"], ids=["first of its status", "status already counted"])
def test_two_transactions_adding_actions_to_one_plan_at_once_are_both_counted(app, plan, status):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL")
    db.session.commit()
    before = action_count(plan)
    first_added, second_added, release, errors = threading.Event(), threading.Event(), threading.Event(), []
    first = threading.Thread(target=_add_action_in_own_transaction,
                             args=(db.engine, plan.id, "8.1", status, first_added, release, errors))
    second = threading.Thread(target=_add_action_in_own_transaction,
                              args=(db.engine, plan.id, "8.2", status, second_added, _set(threading.Event()), errors))
    first.start()
    assert first_added.wait(timeout=30)
    second.start()
    time.sleep(0.5)
    assert not second_added.is_set(), f"the second waits for the first's lock on the plan's count {errors}"
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert errors == []
    db.session.rollback()
    assert action_count(plan) == before + 2
    assert_in_step()


# --- The migration ------------------------------------------------------------------------------------------

def _trigger_names() -> set[str]:
    if db.engine.dialect.name == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'action_counts%'"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'action_counts%'"
    return {row[0] for row in db.session.execute(text(sql))}


def _index_names() -> set[str]:
    if db.engine.dialect.name == "postgresql":
        sql = "SELECT indexname FROM pg_indexes WHERE tablename = 'users'"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users'"
    return {row[0] for row in db.session.execute(text(sql))}


def test_the_migration_counts_existing_actions_and_downgrade_removes_the_counts(app):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    from tracker import create_app

    assert len(_trigger_names()) == 8 and "ix_users_lower_name" in _index_names()
    fresh = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    with fresh.app_context():
        downgrade(revision="0016_plan_summaries")
        try:
            assert _trigger_names() == set()
            assert "ix_users_lower_name" not in _index_names()
            tables = inspect(db.engine).get_table_names()
            assert "plan_action_counts" not in tables and "forum_action_counts" not in tables
            db.session.execute(text("INSERT INTO plans (id, year, title, status, equality_objectives_key, "
                                    "edi_goals_key, version) VALUES (41, '2024-25', 'Plan', 'approved', '', '', 1)"))
            db.session.execute(text("INSERT INTO forums (id, name, description, active) VALUES (5, 'Board', '', true)"))
            for id, status in ((7, "DELAYED"), (8, "DELAYED"), (9, None)):
                db.session.execute(text(
                    "INSERT INTO actions (id, plan_id, ref, ref_order, position, text, outcome, lead_text, by_when, "
                    "by_when_kind, equality_objectives, edi_goals, cancelled_reason, status, created_at, version) "
                    "VALUES (:id, 41, :ref, '', 0, 'Panels', '', '', '', 'empty', '', '', '', :status, "
                    "'2024-01-01 00:00:00', 1)"), {"id": id, "ref": f"1.{id}", "status": status})
            db.session.execute(text("INSERT INTO action_forums (action_id, forum_id) VALUES (7, 5), (9, 5)"))
            db.session.commit()
            upgrade(revision="0017_action_counts")
            assert len(_trigger_names()) == 8 and "ix_users_lower_name" in _index_names()
            assert stored_plan_counts() == {(41, "DELAYED"): 2, (41, ""): 1}
            assert stored_forum_counts() == {(5, 41): 2}
            db.session.execute(text("DELETE FROM actions WHERE id = 7"))
            db.session.commit()
            assert stored_plan_counts() == {(41, "DELAYED"): 1, (41, ""): 1}
            assert stored_forum_counts() == {(5, 41): 1}
        finally:
            db.session.rollback()
            db.session.execute(text("DELETE FROM actions"))
            db.session.execute(text("DELETE FROM forums"))
            db.session.execute(text("DELETE FROM plans"))
            db.session.commit()
            upgrade()
            db.session.remove()


def test_the_users_list_is_read_in_order_from_the_name_index(app):
    from tracker.admin.queries import users_query

    statement = users_query().limit(100).compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(db.session.scalars(text(f"EXPLAIN {statement}")))
        assert "ix_users_lower_name" in plan and "Sort" not in plan, plan
    else:
        plan = "\n".join(row[3] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {statement}")))
        assert "ix_users_lower_name" in plan and "TEMP B-TREE" not in plan, plan


def test_the_forum_links_migration_copies_existing_links_and_downgrade_removes_them(app, plan, forums):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    from tracker import create_app

    expected = fresh_forum_links()
    assert expected and stored_forum_links() == expected
    dropped = forums[0].id
    db.session.remove()
    fresh = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    with fresh.app_context():
        downgrade(revision="0019_incremental_summaries")
        try:
            assert "forum_links" not in inspect(db.engine).get_table_names()
            db.session.execute(text("DELETE FROM action_forums WHERE forum_id = :id"), {"id": dropped})
            db.session.commit()
            upgrade(revision="0020_forum_links")
            copied = stored_forum_links()
            assert copied == fresh_forum_links() and copied == {link for link in expected if link[0] != dropped}
            db.session.execute(text("UPDATE actions SET ref_order = 'zz' WHERE id = :id"), {"id": min(copied)[1]})
            db.session.commit()
            assert stored_forum_links() == fresh_forum_links()
        finally:
            db.session.rollback()
            upgrade()
            db.session.remove()
