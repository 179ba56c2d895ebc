"""The board pack's progress by high impact action (NHS England's EDI Improvement Plan, June 2023)."""
from __future__ import annotations

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from tracker.dates import long_date
from tracker.reports.documents import RAG_COLUMNS, HiaProgress
from tracker.reports.word.page import add_caption, caption_before
from tracker.reports.word.tables import add_row, add_table, widths_mm, write_lines

HEADING = "Progress by high impact action"
#: HIA | High impact action | Actions | Red | Amber | Green | Blue (complete) | Not rated | Overdue: 267 mm.
WIDTHS = widths_mm(16, 103, 20, 20, 20, 20, 24, 22, 22)
HEADERS = ("HIA", "High impact action", "Actions", *RAG_COLUMNS, "Overdue")
NONE_LABEL = "No high impact action"


def add_hia_progress(document: Document, progress: HiaProgress) -> None:
    """Heading, what is counted, then one row per HIA 1-6 and one for the actions tagged with none."""
    document.add_heading(HEADING, level=1)
    document.add_paragraph(
        f"The plan's {progress.total} action{'s' if progress.total != 1 else ''} counted by the EDI Improvement "
        f"Plan's high impact action (HIA) they serve, by RAG rating and overdue as at {long_date(progress.as_at)}. "
        "An action serving several high impact actions is counted in each of their rows.")
    caption = add_caption(document, "Table", f"Actions by high impact action and RAG on {long_date(progress.as_at)}")
    table = add_table(document, HEADERS, WIDTHS)
    caption_before(caption, table._tbl)
    for line in progress.lines:
        cells = add_row(table, WIDTHS)
        write_lines(cells[0], [f"HIA {line.number}" if line.number is not None else "–"], bold=True)
        write_lines(cells[1], [line.title], bold=line.number is None)
        for cell, count in zip(cells[2:], (line.actions, *line.rag_counts, line.overdue)):
            write_lines(cell, [str(count)])[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
