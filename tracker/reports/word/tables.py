"""Board-ready tables: fixed widths, repeated header row, rows kept whole, shading."""
from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Length, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from tracker.reports.word.metrics import longest_word_width, paragraphs_height
from tracker.reports.word.page import CONTENT_HEIGHT
from tracker.reports.word.wording import text_colour_on

HEADER_FILL = "005EB8"
THEME_FILL = "D9D9D9"
TABLE_STYLE = "Table Grid"
SMALL = Pt(9)
BODY_SIZE = Pt(10)
#: Header text may shrink to this size so that no header word breaks inside the word.
SMALLEST_HEADER = Pt(7)
#: Word's default left and right cell margins (0.08 inch each) and the Normal style's space after.
CELL_MARGIN = Pt(5.4)
SPACE_AFTER = Pt(2)
#: Room kept free on a page for borders and rounding when deciding that a row fits on one.
PAGE_ALLOWANCE = 0.9
#: w:tcPr children that must come after w:shd (ECMA-376 order).
_AFTER_SHD = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
#: w:rPr children that must come after w:shd.
_RUN_AFTER_SHD = ("w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
                  "w:specVanish", "w:oMath")


def widths_mm(*millimetres: float) -> tuple[Length, ...]:
    """Column widths given in millimetres."""
    return tuple(Mm(m) for m in millimetres)


def add_table(document: Document, headers: Sequence[str], widths: Sequence[Length]) -> Table:
    """A fixed-layout 'Table Grid' table whose header row repeats on every page."""
    table = document.add_table(rows=0, cols=len(headers))
    table.style = document.styles[TABLE_STYLE]
    table.autofit = False
    _set_table_width(table, sum(widths))
    for column, width in zip(table.columns, widths):
        column.width = width
    cells = add_row(table, widths)
    for cell, header, width in zip(cells, headers, widths):
        size = header_size(header, width)
        write_lines(cell, [header], bold=True, colour=text_colour_on(HEADER_FILL),
                    size=None if size == BODY_SIZE else size)
        shade(cell, HEADER_FILL)
    _row_flag(cells[0], "w:tblHeader")
    return table


def add_row(table: Table, widths: Sequence[Length]) -> list[_Cell]:
    """Append a row that is not split across pages (see keep_whole_if_it_fits); return its cells."""
    tr = table._tbl.add_tr()
    cells = []
    for width in widths:
        tc = tr.add_tc()
        tc.width = width
        cells.append(_Cell(tc, table))
    _row_flag(cells[0], "w:cantSplit")
    return cells


def header_size(header: str, width: Length) -> Length:
    """The body size, or the largest smaller size (in half points) at which every word of the
    header fits the column on one line, so that no header word is broken; at least 7 pt."""
    room = Length(width).pt - 2 * CELL_MARGIN.pt
    size = BODY_SIZE.pt
    while size > SMALLEST_HEADER.pt and longest_word_width(header, size, bold=True) > room:
        size -= 0.5
    return Pt(size)


def row_height(cells: Sequence[_Cell], widths: Sequence[Length]) -> float:
    """Estimated height in points of a row of written cells (the tallest cell), erring on the tall side."""
    return max((_cell_height(cell._tc, width) for cell, width in zip(cells, widths)), default=0.0)


def _cell_height(tc: BaseOxmlElement, width: Length) -> float:
    """Read straight from the XML (python-docx's objects cost more than the estimate itself)."""
    room = Length(width).pt - 2 * CELL_MARGIN.pt
    paragraphs = []
    for p in tc.iter(qn("w:p")):
        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
        sizes = [int(sz.get(qn("w:val"))) / 2 for sz in p.iter(qn("w:sz"))]
        bold = any(b.get(qn("w:val"), "true") not in ("0", "false") for b in p.iter(qn("w:b")))
        paragraphs.append((text, max(sizes, default=BODY_SIZE.pt), bold))
    return paragraphs_height(paragraphs, room, SPACE_AFTER.pt)


def keep_whole_if_it_fits(table: Table, cells: Sequence[_Cell], widths: Sequence[Length]) -> bool:
    """Let the row split across pages when it is too tall to fit on a page below the repeated
    header row (kept whole, Word and LibreOffice would cut off what does not fit); True when kept whole."""
    header = table._tbl.find(qn("w:tr"))
    header_height = max(_cell_height(tc, width) for tc, width in zip(header.iter(qn("w:tc")), widths))
    room = CONTENT_HEIGHT.pt * PAGE_ALLOWANCE - header_height
    if row_height(cells, widths) <= room:
        return True
    tr_pr = cells[0]._tc.getparent().get_or_add_trPr()
    for flag in tr_pr.findall(qn("w:cantSplit")):
        tr_pr.remove(flag)
    return False


def add_full_width_row(table: Table, widths: Sequence[Length], text: str, fill: str) -> _Cell:
    """A single merged cell across the table (bold, shaded), kept with the next row."""
    cell = add_row(table, [sum(widths)])[0]
    cell._tc.get_or_add_tcPr().get_or_add_gridSpan().val = len(widths)
    paragraph = write_lines(cell, [text], bold=True, colour=text_colour_on(fill))[0]
    paragraph.paragraph_format.keep_with_next = True
    shade(cell, fill)
    return cell


def write_lines(
    cell: _Cell,
    lines: Sequence[str],
    *,
    bold: bool = False,
    italic: bool = False,
    colour: str | None = None,
    size: Length | None = None,
) -> list[Paragraph]:
    """Write each line as its own paragraph, reusing the cell's empty first paragraph."""
    paragraphs = []
    for line in lines:
        paragraph = next_paragraph(cell)
        run = paragraph.add_run(line)
        run.bold = bold or None
        run.italic = italic or None
        if colour:
            run.font.color.rgb = RGBColor.from_string(colour)
        if size:
            run.font.size = size
        paragraphs.append(paragraph)
    return paragraphs


def next_paragraph(cell: _Cell) -> Paragraph:
    """The cell's first paragraph while it is still empty, else a new one."""
    paragraphs = cell.paragraphs
    if len(paragraphs) == 1 and not paragraphs[0].runs:
        return paragraphs[0]
    return cell.add_paragraph()


def split_lines(text: str) -> list[str]:
    """Lines of a multi-line text, without trailing blank lines."""
    return text.rstrip().split("\n") if text.strip() else []


def shade(cell: _Cell, fill: str) -> None:
    """Fill the cell background with an RRGGBB colour (w:shd)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    _insert_before(tc_pr, shd, _AFTER_SHD)


def shade_run(run: Run, fill: str) -> None:
    """Fill the background of a run of text with an RRGGBB colour (w:rPr/w:shd)."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    _insert_before(run._r.get_or_add_rPr(), shd, _RUN_AFTER_SHD)


def _row_flag(cell: _Cell, tag: str) -> None:
    """Set an on/off row property (w:cantSplit, w:tblHeader) on the cell's row."""
    tr_pr = cell._tc.getparent().get_or_add_trPr()
    tr_pr.append(OxmlElement(tag))


def _set_table_width(table: Table, width: Length) -> None:
    """Give the table an absolute width in twentieths of a point."""
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        table._tbl.tblPr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(Length(width).twips))


def _insert_before(parent: BaseOxmlElement, child: BaseOxmlElement, later: Sequence[str]) -> None:
    """Insert child before the first existing sibling whose tag is in later."""
    tags = {qn(tag) for tag in later}
    for existing in parent:
        if existing.tag in tags:
            existing.addprevious(child)
            return
    parent.append(child)
