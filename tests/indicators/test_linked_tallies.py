"""The linked actions of an indicator or metric page are read from measure_links and measure_tallies, which
triggers keep in step with the actions: the counts by RAG, the overdue count and the ten shown equal what
a plain reading of every linked action gives, whatever was changed (RAG, status, due date, reference,
links, deletions) and on either side of ten."""
from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from tracker.actions.models import Action, ActionMeasure
from tracker.extensions import db
from tracker.indicators.models import MeasureLink, MeasureTally
from tracker.indicators.queries import LINKED_SHOWN, linked_actions
from tracker.plans.models import PlanStatus
from tracker.rag import is_closed

TODAY = date(2025, 3, 15)
#: Due dates around today: earlier this month (overdue), today and tomorrow (not yet), last month, none.
DUE = [None, date(2025, 3, 1), date(2025, 3, 14), TODAY, date(2025, 3, 16), date(2025, 2, 28),
       date(2024, 12, 31), date(2025, 6, 30)]
RAGS = ["red", "amber", "green", "blue", None]
STATUSES = [None, "ON TRACK", "DELAYED", "ACHIEVED", "CANCELLED", "CARRIED FORWARD"]


def _attention(action: Action) -> int:
    if action.rag == "red":
        return 0
    if action.rag == "amber":
        return 1
    return 3 if is_closed(action.status, action.rag) else 2


def _expected(standard: str, measure: str) -> list[tuple]:
    """Per live plan, newest first: (plan id, total, counts by RAG, overdue, ids of the first ten), read plainly
    from every linked action."""
    linked = db.session.scalars(select(Action).join(ActionMeasure, ActionMeasure.action_id == Action.id)
                                .where(ActionMeasure.standard == standard, ActionMeasure.measure == measure)).all()
    plans = sorted({action.plan for action in linked if action.plan.is_live}, key=lambda plan: (plan.year, -plan.id),
                   reverse=True)
    result = []
    for plan in plans:
        mine = [action for action in linked if action.plan_id == plan.id]
        ranked = sorted(mine, key=lambda action: (_attention(action), action.due_on is None,
                                                  action.due_on or date.max, action.ref_order, action.id))
        overdue = sum(1 for action in mine if not is_closed(action.status, action.rag)
                      and action.due_on is not None and action.due_on < TODAY)
        result.append((plan.id, len(mine), dict(Counter(action.rag for action in mine)), overdue,
                       [action.id for action in ranked[:LINKED_SHOWN]]))
    return result


def _shown(standard: str, measure: str) -> list[tuple]:
    return [(group.plan.id, group.total, group.by_rag, group.overdue, [item.action.id for item in group.shown])
            for group in linked_actions(measure, standard=standard)]


def _assert_tables_in_step() -> None:
    """measure_links and measure_tallies hold exactly what action_measures and the actions say."""
    links = {(row.action_id, row.standard, row.measure): (row.plan_id, row.attention, row.open, row.rag,
                                                          row.due_order, row.ref_order)
             for row in db.session.scalars(select(MeasureLink))}
    wanted = {}
    for link in db.session.scalars(select(ActionMeasure)):
        action = db.session.get(Action, link.action_id)
        wanted[(link.action_id, link.standard, link.measure)] = (
            action.plan_id, _attention(action), 0 if is_closed(action.status, action.rag) else 1, action.rag,
            action.due_on or date(9999, 12, 31), action.ref_order)
    assert links == wanted
    tallies = {(row.standard, row.measure, row.plan_id, row.rag, row.open, row.due_month): row.actions
               for row in db.session.scalars(select(MeasureTally))}
    counted: Counter = Counter()
    for (_action_id, standard, measure), (plan_id, _attention_, is_open, rag, due, _ref) in wanted.items():
        counted[(standard, measure, plan_id, rag or "", is_open, f"{due:%Y-%m}" if is_open else "")] += 1
    assert tallies == dict(counted)


@pytest.fixture
def mix(app, make_plan, make_action, fixed_today):
    """Five plans (three live, one archived, one closed) with 11, 10, 9, 5 and 4 actions linked to WRES 4, a
    random mix of RAG, status and due date; some actions linked to WRES 5 or nothing."""
    fixed_today(TODAY)
    chance = random.Random(19)
    plans = [make_plan("2024-25", title="Eleven"), make_plan("2024-25", title="Ten"),
             make_plan("2023-24", title="Nine"), make_plan("2022-23", title="Archived"),
             make_plan("2021-22", title="Closed", status=PlanStatus.CLOSED.value)]
    made = []
    for plan, linked in zip(plans, (11, 10, 9, 5, 4), strict=True):
        for number in range(linked + 3):
            action = make_action(plan, f"{number % 4 + 1}.{number + 1}", indicators=[])
            action.measures = ["wres:4"] if number < linked else (["wres:5"] if number % 2 else [])
            action.rag, action.status, action.due_on = (chance.choice(RAGS), chance.choice(STATUSES),
                                                        chance.choice(DUE))
            made.append(action)
    plans[3].archived_at = datetime(2025, 1, 1)
    db.session.commit()
    return plans, made


def test_counts_overdue_and_first_ten_equal_a_plain_reading_of_every_linked_action(mix):
    shown = _shown("wres", "4")
    assert shown == _expected("wres", "4")
    assert [plan_id for plan_id, *_ in shown] == [plan.id for plan in mix[0][:3]]
    assert [len(first) for *_, first in shown] == [10, 10, 9]
    assert [total for _plan, total, *_ in shown] == [11, 10, 9]
    assert _shown("wres", "5") == _expected("wres", "5")
    _assert_tables_in_step()


def test_changes_to_rag_status_due_date_reference_and_links_keep_the_counts_in_step(mix):
    plans, made = mix
    chance = random.Random(20)
    for action in chance.sample(made, 25):
        action.rag, action.status, action.due_on = chance.choice(RAGS), chance.choice(STATUSES), chance.choice(DUE)
    made[0].ref = "9.9"  # reference order changes with the reference
    made[1].measures = []  # unlinked
    made[20].measures = ["wres:4", "wres:5"]  # linked to one more
    db.session.commit()
    assert _shown("wres", "4") == _expected("wres", "4")
    assert _shown("wres", "5") == _expected("wres", "5")
    _assert_tables_in_step()

    db.session.delete(made[2])
    db.session.delete(made[15])
    db.session.commit()
    assert _shown("wres", "4") == _expected("wres", "4")
    _assert_tables_in_step()


def test_an_action_moved_to_another_plan_and_a_deleted_plan_leave_nothing_behind(mix):
    plans, made = mix
    moved = next(action for action in made if action.plan_id == plans[0].id and action.measures == ["wres:4"])
    moved.ref, moved.plan_id = "8.1", plans[2].id
    db.session.commit()
    assert _shown("wres", "4") == _expected("wres", "4")
    _assert_tables_in_step()
    db.session.delete(plans[1])
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(MeasureLink).where(
        MeasureLink.plan_id == plans[1].id)) == 0
    assert db.session.scalar(select(func.count()).select_from(MeasureTally).where(
        MeasureTally.plan_id == plans[1].id)) == 0
    assert _shown("wres", "4") == _expected("wres", "4")
    _assert_tables_in_step()


def test_overdue_counts_open_actions_due_before_today_this_month_and_earlier_months_not_today_or_closed(
        app, make_plan, make_action, fixed_today):
    fixed_today(TODAY)
    plan = make_plan("2024-25")
    due = {"3.1": (date(2025, 3, 1), "green", None), "3.2": (date(2025, 3, 14), None, "NOT STARTED"),
           "3.3": (TODAY, "red", None), "3.4": (date(2025, 2, 28), "amber", None),
           "3.5": (date(2024, 1, 31), "blue", "ACHIEVED"), "3.6": (date(2025, 3, 2), "green", "CANCELLED"),
           "3.7": (None, None, None), "3.8": (date(2025, 4, 1), "green", None)}
    for ref, (due_on, rag, status) in due.items():
        action = make_action(plan, ref, indicators=[6])
        action.due_on, action.rag, action.status = due_on, rag, status
    db.session.commit()
    [group] = linked_actions(6)
    # 3.1, 3.2 (earlier this month) and 3.4 (last month); not 3.3 (due today), 3.5 and 3.6 (closed), 3.7, 3.8.
    assert (group.total, group.overdue) == (8, 3)
    assert group.by_rag == {"green": 3, None: 2, "red": 1, "amber": 1, "blue": 1}
    assert [item.action.ref for item in group.shown] == ["3.3", "3.4", "3.1", "3.2", "3.8", "3.7", "3.5", "3.6"]
    fixed_today(date(2025, 4, 2))  # a day later in the next month: March's open actions are all overdue
    [group] = linked_actions(6)
    assert group.overdue == 5


def test_a_change_of_status_alone_or_due_date_alone_moves_the_action_and_its_counts(
        app, make_plan, make_action, fixed_today):
    fixed_today(TODAY)
    plan = make_plan("2024-25")
    early = make_action(plan, "4.1", indicators=[7], rag="green", by_when="Feb 2025")
    later = make_action(plan, "4.2", indicators=[7], rag="green", by_when="Jun 2025")
    [group] = linked_actions(7)
    assert (group.overdue, [item.action.ref for item in group.shown]) == (1, ["4.1", "4.2"])
    early.status = "ACHIEVED"  # the RAG stays green: closed by its status only
    db.session.commit()
    [group] = linked_actions(7)
    assert (group.overdue, [item.action.ref for item in group.shown]) == (0, ["4.2", "4.1"])
    later.due_on = date(2025, 3, 1)
    db.session.commit()
    [group] = linked_actions(7)
    assert group.overdue == 1 and group.by_rag == {"green": 2}
    _assert_tables_in_step()
