"""One data-pack file (CSV or XLSX) as a Sheet of text cells, and the error that lists a pack's problems.

Reading is `tracker.spreadsheets`' job, shared with the plan import: cells are text as the
spreadsheet shows them, never evaluated, and rows keep the numbers a spreadsheet user sees.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tracker.errors import DomainError
from tracker.spreadsheets import Problem, Unreadable, first_row, normalise_header, read_table
from tracker.zip_limits import DEFAULT as DEFAULT_LIMITS
from tracker.zip_limits import UnpackLimits

#: Where the header is when no row names any of the columns looked for.
HEADER_ROW = 1
ENCODINGS = {"cp1252": "Windows-1252", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16"}


class DataPackError(DomainError):
    """The data pack cannot be used; `problems` lists everything found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        heading = f"The data pack has {count} problem{'s' if count != 1 else ''}:"
        return "\n".join([heading, *(f"- {problem}" for problem in self.problems)])


@dataclass
class Sheet:
    """A file's cells as text; columns are normalised header names, the index is the row number."""

    file: str
    frame: pd.DataFrame
    headers: dict[str, str]
    header_row: int = HEADER_ROW
    #: How the file was read where it was not plain (the sheet and header row, names read as codes …),
    #: one sentence each, for the preview.
    readings: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        """Say how something in the file was read."""
        self.readings.append(text)

    def has(self, *names: str) -> str | None:
        """The first of `names` that is a column of this sheet."""
        return next((name for name in names if name in self.frame.columns), None)

    def header(self, name: str) -> str:
        """The column's header as written in the file."""
        return self.headers.get(name, name)

    def cells(self, name: str) -> pd.Series:
        """A column's cells with surrounding spaces removed."""
        return self.frame[name].str.strip()

    def codes(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Each row's position among the column's distinct values (spaces removed), and those values.

        Stripping the distinct values rather than every cell keeps large extracts fast.
        """
        raw_codes, raw_values = pd.factorize(self.frame[name], use_na_sentinel=False)
        stripped = np.array([str(value).strip() for value in raw_values], dtype=object)
        codes, values = pd.factorize(stripped, use_na_sentinel=False)
        return codes[raw_codes], values


def header_search(wanted: set[str] | None):
    """The header is the row, among a sheet's first 20, naming most of the `wanted` columns (the first of equals).

    Without `wanted` columns it is the first filled row.
    """
    def search(rows) -> tuple[int, int] | None:
        best = None
        for number, cells in rows:
            if wanted is None:
                return 1, number
            named = len({normalise_header(cell) for cell in cells} & wanted) if wanted else 0
            if named and (best is None or named > best[0]):
                best = (named, number)
        return best

    return search


def read_sheet(file: str, data: bytes, wanted: set[str] | None = None,
               expected: str = "", unpack: UnpackLimits = DEFAULT_LIMITS) -> tuple[Sheet | None, list[Problem]]:
    """CSV or XLSX bytes as a Sheet, or the problems that stop it being read.

    Only columns whose normalised header is in `wanted` are kept (all when None),
    which keeps wide ESR extracts fast to read. The header is the row among the first
    20 that names most of them, below any title rows; a workbook is read from the sheet
    where that row is found (a "Notes" sheet first is passed over), and when no sheet
    has one the problem names the sheets looked at and the columns `expected`.
    The Sheet's readings say which sheet and header row were read.
    """
    try:
        table = read_table(file, data, wanted=wanted, header=first_row, search=header_search(wanted),
                           expected=expected, unpack=unpack)
    except Unreadable as error:
        return None, error.problems
    sheet = Sheet(file, table.frame, table.headers, table.header_row)
    if table.sheet is not None:
        sheet.note(f"read sheet '{table.sheet}', header on row {table.header_row}")
    elif table.header_row != HEADER_ROW:
        sheet.note(f"header on row {table.header_row}")
    if table.encoding in ENCODINGS:
        sheet.note(f"read as {ENCODINGS[table.encoding]} text")
    return sheet, []
