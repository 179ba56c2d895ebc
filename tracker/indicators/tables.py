"""Reading one data-pack file (CSV or XLSX) into text cells, and describing problems.

Every cell is read as text and never evaluated: a cell starting with = + - @ stays
text. Rows are numbered as a spreadsheet user sees them (header = row 1).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from openpyxl import load_workbook
from tracker.errors import DomainError

HEADER_ROW = 1


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data pack, and where."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data."""
        return asdict(self)


class DataPackError(DomainError):
    """The data pack cannot be used; `problems` lists everything found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        heading = f"The data pack has {count} problem{'s' if count != 1 else ''}:"
        return "\n".join([heading, *(f"- {problem}" for problem in self.problems)])


class Unreadable(Exception):
    """The file cannot be read at all; the message says why in the user's words."""


@dataclass
class Sheet:
    """A file's cells as text; columns are normalised header names, the index is the row number."""

    file: str
    frame: pd.DataFrame
    headers: dict[str, str]

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


def normalise_header(text: object) -> str:
    """Header names are matched ignoring case, surrounding spaces and underscores."""
    return " ".join(str(text).replace("_", " ").lower().split())


def read_sheet(file: str, data: bytes, wanted: set[str] | None = None) -> tuple[Sheet | None, list[Problem]]:
    """Read CSV or XLSX bytes (by the file name's extension) into a Sheet.

    Only columns whose normalised header is in `wanted` are kept (all when None),
    which keeps wide ESR extracts fast to read.
    """
    try:
        if file.lower().endswith(".xlsx"):
            frame = _read_xlsx(data)
        else:
            frame = _read_csv(data, wanted)
    except Unreadable as error:
        return None, [Problem(file, None, None, str(error))]
    return _sheet(file, frame, wanted)


def _wanted_positions(header_line: str, wanted: set[str] | None) -> list[int] | None:
    """Positions of the header cells worth reading (None: all)."""
    if wanted is None:
        return None
    header = next(csv.reader([header_line.lstrip("\ufeff")]), [])
    return [i for i, name in enumerate(header) if normalise_header(name) in wanted] or [0]


def _read_csv(data: bytes, wanted: set[str] | None) -> pd.DataFrame:
    """CSV bytes (UTF-8, else Windows-1252) → a frame of strings; blank lines kept so row numbers stay true."""
    if data.startswith(b"PK\x03\x04"):
        raise Unreadable("this is an Excel workbook, not CSV text: name it .xlsx or save it as CSV")
    if b"\x00" in data:
        raise Unreadable("this is not CSV text (it holds binary data)")
    if not data or data.isspace():
        raise Unreadable("the file is empty")
    end = data.find(b"\n")
    header_line = data[: end if end >= 0 else len(data)]
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            columns = _wanted_positions(header_line.decode(encoding), wanted)
            frame = pd.read_csv(io.BytesIO(data), encoding=encoding, dtype=str, na_filter=False,
                                skip_blank_lines=False, header=None, usecols=columns)
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError as error:
            raise Unreadable("the file is empty") from error
        except pd.errors.ParserError as error:
            line = re.search(r"line (\d+)", str(error))
            where = f" at row {line.group(1)}" if line else ""
            raise Unreadable(f"the CSV cannot be read{where}: a row has more cells than the header, "
                             "or a quote is not closed") from error
        frame.index = frame.index + 1
        return frame
    raise Unreadable("the file is not text in UTF-8 or Windows-1252: save it as 'CSV UTF-8'")


def _cell_text(cell) -> str:
    """An Excel cell as the text a user sees; percent-formatted numbers as percentages."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if "%" in str(getattr(cell, "number_format", "")):
            value = round(value * 100, 10)
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes) -> pd.DataFrame:
    """The first worksheet of a workbook → a frame of strings indexed by row number."""
    if not data.strip():
        raise Unreadable("the file is empty")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        rows = [[_cell_text(cell) for cell in row] for row in sheet.iter_rows()]
        book.close()
    except Exception as error:  # any failure of the workbook parser on untrusted bytes
        raise Unreadable("this is not a readable Excel workbook (.xlsx)") from error
    if not rows:
        raise Unreadable("the file is empty")
    width = max(len(row) for row in rows)
    frame = pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=object)
    frame.index = range(1, len(rows) + 1)
    return frame


def _sheet(file: str, frame: pd.DataFrame, wanted: set[str] | None) -> tuple[Sheet | None, list[Problem]]:
    """Use row 1 as the header; keep wanted named columns; drop blank rows."""
    header = [str(value).strip() for value in frame.iloc[0]]
    body = frame.iloc[1:]
    problems, keep, headers = [], [], {}
    for position, text in enumerate(header):
        name = normalise_header(text)
        if not name or (wanted is not None and name not in wanted):
            continue
        if name in headers:
            problems.append(Problem(file, HEADER_ROW, text, "this column appears twice in the header"))
            continue
        headers[name] = text
        keep.append(position)
    if problems:
        return None, problems
    body = body.iloc[:, keep]
    body.columns = list(headers)
    blank = (body == "").all(axis=1)
    return Sheet(file, body[~blank] if blank.any() else body, headers), []
