"""The rollover page's cost: the same queries for a small and a larger plan, the draft plans' sizes counted
per draft, and nothing of the plan's actions read when there is nowhere to carry them."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

from tracker.extensions import db
from tracker.governance.service import create_forum
from tracker.plans.models import PlanStatus

TODAY = date(2025, 3, 20)


@contextmanager
def statements():
    sent: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)


def _get(client, plan) -> tuple[list[str], str]:
    db.session.expire_all()
    with statements() as sent:
        response = client.get(f"/plans/{plan.id}/rollover")
    assert response.status_code == 200
    return sent, response.get_data(as_text=True)


def _add(make_action, plan, first: int, last: int, forums) -> None:
    for n in range(first, last + 1):
        make_action(plan, f"1.{n}", by_when="Oct 2024" if n % 2 else "Q3 2024-25", forums=forums)
    db.session.commit()


def test_the_page_sends_the_same_queries_for_3_and_30_actions_and_every_row_offers_every_forum(
        client, sign_in, make_user, make_plan, make_action, fixed_today):
    fixed_today(TODAY)
    forums = [create_forum(name, None) for name in ("Inclusion Council", "Trust Board", "People Committee")]
    plan = make_plan(year="2024-25", status=PlanStatus.APPROVED.value)
    _add(make_action, plan, 1, 3, forums[:1])
    sign_in(make_user("admin"))
    client.get(f"/plans/{plan.id}/rollover")

    few, page = _get(client, plan)
    assert "3 actions not yet carried forward" in page
    _add(make_action, plan, 4, 30, forums[1:2])
    many, page = _get(client, plan)

    assert "30 actions not yet carried forward" in page
    assert len(many) == len(few)
    assert page.count('value="Oct 2025"') == 15 and page.count('value="Q3 2025-26"') == 15
    for forum in forums:
        assert page.count(f'type="checkbox" value="{forum.id}"') == 30
    assert page.count(f'type="checkbox" value="{forums[0].id}" checked') == 3
    assert page.count(f'type="checkbox" value="{forums[1].id}" checked') == 27


def test_each_draft_plan_is_offered_with_its_own_number_of_actions(
        client, sign_in, make_user, make_plan, make_action, fixed_today):
    fixed_today(TODAY)
    plan = make_plan(year="2024-25", status=PlanStatus.APPROVED.value)
    _add(make_action, plan, 1, 4, [])
    empty = make_plan(year="2026-27", title="Later draft")
    draft = make_plan(year="2025-26", title="Next draft")
    make_action(draft, "1.1")
    make_action(draft, "1.2")
    db.session.commit()
    sign_in(make_user("admin"))

    _sent, page = _get(client, plan)

    assert "2025-26: Next draft (draft, 2 actions)" in page
    assert "2026-27: Later draft (draft, 0 actions)" in page
    assert f'value="{empty.id}"' in page


def test_with_nowhere_to_carry_them_the_page_says_why_without_reading_the_actions(
        client, sign_in, make_user, make_plan, make_action, fixed_today):
    fixed_today(TODAY)
    plan = make_plan(year="2024-25", status=PlanStatus.APPROVED.value)
    _add(make_action, plan, 1, 5, [create_forum("Inclusion Council", None)])
    make_plan(year="2025-26", title="Next year", status=PlanStatus.APPROVED.value)
    db.session.commit()
    sign_in(make_user("admin"))

    sent, page = _get(client, plan)

    assert "The 2025-26 plan is already approved: actions can only be carried into a draft plan." in page
    assert "not yet carried forward" not in page
    assert not [statement for statement in sent if "action_owners" in statement or "action_forums" in statement]
