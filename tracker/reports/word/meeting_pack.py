"""The meeting pack: a forum meeting's agenda as a Word document, built with the board appendices' code."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from docx.document import Document
from docx.table import _Cell

from tracker.dates import long_date, short_date
from tracker.reports.word.cells import typed_bullets_to_lists
from tracker.reports.word.page import caption_last_table, new_document, to_bytes
from tracker.reports.word.tables import SMALL, add_row, add_table, shade, split_lines, widths_mm, write_lines
from tracker.reports.word.wording import RAG_FILLS, RAG_WORDS, text_colour_on
from tracker.reviews.agenda_rules import AgendaRow, ReviewRow, cut_at_sentence

HEADERS = ("Ref", "Action", "Owner", "By when", "Owner's RAG (as at)", "Latest update", "Why it is here",
           "Forum's review")
WIDTHS = widths_mm(14, 58, 28, 22, 24, 57, 30, 34)
NOT_RATED = "Not rated"


@dataclass(frozen=True)
class MeetingPack:
    """Everything the pack shows: the forum, the meeting day and its agenda rows."""

    forum: str
    held_on: date
    rows: tuple[AgendaRow, ...]
    author: str
    generated_on: date
    #: False when the meeting's agenda was never built (only escalated or added actions can be on it).
    built: bool = True


def pack_title(forum: str, held_on: date) -> str:
    """'Inclusion Council meeting 8 October 2024: action review pack'."""
    return f"{forum} meeting {long_date(held_on)}: action review pack"


def pack_filename(forum: str, held_on: date) -> str:
    """'inclusion-council-meeting-2024-10-08-pack.docx'."""
    slug = re.sub(r"[^a-z0-9]+", "-", forum.lower()).strip("-") or "forum"
    return f"{slug}-meeting-{held_on.isoformat()}-pack.docx"


def build_meeting_pack(pack: MeetingPack) -> Document:
    """Title, a line on what the pack holds, then the agenda table (landscape A4, header row repeated)."""
    title = pack_title(pack.forum, pack.held_on)
    document = new_document(title, pack.author, pack.generated_on)
    document.add_heading(title, level=1)
    if not pack.built:
        document.add_paragraph("No agenda was built for this meeting: its page has a button to build it.")
    if not pack.rows:
        document.add_paragraph("No actions are on this meeting's agenda.")
        return document
    document.add_paragraph(f"{len(pack.rows)} action{'s' if len(pack.rows) != 1 else ''} on the agenda, "
                           f"each with its latest progress update and why it is here.")
    table = add_table(document, HEADERS, WIDTHS)
    caption_last_table(document, f"Actions on the agenda, {pack.forum} meeting {long_date(pack.held_on)}")
    for row in pack.rows:
        _add_action(table, row)
    typed_bullets_to_lists(document)
    return document


def meeting_pack_bytes(pack: MeetingPack) -> bytes:
    """The pack as .docx bytes; the same data and date give the same bytes."""
    return to_bytes(build_meeting_pack(pack))


def _add_action(table, row: AgendaRow) -> None:
    ref, action, owner, by_when, rag, update, reasons, review = add_row(table, WIDTHS)
    write_lines(ref, [row.ref], bold=True)
    write_lines(ref, [row.plan_year], size=SMALL)
    write_lines(action, split_lines(row.text) or [""])
    write_lines(owner, [row.owners or "No owner"])
    write_lines(by_when, split_lines(row.by_when) or ["Not set"])
    _write_rag(rag, row.owner_rag, _rating_lines(row))
    if row.update_on is not None:
        write_lines(update, [short_date(row.update_on)], bold=True)
        write_lines(update, split_lines(cut_at_sentence(row.update_text)))
    else:
        write_lines(update, ["No update yet"])
    write_lines(reasons, list(row.reasons))
    _write_review(review, row.review)


def _rating_lines(row: AgendaRow) -> list[str]:
    """The owner's status and the date of the rating, under the RAG word."""
    lines = [row.owner_status.capitalize()] if row.owner_status else []
    return lines + ([f"as at {short_date(row.owner_rag_as_at)}"] if row.owner_rag_as_at else [])


def _write_rag(cell: _Cell, rag: str | None, lines: list[str]) -> None:
    """The RAG word in bold on its fill colour (the word is always written), then `lines`."""
    if rag not in RAG_FILLS:
        write_lines(cell, [NOT_RATED] + lines)
        return
    fill = RAG_FILLS[rag]
    write_lines(cell, [RAG_WORDS[rag]], bold=True, colour=text_colour_on(fill))
    write_lines(cell, lines, colour=text_colour_on(fill))
    shade(cell, fill)


def _write_review(cell: _Cell, review: ReviewRow | None) -> None:
    if review is None:
        write_lines(cell, ["Not reviewed yet"])
        return
    signed = f"{review.reviewer}, {short_date(review.recorded_at)}" + (", before the meeting" if review.before_meeting else "")
    lines = [review.decision_text] + split_lines(review.comment) + [signed]
    _write_rag(cell, review.reviewed_rag, lines)
