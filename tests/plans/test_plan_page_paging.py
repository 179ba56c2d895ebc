"""The plan page sorts and pages in SQL: 50 actions a page, every sort in the order people expect."""
from datetime import date, datetime

import pytest

from tracker.actions.models import Action
from tracker.demo.scale import add_actions
from tracker.extensions import db
from tracker.plans.queries import Filters, plan_actions

TODAY = date(2024, 11, 1)


@pytest.fixture
def mixed_plan(make_plan, make_action, fixed_today):
    """Refs that sort wrongly as text, across two themes, with RAGs, due dates and updates."""
    fixed_today(TODAY)
    plan = make_plan(themes=("Recruitment", "Speaking up"))
    recruitment, speaking_up = plan.themes
    rows = [("1.10", recruitment, "Mar 2025", "green", datetime(2024, 10, 1)),
            ("1.2", recruitment, "Oct 2024", None, None),
            ("2.1", speaking_up, "Dec 2024", "red", datetime(2024, 10, 20)),
            ("1.1", recruitment, "Ongoing", "blue", datetime(2024, 9, 1)),
            ("10.1", speaking_up, "Jan 2025", "amber", datetime(2024, 10, 10))]
    for ref, theme, by_when, rag, updated in rows:
        action = make_action(plan, ref, theme=theme, by_when=by_when, text=f"Action {ref}")
        stored = db.session.get(Action, action.id)
        stored.rag, stored.last_update_at = rag, updated
    db.session.commit()
    return plan


def _refs(plan, **filters) -> list[str]:
    return [action.ref for action in plan_actions(plan, Filters(**filters), TODAY, size=None).actions]


@pytest.mark.parametrize("sort, expected", [
    ("ref", ["1.1", "1.2", "1.10", "2.1", "10.1"]),
    ("theme", ["1.1", "1.2", "1.10", "2.1", "10.1"]),
    ("due", ["1.2", "2.1", "10.1", "1.10", "1.1"]),
    ("rag", ["2.1", "10.1", "1.10", "1.2", "1.1"]),
    ("updated", ["2.1", "10.1", "1.10", "1.1", "1.2"]),
])
def test_each_sort_orders_the_actions_as_people_expect(mixed_plan, sort, expected):
    assert _refs(mixed_plan, sort=sort) == expected


def test_the_overdue_filter_runs_in_sql_and_leaves_out_closed_actions(mixed_plan):
    assert _refs(mixed_plan, overdue=True) == ["1.2"]


def test_pages_cover_every_action_once_in_every_sort(app, make_user, make_plan):
    plan = make_plan(themes=("Recruitment", "Speaking up", "Training"))
    people = [make_user("owner") for _ in range(3)]
    add_actions(plan, 130, 260, people, [], seed=4)
    db.session.commit()
    for sort in ("ref", "theme", "due", "rag", "updated"):
        every = plan_actions(plan, Filters(sort=sort), TODAY, size=None)
        pages = [plan_actions(plan, Filters(sort=sort), TODAY, page=n) for n in (1, 2, 3)]
        assert [len(page.actions) for page in pages] == [50, 50, 30]
        assert [a.id for page in pages for a in page.actions] == [a.id for a in every.actions], sort
        assert (pages[2].first, pages[2].last, pages[2].total, pages[2].count) == (101, 130, 130, 3)


def test_the_page_shows_where_it_is_and_links_keep_the_filters(client, make_user, make_plan, sign_in):
    plan = make_plan()
    add_actions(plan, 120, 0, [make_user("owner")], [], seed=5)
    db.session.commit()
    sign_in(make_user("viewer"))
    first = client.get(f"/plans/{plan.id}", query_string={"sort": "due"}).get_data(as_text=True)
    assert "Showing actions 1 to 50 of 120." in first
    assert f'href="/plans/{plan.id}?sort=due&amp;page=2"' in first
    assert f'href="/plans/{plan.id}?sort=due&amp;page=all"' in first and "Show all 120 actions on one page" in first
    assert 'aria-label="Pages of actions"' in first and 'aria-current="page"' in first
    last = client.get(f"/plans/{plan.id}", query_string={"sort": "due", "page": 3}).get_data(as_text=True)
    assert "Showing actions 101 to 120 of 120." in last and f'href="/plans/{plan.id}?sort=due&amp;page=2"' in last
    every = client.get(f"/plans/{plan.id}", query_string={"page": "all"}).get_data(as_text=True)
    assert "120 actions shown." in every and 'aria-label="Pages of actions"' not in every
    assert 'app-filters" open>' in first and 'app-filters" open>' not in every, "the filters open only when used"


@pytest.mark.parametrize("asked, shown", [("999", "Showing actions 101 to 120 of 120."),
                                          ("0", "Showing actions 1 to 50 of 120."),
                                          ("-3", "Showing actions 1 to 50 of 120."),
                                          ("two", "Showing actions 1 to 50 of 120.")])
def test_a_page_number_out_of_range_or_not_a_number_shows_the_nearest_page(client, make_user, make_plan,
                                                                           sign_in, asked, shown):
    plan = make_plan()
    add_actions(plan, 120, 0, [make_user("owner")], [], seed=6)
    db.session.commit()
    sign_in(make_user("viewer"))
    response = client.get(f"/plans/{plan.id}", query_string={"page": asked})
    assert response.status_code == 200 and shown in response.get_data(as_text=True)


def test_a_short_plan_has_no_page_links(client, make_user, make_action, sign_in):
    action = make_action()
    sign_in(make_user("viewer"))
    page = client.get(f"/plans/{action.plan_id}").get_data(as_text=True)
    assert "1 action shown." in page and "Pages of actions" not in page and "Show all" not in page


def test_changing_a_ref_moves_the_action_in_the_ref_order(mixed_plan):
    action = db.session.scalars(db.select(Action).where(Action.ref == "10.1")).one()
    action.ref = "1.3"
    db.session.commit()
    assert _refs(mixed_plan, sort="ref") == ["1.1", "1.2", "1.3", "1.10", "2.1"]
