"""The search index is kept in step with every way actions, updates, forums and meetings are written:
the ORM services, the bulk Core paths (create_actions, insert_rows, `flask demo scale`), rollover,
edits, renames, removals, deletion and archiving, each in the writer's own transaction."""
from __future__ import annotations

import importlib.util
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tracker.actions.models import Action, ProgressUpdate, action_owners
from tracker.actions.service import ActionData, UpdateData, create_actions, update_action
from tracker.database import insert_rows
from tracker.extensions import db
from tracker.governance.models import Forum, Meeting
from tracker.governance.service import add_meeting, create_forum, update_forum
from tracker.search.models import SearchEntry

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0014_search.py"
PLANS_MIGRATION = MIGRATION.with_name("0023_search_entry_plans.py")


@pytest.fixture
def admin(make_user):
    return make_user("admin", name="Edi Lead")


@pytest.fixture
def signed_in(client, admin, sign_in):
    sign_in(admin)
    return client


def _found(client, query: str, *, archived: bool = False) -> list[str]:
    page = client.get("/search", query_string={"q": query, **({"archived": "1"} if archived else {})})
    assert page.status_code == 200
    return [re.sub(r"<[^>]+>", "", heading).strip() for heading in
            re.findall(r'<h2 class="nhsuk-heading-s app-search-result__title">(.*?)</h2>', page.text, re.S)]


def _index_matches_the_tables() -> None:
    """One entry for each action, update, forum and meeting, each with its action's plan (none for
    forums and meetings), and (SQLite) an FTS index that agrees."""
    expected = {("action", i) for i in db.session.scalars(select(Action.id))}
    expected |= {("update", i) for i in db.session.scalars(select(ProgressUpdate.id))}
    expected |= {("forum", i) for i in db.session.scalars(select(Forum.id))}
    expected |= {("meeting", i) for i in db.session.scalars(select(Meeting.id))}
    assert set(db.session.execute(select(SearchEntry.kind, SearchEntry.source_id)).tuples()) == expected
    plans = dict(db.session.execute(select(Action.id, Action.plan_id)).all())
    entries = db.session.execute(select(SearchEntry.action_id, SearchEntry.plan_id)).all()
    assert [plan_id for _action_id, plan_id in entries] == [plans.get(action_id) for action_id, _plan_id in entries]
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)"))


def test_editing_an_action_changes_what_finds_it(signed_in, admin, make_action):
    action = make_action(text="Pilot the cultural ambassador scheme")
    data = ActionData(ref=action.ref, text="Extend the freedom to speak up network", theme=action.theme,
                      by_when=action.by_when, outcome="Fewer grievances")
    update_action(action, data, admin, action.version)
    db.session.commit()
    assert _found(signed_in, "ambassador") == []
    assert _found(signed_in, "speak up") == [f"Action {action.ref}: Extend the freedom to speak up network"]
    assert len(_found(signed_in, "grievances")) == 1
    _index_matches_the_tables()


def test_owners_renamed_added_and_removed_change_what_finds_the_action(signed_in, admin, make_user, make_action):
    owner = make_user("owner", name="Kerry Smith")
    action = make_action(text="Refresh the staff networks", owners=[owner])
    assert len(_found(signed_in, "Kerry")) == 1
    owner.name = "Kerry Jones"
    db.session.commit()
    assert _found(signed_in, "Smith") == [] and len(_found(signed_in, "Jones")) == 1
    action.owners = []
    action.supporting_leads = [make_user("owner", name="Amir Khan")]
    db.session.commit()
    assert _found(signed_in, "Jones") == [] and len(_found(signed_in, "Amir")) == 1
    _index_matches_the_tables()


def test_forums_and_meetings_renamed_and_noted_change_what_finds_them(signed_in, admin):
    forum = create_forum("Inclusion Council", None)
    meeting = add_meeting(forum, date(2025, 3, 12), None)
    db.session.commit()
    update_forum(forum, admin, name="Belonging Council", description="Meets monthly")
    meeting.notes = "Agreed the apprenticeship pathway."
    db.session.commit()
    assert _found(signed_in, "Inclusion") == []
    assert _found(signed_in, "belonging") == ["Forum: Belonging Council"]
    assert _found(signed_in, "apprenticeship") == ["Belonging Council meeting, 12 March 2025"]
    _index_matches_the_tables()


def test_actions_and_updates_created_in_bulk_by_create_actions_are_found(signed_in, make_plan):
    plan = make_plan()
    items = [(ActionData(ref=f"4.{n}", text=f"Bulk imported action about telehealth {n}", theme=None, by_when="Ongoing"),
              [UpdateData(status="PROGRESS MADE", rag="green", narrative=f"Quarterly stocktake number {n}",
                          as_at=date(2024, 6, n))])
             for n in range(1, 4)]
    create_actions(plan, items, None)
    db.session.commit()
    assert len(_found(signed_in, "telehealth")) == 3
    assert _found(signed_in, "stocktake 2") == ["Progress update on action 4.2: Bulk imported action about telehealth 2"]
    _index_matches_the_tables()


def test_actions_inserted_with_insert_rows_are_found(signed_in, make_plan, admin):
    plan = make_plan()
    insert_rows(Action.__table__, [{"plan_id": plan.id, "ref": "9.1", "ref_order": "0000000009.0000000001",
                                    "position": 0, "text": "Rows written with Core about phlebotomy", "outcome": "",
                                    "lead_text": "", "by_when": "", "by_when_kind": "empty",
                                    "equality_objectives": "", "edi_goals": "", "cancelled_reason": "",
                                    "created_at": date(2024, 5, 1), "version": 1}])
    action_id = db.session.scalar(select(Action.id).where(Action.ref == "9.1"))
    insert_rows(action_owners, [{"action_id": action_id, "user_id": admin.id}])
    db.session.commit()
    assert _found(signed_in, "phlebotomy") == ["Action 9.1: Rows written with Core about phlebotomy"]
    assert _found(signed_in, "Edi Lead") == ["Action 9.1: Rows written with Core about phlebotomy"]
    _index_matches_the_tables()


def test_everything_flask_demo_scale_writes_is_indexed(signed_in, runner, app):
    result = runner.invoke(args=["demo", "scale", "--plans", "2", "--actions", "30", "--updates", "90",
                                 "--users", "12", "--password", "correct-horse-battery"])
    assert result.exit_code == 0, result.output
    _index_matches_the_tables()
    action = db.session.scalar(select(Action).order_by(Action.id).limit(1))
    word = max(re.findall(r"[A-Za-z]{6,}", action.text), key=len)
    assert any(heading.startswith("Action ") for heading in _found(signed_in, word))
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == 90


def test_rollover_copies_are_found_in_the_new_plan(signed_in, admin, make_plan, make_action, fixed_today):
    from tracker.plans import rollover

    fixed_today(date(2025, 3, 20))
    plan = make_plan(year="2024-25", status="approved")
    action = make_action(plan, "1.1", text="Embed the anti-racism charter", by_when="Ongoing")
    rollover.roll_over(plan, [rollover.suggested_row(action)], admin)
    db.session.commit()
    found = signed_in.get("/search?q=charter")
    assert "2025-26 plan</a>" in found.text and "2024-25 plan</a>" in found.text
    assert len(_found(signed_in, "charter")) == 2
    assert "Progress update on action 1.1" in _found(signed_in, "carried forward from 2024-25")[0]
    _index_matches_the_tables()


def test_an_action_or_update_moved_keeps_its_entries_plan(signed_in, admin, make_plan, make_action, post_update):
    """No page moves an action to another plan or an update to another action, but a direct write may:
    each entry's plan follows, and the search's plan groups with it."""
    from tracker.plans.service import archive_plan

    first, second = make_plan(year="2024-25", status="approved"), make_plan(year="2025-26", status="approved")
    moved = make_action(first, "1.1", text="Lantern scheme for night shifts", by_when="Ongoing")
    other = make_action(second, "2.1", text="Staff networks", by_when="Ongoing")
    update = post_update(moved, "Lantern walk held", admin)
    _index_matches_the_tables()
    db.session.execute(text("UPDATE actions SET plan_id = :plan WHERE id = :id"), {"plan": second.id, "id": moved.id})
    db.session.execute(text("UPDATE progress_updates SET action_id = :other WHERE id = :id"),
                       {"other": other.id, "id": update.id})
    db.session.commit()
    _index_matches_the_tables()
    assert db.session.scalar(select(SearchEntry.plan_id).where(SearchEntry.kind == "action",
                                                               SearchEntry.source_id == moved.id)) == second.id
    archive_plan(first, admin)
    db.session.commit()
    assert len(_found(signed_in, "lantern")) == 2


def test_archiving_hides_a_plans_results_and_restoring_shows_them(signed_in, admin, make_plan, make_action):
    from tracker.plans.service import archive_plan, restore_plan

    plan = make_plan()
    make_action(plan, text="Coaching for ward managers")
    archive_plan(plan, admin)
    db.session.commit()
    assert _found(signed_in, "coaching") == []
    assert len(_found(signed_in, "coaching", archived=True)) == 1
    restore_plan(plan, admin)
    db.session.commit()
    assert len(_found(signed_in, "coaching")) == 1


def test_deleting_a_plan_removes_its_actions_and_updates_from_the_index(signed_in, admin, make_plan, make_action):
    from tracker.plans.service import delete_plan

    plan = make_plan()
    make_action(plan, text="Draft action about rostering")
    delete_plan(plan, admin)
    db.session.commit()
    assert _found(signed_in, "rostering") == []
    _index_matches_the_tables()


def test_a_write_rolled_back_leaves_the_index_as_it_was(signed_in, make_action):
    action = make_action(text="Reciprocal mentoring")
    action.text = "Something about apprenticeships"
    db.session.flush()
    db.session.rollback()
    assert len(_found(signed_in, "mentoring")) == 1 and _found(signed_in, "apprenticeships") == []


def test_the_migration_indexes_rows_already_stored(signed_in, make_action, app):
    make_action(text="Stored before search existed")
    db.session.execute(text("DELETE FROM search_entries"))
    db.session.commit()
    assert _found(signed_in, "existed") == []
    migration = _migration()
    aggregate = "string_agg(u.name, ' ')" if db.engine.dialect.name == "postgresql" else "group_concat(u.name, ' ')"
    for statement in migration._BACKFILL:
        db.session.execute(text(statement.format(agg=aggregate)))
    db.session.execute(text(_migration(PLANS_MIGRATION)._BACKFILL))
    db.session.commit()
    assert len(_found(signed_in, "existed")) == 1
    _index_matches_the_tables()


def _migration(path: Path = MIGRATION):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_trigger_that_keeps_the_index_in_step_exists(app):
    """A later migration that rebuilds one of these tables (SQLite's batch mode copies a table to
    change it, dropping its triggers) must create the triggers again; this names any it lost."""
    wanted = {name for name, _event, _table, _body in _migration()._TRIGGERS}
    wanted |= {name for name, *_rest in _migration(PLANS_MIGRATION)._TRIGGERS}
    if db.engine.dialect.name == "sqlite":
        wanted |= {"search_index_insert", "search_index_delete", "search_index_update"}
        have = set(db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    else:
        have = set(db.session.scalars(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")))
    assert wanted - have == set()
