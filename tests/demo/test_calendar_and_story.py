"""The demo's calendar (years moved, meetings laid around today) and its stories cut at today."""
from datetime import date, timedelta

import pytest

from tracker.demo.calendar import (
    financial_year_start,
    meeting_dates,
    move_date,
    move_years,
    next_weekday_between,
    years_moved,
)
from tracker.demo.story import Story, updates_so_far


@pytest.mark.parametrize("text, moved", [
    ("Oct 2024", "Oct 2026"), ("March 2025", "March 2027"), ("Jun 24", "Jun 26"), ("Mar 25", "Mar 27"),
    ("Phase thru' 24-25", "Phase thru' 26-27"), ("08.24 09.24 10.2024", "08.26 09.26 10.2026"),
    ("From Sept 2024", "From Sept 2026"), ("Q3 2024-25", "Q3 2026-27"), ("31/12/2024", "31/12/2026"),
    ("2024-12-31", "2026-12-31"), ("Throughout 2024/25", "Throughout 2026/27"), ("TBC Nov 2024", "TBC Nov 2026"),
    ("Ongoing", "Ongoing"), ("", ""), ("1-4", "1-4"),
])
def test_every_year_in_a_by_when_moves_and_the_wording_stays(text, moved):
    assert move_years(text, 2) == moved
    assert move_years(moved, -2) == text


def test_the_published_plan_moves_to_the_financial_year_holding_today():
    assert financial_year_start(date(2027, 3, 31)) == 2026 and financial_year_start(date(2027, 4, 1)) == 2027
    assert years_moved("2024-25", date(2026, 12, 6)) == 2
    assert years_moved("2024-25", date(2027, 5, 10)) == 3
    assert years_moved("2024-25", date(2024, 9, 30)) == 0
    assert move_date(date(2024, 2, 29), 2) == date(2026, 2, 28)


def test_the_councils_next_meeting_is_a_tuesday_from_4_to_10_days_ahead():
    for offset in range(7):
        today = date(2026, 12, 6) + timedelta(days=offset)
        meeting = next_weekday_between(today, 1, 4, 10)
        assert meeting.weekday() == 1 and 4 <= (meeting - today).days <= 10
    assert meeting_dates(date(2026, 12, 15), 56, date(2026, 9, 1), date(2027, 3, 1)) == [
        date(2026, 10, 20), date(2026, 12, 15), date(2027, 2, 9)]


LATE = Story("late", progress=("Data extracted.", "First analysis done."), late="Analysis delayed.")
APPROVED = date(2026, 3, 12)


def _cut(story: Story, due: date | None, today: date) -> list[tuple[date, str, str]]:
    return [(u.on, u.status, u.rag) for u in updates_so_far(story, due, today, APPROVED, position=3)]


def test_a_late_action_is_green_then_amber_within_60_days_of_its_due_date_then_red_once_overdue():
    due = date(2026, 12, 31)
    assert [rag for _, _, rag in _cut(LATE, due, date(2026, 9, 1))] == ["green", "green"]
    assert _cut(LATE, due, date(2026, 11, 20))[-1][1:] == ("DELAYED BUT PROGRESSING", "amber")
    assert _cut(LATE, due, date(2027, 2, 1))[-1][1:] == ("DELAYED", "red")


def test_an_achieved_action_is_complete_from_its_finish_day_and_updated_only_before_it():
    story = Story("achieved", progress=("Drafted.",), done="Launched.", finish_days=10)
    due = date(2026, 10, 31)
    before = _cut(story, due, date(2026, 10, 20))
    assert [rag for _, _, rag in before] == ["green"] and before[-1][0] < date(2026, 10, 20)
    after = _cut(story, due, date(2026, 12, 1))
    assert after == [(date(2026, 9, 11), "PROGRESS MADE", "green"), (date(2026, 10, 21), "ACHIEVED", "blue")]


def test_an_early_action_is_complete_whatever_the_day_and_no_update_is_before_approval_or_today():
    story = Story("early", progress=("Designed.",), done="Delivered.", finish_days=30)
    for today in (date(2026, 4, 1), date(2026, 5, 10), date(2027, 2, 8)):
        updates = updates_so_far(story, date(2026, 6, 30), today, APPROVED, position=0)
        assert updates[-1].rag == "blue"
        assert all(APPROVED <= u.on < today for u in updates)
        assert [u.on for u in updates] == sorted({u.on for u in updates})


def test_a_stuck_action_is_red_and_an_action_without_a_story_yet_has_no_update():
    stuck = Story("stuck", progress=("Specified.",), late="Waiting for the supplier.")
    assert _cut(stuck, date(2026, 12, 31), date(2026, 5, 10))[-1][2] == "red"
    assert _cut(Story("none"), date(2027, 3, 31), date(2026, 5, 10)) == []
    with pytest.raises(ValueError, match="story kind must be one of"):
        Story.from_dict({"kind": "finished"})
