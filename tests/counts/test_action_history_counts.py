"""Each action's numbers of progress updates and of audit events (action_history_counts) are kept by
triggers: after every kind of write they equal counting afresh, and the action's page shows them."""
from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
from sqlalchemy import func, select, text

from tracker.actions.models import Action, ActionHistoryCount, ProgressUpdate
from tracker.actions.service import UpdateData, post_update
from tracker.audit.models import AuditEvent
from tracker.audit.service import record
from tracker.database import insert_rows
from tracker.extensions import db
from tracker.plans import rollover

# --- Counting afresh -------------------------------------------------------------------------------


def fresh_counts() -> dict[int, tuple[int, int]]:
    """(updates, audit events) of every action id that has either, counted from the rows."""
    counts: dict[int, list[int]] = {}
    for action_id, n in db.session.execute(select(ProgressUpdate.action_id, func.count())
                                           .group_by(ProgressUpdate.action_id)):
        counts.setdefault(action_id, [0, 0])[0] = n
    for action_id, n in db.session.execute(select(AuditEvent.subject_id, func.count())
                                           .where(AuditEvent.subject_type == "action", AuditEvent.subject_id.is_not(None))
                                           .group_by(AuditEvent.subject_id)):
        counts.setdefault(action_id, [0, 0])[1] = n
    return {action_id: tuple(pair) for action_id, pair in counts.items()}


def stored_counts() -> dict[int, tuple[int, int]]:
    rows = db.session.execute(select(ActionHistoryCount.action_id, ActionHistoryCount.updates, ActionHistoryCount.events))
    return {action_id: (updates, events) for action_id, updates, events in rows if updates or events}


def assert_history_in_step() -> None:
    """Every stored count equals counting afresh, and none is below zero."""
    db.session.expire_all()
    assert (db.session.scalar(select(func.min(ActionHistoryCount.updates))) or 0) >= 0
    assert (db.session.scalar(select(func.min(ActionHistoryCount.events))) or 0) >= 0
    assert stored_counts() == fresh_counts()


# --- Actions with some history ------------------------------------------------------------------------------

@pytest.fixture
def owner(make_user):
    return make_user("owner", name="Dawn Ainsworth")


@pytest.fixture
def busy(make_plan, make_action, owner):
    """Three actions of one plan: 1.1 with three updates, 1.2 with one, 1.3 with none."""
    plan = make_plan()
    made = [make_action(plan, f"1.{n}", owners=[owner]) for n in (1, 2, 3)]
    for action, updates in zip(made, (3, 1, 0)):
        for n in range(updates):
            post_update(db.session.get(Action, action.id), UpdateData("PROGRESS MADE", "green", f"Step {n}",
                                                                      as_at=date(2024, 5, 1 + n)), owner, historical=True)
    db.session.commit()
    return [action.id for action in made]


def _update_row(action_id: int, n: int = 0) -> dict:
    return {"action_id": action_id, "posted_at": datetime(2024, 6, 1, 9, n), "as_at": date(2024, 6, 1),
            "status": "PROGRESS MADE", "rag": "green", "rag_reason": "", "narrative": f"Bulk {n}", "evidence_url": ""}


# --- In step after every kind of write -----------------------------------------------------------------

def test_creating_actions_and_posting_updates_through_the_services_are_counted(busy):
    assert_history_in_step()
    # Each action's creation is an event, and so is each update.
    assert [stored_counts()[action_id] for action_id in busy] == [(3, 4), (1, 2), (0, 1)]


def test_events_about_other_things_are_not_counted_and_an_event_about_an_action_is(busy, owner, make_plan):
    before = stored_counts()
    record(owner, make_plan(year="2027-28", title="Other"), "updated", {"title": ["A", "B"]})
    record(None, None, "sign-in failed", {}, subject_type="user")
    db.session.commit()
    assert stored_counts() == before
    record(owner, db.session.get(Action, busy[2]), "updated", {"outcome": ["", "More"]})
    db.session.commit()
    assert_history_in_step()
    assert stored_counts()[busy[2]] == (0, 2)


def test_an_orm_add_and_delete_of_updates_and_of_an_action_keep_the_counts_in_step(busy):
    db.session.add(ProgressUpdate(action_id=busy[2], as_at=date(2024, 7, 1), narrative="Added"))
    db.session.commit()
    assert_history_in_step()
    action = db.session.get(Action, busy[0])
    db.session.delete(action.updates[0])
    db.session.commit()
    assert_history_in_step()
    db.session.delete(db.session.get(Action, busy[1]))
    db.session.commit()
    assert_history_in_step()
    # Its updates went with it; its audit events stay, and so does their count.
    assert stored_counts()[busy[1]] == (0, 2)


def test_raw_sql_moving_and_deleting_updates_and_events_keeps_the_counts_in_step(busy):
    db.session.execute(text("UPDATE progress_updates SET action_id = :to WHERE action_id = :from"),
                       {"to": busy[2], "from": busy[0]})
    db.session.execute(text("UPDATE progress_updates SET narrative = 'Reworded'"))
    db.session.commit()
    assert_history_in_step()
    assert stored_counts()[busy[2]] == (3, 1)
    db.session.execute(text("UPDATE audit_events SET subject_id = :to WHERE subject_type = 'action' AND subject_id = :from"),
                       {"to": busy[1], "from": busy[0]})
    db.session.execute(text("UPDATE audit_events SET subject_type = 'plan' WHERE subject_id = :id AND verb = 'created'"),
                       {"id": busy[1]})
    db.session.execute(text("UPDATE audit_events SET summary = 'Reworded'"))
    db.session.commit()
    assert_history_in_step()
    db.session.execute(text("UPDATE audit_events SET subject_type = 'action' WHERE subject_type = 'plan'"))
    db.session.execute(text("DELETE FROM audit_events WHERE subject_id = :id AND verb = 'progress update'"),
                       {"id": busy[1]})
    db.session.execute(text("DELETE FROM progress_updates WHERE action_id = :id"), {"id": busy[2]})
    db.session.commit()
    assert_history_in_step()


def test_a_core_bulk_insert_of_updates_and_events_is_counted(busy):
    insert_rows(ProgressUpdate.__table__, [_update_row(busy[n % 3], n) for n in range(7)])
    insert_rows(AuditEvent.__table__, [{"at": datetime(2024, 6, 1), "subject_type": "action", "subject_id": busy[2],
                                        "verb": "updated", "summary": "", "changes": {}} for _ in range(4)])
    db.session.commit()
    assert_history_in_step()
    assert stored_counts()[busy[2]] == (2, 5)


def test_a_rolled_back_change_leaves_the_counts_as_they_were(busy, owner):
    before = stored_counts()
    post_update(db.session.get(Action, busy[2]), UpdateData("DELAYED", "red", "Late", as_at=date(2024, 8, 1)),
                owner, historical=True)
    db.session.execute(text("DELETE FROM progress_updates WHERE action_id = :id"), {"id": busy[0]})
    db.session.flush()
    assert stored_counts() != before, "the counts change inside the transaction"
    db.session.rollback()
    assert stored_counts() == before
    assert_history_in_step()


def test_deleting_a_plan_takes_its_updates_off_and_keeps_its_events_counted(busy):
    """The service refuses to delete a plan with updates; the database's cascade is counted all the same."""
    db.session.execute(text("DELETE FROM plans WHERE id = :id"), {"id": db.session.get(Action, busy[0]).plan_id})
    db.session.commit()
    assert_history_in_step()
    assert all(updates == 0 for updates, _events in stored_counts().values())


def test_a_rollover_counts_the_copies_opening_updates_and_events(busy, make_user, make_plan):
    plan = db.session.get(Action, busy[0]).plan
    plan.status = "approved"
    db.session.commit()
    rows = [rollover.suggested_row(db.session.get(Action, action_id)) for action_id in busy]
    result = rollover.roll_over(plan, rows, make_user("admin"), target_id=make_plan(year="2025-26", title="Next").id)
    db.session.commit()
    assert_history_in_step()
    assert all(stored_counts()[copy.id][0] == 1 for _old, copy in result.carried)


def test_demo_scale_leaves_the_counts_in_step(app, runner):
    result = runner.invoke(args=["demo", "scale", "--plans", "2", "--actions", "60", "--updates", "300", "--users",
                                 "30", "--seed", "2", "--until", "2025-03-31", "--password", "scale-password-1"])
    assert result.exit_code == 0, result.output
    assert_history_in_step()
    assert sum(updates for updates, _events in stored_counts().values()) == 300


def _post_in_own_transaction(engine, action_id: int, n: int, started: threading.Event, done: threading.Event,
                             errors: list) -> None:
    try:
        with engine.connect() as connection:
            connection.execute(ProgressUpdate.__table__.insert(), _update_row(action_id, n))
            started.set()
            done.wait(timeout=30)
            connection.commit()
    except Exception as error:  # noqa: BLE001 - reported to the test below
        errors.append(error)
        started.set()


def test_two_transactions_adding_updates_to_one_action_at_once_are_both_counted(app, busy):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL")
    db.session.commit()
    first_added, second_added, release, errors = threading.Event(), threading.Event(), threading.Event(), []
    second_release = threading.Event()
    second_release.set()
    first = threading.Thread(target=_post_in_own_transaction, args=(db.engine, busy[0], 1, first_added, release, errors))
    second = threading.Thread(target=_post_in_own_transaction,
                              args=(db.engine, busy[0], 2, second_added, second_release, errors))
    first.start()
    assert first_added.wait(timeout=30)
    second.start()
    assert not second_added.wait(timeout=0.5), f"the second waits for the first's lock on the count {errors}"
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert errors == []
    db.session.rollback()
    assert stored_counts()[busy[0]] == (5, 4)
    assert_history_in_step()


# --- The migration ------------------------------------------------------------------------------------------

def _trigger_names() -> set[str]:
    if db.engine.dialect.name == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'action_history%'"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'action_history%'"
    return {row[0] for row in db.session.execute(text(sql))}


def test_the_migration_counts_existing_history_and_downgrade_removes_the_counts(app):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    from tracker import create_app

    assert len(_trigger_names()) == 6
    fresh = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    with fresh.app_context():
        downgrade(revision="0023_search_entry_plans")
        try:
            assert _trigger_names() == set()
            assert "action_history_counts" not in inspect(db.engine).get_table_names()
            db.session.execute(text("INSERT INTO plans (id, year, title, status, equality_objectives_key, "
                                    "edi_goals_key, version) VALUES (41, '2024-25', 'Plan', 'approved', '', '', 1)"))
            for id in (7, 8):
                db.session.execute(text(
                    "INSERT INTO actions (id, plan_id, ref, ref_order, position, text, outcome, lead_text, by_when, "
                    "by_when_kind, equality_objectives, edi_goals, cancelled_reason, created_at, version) "
                    "VALUES (:id, 41, :ref, '', 0, 'Panels', '', '', '', 'empty', '', '', '', "
                    "'2024-01-01 00:00:00', 1)"), {"id": id, "ref": f"1.{id}"})
            for n in range(3):
                db.session.execute(text(
                    "INSERT INTO progress_updates (action_id, posted_at, as_at, rag, rag_reason, narrative, evidence_url) "
                    "VALUES (7, :at, '2024-05-01', 'red', '', 'Late', '')"), {"at": f"2024-05-01 09:0{n}:00"})
            for subject_type, subject_id in (("action", 7), ("action", 8), ("action", 8), ("plan", 7), ("action", 99)):
                db.session.execute(text(
                    "INSERT INTO audit_events (at, subject_type, subject_id, verb, summary, changes) "
                    "VALUES ('2024-05-01 09:00:00', :type, :id, 'updated', '', '{}')"), {"type": subject_type, "id": subject_id})
            db.session.commit()
            upgrade(revision="0024_action_history_counts")
            assert len(_trigger_names()) == 6
            assert stored_counts() == {7: (3, 1), 8: (0, 2), 99: (0, 1)}
            db.session.execute(text("DELETE FROM actions WHERE id = 7"))
            db.session.commit()
            assert stored_counts() == {7: (0, 1), 8: (0, 2), 99: (0, 1)}
        finally:
            db.session.rollback()
            db.session.execute(text("DELETE FROM progress_updates"))
            db.session.execute(text("DELETE FROM audit_events"))
            db.session.execute(text("DELETE FROM actions"))
            db.session.execute(text("DELETE FROM plans"))
            db.session.commit()
            upgrade()
            db.session.remove()


# --- What the page shows -------------------------------------------------------------------------------------

def test_the_action_page_shows_the_stored_totals(busy, client, make_user, sign_in):
    """The page's totals are the stored counts (set here to numbers no row count gives)."""
    for n in range(21):
        db.session.add(ProgressUpdate(action_id=busy[0], as_at=date(2024, 7, 1), posted_at=datetime(2024, 7, 1, 9, n),
                                      narrative=f"Extra {n}"))
    db.session.commit()
    db.session.execute(text("UPDATE action_history_counts SET updates = 57, events = 33 WHERE action_id = :id"),
                       {"id": busy[0]})
    db.session.commit()
    sign_in(make_user("reviewer"))
    page = client.get(f"/actions/{busy[0]}").get_data(as_text=True)
    assert "The latest 20 of 57 updates." in page and '<ol class="app-timeline" reversed start="57">' in page
    assert "The latest 4 of 33 changes." in page
