"""My actions, the plan page's filters and sorting, and the plan overview."""
from datetime import date, datetime

import pytest
from sqlalchemy import event

from tracker.actions.models import Action
from tracker.extensions import db
from tracker.governance.service import create_forum

TODAY = date(2024, 11, 1)


def _set(action, **values):
    stored = db.session.get(Action, action.id)
    for name, value in values.items():
        setattr(stored, name, value)
    db.session.commit()


@pytest.fixture
def owner_with_actions(make_user, make_plan, make_action, fixed_today):
    fixed_today(TODAY)
    owner = make_user("owner", name="Dawn Ainsworth")
    plan = make_plan()
    actions = {
        "overdue": make_action(plan, "1.1", owners=[owner], by_when="Oct 2024", text="Overdue toolkit"),
        "due_soon": make_action(plan, "1.2", owners=[owner], by_when="20/11/2024", text="Due soon panels"),
        "stale": make_action(plan, "1.3", owners=[owner], by_when="Mar 2025", text="Stale analysis"),
        "fresh": make_action(plan, "1.4", owners=[owner], by_when="Mar 2025", text="Fresh coaching offer"),
        "done": make_action(plan, "1.5", owners=[owner], by_when="Sep 2024", text="Done pay gap report",
                            status="ACHIEVED", rag="blue"),
        "someone_else": make_action(plan, "1.6", owners=[make_user("owner")], by_when="Oct 2024", text="Not mine"),
    }
    _set(actions["fresh"], last_update_at=datetime(2024, 10, 20, 10))
    _set(actions["due_soon"], last_update_at=datetime(2024, 10, 25, 10))
    return owner, plan, actions


def test_my_actions_groups_overdue_due_soon_and_stale(client, sign_in, owner_with_actions):
    owner, _plan, _actions = owner_with_actions
    sign_in(owner)
    page = client.get("/my-actions").get_data(as_text=True)
    sections = ["<h2>Overdue (1)</h2>", "<h2>Due in the next 30 days (1)</h2>", "<h2>No update for 60 days (1)</h2>",
                "<h2>Other open actions (1)</h2>", "<h2>Complete or closed (1)</h2>"]
    positions = [page.index(heading) for heading in sections]
    assert positions == sorted(positions)
    texts = ["Overdue toolkit", "Due soon panels", "Stale analysis", "Fresh coaching offer", "Done pay gap report"]
    assert [page.index(text) for text in texts] == sorted(page.index(text) for text in texts)
    assert all(positions[i] < page.index(texts[i]) < positions[i + 1] for i in range(4))
    assert "Not mine" not in page
    assert "<strong>1</strong> overdue" in page


def test_plan_page_filters_by_owner_rag_status_and_overdue(client, make_user, sign_in, owner_with_actions):
    owner, plan, actions = owner_with_actions
    sign_in(make_user("viewer"))
    by_owner = client.get(f"/plans/{plan.id}", query_string={"owner": owner.id}).get_data(as_text=True)
    assert "5 actions shown" in by_owner and "Not mine" not in by_owner
    overdue = client.get(f"/plans/{plan.id}", query_string={"overdue": "y"}).get_data(as_text=True)
    assert "2 actions shown" in overdue and "Overdue toolkit" in overdue and "Not mine" in overdue
    blue = client.get(f"/plans/{plan.id}", query_string={"rag": "blue"}).get_data(as_text=True)
    assert "1 action shown" in blue and "Done pay gap report" in blue
    achieved = client.get(f"/plans/{plan.id}", query_string={"status": "ACHIEVED"}).get_data(as_text=True)
    assert "1 action shown" in achieved


def test_plan_page_filters_by_indicator_and_forum(client, make_user, make_plan, make_action, sign_in):
    plan = make_plan()
    council = create_forum("Inclusion Council", None)
    db.session.commit()
    make_action(plan, "1.1", text="Recruitment audit", indicators=[2], forums=[council])
    make_action(plan, "1.2", text="Training take-up review", indicators=[4])
    sign_in(make_user("viewer"))
    page = client.get(f"/plans/{plan.id}", query_string={"indicator": 2}).get_data(as_text=True)
    assert "Recruitment audit" in page and "Training take-up review" not in page
    page = client.get(f"/plans/{plan.id}", query_string={"forum": council.id}).get_data(as_text=True)
    assert "Recruitment audit" in page and "Training take-up review" not in page


def test_plan_page_sorts_by_due_date(client, make_user, make_plan, make_action, sign_in):
    plan = make_plan()
    make_action(plan, "1.1", by_when="Mar 2025", text="Latest")
    make_action(plan, "1.2", by_when="Oct 2024", text="Earliest")
    make_action(plan, "1.3", by_when="Ongoing", text="No date")
    sign_in(make_user("viewer"))
    page = client.get(f"/plans/{plan.id}", query_string={"sort": "due"}).get_data(as_text=True)
    assert page.index("Earliest") < page.index("Latest") < page.index("No date")


def test_bad_filter_values_are_ignored_not_errors(client, make_user, make_action, sign_in):
    action = make_action()
    sign_in(make_user("viewer"))
    response = client.get(f"/plans/{action.plan_id}", query_string={"owner": "abc", "rag": "purple", "sort": "x"})
    assert response.status_code == 200


def test_overview_counts_by_rag_and_lists_overdue_and_stale(client, make_user, sign_in, owner_with_actions):
    _owner, plan, _actions = owner_with_actions
    sign_in(make_user("reviewer"))
    page = client.get(f"/plans/{plan.id}/overview").get_data(as_text=True)
    assert "<strong>6</strong> actions" in page
    assert f'<strong>2</strong> <a href="/plans/{plan.id}?overdue=y">overdue</a>' in page
    assert "<strong>3</strong> no update for 60 days" in page
    overdue_section = page[page.index("<h2>Overdue (2)</h2>"):page.index("<h2>No update for 60 days")]
    assert "Overdue toolkit" in overdue_section and "Not mine" in overdue_section
    assert "Stale analysis" not in overdue_section


def test_only_a_plan_the_demo_loaded_says_on_its_overview_that_it_is_demo_data(client, make_user, make_plan, sign_in):
    from tracker.plans.service import note_demo_data

    real, demo = make_plan(year="2026-27", title="Real plan"), make_plan(year="2025-26", title="Demo plan")
    note_demo_data(demo, "Demo data: the trust's published 2024-25 plan, with its dates moved 1 year later.")
    db.session.commit()
    sign_in(make_user("viewer"))
    assert "Demo data" not in client.get(f"/plans/{real.id}/overview").get_data(as_text=True)
    page = client.get(f"/plans/{demo.id}/overview").get_data(as_text=True)
    assert "Demo data: the trust&#39;s published 2024-25 plan, with its dates moved 1 year later." in page


def _count_queries(callable_):
    statements = []

    def listen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        callable_()
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    return len(statements)


def test_list_pages_do_not_run_more_queries_for_more_actions(client, make_user, make_plan, make_action, sign_in):
    from tracker.actions.service import ActionData, create_action
    owner = make_user("owner")
    council = create_forum("Inclusion Council", None)
    db.session.commit()
    small, large = make_plan("2024-25"), make_plan("2025-26")
    for plan, count in ((small, 10), (large, 300)):
        for n in range(count):
            create_action(plan, ActionData(ref=f"1.{n + 1}", text=f"Action {n}", theme=plan.themes[0],
                                           by_when="Dec 2024", owners=[owner], forums=[council],
                                           indicators=[1, 2]), actor=None)
    db.session.commit()
    sign_in(owner)
    for page in ("/plans/{}", "/plans/{}/overview"):
        # The first read of an overview computes and stores the plan's summary; later reads use it.
        first = [_count_queries(lambda: client.get(page.format(plan.id))) for plan in (small, large)]
        again = [_count_queries(lambda: client.get(page.format(plan.id))) for plan in (small, large)]
        assert first[0] == first[1] and again[0] == again[1], (page, first, again)
    assert _count_queries(lambda: client.get("/my-actions")) < 20


def test_health_check_answers_without_sign_in(client):
    response = client.get("/healthz")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok")


def _marked_overdue(page: str, text: str) -> bool:
    """Whether the table row (or summary) that holds `text` carries the "Overdue" marker."""
    row = page[page.rindex("<tr", 0, page.index(text)):page.index("</tr>", page.index(text))]
    return '<span class="app-overdue">Overdue</span>' in row


@pytest.mark.parametrize("status, rag, marked", [
    (None, None, True), ("DELAYED", "red", True), ("ACHIEVED", None, False), ("ACHIEVED AND ONGOING", "green", False),
    ("CANCELLED", "amber", False), ("CARRIED FORWARD", None, False), ("PROGRESS MADE", "blue", False),
])
def test_lists_and_the_action_page_mark_overdue_by_the_same_rule(client, sign_in, owner_with_actions,
                                                                   status, rag, marked):
    owner, plan, actions = owner_with_actions
    _set(actions["overdue"], status=status, rag=rag)
    sign_in(owner)
    assert _marked_overdue(client.get(f"/plans/{plan.id}").get_data(as_text=True), "Overdue toolkit") is marked
    assert _marked_overdue(client.get(f"/plans/{plan.id}?page=all").get_data(as_text=True), "Overdue toolkit") is marked
    action_page = client.get(f"/actions/{actions['overdue'].id}").get_data(as_text=True)
    assert ('<span class="app-overdue">Overdue</span>' in action_page) is marked


def test_at_half_past_eleven_utc_in_summer_an_action_due_that_day_is_already_overdue(
        client, sign_in, make_user, make_plan, make_action, monkeypatch):
    import tracker.clock as clock

    owner = make_user("owner", name="Dawn Ainsworth")
    make_action(make_plan(), "1.1", owners=[owner], by_when="30/06/2025", text="Midsummer survey")
    sign_in(owner)
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2025, 6, 30, 22, 30))  # 23:30 in London
    assert not _marked_overdue(client.get("/my-actions").get_data(as_text=True), "Midsummer survey")
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2025, 6, 30, 23, 30))  # 00:30 on 1 July in London
    assert _marked_overdue(client.get("/my-actions").get_data(as_text=True), "Midsummer survey")
