"""Reading "by when" text into a kind and an effective due date."""
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.actions.by_when import ByWhen, ByWhenKind, parse_by_when, plan_year_bounds

DATE, MONTH, QUARTER, YEAR = ByWhenKind.DATE, ByWhenKind.MONTH, ByWhenKind.QUARTER, ByWhenKind.YEAR
ONGOING, UNPARSED, EMPTY = ByWhenKind.ONGOING, ByWhenKind.UNPARSED, ByWhenKind.EMPTY
PLAN_YEAR = "2024-25"

# Every by-when in Appendix 2 of the 2024 report (seeds/001...), read with plan year 2024-25.
APPENDIX_2_2024 = [
    ("Oct 2024", MONTH, date(2024, 10, 31), None),
    ("Dec 2024", MONTH, date(2024, 12, 31), None),
    ("March 2025", MONTH, date(2025, 3, 31), None),
    ("Nov 2024", MONTH, date(2024, 11, 30), None),
    ("Mar 2025", MONTH, date(2025, 3, 31), None),
    ("Jan 2025", MONTH, date(2025, 1, 31), None),
    ("Phase thru' 24-25", YEAR, date(2025, 3, 31), None),
    ("08.24 09.24 10.2024", MONTH, date(2024, 10, 31), None),
    ("Ongoing", ONGOING, None, None),
    ("From Sept 2024", ONGOING, None, date(2024, 9, 1)),
    ("ongoing", ONGOING, None, None),
    ("Jun 24", MONTH, date(2024, 6, 30), None),
    ("Nov 24", MONTH, date(2024, 11, 30), None),
    ("Mar 25", MONTH, date(2025, 3, 31), None),
    ("", EMPTY, None, None),
]

EXAMPLES = [
    # financial-year quarters
    ("Q3 2024-25", QUARTER, date(2024, 12, 31), None),
    ("Q4 2024/25", QUARTER, date(2025, 3, 31), None),
    ("Q3 24-25", QUARTER, date(2024, 12, 31), None),
    ("Q3 2020-21", QUARTER, date(2020, 12, 31), None),
    ("Q1 2024-25", QUARTER, date(2024, 6, 30), None),
    ("Q2 2024-2025", QUARTER, date(2024, 9, 30), None),
    ("Q3 2024", QUARTER, date(2024, 12, 31), None),
    ("Q4 2024", QUARTER, date(2025, 3, 31), None),
    ("Q3 FY24/25", QUARTER, date(2024, 12, 31), None),
    ("Q1-Q2 2024-25", QUARTER, date(2024, 9, 30), None),
    # dates, always day first
    ("31/12/2024", DATE, date(2024, 12, 31), None),
    ("31.12.2024", DATE, date(2024, 12, 31), None),
    ("31-12-2024", DATE, date(2024, 12, 31), None),
    ("31/12/24", DATE, date(2024, 12, 31), None),
    ("31.03.20", DATE, date(2020, 3, 31), None),
    ("05/04/2025", DATE, date(2025, 4, 5), None),
    ("30/9/24", DATE, date(2024, 9, 30), None),
    ("2024-12-31", DATE, date(2024, 12, 31), None),
    ("31 December 2024", DATE, date(2024, 12, 31), None),
    ("31st Dec 2024", DATE, date(2024, 12, 31), None),
    ("1st of March 2025", DATE, date(2025, 3, 1), None),
    ("December 31, 2024", DATE, date(2024, 12, 31), None),
    ("w/c 12/08/2024", DATE, date(2024, 8, 12), None),
    # months
    ("December 2024", MONTH, date(2024, 12, 31), None),
    ("Sept 2024", MONTH, date(2024, 9, 30), None),
    ("Sep 24", MONTH, date(2024, 9, 30), None),
    ("Mar-25", MONTH, date(2025, 3, 31), None),
    ("Dec'24", MONTH, date(2024, 12, 31), None),
    ("Feb 2024", MONTH, date(2024, 2, 29), None),
    ("10.2024", MONTH, date(2024, 10, 31), None),
    ("08.24", MONTH, date(2024, 8, 31), None),
    ("12/24", MONTH, date(2024, 12, 31), None),
    ("End of March 2025", MONTH, date(2025, 3, 31), None),
    ("end March 2025", MONTH, date(2025, 3, 31), None),
    ("by March 2025", MONTH, date(2025, 3, 31), None),
    # several dates: the latest wins, and on a tie the most precise
    ("Oct 2024 then Dec 2024", MONTH, date(2024, 12, 31), None),
    ("Jun 24 Nov 24", MONTH, date(2024, 11, 30), None),
    ("Dec 2024 or 15/11/2024", MONTH, date(2024, 12, 31), None),
    ("Q4 2024-25 (31/03/2025)", DATE, date(2025, 3, 31), None),
    ("January 2022 January 2022 March 2022", MONTH, date(2022, 3, 31), None),
    # seasons
    ("Spring 2025", QUARTER, date(2025, 5, 31), None),
    ("Summer 24", QUARTER, date(2024, 8, 31), None),
    ("Autumn 2024", QUARTER, date(2024, 11, 30), None),
    ("Winter 2024", QUARTER, date(2025, 2, 28), None),
    ("Spring 2024/25", QUARTER, date(2025, 5, 31), None),
    # year-long
    ("Throughout 2024-25", YEAR, date(2025, 3, 31), None),
    ("Throughout 2020-21", YEAR, date(2021, 3, 31), None),
    ("during 2024-25", YEAR, date(2025, 3, 31), None),
    ("2024-25", YEAR, date(2025, 3, 31), None),
    ("2024–25", YEAR, date(2025, 3, 31), None),
    ("by end of 2024-25", YEAR, date(2025, 3, 31), None),
    ("end of 2025", YEAR, date(2025, 12, 31), None),
    # ongoing, with or without a start
    ("Continuous", ONGOING, None, None),
    ("As opportunity arises", ONGOING, None, None),
    ("On-going", ONGOING, None, None),
    ("From Autumn 2021", ONGOING, None, date(2021, 9, 1)),
    ("From Spring 2025", ONGOING, None, date(2025, 3, 1)),
    ("From Summer 2025", ONGOING, None, date(2025, 6, 1)),
    ("From Winter 2025", ONGOING, None, date(2025, 12, 1)),
    ("Ongoing from 01/10/2024", ONGOING, None, date(2024, 10, 1)),
    ("From Sept 2024 to March 2025", MONTH, date(2025, 3, 31), date(2024, 9, 1)),
    # dates inside prose
    ("Agree by end Sept 2020", MONTH, date(2020, 9, 30), None),
    ("Attain 95% compliance in all areas by 31.03.20", DATE, date(2020, 3, 31), None),
    ("TBC Nov 2024", MONTH, date(2024, 11, 30), None),
    ("Directorate Action Plans required by end of September 2020 and progress reports "
     "to Inclusion Council in January and March 2021.", MONTH, date(2021, 3, 31), None),
    # empty and unreadable
    ("-", EMPTY, None, None),
    ("–", EMPTY, None, None),
    ("   ", EMPTY, None, None),
    ("TBC", UNPARSED, None, None),
    ("DETAIL TO BE DEVELOPED", UNPARSED, None, None),
    ("31/02/2024", UNPARSED, None, None),
    ("29/02/2023", UNPARSED, None, None),
    ("2024-26", UNPARSED, None, None),
    ("Q3", UNPARSED, None, None),
    ("Throughout year", UNPARSED, None, None),
    ("In year", UNPARSED, None, None),
    ("Second Cohort launched in year", UNPARSED, None, None),
    ("1.1 Develop toolkit", UNPARSED, None, None),
    ("By 2023", UNPARSED, None, None),
    ("31/12/1999", UNPARSED, None, None),
]

NEEDS_PLAN_YEAR = [
    ("Throughout year", YEAR, date(2025, 3, 31), None),
    ("Throughout the year", YEAR, date(2025, 3, 31), None),
    ("In year", YEAR, date(2025, 3, 31), None),
    ("In-year", YEAR, date(2025, 3, 31), None),
    ("Second Cohort launched in year", YEAR, date(2025, 3, 31), None),
    ("Year end", YEAR, date(2025, 3, 31), None),
    ("Q3", QUARTER, date(2024, 12, 31), None),
    ("Q4", QUARTER, date(2025, 3, 31), None),
    ("Focus on access in year 1", UNPARSED, None, None),
]

WITH_OWN_YEAR = [example for example in EXAMPLES
                 if example[0] not in {row[0] for row in NEEDS_PLAN_YEAR}]


def _expect(text, kind, due, starts, plan_year=None):
    assert parse_by_when(text, plan_year=plan_year) == ByWhen(text.strip(), kind, due, starts)


@pytest.mark.parametrize(("text", "kind", "due", "starts"), APPENDIX_2_2024)
def test_appendix_2_by_whens(text, kind, due, starts):
    _expect(text, kind, due, starts, PLAN_YEAR)


@pytest.mark.parametrize(("text", "kind", "due", "starts"), EXAMPLES)
def test_examples_without_plan_year(text, kind, due, starts):
    _expect(text, kind, due, starts)


@pytest.mark.parametrize(("text", "kind", "due", "starts"), WITH_OWN_YEAR)
def test_an_explicit_year_ignores_the_plan_year(text, kind, due, starts):
    _expect(text, kind, due, starts, "2030-31")


@pytest.mark.parametrize(("text", "kind", "due", "starts"), NEEDS_PLAN_YEAR)
def test_plan_year_gives_relative_text_its_year(text, kind, due, starts):
    _expect(text, kind, due, starts, PLAN_YEAR)


def test_text_is_kept_stripped_and_flagged():
    result = parse_by_when("  DETAIL TO BE DEVELOPED \n")
    assert (result.text, result.kind, result.is_parsed) == ("DETAIL TO BE DEVELOPED", UNPARSED, False)


@pytest.mark.parametrize(("kind", "parsed"), [(DATE, True), (MONTH, True), (QUARTER, True),
                                              (YEAR, True), (ONGOING, True), (UNPARSED, False),
                                              (EMPTY, False)])
def test_is_parsed(kind, parsed):
    assert ByWhen("x", kind, None, None).is_parsed is parsed


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_missing_cells_are_empty(missing):
    assert parse_by_when(missing) == ByWhen("", EMPTY, None, None)


@pytest.mark.parametrize("cell", [date(2024, 12, 31), datetime(2024, 12, 31, 0, 0)])
def test_spreadsheet_dates_are_dates(cell):
    assert parse_by_when(cell) == ByWhen("31/12/2024", DATE, date(2024, 12, 31), None)


@pytest.mark.parametrize("text", ["x" * 100_000, "9" * 100_000, "1/" * 50_000, "Q" * 100_000,
                                  "dec " * 25_000])
def test_very_long_text_is_unparsed(text):
    assert parse_by_when(text, plan_year=PLAN_YEAR).kind == UNPARSED


@pytest.mark.parametrize(("plan_year", "bounds"), [
    ("2024-25", (date(2024, 4, 1), date(2025, 3, 31))),
    ("2024/25", (date(2024, 4, 1), date(2025, 3, 31))),
    ("2020-2021", (date(2020, 4, 1), date(2021, 3, 31))),
    (" 24-25 ", (date(2024, 4, 1), date(2025, 3, 31))),
])
def test_plan_year_bounds(plan_year, bounds):
    assert plan_year_bounds(plan_year) == bounds


@pytest.mark.parametrize("plan_year", ["2024", "2024-26", "2025-24", "", "Q3 2024-25", "next year"])
def test_bad_plan_year_says_what_is_wrong(plan_year):
    with pytest.raises(ValueError, match=r"is not a financial year: write it like '2024-25'"):
        plan_year_bounds(plan_year)


def test_parse_with_bad_plan_year_raises():
    with pytest.raises(ValueError, match="plan year '2024' is not a financial year"):
        parse_by_when("Oct 2024", plan_year="2024")


DASHES = str.maketrans("", "", "-‐‑‒–—―−")
TOKENS = ["Q3", "q4", "2024-25", "24/25", "31/12/2024", "31.02.24", "Dec", "Sept", "2024", "24",
          "08.24", "from", "Autumn", "winter", "ongoing", "in year", "throughout", "end of", "-",
          "/", ".", "'", ",", "1st", "31", "thru'", "TBC", "12", "٣", "２０２４", "\u00a0", "\n"]
TEXTS = st.one_of(st.text(), st.lists(st.sampled_from(TOKENS), max_size=12).map(" ".join),
                  st.lists(st.sampled_from(TOKENS), max_size=12).map("".join))


@given(text=TEXTS, plan_year=st.sampled_from([None, PLAN_YEAR]))
def test_any_text_is_kept_and_never_raises(text, plan_year):
    result = parse_by_when(text, plan_year=plan_year)
    assert result.text == text.strip()
    assert (result.due is None) == (result.kind in {ONGOING, UNPARSED, EMPTY})
    assert (result.kind == EMPTY) == (result.text.translate(DASHES).strip() == "")
    if result.kind in {UNPARSED, EMPTY}:
        assert result.starts is None


DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@given(day=DAYS, style=st.sampled_from(["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y",
                                        "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y"]))
def test_every_written_day_is_read_day_first(day, style):
    assert parse_by_when(day.strftime(style)) == ByWhen(day.strftime(style), DATE, day, None)


@given(day=DAYS, style=st.sampled_from(["%b %Y", "%B %Y", "%b %y", "%m.%Y", "%m.%y", "%m/%Y"]))
def test_every_written_month_is_due_on_its_last_day(day, style):
    last_day = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    assert parse_by_when(day.strftime(style)).due == last_day


@given(first=DAYS, second=DAYS)
def test_the_latest_of_two_dates_is_due(first, second):
    text = f"{first:%d/%m/%Y} then {second:%d/%m/%Y}"
    assert parse_by_when(text) == ByWhen(text, DATE, max(first, second), None)


@given(start=st.integers(2000, 2098), quarter=st.integers(1, 4))
def test_quarters_end_on_the_last_day_of_their_third_month(start, quarter):
    expected = {1: date(start, 6, 30), 2: date(start, 9, 30), 3: date(start, 12, 31),
                4: date(start + 1, 3, 31)}[quarter]
    assert parse_by_when(f"Q{quarter} {start}-{(start + 1) % 100:02d}").due == expected
    assert parse_by_when(f"Q{quarter} {start}").due == expected
