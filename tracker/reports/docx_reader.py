"""Read the action table(s) of an Appendix 1 or Appendix 2 Word document.

Columns are found by their header text, so both our own exports and the
trusts' hand-made documents (2021 and 2024 layouts) can be imported. The XML is
read as Word shows it, tracked changes accepted (`tracker.reports.docx_cells`);
RAG comes from a word, a letter or the cell's shading (`shade_rag`, SHADE_HUES);
dated comments become a history (`split_history`). Pure: no database.
"""
from __future__ import annotations

import colorsys
import os
import re
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from zipfile import BadZipFile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml.etree import XMLSyntaxError

from tracker import standards
from tracker.errors import DomainError
from tracker.reports.documents import RAG_VALUES
from tracker.reports.docx_cells import Numbering, row_cells, row_texts, table_rows
from tracker.zip_limits import DEFAULT as DEFAULT_LIMITS
from tracker.zip_limits import WORD_DOCUMENT, ArchiveRefused, UnpackLimits, check_archive

#: (field, phrases): a header names the field when it contains one of the phrases.
#: Order matters: "action lead" must be tried before "action".
COLUMN_PHRASES = (
    ("rag", ("rag",)),
    ("priority", ("must should could", "priority")),
    ("objectives", ("equality objective",)),
    ("goals", ("edi goal",)),
    ("hias", ("high impact action", "hia")),
    ("wdes_metrics", ("wdes metric", "metric")),
    ("indicators", ("indicator",)),
    ("by_who", ("by who", "action lead", "lead", "owner", "responsible")),
    ("by_when", ("by when", "when", "timescale", "deadline", "target date")),
    ("comments", ("comment", "progress")),
    ("forums", ("where reported", "reported", "monitored", "governance")),
    ("outcome", ("outcome", "success measure")),
    ("action", ("action",)),
)
#: Whole headers that name a separate reference column ("Ref", "No.", "Action no").
REF_HEADERS = {"ref", "ref no", "reference", "no", "number", "action no", "action number", "action ref", "item"}
#: Whole headers that name a column of measures of either standard ("WRES 2; WDES 4a(ii)").
MEASURE_HEADERS = {"measure", "measures", "wres wdes measures", "wres and wdes measures", "edi measures"}
#: Whole headers that name a status column.
STATUS_HEADERS = {"status", "progress status", "current status"}
_REF = re.compile(r"^\s*(?:action\s*)?(\d{1,3}(?:\.\d{1,3})*)\s*[.:]?\s+(.*)$", re.I | re.S)
_THEME = re.compile(r"^\s*(\d{1,3})\.\s+(.+)$", re.S)
_NUMBERS = re.compile(r"(\d+)\s*[-–]\s*(\d+)|(\d+)")
_RAG_WORDS = {**{word: word for word in RAG_VALUES}, "complete": "blue", "completed": "blue",
              "r": "red", "a": "amber", "g": "green", "b": "blue"}
#: RAG read from a cell's shading when it holds no RAG word: the fill's hue (degrees) must fall in
#: one of these bands, with saturation and brightness at least SHADE_MIN (0-1), so white, greys,
#: black, purples and pale tints give no rating. Word's own fills fall well inside: red FF0000
#: (0°), amber FFC000 (45°), yellow FFFF00 (60°, read as amber), green 00B050 (148°) and
#: 92D050 (84°), blue 0070C0 (205°) and 00B0F0 (196°).
SHADE_HUES = (("red", 0, 15), ("amber", 15, 66), ("green", 66, 170), ("blue", 180, 255), ("red", 340, 360))
SHADE_MIN = 0.35
#: An indicators cell reading "All" (or "All indicators") means every WRES indicator.
ALL_INDICATORS = re.compile(r"^\s*all(\s+(wres\s+)?indicators?)?\s*$", re.I)
LABELLED_LINES = ("outcome:", "priority:")


class DocxReadError(DomainError):
    """The file is not a Word document or holds no recognisable action table."""


@dataclass(frozen=True)
class ReadUpdate:
    """A dated progress comment found in a comments cell ("12 Mar 2024 – text (author)")."""

    on: date
    text: str
    author: str = ""


@dataclass(frozen=True)
class ReadAction:
    """One action row as found in the document (table and row are 1-based).

    `comments` is the undated progress text; `history` the dated comments, oldest first.
    `rag_source` says how the RAG was read: "word" ("Green", "G"), "shading" (the cell's fill)
    or "" (not rated). `notes` are this row's guesses and losses, for the preview.
    """

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
    rag_reason: str = ""
    rag_source: str = ""
    history: tuple[ReadUpdate, ...] = ()
    notes: tuple[str, ...] = ()
    #: Codes of every measure the row names ("wres:2", "wdes:4a_ii"): the WRES `indicators`, a WDES
    #: metric column's metrics and a measures column's measures.
    measures: tuple[str, ...] = ()
    high_impact_actions: tuple[int, ...] = ()


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


def read_plan_tables(file: bytes | str | os.PathLike, *, name: str | None = None,
                     unpack: UnpackLimits = DEFAULT_LIMITS) -> ReadPlan:
    """Read every action table of a .docx (bytes or path) into themes and actions.

    Tracked changes are read as accepted (insertions and moved-to text kept, deletions and
    moved-from text dropped), text in content controls is read, vertically merged cells are
    filled down to every row they span, and list bullets and numbers are kept at the start of
    their lines ("• ", "1."). A document that would unpack beyond `unpack` is refused unread
    (`tracker.zip_limits`).
    """
    label = name or (os.fspath(file) if isinstance(file, (str, os.PathLike)) else "the file")
    document = _open(file, label, unpack)
    tables = document.element.body.findall(f".//{qn('w:tbl')}")
    if not tables:
        raise DocxReadError(f"{label} holds no tables; expected an action plan table")
    reader = _PlanReader(label, Numbering(document))
    for number, tbl in enumerate(tables, start=1):
        reader.read_table(number, tbl)
    if not reader.columns:
        raise DocxReadError(
            f"{label}: none of its {len(tables)} table(s) has a header row with an 'Action' "
            "column and 'By who' / 'Action lead', 'By when' or similar columns"
            f" (first row of table 1: {' | '.join(row_texts(tables[0], reader.numbering)[:8])!r})"
        )
    return reader.result()


def column_field(header: str) -> str | None:
    """The field a header names ('By who' and 'Action lead' both give 'by_who')."""
    words = " ".join(re.sub(r"[^a-z0-9]+", " ", header.lower()).split())
    if words in REF_HEADERS or header.strip() == "#":
        return "ref"
    if words in STATUS_HEADERS:
        return "status"
    if words in MEASURE_HEADERS or ("indicator" in words and "metric" in words):
        return "measures"
    padded = f" {words} "
    for field, phrases in COLUMN_PHRASES:
        if any(f" {phrase}" in padded for phrase in phrases):
            return field
    return None


def parse_indicators(text: str) -> tuple[tuple[int, ...], bool]:
    """Indicator numbers from '2, 3', '2 & 3', 'Indicators 1-9', 'All'; flag if any were not 1-9."""
    if ALL_INDICATORS.match(text):
        return tuple(range(1, 10)), True
    numbers: set[int] = set()
    for low, high, single in _NUMBERS.findall(text):
        numbers.update(range(int(low), int(high) + 1) if low else {int(single)})
    valid = tuple(sorted(n for n in numbers if 1 <= n <= 9))
    return valid, len(valid) == len(numbers)


def shade_rag(fill: str | None) -> str | None:
    """The RAG a cell's RRGGBB fill stands for (see SHADE_HUES), or None."""
    if not fill or not re.fullmatch(r"[0-9A-Fa-f]{6}", fill):
        return None
    red, green, blue = (int(fill[i:i + 2], 16) / 255 for i in (0, 2, 4))
    hue, saturation, value = colorsys.rgb_to_hsv(red, green, blue)
    if saturation < SHADE_MIN or value < SHADE_MIN:
        return None
    degrees = hue * 360
    return next((rag for rag, low, high in SHADE_HUES if low <= degrees < high), None)


def _open(file: bytes | str | os.PathLike, label: str, unpack: UnpackLimits = DEFAULT_LIMITS):
    """Open the document, once its package is known not to unpack beyond `unpack`, or explain why it cannot be."""
    if not isinstance(file, (bytes, bytearray)):
        if not os.path.isfile(file):
            raise DocxReadError(f"{label}: file not found")
        with open(file, "rb") as opened:
            file = opened.read()
    try:
        check_archive(label, bytes(file), unpack, WORD_DOCUMENT)
    except ArchiveRefused as error:
        if error.damaged:
            raise DocxReadError(f"{label} is not a Word .docx document: it is not in the .docx format or it is "
                                "damaged. Save it again from Word as a Word Document (.docx).") from None
        raise DocxReadError(error.message) from None
    try:
        return docx.Document(BytesIO(file))
    except (BadZipFile, PackageNotFoundError, KeyError, ValueError, XMLSyntaxError) as error:
        raise DocxReadError(f"{label} is not a Word .docx document, or it is damaged ({error}). Save it again "
                            "from Word as a Word Document (.docx).") from error


class _PlanReader:
    """Accumulates themes and actions over the tables of one document."""

    def __init__(self, label: str, numbering: Numbering) -> None:
        self.label = label
        self.numbering = numbering
        self.columns: tuple[str, ...] = ()
        self.warnings: list[str] = []
        self.themes: list[tuple[str, str, list[ReadAction]]] = []

    def read_table(self, number: int, tbl) -> None:
        """Find the header row, then read the rows below it."""
        rows = table_rows(tbl)
        for position, tr in enumerate(rows[:3]):
            headers = {cell.column: cell.text for cell in row_cells(tr, self.numbering)}
            fields = {col: column_field(text) for col, text in headers.items()}
            fields = {col: f for col, f in fields.items() if f}
            if "action" in fields.values() and len(set(fields.values())) >= 2:
                self.columns = self.columns or tuple(dict.fromkeys(fields.values()))
                unread: dict[int, int] = {}
                above: dict[int, str] = {}
                for row_number, row in enumerate(rows[position + 1:], start=position + 2):
                    self._read_row(number, row_number, row, fields, above, unread)
                for col, count in unread.items():
                    self.warnings.append(f"Table {number}, column '{headers[col] or 'with no header'}': the "
                                         f"import does not read this column; its text in {count} "
                                         f"row{'s' if count != 1 else ''} is not kept")
                return

    def _read_row(self, table: int, row: int, tr, fields: dict[int, str], above: dict[int, str],
                  unread: dict[int, int]) -> None:
        """A theme row opens a theme; any other row with text is an action."""
        cells = row_cells(tr, self.numbering)
        for cell in cells:
            if cell.merged == "continue":
                cell.text = above.get(cell.column, "")
            elif cell.merged == "restart":
                above[cell.column] = cell.text
            else:
                above.pop(cell.column, None)
        filled = [(cell.column, cell.span, cell.text) for cell in cells if cell.text]
        if not filled:
            return
        values: dict[str, str] = {}
        fills: dict[str, str | None] = {}
        for cell in cells:
            field = fields.get(cell.column)
            if field is None:
                continue
            fills.setdefault(field, cell.fill)
            if cell.text:
                values[field] = f"{values[field]}\n{cell.text}" if values.get(field) else cell.text
        theme = _theme_of(filled, values, max(fields) + 1) or _ref_column_theme(values, filled)
        if theme:
            self.themes.append((theme[0], theme[1], []))
            return
        for cell in cells:
            if cell.column not in fields and cell.text and cell.merged != "continue":
                unread[cell.column] = unread.get(cell.column, 0) + 1
        if not self.themes:
            self.themes.append(("", "", []))
        self.themes[-1][2].append(self._action(table, row, values, fills))

    def _action(self, table: int, row: int, values: dict[str, str], fills: dict[str, str | None]) -> ReadAction:
        """Build an action from the cell texts keyed by field."""
        notes: list[str] = []
        where = f"Table {table}, row {row}"
        ref, text, labelled = _split_action(values.get("action", ""))
        if values.get("ref"):
            ref_text = values["ref"].strip().rstrip(".")
            if ref and ref != ref_text:
                text = f"{ref} {text}"
            ref = ref_text
        comments_cell = values.get("comments", "")
        if values.get("status"):
            status, comments = " ".join(values["status"].split()), comments_cell
        else:
            status, comments = _split_status(comments_cell)
        undated, history = split_history(comments)
        rag, reason, rest = _split_rag(values.get("rag", ""))
        source = "word" if rag else ""
        if rag is None and "rag" in fills:
            rag = shade_rag(fills["rag"])
            if rag:
                source = "shading"
                notes.append(f"{where}: RAG {rag.capitalize()} taken from the cell's shading "
                             f"(#{fills['rag'].upper()}); the cell has no RAG word")
        indicator_text = values.get("indicators", "")
        indicators, all_valid = parse_indicators(indicator_text)
        if indicator_text and not all_valid:
            self.warnings.append(
                f"{self.label}, table {table}, row {row}, column 'Relates to WRES indicator(s)': "
                f"{indicator_text!r} names numbers outside 1-9; kept {list(indicators)}"
            )
        codes = [standards.code_of(standards.WRES, n) for n in indicators]
        for field, column, reading, what in (
                ("wdes_metrics", "WDES metric", standards.WDES, "WDES metric"),
                ("measures", "Measures", standards.COMBINED, "WRES indicator or WDES metric")):
            found, unreadable = standards.parse_measures(values.get(field, ""), reading)
            codes += found
            if unreadable:
                self.warnings.append(f"{self.label}, table {table}, row {row}, column '{column}': "
                                     f"{', '.join(map(repr, unreadable))} is not a {what}; kept "
                                     f"{', '.join(standards.names(found)) or 'none'}")
        hias, unreadable = standards.parse_high_impact_actions(values.get("hias", ""))
        if unreadable:
            self.warnings.append(f"{self.label}, table {table}, row {row}, column 'High impact actions': "
                                 f"{', '.join(map(repr, unreadable))} is not a high impact action (HIA 1 to 6); "
                                 f"kept {', '.join(f'HIA {n}' for n in hias) or 'none'}")
        codes = standards.sort_codes(codes)
        indicators = tuple(int(code.split(":")[1]) for code in codes if code.startswith("wres:"))
        by_when = values.get("by_when", "")
        if rest and by_when and rest != by_when:
            notes.append(f"{where}: the RAG cell also says {rest!r}, which is not kept (the By when column "
                         f"says {by_when!r})")
        return ReadAction(
            ref=ref, text=text, indicators=indicators,
            by_who=values.get("by_who", ""),
            by_when=by_when or rest,
            status=status, comments=undated,
            forums=values.get("forums", ""),
            priority=values.get("priority") or labelled.get("priority") or None,
            objectives=values.get("objectives", ""), goals=values.get("goals", ""),
            rag=rag, outcome=values.get("outcome") or labelled.get("outcome", ""),
            table=table, row=row, rag_reason=reason, rag_source=source, history=history, notes=tuple(notes),
            measures=tuple(codes), high_impact_actions=tuple(hias),
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


def _ref_column_theme(values: dict[str, str], filled) -> tuple[str, str] | None:
    """(number, title) for a theme row of a table with a Ref column: '1' | 'Inclusive recruitment' and nothing else."""
    ref = values.get("ref", "").strip().rstrip(".")
    if len(filled) == 2 and set(values) == {"ref", "action"} and re.fullmatch(r"\d{1,3}", ref):
        return ref, " ".join(values["action"].split())
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
    if word and word == word.upper() and any(c.isalpha() for c in word) and len(word) <= 60 \
            and not _DATED.match(first):
        return word, rest.strip()
    return None, text


_RAG_FIRST = re.compile(r"^\s*(red|amber|green|blue|complete|completed|r|a|g|b)\b\s*(?:\(complete\))?"
                        r"\s*(?:[-–—:,]\s*)?(.*)$", re.I | re.S)


_NOT_RATED = re.compile(r"^\s*not rated\s*$", re.I)
_RATED_ON = re.compile(r"^\s*as at\b", re.I)


def _split_rag(text: str) -> tuple[str | None, str, str]:
    """(rag, reason, rest) from the RAG cell: 'Green - on track\\nOct 2024' → ('green', 'on track', 'Oct 2024').

    The rating is a word (Red, Amber, Green, Blue, Complete) or its letter (R, A, G, B); words
    after it on its line are the reason; the lines below are the rest (the by-when of our 2024 layout).
    Our Appendix 1's "Not rated" and its "as at <date>" line under an older rating are not the rest.
    """
    text = "\n".join(line for line in text.split("\n") if not _RATED_ON.match(line))
    first, _, rest = text.partition("\n")
    if _NOT_RATED.match(first):
        return None, "", rest.strip()
    match = _RAG_FIRST.match(first)
    if not match:
        return None, "", text.strip()
    return _RAG_WORDS[match.group(1).lower()], match.group(2).strip(), rest.strip()


_MONTHS = {name: number for number, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
     ("nov", "november"), ("dec", "december")), start=1) for name in names}
_DATED = re.compile(
    r"^\s*(?:(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})(?!\d)"
    r"|(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})(?!\d))\s*(?:[-–—:]\s*)?(.*)$", re.S)
_AUTHOR = re.compile(r"^(.*\S)\s+\(([^()]{2,80})\)$", re.S)


def split_history(text: str) -> tuple[str, tuple[ReadUpdate, ...]]:
    """(undated text, dated comments oldest first) from a comments cell.

    A line starting with a date ("12 Mar 2024 – …", "12/03/2024: …") opens a dated comment;
    the lines after it, up to the next dated line, belong to it. A trailing "(Name)" is kept as
    its author. Lines before the first dated one are the undated text.
    """
    undated: list[str] = []
    found: list[tuple[date, list[str]]] = []
    for line in text.split("\n"):
        day, rest = _dated(line)
        if day is not None:
            found.append((day, [rest]))
        elif found:
            found[-1][1].append(line)
        else:
            undated.append(line)
    updates = []
    for day, lines in found:
        body = "\n".join(lines).strip()
        author = ""
        match = _AUTHOR.match(body)
        if match:
            body, author = match.group(1).strip(), match.group(2).strip()
        if body:
            updates.append(ReadUpdate(day, body, author))
    ordered = sorted(enumerate(updates), key=lambda pair: (pair[1].on, -pair[0]))
    return "\n".join(undated).strip(), tuple(update for _, update in ordered)


def _dated(line: str) -> tuple[date | None, str]:
    match = _DATED.match(line)
    if not match:
        return None, line
    try:
        if match.group(1):
            month = _MONTHS.get(match.group(2).lower())
            if month is None:
                return None, line
            return date(int(match.group(3)), month, int(match.group(1))), match.group(7).strip()
        year = int(match.group(6))
        year = year + 2000 if year < 100 else year
        return date(year, int(match.group(5)), int(match.group(4))), match.group(7).strip()
    except ValueError:
        return None, line
