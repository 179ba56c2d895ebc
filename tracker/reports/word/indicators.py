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

from tracker.reports.documents import IndicatorLine, IndicatorSummary
from tracker.reports.word.page import CONTENT_WIDTH, add_caption, caption_before, new_document
from tracker.reports.word.tables import add_row, add_table, widths_mm, write_lines
from tracker.reports.word.wording import DASH, trend_text, value_text

FIXED_WIDTHS_MM = (11, 58, 31, 38, 22)
MAX_YEAR_WIDTH_MM = 24
#: Two charts and their captions to an A4 landscape page (180 mm of text height).
CHART_HEIGHT = Mm(74)
CHARTS_HEADING = "Trend charts"
VERSUS_WORDS = {"better": "Better than national", "worse": "Worse than national", "same": "Same as national",
                "above": "Above national", "below": "Below national"}
TABLE_CAPTION = "WRES indicators by year, with the national average and the trend"
DEFAULT_AUTHOR = "WRES and WDES action plan tracker"
NO_RESULTS = "No indicator results are stored yet, so there is no summary to show."


def summary_title(summary: IndicatorSummary) -> str:
    """'WRES indicator summary 2018-2024' ('… 2024' for one year, no years when there are none)."""
    if not summary.years:
        return "WRES indicator summary"
    first, last = summary.years[0], summary.years[-1]
    return f"WRES indicator summary {first}" + (f"-{last}" if last != first else "")


def build_indicator_summary(
    summary: IndicatorSummary, *, bme_label: str, generated_on: date,
    author: str = DEFAULT_AUTHOR,
) -> Document:
    """A document holding only the indicator summary table and charts."""
    document = new_document(summary_title(summary), author, generated_on)
    add_indicator_summary(document, summary, bme_label=bme_label)
    return document


def add_indicator_summary(document: Document, summary: IndicatorSummary, *, bme_label: str) -> None:
    """Append the summary heading, table, key and charts (two to a page) to a document."""
    document.add_heading(summary_title(summary), level=1)
    if not summary.lines:
        document.add_paragraph(NO_RESULTS)
        return
    _add_table(document, summary, bme_label)
    for line in key_lines(bme_label):
        document.add_paragraph(line)
    if not summary.charts:
        return
    heading = document.add_heading(CHARTS_HEADING, level=2)
    heading.paragraph_format.page_break_before = True
    titles = {line.number: line.title for line in summary.lines}
    for number, png in summary.charts:
        _add_chart(document, number, titles.get(number, ""), png, chart_description(summary, number, bme_label))


def key_lines(bme_label: str) -> list[str]:
    """What the marks and columns of the table mean."""
    return [
        f"* a lower score is better. Rows compare {bme_label} and White staff. '–' means no result for that year.",
        "National: NHS England's average for all trusts in the year in brackets (the latest year stored, or the "
        "most recent published before it). Compared with national and Trend judge the latest year against that "
        "figure and against the year before, by the indicator's direction (↑ better, ↓ worse, → the same, to 2 "
        "decimal places); indicators 1 and 9 (representation) are above or below national.",
    ]


def headers(summary: IndicatorSummary) -> tuple[str, ...]:
    """Ind | Indicator | one column per year | National | Compared with national | Trend."""
    years = tuple(str(year) for year in summary.years)
    return ("Ind", "Indicator", *years, "National (year)", "Compared with national", "Trend")


def versus_text(word: str | None) -> str:
    """'Better than national', 'Above national', … ('–' when there is no comparison)."""
    return VERSUS_WORDS.get(word, DASH) if word else DASH


def national_text(line: IndicatorLine) -> str:
    """The national figure and its year in brackets: '1.59 (2023)'."""
    if line.national is None:
        return DASH
    return value_text(line.national, line.unit) + (f" ({line.national_year})" if line.national_year else "")


def _widths(summary: IndicatorSummary) -> tuple[Length, ...]:
    """Fixed columns plus the remaining width shared by the year columns."""
    ind, title, national, versus, trend = FIXED_WIDTHS_MM
    spare = Emu(CONTENT_WIDTH).mm - sum(FIXED_WIDTHS_MM)
    count = max(len(summary.years), 1)
    year = min(spare / count, MAX_YEAR_WIDTH_MM)
    title += spare - year * count
    return widths_mm(ind, title, *([year] * len(summary.years)), national, versus, trend)


def _add_table(document: Document, summary: IndicatorSummary, bme_label: str) -> None:
    """A captioned table: one row per indicator, two (BME label, White) for the survey indicators."""
    widths = _widths(summary)
    caption = add_caption(document, "Table", TABLE_CAPTION)
    table = add_table(document, headers(summary), widths)
    caption_before(caption, table._tbl)
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
        _write_number(cells[-3], national_text(line))
        write_lines(cells[-2], [versus_text(line.versus_national)])
        write_lines(cells[-1], [trend_text(line.trend)])


def group_label(group: str, bme_label: str) -> str:
    """'White' for the White row, the trust's own label for the BME row."""
    return "White" if group.strip().lower() == "white" else bme_label


def _write_number(cell: _Cell, text: str) -> None:
    """A right-aligned figure."""
    write_lines(cell, [text])[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def chart_description(summary: IndicatorSummary, number: int, bme_label: str) -> str:
    """Alt text of a chart: what it shows and every figure in it, for readers who cannot see it."""
    lines = [line for line in summary.lines if line.number == number]
    if not lines:
        return f"Line chart of indicator {number} by year."
    parts = [f"Line chart of indicator {number}, {lines[0].title}, by year."]
    for line in lines:
        group = group_label(line.group, bme_label) if line.group else ""
        who = f"Trust {group}".strip()
        figures = ", ".join(f"{value_text(value, line.unit)} in {year}" for year, value in line.values
                            if value is not None)
        parts.append(f"{who}: {figures or 'no figures'}.")
        if line.national is not None:
            parts.append(f"National{' ' + group if group else ''}: "
                         f"{value_text(line.national, line.unit)} in {line.national_year or 'the latest year'}.")
    return " ".join(parts)


def _add_chart(document: Document, number: int, title: str, png: bytes, description: str) -> None:
    """The chart at half a page's height (two to a page), alt text for screen readers, then a caption."""
    try:
        image = Image.from_blob(png)
    except UnrecognizedImageError as error:
        raise ValueError(f"chart for indicator {number} is not a PNG or JPEG image") from error
    width = min(CONTENT_WIDTH, int(CHART_HEIGHT * image.px_width / image.px_height))
    height = int(width * image.px_height / image.px_width)
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run().add_picture(BytesIO(png), width=Emu(width), height=Emu(height))
    for doc_pr in paragraph._p.iter(qn("wp:docPr")):
        doc_pr.set("descr", description)
        doc_pr.set("title", f"Indicator {number} chart")
    caption = add_caption(document, "Chart", f"Indicator {number}" + (f" – {title}" if title else ""))
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
