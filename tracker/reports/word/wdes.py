"""The WDES summary: a year's metrics for Disabled and non-disabled staff, and the declaration rate."""
from __future__ import annotations

from datetime import date

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.table import _Cell

from tracker.indicators.wdes_figures import shown
from tracker.reports.documents import WdesFigure, WdesLine, WdesSummary
from tracker.reports.word.page import add_caption, caption_before, new_document
from tracker.reports.word.tables import add_row, add_table, widths_mm, write_lines
from tracker.reports.word.wording import DASH

DEFAULT_AUTHOR = "WRES and WDES action plan tracker"
NO_RESULTS = "No WDES figures are stored yet, so there is no summary to show."
NOT_CALCULABLE = "Not calculable"
SMALL_NUMBERS = "small numbers: treat with caution"
TABLE_CAPTION = "WDES metrics for Disabled and non-disabled staff, with last year and the trend"
DECLARATION_HEADING = "Declaration of disability in the workforce (metric 1)"
DECLARATION_CAPTION = "Staff by disability as recorded, and the declaration rate"
#: Metric | Short title | Disabled | Non-disabled | RL (95% CI) | Last year | National | Trend: 267 mm.
WIDTHS = widths_mm(16, 62, 30, 30, 41, 30, 26, 32)
DECLARATION_WIDTHS = widths_mm(110, 45, 45)
KEY = (
    "Disabled and Non-disabled: the percentage of each group (metrics 1 and 4a to 8), the engagement score out "
    "of 10 (9a), the answer (9b), or the board's Disabled percentage minus the workforce's, in percentage points "
    "(10). For metrics 2 and 3 they are each group's rate, and the relative likelihood compares them: metric 2, "
    "non-disabled against Disabled applicants being appointed from shortlisting; metric 3, Disabled against "
    "non-disabled staff entering the formal capability process; 1.00 is parity.",
    "Percentages are shown to 1 decimal place, relative likelihoods and engagement scores to 2, as on the WDES "
    "pages. Trend: better or worse than the year before, by each metric's direction, comparing the figures as "
    "shown. Metric 1 is judged by its declaration rate; metrics 2 and 3 by the relative likelihood; the others "
    "by the Disabled figure, which Last year gives. 'Not calculable' gives the reason; '–' means no figure is "
    "stored.",
)
NATIONAL_NOTE = "National figures (the year in brackets) are shown only where they can be cited. Source: {sources}."
NO_NATIONAL = "National figures are shown only where they can be cited: none for the metrics and years shown."


def summary_title(summary: WdesSummary) -> str:
    """'WDES summary 2025' ('WDES summary' when no year is stored)."""
    return f"WDES summary {summary.year}" if summary.year else "WDES summary"


def build_wdes_summary(summary: WdesSummary, *, generated_on: date, author: str = DEFAULT_AUTHOR) -> Document:
    """A document holding only the WDES summary."""
    document = new_document(summary_title(summary), author, generated_on)
    add_wdes_summary(document, summary)
    return document


def national_note(summary: WdesSummary) -> str:
    """Where the table's national figures were published, or that none are shown."""
    if not summary.national_sources:
        return NO_NATIONAL
    return NATIONAL_NOTE.format(sources="; ".join(summary.national_sources))


def add_wdes_summary(document: Document, summary: WdesSummary) -> None:
    """Append the summary heading, the metrics table, its key and the declaration table."""
    document.add_heading(summary_title(summary), level=1)
    if not summary.lines:
        document.add_paragraph(NO_RESULTS)
        return
    document.add_paragraph(f"Data as at 31 March {summary.year}"
                           + (f", against {summary.previous_year}." if summary.previous_year else
                              "; no earlier year is stored."))
    caption = add_caption(document, "Table", TABLE_CAPTION)
    table = add_table(document, headers(summary), WIDTHS)
    caption_before(caption, table._tbl)
    for line in summary.lines:
        _add_line(table, line)
    for text in (national_note(summary), *KEY):
        document.add_paragraph(text)
    if summary.declaration:
        heading = document.add_heading(DECLARATION_HEADING, level=2)
        heading.paragraph_format.keep_with_next = True
        caption = add_caption(document, "Table", DECLARATION_CAPTION)
        last = str(summary.previous_year) if summary.previous_year else "Last year"
        table = add_table(document, ("Staff", str(summary.year), last), DECLARATION_WIDTHS)
        caption_before(caption, table._tbl)
        for label, now, then in summary.declaration:
            cells = add_row(table, DECLARATION_WIDTHS)
            write_lines(cells[0], [label], bold=label.startswith("Declaration"))
            _write_figure(cells[1], now, "percent")
            _write_figure(cells[2], then, "percent")
        _keep_together(table)


def _keep_together(table) -> None:
    """Keep a short table on one page: every row's paragraphs kept with the next row, but the last's."""
    for row in table.rows[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def headers(summary: WdesSummary) -> tuple[str, ...]:
    last = f"Last year ({summary.previous_year})" if summary.previous_year else "Last year"
    return ("Metric", "Short title", "Disabled", "Non-disabled", "Relative likelihood (95% CI)", last,
            "National", "Trend")


def figure_text(figure: WdesFigure | None, unit: str) -> list[str]:
    """The lines a figure is written as, rounded as the WDES pages round it: '25.0%', '1.23', '6.50',
    '−8.3 pp', 'Yes'; 'Not calculable' and the reason; '–' when nothing is stored."""
    if figure is None:
        return [DASH]
    if figure.value is None:
        return [NOT_CALCULABLE] + ([f"({figure.reason})"] if figure.reason else [])
    return [shown(figure.value, unit).replace("-", "−")]


def likelihood_text(figure: WdesFigure | None) -> list[str]:
    """'1.23' and '(0.85 to 1.78)', with the small-numbers caution; 'Not calculable' and why; '–'."""
    lines = figure_text(figure, "ratio")
    if figure is None or figure.value is None:
        return lines
    if figure.ci_low is not None and figure.ci_high is not None:
        lines.append(f"({shown(figure.ci_low, 'ratio')} to {shown(figure.ci_high, 'ratio')})")
    if figure.small_numbers:
        lines.append(SMALL_NUMBERS)
    return lines


def _add_line(table, line: WdesLine) -> None:
    cells = add_row(table, WIDTHS)
    write_lines(cells[0], [line.label], bold=True)
    write_lines(cells[1], [line.title])
    if line.unit == "ratio":
        _write_figure(cells[2], line.disabled, "percent")
        _write_figure(cells[3], line.non_disabled, "percent")
        _write_lines(cells[4], likelihood_text(line.likelihood))
        _write_figure(cells[5], line.last_year, "ratio")
    else:
        _write_figure(cells[2], line.disabled, line.unit)
        _write_lines(cells[3], figure_text(line.non_disabled, line.unit) if line.non_disabled else [DASH])
        _write_lines(cells[4], [DASH])
        _write_figure(cells[5], line.last_year, line.unit)
    if line.national is None:
        _write_lines(cells[6], [DASH])
    else:
        year = [f"({line.national_year})"] if line.national_year else []
        for paragraph in write_lines(cells[6], [*figure_text(WdesFigure(line.national), line.unit), *year]):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    write_lines(cells[7], [trend_text(line)])


def trend_text(line: WdesLine) -> str:
    """The trend in the WDES pages' words ('Declaration rate: No change' for metric 1); '–' for 9b."""
    if line.trend is None:
        return DASH
    return f"{line.trend_of}: {line.trend}" if line.trend_of else line.trend


def _write_figure(cell: _Cell, figure: WdesFigure | None, unit: str) -> None:
    lines = figure_text(figure, unit)
    if figure is not None and figure.value is not None and figure.small_numbers and unit != "ratio":
        lines.append(SMALL_NUMBERS)
    _write_lines(cell, lines)


def _write_lines(cell: _Cell, lines: list[str]) -> None:
    """Figures right-aligned; a reason or caution in the same cell follows in its own paragraph."""
    for paragraph in write_lines(cell, lines[:1]):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if lines[0][:1].isdigit() or lines[0][:1] in "+−-" else None
    write_lines(cell, lines[1:])
