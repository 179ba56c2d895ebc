"""My actions at any size: each group's count and first actions, every action of a group a page at a time,
the groups worked out in SQL by the same rules as action_flags, and a page that costs the same for 5 or 130."""
import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import update

from tests.support import counting_queries
from tracker.actions.models import Action
from tracker.actions.service import ActionData, create_action
from tracker.dashboards.queries import GROUP_KEYS, GROUP_LIMIT, action_flags, my_actions, my_actions_page
from tracker.extensions import db

TODAY = date(2024, 11, 1)


def _refs(html: str) -> list[str]:
    return re.findall(r'<a href="/actions/\d+">([^<]+)</a>', html)


def _add_overdue(plan, owner, count: int, first: int = 1) -> None:
    """`count` overdue actions, 1.<first>… due one day apart from 1 January 2024, in one commit."""
    for n in range(first, first + count):
        due = date(2024, 1, 1) + timedelta(days=n - 1)
        create_action(plan, ActionData(ref=f"1.{n}", text=f"Overdue task {n}", theme=plan.themes[0],
                                       by_when=due.strftime("%d/%m/%Y"), owners=[owner]), actor=None)
    db.session.commit()


@pytest.fixture
def owner(make_user, fixed_today):
    fixed_today(TODAY)
    return make_user("owner", name="Dawn Ainsworth")


def test_an_owner_with_three_actions_sees_them_all_with_no_show_all_link(client, sign_in, owner, make_plan,
                                                                          make_action):
    plan = make_plan()
    make_action(plan, "1.1", owners=[owner], by_when="Oct 2024", text="Overdue toolkit")
    make_action(plan, "1.2", owners=[owner], by_when="20/11/2024", text="Due soon panels")
    make_action(plan, "1.3", owners=[owner], by_when="Mar 2025", text="Stale analysis")
    sign_in(owner)
    page = client.get("/my-actions").get_data(as_text=True)
    assert _refs(page) == ["1.1", "1.2", "1.3"]
    assert "<h2>Overdue (1)</h2>" in page and "<h2>No update for 60 days (1)</h2>" in page
    assert "Show all" not in page and "The first" not in page and "plan by plan" not in page
    assert "<h3" not in page


def test_with_130_overdue_actions_the_page_shows_the_first_20_the_count_and_a_link_to_all(
        client, sign_in, owner, make_plan):
    plan = make_plan()
    _add_overdue(plan, owner, 130)
    sign_in(owner)
    page = client.get("/my-actions").get_data(as_text=True)
    assert "<h2>Overdue (130)</h2>" in page and "<strong>130</strong> overdue" in page
    assert _refs(page) == [f"1.{n}" for n in range(1, GROUP_LIMIT + 1)]
    assert "The first 10 of 130, by due date." in page
    assert '<a href="/my-actions?group=overdue">Show all 130 overdue actions</a>' in page
    assert "Download your 130 actions" in page


def test_the_show_all_view_pages_through_a_group_50_at_a_time(client, sign_in, owner, make_plan):
    plan = make_plan()
    _add_overdue(plan, owner, 130)
    sign_in(owner)
    first = client.get("/my-actions?group=overdue").get_data(as_text=True)
    assert '<span class="nhsuk-caption-l">My actions</span> Overdue</h1>' in first
    assert "Showing actions 1 to 50 of 130." in first
    assert _refs(first) == [f"1.{n}" for n in range(1, 51)]
    assert 'href="/my-actions?group=overdue&amp;page=2"' in first and 'href="/my-actions">Back to My actions' in first
    second = client.get("/my-actions?group=overdue&page=2").get_data(as_text=True)
    assert "Showing actions 51 to 100 of 130." in second
    assert _refs(second) == [f"1.{n}" for n in range(51, 101)]
    assert "<title>Overdue (page 2 of 3) &ndash; My actions" in second
    third = client.get("/my-actions?group=overdue&page=3").get_data(as_text=True)
    assert "Showing actions 101 to 130 of 130." in third
    assert _refs(third) == [f"1.{n}" for n in range(101, 131)]
    # Past the end gives the last page, as search and the plan page do.
    assert _refs(client.get("/my-actions?group=overdue&page=99").get_data(as_text=True)) == _refs(third)
    assert client.get("/my-actions?group=nonsense").status_code == 404
    closed = client.get("/my-actions?group=closed").get_data(as_text=True)
    assert "0 actions." in closed and _refs(closed) == []


def test_rows_rendered_and_queries_stay_the_same_for_5_and_130_actions(client, sign_in, owner, make_plan):
    plan = make_plan()
    _add_overdue(plan, owner, 5)
    sign_in(owner)
    client.get("/my-actions")
    with counting_queries() as small:
        small_page = client.get("/my-actions").get_data(as_text=True)
    with counting_queries() as small_group:
        client.get("/my-actions?group=overdue&page=2")
    _add_overdue(plan, owner, 125, first=6)
    with counting_queries() as large:
        large_page = client.get("/my-actions").get_data(as_text=True)
    with counting_queries() as large_group:
        large_group_page = client.get("/my-actions?group=overdue&page=2").get_data(as_text=True)
    assert small[0] == large[0] and small_group[0] == large_group[0]
    assert len(_refs(small_page)) == 5
    assert len(_refs(large_page)) == GROUP_LIMIT and large_page.count('<tr role="row" class="nhsuk-table__row">') == GROUP_LIMIT
    assert len(_refs(large_group_page)) == 50


def test_actions_in_several_plans_are_listed_plan_by_plan_under_each_plans_name(client, sign_in, owner, make_plan):
    riverside = make_plan("2025-26", title="Riverside WRES action plan")
    northgate = make_plan("2024-25", title="Northgate WRES action plan")
    _add_overdue(northgate, owner, 3)
    _add_overdue(riverside, owner, 25, first=10)
    sign_in(owner)
    page = client.get("/my-actions").get_data(as_text=True)
    assert "Your actions are in 2 plans: each group lists them plan by plan." in page
    # Newest plan first, as the current plans are listed; the first 10 of the group are all Riverside's.
    assert '<h3 class="nhsuk-heading-s app-my-actions-plan">2025-26: Riverside WRES action plan (25)</h3>' in page
    assert "Northgate WRES action plan" not in page.split("<h2>Overdue (28)</h2>")[1]
    assert _refs(page) == [f"1.{n}" for n in range(10, 20)]
    second = client.get("/my-actions?group=overdue&page=1").get_data(as_text=True)
    riverside_at = second.index("2025-26: Riverside WRES action plan (25)</h2>")
    northgate_at = second.index("2024-25: Northgate WRES action plan (3)</h2>")
    assert riverside_at < second.index(">1.34</a>") < northgate_at < second.index(">1.3</a>")


def _boundary_actions(plan, owner, today: date) -> dict[str, int]:
    """Actions on each edge of the rules, by name: {name: id}."""
    cases = {
        "due today": dict(due_on=today),
        "due yesterday": dict(due_on=today - timedelta(days=1)),
        "due in exactly 30 days": dict(due_on=today + timedelta(days=30), last_update_at=datetime.combine(today, time(8))),
        "due in 31 days, updated today": dict(due_on=today + timedelta(days=31), last_update_at=datetime.combine(today, time(8))),
        "updated exactly 60 days ago, at midnight": dict(
            due_on=today + timedelta(days=90), last_update_at=datetime.combine(today - timedelta(days=60), time(0))),
        "updated exactly 60 days ago, late": dict(
            due_on=today + timedelta(days=90), last_update_at=datetime.combine(today - timedelta(days=60), time(23, 59))),
        "updated 59 days ago, at midnight": dict(
            due_on=today + timedelta(days=90), last_update_at=datetime.combine(today - timedelta(days=59), time(0))),
        "never updated, no date": dict(due_on=None),
        "no date, updated today": dict(due_on=None, last_update_at=datetime.combine(today, time(8))),
        "achieved, due last year": dict(due_on=today - timedelta(days=365), status="ACHIEVED"),
        "blue, due last month": dict(due_on=today - timedelta(days=30), rag="blue", status="PROGRESS MADE"),
        "cancelled, due last month": dict(due_on=today - timedelta(days=30), status="CANCELLED", rag="red"),
        "carried forward, no update": dict(due_on=today + timedelta(days=5), status="CARRIED FORWARD"),
        "delayed and red, due yesterday": dict(due_on=today - timedelta(days=1), status="DELAYED", rag="red"),
    }
    ids = {}
    for n, (name, values) in enumerate(cases.items(), start=1):
        action = create_action(plan, ActionData(ref=f"2.{n}", text=name, theme=plan.themes[0], by_when="Ongoing",
                                                owners=[owner]), actor=None)
        db.session.flush()
        db.session.execute(update(Action).where(Action.id == action.id).values(
            **{"last_update_at": None, "status": None, "rag": None, **values}))
        ids[name] = action.id
    db.session.commit()
    db.session.expire_all()
    return ids


def _python_group(action, today: date) -> str:
    flags = action_flags(action, today)
    return next(key for key in ("closed", "overdue", "due_soon", "stale") if flags[key]) if any(flags.values()) \
        else "other_open"


def test_the_groups_worked_out_in_sql_agree_with_action_flags_on_every_edge(owner, make_plan):
    ids = _boundary_actions(make_plan(), owner, TODAY)
    in_sql = {row.id: key for key in GROUP_KEYS for row in getattr(my_actions(owner, TODAY), key)}
    in_python = {id_: _python_group(db.session.get(Action, id_), TODAY) for id_ in ids.values()}
    assert in_sql == in_python
    named = {name: in_sql[id_] for name, id_ in ids.items()}
    assert named["due today"] == "due_soon" and named["due yesterday"] == "overdue"
    assert named["due in exactly 30 days"] == "due_soon" and named["due in 31 days, updated today"] == "other_open"
    assert named["updated exactly 60 days ago, at midnight"] == named["updated exactly 60 days ago, late"] == "stale"
    assert named["updated 59 days ago, at midnight"] == "other_open"
    assert named["never updated, no date"] == "stale" and named["no date, updated today"] == "other_open"
    assert {named[name] for name in ("achieved, due last year", "blue, due last month", "cancelled, due last month",
                                     "carried forward, no update")} == {"closed"}
    summary = my_actions_page(owner, TODAY)
    assert {group.group.key: group.total for group in summary.groups} == {
        key: list(in_sql.values()).count(key) for key in GROUP_KEYS}


def test_the_page_reads_back_the_counts_and_only_the_rows_it_shows_however_many_the_person_has(owner, make_plan):
    from tracker.dashboards.queries import _built, _params

    riverside = make_plan("2025-26", title="Riverside WRES action plan")
    northgate = make_plan("2024-25", title="Northgate WRES action plan")
    _add_overdue(riverside, owner, 130)
    _add_overdue(northgate, owner, 12)
    read = db.session.execute(_built().firsts, {**_params(owner, TODAY), "limit": GROUP_LIMIT}).all()
    shown = [row for row in read if row.kind >= 0]
    counts = {row.plan_id: (row.n, row.overdue, row.up_to_soon, row.stale) for row in read if row.kind == -1}
    overdue = GROUP_KEYS.index("overdue")
    # 142 actions: the 10 shown (all Riverside's, the newer plan) and the open actions' counts for each plan.
    assert len(read) == GROUP_LIMIT + 2
    assert counts == {riverside.id: (130, 130, 130, 0), northgate.id: (12, 12, 12, 0)}
    assert {row.kind for row in shown} == {overdue} and {row.plan_id for row in shown} == {riverside.id}
    page = my_actions_page(owner, TODAY)
    assert page.count("overdue") == 142 and page.plans == sorted([riverside.id, northgate.id])
    assert [action.ref for part in page.groups[overdue].parts for action in part.actions] == [
        f"1.{n}" for n in range(1, GROUP_LIMIT + 1)]
