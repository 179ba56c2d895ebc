"""The board pack: cover, indicator summary, Appendix 1 and Appendix 2 in one file."""
from __future__ import annotations

from datetime import date

from docx.document import Document

from tracker.dates import long_date
from tracker.reports.documents import Cover, IndicatorSummary, PlanDocument
from tracker.reports.word.appendices import STYLES, add_appendix1, add_appendix2
from tracker.reports.word.indicators import add_indicator_summary, summary_title
from tracker.reports.word.page import new_document, new_section


def build_board_pack(
    cover: Cover,
    summary: IndicatorSummary,
    appendix1: PlanDocument,
    appendix2: PlanDocument,
    *,
    style: str,
    include_history: bool,
    generated_on: date,
) -> Document:
    """Cover page, then each part in its own landscape section starting on a new page."""
    if style not in STYLES:
        raise ValueError(f"Appendix 2 style must be one of {', '.join(STYLES)}, got {style!r}")
    document = new_document(cover.title, cover.author, generated_on)
    contents = (summary_title(summary), appendix1.title, appendix2.title)
    _add_cover(document, cover, contents)
    new_section(document)
    add_indicator_summary(document, summary, bme_label=appendix2.bme_label)
    new_section(document)
    add_appendix1(document, appendix1, include_history=include_history)
    new_section(document)
    add_appendix2(document, appendix2, style=style)
    return document


def _add_cover(document: Document, cover: Cover, contents: tuple[str, ...]) -> None:
    """Title, trust, date, author, lead director and the list of parts."""
    document.add_paragraph(cover.title, style="Title")
    document.add_paragraph(cover.trust_name, style="Subtitle")
    document.add_paragraph(long_date(cover.date))
    document.add_paragraph(f"Author: {cover.author}")
    document.add_paragraph(f"Lead director: {cover.lead_director}")
    document.add_heading("Contents", level=2)
    for number, part in enumerate(contents, start=1):
        document.add_paragraph(f"{number}. {part}")
