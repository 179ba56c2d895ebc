"""RAG over time: each action's latest rated update at each month's end, counted in SQL; and the overview's charts."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.support import counting_queries
from tracker.actions.models import ProgressUpdate
from tracker.extensions import db
from tracker.plans.queries import rag_over_time


def _update(action, day: date, rag: str | None, posted: datetime | None = None) -> None:
    db.session.add(ProgressUpdate(action_id=action.id, as_at=day, rag=rag, narrative="Progress",
                                  posted_at=posted or datetime(day.year, day.month, day.day, 9)))


def _months(plan, today):
    return {day: {rag: n for rag, n in counts.items() if n} for day, counts in rag_over_time(plan, today)}


@pytest.fixture
def plan_with_history(make_plan, make_action):
    plan = make_plan()
    first, second, third = (make_action(plan, f"1.{n}") for n in (1, 2, 3))
    _update(first, date(2024, 4, 10), "green")
    _update(first, date(2024, 5, 3), "amber")
    _update(first, date(2024, 5, 20), "red")   # the latest in May wins
    _update(first, date(2024, 6, 2), None)      # unrated: the rating stays Red
    _update(second, date(2024, 6, 30), "green")  # on the month's last day: counts for June
    _update(second, date(2024, 7, 1), "blue")
    db.session.commit()
    return plan, (first, second, third)


def test_each_month_counts_each_actions_latest_rated_update_and_the_rest_as_not_rated(plan_with_history):
    plan, _actions = plan_with_history
    months = _months(plan, date(2024, 8, 15))
    assert list(months) == [date(2024, 4, 30), date(2024, 5, 31), date(2024, 6, 30), date(2024, 7, 31),
                            date(2024, 8, 31)]
    assert months[date(2024, 4, 30)] == {"green": 1, None: 2}
    assert months[date(2024, 5, 31)] == {"red": 1, None: 2}
    assert months[date(2024, 6, 30)] == {"red": 1, "green": 1, None: 1}
    assert months[date(2024, 7, 31)] == {"red": 1, "blue": 1, None: 1}
    assert months[date(2024, 8, 31)] == {"red": 1, "blue": 1, None: 1}


def test_updates_dated_after_the_month_end_do_not_count_for_it(plan_with_history):
    plan, _actions = plan_with_history
    months = _months(plan, date(2024, 5, 1))
    assert months == {date(2024, 4, 30): {"green": 1, None: 2}, date(2024, 5, 31): {"red": 1, None: 2}}


def test_updates_on_the_same_day_count_the_one_posted_last(make_plan, make_action):
    plan = make_plan()
    action = make_action(plan)
    _update(action, date(2024, 9, 1), "green", datetime(2024, 9, 1, 15))
    _update(action, date(2024, 9, 1), "amber", datetime(2024, 9, 1, 10))
    db.session.commit()
    assert _months(plan, date(2024, 9, 5))[date(2024, 9, 30)] == {"green": 1}


def test_an_action_with_no_rated_update_takes_its_own_dated_or_undated_rating(make_plan, make_action):
    plan = make_plan()
    make_action(plan, "1.1", rag="amber", rag_as_at=date(2024, 6, 15))
    make_action(plan, "1.2", rag="green")
    months = _months(plan, date(2024, 7, 1))
    assert months[date(2024, 5, 31)] == {"green": 1, None: 1}
    assert months[date(2024, 6, 30)] == {"green": 1, "amber": 1}


def test_updates_before_the_plan_year_count_from_its_first_month(make_plan, make_action):
    plan = make_plan()
    action = make_action(plan)
    _update(action, date(2024, 2, 1), "amber")
    db.session.commit()
    assert _months(plan, date(2024, 4, 2)) == {date(2024, 4, 30): {"amber": 1}}


def test_before_the_plan_year_there_are_no_months(plan_with_history):
    plan, _actions = plan_with_history
    assert rag_over_time(plan, date(2024, 3, 1)) == []


def test_the_number_of_queries_does_not_grow_with_the_updates(plan_with_history, make_action):
    plan, _actions = plan_with_history
    assert plan.year
    with counting_queries() as before:
        rag_over_time(plan, date(2025, 1, 1))
    for n in range(60):
        _update(make_action(plan, f"2.{n}"), date(2024, 4 + n % 9, 1 + n % 27), ("red", "green", None)[n % 3])
    db.session.commit()
    assert plan.year  # loaded again after the commit, before counting
    with counting_queries() as after:
        rag_over_time(plan, date(2025, 1, 1))
    with counting_queries() as unchanged:
        rag_over_time(plan, date(2025, 1, 1))
    assert before[0] == after[0], "the summary computed afresh costs the same whatever the number of updates"
    assert unchanged[0] == 1, "an unchanged plan's stored summary is read in one query"
    assert _months(plan, date(2025, 1, 1))[date(2024, 12, 31)] == {"red": 21, "green": 20, "blue": 1, None: 21}


def test_the_overview_shows_both_charts_with_their_figures(client, make_user, sign_in, plan_with_history,
                                                          fixed_today):
    plan, _actions = plan_with_history
    fixed_today(date(2024, 7, 10))
    sign_in(make_user("viewer"))
    page = client.get(f"/plans/{plan.id}/overview").get_data(as_text=True)
    assert page.count('role="img" aria-labelledby="rag-') == 2
    assert '<title id="rag-by-theme-title">Actions by theme and RAG</title>' in page
    assert '<title id="rag-over-time-title">Actions at each RAG at the end of each month</title>' in page
    assert "Jun 2024: Red 1, Green 1, Not rated 1." in page
    assert '<th scope="row">Jul 2024</th><td class="nhsuk-table__cell--numeric">1</td>' in page
    assert ('tabindex="0" role="region" aria-label="By month: actions at each RAG at the month&#39;s end"' in page)
    assert "Aug 2024" not in page


def test_before_the_year_starts_the_overview_says_so(client, make_user, sign_in, plan_with_history, fixed_today):
    plan, _actions = plan_with_history
    fixed_today(date(2024, 3, 10))
    sign_in(make_user("viewer"))
    page = client.get(f"/plans/{plan.id}/overview").get_data(as_text=True)
    assert "The plan year has not started yet." in page
    assert page.count('role="img" aria-labelledby="rag-') == 1
