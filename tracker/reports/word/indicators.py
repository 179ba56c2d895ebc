"""The indicator summary: values per year, national comparison, trend, charts."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.oxml.ns import qn
from docx.shared import Emu, Length, Mm
from docx.table import _Cell

from tracker.reports.documents import IndicatorSummary
from tracker.reports.word.page import CONTENT_HEIGHT, CONTENT_WIDTH, new_document
from tracker.reports.word.tables import add_row, add_table, widths_mm, write_lines
from tracker.reports.word.wording import trend_text, value_text

FIXED_WIDTHS_MM = (12, 75, 30, 33)
CHART_ROOM_FOR_CAPTION = Mm(30)
DEFAULT_AUTHOR = "WRES action plan tracker"
NO_RESULTS = "No indicator results are stored yet, so there is no summary to show."


def summary_title(summary: IndicatorSummary) -> str:
    """'WRES indicator summary 2018-2024' (no years when there are none)."""
    if not summary.years:
        return "WRES indicator summary"
    return f"WRES indicator summary {summary.years[0]}-{summary.years[-1]}"


def build_indicator_summary(
    summary: IndicatorSummary, *, bme_label: str, generated_on: date,
    author: str = DEFAULT_AUTHOR,
) -> Document:
    """A document holding only the indicator summary table and charts."""
    document = new_document(summary_title(summary), author, generated_on)
    add_indicator_summary(document, summary, bme_label=bme_label)
    return document


def add_indicator_summary(document: Document, summary: IndicatorSummary, *, bme_label: str) -> None:
    """Append the summary heading, table, key and charts to a document."""
    document.add_heading(summary_title(summary), level=1)
    if not summary.lines:
        document.add_paragraph(NO_RESULTS)
        return
    _add_table(document, summary, bme_label)
    document.add_paragraph(
        f"* a lower score is better. Rows compare {bme_label} and White staff. "
        "'–' means no result for that year."
    )
    titles = {line.number: line.title for line in summary.lines}
    for position, (number, png) in enumerate(summary.charts, start=1):
        _add_chart(document, position, number, titles.get(number, ""), png)


def headers(summary: IndicatorSummary) -> tuple[str, ...]:
    """Ind | Indicator | one column per year | National (latest) | Trend."""
    years = tuple(str(year) for year in summary.years)
    return ("Ind", "Indicator", *years, "National (latest)", "Trend")


def _widths(summary: IndicatorSummary) -> tuple[Length, ...]:
    """Fixed columns plus the remaining width shared by the year columns."""
    ind, title, national, trend = FIXED_WIDTHS_MM
    spare = Emu(CONTENT_WIDTH).mm - sum(FIXED_WIDTHS_MM)
    year = spare / max(len(summary.years), 1)
    return widths_mm(ind, title, *([year] * len(summary.years)), national, trend)


def _add_table(document: Document, summary: IndicatorSummary, bme_label: str) -> None:
    """One row per indicator, two (BME label, White) for the survey indicators."""
    widths = _widths(summary)
    table = add_table(document, headers(summary), widths)
    previous = None
    for line in summary.lines:
        cells = add_row(table, widths)
        first_of_indicator = line.number != previous
        previous = line.number
        if first_of_indicator:
            write_lines(cells[0], [str(line.number)], bold=True)
        title = line.title + ("*" if line.lower_is_better else "")
        title_lines = [title] if first_of_indicator else []
        write_lines(cells[1], title_lines)
        if line.group is not None:
            write_lines(cells[1], [group_label(line.group, bme_label)], bold=True)
        by_year = dict(line.values)
        for cell, year in zip(cells[2:], summary.years):
            _write_number(cell, value_text(by_year.get(year), line.unit))
        _write_number(cells[-2], value_text(line.national, line.unit))
        write_lines(cells[-1], [trend_text(line.trend)])


def group_label(group: str, bme_label: str) -> str:
    """'White' for the White row, the trust's own label for the BME row."""
    return "White" if group.strip().lower() == "white" else bme_label


def _write_number(cell: _Cell, text: str) -> None:
    """A right-aligned figure."""
    write_lines(cell, [text])[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _add_chart(document: Document, position: int, number: int, title: str, png: bytes) -> None:
    """The chart scaled to fit the page, alt text for screen readers, then a caption."""
    try:
        image = Image.from_blob(png)
    except UnrecognizedImageError as error:
        raise ValueError(f"chart for indicator {number} is not a PNG or JPEG image") from error
    height_room = CONTENT_HEIGHT - CHART_ROOM_FOR_CAPTION
    width = min(CONTENT_WIDTH, int(height_room * image.px_width / image.px_height))
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run().add_picture(BytesIO(png), width=Emu(width))
    description = f"Trend chart for indicator {number}: {title}".rstrip(": ")
    for doc_pr in paragraph._p.iter(qn("wp:docPr")):
        doc_pr.set("descr", description)
    caption = f"Chart {position}: indicator {number}" + (f" – {title}" if title else "")
    document.add_paragraph(caption, style="Caption")
