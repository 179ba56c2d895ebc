"""Readers for the workforce, recruitment, disciplinary and training files.

Each reader turns a Sheet into a small aggregated table plus a FileSummary, or
problems. Row-level files are tallied; aggregate files are validated and summed.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tracker.indicators.cells import count_column, missing_columns, percent_column, tally
from tracker.indicators.ethnicity import GROUPS, UNKNOWN
from tracker.indicators.fields import (
    ETHNIC_ORIGIN,
    GROUP,
    HEADCOUNT,
    PAY_BAND,
    STAFF_GROUP,
    Coded,
    band_field,
    category_field,
    duplicate_numbers,
    group_field,
)
from tracker.indicators.tables import Sheet
from tracker.spreadsheets import Problem

ANY_GROUP = ETHNIC_ORIGIN + GROUP


@dataclass(frozen=True)
class FileSummary:
    """What one file held, for the preview screen."""

    kind: str
    file: str
    layout: str
    rows: int
    groups: dict[str, float] = field(default_factory=dict)
    #: How the file was read where it was not plain: sheet and header row, names read as codes, …
    readings: tuple[str, ...] = ()

    @property
    def unknown(self) -> float:
        """People (or counts) whose ethnic group is Unknown."""
        return self.groups.get(UNKNOWN, 0)

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data."""
        groups = {name: _plain(value) for name, value in self.groups.items()}
        return {"kind": self.kind, "file": self.file, "layout": self.layout, "rows": self.rows,
                "groups": groups, "unknown": _plain(self.unknown), "readings": list(self.readings)}


@dataclass(frozen=True)
class Parsed:
    """A reader's result: the table and summary, or the problems found."""

    table: pd.DataFrame | None
    summary: FileSummary | None
    problems: list[Problem]


def _plain(value: float) -> int | float:
    """numpy numbers → int when whole, else float."""
    value = float(value)
    return int(value) if value.is_integer() else value


def _group_totals(table: pd.DataFrame, column: str) -> dict[str, float]:
    """Sum of `column` per group, in White, BME, Unknown order, groups present only."""
    sums = table.groupby("group")[column].sum()
    return {group: _plain(sums[group]) for group in GROUPS if group in sums.index}


def finish_file(kind: str, sheet: Sheet, layout: str, table: pd.DataFrame, count: str,
                problems: list[Problem]) -> Parsed:
    """Parsed with a summary, or only the problems when there are any."""
    if problems:
        return Parsed(None, None, sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    summary = FileSummary(kind, sheet.file, layout, len(sheet.frame), _group_totals(table, count),
                          tuple(sheet.readings))
    return Parsed(table, summary, [])


def no_rows_problem(sheet: Sheet) -> list[Problem]:
    """A problem when a file that must hold data has no data rows."""
    return [] if len(sheet.frame) else [Problem(sheet.file, None, None, "the file has no data rows")]


def read_workforce(sheet: Sheet, bme_labels: Iterable[str] = ()) -> Parsed:
    """Row-level ESR extract (Ethnic Origin, Pay Band, Staff Group) or aggregate (band, category, group, headcount)."""
    aggregate = sheet.has(*HEADCOUNT) is not None
    if aggregate:
        required = {"band": PAY_BAND, "group": ANY_GROUP, "headcount": HEADCOUNT}
        layout = "an aggregate workforce file (band, category, group, headcount)"
    else:
        required = {"Ethnic Origin": ANY_GROUP, "Pay Band": PAY_BAND, "Staff Group": STAFF_GROUP}
        layout = ("a row-level workforce file (Ethnic Origin, Pay Band, Staff Group; "
                  "or give an aggregate: band, category, group, headcount)")
    problems = missing_columns(sheet, required, layout)
    if problems:
        return Parsed(None, None, problems)
    group, group_problems = group_field(sheet, bme_labels)
    if sheet.has(*STAFF_GROUP):
        category, category_problems = category_field(sheet)
        band, band_problems = band_field(sheet, category)
    else:
        band, band_problems = band_field(sheet)
        category, category_problems = category_field(sheet, band)
    problems = no_rows_problem(sheet) + group_problems + band_problems + category_problems
    weights = None
    if aggregate:
        headcount, count_problems = count_column(sheet, sheet.has(*HEADCOUNT), what="headcount")
        weights, problems = headcount.fillna(0).to_numpy(float), problems + count_problems
    else:
        problems += duplicate_numbers(sheet)
    table = tally({"band": band, "category": category, "group": group}, weights)
    table = table.rename(columns={"count": "headcount"}).astype({"headcount": np.int64})
    return finish_file("workforce", sheet, "aggregate" if aggregate else "row-level", table,
                       "headcount", problems)


def read_recruitment(sheet: Sheet, bme_labels: Iterable[str] = ()) -> Parsed:
    """group, applications (optional), shortlisted, appointed; rows summed into groups."""
    required = {"group": ANY_GROUP, "shortlisted": ("shortlisted",), "appointed": ("appointed",)}
    problems = missing_columns(sheet, required, "a recruitment file (group, applications, shortlisted, appointed)")
    if problems:
        return Parsed(None, None, problems)
    (codes, labels), problems = group_field(sheet, bme_labels)
    columns = {}
    for name in ("applications", "shortlisted", "appointed"):
        if sheet.has(name):
            columns[name], found = count_column(sheet, name, what=name)
            problems += found
    problems += no_rows_problem(sheet) + _stage_problems(sheet, columns)
    frame = pd.DataFrame({"group": coded_labels((codes, labels)), **columns})
    table = frame.groupby("group").sum().reindex(list(GROUPS), fill_value=0).reset_index()
    if "applications" not in table:
        table["applications"] = np.nan
    table = table[["group", "applications", "shortlisted", "appointed"]]
    return finish_file("recruitment", sheet, "aggregate", table, "shortlisted", problems)


def _stage_problems(sheet: Sheet, columns: dict[str, pd.Series]) -> list[Problem]:
    """Shortlisted cannot exceed applications, nor appointed exceed shortlisted."""
    problems = []
    for earlier, later in (("applications", "shortlisted"), ("shortlisted", "appointed")):
        if earlier not in columns or later not in columns:
            continue
        over = columns[later] > columns[earlier]
        for row in columns[later].index[over]:
            problems.append(Problem(
                sheet.file, int(row), sheet.header(later),
                f"{later} ({_plain(columns[later][row])}) is more than {earlier} "
                f"({_plain(columns[earlier][row])})"))
    return problems


def _cases_file(kind: str, sheet: Sheet, count: str, bme_labels: Iterable[str]) -> Parsed:
    """Aggregate (group, <count>[, category]) or row-level (one row per person, Ethnic Origin[, Staff Group])."""
    aggregate = sheet.has(count) is not None
    problems = missing_columns(sheet, {"group": ANY_GROUP},
                               f"a {kind} file (group, {count}[, category]; or one row per person "
                               "with Ethnic Origin[, Staff Group])")
    if problems:
        return Parsed(None, None, problems)
    group, problems = group_field(sheet, bme_labels)
    category, category_problems = category_field(sheet)
    problems += category_problems
    weights = None
    if aggregate:
        values, count_problems = count_column(sheet, count, what=count)
        weights, problems = values.fillna(0).to_numpy(float), problems + count_problems
    table = tally({"group": group, "category": category}, weights)
    table = table.rename(columns={"count": count}).astype({count: np.int64})
    return finish_file(kind, sheet, "aggregate" if aggregate else "row-level", table, count, problems)


def read_disciplinary(sheet: Sheet, bme_labels: Iterable[str] = ()) -> Parsed:
    """Formal disciplinary cases: group, cases[, category] or one row per case."""
    return _cases_file("disciplinary", sheet, "cases", bme_labels)


def read_training(sheet: Sheet, bme_labels: Iterable[str] = ()) -> Parsed:
    """Non-mandatory training: group, accessed[, category]; group, percent; or one row per person."""
    if sheet.has("percent") is None:
        return _cases_file("training", sheet, "accessed", bme_labels)
    problems = missing_columns(sheet, {"group": ANY_GROUP}, "a training file (group, percent)")
    if problems:
        return Parsed(None, None, problems)
    (codes, labels), problems = group_field(sheet, bme_labels)
    values, percent_problems = percent_column(sheet, "percent")
    groups = pd.Series(coded_labels((codes, labels)), index=sheet.frame.index)
    problems += no_rows_problem(sheet) + percent_problems + _repeated_groups(sheet, groups)
    table = pd.DataFrame({"group": groups.to_numpy(), "percent": values.to_numpy()})
    table = table[table["group"] != UNKNOWN].reset_index(drop=True)
    return finish_file("training", sheet, "percent", table, "percent", problems)


def _repeated_groups(sheet: Sheet, groups: pd.Series) -> list[Problem]:
    """One percentage per group: a group given twice is a problem at its second row."""
    column = sheet.header(sheet.has(*ANY_GROUP))
    repeated = groups[groups.duplicated() & (groups != UNKNOWN)]
    return [Problem(sheet.file, int(row), column, f"{group} is given more than once")
            for row, group in repeated.items()]


def coded_labels(coded: Coded) -> np.ndarray:
    """The label of each row of a coded column."""
    codes, labels = coded
    return np.array(labels, dtype=object)[codes]
