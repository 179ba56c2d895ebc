"""Page set-up shared by every document: A4 landscape, footer, properties, saving."""
from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from tracker.dates import long_date

PAGE_WIDTH = Mm(297)
PAGE_HEIGHT = Mm(210)
MARGIN = Mm(15)
CONTENT_WIDTH = Mm(297 - 2 * 15)
CONTENT_HEIGHT = Mm(210 - 2 * 15)
FONT = "Arial"
LANGUAGE = "en-GB"
EARLIEST_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def new_document(title: str, author: str, generated_on: date) -> Document:
    """A blank landscape A4 document with styles, footer and fixed properties."""
    document = docx.Document()
    _set_styles(document)
    set_accessible_colours(document)
    section = document.sections[0]
    landscape(section)
    add_footer(section, generated_on)
    _set_properties(document, title, author, generated_on)
    return document


def landscape(section: Section) -> None:
    """Make the section A4 landscape with 1.5 cm margins."""
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width = PAGE_WIDTH
    section.page_height = PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    section.header_distance = Mm(8)
    section.footer_distance = Mm(8)


def new_section(document: Document) -> Section:
    """Start a new landscape section on a new page (footer inherited)."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    landscape(section)
    return section


def add_footer(section: Section, generated_on: date) -> None:
    """'Generated <date>' on the left and 'Page X of Y' (live fields) on the right."""
    paragraph = section.footer.paragraphs[0]
    paragraph.paragraph_format.tab_stops.add_tab_stop(CONTENT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    paragraph.add_run(f"Generated {long_date(generated_on)}\tPage ")
    add_field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    add_field(paragraph, "NUMPAGES")


def add_field(paragraph: Paragraph, instruction: str) -> None:
    """Append a complex field (e.g. PAGE) that Word and LibreOffice update on display."""
    add_field_showing(paragraph, instruction, "1")


def _field_char(paragraph: Paragraph, kind: str) -> None:
    """Append a run holding <w:fldChar w:fldCharType=kind/>."""
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(char)


def _set_styles(document: Document) -> None:
    """Arial 10 pt body text, British English, footer without the template's tabs."""
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(2)
    r_fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    r_fonts.set(qn("w:eastAsia"), FONT)
    r_fonts.set(qn("w:cs"), FONT)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), LANGUAGE)
    normal.element.get_or_add_rPr().append(language)
    document.styles["Footer"].paragraph_format.tab_stops.clear_all()
    document.styles["Footer"].font.size = Pt(8)
    for name in ("Title", "Heading 1", "Heading 2", "Caption"):
        document.styles[name].font.name = FONT


def _set_properties(document: Document, title: str, author: str, generated_on: date) -> None:
    """Title and author for accessibility; fixed dates so output is reproducible."""
    properties = document.core_properties
    stamp = datetime(generated_on.year, generated_on.month, generated_on.day)
    properties.title = title
    properties.author = author
    properties.last_modified_by = author
    properties.comments = ""
    properties.revision = 1
    properties.created = stamp
    properties.modified = stamp
    properties.language = LANGUAGE


def to_bytes(document: Document) -> bytes:
    """Save to .docx bytes; zip entries get a fixed time so equal input gives equal bytes."""
    raw = BytesIO()
    document.save(raw)
    modified = document.core_properties.modified
    stamp = modified.timetuple()[:6] if modified else EARLIEST_ZIP_TIME
    stamp = max(stamp, EARLIEST_ZIP_TIME)
    out = BytesIO()
    with ZipFile(raw) as source, ZipFile(out, "w", ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


#: Text colours that keep at least 4.5:1 contrast on white (WCAG AA), for the template's blue styles.
ACCESSIBLE_STYLE_COLOURS = {"Title": "1F3864", "Subtitle": "1F3864", "Heading 1": "1F3864",
                            "Heading 2": "1F3864", "Heading 3": "1F3864", "Caption": "212B32"}


def set_accessible_colours(document: Document) -> None:
    """Give the template's light-blue styles (Subtitle, Heading 2-3, Caption) dark, AA-contrast colours."""
    for name, colour in ACCESSIBLE_STYLE_COLOURS.items():
        style = document.styles[name]
        style.font.color.rgb = RGBColor.from_string(colour)
        color = style.element.rPr.find(qn("w:color"))
        for theme in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color.attrib.pop(qn(theme), None)


def add_caption(document: Document, label: str, text: str) -> Paragraph:
    """'Table 2: …' in the Caption style, numbered by a SEQ field (as Word's Insert Caption does).

    The number is worked out from the captions already in the document, so it reads right
    before any field update.
    """
    number = 1 + sum(1 for p in document.paragraphs
                     if p.style is not None and p.style.name == "Caption" and p.text.startswith(f"{label} "))
    paragraph = document.add_paragraph(style="Caption")
    paragraph.add_run(f"{label} ")
    add_field_showing(paragraph, f"SEQ {label} \\* ARABIC", str(number))
    paragraph.add_run(f": {text}")
    return paragraph


def add_field_showing(paragraph: Paragraph, instruction: str, result: str) -> None:
    """Append a complex field whose shown (cached) result is `result`."""
    _field_char(paragraph, "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    _field_char(paragraph, "separate")
    paragraph.add_run(result)
    _field_char(paragraph, "end")


def caption_last_table(document: Document, text: str) -> None:
    """Put a 'Table N: …' caption above the document's last table, unless it has one already."""
    if not document.tables:
        return
    table = document.tables[-1]._tbl
    previous = table.getprevious()
    if previous is not None and _style_id(previous) == "Caption":
        return
    caption_before(add_caption(document, "Table", text), table)


def _style_id(element) -> str | None:
    """The w:pStyle of a w:p element (None for other elements or no style)."""
    style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style.get(qn("w:val")) if style is not None else None


def caption_before(paragraph: Paragraph, element) -> None:
    """Move a caption paragraph so it stands just before `element` (e.g. a table), kept with it."""
    paragraph.paragraph_format.keep_with_next = True
    element.addprevious(paragraph._p)
