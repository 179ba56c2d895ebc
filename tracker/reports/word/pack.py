"""The board pack: cover, WRES and / or WDES summary, charts, progress by HIA, Appendix 1 and Appendix 2 in one file."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from docx.document import Document
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from tracker.dates import long_date
from tracker.reports.documents import Cover, HiaProgress, IndicatorSummary, PlanCharts, PlanDocument, WdesSummary
from tracker.reports.word.appendices import STYLES, add_appendix1, add_appendix2
from tracker.reports.word.cells import typed_bullets_to_lists
from tracker.reports.word.hia import add_hia_progress
from tracker.reports.word.indicators import add_indicator_summary
from tracker.reports.word.page import (
    CONTENT_WIDTH,
    add_field_showing,
    new_document,
    new_section,
)
from tracker.reports.word.plan_charts import add_plan_charts
from tracker.reports.word.wdes import add_wdes_summary

#: Word's own table of contents: heading levels 1-3, entries as hyperlinks.
TOC_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'
TOC_STYLES = {1: "toc 1", 2: "toc 2", 3: "toc 3"}
HEADING_LEVELS = {"Heading 1": 1, "Heading 2": 2, "Heading 3": 3}
BOOKMARK_PREFIX = "_Toc"


@dataclass(frozen=True)
class Entry:
    """One line of the contents: a heading, its level and the bookmark on it."""

    text: str
    level: int
    bookmark: str


def build_board_pack(
    cover: Cover,
    summary: IndicatorSummary | None,
    appendix1: PlanDocument,
    appendix2: PlanDocument,
    *,
    style: str,
    include_history: bool,
    generated_on: date,
    appendix1_style: str = "2021",
    plan_charts: PlanCharts | None = None,
    wdes_summary: WdesSummary | None = None,
    hia_progress: HiaProgress | None = None,
    show_hia: bool = False,
) -> Document:
    """Cover page with contents, then each part in its own landscape section starting on a new page:
    the WRES indicator summary (None for a WDES plan) and the WDES summary (when given; a combined plan
    has both), the plan's RAG charts and its progress by high impact action (when given), Appendix 1
    and Appendix 2 (with its HIA column when `show_hia`)."""
    if style not in STYLES:
        raise ValueError(f"Appendix 2 style must be one of {', '.join(STYLES)}, got {style!r}")
    document = new_document(cover.title, cover.author, generated_on)
    contents = _add_cover(document, cover)
    new_section(document)
    if summary is not None:
        add_indicator_summary(document, summary, bme_label=appendix2.bme_label)
        new_section(document)
    if wdes_summary is not None:
        add_wdes_summary(document, wdes_summary)
        new_section(document)
    if plan_charts is not None and plan_charts.charts:
        add_plan_charts(document, plan_charts)
        new_section(document)
    if hia_progress is not None:
        add_hia_progress(document, hia_progress)
        new_section(document)
    add_appendix1(document, appendix1, include_history=include_history, style=appendix1_style)
    new_section(document)
    add_appendix2(document, appendix2, style=style, show_hia=show_hia)
    typed_bullets_to_lists(document)
    _fill_contents(document, contents, _bookmark_headings(document))
    _update_fields_on_open(document)
    return document


def _add_cover(document: Document, cover: Cover) -> Paragraph:
    """Title, trust, date, author and lead director, then 'Contents'; returns the contents' place."""
    document.add_paragraph(cover.title, style="Title")
    document.add_paragraph(cover.trust_name, style="Subtitle")
    document.add_paragraph(long_date(cover.date))
    document.add_paragraph(f"Author: {cover.author}")
    document.add_paragraph(f"Lead director: {cover.lead_director}")
    document.add_paragraph("Contents", style="TOC Heading")
    return document.add_paragraph()


def _bookmark_headings(document: Document) -> list[Entry]:
    """Bookmark every Heading 1-3 (as Word's TOC does) and list them in order."""
    entries = []
    for paragraph in document.paragraphs:
        level = HEADING_LEVELS.get(paragraph.style.name if paragraph.style is not None else "")
        if level is None or not paragraph.text.strip():
            continue
        number = len(entries) + 1
        name = f"{BOOKMARK_PREFIX}{number:08d}"
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(number))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(number))
        runs = paragraph._p.r_lst
        runs[0].addprevious(start)
        runs[-1].addnext(end)
        entries.append(Entry(paragraph.text.strip(), level, name))
    return entries


def _fill_contents(document: Document, place: Paragraph, entries: list[Entry]) -> None:
    """A real TOC field (levels 1-3, hyperlinked), pre-filled with one line per heading.

    The pre-filled lines are the headings as links to their bookmarks, so the contents read
    correctly in any viewer before the field is updated. Page numbers cannot be known
    without laying the document out, so none are guessed: Word adds them when it updates
    the field (it offers to on opening, because the settings ask it to).
    """
    if not entries:
        add_field_showing(place, TOC_INSTRUCTION, "Update the field to build the contents.")
        return
    paragraphs = [place] + [_paragraph_after(place, count) for count in range(1, len(entries) + 1)]
    for index, (paragraph, entry) in enumerate(zip(paragraphs, entries)):
        _style_toc(document, paragraph, entry.level)
        if index == 0:
            _field_begin(paragraph, TOC_INSTRUCTION)
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), entry.bookmark)
        link.set(qn("w:history"), "1")
        paragraph._p.append(link)
        _run_into(link, paragraph, entry.text)
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    paragraphs[len(entries)].add_run()._r.append(char)


def _paragraph_after(place: Paragraph, count: int) -> Paragraph:
    """A new empty paragraph `count` places after `place`."""
    element = place._p
    for _ in range(count - 1):
        element = element.getnext()
    new = OxmlElement("w:p")
    element.addnext(new)
    return Paragraph(new, place._parent)


def _style_toc(document: Document, paragraph: Paragraph, level: int) -> None:
    """The 'toc N' style (added when the template lacks it) with a dotted right tab for the page."""
    name = TOC_STYLES[level]
    try:
        style = document.styles[name]
    except KeyError:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Mm

        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.paragraph_format.left_indent = Mm(6 * (level - 1))
        style.paragraph_format.space_after = Mm(1.5)
        style.paragraph_format.tab_stops.add_tab_stop(CONTENT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    paragraph.style = style


def _field_begin(paragraph: Paragraph, instruction: str) -> None:
    """begin + instruction + separate, left open (the end comes after the last entry)."""
    for kind, code in (("begin", None), (None, instruction), ("separate", None)):
        run = paragraph.add_run()._r
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run.append(char)
        else:
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = f" {code} "
            run.append(text)


def _run_into(parent, paragraph: Paragraph, text: str) -> None:
    """A text run appended to `parent` (e.g. a w:hyperlink) rather than the paragraph."""
    run = paragraph.add_run(text)._r
    parent.append(run)


def _update_fields_on_open(document: Document) -> None:
    """Ask Word to update the fields (contents, page numbers) when the file is opened."""
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is None:
        flag = OxmlElement("w:updateFields")
        flag.set(qn("w:val"), "true")
        settings.append(flag)
