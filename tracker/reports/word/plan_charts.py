"""The plan's RAG charts in the board pack: each chart (alt text giving every figure) with its figures table."""
from __future__ import annotations

from io import BytesIO

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.oxml.ns import qn
from docx.shared import Emu, Mm

from tracker.reports.documents import RAG_COLUMNS, PlanCharts, RagChart
from tracker.reports.word.page import CONTENT_WIDTH, add_caption, caption_before
from tracker.reports.word.tables import add_row, add_table, widths_mm, write_lines

#: A chart and its figures (up to 12 months) to an A4 landscape page (180 mm of text height).
CHART_HEIGHT = Mm(80)
FIRST_COLUMN_MM = 90
COUNT_COLUMN_MM = 26


def add_plan_charts(document: Document, charts: PlanCharts) -> None:
    """A heading, then each chart on its own page followed by its captioned figures table."""
    document.add_heading(charts.heading, level=1)
    for number, chart in enumerate(charts.charts):
        heading = document.add_heading(chart.title, level=2)
        heading.paragraph_format.page_break_before = number > 0
        if chart.note:
            document.add_paragraph(chart.note)
        _add_picture(document, chart)
        _add_figures(document, chart)


def _add_picture(document: Document, chart: RagChart) -> None:
    try:
        image = Image.from_blob(chart.png)
    except UnrecognizedImageError as error:
        raise ValueError(f"chart {chart.title!r} is not a PNG or JPEG image") from error
    width = min(CONTENT_WIDTH, int(CHART_HEIGHT * image.px_width / image.px_height))
    height = int(width * image.px_height / image.px_width)
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run().add_picture(BytesIO(chart.png), width=Emu(width), height=Emu(height))
    for doc_pr in paragraph._p.iter(qn("wp:docPr")):
        doc_pr.set("descr", chart.description)
        doc_pr.set("title", chart.title)
    caption = add_caption(document, "Chart", chart.title)
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _add_figures(document: Document, chart: RagChart) -> None:
    """The figures the chart is drawn from: a row per bar, a column per rating, and the total."""
    widths = widths_mm(FIRST_COLUMN_MM, *([COUNT_COLUMN_MM] * (len(RAG_COLUMNS) + 1)))
    caption = add_caption(document, "Table", f"{chart.title}: the figures in the chart")
    table = add_table(document, (chart.first_column, *RAG_COLUMNS, "Total"), widths)
    caption_before(caption, table._tbl)
    for label, counts in chart.rows:
        cells = add_row(table, widths)
        write_lines(cells[0], [label])
        for cell, count in zip(cells[1:], (*counts, sum(counts))):
            write_lines(cell, [str(count)])[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
