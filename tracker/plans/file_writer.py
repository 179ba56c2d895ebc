"""Writing an action plan as CSV or Excel in the columns `file_reader` reads back.

Pure: rows in, bytes out. Cells are always text, and text a spreadsheet would run as a
formula is written with a leading apostrophe.
"""
from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from tracker.plans.file_reader import ALL_COLUMNS, FORMULA_STARTS

MIME_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
WRAPPED_COLUMNS = {"theme": 30, "action": 60, "outcome": 40, "progress": 60, "cancelled_reason": 30}
EXAMPLE_ROW = {
    "ref": "1.1", "theme": "1. Inclusive recruitment",
    "action": "Develop an inclusive recruitment toolkit for all recruiting managers",
    "measures": "WRES 1; WRES 2", "high_impact_actions": "HIA 2", "owners": "Jo Bloggs; recruitment.lead@example.nhs.uk", "by_when": "Q3 2024-25",
    "outcome": "80% of band 8a+ interview panels include a BME member",
    "forums": "Inclusion Council; PCDC", "priority": "Must", "rag": "Amber", "status": "PROGRESS MADE",
    "progress": "Toolkit drafted and shared with the staff networks for comment.",
    "supporting_leads": "", "lead_text": "", "equality_objectives": "4", "edi_goals": "1",
    "category": "", "rag_as_at": "30/09/2024", "cancelled_reason": "",
}


def neutralise(value: str) -> str:
    """Text a spreadsheet would run as a formula (= + - @, tab, return) gets a leading apostrophe."""
    return "'" + value if value.lstrip("'")[:1] in FORMULA_STARTS and value.lstrip("'") else value


def _cells(rows: list[dict[str, str]]) -> list[list[str]]:
    return [[neutralise(ILLEGAL_CHARACTERS_RE.sub("", row.get(column) or "")) for column in ALL_COLUMNS]
            for row in rows]


def write_csv(rows: list[dict[str, str]]) -> bytes:
    """The rows as CSV in UTF-8 with a byte-order mark, which Excel opens correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ALL_COLUMNS)
    writer.writerows(_cells(rows))
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(rows: list[dict[str, str]], note: str | None = None) -> bytes:
    """The rows as an Excel workbook: bold header, text cells, readable column widths; `note` (what the
    rows were chosen by) on a first line above the header, which the import passes over."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Action plan"
    if note:
        sheet.append([neutralise(ILLEGAL_CHARACTERS_RE.sub("", note))])
        sheet.cell(1, 1).font = Font(italic=True)
    header = sheet.max_row + 1 if note else 1
    for column_number, column in enumerate(ALL_COLUMNS, start=1):
        sheet.cell(header, column_number, column).font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row_number, values in enumerate(_cells(rows), start=header + 1):
        for column_number, value in enumerate(values, start=1):
            cell = sheet.cell(row_number, column_number, value)
            cell.number_format = "@"
            if ALL_COLUMNS[column_number - 1] in WRAPPED_COLUMNS:
                cell.alignment = wrap
    for index, column in enumerate(ALL_COLUMNS):
        sheet.column_dimensions[sheet.cell(1, index + 1).column_letter].width = _width(column, rows)
    sheet.freeze_panes = f"A{header + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _width(column: str, rows: list[dict[str, str]]) -> int:
    if column in WRAPPED_COLUMNS:
        return WRAPPED_COLUMNS[column]
    longest = max((len(line) for row in rows for line in (row.get(column) or "").split("\n")), default=0)
    return min(max(len(column), longest), 40) + 2


def template_csv() -> bytes:
    """A CSV with the header row and one example action, for people starting a new file."""
    return write_csv([EXAMPLE_ROW])


def export_filename(year: str, extension: str, parts: tuple[str, ...] | list[str] = ()) -> str:
    """'wres-plan-2024-25.csv'; with `parts` (the filters shown), 'wres-plan-2024-25-rag-amber.csv'."""
    return safe_filename(("wres-plan", year, *parts), extension)


#: File names are kept shorter than this (before the extension), whatever the filters.
LONGEST_NAME = 120


def safe_filename(parts: tuple[str, ...] | list[str], extension: str) -> str:
    """The parts as one lower-case file name of letters, digits and hyphens: ('RAG', 'Amber & red') → 'rag-amber-red'."""
    stem = re.sub(r"-{2,}", "-", "-".join(re.sub(r"[^0-9a-z]+", "-", part.lower()).strip("-") for part in parts))
    return f"{stem.strip('-')[:LONGEST_NAME].strip('-') or 'wres-actions'}.{extension}"
