"""Validating columns of a Sheet: counts, percentages and coded values, vectorised.

Distinct values are mapped once (pd.factorize), never row by row, so a
1.5 million-row ESR extract is handled in seconds.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace

import numpy as np
import pandas as pd

from tracker.indicators.tables import Sheet
from tracker.spreadsheets import Problem

FORMULA_HINT = " (formulas are not evaluated: enter the number itself)"
ROWS_LISTED = 5


def missing_columns(sheet: Sheet, required: dict[str, tuple[str, ...]], layout: str) -> list[Problem]:
    """A problem for each required column (name → accepted header names) not in the sheet."""
    return [
        Problem(sheet.file, sheet.header_row, name,
                f"missing column '{name}' (needed for {layout}; header names must be in row {sheet.header_row})")
        for name, aliases in required.items() if sheet.has(*aliases) is None
    ]


def rows_text(rows: np.ndarray) -> str:
    """' (also in rows 9, 12 and 3 others)' for repeated problems (empty when only one row)."""
    others = rows[1:]
    if not len(others):
        return ""
    listed = ", ".join(str(row) for row in others[:ROWS_LISTED])
    extra = len(others) - ROWS_LISTED
    noun = "row" if len(others) == 1 else "rows"
    return f" (also in {noun} {listed}" + (f" and {extra:,} others)" if extra > 0 else ")")


def rows_count(count: int) -> str:
    """'1 row', '1,204 rows'."""
    return f"{count:,} row{'s' if count != 1 else ''}"


def note_readings(sheet: Sheet, raw_codes: np.ndarray, raw_values, describe: Callable[[str], str | None]) -> None:
    """One reading per distinct value that `describe` explains: "read 'BAME' as BME, 2 rows"."""
    counts = np.bincount(raw_codes, minlength=len(raw_values)) if len(raw_codes) else np.zeros(len(raw_values), int)
    for value, count in zip(raw_values, counts):
        read_as = describe(value) if count else None
        if read_as:
            sheet.note(f"read '{value}' as {read_as}, {rows_count(int(count))}")


def map_values(
    sheet: Sheet, column: str, convert: Callable[[str], Hashable | None], message: Callable[[str], str],
    describe: Callable[[str], str | None] | None = None,
) -> tuple[np.ndarray, list, list[Problem]]:
    """Convert each distinct cell once; returns (codes per row, labels, problems).

    Cells whose conversion is None produce one problem per distinct value, at its first row.
    `describe` says how a value was read, for values worth telling the user about (see `note_readings`).
    """
    raw_codes, raw_values = sheet.codes(column)
    if describe is not None:
        note_readings(sheet, raw_codes, raw_values, describe)
    converted = [convert(value) for value in raw_values]
    codes, labels = pd.factorize(pd.Series(converted, dtype=object), use_na_sentinel=False)
    bad = np.array([i for i, result in enumerate(converted) if result is None], dtype=np.int64)
    problems = [
        Problem(sheet.file, int(at[0]), sheet.header(column), message(raw_values[position]) + rows_text(at))
        for position, at in rows_of(raw_codes, bad, sheet.frame.index.to_numpy())
    ]
    return codes[raw_codes], list(labels), problems


def rows_of(raw_codes: np.ndarray, positions: np.ndarray, rows: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(position, rows holding it) for each distinct-value position, in one sorted pass, by first row."""
    if not len(positions):
        return []
    mask = np.isin(raw_codes, positions)
    order = np.argsort(raw_codes[mask], kind="stable")
    codes, at = raw_codes[mask][order], rows[mask][order]
    starts = np.searchsorted(codes, positions)
    ends = np.searchsorted(codes, positions, side="right")
    found = [(int(p), at[s:e]) for p, s, e in zip(positions, starts, ends)]
    return sorted(found, key=lambda item: item[1][0])


def count_column(sheet: Sheet, column: str, *, what: str = "count") -> tuple[pd.Series, list[Problem]]:
    """Whole, non-negative numbers (NaN where a cell is bad); one problem per bad cell."""
    cells = sheet.cells(column)
    values = pd.to_numeric(cells.str.replace(",", "", regex=False), errors="coerce")
    problems = []
    bad = values.isna() | (values < 0) | (values % 1 != 0)
    for row, text, value in zip(cells.index[bad], cells[bad], values[bad]):
        problems.append(Problem(sheet.file, int(row), sheet.header(column), _count_message(text, value, what)))
    return values.where(~bad), problems


def _count_message(text: str, value: float, what: str) -> str:
    """Why a cell is not a usable count."""
    if text == "":
        return f"{what} is blank: enter 0 if there were none"
    if pd.isna(value):
        hint = FORMULA_HINT if text.startswith("=") else ""
        return f"'{text}' is not a number{hint}"
    if value < 0:
        return f"{what} cannot be negative ('{text}')"
    return f"{what} must be a whole number ('{text}')"


def percent_column(sheet: Sheet, column: str) -> tuple[pd.Series, list[Problem]]:
    """Percentages 0-100, written as 30.21 or "30.21%"; one problem per bad cell."""
    cells = sheet.cells(column)
    values = pd.to_numeric(cells.str.rstrip("%").str.strip(), errors="coerce")
    problems = []
    bad = values.isna() | (values < 0) | (values > 100)
    for row, text, value in zip(cells.index[bad], cells[bad], values[bad]):
        if text == "":
            message = "percentage is blank"
        elif pd.isna(value):
            message = f"'{text}' is not a percentage" + (FORMULA_HINT if text.startswith("=") else "")
        else:
            message = f"percentage must be between 0 and 100 ('{text}')"
        problems.append(Problem(sheet.file, int(row), sheet.header(column), message))
    return values, problems


def optional_count_column(sheet: Sheet, column: str | None, what: str) -> tuple[pd.Series, list[Problem]]:
    """Like count_column, but blanks are allowed (and become NaN); a missing column is all NaN."""
    if column is None:
        return pd.Series(np.nan, index=sheet.frame.index), []
    cells = sheet.cells(column)
    present = cells != ""
    values, problems = count_column(replace(sheet, frame=sheet.frame[present]), column, what=what)
    return values.reindex(sheet.frame.index), problems


def tally(columns: dict[str, tuple[np.ndarray, list]], weights: np.ndarray | None = None) -> pd.DataFrame:
    """Count (or sum `weights`) per combination of coded columns → one row per combination."""
    sizes = [len(labels) for _, labels in columns.values()]
    if not sizes or min(sizes) == 0:
        return pd.DataFrame({**{name: [] for name in columns}, "count": []})
    key = np.zeros(len(next(iter(columns.values()))[0]), dtype=np.int64)
    for (codes, _), size in zip(columns.values(), sizes):
        key = key * size + codes
    totals = np.bincount(key, weights=weights, minlength=int(np.prod(sizes)))
    present = np.nonzero(totals)[0] if weights is None else np.unique(key)
    frame, rest = {}, present
    for name, size in zip(reversed(list(columns)), reversed(sizes)):
        frame[name] = [columns[name][1][i] for i in rest % size]
        rest = rest // size
    frame = {name: frame[name] for name in columns}
    return pd.DataFrame({**frame, "count": totals[present]})
