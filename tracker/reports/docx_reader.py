"""Read the action table(s) of an Appendix 1 or Appendix 2 Word document.

Columns are found by their header text, so both our own exports and the
trusts' hand-made documents (2021 and 2024 layouts) can be imported.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from io import BytesIO
from zipfile import BadZipFile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError

from tracker.errors import DomainError
from tracker.reports.documents import RAG_VALUES

#: (field, phrases): a header names the field when it contains one of the phrases.
#: Order matters: "action lead" must be tried before "action".
COLUMN_PHRASES = (
    ("rag", ("rag",)),
    ("priority", ("must should could", "priority")),
    ("objectives", ("equality objective",)),
    ("goals", ("edi goal",)),
    ("indicators", ("indicator",)),
    ("by_who", ("by who", "action lead", "lead", "owner", "responsible")),
    ("by_when", ("by when", "when", "timescale", "deadline", "target date")),
    ("comments", ("comment", "progress")),
    ("forums", ("where reported", "reported", "monitored", "governance")),
    ("outcome", ("outcome", "success measure")),
    ("action", ("action",)),
)
_REF = re.compile(r"^\s*(?:action\s*)?(\d{1,3}(?:\.\d{1,3})*)\s*[.:]?\s+(.*)$", re.I | re.S)
_THEME = re.compile(r"^\s*(\d{1,3})\.\s+(.+)$", re.S)
_NUMBERS = re.compile(r"(\d+)\s*[-–]\s*(\d+)|(\d+)")
_RAG_WORDS = {**{word: word for word in RAG_VALUES}, "complete": "blue"}
LABELLED_LINES = ("outcome:", "priority:")


class DocxReadError(DomainError):
    """The file is not a Word document or holds no recognisable action table."""


@dataclass(frozen=True)
class ReadAction:
    """One action row as found in the document (table and row are 1-based)."""

    ref: str
    text: str
    indicators: tuple[int, ...]
    by_who: str
    by_when: str
    status: str | None
    comments: str
    forums: str
    priority: str | None
    objectives: str
    goals: str
    rag: str | None
    outcome: str
    table: int
    row: int


@dataclass(frozen=True)
class ReadTheme:
    """A theme row and the actions under it ('' number/title before the first theme)."""

    number: str
    title: str
    actions: tuple[ReadAction, ...]


@dataclass(frozen=True)
class ReadPlan:
    """Everything read: themes in order, recognised columns, and things worth checking."""

    themes: tuple[ReadTheme, ...]
    columns: tuple[str, ...]
    warnings: tuple[str, ...]


def read_plan_tables(file: bytes | str | os.PathLike, *, name: str | None = None) -> ReadPlan:
    """Read every action table of a .docx (bytes or path) into themes and actions."""
    label = name or (os.fspath(file) if isinstance(file, (str, os.PathLike)) else "the file")
    document = _open(file, label)
    tables = document.element.body.findall(f".//{qn('w:tbl')}")
    if not tables:
        raise DocxReadError(f"{label} holds no tables; expected an action plan table")
    reader = _PlanReader(label)
    for number, tbl in enumerate(tables, start=1):
        reader.read_table(number, tbl)
    if not reader.columns:
        raise DocxReadError(
            f"{label}: none of its {len(tables)} table(s) has a header row with an 'Action' "
            "column and 'By who' / 'Action lead', 'By when' or similar columns"
            f" (first row of table 1: {' | '.join(_row_texts(tables[0])[:8])!r})"
        )
    return reader.result()


def column_field(header: str) -> str | None:
    """The field a header names ('By who' and 'Action lead' both give 'by_who')."""
    words = " ".join(re.sub(r"[^a-z0-9]+", " ", header.lower()).split())
    padded = f" {words} "
    for field, phrases in COLUMN_PHRASES:
        if any(f" {phrase}" in padded for phrase in phrases):
            return field
    return None


def parse_indicators(text: str) -> tuple[tuple[int, ...], bool]:
    """Indicator numbers from '2, 3', '2 & 3', 'Indicators 1-9'; flag if any were not 1-9."""
    numbers: set[int] = set()
    for low, high, single in _NUMBERS.findall(text):
        numbers.update(range(int(low), int(high) + 1) if low else {int(single)})
    valid = tuple(sorted(n for n in numbers if 1 <= n <= 9))
    return valid, len(valid) == len(numbers)


def _open(file: bytes | str | os.PathLike, label: str):
    """Open the document or explain why it cannot be opened."""
    source = BytesIO(file) if isinstance(file, (bytes, bytearray)) else file
    if not isinstance(source, BytesIO) and not os.path.exists(source):
        raise DocxReadError(f"{label}: file not found")
    try:
        return docx.Document(source)
    except (BadZipFile, PackageNotFoundError, KeyError, ValueError, XMLSyntaxError) as error:
        raise DocxReadError(f"{label} is not a Word .docx document ({error})") from error


def _cell_text(tc) -> str:
    """The cell's paragraphs joined by newlines, trailing spaces removed."""
    lines = [Paragraph(p, None).text.rstrip() for p in tc.findall(qn("w:p"))]
    return "\n".join(lines).strip("\n ")


def _row_cells(tr) -> list[tuple[int, int, str]]:
    """(first grid column, span, text) for each cell of a row."""
    column = tr.grid_before
    cells = []
    for tc in tr.findall(qn("w:tc")):
        cells.append((column, tc.grid_span, _cell_text(tc)))
        column += tc.grid_span
    return cells


def _row_texts(tbl) -> list[str]:
    """Texts of the first row's cells, for error messages."""
    rows = tbl.findall(qn("w:tr"))
    return [text for _, _, text in _row_cells(rows[0])] if rows else []


class _PlanReader:
    """Accumulates themes and actions over the tables of one document."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.columns: tuple[str, ...] = ()
        self.warnings: list[str] = []
        self.themes: list[tuple[str, str, list[ReadAction]]] = []

    def read_table(self, number: int, tbl) -> None:
        """Find the header row, then read the rows below it."""
        rows = tbl.findall(qn("w:tr"))
        for position, tr in enumerate(rows[:3]):
            fields = {col: column_field(text) for col, _, text in _row_cells(tr)}
            fields = {col: f for col, f in fields.items() if f}
            if "action" in fields.values() and len(set(fields.values())) >= 2:
                self.columns = self.columns or tuple(fields.values())
                for row_number, row in enumerate(rows[position + 1:], start=position + 2):
                    self._read_row(number, row_number, row, fields)
                return

    def _read_row(self, table: int, row: int, tr, fields: dict[int, str]) -> None:
        """A theme row opens a theme; any other row with text is an action."""
        cells = [(col, span, text) for col, span, text in _row_cells(tr)]
        filled = [(col, span, text) for col, span, text in cells if text]
        if not filled:
            return
        values: dict[str, str] = {}
        for col, _, text in cells:
            if col in fields and fields[col] not in values:
                values[fields[col]] = text
        theme = _theme_of(filled, values, max(fields) + 1)
        if theme:
            self.themes.append((theme[0], theme[1], []))
            return
        if not self.themes:
            self.themes.append(("", "", []))
        self.themes[-1][2].append(self._action(table, row, values))

    def _action(self, table: int, row: int, values: dict[str, str]) -> ReadAction:
        """Build an action from the cell texts keyed by field."""
        ref, text, labelled = _split_action(values.get("action", ""))
        status, comments = _split_status(values.get("comments", ""))
        rag, rest = _split_rag(values.get("rag", ""))
        indicator_text = values.get("indicators", "")
        indicators, all_valid = parse_indicators(indicator_text)
        if indicator_text and not all_valid:
            self.warnings.append(
                f"{self.label}, table {table}, row {row}, column 'Relates to WRES indicator(s)': "
                f"{indicator_text!r} names numbers outside 1-9; kept {list(indicators)}"
            )
        return ReadAction(
            ref=ref, text=text, indicators=indicators,
            by_who=values.get("by_who", ""),
            by_when=values.get("by_when", rest),
            status=status, comments=comments,
            forums=values.get("forums", ""),
            priority=values.get("priority") or labelled.get("priority") or None,
            objectives=values.get("objectives", ""), goals=values.get("goals", ""),
            rag=rag, outcome=values.get("outcome") or labelled.get("outcome", ""),
            table=table, row=row,
        )

    def result(self) -> ReadPlan:
        """The finished plan."""
        themes = tuple(ReadTheme(n, t, tuple(a)) for n, t, a in self.themes)
        return ReadPlan(themes=themes, columns=self.columns, warnings=tuple(self.warnings))


def _theme_of(filled, values: dict[str, str], width: int) -> tuple[str, str] | None:
    """(number, title) when the row is a theme row: one merged cell, or '1. Title' alone."""
    if len(filled) != 1:
        return None
    _, span, text = filled[0]
    match = _THEME.match(text)
    if match and (span > 1 or values.get("action") == text):
        return match.group(1), " ".join(match.group(2).split())
    if span >= width - 1 and span > 1:
        return "", " ".join(text.split())
    return None


def _split_action(text: str) -> tuple[str, str, dict[str, str]]:
    """(ref, text, labelled) from '1.1 Develop…' plus 'Outcome: …' / 'Priority: …' lines."""
    labelled: dict[str, str] = {}
    body = []
    for line in text.split("\n"):
        label = next((p for p in LABELLED_LINES if line.lower().startswith(p)), None)
        if label:
            labelled[label.rstrip(":")] = line[len(label):].strip()
        else:
            body.append(line)
    match = _REF.match("\n".join(body).strip())
    if not match:
        return "", "\n".join(body).strip(), labelled
    return match.group(1), match.group(2).strip(), labelled


def _split_status(text: str) -> tuple[str | None, str]:
    """A first line in capitals (e.g. 'PROGRESS MADE') is the status word."""
    first, _, rest = text.partition("\n")
    word = first.strip().rstrip(".:")
    if word and word == word.upper() and any(c.isalpha() for c in word) and len(word) <= 60:
        return word, rest.strip()
    return None, text


def _split_rag(text: str) -> tuple[str | None, str]:
    """('green', 'Oct 2024') from 'Green\\nOct 2024'; (None, text) when unrated."""
    first, _, rest = text.partition("\n")
    words = first.strip().lower().split()
    rag = _RAG_WORDS.get(words[0]) if words else None
    return (rag, rest.strip()) if rag else (None, text)
