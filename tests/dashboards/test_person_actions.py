"""person_actions, what My actions counts and picks from, is kept by triggers: after every kind of write to
the links, the actions or the plans it equals working it out afresh, and My actions shows what working
it out afresh gives."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text, union

from tracker.actions import service as actions
from tracker.actions.models import Action, action_owners, action_supporting_leads
from tracker.actions.service import ActionData, UpdateData
from tracker.dashboards.models import PersonAction
from tracker.dashboards.queries import GROUP_KEYS, my_actions, my_actions_page, my_group_page
from tracker.database import insert_rows
from tracker.extensions import db
from tracker.plans import rollover
from tracker.plans.models import Plan
from tracker.plans.service import archive_plan, delete_plan, restore_plan
from tracker.rag import is_closed

TODAY = date(2024, 11, 1)
COLUMNS = ("plan_id", "plan_year", "listed", "closed", "due_on", "undated", "ref_order", "last_update_at")


def fresh() -> dict[tuple[int, int], tuple]:
    """Each (person, action) linked as owner or supporting lead, with the columns worked out afresh."""
    links = union(select(action_owners.c.user_id, action_owners.c.action_id),
                  select(action_supporting_leads.c.user_id, action_supporting_leads.c.action_id)).subquery()
    copies = select(Action.carried_from_id).where(Action.carried_from_id.is_not(None))
    carried = set(db.session.scalars(copies))
    rows = db.session.execute(
        select(links.c.user_id, Action, Plan).join(Action, Action.id == links.c.action_id)
        .join(Plan, Plan.id == Action.plan_id)).all()
    return {(user_id, action.id): (plan.id, plan.year, plan.is_live and action.id not in carried,
                                   is_closed(action.status, action.rag), action.due_on, action.due_on is None,
                                   action.ref_order, action.last_update_at)
            for user_id, action, plan in rows}


def stored() -> dict[tuple[int, int], tuple]:
    rows = db.session.execute(select(PersonAction.user_id, PersonAction.action_id,
                                     *(getattr(PersonAction, column) for column in COLUMNS)))
    return {(row[0], row[1]): tuple(bool(value) if column in ("listed", "closed", "undated") else value
                                    for column, value in zip(COLUMNS, row[2:], strict=True)) for row in rows}


def assert_in_step() -> None:
    db.session.expire_all()
    assert stored() == fresh()


@pytest.fixture
def people(make_user, fixed_today):
    fixed_today(TODAY)
    return [make_user("owner", name=name) for name in ("Dawn Ainsworth", "Kofi Mensah", "Ola Nowak")]


@pytest.fixture
def admin(make_user):
    return make_user("admin")


@pytest.fixture
def plan(make_plan, make_action, people):
    plan = make_plan(themes=("Inclusive recruitment", "Speaking up"))
    dawn, kofi, ola = people
    make_action(plan, "1.1", owners=[dawn], by_when="Oct 2024", text="Overdue toolkit")
    make_action(plan, "1.2", owners=[dawn, kofi], supporting_leads=[ola], by_when="20/11/2024", text="Panels")
    make_action(plan, "2.1", owners=[kofi], supporting_leads=[dawn], by_when="Mar 2025", text="Analysis")
    make_action(plan, "2.2", owners=[ola], by_when="Ongoing", status="ACHIEVED", rag="blue", text="Done")
    return plan


def _action(plan: Plan, ref: str) -> Action:
    return db.session.scalar(select(Action).where(Action.plan_id == plan.id, Action.ref == ref))


def _data(action: Action, **changes) -> ActionData:
    data = ActionData(ref=action.ref, text=action.text, theme=action.theme, by_when=action.by_when,
                      status=action.status, rag=action.rag, owners=list(action.owners),
                      supporting_leads=list(action.supporting_leads))
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def _groups(person) -> dict[str, int]:
    return {group.group.key: group.total for group in my_actions_page(person, TODAY).groups}


def _groups_afresh(person) -> dict[str, int]:
    """The counts from the export's query, which reads the actions and links themselves."""
    every = my_actions(person, TODAY)
    return {key: len(getattr(every, key)) for key in GROUP_KEYS}


def test_actions_added_through_the_service_have_a_row_for_each_person_once(plan, people):
    assert_in_step()
    dawn, kofi, ola = people
    assert len(stored()) == 7
    assert _groups(dawn) == _groups_afresh(dawn) == {"overdue": 1, "due_soon": 1, "stale": 1, "other_open": 0,
                                                     "closed": 0}
    assert _groups(ola) == _groups_afresh(ola) == {"overdue": 0, "due_soon": 1, "stale": 0, "other_open": 0,
                                                   "closed": 1}


def test_a_person_who_is_both_owner_and_supporting_lead_keeps_the_row_until_both_links_go(plan, people, admin):
    dawn, kofi, _ola = people
    action = _action(plan, "2.1")
    actions.update_action(action, _data(action, owners=[kofi, dawn]), admin, action.version)
    db.session.commit()
    assert_in_step()
    action = _action(plan, "2.1")
    actions.update_action(action, _data(action, supporting_leads=[]), admin, action.version)
    db.session.commit()
    assert_in_step()
    assert (dawn.id, action.id) in stored()
    action = _action(plan, "2.1")
    actions.update_action(action, _data(action, owners=[kofi]), admin, action.version)
    db.session.commit()
    assert_in_step()
    assert (dawn.id, action.id) not in stored()
    assert _groups(dawn) == _groups_afresh(dawn)


def test_posting_an_update_and_editing_the_date_move_the_action_between_groups(plan, people, admin):
    dawn = people[0]
    actions.post_update(_action(plan, "1.1"), UpdateData(status="ACHIEVED", rag="blue", narrative="Done",
                                                         rag_reason="Finished"), dawn)
    db.session.commit()
    assert_in_step()
    action = _action(plan, "1.2")
    actions.update_action(action, _data(action, by_when="31/03/2024"), admin, action.version)
    db.session.commit()
    assert_in_step()
    assert _groups(dawn) == _groups_afresh(dawn) == {"overdue": 1, "due_soon": 0, "stale": 1, "other_open": 0,
                                                     "closed": 1}


def test_raw_sql_on_links_and_actions_keeps_the_rows_in_step(plan, people):
    dawn, kofi, ola = people
    db.session.execute(text("UPDATE actions SET due_on = NULL, status = 'DELAYED', rag = 'red', "
                            "last_update_at = '2024-10-30 09:00:00.000000', ref_order = 'z' WHERE ref = '1.1'"))
    db.session.execute(text("UPDATE action_owners SET user_id = :to WHERE user_id = :from"),
                       {"to": ola.id, "from": kofi.id})
    db.session.execute(text("DELETE FROM action_supporting_leads WHERE user_id = :id"), {"id": dawn.id})
    db.session.commit()
    assert_in_step()
    ids = db.session.scalars(select(Action.id)).all()
    insert_rows(action_supporting_leads, [{"action_id": id_, "user_id": kofi.id} for id_ in ids])
    db.session.execute(text("DELETE FROM actions WHERE ref = '2.2'"))
    db.session.commit()
    assert_in_step()
    assert _groups(kofi) == _groups_afresh(kofi)


def test_moving_an_action_to_another_plan_and_changing_a_plan_follow_the_plan(plan, make_plan, people, admin):
    other = make_plan(year="2025-26", title="Next year")
    _action(plan, "1.1").plan_id = other.id
    db.session.commit()
    assert_in_step()
    archive_plan(other, admin)
    db.session.commit()
    assert_in_step()
    assert _groups(people[0])["overdue"] == 0
    restore_plan(other, admin)
    plan.status = "closed"
    db.session.commit()
    assert_in_step()
    db.session.execute(text("UPDATE plans SET year = '2023-24' WHERE id = :id"), {"id": other.id})
    db.session.commit()
    assert_in_step()
    assert _groups(people[0]) == _groups_afresh(people[0]) == {"overdue": 1, "due_soon": 0, "stale": 0,
                                                               "other_open": 0, "closed": 0}


def test_a_rollover_hides_the_original_until_its_copy_goes(plan, make_plan, people, admin):
    dawn = people[0]
    plan.status = "approved"
    db.session.commit()
    target = make_plan(year="2025-26", title="Next year")
    rows = [rollover.suggested_row(_action(plan, ref)) for ref in ("1.1", "1.2")]
    rollover.roll_over(plan, rows, admin, target_id=target.id)
    db.session.commit()
    assert_in_step()
    original = _action(plan, "1.1")
    assert not stored()[(dawn.id, original.id)][COLUMNS.index("listed")]
    assert _groups(dawn) == _groups_afresh(dawn)
    copies = db.session.scalars(select(Action).where(Action.plan_id == target.id)).all()
    db.session.execute(text("UPDATE actions SET carried_from_id = NULL WHERE id = :id"), {"id": copies[0].id})
    db.session.delete(copies[1])
    db.session.commit()
    assert_in_step()
    assert all(values[COLUMNS.index("listed")] for values in stored().values())
    db.session.execute(text("DELETE FROM plans WHERE id = :id"), {"id": target.id})
    db.session.commit()
    assert_in_step()


def test_deleting_a_person_or_a_plan_removes_their_rows(plan, people, admin):
    ola_id = people[2].id
    db.session.execute(text("DELETE FROM users WHERE id = :id"), {"id": ola_id})
    db.session.commit()
    assert_in_step()
    assert ola_id not in {user_id for user_id, _action_id in stored()}
    plan.status = "draft"
    db.session.commit()
    delete_plan(plan, admin)
    db.session.commit()
    assert_in_step()
    assert db.session.scalar(select(func.count()).select_from(PersonAction)) == 0


def test_a_rolled_back_change_leaves_the_rows_as_they_were(plan, people, admin):
    before = stored()
    action = _action(plan, "1.1")
    actions.update_action(action, _data(action, owners=[people[1]], status="DELAYED"), admin, action.version)
    db.session.flush()
    assert stored() != before
    db.session.rollback()
    assert stored() == before
    assert_in_step()


def test_demo_scale_leaves_the_rows_in_step(app, runner):
    result = runner.invoke(args=["demo", "scale", "--plans", "2", "--actions", "60", "--updates", "300", "--users",
                                 "30", "--seed", "2", "--until", "2025-03-31", "--password", "scale-password-1"])
    assert result.exit_code == 0, result.output
    assert_in_step()
    assert len(stored()) >= 60


def test_core_updates_of_last_update_at_are_followed(plan, people):
    dawn = people[0]
    when = datetime(2024, 10, 31, 12)
    db.session.execute(text("UPDATE actions SET last_update_at = :when"), {"when": when})
    db.session.commit()
    assert_in_step()
    assert _groups(dawn)["stale"] == 0 == _groups_afresh(dawn)["stale"]


# --- Group boundaries: the page's index walks against the export's classification ---------------------

def _boundary_plan(make_plan, make_action, person, year, title):
    """Actions either side of every boundary of the groups (due today, on the last due-soon day and the
    day after; updated just before and exactly at the stale boundary; closed by status or by a blue RAG
    however overdue; undated)."""
    plan = make_plan(year=year, title=title)
    dates = ["31/10/2024", "01/11/2024", "01/12/2024", "02/12/2024", "Ongoing", "Ongoing", "15/12/2025",
             "01/10/2024", "01/10/2024"]
    for n, by_when in enumerate(dates):
        status, rag = {7: ("ACHIEVED", "green"), 8: ("DELAYED", "blue")}.get(n, ("PROGRESS MADE", "amber"))
        make_action(plan, f"1.{n + 1}", owners=[person], by_when=by_when, status=status, rag=rag,
                    text=f"Boundary action {n + 1} of {title}")
    stale_before = datetime(2024, 9, 3)  # midnight of the day STALE_DAYS - 1 days before TODAY
    updated = [stale_before, stale_before.replace(microsecond=1), None, stale_before - timedelta(microseconds=1)]
    for n, action in enumerate(db.session.scalars(select(Action).where(Action.plan_id == plan.id)
                                                  .order_by(Action.id))):
        action.last_update_at = updated[n % len(updated)]
    db.session.commit()
    return plan


@pytest.mark.parametrize("limit", [1, 2, 10])
def test_each_group_shows_what_the_export_puts_in_it_in_the_same_order(make_plan, make_action, people, limit):
    dawn = people[0]
    _boundary_plan(make_plan, make_action, dawn, "2024-25", "This year")
    _boundary_plan(make_plan, make_action, dawn, "2023-24", "Last year")
    assert_in_step()
    every = my_actions(dawn, TODAY)
    page = my_actions_page(dawn, TODAY, limit)
    for group in page.groups:
        expected = [action.id for action in getattr(every, group.group.key)]
        assert group.total == len(expected), group.group.key
        shown = [action.id for part in group.parts for action in part.actions]
        assert shown == expected[:limit], group.group.key
    assert sum(group.total for group in page.groups) == 18
    assert {key: len(getattr(every, key)) for key in GROUP_KEYS} == {
        "overdue": 2, "due_soon": 4, "stale": 4, "other_open": 4, "closed": 4}


@pytest.mark.parametrize("key", GROUP_KEYS)
def test_every_page_of_a_group_is_the_export_in_pieces(make_plan, make_action, people, key):
    dawn = people[0]
    _boundary_plan(make_plan, make_action, dawn, "2024-25", "This year")
    _boundary_plan(make_plan, make_action, dawn, "2023-24", "Last year")
    expected = [action.id for action in getattr(my_actions(dawn, TODAY), key)]
    for number in range(1, 6):
        page = my_group_page(dawn, TODAY, key, number, size=3)
        last = max(1, -(-len(expected) // 3))
        assert page.page.number == min(number, last)
        start = (page.page.number - 1) * 3
        assert [action.id for action in page.page.actions] == expected[start:start + 3]
        assert page.page.total == len(expected)


def test_the_migration_copies_existing_links_and_downgrade_removes_them(app, plan, people):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    from tracker import create_app

    expected = fresh()
    assert len(expected) == 7 and stored() == expected
    dawn_id, kofi_id, overdue_id = people[0].id, people[1].id, _action(plan, "1.1").id
    db.session.remove()
    fresh_app = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    with fresh_app.app_context():
        downgrade(revision="0021_agenda_sections")
        try:
            assert "person_actions" not in inspect(db.engine).get_table_names()
            db.session.execute(text("DELETE FROM action_owners WHERE user_id = :id"), {"id": kofi_id})
            db.session.execute(text("UPDATE actions SET status = 'CANCELLED' WHERE ref = '1.1'"))
            db.session.commit()
            upgrade(revision="0022_person_actions")
            copied = stored()
            assert copied == fresh() and len(copied) == 5
            assert copied[(dawn_id, overdue_id)][COLUMNS.index("closed")] is True
            db.session.execute(text("UPDATE actions SET due_on = NULL WHERE ref = '1.2'"))
            db.session.commit()
            assert stored() == fresh()
        finally:
            db.session.rollback()
            upgrade()
            db.session.remove()
