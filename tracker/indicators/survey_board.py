"""Readers for the staff survey (indicators 5-8) and board register (indicator 9) files."""
from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from tracker.indicators.cells import (
    map_values,
    missing_columns,
    note_readings,
    optional_count_column,
    percent_column,
    rows_count,
    tally,
)
from tracker.indicators.ethnicity import BME, WHITE, reading, recognise
from tracker.indicators.fields import ETHNIC_ORIGIN, GROUP, group_field
from tracker.indicators.readers import Parsed, finish_file, no_rows_problem
from tracker.indicators.tables import Sheet
from tracker.spreadsheets import Problem

SURVEY_INDICATORS = (5, 6, 7, 8)
EXECUTIVE = "executive"
NON_EXECUTIVE = "non-executive"
_INDICATOR = re.compile(r"(?:indicator|ind)?\s*([5-8])(?:\.0+)?", re.IGNORECASE)
_VOTING = {"yes": True, "y": True, "true": True, "1": True, "voting": True,
           "no": False, "n": False, "false": False, "0": False, "non voting": False}
_NON_EXECUTIVE_WORDS = ("non exec", "ned", "chair", "non executive")


def _words(value: str) -> str:
    """Lower case, punctuation as single spaces."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", value.lower()).split())


def role_of(value: str) -> str | None:
    """executive / non-executive for a board role ('Executive Director', 'NED', 'Chair')."""
    words = _words(value)
    if words.startswith(_NON_EXECUTIVE_WORDS):
        return NON_EXECUTIVE
    if words.startswith("exec") or words in {"chief executive", "executive director"}:
        return EXECUTIVE
    return None


def voting_of(value: str) -> bool | None:
    """True / False for yes / no; None when not recognised."""
    return _VOTING.get(_words(value))


def read_survey(sheet: Sheet, bme_labels: Iterable[str] = ()) -> Parsed:
    """indicator (5-8), group (BME / White), percent, responses (optional)."""
    required = {"indicator": ("indicator",), "group": ("group",), "percent": ("percent",)}
    problems = missing_columns(sheet, required, "a survey file (indicator, group, percent, responses)")
    if problems:
        return Parsed(None, None, problems)
    labels = tuple(bme_labels)
    indicators, problems = _indicator_column(sheet)
    groups = sheet.cells("group").map(lambda value: recognise(value, labels))
    note_readings(sheet, *sheet.codes("group"), lambda value: reading(value, labels))
    for row in groups.index[~groups.isin([BME, WHITE])]:
        problems.append(Problem(sheet.file, int(row), sheet.header("group"),
                                f"survey group must be BME or White, not '{sheet.cells('group')[row]}'"))
    percents, percent_problems = percent_column(sheet, "percent")
    percents, fraction_problems = _fractions(sheet, percents)
    percent_problems += fraction_problems
    responses, response_problems = optional_count_column(sheet, sheet.has("responses"), "responses")
    table = pd.DataFrame({"indicator": indicators, "group": groups, "percent": percents,
                          "responses": responses}).reset_index(names="row")
    problems += no_rows_problem(sheet) + percent_problems + response_problems + _repeats(sheet, table)
    return finish_file("survey", sheet, "aggregate", table.drop(columns="row"), "responses", problems)


def _rows_phrase(rows) -> str:
    """'row 3', 'rows 3 and 5', 'rows 2, 4 and 6'."""
    rows = [str(int(row)) for row in rows]
    if len(rows) == 1:
        return f"row {rows[0]}"
    return f"rows {', '.join(rows[:-1])} and {rows[-1]}"


def _fractions(sheet: Sheet, percents: pd.Series) -> tuple[pd.Series, list[Problem]]:
    """Percentages given as fractions of 1 (0.3021 for 30.21%) are read as such when every one is.

    A number written with '%' is always a percentage. When every other number is between 0 and 1
    they are fractions, multiplied by 100 (and the preview says so); a file mixing fractions with
    percentages above 1 is a problem naming the rows of each.
    """
    written = sheet.cells("percent")
    plain = ~written.str.endswith("%")
    fraction = plain & (percents > 0) & (percents <= 1)
    percentage = (percents > 0) & (~plain | (percents > 1)) & (percents <= 100)
    if not fraction.any():
        return percents, []
    if percentage.any():
        fraction_rows, percent_rows = fraction.index[fraction], percentage.index[percentage]
        return percents, [Problem(
            sheet.file, int(fraction_rows[0]), sheet.header("percent"),
            f"percent mixes fractions and percentages: {_rows_phrase(fraction_rows)} "
            f"{'holds a fraction' if len(fraction_rows) == 1 else 'hold fractions'} between 0 and 1 "
            f"({', '.join(written[fraction].head(5))}) but {_rows_phrase(percent_rows)} "
            f"{'holds a percentage' if len(percent_rows) == 1 else 'hold percentages'} "
            f"({', '.join(written[percentage].head(5))}); write them all one way, e.g. 0.3021 or 30.21")]
    sheet.note(f"read percentages given as fractions (e.g. {written[fraction].iloc[0]} as "
               f"{percents[fraction].iloc[0] * 100:g}%), {rows_count(int(plain.sum()))}")
    return percents.where(~plain, percents * 100), []


def _indicator_column(sheet: Sheet) -> tuple[pd.Series, list[Problem]]:
    """Indicator numbers 5-8 ('5', 'Indicator 5')."""
    cells = sheet.cells("indicator")
    found = cells.str.fullmatch(_INDICATOR.pattern, case=False)
    numbers = cells.str.extract(_INDICATOR.pattern, flags=re.IGNORECASE)[0]
    problems = [Problem(sheet.file, int(row), sheet.header("indicator"),
                        f"indicator must be 5, 6, 7 or 8, not '{cells[row]}'")
                for row in cells.index[~found]]
    return pd.to_numeric(numbers.where(found), errors="coerce").astype("Int64"), problems


def _repeats(sheet: Sheet, table: pd.DataFrame) -> list[Problem]:
    """Each indicator and group once only."""
    keyed = table.dropna(subset=["indicator", "group"])
    repeated = keyed[keyed.duplicated(subset=["indicator", "group"])]
    return [Problem(sheet.file, int(item.row), sheet.header("group"),
                    f"indicator {item.indicator} {item.group} is given more than once")
            for item in repeated.itertuples()]


def read_board(sheet: Sheet, bme_labels: Iterable[str] = ()) -> Parsed:
    """One row per board member: Ethnic Origin (or group), role, voting."""
    required = {"Ethnic Origin": ETHNIC_ORIGIN + GROUP, "role": ("role",), "voting": ("voting",)}
    problems = missing_columns(sheet, required, "a board file (Ethnic Origin or group, role, voting)")
    if problems:
        return Parsed(None, None, problems)
    group, problems = group_field(sheet, bme_labels)
    role_codes, roles, role_problems = map_values(
        sheet, "role", role_of,
        lambda v: f"unknown role '{v}': use executive or non-executive" if v else "role is blank")
    voting_codes, votes, voting_problems = map_values(
        sheet, "voting", voting_of,
        lambda v: f"voting must be yes or no, not '{v}'" if v else "voting is blank")
    problems += no_rows_problem(sheet) + role_problems + voting_problems
    table = tally({"group": group, "role": (role_codes, roles), "voting": (voting_codes, votes)})
    table = table.rename(columns={"count": "members"}).astype({"members": np.int64})
    return finish_file("board", sheet, "row-level", table, "members", problems)
