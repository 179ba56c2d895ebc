"""The forums list's "Open actions": actions in plans neither closed nor archived, counted at a cost that
does not depend on how many actions there are."""
from datetime import date, datetime

from tests.support import counting_queries
from tracker.extensions import db
from tracker.governance.queries import list_forums
from tracker.plans.models import PlanStatus

TODAY = date(2025, 1, 10)


def _open_actions() -> dict[str, int]:
    return {row.forum.name: row.open_actions for row in list_forums(TODAY)}


def test_actions_in_closed_or_archived_plans_are_not_counted(make_forum, make_plan, make_action):
    council, board = make_forum("Inclusion Council"), make_forum("Trust Board")
    live = make_plan(year="2024-25", status=PlanStatus.APPROVED.value)
    draft = make_plan(year="2025-26")
    closed = make_plan(year="2023-24", status=PlanStatus.CLOSED.value)
    archived = make_plan(year="2022-23", status=PlanStatus.APPROVED.value)
    archived.archived_at = datetime(2024, 5, 1)
    make_action(live, "1.1", forums=[council, board])
    make_action(live, "1.2", forums=[council])
    make_action(draft, "1.1", forums=[board])
    for plan in (closed, archived):
        make_action(plan, "1.1", forums=[council, board])
        make_action(plan, "1.2", forums=[council])
    db.session.commit()

    assert _open_actions() == {"Inclusion Council": 2, "Trust Board": 2}


def test_a_forum_whose_every_action_is_in_a_closed_plan_shows_none(make_forum, make_plan, make_action):
    panel = make_forum("Recruitment Panel")
    make_forum("Unused Group")
    closed = make_plan(year="2023-24", status=PlanStatus.CLOSED.value)
    make_action(closed, "1.1", forums=[panel])
    db.session.commit()

    assert _open_actions() == {"Recruitment Panel": 0, "Unused Group": 0}


def _list_queries(client) -> tuple[int, str]:
    db.session.expire_all()
    with counting_queries() as count:
        response = client.get("/forums/")
    assert response.status_code == 200
    return count[0], response.get_data(as_text=True)


def test_the_list_sends_the_same_queries_for_3_and_40_actions(
        client, sign_in, make_user, make_forum, make_plan, make_action, fixed_today):
    fixed_today(TODAY)
    council = make_forum("Inclusion Council")
    plan = make_plan(status=PlanStatus.APPROVED.value)
    closed = make_plan(year="2023-24", status=PlanStatus.CLOSED.value)
    make_action(closed, "9.1", forums=[council])
    for n in range(3):
        make_action(plan, f"1.{n + 1}", forums=[council])
    db.session.commit()
    sign_in(make_user("viewer"))
    client.get("/forums/")

    few, page = _list_queries(client)
    assert ">3<" in page
    for n in range(3, 40):
        make_action(plan, f"1.{n + 1}", forums=[council])
    db.session.commit()
    many, page = _list_queries(client)

    assert ">40<" in page
    assert many == few
