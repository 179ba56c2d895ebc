"""Reading an uploaded CSV or Excel (.xlsx) file into text cells, the same way for every import.

Pure: bytes in, a table of text out. A cell reads as the spreadsheet shows it and is never
evaluated: a formula stays its text. Rows keep the numbers a spreadsheet user sees, blank rows
are left out, and `Problem` says where something is wrong in those same terms.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePath

import numpy as np
import pandas as pd
from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from tracker.errors import DomainError
from tracker.zip_limits import DEFAULT as DEFAULT_LIMITS
from tracker.zip_limits import WORKBOOK, ArchiveRefused, UnpackLimits, check_archive

DELIMITERS = (",", ";", "\t")
TEXT_EXTENSIONS = ("", ".csv", ".txt", ".tsv")
ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0"
#: Bytes looked at to choose the encoding and the delimiter and to spot binary data.
SAMPLE_BYTES = 65536
#: Lines of the sample compared when choosing the delimiter.
SNIFF_LINES = 20
NOT_TEXT = ("does not look like a CSV file: it contains binary data or an unknown text encoding. "
            "Save it from Excel as 'CSV UTF-8 (Comma delimited)' or as .xlsx.")

#: Chooses the header among the filled rows at the top of a file, given as (row number, cells)
#: and read only as far as the rule asks; returns the header's row number.
HeaderRule = Callable[[Iterator[tuple[int, list[str]]]], int]
#: Looks for the header among the filled rows at the top of a sheet (as a HeaderRule sees them) and
#: returns (how well it matches, its row number), or None when the sheet has no header. Given one, a
#: workbook is read from the sheet that matches best (the first of equals), not simply its first sheet.
HeaderSearch = Callable[[Iterator[tuple[int, list[str]]]], tuple[int, int] | None]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an uploaded file: which file, spreadsheet row and column (when known), and what."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        return self.describe()

    def describe(self, *, with_file: bool = True) -> str:
        """Where and what: "plan.csv, row 3, column 'ref': …"; without the file (a page or command that
        already names it), "Row 3, ref: …"."""
        if with_file:
            where = [self.file]
            if self.row is not None:
                where.append(f"row {self.row}")
            if self.column:
                where.append(f"column '{self.column}'")
        else:
            where = [f"Row {self.row}"] if self.row is not None else []
            if self.column:
                where.append(self.column)
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data."""
        return asdict(self)


class Unreadable(DomainError):
    """The file cannot be read: `message` is one sentence naming the file, `problems` the same for a list."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = list(problems)


@dataclass(frozen=True)
class Table:
    """A sheet's cells as text: columns are normalised header names, the index is the row number.

    `headers` maps each column to its header as written; `truncated` says rows beyond the
    limit were left unread; `sheet` is the workbook sheet read (None for CSV) and `encoding`
    the text encoding of a CSV file (None for a workbook).
    """

    file: str
    header_row: int
    headers: dict[str, str]
    frame: pd.DataFrame
    truncated: bool = False
    sheet: str | None = None
    encoding: str | None = None


def normalise_header(text: object) -> str:
    """Header names match ignoring case and surrounding spaces; underscores and hyphens count as spaces."""
    return " ".join(str(text).replace("_", " ").replace("-", " ").lower().split())


def first_row(rows: Iterator[tuple[int, list[str]]]) -> int:
    """The header is row 1."""
    return 1


def read_table(file: str, data: bytes, *, wanted: Collection[str] | None = None, header: HeaderRule = first_row,
               limit: int | None = None, search: HeaderSearch | None = None, expected: str = "",
               unpack: UnpackLimits = DEFAULT_LIMITS) -> Table:
    """The file's cells as text, by content (CSV or XLSX) checked against its name; raises Unreadable.

    Only columns whose normalised header is in `wanted` are read (every named column when None),
    which keeps wide extracts fast. `limit` is the most data rows read. With `search`, the header
    is the row it finds (`header` is used where it finds none in a CSV file) and a workbook is read
    from the sheet where it matches best; a workbook with no such sheet is Unreadable, naming the
    sheets looked at and the columns `expected`. A workbook that would unpack beyond `unpack` is
    refused before it is opened (`tracker.zip_limits`). Reading stops at the first data row past
    `limit`, so a file far too long is refused without being read to its end.
    """
    if not data or data.isspace():
        raise _unreadable(file, "is empty.")
    names = None if wanted is None else set(wanted)
    if search is not None:
        header = _searching(search, header)
    if data.startswith(ZIP):
        return _read_xlsx(file, data, names, header, limit, search, expected, unpack)
    if data.startswith(OLE2):
        raise _unreadable(file, "is an old Excel 97-2003 (.xls) workbook. Open it in Excel and save it as an "
                                "Excel workbook (.xlsx) or as CSV UTF-8, then upload that.")
    extension = PurePath(file).suffix.lower()
    if extension == ".xlsx":
        raise _unreadable(file, "is not an Excel workbook: its content is not in the .xlsx format.")
    if extension not in TEXT_EXTENSIONS:
        raise _unreadable(file, "is not a CSV (.csv) or Excel (.xlsx) file.")
    return _read_csv(file, data, names, header, limit)


def _searching(search: HeaderSearch, otherwise: HeaderRule) -> HeaderRule:
    """A header rule from a search: the row it finds, else what `otherwise` says."""
    def rule(rows: Iterator[tuple[int, list[str]]]) -> int:
        head = list(rows_until_found(rows))
        found = search(iter(head))
        return found[1] if found is not None else otherwise(iter(head))

    return rule


#: The rows a header search looks at: a header is among the first this many rows of a sheet.
SEARCH_ROWS = 20


def rows_until_found(rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    """The filled rows among the first SEARCH_ROWS."""
    for number, cells in rows:
        if number > SEARCH_ROWS:
            return
        yield number, cells


def _unreadable(file: str, rest: str) -> Unreadable:
    """`rest` finishes a sentence about the file: "plan.csv is empty."; in a list it is "the file is empty"."""
    return Unreadable(f"{file} {rest}", [Problem(file, None, None, f"the file {rest.rstrip('.')}")])


# Cells ---------------------------------------------------------------------------------------

def cell_text(cell) -> str:
    """An Excel cell as the text the spreadsheet shows: TRUE/FALSE, 31/03/2025, 2.10, 30.21%, a formula as written."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return number_text(value, cell.number_format or "General")
    if isinstance(value, datetime):
        shown = f"{value:%d/%m/%Y}"
        return shown if value.time() == time() else f"{shown} {_time_text(value.time())}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, time):
        return _time_text(value)
    return str(getattr(value, "text", value))  # an array formula keeps its text too


def _time_text(value: time) -> str:
    return f"{value:%H:%M:%S}" if value.second else f"{value:%H:%M}"


def number_text(value: int | float, number_format: str) -> str:
    """A number as its format shows it, never rounded: 2.1 as "0.00" is "2.10", 0.3021 as "0.00%" is "30.21%",
    and 2.5 as "0" stays "2.5"."""
    if isinstance(value, float) and not np.isfinite(value):
        return repr(value)
    number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    places, percent = _format_places(number_format)
    if percent:
        number = number.scaleb(2)
    exact = max(0, -number.normalize().as_tuple().exponent)
    text = f"{number:.{max(places, exact)}f}"
    if text.startswith("-") and not number:
        text = text[1:]
    return text + ("%" if percent else "")


def _format_places(number_format: str) -> tuple[int, bool]:
    """Decimal places a number format always shows, and whether it is a percentage."""
    section = number_format.split(";")[0]
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", section)  # literal text, escapes, colours
    if "E+" in section.upper() or "E-" in section.upper() or "/" in section:
        return 0, False  # scientific and fraction formats: the full number reads better
    decimals = re.search(r"\.([0#?]+)", section)
    return (decimals.group(1).count("0") if decimals else 0), "%" in section


# Headers -------------------------------------------------------------------------------------

class _Head:
    """The rows read so far from the top of a file (row 1 first), so the header rule can look at them."""

    def __init__(self, rows: Iterator[list[str]]) -> None:
        self._rows = rows
        self.rows: list[list[str]] = []

    def row(self, number: int) -> list[str] | None:
        """That row's cells, reading on as far as it; None past the end of the file."""
        while len(self.rows) < number:
            cells = next(self._rows, None)
            if cells is None:
                return None
            self.rows.append(cells)
        return self.rows[number - 1]

    def filled(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of each row with something in it, from row 1."""
        number = 1
        while (cells := self.row(number)) is not None:
            if not all(map(_blank, cells)):
                yield number, cells
            number += 1


def _header(file: str, head: _Head, rule: HeaderRule,
            wanted: set[str] | None) -> tuple[int, dict[int, str], dict[str, str]]:
    """The header's row number, the positions of the columns to read (→ name) and the names as written."""
    number = rule(head.filled())
    cells = head.row(number) or []
    if all(map(_blank, cells)) and next(head.filled(), None) is None:
        raise _unreadable(file, "is empty.")
    positions: dict[int, str] = {}
    headers: dict[str, str] = {}
    problems = []
    for position, text in enumerate(cells):
        name = normalise_header(text)
        if not name or (wanted is not None and name not in wanted):
            continue
        if name in headers:
            problems.append(Problem(file, number, text.strip(), "this column appears twice in the header"))
            continue
        headers[name] = text.strip()
        positions[position] = name
    if problems:
        first = normalise_header(problems[0].column)
        raise Unreadable(f"{file} has the column '{first}' more than once (row {number}).", problems)
    return number, positions, headers


def _blank(cell: str) -> bool:
    return not cell or cell.isspace()


def _without_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with something in a kept cell; each column narrows the rows left to check, so big files stay fast."""
    if not frame.shape[1]:
        return frame.iloc[:0]
    rows = np.arange(len(frame))
    for position in range(frame.shape[1]):
        cells = frame.iloc[:, position].to_numpy()[rows]
        rows = rows[np.fromiter(map(_blank, cells), dtype=bool, count=len(cells))]
        if not len(rows):
            return frame
    keep = np.ones(len(frame), dtype=bool)
    keep[rows] = False
    return frame[keep]


# XLSX ----------------------------------------------------------------------------------------

#: Empty rows one after another that end the reading of a sheet: Excel writes a row for every formatted
#: cell, so a sheet formatted down to row 1,048,576 would otherwise take minutes to read.
MAX_BLANK_ROWS = 10_000
_DIMENSION, _SHEET_DATA = f"{{{SHEET_MAIN_NS}}}dimension", f"{{{SHEET_MAIN_NS}}}sheetData"


def _sheet_size(sheet: ReadOnlyWorksheet) -> None:
    """A read-only sheet's size from its <dimension>, looked for only above its rows.

    openpyxl 3.1 looks for it until the *end* of <sheetData>, so opening a workbook whose sheet has
    no <dimension> parsed every row of it first: minutes for a sheet of a million empty rows,
    before any limit could stop the reading. Every sheet is read here after `reset_dimensions()`,
    so the size is a hint only.
    """
    source = sheet._get_source()
    try:
        for _event, element in iterparse(source, events=("start",)):
            if element.tag == _DIMENSION:
                if element.get("ref"):
                    (sheet._min_column, sheet._min_row, sheet._max_column,
                     sheet._max_row) = SheetDimension.from_tree(element).boundaries
                return
            if element.tag == _SHEET_DATA:
                return
    finally:
        source.close()


ReadOnlyWorksheet._get_size = _sheet_size

_NOT_XLSX = "cannot be opened as an Excel (.xlsx) workbook. Save it again from Excel as .xlsx, or as CSV UTF-8."


def _read_xlsx(file: str, data: bytes, wanted: set[str] | None, rule: HeaderRule, limit: int | None,
               search: HeaderSearch | None = None, expected: str = "", unpack: UnpackLimits = DEFAULT_LIMITS) -> Table:
    try:
        check_archive(file, data, unpack, WORKBOOK)
    except ArchiveRefused as error:
        raise _unreadable(file, _NOT_XLSX if error.damaged else error.rest) from None
    # Any failure inside openpyxl means the workbook is damaged or not really .xlsx.
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001
        raise _unreadable(file, _NOT_XLSX) from None
    counted = [0]
    try:
        chosen = _chosen_sheet(file, book, search, expected) if search is not None else 0
    except Unreadable:
        book.close()
        raise
    except Exception:  # noqa: BLE001
        book.close()
        raise _unreadable(file, "is damaged: its sheets could not be read.") from None
    title = book.worksheets[chosen].title

    def raw_rows():
        sheet = book.worksheets[chosen]
        sheet.reset_dimensions()  # some programs write a wrong size; read every row there is
        blank = 0
        for cells in sheet.iter_rows():
            counted[0] += 1
            blank = blank + 1 if all(cell.value is None for cell in cells) else 0
            if blank > MAX_BLANK_ROWS:
                raise _unreadable(file, f"has more than {MAX_BLANK_ROWS:,} empty rows one after another, from row "
                                        f"{counted[0] - blank + 1:,}: they are formatted but hold nothing, and "
                                        "reading them would take minutes. Delete the unused rows (select them, "
                                        "delete them and save) or save it as CSV UTF-8, then upload it again.")
            yield cells

    try:
        raw = raw_rows()
        head = _Head([cell_text(cell) for cell in cells] for cells in raw)
        number, positions, headers = _header(file, head, rule, wanted)
        numbers, rows, truncated = [], [], False
        for at, cells in enumerate(_body_rows(head, number, raw, positions), start=number + 1):
            if cells is None:
                continue
            if limit is not None and len(rows) == limit:
                truncated = True
                break
            numbers.append(at)
            rows.append(cells)
    except Unreadable:
        raise
    except Exception:  # noqa: BLE001
        which = "first sheet" if chosen == 0 and search is None else f"sheet '{title}'"
        raise _unreadable(file, f"is damaged: its {which} could not be read after row {counted[0]}.") from None
    finally:
        book.close()
    frame = pd.DataFrame(rows, index=pd.Index(numbers, dtype=np.int64), columns=list(positions.values()),
                         dtype=object)
    return Table(file, number, headers, frame, truncated, sheet=title)


def _chosen_sheet(file: str, book, search: HeaderSearch, expected: str) -> int:
    """The position of the sheet whose header matches best (the first of equals); Unreadable when none has one."""
    best: tuple[int, int] | None = None
    titles = []
    for position, sheet in enumerate(book.worksheets):
        titles.append(sheet.title)
        sheet.reset_dimensions()
        head = _Head([cell_text(cell) for cell in cells] for cells in sheet.iter_rows(max_row=SEARCH_ROWS))
        found = search(rows_until_found(head.filled()))
        if found is not None and (best is None or found[0] > best[0]):
            best = (found[0], position)
    if best is None:
        looked = ", ".join(f"'{title}'" for title in titles)
        noun = "sheet" if len(titles) == 1 else "sheets"
        wanted = f": expected the columns {expected}" if expected else ""
        raise _unreadable(file, f"has no header row in the first {SEARCH_ROWS} rows of its {noun} {looked}{wanted}.")
    return best[1]


def _body_rows(head: _Head, number: int, raw: Iterator, positions: dict[int, str]) -> Iterator[list[str] | None]:
    """Each row below the header as the kept cells' text, or None when they are blank."""
    def kept(cells: list, text) -> list[str] | None:
        values = [text(cells[p]) if p < len(cells) else "" for p in positions]
        return None if all(map(_blank, values)) else values

    if not positions:
        return
    for cells in head.rows[number:]:
        yield kept(cells, str)
    for cells in raw:
        yield kept(cells, cell_text)


# CSV -----------------------------------------------------------------------------------------

def _read_csv(file: str, data: bytes, wanted: set[str] | None, rule: HeaderRule, limit: int | None) -> Table:
    for codec, skip in _encodings(data):
        try:
            sample = codecs.getincrementaldecoder(codec)().decode(
                data[skip:skip + SAMPLE_BYTES], final=len(data) <= skip + SAMPLE_BYTES)
        except UnicodeDecodeError:
            continue
        if _looks_binary(sample):
            break
        try:
            text, read_codec, skip = _without_nul(data, codec, skip)
            table = _parse_csv(file, text, read_codec, skip, _delimiter(sample, wanted), wanted, rule, limit)
        except UnicodeDecodeError:
            continue
        return replace(table, encoding=codec)
    raise _unreadable(file, NOT_TEXT)


def _without_nul(data: bytes, codec: str, skip: int) -> tuple[bytes, str, int]:
    """The text with any stray NUL taken out (pandas would end the cell there), UTF-16 as UTF-8.

    Binary data was refused on the sample, so a NUL further on is noise in a text file.
    """
    if codec.startswith("utf-16"):
        return data[skip:].decode(codec).replace("\x00", "").encode("utf-8"), "utf-8", 0
    return (data.replace(b"\x00", b"") if b"\x00" in data else data), codec, skip


def _encodings(data: bytes) -> list[tuple[str, int]]:
    """(codec, byte-order mark length) to try: UTF-16 with a byte-order mark, else UTF-8 then Windows-1252."""
    if data.startswith(codecs.BOM_UTF16_LE):
        return [("utf-16-le", 2)]
    if data.startswith(codecs.BOM_UTF16_BE):
        return [("utf-16-be", 2)]
    return [("utf-8", 3 if data.startswith(codecs.BOM_UTF8) else 0), ("cp1252", 0)]


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    controls = sum(1 for char in sample if ord(char) < 32 and char not in "\t\r\n")
    return "\x00" in sample or controls > len(sample) / 100


def _delimiter(sample: str, wanted: set[str] | None) -> str:
    """Comma, semicolon or tab: the one giving the most wanted header names in a row, else the most cells."""
    lines = [line for line in sample.splitlines() if line.strip()][:SNIFF_LINES]

    def score(delimiter: str) -> tuple[int, int]:
        try:
            rows = list(csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            return 0, 0
        named = max((sum(normalise_header(cell) in wanted for cell in row) for row in rows), default=0) if wanted else 0
        return named, max(map(len, rows), default=0)

    return max(DELIMITERS, key=score)


class _Records:
    """CSV records from the top of the file, remembering where each ends so pandas can take over below the header."""

    def __init__(self, file: str, stream: io.TextIOBase, delimiter: str) -> None:
        self.file, self.used, self.lines, self.ends = file, 0, [], []
        self._reader = csv.reader(self._read_lines(stream), delimiter=delimiter)

    def _read_lines(self, stream: io.TextIOBase) -> Iterator[str]:
        for line in stream:
            self.used += len(line)
            self.lines.append(line)
            yield line

    def __iter__(self) -> Iterator[list[str]]:
        while True:
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise _unreadable(self.file, f"could not be read as CSV near row {len(self.ends) + 1}: "
                                             f"{error}.") from None
            self.ends.append(self.used)
            yield cells


class _Joined(io.RawIOBase):
    """Some bytes of our own, then the file's from `start`: what pandas reads, without copying a big file."""

    def __init__(self, first: bytes, data: bytes, start: int) -> None:
        super().__init__()
        self._parts = [memoryview(first), memoryview(data)[start:]]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._parts and not len(self._parts[0]):
            self._parts.pop(0)
        if not self._parts:
            return 0
        part = self._parts[0]
        size = min(len(buffer), len(part))
        buffer[:size] = part[:size]
        self._parts[0] = part[size:]
        return size


def _parse_csv(file: str, data: bytes, codec: str, skip: int, delimiter: str, wanted: set[str] | None,
               rule: HeaderRule, limit: int | None) -> Table:
    buffer = io.BytesIO(data)
    buffer.seek(skip)
    records = _Records(file, io.TextIOWrapper(buffer, encoding=codec, newline=""), delimiter)
    head = _Head(iter(records))
    number, positions, headers = _header(file, head, rule, wanted)
    if not positions:
        return Table(file, number, headers, pd.DataFrame(columns=[], dtype=object))
    # pandas reads the rows below the header under a header line of plain names, one per header cell: rows
    # above (titles, notes) never reach it, and short or long rows cannot upset its idea of the width.
    width = len(head.rows[number - 1])
    names = [f"c{position}" for position in range(width)]
    start = skip + len("".join(records.lines)[:records.ends[number - 1]].encode(codec))
    body = io.BufferedReader(_Joined((delimiter.join(names) + "\n").encode(codec), data, start))
    frame, truncated = _read_body(file, body, codec, delimiter, [names[p] for p in positions], number, limit)
    frame.columns = list(positions.values())
    return Table(file, number, headers, frame, truncated)


def _read_body(file: str, body: io.BufferedReader, codec: str, delimiter: str, columns: list[str], number: int,
               limit: int | None) -> tuple[pd.DataFrame, bool]:
    """The rows below the header, via pandas (fast on big extracts), indexed by spreadsheet row number."""
    options = {"sep": delimiter, "encoding": codec, "dtype": str, "na_filter": False, "skip_blank_lines": False,
               "header": 0, "usecols": columns}
    try:
        if limit is None:
            frame = _without_blank_rows(pd.read_csv(body, **options))
        else:
            with pd.read_csv(body, iterator=True, **options) as reader:
                frame = _first_rows(reader, limit + 1, columns)
    except pd.errors.ParserError as error:
        at = re.search(r"row (\d+)", str(error))
        where = f" near row {number + int(at.group(1))}" if at else ""
        why = "a quote is not closed" if "inside string" in str(error) else "a row is not written as CSV"
        raise _unreadable(file, f"could not be read as CSV{where}: {why}.") from None
    frame.index = frame.index + number + 1
    if limit is not None and len(frame) > limit:
        return frame.iloc[:limit], True
    return frame, False


def _first_rows(reader, count: int, columns: list[str]) -> pd.DataFrame:
    """Up to `count` rows that are not blank, reading no further than needed."""
    parts, kept = [], 0
    while kept < count:
        try:
            chunk = reader.get_chunk(count - kept)
        except StopIteration:
            break
        if not len(chunk):
            break
        parts.append(_without_blank_rows(chunk))
        kept += len(parts[-1])
    return pd.concat(parts) if parts else pd.DataFrame(columns=columns, dtype=object)
