"""Reading an action plan from a CSV or Excel file into checked rows; `file_writer` writes one.

Pure: bytes in, validated rows out. `tracker.spreadsheets` reads the cells, as text and never
evaluated; this module finds the plan's header, checks every row and takes off the apostrophe
that `file_writer` puts before formula-like text. The whole file is checked before anything is
stored, and every problem is reported with the row number a spreadsheet user sees and the
column name.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tracker import standards
from tracker.errors import DomainError
from tracker.rag import normalise_rag, normalise_status
from tracker.spreadsheets import Problem, Unreadable, normalise_header, read_table
from tracker.zip_limits import DEFAULT as DEFAULT_LIMITS
from tracker.zip_limits import UnpackLimits

COLUMNS = ("ref", "theme", "action", "measures", "owners", "by_when", "outcome", "forums",
           "priority", "rag", "status", "progress")
#: The only columns a file must have; any other missing column is read as blank, with a warning.
REQUIRED_COLUMNS = ("ref", "action")
#: The cancellation reason of a CANCELLED action that has neither a reason nor progress text.
NOT_RECORDED = "Not recorded"
EXTRA_COLUMNS = ("supporting_leads", "lead_text", "equality_objectives", "edi_goals", "category",
                 "rag_as_at", "cancelled_reason")
#: The high impact actions an action serves ("HIA 1; HIA 6"): written after the documented columns, never required.
HIA_COLUMN = "high_impact_actions"
ALL_COLUMNS = COLUMNS + (HIA_COLUMN,) + EXTRA_COLUMNS
#: Older files' measure columns, read as well as "measures": "indicators" (or "WRES indicators") holds
#: WRES indicator numbers ("2, 3", "1-4"), "wdes_metrics" WDES metrics ("4a(ii)", "Metric 5").
LEGACY_MEASURE_COLUMNS = ("indicators", "wdes_metrics")
MEASURE_COLUMNS = ("measures", *LEGACY_MEASURE_COLUMNS)
MAX_ROWS = 5000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PRIORITIES = ("Must", "Should", "Could")
#: Longest text the database keeps for each column (names of people and forums: NAME_LIMIT).
TEXT_LIMITS = {"ref": 20, "by_when": 200, "lead_text": 300, "equality_objectives": 100, "edi_goals": 100,
               "category": 60, "status": 40}
NAME_LIMIT = 200
#: The header is the first of this many filled rows that names ref and action.
HEADER_SEARCH = 10
#: Each column's normalised header name → the column (other names people give the measure and HIA columns too).
HEADER_NAMES = {normalise_header(column): column for column in (*ALL_COLUMNS, *LEGACY_MEASURE_COLUMNS)} | {
    normalise_header(name): column for name, column in (
        ("WRES indicators", "indicators"), ("WRES indicator", "indicators"), ("indicator", "indicators"),
        ("WDES metric", "wdes_metrics"), ("WDES metrics", "wdes_metrics"), ("measure", "measures"),
        ("HIA", HIA_COLUMN), ("HIAs", HIA_COLUMN), ("high impact action", HIA_COLUMN))}


class TransferError(DomainError):
    """The file cannot be imported: it cannot be read, or some of its rows are wrong."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])

    def lines(self) -> list[str]:
        """The message, then one line per problem (the message names the file)."""
        return [self.message] + [problem.describe(with_file=False) for problem in self.problems]


@dataclass
class PlanRow:
    """One action as read from a file, checked and normalised."""

    row: int
    ref: str
    action: str
    theme_number: str = ""
    theme_title: str = ""
    #: Codes of the measures ("wres:2", "wdes:4a_ii"), in the standards' order.
    measures: list[str] = field(default_factory=list)
    high_impact_actions: list[int] = field(default_factory=list)
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

    @property
    def indicators(self) -> list[int]:
        """The WRES indicators among its measures."""
        return [int(code.split(":")[1]) for code in self.measures if code.startswith(f"{standards.WRES}:")]

    @property
    def measure_names(self) -> list[str]:
        """ ["WRES 2", "WDES 4a(ii)"]."""
        return standards.names(self.measures)

    @property
    def hia_names(self) -> list[str]:
        """ ["HIA 1", "HIA 6"]."""
        return [standards.high_impact_action(n).name for n in self.high_impact_actions]


@dataclass
class PlanFile:
    """A plan file read: its actions, and what was guessed or left out (each with its row and column).

    `standard`: the plan kind the file was read for, or (when none was given) the kind its measures
    show: combined when it links to both WRES indicators and WDES metrics, WDES when only to metrics."""

    rows: list[PlanRow]
    warnings: list[Problem] = field(default_factory=list)
    standard: str = standards.WRES


def standard_of_rows(rows: list[PlanRow]) -> str:
    """The plan kind the rows' measures need: combined, WDES (only WDES metrics) or WRES."""
    found = {code.split(":")[0] for row in rows for code in row.measures}
    if found >= {standards.WRES, standards.WDES}:
        return standards.COMBINED
    return standards.WDES if found == {standards.WDES} else standards.WRES


class RowReader:
    """Reads one row's cells, collecting a Problem for every bad value instead of stopping."""

    def __init__(self, file: str, number: int, values: dict[str, str], problems: list[Problem]) -> None:
        self.file, self.number, self.values, self.problems = file, number, values, problems

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.number, column, message))

    def text(self, column: str, required: str = "") -> str:
        value = self.values.get(column, "")
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


def measure_parser(plan_standard: str | None, column: str = "measures"):
    """A parser of one measure cell into codes for `RowReader.parse`: "WRES 2; WDES 4a(ii)" in "measures"
    (a bare number is the plan's standard's; with no plan standard, read as in a combined plan), WRES
    indicator numbers and ranges in "indicators", WDES metrics in "wdes_metrics"."""
    def parse(text: str) -> list[str]:
        if column == "indicators":
            try:
                return [standards.code_of(standards.WRES, n) for n in parse_indicators(text)]
            except ValueError as error:
                codes, unreadable = standards.parse_measures(text, plan_standard or standards.COMBINED)
                if unreadable:
                    raise error from None
                return codes
        reading = standards.WDES if column == "wdes_metrics" else plan_standard or standards.COMBINED
        codes, unreadable = standards.parse_measures(text, reading)
        if unreadable:
            kind = ("a WDES metric" if column == "wdes_metrics" else
                    f"a measure of a {standards.PLAN_STANDARDS[plan_standard]}" if plan_standard else
                    "a WRES indicator or WDES metric")
            parts = ", ".join(f"'{part}'" for part in unreadable)
            raise ValueError(f"{parts} {'is' if len(unreadable) == 1 else 'are'} not {kind}: write measures "
                             "like WRES 2; WDES 4a(ii)")
        return codes
    return parse


def parse_hias(text: str) -> list[int]:
    """'HIA 1; HIA 6', '1, 6' → [1, 6]; blank → []; anything else raises ValueError naming it."""
    numbers, unreadable = standards.parse_high_impact_actions(text)
    if unreadable:
        parts = ", ".join(f"'{part}'" for part in unreadable)
        raise ValueError(f"{parts} {'is' if len(unreadable) == 1 else 'are'} not a high impact action: "
                         f"use HIA 1 to HIA {len(standards.high_impact_actions())}, like HIA 2; HIA 6")
    return numbers


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


def parse_date(value: str) -> date | None:
    """A spreadsheet date, '31/03/2025' or '2025-03-31'; blank → None."""
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


def read_plan_file(content: bytes, filename: str, *, max_rows: int = MAX_ROWS,
                   unpack: UnpackLimits = DEFAULT_LIMITS, plan_standard: str | None = None) -> list[PlanRow]:
    """Every action in the file, validated; raises TransferError naming every problem."""
    return read_plan(content, filename, max_rows=max_rows, unpack=unpack, plan_standard=plan_standard).rows


def read_plan(content: bytes, filename: str, *, max_rows: int = MAX_ROWS,
              unpack: UnpackLimits = DEFAULT_LIMITS, plan_standard: str | None = None) -> PlanFile:
    """Every action in the file, validated, with warnings for whatever was guessed or not kept.

    Raises TransferError naming every problem. Only `ref` and `action` must be columns of the
    file; any other documented column that is missing is read as blank and named in a warning,
    and the text of columns the import does not read is named in a warning too. A workbook that
    would unpack beyond `unpack` is refused unread, and reading stops at row `max_rows` + 1.
    Measures are read for a plan of `plan_standard` (None: whatever kind of plan the file's measures need).
    """
    name = filename or "The file"
    try:
        table = read_table(name, content, header=header_row, limit=max_rows, unpack=unpack)
    except Unreadable as error:
        raise TransferError(error.message) from None
    missing = [column for column in REQUIRED_COLUMNS if normalise_header(column) not in table.headers]
    if missing:
        raise TransferError(f"{name} is missing the column{'s' if len(missing) > 1 else ''} "
                            f"{', '.join(missing)}. Its header row must name at least the columns "
                            f"{', '.join(REQUIRED_COLUMNS)}; the others are "
                            f"{', '.join(c for c in ALL_COLUMNS if c not in REQUIRED_COLUMNS)}.")
    warnings = _column_warnings(name, table)
    records = _records(table.frame[[c for c in table.frame.columns if c in HEADER_NAMES]])
    if not records:
        raise TransferError(f"{name} has no actions: there are no rows below the header row.")
    if table.truncated:
        raise TransferError(f"{name} has more than {max_rows:,} actions, the most one import can take. "
                            "Split it into smaller files.")
    rows, problems = validate_records(name, records, warnings, plan_standard=plan_standard)
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        raise TransferError(f"{name} has {count}. Nothing has been imported: "
                            "correct every row listed and upload the file again.", problems)
    return PlanFile(rows, warnings, plan_standard or standard_of_rows(rows))


def _column_warnings(name: str, table) -> list[Problem]:
    """A warning for the documented columns the file lacks, and one for each other column holding text."""
    warnings = []
    present = {HEADER_NAMES.get(header) for header in table.headers}
    absent = [column for column in COLUMNS if column not in present
              and not (column == "measures" and present & set(MEASURE_COLUMNS))]
    if absent:
        warnings.append(Problem(name, None, None, f"The file has no column{'s' if len(absent) > 1 else ''} "
                                f"{', '.join(absent)}: left blank for every action"))
    for column in table.frame.columns:
        if column in HEADER_NAMES:
            continue
        filled = int(table.frame[column].map(lambda cell: bool(str(cell).strip())).sum())
        if filled:
            warnings.append(Problem(name, None, table.headers.get(column, column),
                                    f"This column is not one the import reads: its text in {filled} "
                                    f"row{'s' if filled != 1 else ''} is not kept"))
    return warnings


def header_row(rows: Iterator[tuple[int, list[str]]]) -> int:
    """The first of the first ten filled rows naming ref and action (titles may sit above it), else the first."""
    first = None
    for number, cells in itertools.islice(rows, HEADER_SEARCH):
        first = first or number
        if {"ref", "action"} <= {normalise_header(cell) for cell in cells}:
            return number
    return first or 1


def _text(cell: str) -> str:
    text = unneutralise(cell.strip()).strip().replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _records(frame: pd.DataFrame) -> list[tuple[int, dict[str, str]]]:
    """(row number, column → cleaned text) for each row with something left in it."""
    columns = [HEADER_NAMES[name] for name in frame.columns]
    records = []
    for number, *cells in frame.itertuples(name=None):
        values = {column: _text(cell) for column, cell in zip(columns, cells)}
        if any(values.values()):
            records.append((int(number), values))
    return records


def validate_records(file: str, records: list[tuple[int, dict[str, str]]],
                     warnings: list[Problem] | None = None, *,
                     plan_standard: str | None = None) -> tuple[list[PlanRow], list[Problem]]:
    """Rows checked one by one, then across the file (unique refs, one title per theme).

    Guesses made on the way (a cancellation reason taken from the progress text) are added to `warnings`.
    """
    problems: list[Problem] = []
    warnings = warnings if warnings is not None else []
    rows = [_parse_row(RowReader(file, number, values, problems), warnings, plan_standard)
            for number, values in records]
    _check_refs(file, rows, problems)
    _check_themes(file, rows, problems)
    order = {column: i for i, column in enumerate(ALL_COLUMNS)}
    problems.sort(key=lambda p: (p.row, order.get(p.column, len(order))))
    return rows, problems


def _measures(read: RowReader, plan_standard: str | None) -> list[str]:
    codes = [code for column in MEASURE_COLUMNS if read.values.get(column)
             for code in read.parse(column, measure_parser(plan_standard, column), [])]
    return standards.sort_codes(codes)


def _parse_row(read: RowReader, warnings: list[Problem], plan_standard: str | None = None) -> PlanRow:
    ref = read.text("ref", required="Enter the action's reference, like 1.1")
    number, title = read.parse("theme", lambda text: split_theme(text, ref), ("", ""))
    row = PlanRow(
        row=read.number, ref=ref, action=read.text("action", required="Enter the action's text"),
        theme_number=number, theme_title=title,
        measures=_measures(read, plan_standard),
        high_impact_actions=read.parse(HIA_COLUMN, parse_hias, []),
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
        if row.progress:
            row.cancelled_reason = row.progress
            warnings.append(Problem(read.file, read.number, "cancelled_reason", "CANCELLED with no cancelled_reason: "
                                    "the progress text is kept as the reason"))
        else:
            row.cancelled_reason = NOT_RECORDED
            warnings.append(Problem(read.file, read.number, "cancelled_reason", "CANCELLED with no reason and no "
                                    f"progress text: the reason is recorded as '{NOT_RECORDED}'"))
    return row


def _check_refs(file: str, rows: list[PlanRow], problems: list[Problem]) -> None:
    first: dict[str, int] = {}
    for row in rows:
        if row.ref and row.ref in first:
            problems.append(Problem(file, row.row, "ref",
                                    f"Reference {row.ref} is already used in row {first[row.ref]}"))
        first.setdefault(row.ref, row.row)


def _check_themes(file: str, rows: list[PlanRow], problems: list[Problem]) -> None:
    first: dict[str, PlanRow] = {}
    for row in rows:
        if not row.theme_number:
            continue
        earlier = first.setdefault(row.theme_number, row)
        if earlier.theme_title != row.theme_title:
            problems.append(Problem(file, row.row, "theme", f"Theme {row.theme_number} is called "
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
