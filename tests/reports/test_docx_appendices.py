"""Appendix 1 and Appendix 2 exports, reopened with python-docx and inspected."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from io import BytesIO
from zipfile import ZipFile

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from tracker.reports.word import build_appendix1, build_appendix2, to_bytes

GENERATED_ON = date(2024, 9, 5)
A1_HEADERS = ["Action", "By who", "By when", "Comments / progress to date",
              "Where reported / monitored / governance", "RAG rating"]


def reopen(document):
    """Save and open again, as a reader of the file would."""
    return docx.Document(BytesIO(to_bytes(document)))


def cell_texts(tr) -> list[str]:
    """Text of each real cell (w:tc) of a row, paragraphs joined by newlines."""
    return ["\n".join("".join(t.text for t in p.iter(qn("w:t"))) for p in tc.findall(qn("w:p")))
            for tc in tr.findall(qn("w:tc"))]


def rows(document, table: int = 0):
    """The w:tr elements of a table."""
    return document.tables[table]._tbl.findall(qn("w:tr"))


def fill_of(tc) -> str | None:
    """The w:shd fill of a cell, if shaded."""
    shd = tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    return None if shd is None else shd.get(qn("w:fill"))


def row_of(document, ref: str):
    """The table row whose action cell starts with the reference."""
    return next(tr for tr in rows(document) if cell_texts(tr)[0].startswith(ref + " "))


@pytest.fixture
def appendix1(progress_plan):
    return reopen(build_appendix1(progress_plan, include_history=True,
                                  generated_on=GENERATED_ON))


def test_appendix1_header_theme_and_action_rows(appendix1):
    table_rows = rows(appendix1)
    assert cell_texts(table_rows[0]) == A1_HEADERS
    assert len(table_rows) == 1 + 2 + 3
    assert cell_texts(table_rows[1]) == ["1. WRES action priorities 2020-21"]
    assert cell_texts(table_rows[4]) == ["2. Development"]
    assert cell_texts(table_rows[2])[:3] == [
        "1.3 Deliver a Cultural Development Programme on race inclusion across the Trust",
        "DofWF with D&I Lead & Leadership Development Lead", "To be rolled out from Q3 2020-21"]
    assert cell_texts(table_rows[2])[4] == (
        "Inclusion Council through to PCDC and Trust Board\nICS People Board")


def test_theme_rows_are_merged_bold_and_grey(appendix1):
    theme = rows(appendix1)[1]
    tc = theme.find(qn("w:tc"))
    assert tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}").get(qn("w:val")) == "6"
    assert fill_of(tc) == "D9D9D9"
    assert appendix1.tables[0].rows[1].cells[0].paragraphs[0].runs[0].bold is True


def test_action_reference_is_bold(appendix1):
    first = appendix1.tables[0].rows[2].cells[0].paragraphs[0]
    assert (first.runs[0].text, first.runs[0].bold) == ("1.3", True)


def test_comments_start_with_bold_status_then_narrative_and_history(appendix1):
    comments = appendix1.tables[0].rows[2].cells[3].paragraphs
    assert (comments[0].text, comments[0].runs[0].bold) == ("PART ACHIEVED AND ONGOING", True)
    assert comments[1].text.startswith("This project was agreed at system level")
    assert [p.text for p in comments[2:]] == [
        "1 Sep 2021 – 54 of the intended 94 VSLs attended (57.5%). (D&I Lead)",
        "30 Jun 2021 – 3 sessions delivered for system VS leaders over June-July 2021. "
        "(D&I Lead)",
    ]


def test_cancelled_action_gives_reason(appendix1):
    comments = cell_texts(row_of(appendix1, "2.1"))[3]
    assert comments == ("CANCELLED\nReason: Superseded by the system-wide Stepping Up "
                        "programme in 2021-22.")


def test_history_left_out_on_request(progress_plan):
    document = reopen(build_appendix1(progress_plan, include_history=False,
                                      generated_on=GENERATED_ON))
    comments = cell_texts(row_of(document, "1.3"))[3]
    assert "VSLs attended" not in comments
    assert comments.startswith("PART ACHIEVED AND ONGOING\nThis project")


def test_header_row_repeats_and_rows_never_split(appendix1):
    table_rows = rows(appendix1)
    repeated = [tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for tr in table_rows]
    kept_whole = [tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in table_rows]
    assert repeated == [True] + [False] * (len(table_rows) - 1)
    assert all(kept_whole)


def test_a4_landscape_with_narrow_margins(appendix1):
    section = appendix1.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert round(section.left_margin.mm) == round(section.top_margin.mm) == 15


def test_fixed_column_widths_fit_the_page(appendix1):
    table = appendix1.tables[0]
    widths = [round(column.width.mm) for column in table.columns]
    assert widths == [74, 30, 24, 83, 28, 28]
    assert sum(widths) <= 297 - 30
    assert table.style.name == "Table Grid"
    layout = table._tbl.tblPr.find(qn("w:tblLayout"))
    assert layout.get(qn("w:type")) == "fixed"


def test_footer_has_page_fields_and_generated_date(appendix1):
    footer = appendix1.sections[0].footer._element
    codes = [t.text.strip() for t in footer.iter(qn("w:instrText"))]
    assert codes == ["PAGE", "NUMPAGES"]
    text = appendix1.sections[0].footer.paragraphs[0].text
    assert text == "Generated 5 September 2024\tPage 1 of 1"


def test_title_as_at_and_properties(appendix1, progress_plan):
    paragraphs = appendix1.paragraphs
    assert (paragraphs[0].text, paragraphs[0].style.name) == (progress_plan.title, "Heading 1")
    assert paragraphs[2].text == "As at 14 September 2021"
    properties = appendix1.core_properties
    assert properties.title == progress_plan.title
    assert properties.author == progress_plan.trust_name
    assert properties.created == properties.modified == datetime(2024, 9, 5, tzinfo=UTC)


def test_same_input_gives_identical_bytes(progress_plan):
    first = to_bytes(build_appendix1(progress_plan, include_history=True,
                                     generated_on=GENERATED_ON))
    second = to_bytes(build_appendix1(progress_plan, include_history=True,
                                      generated_on=GENERATED_ON))
    assert first == second
    stamps = {info.date_time for info in ZipFile(BytesIO(first)).infolist()}
    assert stamps == {(2024, 9, 5, 0, 0, 0)}


def test_appendix2_2021_style(plan_2024):
    document = reopen(build_appendix2(plan_2024, style="2021", generated_on=GENERATED_ON))
    table_rows = rows(document)
    assert cell_texts(table_rows[0]) == [
        "Action", "Relates to WRES indicator(s)", "By who", "By when",
        "Comments / progress to date", "Where reported / monitored"]
    assert len(table_rows) == 1 + 4 + 6
    refs = ("1.1", "1.2", "2.8", "3.7", "4.2")
    indicators = {ref: cell_texts(row_of(document, ref))[1] for ref in refs}
    assert indicators == {"1.1": "WRES 2", "1.2": "WRES 1; WRES 2",
                          "2.8": "; ".join(f"WRES {n}" for n in range(1, 10)),
                          "3.7": "WRES 5; WRES 6; WRES 8", "4.2": ""}
    assert cell_texts(row_of(document, "3.7"))[3] == "08.24\n09.24\n10.2024"
    assert cell_texts(row_of(document, "1.2"))[0] == (
        "1.2 Undertake analysis of applications-shortlisting/interview-appointment for posts "
        "at band 8A and above")


def test_appendix2_2024_style_headers_and_rag_cells(plan_2024):
    document = reopen(build_appendix2(plan_2024, style="2024", generated_on=GENERATED_ON))
    assert cell_texts(rows(document)[0]) == [
        "Action", "Links to equality objectives", "Links to EDI goals",
        "Must / Should / Could", "Action lead", "RAG rating (as at 09.24)"]
    refs = ("1.1", "1.2", "2.8", "2.10", "3.7")
    rag = {ref: row_of(document, ref).findall(qn("w:tc"))[5] for ref in refs}
    assert {ref: fill_of(tc) for ref, tc in rag.items()} == {
        "1.1": "00B050", "1.2": None, "2.8": "FFC000", "2.10": "FF0000", "3.7": "0070C0"}
    assert cell_texts(row_of(document, "1.1"))[1:] == ["4", "1", "Must", "AS", "Green\nOct 2024"]
    assert cell_texts(row_of(document, "1.2"))[5] == "Dec 2024"
    assert cell_texts(row_of(document, "3.7"))[5] == "Blue (complete)\n08.24\n09.24\n10.2024"


def test_rag_text_colours_meet_contrast(plan_2024):
    document = reopen(build_appendix2(plan_2024, style="2024", generated_on=GENERATED_ON))
    colours = {}
    for ref in ("1.1", "2.8", "2.10", "3.7"):
        tc = row_of(document, ref).findall(qn("w:tc"))[5]
        colours[ref] = tc.find(f".//{qn('w:color')}").get(qn("w:val"))
    assert colours == {"1.1": "000000", "2.8": "000000", "2.10": "000000", "3.7": "FFFFFF"}


def test_outcome_printed_under_action(plan_2024):
    document = reopen(build_appendix2(plan_2024, style="2024", generated_on=GENERATED_ON))
    action_cell = cell_texts(row_of(document, "2.10"))[0]
    assert action_cell.endswith("\nOutcome: Reports published on the Trust website")


def test_unknown_style_is_refused(plan_2024):
    with pytest.raises(ValueError, match="style must be one of 2021, 2024, got '2019'"):
        build_appendix2(plan_2024, style="2019", generated_on=GENERATED_ON)


def test_bad_rag_named_with_its_action(plan_2024):
    action = plan_2024.themes[0].actions[0]
    with pytest.raises(ValueError, match="action '1.1': rag must be one of"):
        replace(action, rag="purple")


def test_theme_without_number_prints_title_only(plan_2024):
    theme = replace(plan_2024.themes[0], number="")
    document = reopen(build_appendix2(replace(plan_2024, themes=(theme,)), style="2024",
                                      generated_on=GENERATED_ON))
    assert cell_texts(rows(document)[1]) == [theme.title]



def test_plan_without_actions_says_so(plan_2024):
    empty = replace(plan_2024, themes=())
    document = reopen(build_appendix2(empty, style="2021", generated_on=GENERATED_ON))
    assert document.paragraphs[3].text == "This plan has no actions yet."
    assert len(rows(document)) == 1
