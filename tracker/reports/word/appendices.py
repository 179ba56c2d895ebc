"""Appendix 1 (progress report) and Appendix 2 (next year's plan)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from docx.document import Document
from docx.shared import Length
from docx.table import _Cell

from tracker.dates import long_date
from tracker.reports.documents import PlanDocument, PrintedAction
from tracker.reports.word.cells import (
    theme_heading,
    write_action,
    write_comments,
    write_rag,
    write_text,
)
from tracker.reports.word.page import new_document
from tracker.reports.word.tables import (
    THEME_FILL,
    add_full_width_row,
    add_row,
    add_table,
    widths_mm,
)
from tracker.reports.word.wording import indicator_list, month_year

STYLES = ("2021", "2024")
CellWriter = Callable[[_Cell, PrintedAction], None]

APPENDIX1_HEADERS = (
    "Action", "By who", "By when", "Comments / progress to date",
    "Where reported / monitored / governance",
)
APPENDIX1_WIDTHS = widths_mm(80, 32, 28, 87, 40)
APPENDIX2_2021_HEADERS = (
    "Action", "Relates to WRES indicator(s)", "By who", "By when",
    "Comments / progress to date", "Where reported / monitored",
)
APPENDIX2_2021_WIDTHS = widths_mm(78, 24, 30, 25, 70, 40)
APPENDIX2_2024_WIDTHS = widths_mm(120, 27, 25, 25, 38, 32)


def appendix2_2024_headers(as_at: date) -> tuple[str, ...]:
    """The 2024-style header, with the RAG 'as at' month in the last column."""
    return (
        "Action", "Links to equality objectives", "Links to EDI goals",
        "Must / Should / Could", "Action lead", f"RAG rating (as at {month_year(as_at)})",
    )


def build_appendix1(plan: PlanDocument, *, include_history: bool, generated_on: date) -> Document:
    """Appendix 1: progress on the closing year's plan, grouped by theme."""
    document = new_document(plan.title, plan.trust_name, generated_on)
    add_appendix1(document, plan, include_history=include_history)
    return document


def build_appendix2(plan: PlanDocument, *, style: str, generated_on: date) -> Document:
    """Appendix 2: next year's plan in the 2021 or the 2024 layout."""
    document = new_document(plan.title, plan.trust_name, generated_on)
    add_appendix2(document, plan, style=style)
    return document


def add_appendix1(document: Document, plan: PlanDocument, *, include_history: bool) -> None:
    """Append the Appendix 1 heading and table to a document."""
    writers: list[CellWriter] = [
        write_action,
        lambda cell, a: write_text(cell, a.by_who),
        lambda cell, a: write_text(cell, a.by_when),
        lambda cell, a: write_comments(cell, a, include_history=include_history),
        lambda cell, a: write_text(cell, a.forums),
    ]
    _add_plan(document, plan, APPENDIX1_HEADERS, APPENDIX1_WIDTHS, writers)


def add_appendix2(document: Document, plan: PlanDocument, *, style: str) -> None:
    """Append the Appendix 2 heading and table to a document."""
    if style == "2021":
        writers: list[CellWriter] = [
            lambda cell, a: write_action(cell, a, with_priority=True),
            lambda cell, a: write_text(cell, indicator_list(a.indicators)),
            lambda cell, a: write_text(cell, a.by_who),
            lambda cell, a: write_text(cell, a.by_when),
            lambda cell, a: write_comments(cell, a, include_history=False),
            lambda cell, a: write_text(cell, a.forums),
        ]
        _add_plan(document, plan, APPENDIX2_2021_HEADERS, APPENDIX2_2021_WIDTHS, writers)
    elif style == "2024":
        writers = [
            write_action,
            lambda cell, a: write_text(cell, a.equality_objectives),
            lambda cell, a: write_text(cell, a.edi_goals),
            lambda cell, a: write_text(cell, a.priority or ""),
            lambda cell, a: write_text(cell, a.by_who),
            write_rag,
        ]
        headers = appendix2_2024_headers(plan.as_at)
        _add_plan(document, plan, headers, APPENDIX2_2024_WIDTHS, writers)
    else:
        raise ValueError(f"Appendix 2 style must be one of {', '.join(STYLES)}, got {style!r}")


def _add_plan(
    document: Document,
    plan: PlanDocument,
    headers: Sequence[str],
    widths: Sequence[Length],
    writers: Sequence[CellWriter],
) -> None:
    """Heading, trust, 'As at' line, then the table with a theme row before each theme."""
    document.add_heading(plan.title, level=1)
    document.add_paragraph(plan.trust_name)
    document.add_paragraph(f"As at {long_date(plan.as_at)}")
    if not any(theme.actions for theme in plan.themes):
        document.add_paragraph("This plan has no actions yet.")
    table = add_table(document, headers, widths)
    for theme in plan.themes:
        add_full_width_row(table, widths, theme_heading(theme), THEME_FILL)
        for action in theme.actions:
            for cell, write in zip(add_row(table, widths), writers):
                write(cell, action)
