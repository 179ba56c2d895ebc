"""How dates, indicator lists, values and RAG colours are written."""
from __future__ import annotations

from datetime import date

import pytest

from tracker.dates import long_date, short_date
from tracker.reports.word.wording import (
    RAG_FILLS,
    contrast,
    indicator_list,
    month_year,
    text_colour_on,
    trend_text,
    value_text,
)


def test_dates():
    assert long_date(date(2024, 9, 5)) == "5 September 2024"
    assert short_date(date(2024, 3, 12)) == "12 Mar 2024"
    assert month_year(date(2024, 9, 30)) == "09.24"


@pytest.mark.parametrize("numbers, text", [
    ((), ""), ((2,), "Indicator 2"), ((3, 2), "Indicators 2, 3"),
    (tuple(range(1, 10)), "Indicators 1-9"), ((1, 2, 3, 5, 7, 8), "Indicators 1-3, 5, 7, 8"),
])
def test_indicator_list(numbers, text):
    assert indicator_list(numbers) == text


def test_values_and_trends():
    assert value_text(11.111, "percent") == "11.11%"
    assert value_text(1.2066, "ratio") == "1.21"
    assert value_text(None, "ratio") == "–"
    assert trend_text("better") == "better ↑"
    assert trend_text("worse") == "worse ↓"
    assert trend_text(None) == "–"


def test_rag_text_colour_is_the_one_that_meets_aa_contrast():
    assert {rag: text_colour_on(fill) for rag, fill in RAG_FILLS.items()} == {
        "red": "000000", "amber": "000000", "green": "000000", "blue": "FFFFFF"}
    assert round(contrast("FFFFFF", "FF0000"), 2) == 4.0
    assert round(contrast("000000", "FF0000"), 2) == 5.25
    assert all(contrast(text_colour_on(fill), fill) >= 4.5 for fill in RAG_FILLS.values())
