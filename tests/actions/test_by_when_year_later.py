"""The same "by when" one year later, for actions carried forward into next year's plan."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.actions.by_when import YearLater, a_year_later, parse_by_when

MOVED = [
    # the shapes the rollover table suggests most often
    ("31/10/2024", "31/10/2025"),
    ("Oct 2024", "Oct 2025"),
    ("Q3 2024-25", "Q3 2025-26"),
    ("Throughout 2024-25", "Throughout 2025-26"),
    # every year read moves on, written as it was
    ("31/12/24", "31/12/25"),
    ("31.03.20", "31.03.21"),
    ("2024-12-31", "2025-12-31"),
    ("31st Dec 2024", "31st Dec 2025"),
    ("December 31, 2024", "December 31, 2025"),
    ("1st of March 2025", "1st of March 2026"),
    ("Jun 24", "Jun 25"),
    ("Dec'24", "Dec'25"),
    ("Mar-25", "Mar-26"),
    ("10.2024", "10.2025"),
    ("08.24 09.24 10.2024", "08.25 09.25 10.2025"),
    ("Jun 24 Nov 24", "Jun 25 Nov 25"),
    ("Q4 2024/25", "Q4 2025/26"),
    ("Q2 2024-2025", "Q2 2025-2026"),
    ("Q3 2024", "Q3 2025"),
    ("Q1-Q2 2024-25", "Q1-Q2 2025-26"),
    ("Q4 2024-25 (31/03/2025)", "Q4 2025-26 (31/03/2026)"),
    ("Spring 2024/25", "Spring 2025/26"),
    ("Winter 2024", "Winter 2025"),
    ("Phase thru' 24-25", "Phase thru' 25-26"),
    ("2024–25", "2025–26"),
    ("end of 2025", "end of 2026"),
    ("From Sept 2024 to March 2025", "From Sept 2025 to March 2026"),
    ("TBC Nov 2024", "TBC Nov 2025"),
    ("Attain 95% compliance in all areas by 31.03.20", "Attain 95% compliance in all areas by 31.03.21"),
    # a leap day that next year lacks, and a month whose last day moves
    ("29/02/2024", "28/02/2025"),
    ("Feb 2024", "Feb 2025"),
    # spacing inside is kept; full-width digits come back as plain ones
    ("  Oct   2024 ", "Oct   2025"),
    ("Oct ２０２４", "Oct 2025"),
]

KEPT = [
    # ongoing, with or without a start, and blank
    "Ongoing", "ongoing", "Continuous", "From Sept 2024", "Ongoing from 01/10/2024", "", "-",
    # counted from the plan's year: the new plan's year gives them theirs
    "Throughout year", "In year", "Q3", "Year end",
]

FLAGGED = ["TBC", "DETAIL TO BE DEVELOPED", "31/02/2024", "2024-26", "By 2023", "Dec 2099", "Q4 2098-99"]


@pytest.mark.parametrize(("text", "later"), MOVED)
def test_dates_months_quarters_and_years_move_on_one_year(text, later):
    assert a_year_later(text, plan_year="2024-25") == YearLater(later, True)


@pytest.mark.parametrize(("text", "later"), MOVED)
def test_the_moved_text_is_due_in_the_same_month_a_year_later(text, later):
    before, after = parse_by_when(text), parse_by_when(later)
    assert after.kind == before.kind
    assert (after.due.year, after.due.month) == (before.due.year + 1, before.due.month)


@pytest.mark.parametrize("text", KEPT)
def test_ongoing_blank_and_plan_year_text_stay_as_written(text):
    assert a_year_later(text, plan_year="2024-25") == YearLater(text.strip(), True)


@pytest.mark.parametrize("text", FLAGGED)
def test_unreadable_text_stays_as_written_and_is_flagged(text):
    assert a_year_later(text, plan_year="2024-25") == YearLater(text, False)


def test_without_the_plan_year_plan_year_text_is_flagged():
    assert a_year_later("Throughout year") == YearLater("Throughout year", False)
    assert a_year_later("Oct 2024") == YearLater("Oct 2025", True)


def test_missing_cells_are_blank():
    assert a_year_later(None) == YearLater("", True)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2098, 12, 31)),
       st.sampled_from(["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%b %Y", "%B %Y", "%d %B %Y"]))
def test_any_written_date_is_due_a_year_later(day, layout):
    text = day.strftime(layout)
    later = a_year_later(text)
    before, after = parse_by_when(text), parse_by_when(later.text)
    assert later.recognised and after.kind == before.kind
    assert (after.due.year, after.due.month) == (before.due.year + 1, before.due.month)
    assert after.due.day == before.due.day or (before.due.month, before.due.day) == (2, 29) or \
        before.kind.value == "month"


@given(st.text(max_size=60))
def test_any_text_gives_an_answer(text):
    later = a_year_later(text, plan_year="2024-25")
    assert isinstance(later.text, str) and len(later.text) <= len(text.strip()) + 4
