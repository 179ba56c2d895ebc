"""ESR Disability values → Disabled / non-disabled / not declared; unknown values reported, never guessed."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.indicators.disability import (
    DISABLED,
    GROUPS,
    NON_DISABLED,
    NOT_DECLARED,
    classify_series,
    reading,
    recognise,
)
from tracker.indicators.tables import read_sheet
from tracker.indicators.wdes_readers import WANTED_BOTH, read_workforce_disability


@pytest.mark.parametrize(("value", "group"), [
    ("Yes", DISABLED), ("yes", DISABLED), ("  YES ", DISABLED), ("Y", DISABLED), ("Y Yes", DISABLED),
    ("Y - Yes", DISABLED), ("Disabled", DISABLED), ("Yes - Disabled", DISABLED),
    ("No", NON_DISABLED), ("no ", NON_DISABLED), ("N", NON_DISABLED), ("N No", NON_DISABLED),
    ("N - No", NON_DISABLED), ("Non-disabled", NON_DISABLED), ("Not Disabled", NON_DISABLED),
    ("No - Not disabled", NON_DISABLED),
    ("Not Declared", NOT_DECLARED), ("not declared", NOT_DECLARED), ("NOT  DECLARED", NOT_DECLARED),
    ("Prefer Not To Answer", NOT_DECLARED), ("Prefer not to say", NOT_DECLARED), ("Unspecified", NOT_DECLARED),
    ("", NOT_DECLARED), ("   ", NOT_DECLARED), (None, NOT_DECLARED), (float("nan"), NOT_DECLARED),
    ("Z Not Declared", NOT_DECLARED), ("Unknown", NOT_DECLARED), ("Not known", NOT_DECLARED),
])
def test_recognise_reads_esr_values_and_group_names(value, group):
    assert recognise(value) == group


@pytest.mark.parametrize("value", ["Yess", "Maybe", "Dyslexia", "N Yes", "Y No", "Disabled?no", "2"])
def test_values_not_recognised_are_not_guessed(value):
    assert recognise(value) is None


@given(st.text(max_size=30))
def test_every_value_is_a_group_or_refused(text):
    assert recognise(text) in (*GROUPS, None)


def test_reading_explains_only_values_not_written_plainly():
    assert reading("Y Yes") == DISABLED
    assert reading("Not disabled") == NON_DISABLED
    assert reading("Yes") is None and reading("Not Declared") is None and reading("") is None


def test_classify_series_maps_each_row_and_counts_the_unrecognised():
    values = pd.Series(["Yes", "No", "Maybe", "Not Declared", "Maybe", "", "y yes"])
    groups, unknown = classify_series(values)
    assert groups.tolist() == [DISABLED, NON_DISABLED, None, NOT_DECLARED, None, NOT_DECLARED, DISABLED]
    assert unknown == {"Maybe": 2}


def _sheet(rows: list[tuple[str, str, str]]):
    frame = pd.DataFrame(rows, columns=["Staff Group", "Pay Band", "Disability"])
    sheet, problems = read_sheet("workforce.csv", frame.to_csv(index=False).encode(), set(WANTED_BOTH))
    assert problems == []
    return sheet


def test_an_unrecognised_disability_value_is_a_problem_naming_its_rows():
    sheet = _sheet([("Administrative and Clerical", "Band 3", "Yes"),
                    ("Administrative and Clerical", "Band 3", "Maybe"),
                    ("Administrative and Clerical", "Band 4", "No"),
                    ("Administrative and Clerical", "Band 4", "Maybe")])
    parsed = read_workforce_disability(sheet)
    assert parsed.table is None
    assert [(p.row, p.column, p.message) for p in parsed.problems] == [
        (3, "Disability", "disability 'Maybe' is not recognised: use Yes, No, Not Declared, Prefer Not To Answer, "
                          "Unspecified or blank (or Disabled, Non-disabled, Not declared) (also in row 5)")]


def test_messy_values_are_tallied_into_the_three_groups_and_the_readings_say_how():
    sheet = _sheet([("Administrative and Clerical", "Band 3", " YES"), ("Administrative and Clerical", "Band 3", "y yes"),
                    ("Administrative and Clerical", "Band 3", "N - No"), ("Administrative and Clerical", "Band 3", ""),
                    ("Administrative and Clerical", "Band 3", "Prefer Not To Answer"),
                    ("Administrative and Clerical", "Band 3", "unspecified")])
    parsed = read_workforce_disability(sheet)
    assert parsed.problems == []
    assert parsed.summary.groups == {DISABLED: 2, NON_DISABLED: 1, NOT_DECLARED: 3}
    assert "read 'y yes' as Disabled, 1 row" in parsed.summary.readings
    assert "read 'N - No' as Non-disabled, 1 row" in parsed.summary.readings


def test_an_aggregate_workforce_file_by_disability_is_summed():
    frame = pd.DataFrame({"band": ["Band 5", "Band 5", "Band 6"], "category": ["clinical"] * 3,
                          "disability": ["Disabled", "Non-disabled", "Not declared"], "headcount": ["3", "40", "7"]})
    sheet, _ = read_sheet("workforce.csv", frame.to_csv(index=False).encode(), set(WANTED_BOTH))
    parsed = read_workforce_disability(sheet)
    assert parsed.summary.layout == "aggregate"
    assert parsed.summary.groups == {DISABLED: 3, NON_DISABLED: 40, NOT_DECLARED: 7}


def test_a_workforce_file_without_a_disability_column_says_which_column_is_missing():
    frame = pd.DataFrame({"Staff Group": ["Administrative and Clerical"], "Pay Band": ["Band 3"]})
    sheet, _ = read_sheet("workforce.csv", frame.to_csv(index=False).encode(), set(WANTED_BOTH))
    parsed = read_workforce_disability(sheet)
    assert [p.column for p in parsed.problems] == ["Disability"]
    assert "missing column 'Disability'" in parsed.problems[0].message
