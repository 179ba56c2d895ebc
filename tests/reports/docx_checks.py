"""Accessibility checks of a .docx, read from its XML: each check returns the problems it finds.

Pure functions over a python-docx Document, so every exported document gets the same checks:
headings in order without skipped levels, a header row on every table, a "Table N: …"
caption above every table, alt text on every picture, no typed bullets in place of Word
lists, and WCAG AA contrast (4.5:1) of every text run against its cell shading or the page.
The contrast is worked out here from the hex colours, independently of the product's code.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from docx.document import Document
from docx.oxml.ns import qn

MIN_CONTRAST = 4.5
PAGE = "FFFFFF"
AUTO_TEXT = "000000"
HEADING = re.compile(r"^Heading ([1-9])$")
TABLE_CAPTION = re.compile(r"^Table \d+: \S")
TYPED_BULLETS = ("•", "◦", "▪", "‣", "●")


def luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of an RRGGBB colour."""
    def channel(part: str) -> float:
        value = int(part, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(hex_colour[i:i + 2]) for i in (0, 2, 4))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two RRGGBB colours (1 to 21)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _styles(document: Document) -> dict[str, object]:
    """Style elements by style id."""
    return {style.get(qn("w:styleId")): style for style in document.styles.element.iter(qn("w:style"))}


def _style_name(document: Document, style_id: str | None) -> str:
    style = _styles(document).get(style_id) if style_id else None
    if style is None:
        return "Normal"
    name = style.find(qn("w:name"))
    return document.styles[name.get(qn("w:val"))].name if name is not None else str(style_id)


def _paragraph_style_id(paragraph) -> str | None:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style.get(qn("w:val")) if style is not None else None


def _text(element) -> str:
    return "".join(node.text or "" for node in element.iter(qn("w:t")))


def heading_problems(document: Document) -> list[str]:
    """The first heading is level 1 and no heading skips a level (1 → 2 → 3)."""
    problems, previous = [], 0
    for paragraph in document.element.body.iter(qn("w:p")):
        match = HEADING.match(_style_name(document, _paragraph_style_id(paragraph)))
        if not match:
            continue
        level = int(match.group(1))
        if level > previous + 1:
            problems.append(f"heading '{_text(paragraph)}' is level {level} after level {previous}")
        previous = level
    return problems


def header_row_problems(document: Document) -> list[str]:
    """Every table's first row is marked as a header row (w:tblHeader), so it is read and repeated."""
    problems = []
    for number, table in enumerate(document.element.body.iter(qn("w:tbl")), start=1):
        first = table.find(qn("w:tr"))
        flag = first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") if first is not None else None
        if flag is None or flag.get(qn("w:val")) in ("0", "false", "off"):
            problems.append(f"table {number} ('{_text(first)[:40]}') has no header row")
    return problems


def caption_problems(document: Document) -> list[str]:
    """Every table has a 'Table N: …' paragraph in the Caption style just above it."""
    problems = []
    for number, table in enumerate(document.element.body.iter(qn("w:tbl")), start=1):
        previous = table.getprevious()
        ok = (previous is not None and previous.tag == qn("w:p")
              and _style_name(document, _paragraph_style_id(previous)) == "Caption"
              and TABLE_CAPTION.match(_text(previous)))
        if not ok:
            problems.append(f"table {number} ('{_text(table.find(qn('w:tr')))[:40]}') has no caption")
    return problems


def alt_text_problems(document: Document) -> list[str]:
    """Every picture (inline or floating) has a description (alt text)."""
    return [f"picture '{doc_pr.get('name')}' has no alt text"
            for doc_pr in document.element.body.iter(qn("wp:docPr")) if not (doc_pr.get("descr") or "").strip()]


def list_problems(document: Document) -> list[str]:
    """No paragraph starts with a typed bullet character: lists are Word lists (List Bullet)."""
    return [f"typed bullet instead of a Word list: '{_text(paragraph)[:50]}'"
            for paragraph in document.element.body.iter(qn("w:p"))
            if _text(paragraph).lstrip().startswith(TYPED_BULLETS)]


def _colour_of(element) -> str | None:
    """The RRGGBB of an rPr's w:color, or None when unset or automatic."""
    if element is None:
        return None
    color = element.find(qn("w:color"))
    value = color.get(qn("w:val")) if color is not None else None
    return None if value in (None, "auto") else value.upper()


def _style_colour(document: Document, style_id: str | None) -> str | None:
    """A style's text colour, following basedOn; then the document default."""
    styles, seen = _styles(document), set()
    while style_id and style_id not in seen:
        seen.add(style_id)
        style = styles.get(style_id)
        if style is None:
            break
        colour = _colour_of(style.find(qn("w:rPr")))
        if colour:
            return colour
        based = style.find(qn("w:basedOn"))
        style_id = based.get(qn("w:val")) if based is not None else None
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    return _colour_of(defaults)


def _fill_of(properties) -> str | None:
    shd = properties.find(qn("w:shd")) if properties is not None else None
    fill = shd.get(qn("w:fill")) if shd is not None else None
    return None if fill in (None, "auto") else fill.upper()


def _background(run) -> str:
    """The fill behind a run: its own shading, its paragraph's, its cell's, else the page."""
    fill = _fill_of(run.find(qn("w:rPr")))
    paragraph = run.getparent()
    while paragraph is not None and paragraph.tag != qn("w:p"):
        paragraph = paragraph.getparent()
    if fill is None and paragraph is not None:
        fill = _fill_of(paragraph.find(qn("w:pPr")))
    cell = paragraph
    while fill is None and cell is not None and cell.tag != qn("w:tc"):
        cell = cell.getparent()
    if fill is None and cell is not None:
        fill = _fill_of(cell.find(qn("w:tcPr")))
    return fill or PAGE


def contrast_problems(document: Document) -> list[str]:
    """Every run of text has 4.5:1 contrast against what is behind it (colours from run, style, default)."""
    problems = []
    for run in document.element.body.iter(qn("w:r")):
        text = _text(run).strip()
        if not text:
            continue
        properties = run.find(qn("w:rPr"))
        colour = _colour_of(properties)
        if colour is None and properties is not None and properties.find(qn("w:rStyle")) is not None:
            colour = _style_colour(document, properties.find(qn("w:rStyle")).get(qn("w:val")))
        if colour is None:
            paragraph = run.getparent()
            while paragraph is not None and paragraph.tag != qn("w:p"):
                paragraph = paragraph.getparent()
            colour = _style_colour(document, _paragraph_style_id(paragraph) or _default_paragraph_style(document))
        colour = colour or AUTO_TEXT
        background = _background(run)
        ratio = contrast_ratio(colour, background)
        if ratio < MIN_CONTRAST:
            problems.append(f"'{text[:30]}' is #{colour} on #{background}: contrast {ratio:.2f}:1")
    return problems


def _default_paragraph_style(document: Document) -> str | None:
    for style in document.styles.element.iter(qn("w:style")):
        if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true"):
            return style.get(qn("w:styleId"))
    return None


CHECKS: dict[str, Callable[[Document], list[str]]] = {
    "headings": heading_problems,
    "header rows": header_row_problems,
    "captions": caption_problems,
    "alt text": alt_text_problems,
    "lists": list_problems,
    "contrast": contrast_problems,
}


def all_problems(document: Document) -> dict[str, list[str]]:
    """Every check's problems, by check name (empty lists when the document passes)."""
    return {name: check(document) for name, check in CHECKS.items()}
