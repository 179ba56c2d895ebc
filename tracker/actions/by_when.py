"""Reading the "by when" of an action.

Action plans say when an action is due the way people write it. The text is always kept as
written; from it the tracker works out a kind and an effective due date, used for sorting,
overdue flags and reminders. Text that cannot be read is kept and flagged, never rejected.

How "by when" text is read:
- Financial years run 1 April to 31 March: "2024-25", "2024/25", "24-25" and "2024-2025"
  all mean 1 April 2024 to 31 March 2025.
- Quarters follow the financial year: Q1 April-June, Q2 July-September, Q3 October-December,
  Q4 January-March. "Q3 2024-25" is due 31 December 2024, "Q4 2024/25" 31 March 2025.
  A quarter with a single year means the financial year starting in that year: "Q3 2024" is
  October-December 2024 and "Q4 2024" is January-March 2025. "Q3" alone uses the plan's year.
- Dates are always day first: "31/12/2024", "31.12.24", "31-12-2024", "2024-12-31",
  "31st Dec 2024", "December 31, 2024" are due that day. Impossible dates such as
  "31/02/2024" are not read.
- Months ("Dec 2024", "Sept 24", "Mar-25", "10.2024", "08.24") are due on their last day;
  "end March 2025" and "by March 2025" are due 31 March 2025.
- Seasons are due on their last day and count as quarters: Spring is March-May, Summer
  June-August, Autumn September-November, Winter December-February ("Winter 2024" is due
  28 February 2025).
- Year-long: "Throughout 2024-25", "Phase thru' 24-25", "during 2024-25", "by end of 2024-25"
  and a bare "2024-25" are due on 31 March ending that financial year. "Throughout year",
  "In year" and "year end" use the plan's year, and are not read when there is none.
  A calendar year ("end of 2025", "during 2025") is due 31 December.
- Several dates in one text ("08.24 09.24 10.2024", "Oct 2024 then Dec 2024"): the latest is
  the due date. When two end on the same day the more precise one gives the kind.
- "From Sept 2024", "From Autumn 2021": ongoing, starting on the first day of that month or
  season. With a later date as well ("From Sept 2024 to March 2025") it is due on that date.
- "Ongoing", "Continuous", "As opportunity arises" (with no date) are ongoing, with no due date.
- Two-digit years are 20xx; only years 2000 to 2099 are read.
- Words around a date are ignored: "Agree by end Sept 2020" is due 30 September 2020 and
  "TBC Nov 2024" 30 November 2024.
- A blank cell or a dash is empty; anything else that cannot be read ("TBC", "DETAIL TO BE
  DEVELOPED") is unparsed: kept as written, with no due date, and flagged.

The same by-when a year later (for an action carried forward into next year's plan):
- Every year that was read moves on by one, written as it was: "31/10/2024" becomes
  "31/10/2025", "Oct 24" "Oct 25", "Q3 2024-25" "Q3 2025-26", "Throughout 2024-25"
  "Throughout 2025-26", "From Sept 2024 to March 2025" "From Sept 2025 to March 2026".
  A 29 February that has no match next year becomes the 28th.
- "Ongoing", "From Sept 2024" (ongoing, with no due date), blank text, and text that counts from
  the plan's year ("Throughout year", "Q3") stay as written: the new plan's year gives them theirs.
- Text that cannot be read stays as written and is flagged, and so does text whose result would
  not read as the same kind of date one year later (or would pass 2099).
"""
from __future__ import annotations

import calendar
import enum
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime


class ByWhenKind(enum.StrEnum):
    """What sort of "by when" a text is."""

    DATE = "date"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    ONGOING = "ongoing"
    UNPARSED = "unparsed"
    EMPTY = "empty"


@dataclass(frozen=True)
class ByWhen:
    """A by-when as written, with its kind, effective due date and start date."""

    text: str
    kind: ByWhenKind
    due: date | None
    starts: date | None = None

    @property
    def is_parsed(self) -> bool:
        """True when the text was understood: neither unparsed nor empty."""
        return self.kind not in (ByWhenKind.UNPARSED, ByWhenKind.EMPTY)


@dataclass(frozen=True)
class _Period:
    kind: ByWhenKind
    first: date
    last: date


class _Skip(enum.Enum):
    """A match that belongs to a later pattern, so it is left in the text."""

    SKIP = enum.auto()


_Reader = Callable[[re.Match[str], int | None], "_Period | None | _Skip"]

_PRECISION = {ByWhenKind.YEAR: 0, ByWhenKind.QUARTER: 1, ByWhenKind.MONTH: 2, ByWhenKind.DATE: 3}
_MONTH_NUMBERS = {name: number for number, name in
                  enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_SEASON_FIRST_MONTHS = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}

_DIGITS = r"20[0-9]{2}|[0-9]{2}"
_YEAR = r"(?P<y>20[0-9]{2}|[0-9]{2})(?![0-9])"
_SECOND_YEAR = r"(?: ?[-/] ?(?P<y2>20[0-9]{2}|[0-9]{2}))"
_MONTH_NAME = (r"(?<![a-z])(?P<mn>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
               r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?")
_ORDINAL = r"(?:st|nd|rd|th)?"

_ISO_DATE = re.compile(r"(?<![0-9])(?P<y>20[0-9]{2})(?P<sep>[-/.])(?P<mo>[0-9]{1,2})(?P=sep)"
                       r"(?P<d>[0-9]{1,2})(?![0-9])")
_NUMERIC_DATE = re.compile(r"(?<![0-9])(?P<d>[0-9]{1,2})(?P<sep>[-/.])(?P<mo>[0-9]{1,2})(?P=sep)" + _YEAR)
_MONTH_FIRST_DATE = re.compile(_MONTH_NAME + r" (?P<d>[0-9]{1,2})" + _ORDINAL
                               + r",? (?P<y>20[0-9]{2})(?![0-9])")
_DAY_FIRST_DATE = re.compile(r"(?<![0-9])(?P<d>[0-9]{1,2})" + _ORDINAL + r"[ -](?:of )?"
                             + _MONTH_NAME + r"[ ,'-]{0,3}" + _YEAR)
_QUARTER = re.compile(r"(?<![a-z0-9])(?:(?:q|quarter )[1-4] ?(?:-|/|&|and|to|or) ?){0,3}"
                      r"(?:q|quarter )(?P<q>[1-4])(?![0-9])"
                      rf"(?:[ ,]{{0,2}}(?:fy ?)?(?P<y1>{_DIGITS}){_SECOND_YEAR}?(?![0-9]))?")
_SEASON = re.compile(r"(?<![a-z])(?P<season>spring|summer|autumn|winter)(?![a-z])[ ,'-]{0,3}"
                     rf"(?P<y1>{_DIGITS}){_SECOND_YEAR}?(?![0-9])")
# A two-digit first year only pairs with a two-digit second ("24-25"), so "07/2008" is a month.
_FINANCIAL_YEAR = (r"(?P<y1>20[0-9]{2}|[0-9]{2}(?= ?[-/] ?[0-9]{2}(?![0-9])))"
                   rf"{_SECOND_YEAR}(?![0-9])")
_FINANCIAL_YEAR_ANYWHERE = re.compile(r"(?<![0-9])" + _FINANCIAL_YEAR)
_MONTH_YEAR = re.compile(_MONTH_NAME + r"[ ,'/-]{0,3}" + _YEAR)
_NUMERIC_MONTH_YEAR = re.compile(r"(?<![0-9./£$-])(?P<mo>0[1-9]|1[0-2]|[1-9](?=[./]20[0-9]{2}))"
                                 rf"[./](?P<y>{_DIGITS})(?![0-9%]|[./-][0-9])")
_CALENDAR_YEAR = re.compile(r"(?<![a-z])(?:end (?:of )?(?:the )?(?:calendar )?(?:year )?|throughout "
                            r"|during |in |thru'? |through )(?P<y>20[0-9]{2})(?![0-9]| ?[-/] ?[0-9])")
_PLAN_YEAR_WORDS = re.compile(
    r"(?<![a-z])(?:in[- ]year|(?:throughout|during|across|within|over|thru'?|through) (?:the )?"
    r"(?:financial |plan |whole )?year|this (?:financial )?year|(?:financial )?year[- ]end"
    r"|end of (?:the )?(?:financial )?year)(?![a-z])(?! ?[0-9])")
_ONGOING_WORDS = re.compile(
    r"(?<![a-z])(?:on[- ]?going|continu(?:ous|al)(?:ly)?|as (?:and when|required|needed)"
    r"|as (?:the )?opportunit(?:y|ies) aris(?:es|e))(?![a-z])")
_STARTING_WORD = re.compile(r"(?<![a-z])(?:from|start(?:ing)?|commenc(?:e|ing)|begin(?:ning)?)"
                            r"(?: in| on)?[ \x00]*$")
_MONTH_BEFORE = re.compile(_MONTH_NAME + r" $")
_PLAN_YEAR = re.compile(_FINANCIAL_YEAR)
_DASHES_ONLY = re.compile(r"[-‐‑‒–—―−\s]*")
_SPACES = re.compile(r"\s+")
_TYPOGRAPHY = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-",
                             "−": "-", "‘": "'", "’": "'", "`": "'"})
_BLANK = "\x00"


def parse_by_when(text: str | date | None, *, plan_year: str | None = None) -> ByWhen:
    """Read a by-when as written (see the module rules); never raises for any text.

    Dates from spreadsheet cells are accepted as they are; None, NaN and NaT count as blank.
    plan_year ("2024-25") gives "Throughout year", "In year" and a bare "Q3" their year;
    a malformed plan_year is a programming error and raises ValueError.
    """
    plan_start = None if plan_year is None else plan_year_bounds(plan_year)[0].year
    if isinstance(text, date) and text == text:
        day = text.date() if isinstance(text, datetime) else text
        return ByWhen(day.strftime("%d/%m/%Y"), ByWhenKind.DATE, day)
    stripped = _cell_text(text)
    if _DASHES_ONLY.fullmatch(stripped):
        return ByWhen(stripped, ByWhenKind.EMPTY, None)
    normalised = _normalise(stripped)
    found = _scan(normalised, plan_start)
    dues = [period for period, is_start in found if not is_start]
    starts = min((period.first for period, is_start in found if is_start), default=None)
    if dues:
        latest = max(dues, key=lambda period: (period.last, _PRECISION[period.kind]))
        return ByWhen(stripped, latest.kind, latest.last, starts)
    if starts is not None or _ONGOING_WORDS.search(normalised):
        return ByWhen(stripped, ByWhenKind.ONGOING, None, starts)
    return ByWhen(stripped, ByWhenKind.UNPARSED, None)


def plan_year_bounds(plan_year: str) -> tuple[date, date]:
    """First and last day of a financial year written like "2024-25" (1 April to 31 March)."""
    match = _PLAN_YEAR.fullmatch(_normalise(plan_year.strip())) if isinstance(plan_year, str) else None
    start = _financial_year_start(match["y1"], match["y2"]) if match else None
    if start is None:
        raise ValueError(f"plan year {plan_year!r} is not a financial year: write it like "
                         "'2024-25' (1 April 2024 to 31 March 2025)")
    return date(start, 4, 1), date(start + 1, 3, 31)


@dataclass(frozen=True)
class YearLater:
    """A by-when moved on a year, and whether it was understood (else it is kept as written: check it)."""

    text: str
    recognised: bool


def a_year_later(text: str | None, *, plan_year: str | None = None) -> YearLater:
    """The same date, month, quarter or year one year later, written the same way (see the module rules).

    plan_year is the year of the plan the text comes from: with it "Throughout year" and "Q3"
    are understood (and kept as written). Never raises for any text.
    """
    stripped = _cell_text(text)
    before = parse_by_when(stripped, plan_year=plan_year)
    if before.kind in (ByWhenKind.EMPTY, ByWhenKind.ONGOING):
        return YearLater(stripped, True)
    lined_up = _normalise_with_positions(stripped) if before.is_parsed else None
    if lined_up is None:
        return YearLater(stripped, False)
    normalised, positions = lined_up
    reads: list[tuple[re.Match[str], _Period]] = []
    _scan(normalised, None if plan_year is None else plan_year_bounds(plan_year)[0].year, reads)
    edits = _year_later_edits(reads)
    if edits is None:
        return YearLater(stripped, False)
    if not edits:
        return YearLater(stripped, True)
    later = stripped
    for (start, end), replacement in sorted(edits.items(), reverse=True):
        later = later[:positions[start]] + replacement + later[positions[end - 1] + 1:]
    after = parse_by_when(later, plan_year=None if plan_year is None else _next_plan_year(plan_year))
    if (after.kind, _a_year_on(before.due), _a_year_on(before.starts)) != (
            before.kind, _month_of(after.due), _month_of(after.starts)):
        return YearLater(stripped, False)
    return YearLater(later, True)


def is_missing(value: object) -> bool:
    """None, or the NaN and NaT a spreadsheet library gives for an empty cell (the only values
    not equal to themselves), so this pure module needs no pandas to spot them."""
    return value is None or value != value


def _cell_text(value: object) -> str:
    """The stripped text of a cell; missing values (None, NaN, NaT) are blank."""
    return "" if is_missing(value) else str(value).strip()


def _normalise(text: str) -> str:
    """Lower case, plain dashes and quotes, single spaces, compatibility digits as ASCII."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY).lower())


def _normalise_with_positions(text: str) -> tuple[str, list[int]] | None:
    """_normalise(text), with where each of its characters came from in text; None when the two do
    not line up (a character whose normal form depends on its neighbours)."""
    characters: list[str] = []
    positions: list[int] = []
    for index, character in enumerate(text):
        for piece in unicodedata.normalize("NFKC", character).translate(_TYPOGRAPHY).lower():
            if piece.isspace():
                if characters and characters[-1] == " ":
                    continue
                piece = " "
            characters.append(piece)
            positions.append(index)
    normalised = "".join(characters)
    return (normalised, positions) if normalised == _normalise(text) else None


def _year_later_edits(reads: list[tuple[re.Match[str], _Period]]) -> dict[tuple[int, int], str] | None:
    """{span of a year (or a 29 February's day): what it becomes a year later}; None past 2099."""
    edits = {}
    for match, period in reads:
        groups = match.groupdict()
        for name in ("y", "y1", "y2"):
            if groups.get(name):
                digits = groups[name]
                later = _year(digits) + 1
                if later > 2099:
                    return None
                edits[match.span(name)] = str(later) if len(digits) == 4 else f"{later % 100:02d}"
        if period.kind == ByWhenKind.DATE and (period.last.month, period.last.day) == (2, 29):
            edits[match.span("d")] = "28"
    return edits


def _next_plan_year(plan_year: str) -> str:
    start = plan_year_bounds(plan_year)[0].year + 1
    return f"{start}-{(start + 1) % 100:02d}"


def _a_year_on(day: date | None) -> tuple[int, int] | None:
    """(year, month) a year after day: what the moved text must be due in."""
    return None if day is None else (day.year + 1, day.month)


def _month_of(day: date | None) -> tuple[int, int] | None:
    return None if day is None else (day.year, day.month)


def _scan(text: str, plan_start: int | None,
          reads: list[tuple[re.Match[str], _Period]] | None = None) -> list[tuple[_Period, bool]]:
    """Every period found, most specific patterns first; each match is blanked once read.

    Blanking stops "31.12.2024" being read again as the month "12.2024", and "Q3 2024-25"
    again as the year "2024-25". The flag says whether the period is a start ("From ...").
    `reads`, when given, receives each match that was read with its period.
    """
    found = []
    for pattern, read in _READERS:
        spans = []
        for match in pattern.finditer(text):
            period = read(match, plan_start)
            if period is _Skip.SKIP:
                continue
            spans.append(match.span())
            if period is not None:
                found.append((period, _is_start(text, match.start())))
                if reads is not None:
                    reads.append((match, period))
        text = _blank(text, spans)
    return found


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the given spans replaced by a filler no pattern matches."""
    parts, position = [], 0
    for start, end in spans:
        parts += [text[position:start], _BLANK * (end - start)]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _is_start(text: str, position: int) -> bool:
    """Whether the words just before position say it is a start date ("from", "starting")."""
    return _STARTING_WORD.search(text[max(0, position - 40):position]) is not None


def _year(digits: str) -> int:
    """A year from two or four digits; two-digit years are 20xx."""
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _financial_year_start(first: str, second: str) -> int | None:
    """The start year of "2024-25" style years, or None when the years are not consecutive."""
    start = _year(first)
    return start if _year(second) == start + 1 else None


def _months(kind: ByWhenKind, year: int, month: int, count: int) -> _Period:
    """A run of count months from the given month; months past 12 roll into the next year."""
    first_year, first_month = divmod(year * 12 + month - 1, 12)
    last_year, last_month = divmod(year * 12 + month + count - 2, 12)
    last_day = calendar.monthrange(last_year, last_month + 1)[1]
    return _Period(kind, date(first_year, first_month + 1, 1), date(last_year, last_month + 1, last_day))


def _month_number(match: re.Match[str]) -> int:
    """The month of a match, written as a number or as a name."""
    name = match.groupdict().get("mn")
    return _MONTH_NUMBERS[name[:3]] if name else int(match["mo"])


def _read_date(match: re.Match[str], _plan_start: int | None) -> _Period | None:
    """A day; None when no such day exists (31/02/2024)."""
    try:
        day = date(_year(match["y"]), _month_number(match), int(match["d"]))
    except ValueError:
        return None
    return _Period(ByWhenKind.DATE, day, day)


def _read_day_first_date(match: re.Match[str], plan_start: int | None) -> _Period | None | _Skip:
    """A day such as "31st Dec 2024", unless it is "Jun 24 Nov 24" (two months)."""
    if _MONTH_BEFORE.search(match.string[max(0, match.start() - 12):match.start()]):
        return _Skip.SKIP
    return _read_date(match, plan_start)


def _read_quarter(match: re.Match[str], plan_start: int | None) -> _Period | None:
    """A financial-year quarter; a bare "Q3" needs the plan year."""
    if match["y2"]:
        start = _financial_year_start(match["y1"], match["y2"])
    else:
        start = _year(match["y1"]) if match["y1"] else plan_start
    if start is None:
        return None
    return _months(ByWhenKind.QUARTER, start, 3 * int(match["q"]) + 1, 3)


def _read_season(match: re.Match[str], _plan_start: int | None) -> _Period | None:
    """A season; with a financial year, spring falls in its second calendar year."""
    season = match["season"]
    year = _year(match["y1"])
    if match["y2"]:
        start = _financial_year_start(match["y1"], match["y2"])
        if start is None:
            return None
        year = start + 1 if season == "spring" else start
    return _months(ByWhenKind.QUARTER, year, _SEASON_FIRST_MONTHS[season], 3)


def _read_financial_year(match: re.Match[str], _plan_start: int | None) -> _Period | _Skip:
    """A whole financial year; other number pairs ("12/24") are left for the month patterns."""
    start = _financial_year_start(match["y1"], match["y2"])
    return _Skip.SKIP if start is None else _months(ByWhenKind.YEAR, start, 4, 12)


def _read_month(match: re.Match[str], _plan_start: int | None) -> _Period:
    """A whole calendar month."""
    return _months(ByWhenKind.MONTH, _year(match["y"]), _month_number(match), 1)


def _read_calendar_year(match: re.Match[str], _plan_start: int | None) -> _Period:
    """A whole calendar year ("end of 2025")."""
    return _months(ByWhenKind.YEAR, _year(match["y"]), 1, 12)


def _read_plan_year(_match: re.Match[str], plan_start: int | None) -> _Period | None:
    """The plan's financial year ("Throughout year", "In year"), when known."""
    return None if plan_start is None else _months(ByWhenKind.YEAR, plan_start, 4, 12)


_READERS: list[tuple[re.Pattern[str], _Reader]] = [
    (_ISO_DATE, _read_date),
    (_NUMERIC_DATE, _read_date),
    (_MONTH_FIRST_DATE, _read_date),
    (_DAY_FIRST_DATE, _read_day_first_date),
    (_QUARTER, _read_quarter),
    (_SEASON, _read_season),
    (_FINANCIAL_YEAR_ANYWHERE, _read_financial_year),
    (_MONTH_YEAR, _read_month),
    (_NUMERIC_MONTH_YEAR, _read_month),
    (_CALENDAR_YEAR, _read_calendar_year),
    (_PLAN_YEAR_WORDS, _read_plan_year),
]
