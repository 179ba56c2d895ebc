"""Reading an action plan from a CSV or Excel file into checked rows; `file_writer` writes one.

Pure: bytes in, validated rows out. The whole file is read and checked before anything is
stored, and every problem is reported with the row number a spreadsheet user sees (the
header is row 1) and the column name. Cells are always text: nothing is evaluated, and the
apostrophe that `file_writer` puts before formula-like text is taken off again.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tracker.rag import normalise_rag, normalise_status
from tracker.errors import DomainError

COLUMNS = ("ref", "theme", "action", "indicators", "owners", "by_when", "outcome", "forums",
           "priority", "rag", "status", "progress")
EXTRA_COLUMNS = ("supporting_leads", "lead_text", "equality_objectives", "edi_goals", "category",
                 "rag_as_at", "cancelled_reason")
ALL_COLUMNS = COLUMNS + EXTRA_COLUMNS
MAX_ROWS = 5000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PRIORITIES = ("Must", "Should", "Could")
#: Longest text the database keeps for each column (names of people and forums: NAME_LIMIT).
TEXT_LIMITS = {"ref": 20, "by_when": 200, "lead_text": 300, "equality_objectives": 100, "edi_goals": 100,
               "category": 60, "status": 40}
NAME_LIMIT = 200
Cell = str | date


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: spreadsheet row (header is row 1), column name, message."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.column}: {self.message}"


class TransferError(DomainError):
    """The file cannot be imported: it cannot be read, or some of its rows are wrong."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])

    def lines(self) -> list[str]:
        """The message, then one line per problem."""
        return [self.message] + [str(problem) for problem in self.problems]


@dataclass
class PlanRow:
    """One action as read from a file, checked and normalised."""

    row: int
    ref: str
    action: str
    theme_number: str = ""
    theme_title: str = ""
    indicators: list[int] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    supporting_leads: list[str] = field(default_factory=list)
    forums: list[str] = field(default_factory=list)
    by_when: str = ""
    outcome: str = ""
    priority: str | None = None
    rag: str | None = None
    status: str | None = None
    progress: str = ""
    lead_text: str = ""
    equality_objectives: str = ""
    edi_goals: str = ""
    category: str | None = None
    rag_as_at: date | None = None
    cancelled_reason: str = ""


class RowReader:
    """Reads one row's cells, collecting a Problem for every bad value instead of stopping."""

    def __init__(self, number: int, values: dict[str, Cell], problems: list[Problem]) -> None:
        self.number, self.values, self.problems = number, values, problems

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.number, column, message))

    def text(self, column: str, required: str = "") -> str:
        value = self.values.get(column, "")
        value = value if isinstance(value, str) else f"{value:%d/%m/%Y}"
        limit = TEXT_LIMITS.get(column)
        if required and not value:
            self.problem(column, required)
        elif limit and len(value) > limit:
            self.problem(column, f"Is {len(value)} characters long: the most is {limit}")
        return value

    def parse(self, column: str, parser, default):
        value = self.values.get(column, "")
        try:
            return parser(value)
        except ValueError as error:
            self.problem(column, str(error))
            return default


def split_theme(text: str, ref: str) -> tuple[str, str]:
    """'1. Inclusive recruitment' → ('1', 'Inclusive recruitment'); with no number, the ref's first part."""
    text = " ".join(text.split())
    if not text:
        return "", ""
    if re.fullmatch(r"\d+[.):]?", text):
        raise ValueError(f"'{text}' has no title: write the theme like '1. Inclusive recruitment'")
    prefixed = re.fullmatch(r"(\d+)[.):]\s+(\S.*)", text)
    number, title = (prefixed.group(1), prefixed.group(2)) if prefixed else (ref.split(".")[0].strip(), text)
    if not number:
        raise ValueError("Give the theme's number before its title, like '1. Inclusive recruitment'")
    if len(number) > 10:
        raise ValueError(f"Theme number '{number}' is too long: the most is 10 characters")
    return number, title


def parse_indicators(text: str) -> list[int]:
    """'2', '2, 3', '1-9', '1-4, 7', '2 & 3' → sorted WRES indicator numbers; blank → []."""
    numbers: set[int] = set()
    for part in re.split(r"\s*(?:,|;|&|\band\b)\s*", text.strip()):
        if not part:
            continue
        match = re.fullmatch(r"(\d+)(?:\s*[-\u2013\u2014]\s*(\d+))?", part)
        low, high = (int(match.group(1)), int(match.group(2) or match.group(1))) if match else (0, 0)
        if not match or not 1 <= low <= high <= 9:
            raise ValueError(f"'{part}' is not a WRES indicator: use numbers 1 to 9, like 2, or 2, 3, or 1-4")
        numbers.update(range(low, high + 1))
    return sorted(numbers)


def parse_priority(text: str) -> str | None:
    """'must' → 'Must'; blank → None; anything but Must, Should or Could raises ValueError."""
    if not text.strip():
        return None
    word = text.strip().capitalize()
    if word not in PRIORITIES:
        raise ValueError(f"'{text}' is not a priority: use Must, Should or Could, or leave it blank")
    return word


def parse_status(text: str) -> str | None:
    """Any status words, kept in capitals ('Progress made' → 'PROGRESS MADE'); blank → None."""
    status = normalise_status(text)
    if status and len(status) > TEXT_LIMITS["status"]:
        raise ValueError(f"Is {len(status)} characters long: the most is {TEXT_LIMITS['status']}")
    return status


def parse_date(value: Cell) -> date | None:
    """A spreadsheet date, '31/03/2025' or '2025-03-31'; blank → None."""
    if isinstance(value, date):
        return value
    text = value.strip()
    if not text:
        return None
    day_first = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?", text)
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?", text)
    try:
        if day_first:
            return date(int(day_first.group(3)), int(day_first.group(2)), int(day_first.group(1)))
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    except ValueError:
        pass
    raise ValueError(f"'{text}' is not a date: write it like 31/03/2025 or 2025-03-31")


def split_names(text: str) -> list[str]:
    """'Jo Bloggs; jo@trust.nhs.uk' → ['Jo Bloggs', 'jo@trust.nhs.uk'], repeats dropped."""
    names: dict[str, str] = {}
    for part in text.split(";"):
        name = " ".join(part.split())
        if len(name) > NAME_LIMIT:
            raise ValueError(f"'{name[:40]}…' is {len(name)} characters long: a name can have at most {NAME_LIMIT}")
        if name:
            names.setdefault(name.lower(), name)
    return list(names.values())


def read_plan_file(content: bytes, filename: str, *, max_rows: int = MAX_ROWS) -> list[PlanRow]:
    """Every action in the file, validated; raises TransferError naming every problem."""
    name = filename or "The file"
    table = read_table(content, name, limit=max_rows + 20)
    columns, header_index = _find_header(table, name)
    records = _records(table, columns, header_index)
    if not records:
        raise TransferError(f"{name} has no actions: there are no rows below the header row.")
    if len(records) > max_rows:
        raise TransferError(f"{name} has more than {max_rows:,} actions, the most one import can take. "
                            "Split it into smaller files.")
    rows, problems = validate_records(records)
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        raise TransferError(f"{name} has {count}. Nothing has been imported: "
                            "correct every row listed and upload the file again.", problems)
    return rows


def read_table(content: bytes, name: str, limit: int | None = None) -> list[list[Cell]]:
    """The file's rows of cells (index 0 is spreadsheet row 1); raises TransferError if unreadable."""
    if not content or not content.strip():
        raise TransferError(f"{name} is empty.")
    if content.startswith(b"PK\x03\x04"):
        return _xlsx_rows(content, name, limit)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise TransferError(f"{name} is an old Excel 97-2003 (.xls) workbook. Open it in Excel and save it "
                            "as an Excel workbook (.xlsx) or as CSV UTF-8, then upload that.")
    if name.lower().endswith(".xlsx"):
        raise TransferError(f"{name} is not an Excel workbook: its content is not in the .xlsx format.")
    if not name.lower().endswith((".csv", ".txt", ".tsv")) and name != "The file":
        raise TransferError(f"{name} is not a CSV (.csv) or Excel (.xlsx) file.")
    return _csv_rows(_decode(content, name), name, limit)


def _decode(content: bytes, name: str) -> str:
    encodings = ("utf-16",) if content[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text
    raise TransferError(f"{name} does not look like a CSV file: it contains binary data or an unknown text "
                        "encoding. Save it from Excel as 'CSV UTF-8 (Comma delimited)' or as .xlsx.")


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    controls = sum(1 for char in sample if ord(char) < 32 and char not in "\t\r\n")
    return "\x00" in sample or controls > len(sample) / 100


def _csv_rows(text: str, name: str, limit: int | None) -> list[list[Cell]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=lambda d: sum(_column_name(c) in ALL_COLUMNS
                                                         for c in first_line.split(d)))
    rows: list[list[Cell]] = []
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(list(cells))
            if limit and len(rows) > limit:
                break
    except csv.Error as error:
        raise TransferError(f"{name} could not be read as CSV near row {len(rows) + 1}: {error}.") from None
    return rows


def _xlsx_rows(content: bytes, name: str, limit: int | None) -> list[list[Cell]]:
    # Any failure inside openpyxl means the workbook is damaged or not really .xlsx.
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001
        raise TransferError(f"{name} cannot be opened as an Excel (.xlsx) workbook. Save it again from "
                            "Excel as .xlsx, or as CSV UTF-8.") from None
    rows: list[list[Cell]] = []
    try:
        for cells in book.worksheets[0].iter_rows():
            rows.append([_xlsx_cell(cell) for cell in cells])
            if limit and len(rows) > limit:
                break
    except Exception:  # noqa: BLE001
        raise TransferError(f"{name} is damaged: its first sheet could not be read after row {len(rows)}.") from None
    finally:
        book.close()
    return rows


def _xlsx_cell(cell) -> Cell:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return number_text(value, cell.number_format or "General")
    return str(value)


def number_text(value: int | float, number_format: str) -> str:
    """A number as the spreadsheet shows it: 2.1 formatted "0.00" is "2.10"; 3.0 is "3"."""
    fixed = re.fullmatch(r"[#,]*0(?:\.(0+))?", number_format)
    if fixed:
        return f"{value:.{len(fixed.group(1) or '')}f}"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.15g}"


def _column_name(cell: Cell) -> str:
    text = cell if isinstance(cell, str) else ""
    return "_".join(text.replace("-", " ").lower().split())


def _find_header(table: list[list[Cell]], name: str) -> tuple[dict[str, int], int]:
    filled = [i for i, cells in enumerate(table) if any(_text(c) for c in cells)]
    if not filled:
        raise TransferError(f"{name} is empty.")
    candidates = [i for i in filled[:10] if {"ref", "action"} <= {_column_name(c) for c in table[i]}]
    index = candidates[0] if candidates else filled[0]
    columns: dict[str, int] = {}
    for position, cell in enumerate(table[index]):
        column = _column_name(cell)
        if column in columns:
            raise TransferError(f"{name} has the column '{column}' more than once (row {index + 1}).")
        if column in ALL_COLUMNS:
            columns[column] = position
    missing = [column for column in COLUMNS if column not in columns]
    if missing:
        raise TransferError(f"{name} is missing the column{'s' if len(missing) > 1 else ''} "
                            f"{', '.join(missing)}. Its first row must name the columns "
                            f"{', '.join(COLUMNS)}.")
    return columns, index


def _text(cell: Cell) -> str:
    if isinstance(cell, date):
        return f"{cell:%d/%m/%Y}"
    text = unneutralise(cell.strip()).strip().replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _records(table: list[list[Cell]], columns: dict[str, int], header: int) -> list[tuple[int, dict[str, Cell]]]:
    records = []
    for index in range(header + 1, len(table)):
        cells = table[index]
        values: dict[str, Cell] = {}
        for column, position in columns.items():
            cell = cells[position] if position < len(cells) else ""
            values[column] = cell if column == "rag_as_at" and isinstance(cell, date) else _text(cell)
        if any(values.values()):
            records.append((index + 1, values))
    return records


def validate_records(records: list[tuple[int, dict[str, Cell]]]) -> tuple[list[PlanRow], list[Problem]]:
    """Rows checked one by one, then across the file (unique refs, one title per theme)."""
    problems: list[Problem] = []
    rows = [_parse_row(RowReader(number, values, problems)) for number, values in records]
    _check_refs(rows, problems)
    _check_themes(rows, problems)
    order = {column: i for i, column in enumerate(ALL_COLUMNS)}
    problems.sort(key=lambda p: (p.row, order.get(p.column, len(order))))
    return rows, problems


def _parse_row(read: RowReader) -> PlanRow:
    ref = read.text("ref", required="Enter the action's reference, like 1.1")
    number, title = read.parse("theme", lambda text: split_theme(text, ref), ("", ""))
    row = PlanRow(
        row=read.number, ref=ref, action=read.text("action", required="Enter the action's text"),
        theme_number=number, theme_title=title,
        indicators=read.parse("indicators", parse_indicators, []),
        owners=read.parse("owners", split_names, []),
        supporting_leads=read.parse("supporting_leads", split_names, []),
        forums=read.parse("forums", split_names, []),
        by_when=read.text("by_when"), outcome=read.text("outcome"),
        priority=read.parse("priority", parse_priority, None),
        rag=read.parse("rag", normalise_rag, None),
        status=read.parse("status", parse_status, None),
        progress=read.text("progress"), lead_text=read.text("lead_text"),
        equality_objectives=read.text("equality_objectives"), edi_goals=read.text("edi_goals"),
        category=read.text("category") or None,
        rag_as_at=read.parse("rag_as_at", parse_date, None),
        cancelled_reason=read.text("cancelled_reason"),
    )
    if row.status == "CANCELLED" and not row.cancelled_reason:
        read.problem("cancelled_reason", "Give the reason the action was cancelled: its status is CANCELLED")
    return row


def _check_refs(rows: list[PlanRow], problems: list[Problem]) -> None:
    first: dict[str, int] = {}
    for row in rows:
        if row.ref and row.ref in first:
            problems.append(Problem(row.row, "ref", f"Reference {row.ref} is already used in row {first[row.ref]}"))
        first.setdefault(row.ref, row.row)


def _check_themes(rows: list[PlanRow], problems: list[Problem]) -> None:
    first: dict[str, PlanRow] = {}
    for row in rows:
        if not row.theme_number:
            continue
        earlier = first.setdefault(row.theme_number, row)
        if earlier.theme_title != row.theme_title:
            problems.append(Problem(row.row, "theme", f"Theme {row.theme_number} is called "
                                    f"'{earlier.theme_title}' in row {earlier.row}: give every action "
                                    "in a theme the same theme title"))


def unneutralise(value: str) -> str:
    """Undo `neutralise`: "'=SUM(A1)" is read back as "=SUM(A1)"."""
    if value.startswith("'") and value[1:].lstrip("'")[:1] in FORMULA_STARTS and value[1:].lstrip("'"):
        return value[1:]
    return value


def clean_filename(name: str | None) -> str:
    """An uploaded file's name, safe to show and store: no folders, no control characters, at most 200 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    return ILLEGAL_CHARACTERS_RE.sub("", base).strip()[:200] or "The file"
