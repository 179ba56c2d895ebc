"""The demo's calendar: the published plan moved onto the current financial year, and meeting dates.

Plain data in, plain data out. The demo is the trust's published plan for 2024-25; whatever day it
is loaded, its years are moved forward by whole years so that the plan runs in the current NHS
financial year (1 April to 31 March), and its forums' meetings are laid around today.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

_MONTH = (r"(?<![a-z])(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?")
#: The forms a year takes in a by-when, most specific first: an ISO date's year, a day-first date's
#: ("31/12/2024", "31.12.24"), a financial year pair ("2024-25", "24/25"), a month's year ("Oct 2024",
#: "Jun 24"), a numeric month's year ("08.24", "10.2024") and a bare four-digit year ("2025").
_YEARS = re.compile(
    r"(?P<iso>(?<![0-9])20[0-9]{2})(?=[-/.][0-9]{1,2}[-/.][0-9]{1,2}(?![0-9]))"
    r"|(?P<dm>(?<![0-9])[0-9]{1,2}(?P<dsep>[-/.])[0-9]{1,2}(?P=dsep))(?P<dy>20[0-9]{2}|[0-9]{2})(?![0-9])"
    r"|(?<![0-9])(?P<y1>20[0-9]{2}|[0-9]{2})(?P<sep> ?[-/] ?)(?P<y2>20[0-9]{2}|[0-9]{2})(?![0-9])"
    rf"|(?P<month>{_MONTH}[ ,'/-]{{0,3}})(?P<my>20[0-9]{{2}}|[0-9]{{2}})(?![0-9])"
    r"|(?P<mo>(?<![0-9.])(?:0?[1-9]|1[0-2])\.)(?P<moy>20[0-9]{2}|[0-9]{2})(?![0-9.])"
    r"|(?P<year>(?<![0-9])20[0-9]{2}(?![0-9]))",
    re.IGNORECASE,
)
WEEK = 7


def financial_year_start(day: date) -> int:
    """The calendar year the NHS financial year holding `day` starts in: 2026 for 6 December 2026."""
    return day.year if day.month >= 4 else day.year - 1


def year_label(start: int) -> str:
    """2026 → '2026-27'."""
    return f"{start}-{(start + 1) % 100:02d}"


def year_bounds(start: int) -> tuple[date, date]:
    """1 April and 31 March of the financial year starting in `start`."""
    return date(start, 4, 1), date(start + 1, 3, 31)


def years_moved(published_year: str, today: date) -> int:
    """How many years the plan published for `published_year` ('2024-25') moves to run this year."""
    return financial_year_start(today) - int(published_year[:4])


def _moved(digits: str, years: int) -> str:
    if len(digits) == 4:
        return str(int(digits) + years)
    return f"{(int(digits) + years) % 100:02d}"


def move_years(text: str, years: int) -> str:
    """The text with every year in it moved by `years`, written as it was written:
    'Oct 2024' → 'Oct 2026', "Phase thru' 24-25" → "Phase thru' 26-27", '08.24 09.24 10.2024' →
    '08.26 09.26 10.2026', '31/12/2024' → '31/12/2026'. Numbers that are not years are kept."""
    def replace(match: re.Match[str]) -> str:
        if match["iso"]:
            return _moved(match["iso"], years)
        if match["dm"]:
            return match["dm"] + _moved(match["dy"], years)
        if match["y1"]:
            first, second = match["y1"], match["y2"]
            if (int(first) + 1) % 100 != int(second) % 100:
                return match[0]
            return f"{_moved(first, years)}{match['sep']}{_moved(second, years)}"
        if match["month"]:
            return match["month"] + _moved(match["my"], years)
        if match["mo"]:
            return match["mo"] + _moved(match["moy"], years)
        return _moved(match["year"], years)

    return _YEARS.sub(replace, text) if years else text


def move_date(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February in a year without one)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def next_weekday_between(today: date, weekday: int, earliest: int, latest: int) -> date:
    """The first `weekday` (Monday 0) from `earliest` to `latest` days after today, else `latest` days after."""
    for days in range(earliest, latest + 1):
        day = today + timedelta(days=days)
        if day.weekday() == weekday:
            return day
    return today + timedelta(days=latest)


def meeting_dates(anchor: date, every_days: int, first: date, last: date) -> list[date]:
    """Every `every_days` days either side of `anchor`, from `first` to `last`."""
    day = anchor
    while day - timedelta(days=every_days) >= first:
        day -= timedelta(days=every_days)
    dates = []
    while day <= last:
        dates.append(day)
        day += timedelta(days=every_days)
    return dates
