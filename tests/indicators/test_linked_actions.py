"""The actions linked to a WRES indicator or WDES metric: per current plan, how many and by RAG, the ten
most needing attention with their owners and latest update, and a link to the plan page filtered by the
measure for the rest. The page renders the same number of rows and runs the same queries however many
actions are linked."""
from __future__ import annotations

import html
import re
from datetime import date, datetime

import pytest
from sqlalchemy import event

from tests.indicators.test_app_pages import tables
from tests.support import generic_and_custom_plans
from tracker.actions.models import ProgressUpdate
from tracker.extensions import db
from tracker.indicators.queries import LINKED_SHOWN, linked_actions
from tracker.plans.models import PlanStatus

TODAY = date(2025, 3, 1)


@pytest.fixture
def viewer(make_user, sign_in, fixed_today):
    fixed_today(TODAY)
    user = make_user("viewer")
    sign_in(user)
    return user


def _linked_table(page: str, caption: str) -> list[list[str]]:
    return next(table for table in tables(page) if table[0] == [caption])


def _update(action, narrative: str, day: date = date(2025, 1, 10)) -> None:
    db.session.add(ProgressUpdate(action_id=action.id, posted_at=datetime.combine(day, datetime.min.time()),
                                  as_at=day, rag=action.rag, narrative=narrative))


def _statements(client, url: str) -> int:
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def _plan_page_link(page: str, text: str) -> str:
    found = re.search(r'<a href="([^"]+)">' + re.escape(text) + "</a>", page)
    assert found, f"no link '{text}'"
    return html.unescape(found.group(1))


def test_three_linked_actions_all_show_with_rag_owners_and_latest_update(client, viewer, make_plan, make_action,
                                                                         make_user):
    plan = make_plan("2024-25", title="Inclusion plan")
    owner = make_user("owner")
    red = make_action(plan, "1.1", text="Shortlisting panels", indicators=[1], rag="red", owners=[owner])
    amber = make_action(plan, "1.2", text="Career conversations", indicators=[1], rag="amber", by_when="Mar 2025")
    green = make_action(plan, "1.3", text="Reverse mentoring", indicators=[1], rag="green", by_when="Jun 2025")
    _update(red, "Panels paused over winter")
    _update(amber, "Half the managers trained", date(2024, 12, 2))
    db.session.commit()
    page = client.get("/indicators/1").get_data(as_text=True)
    assert "3 actions in plans that are not closed are meant to move this indicator." in page
    assert "<h3" in page and "2024-25: Inclusion plan</h3>" in page
    assert "3 actions: Red 1, Amber 1, Green 1. 1 is overdue.</p>" in page
    assert _linked_table(page, "Actions linked to WRES 1 in Inclusion plan")[1:] == [
        ["Action", "RAG", "Latest update"],
        [f"Action 1.1 Shortlisting panels Due 31 December 2024 Owner: {owner.name}", "Red",
         "10 January 2025 Panels paused over winter"],
        ["Action 1.2 Career conversations Due 31 March 2025", "Amber", "2 December 2024 Half the managers trained"],
        ["Action 1.3 Reverse mentoring Due 30 June 2025", "Green", "No updates yet"],
    ]
    for action in (red, amber, green):
        assert f'href="/actions/{action.id}"' in page
    assert "most needing attention" not in page and "All 3 actions" not in page


def _many(plan, make_action, how_many: int, standard_code: str, start: int = 1) -> list:
    """`how_many` linked actions: every eighth red, every eighth amber, the rest green or not rated,
    due at different months; each with a progress update."""
    made = []
    for number in range(start, start + how_many):
        rag = {0: "red", 1: "amber", 2: "green", 3: "green"}.get(number % 8)
        month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun")[number % 6]
        action = make_action(plan, f"2.{number}", text=f"Linked action {number}", rag=rag,
                             by_when=f"{month} 2025", owners=[])
        action.measures = [standard_code]
        _update(action, f"Update {number}")
        made.append(action)
    db.session.commit()
    return made


def test_forty_linked_actions_show_ten_the_counts_by_rag_and_a_link_to_the_filtered_plan_page(
        client, viewer, make_plan, make_action):
    plan = make_plan("2024-25", title="WRES action plan")
    made = _many(plan, make_action, 40, "wres:1")
    page = client.get("/indicators/1").get_data(as_text=True)
    rows = _linked_table(page, "Actions linked to WRES 1 in WRES action plan")[2:]
    assert len(rows) == LINKED_SHOWN == 10
    # 40 actions: numbers 8, 16, 24, 32, 40 red; 1, 9, 17, 25, 33 amber; 2, 3, 10, 11 … green; the rest not rated.
    assert "40 actions: Red 5, Amber 5, Green 10, Not rated 20. 13 are overdue.</p>" in page
    assert "The 10 most needing attention: red first, then amber, then overdue, then the rest by due date." in page
    # Red first, then amber, each by due date (8: Mar, 16: May, 24: Jan, 32: Mar, 40: May → 24, 8, 32, 16, 40).
    shown = [row[0].split(" ")[1] for row in rows]
    assert shown == ["2.24", "2.8", "2.32", "2.16", "2.40", "2.1", "2.25", "2.9", "2.33", "2.17"]
    assert [row[1] for row in rows] == ["Red"] * 5 + ["Amber"] * 5
    assert rows[0][2] == "10 January 2025 Update 24"
    link = _plan_page_link(page, "All 40 actions linked to WRES 1 in WRES action plan")
    assert link == f"/plans/{plan.id}?measure=wres:1"
    listed = client.get(link).get_data(as_text=True)
    assert all(f'href="/actions/{action.id}"' in listed for action in made)


def test_overdue_actions_come_after_red_and_amber_and_complete_ones_last(app, make_plan, make_action,
                                                                         fixed_today):
    fixed_today(TODAY)
    plan = make_plan()
    done = make_action(plan, "3.1", rag="blue", by_when="Jun 2024", indicators=[4])
    later = make_action(plan, "3.2", rag="green", by_when="Jun 2025", indicators=[4])
    overdue = make_action(plan, "3.3", rag="green", by_when="Sep 2024", indicators=[4])
    undated = make_action(plan, "3.4", rag=None, by_when="", indicators=[4])
    amber = make_action(plan, "3.5", rag="amber", by_when="Dec 2025", indicators=[4])
    red = make_action(plan, "3.6", rag="red", by_when="Dec 2025", indicators=[4])
    [group] = linked_actions(4)
    assert [item.action.id for item in group.shown] == [red.id, amber.id, overdue.id, later.id, undated.id, done.id]
    assert (group.total, group.overdue, group.more) == (6, 1, False)
    [group] = linked_actions(4, shown=2)
    assert [item.action.id for item in group.shown] == [red.id, amber.id] and group.more


def test_each_current_plan_has_its_own_counts_and_first_actions_newest_plan_first(client, viewer, make_plan,
                                                                                 make_action):
    old = make_plan("2023-24", title="Earlier plan")
    new = make_plan("2024-25", title="Current plan")
    closed = make_plan("2022-23", title="Closed plan", status=PlanStatus.CLOSED.value)
    _many(old, make_action, 12, "wres:2")
    _many(new, make_action, 3, "wres:2", start=20)
    _many(closed, make_action, 4, "wres:2", start=40)
    page = client.get("/indicators/2").get_data(as_text=True)
    assert page.index("2024-25: Current plan</h3>") < page.index("2023-24: Earlier plan</h3>")
    assert "Closed plan" not in page
    assert "15 actions in plans that are not closed are meant to move this indicator." in page
    assert len(_linked_table(page, "Actions linked to WRES 2 in Current plan")) == 2 + 3
    assert len(_linked_table(page, "Actions linked to WRES 2 in Earlier plan")) == 2 + 10
    assert "All 12 actions linked to WRES 2 in Earlier plan" in page
    assert "All 3 actions" not in page


def test_the_indicator_page_renders_ten_rows_and_runs_the_same_queries_for_5_or_60_actions(
        client, viewer, make_plan, make_action):
    first, second = make_plan("2024-25", title="First plan"), make_plan("2023-24", title="Second plan")
    _many(first, make_action, 3, "wres:3")
    _many(second, make_action, 2, "wres:3", start=10)
    few = _statements(client, "/indicators/3")
    _many(first, make_action, 30, "wres:3", start=100)
    _many(second, make_action, 25, "wres:3", start=200)
    assert _statements(client, "/indicators/3") == few
    page = client.get("/indicators/3").get_data(as_text=True)
    assert len(_linked_table(page, "Actions linked to WRES 3 in First plan")) == 2 + 10
    assert len(_linked_table(page, "Actions linked to WRES 3 in Second plan")) == 2 + 10
    assert "All 33 actions linked to WRES 3 in First plan" in page
    assert "All 27 actions linked to WRES 3 in Second plan" in page


def test_the_wdes_metric_page_shows_ten_of_forty_with_counts_and_the_filtered_plan_link(
        client, viewer, make_plan, make_action):
    plan = make_plan("2024-25", title="WDES action plan", standard="wdes")
    made = _many(plan, make_action, 40, "wdes:4a_ii")
    page = client.get("/wdes/4a_ii").get_data(as_text=True)
    rows = _linked_table(page, "Actions linked to WDES 4a(ii) in WDES action plan")[2:]
    assert len(rows) == 10 and [row[1] for row in rows] == ["Red"] * 5 + ["Amber"] * 5
    assert "40 actions: Red 5, Amber 5, Green 10, Not rated 20. 13 are overdue.</p>" in page
    link = _plan_page_link(page, "All 40 actions linked to WDES 4a(ii) in WDES action plan")
    assert link == f"/plans/{plan.id}?measure=wdes:4a_ii"
    listed = client.get(link).get_data(as_text=True)
    assert all(f'href="/actions/{action.id}"' in listed for action in made)


def test_linked_rows_escape_what_people_typed(client, viewer, make_plan, make_action, make_user):
    plan = make_plan("2024-25", title="Inclusion plan")
    owner = make_user("owner", name='Sam <b>O\'Neil</b>')
    action = make_action(plan, "1.1", text='Panels <script>alert("x")</script> & more', indicators=[1], rag="red",
                         owners=[owner])
    _update(action, "Met <i>HR</i> & 'staff side'")
    db.session.commit()
    page = client.get("/indicators/1").get_data(as_text=True)
    assert "<script>alert" not in page and "<b>O" not in page and "<i>HR" not in page
    assert "Panels &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more" in page
    assert "Sam &lt;b&gt;O&#39;Neil&lt;/b&gt;" in page
    assert "Met &lt;i&gt;HR&lt;/i&gt; &amp; &#39;staff side&#39;" in page


def test_row_text_is_escaped_exactly_as_markupsafe_escapes_it():
    from markupsafe import escape

    from tracker.indicators.linked_rows import _text
    for typed in ["", "plain", "a & b", "<&>\"'", "&amp; already", "Ünïcödé — “quotes” ‘x’", "\x00\n\t", "&#39;"]:
        assert _text(typed) == str(escape(typed))


def test_postgresql_plans_the_linked_actions_once_for_any_values(app, make_plan, make_action, fixed_today):
    """The statement reading each plan's first linked actions is planned once a connection (psycopg prepares it
    at its fifth run), not for each request's values: planning it cost more than running it."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements' plans are PostgreSQL's (run with TEST_DATABASE_URL)")
    fixed_today(TODAY)
    first, second = make_plan("2024-25", title="First plan"), make_plan("2023-24", title="Second plan")
    _many(first, make_action, 12, "wres:4")
    _many(second, make_action, 3, "wres:4", start=20)
    shown = [[item.action.ref for item in group.shown] for group in linked_actions(4)]
    for _request in range(7):
        assert [[item.action.ref for item in group.shown] for group in linked_actions(4)] == shown
    assert [len(refs) for refs in shown] == [LINKED_SHOWN, 3]
    plans = generic_and_custom_plans("SELECT anon_1.attention, actions.id")
    assert plans and all(generic >= 1 and custom == 0 for generic, custom in plans), plans
