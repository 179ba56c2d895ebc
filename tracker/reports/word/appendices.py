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
    typed_bullets_to_lists,
    write_action,
    write_comments,
    write_listed_action,
    write_rag,
    write_rag_word,
    write_text,
)
from tracker.reports.word.page import caption_last_table, new_document
from tracker.reports.word.tables import (
    THEME_FILL,
    add_full_width_row,
    add_row,
    add_table,
    keep_whole_if_it_fits,
    widths_mm,
    write_lines,
)
from tracker.reports.word.wording import RAG_WORDS, month_year

STYLES = ("2021", "2024")
CellWriter = Callable[[_Cell, PrintedAction], None]

APPENDIX1_HEADERS = (
    "Action", "By who", "By when", "Comments / progress to date",
    "Where reported / monitored / governance",
)
APPENDIX1_WIDTHS = widths_mm(74, 30, 24, 83, 28, 28)
APPENDIX2_2021_HEADERS = (
    "Action", "Relates to WRES indicator(s)", "By who", "By when",
    "Comments / progress to date", "Where reported / monitored",
)
APPENDIX2_2021_WIDTHS = widths_mm(76, 28, 30, 25, 68, 40)
APPENDIX2_2024_WIDTHS = widths_mm(120, 27, 25, 25, 38, 32)
#: With the HIA column (18 mm), taken from the Action and Comments columns.
APPENDIX2_2021_HIA_WIDTHS = widths_mm(68, 28, 18, 30, 25, 58, 40)
APPENDIX2_2024_HIA_WIDTHS = widths_mm(102, 27, 25, 18, 25, 38, 32)
#: The measures column's header by plan kind: a WRES plan's as the published appendices have it.
MEASURE_HEADERS = {"wres": "Relates to WRES indicator(s)", "wdes": "Relates to WDES metric(s)",
                   "combined": "Relates to WRES / WDES measure(s)"}
HIA_HEADER = "HIA"
#: The 2024 report's Appendix 1: one row per theme, its actions sorted into these columns by category.
SECTIONS = ("Train", "Retain", "Reform")
OTHER_SECTION = "Other actions"
#: The 2024 layout's first column by plan kind: a WRES plan's as the published appendix has it.
PRIORITY_AREAS = {"wres": "WRES Priority Areas", "wdes": "WDES Priority Areas",
                  "combined": "WRES and WDES Priority Areas"}
KEY_HEADING = "Equality objectives and EDI goals"
KEY_INTRO = "The numbers in columns 2 and 3 in the table above relate to the below."


def rag_header(as_at: date | None) -> str:
    """'RAG rating (as at 09.24)', the month of the latest rating shown; 'RAG rating' when none is."""
    return f"RAG rating (as at {month_year(as_at)})" if as_at else "RAG rating"


def ratings_as_at(plan: PlanDocument) -> date | None:
    """The date of the latest RAG rating the document shows (None when it shows none)."""
    return max((a.rag_as_at for t in plan.themes for a in t.actions if a.rag and a.rag_as_at), default=None)


def appendix2_2024_headers(as_at: date | None) -> tuple[str, ...]:
    """The 2024-style header, with the month of the ratings shown in the last column."""
    return (
        "Action", "Links to equality objectives", "Links to EDI goals",
        "Must / Should / Could", "Action lead", rag_header(as_at),
    )


def build_appendix1(plan: PlanDocument, *, include_history: bool, generated_on: date,
                    style: str = "2021") -> Document:
    """Appendix 1: progress on the closing year's plan, grouped by theme (2021 layout) or
    sorted into Train / Retain / Reform (2024 layout)."""
    document = new_document(plan.title, plan.trust_name, generated_on)
    add_appendix1(document, plan, include_history=include_history, style=style)
    typed_bullets_to_lists(document)
    return document


def build_appendix2(plan: PlanDocument, *, style: str, generated_on: date, show_hia: bool = False) -> Document:
    """Appendix 2: next year's plan in the 2021 or the 2024 layout (with an HIA column when `show_hia`)."""
    document = new_document(plan.title, plan.trust_name, generated_on)
    add_appendix2(document, plan, style=style, show_hia=show_hia)
    typed_bullets_to_lists(document)
    return document


def add_appendix1(document: Document, plan: PlanDocument, *, include_history: bool, style: str = "2021") -> None:
    """Append the Appendix 1 heading and table to a document, in the 2021 or the 2024 layout."""
    if style == "2024":
        _add_sections(document, plan, include_history=include_history)
        return
    if style != "2021":
        raise ValueError(f"Appendix 1 style must be one of {', '.join(STYLES)}, got {style!r}")
    header_on = ratings_as_at(plan)
    writers: list[CellWriter] = [
        write_action,
        lambda cell, a: write_text(cell, a.by_who),
        lambda cell, a: write_text(cell, a.by_when),
        lambda cell, a: write_comments(cell, a, include_history=include_history),
        lambda cell, a: write_text(cell, a.forums),
        lambda cell, a: write_rag_word(cell, a, header_on=header_on),
    ]
    headers = (*APPENDIX1_HEADERS, rag_header(header_on))
    _add_plan(document, plan, headers, APPENDIX1_WIDTHS, writers)


def measures_header(standard: str) -> str:
    """The measures column's header for a WRES, WDES or combined plan."""
    return MEASURE_HEADERS.get(standard, MEASURE_HEADERS["wres"])


def measures_text(action: PrintedAction) -> str:
    """'WRES 2; WDES 4a(ii)': the measures named with their standard ('WRES 1; WRES 2' from bare
    indicator numbers when the action carries no measure names)."""
    names = action.measures or tuple(f"WRES {n}" for n in sorted(set(action.indicators)))
    return "; ".join(names)


def hia_text(action: PrintedAction) -> str:
    """'HIA 1; HIA 6' ('' when the action serves none)."""
    return "; ".join(f"HIA {n}" for n in sorted(set(action.high_impact_actions)))


def add_appendix2(document: Document, plan: PlanDocument, *, style: str, show_hia: bool = False) -> None:
    """Append the Appendix 2 heading and table to a document (with an HIA column when `show_hia`)."""
    hia: list[tuple[str, CellWriter]] = [(HIA_HEADER, lambda cell, a: write_text(cell, hia_text(a)))] if show_hia else []
    if style == "2021":
        columns: list[tuple[str, CellWriter]] = [
            ("Action", write_action),
            (measures_header(plan.standard), lambda cell, a: write_text(cell, measures_text(a))),
            *hia,
            ("By who", lambda cell, a: write_text(cell, a.by_who)),
            ("By when", lambda cell, a: write_text(cell, a.by_when)),
            ("Comments / progress to date", lambda cell, a: write_comments(cell, a, include_history=False)),
            ("Where reported / monitored", lambda cell, a: write_text(cell, a.forums)),
        ]
        widths = APPENDIX2_2021_HIA_WIDTHS if show_hia else APPENDIX2_2021_WIDTHS
        _add_plan(document, plan, [h for h, _ in columns], widths, [w for _, w in columns])
    elif style == "2024":
        headers = appendix2_2024_headers(ratings_as_at(plan))
        writers: list[CellWriter] = [
            write_action,
            lambda cell, a: write_text(cell, a.equality_objectives),
            lambda cell, a: write_text(cell, a.edi_goals),
            lambda cell, a: write_text(cell, a.priority or ""),
            lambda cell, a: write_text(cell, a.by_who),
            write_rag,
        ]
        columns = list(zip(headers, writers))
        widths = APPENDIX2_2024_WIDTHS
        if show_hia:
            columns[3:3] = hia
            widths = APPENDIX2_2024_HIA_WIDTHS
        _add_plan(document, plan, [h for h, _ in columns], widths, [w for _, w in columns])
        _add_key(document, plan)
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
    _add_heading(document, plan)
    table = add_table(document, headers, widths)
    caption_last_table(document, table_caption(plan))
    for theme in plan.themes:
        add_full_width_row(table, widths, theme_heading(theme), THEME_FILL)
        for action in theme.actions:
            cells = add_row(table, widths)
            for cell, write in zip(cells, writers):
                write(cell, action)
            keep_whole_if_it_fits(table, cells, widths)


def table_caption(plan: PlanDocument) -> str:
    """'Appendix 2: Inclusion and Belonging Action Plan 2024-25, by theme' (after 'Table N: ')."""
    return f"{plan.title.strip() or 'Action plan'}, by theme"


def _add_heading(document: Document, plan: PlanDocument) -> None:
    document.add_heading(plan.title, level=1)
    document.add_paragraph(plan.trust_name)
    document.add_paragraph(f"As at {long_date(plan.as_at)}")
    if not any(theme.actions for theme in plan.themes):
        document.add_paragraph("This plan has no actions yet.")


def _add_key(document: Document, plan: PlanDocument) -> None:
    """What the numbers in the objectives and goals columns mean, under the table, as the published plan has it."""
    keys = [(label, key) for label, key in (("Equality objectives", plan.equality_objectives_key),
                                            ("EDI goals", plan.edi_goals_key)) if key.strip()]
    if not keys:
        return
    document.add_heading(KEY_HEADING, level=2)
    document.add_paragraph(KEY_INTRO)
    for label, key in keys:
        paragraph = document.add_paragraph()
        paragraph.add_run(label).bold = True
        paragraph.paragraph_format.keep_with_next = True
        for line in key.strip().splitlines():
            if line.strip():
                document.add_paragraph(line.strip())


def section_of(action: PrintedAction) -> str:
    """The Train / Retain / Reform column an action belongs in (by its category), else 'Other actions'."""
    category = action.category.strip().lower()
    return next((section for section in SECTIONS if section.lower() == category), OTHER_SECTION)


def _add_sections(document: Document, plan: PlanDocument, *, include_history: bool) -> None:
    """The 2024 layout: WRES (or WDES) Priority Areas | Train | Retain | Reform, a row per theme, each action
    listed in its column with its RAG written on its own shading."""
    _add_heading(document, plan)
    actions = [a for theme in plan.themes for a in theme.actions]
    columns = [*SECTIONS, *([OTHER_SECTION] if any(section_of(a) == OTHER_SECTION for a in actions) else [])]
    first = 47 if len(columns) == 4 else 57
    widths = widths_mm(first, *[(267 - first) / len(columns)] * len(columns))
    as_at = ratings_as_at(plan)
    words = ", ".join(RAG_WORDS.values())
    document.add_paragraph(f"Each action starts with its RAG rating ({words}) as at "
                           f"{long_date(as_at)}, or the date shown beside it." if as_at else
                           "No action has a RAG rating yet.")
    priority_areas = PRIORITY_AREAS.get(plan.standard, PRIORITY_AREAS["wres"])
    table = add_table(document, (priority_areas, *columns), widths)
    caption_last_table(document, table_caption(plan))
    for theme in plan.themes:
        cells = add_row(table, widths)
        write_lines(cells[0], [theme_heading(theme)], bold=True)
        for column, cell in zip(columns, cells[1:]):
            for action in theme.actions:
                if section_of(action) == column:
                    write_listed_action(cell, action, include_history=include_history, header_on=as_at)
        keep_whole_if_it_fits(table, cells, widths)
