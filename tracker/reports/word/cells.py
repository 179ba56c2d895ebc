"""What goes in each cell of an action row."""
from __future__ import annotations

from datetime import date

from docx.shared import RGBColor
from docx.table import _Cell

from tracker.dates import short_date
from tracker.reports.documents import PrintedAction, PrintedUpdate, ThemeRow
from tracker.reports.word.tables import SMALL, next_paragraph, shade, shade_run, split_lines, write_lines
from tracker.reports.word.wording import RAG_FILLS, RAG_WORDS, text_colour_on

OUTCOME_PREFIX = "Outcome: "
PRIORITY_PREFIX = "Priority: "
REASON_PREFIX = "Reason: "


def theme_heading(theme: ThemeRow) -> str:
    """'1. Deliver key milestones…' (just the title when the theme is unnumbered)."""
    number = theme.number.rstrip(".")
    return f"{number}. {theme.title}" if number else theme.title


def write_action(cell: _Cell, action: PrintedAction, *, with_priority: bool = False) -> None:
    """'1.1 <text>' with the reference in bold, then outcome (and priority) in italics.

    The 2021 layout has no Must / Should / Could column, so it asks for the
    priority here rather than lose it.
    """
    lines = split_lines(action.text) or [""]
    paragraph = next_paragraph(cell)
    if action.ref:
        paragraph.add_run(action.ref).bold = True
        paragraph.add_run(" ")
    paragraph.add_run(lines[0])
    write_lines(cell, lines[1:])
    if action.outcome.strip():
        write_lines(cell, [OUTCOME_PREFIX + action.outcome.strip()], italic=True)
    if with_priority and action.priority:
        write_lines(cell, [PRIORITY_PREFIX + action.priority], italic=True)


def write_comments(cell: _Cell, action: PrintedAction, *, include_history: bool) -> None:
    """Status word in bold capitals, narrative, cancellation reason, then dated updates."""
    if action.status:
        write_lines(cell, [action.status.upper()], bold=True)
    write_lines(cell, split_lines(action.narrative))
    if action.cancelled_reason:
        write_lines(cell, [REASON_PREFIX + action.cancelled_reason.strip()])
    if include_history:
        write_lines(cell, [history_line(u) for u in newest_first(action.history)], size=SMALL)


def newest_first(history: tuple[PrintedUpdate, ...]) -> list[PrintedUpdate]:
    """Updates newest first; same-day updates keep their later-posted-first order."""
    ranked = sorted(enumerate(history), key=lambda pair: (pair[1].on, pair[0]), reverse=True)
    return [update for _, update in ranked]


def history_line(update: PrintedUpdate) -> str:
    """'12 Mar 2024 – <text> (<author>)', then ' Evidence: <file>; <file>.' when files are attached."""
    author = f" ({update.author})" if update.author else ""
    evidence = f" Evidence: {'; '.join(update.evidence)}." if update.evidence else ""
    return f"{short_date(update.on)} – {' '.join(update.text.split())}{author}{evidence}"


def write_rag(cell: _Cell, action: PrintedAction) -> None:
    """Shaded RAG word plus the by-when text; just the by-when text when unrated."""
    if action.rag is None:
        write_lines(cell, split_lines(action.by_when))
        return
    fill = RAG_FILLS[action.rag]
    write_lines(cell, [RAG_WORDS[action.rag]], bold=True, colour=text_colour_on(fill))
    write_lines(cell, split_lines(action.by_when), colour=text_colour_on(fill))
    shade(cell, fill)


def write_text(cell: _Cell, text: str) -> None:
    """Plain multi-line text."""
    write_lines(cell, split_lines(text))


NOT_RATED = "Not rated"


def write_rag_word(cell: _Cell, action: PrintedAction, *, header_on: date | None) -> None:
    """The shaded RAG word alone (Appendix 1 has its own By when column), with the rating's date
    when it is not the month in the column header; 'Not rated' unshaded when there is no rating."""
    if action.rag is None:
        write_lines(cell, [NOT_RATED])
        return
    fill = RAG_FILLS[action.rag]
    colour = text_colour_on(fill)
    write_lines(cell, [RAG_WORDS[action.rag]], bold=True, colour=colour)
    if _other_month(action.rag_as_at, header_on):
        write_lines(cell, [f"as at {short_date(action.rag_as_at)}"], colour=colour, size=SMALL)
    shade(cell, fill)


def _other_month(on: date | None, header_on: date | None) -> bool:
    """True when a rating is dated in another month than the one the column header names."""
    return on is not None and (header_on is None or (on.year, on.month) != (header_on.year, header_on.month))


def write_listed_action(cell: _Cell, action: PrintedAction, *, include_history: bool,
                        header_on: date | None) -> None:
    """One action in a Train / Retain / Reform cell: its RAG word on its own shading (and the rating's
    date when not the month of `header_on`), the reference and text, then the status and latest
    narrative (and the dated history) in small type."""
    paragraph = next_paragraph(cell)
    if action.rag is not None:
        fill = RAG_FILLS[action.rag]
        run = paragraph.add_run(f" {RAG_WORDS[action.rag]} ")
        run.bold = True
        run.font.color.rgb = RGBColor.from_string(text_colour_on(fill))
        shade_run(run, fill)
        if _other_month(action.rag_as_at, header_on):
            paragraph.add_run(f" (as at {short_date(action.rag_as_at)})")
    else:
        paragraph.add_run(f"{NOT_RATED}:")
    paragraph.add_run(" ")
    if action.ref:
        paragraph.add_run(action.ref).bold = True
        paragraph.add_run(" ")
    paragraph.add_run(" ".join(action.text.split()))
    if paragraph._p is not cell.paragraphs[0]._p:
        paragraph.paragraph_format.space_before = SMALL
    reason = f"{REASON_PREFIX}{action.cancelled_reason.strip()}" if action.cancelled_reason else ""
    comment = " ".join(filter(None, (" ".join(action.narrative.split()), reason)))
    if action.status or comment:
        line = next_paragraph(cell)
        if action.status:
            status = line.add_run(action.status.upper() + (" " if comment else ""))
            status.bold, status.font.size = True, SMALL
        line.add_run(comment).font.size = SMALL
    if include_history:
        write_lines(cell, [history_line(u) for u in newest_first(action.history)], size=SMALL, italic=True)


#: Characters people type at the start of a line to make a bullet point.
TYPED_BULLETS = ("•", "◦", "▪", "‣", "●", "·")
LIST_STYLE = "List Bullet"


def typed_bullets_to_lists(container) -> int:
    """Turn paragraphs that start with a typed bullet ('• text') into Word list items.

    `container` is a document, table cell or anything with ``paragraphs`` and ``tables``;
    tables inside it are searched too. The bullet character and the spaces after it are
    removed and the paragraph takes the List Bullet style, so screen readers announce a
    list. Returns how many paragraphs were changed.
    """
    changed = 0
    for paragraph in container.paragraphs:
        runs = [run for run in paragraph.runs if run.text]
        if not runs or not runs[0].text.lstrip().startswith(TYPED_BULLETS):
            continue
        first = runs[0]
        first.text = first.text.lstrip()[1:].lstrip()
        paragraph.style = paragraph.part.document.styles[LIST_STYLE]
        changed += 1
    for table in getattr(container, "tables", ()):
        for row in table.rows:
            for cell in _unique_cells(row):
                changed += typed_bullets_to_lists(cell)
    return changed


def _unique_cells(row) -> list:
    """A row's cells once each (python-docx repeats a merged cell for every column it spans)."""
    seen, cells = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells
