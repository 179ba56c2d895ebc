"""Word tables read as Word shows them: every tracked change accepted (insertions and moved-to
text kept, deletions and moved-from text dropped), content controls read without their
placeholder prompts, vertically merged cells filled down to each row they span, list
numbering and bullets kept as line prefixes, and each cell's shading. Pure: no database.
"""
from __future__ import annotations

from dataclasses import dataclass

from docx.oxml.ns import qn

_W = {name: qn(f"w:{name}") for name in (
    "p", "r", "t", "tab", "br", "cr", "del", "moveFrom", "ins", "moveTo", "sdt", "sdtContent", "sdtPr",
    "showingPlcHdr", "pPr", "rPr", "delText", "instrText", "tc", "tr", "tbl", "trPr", "tcPr", "vMerge",
    "shd", "numPr", "numId", "ilvl", "pStyle", "noBreakHyphen", "customXml", "smartTag", "hyperlink",
    "fldSimple", "gridSpan", "gridBefore", "tblPr", "tblGrid", "bookmarkStart", "proofErr", "footnoteReference")}
_W_VAL = qn("w:val")
_SKIPPED = {_W["del"], _W["moveFrom"], _W["pPr"], _W["rPr"], _W["delText"], _W["instrText"], _W["sdtPr"],
            _W["tbl"], qn("w:sdtEndPr")}
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _inline_text(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIPPED or tag == _MC_FALLBACK:
            continue
        if tag == _W["t"]:
            parts.append(child.text or "")
        elif tag == _W["tab"]:
            parts.append("\t")
        elif tag in (_W["br"], _W["cr"]):
            parts.append("\n")
        elif tag == _W["noBreakHyphen"]:
            parts.append("-")
        elif tag == _W["sdt"] and _is_placeholder(child):
            continue
        else:
            _inline_text(child, parts)


def _is_placeholder(sdt) -> bool:
    """A content control still showing its 'Click or tap here to enter text.' prompt."""
    properties = sdt.find(_W["sdtPr"])
    return properties is not None and properties.find(_W["showingPlcHdr"]) is not None


def _paragraphs(container) -> list:
    """The w:p of a cell in order, including those inside content controls and tracked moves."""
    found = []
    for child in container:
        tag = child.tag
        if tag == _W["p"]:
            found.append(child)
        elif tag == _W["sdt"]:
            if not _is_placeholder(child):
                content = child.find(_W["sdtContent"])
                if content is not None:
                    found += _paragraphs(content)
        elif tag in (_W["customXml"], _W["ins"], _W["moveTo"]):
            found += _paragraphs(child)
    return found


def _paragraph_deleted(p) -> bool:
    """A paragraph whose mark is a tracked deletion and that keeps no text."""
    properties = p.find(_W["pPr"])
    run_properties = properties.find(_W["rPr"]) if properties is not None else None
    return run_properties is not None and (run_properties.find(_W["del"]) is not None
                                           or run_properties.find(_W["moveFrom"]) is not None)


class Numbering:
    """List bullets and numbers as Word draws them: '• ' for bullets, '1.' / '1.2' / 'a)' for numbers."""

    FORMATS = {"decimal", "lowerLetter", "upperLetter", "lowerRoman", "upperRoman", "bullet",
               "decimalZero", "none"}

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.styles: dict[str, tuple[str, int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            numbering = None
        if numbering is not None:
            abstract = {}
            for definition in numbering.findall(qn("w:abstractNum")):
                levels = {}
                for level in definition.findall(qn("w:lvl")):
                    levels[int(level.get(qn("w:ilvl"), "0"))] = (
                        _child_val(level, "w:numFmt") or "decimal", _child_val(level, "w:lvlText") or "",
                        int(_child_val(level, "w:start") or "1"))
                abstract[definition.get(qn("w:abstractNumId"))] = levels
            for num in numbering.findall(qn("w:num")):
                self.levels[num.get(qn("w:numId"))] = abstract.get(_child_val(num, "w:abstractNumId"), {})
        for style in document.styles.element.findall(qn("w:style")):
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None:
                self.styles[style.get(qn("w:styleId"))] = (_child_val(num_pr, "w:numId") or "",
                                                            int(_child_val(num_pr, "w:ilvl") or "0"))

    def prefix(self, p) -> str:
        """The bullet or number Word shows before this paragraph ('' for none)."""
        properties = p.find(_W["pPr"])
        if properties is None:
            return ""
        num_pr = properties.find(_W["numPr"])
        if num_pr is not None:
            num_id, level = _child_val(num_pr, "w:numId") or "", int(_child_val(num_pr, "w:ilvl") or "0")
        else:
            num_id, level = self.styles.get(_child_val(properties, "w:pStyle") or "", ("", 0))
        if not num_id or num_id == "0":
            return ""
        levels = self.levels.get(num_id, {})
        kind, pattern, start = levels.get(level, ("bullet", "", 1))
        if kind == "bullet":
            return "• "
        if kind == "none":
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [key for key in counters if key > level]:
            del counters[deeper]
        text = pattern or f"%{level + 1}."
        for index in range(level + 1):
            index_kind, _, index_start = levels.get(index, ("decimal", "", 1))
            text = text.replace(f"%{index + 1}", _number(counters.get(index, index_start), index_kind))
        return text + " "


def _child_val(element, tag: str) -> str | None:
    child = element.find(qn(tag))
    return child.get(_W_VAL) if child is not None else None


def _number(value: int, kind: str) -> str:
    if kind in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26)
        return letter.upper() if kind == "upperLetter" else letter
    if kind in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman.lower() if kind == "lowerRoman" else roman
    return f"{value:02d}" if kind == "decimalZero" else str(value)


def _roman(value: int) -> str:
    numerals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for number, letters in numerals:
        while value >= number:
            out, value = out + letters, value - number
    return out


def _cell_text(tc, numbering: Numbering) -> str:
    """The cell's lines as Word shows them with changes accepted, trailing spaces removed."""
    lines = []
    for p in _paragraphs(tc):
        parts: list[str] = []
        _inline_text(p, parts)
        text = "".join(parts)
        if not text.strip() and _paragraph_deleted(p):
            continue
        prefix = numbering.prefix(p) if text.strip() else ""
        lines.append((prefix + text).rstrip())
    return "\n".join(lines).strip("\n ")


def _cell_fill(tc) -> str | None:
    """The cell's background fill (w:shd), or that of its first shaded paragraph."""
    properties = tc.find(_W["tcPr"])
    shading = properties.find(_W["shd"]) if properties is not None else None
    fill = shading.get(qn("w:fill")) if shading is not None else None
    if fill and fill.lower() != "auto":
        return fill
    for p in _paragraphs(tc):
        p_properties = p.find(_W["pPr"])
        shading = p_properties.find(_W["shd"]) if p_properties is not None else None
        fill = shading.get(qn("w:fill")) if shading is not None else None
        if fill and fill.lower() != "auto":
            return fill
    return None


def table_rows(tbl) -> list:
    """The table's rows, those inside content controls included, tracked-deleted rows left out."""
    rows = []
    for child in tbl:
        if child.tag == _W["tr"]:
            properties = child.find(_W["trPr"])
            if properties is None or properties.find(_W["del"]) is None:
                rows.append(child)
        elif child.tag in (_W["sdt"], _W["customXml"]):
            content = child.find(_W["sdtContent"]) if child.tag == _W["sdt"] else child
            if content is not None:
                rows += table_rows(content)
    return rows


def _tcs(tr) -> list:
    cells = []
    for child in tr:
        if child.tag == _W["tc"]:
            cells.append(child)
        elif child.tag in (_W["sdt"], _W["customXml"]):
            content = child.find(_W["sdtContent"]) if child.tag == _W["sdt"] else child
            if content is not None:
                cells += _tcs(content)
    return cells


@dataclass
class TableCell:
    column: int
    span: int
    text: str
    fill: str | None
    merged: str  # "restart", "continue" or ""


def row_cells(tr, numbering: Numbering) -> list[TableCell]:
    """Each cell of a row with its first grid column, span, text, fill and vertical merge."""
    properties = tr.find(_W["trPr"])
    before = properties.find(_W["gridBefore"]) if properties is not None else None
    column = int(before.get(_W_VAL, "0")) if before is not None else 0
    cells = []
    for tc in _tcs(tr):
        tc_properties = tc.find(_W["tcPr"])
        span_element = tc_properties.find(_W["gridSpan"]) if tc_properties is not None else None
        span = int(span_element.get(_W_VAL, "1")) if span_element is not None else 1
        v_merge = tc_properties.find(_W["vMerge"]) if tc_properties is not None else None
        merged = "" if v_merge is None else ("restart" if v_merge.get(_W_VAL) == "restart" else "continue")
        cells.append(TableCell(column, span, _cell_text(tc, numbering), _cell_fill(tc), merged))
        column += span
    return cells


def row_texts(tbl, numbering: Numbering) -> list[str]:
    """Texts of the first row's cells, for error messages."""
    rows = table_rows(tbl)
    return [cell.text for cell in row_cells(rows[0], numbering)] if rows else []


