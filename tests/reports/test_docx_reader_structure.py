"""Word documents as trusts keep them: tracked changes, content controls, merged cells, shading
without words, bullets and numbering, separate Ref columns, 'All' indicators."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from tracker.reports.docx_reader import read_plan_tables, shade_rag, split_history

W = nsdecls("w")
HEADERS = ("Ref", "Action", "Relates to WRES indicator(s)", "By who", "By when", "Comments / progress to date",
           "RAG")


def document_with(rows: list[tuple[str, ...]], *, xml: dict[tuple[int, int], str] | None = None,
                  fills: dict[tuple[int, int], str] | None = None, setup=None) -> bytes:
    """A table of the given texts; cells named in `xml` get that raw cell content (w:p, w:sdt …)."""
    document = docx.Document()
    document.add_paragraph("Appendix 2")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, (row, texts) in enumerate(zip(table.rows, rows)):
        for c, (cell, text) in enumerate(zip(row.cells, texts)):
            cell.text = text
            tc = cell._tc
            if xml and (r, c) in xml:
                for p in tc.findall(docx.oxml.ns.qn("w:p")):
                    tc.remove(p)
                for element in parse_xml(f"<w:body {W}>{xml[(r, c)]}</w:body>"):
                    tc.append(element)
            if fills and (r, c) in fills:
                tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {W} w:val="clear" w:color="auto" w:fill="{fills[(r, c)]}"/>'))
    if setup:
        setup(document, table)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def actions(data: bytes):
    read = read_plan_tables(data)
    return [a for theme in read.themes for a in theme.actions]


def row(ref="1.1", action="Develop a toolkit", indicators="2", by_who="", by_when="Dec 2024", comments="", rag=""):
    return (ref, action, indicators, by_who, by_when, comments, rag)


def test_tracked_changes_are_read_as_accepted():
    cell = ('<w:p><w:r><w:t xml:space="preserve">Recruit </w:t></w:r>'
            '<w:ins w:id="1" w:author="LF" w:date="2024-01-01T00:00:00Z"><w:r><w:t xml:space="preserve">inclusion </w:t></w:r></w:ins>'
            '<w:del w:id="2" w:author="LF" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>diversity </w:delText></w:r></w:del>'
            '<w:r><w:t>champions</w:t></w:r>'
            '<w:moveFrom w:id="3" w:author="LF" w:date="2024-01-01T00:00:00Z"><w:r><w:t> in every team</w:t></w:r></w:moveFrom>'
            '<w:moveTo w:id="4" w:author="LF" w:date="2024-01-01T00:00:00Z"><w:r><w:t> across the Trust</w:t></w:r></w:moveTo>'
            '</w:p>')
    [action] = actions(document_with([HEADERS, row()], xml={(1, 1): cell}))
    assert action.text == "Recruit inclusion champions across the Trust"


def test_a_tracked_deleted_row_is_left_out():
    def delete_second(document, table):
        tr = table.rows[2]._tr
        tr.get_or_add_trPr().append(parse_xml(f'<w:del {W} w:id="9" w:author="LF" w:date="2024-01-01T00:00:00Z"/>'))
    found = actions(document_with([HEADERS, row("1.1"), row("1.2", "Gone")], setup=delete_second))
    assert [a.ref for a in found] == ["1.1"]


def test_text_in_content_controls_is_read_and_placeholders_are_not():
    by_who = '<w:sdt><w:sdtPr><w:alias w:val="Lead"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Lesley Faux</w:t></w:r></w:p></w:sdtContent></w:sdt>'
    by_when = ('<w:p><w:sdt><w:sdtPr><w:date/></w:sdtPr><w:sdtContent><w:r><w:t>31/03/2025</w:t></w:r></w:sdtContent></w:sdt></w:p>')
    comments = ('<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:p><w:r>'
                '<w:t>Click or tap here to enter text.</w:t></w:r></w:p></w:sdtContent></w:sdt>')
    [action] = actions(document_with([HEADERS, row()], xml={(1, 3): by_who, (1, 4): by_when, (1, 5): comments}))
    assert (action.by_who, action.by_when, action.comments) == ("Lesley Faux", "31/03/2025", "")


def test_vertically_merged_cells_are_filled_down_to_every_row_they_span():
    def merge(document, table):
        table.cell(1, 3).merge(table.cell(3, 3)).text = "People Team"
        table.cell(1, 4).merge(table.cell(2, 4)).text = "Dec 2024"
    found = actions(document_with([HEADERS, row("1.1", by_who="People Team"), row("1.2", by_when="Q3 2024-25"),
                                   row("1.3", "Third", by_when="Mar 2025")], setup=merge))
    assert [(a.ref, a.by_who, a.by_when) for a in found] == [
        ("1.1", "People Team", "Dec 2024"), ("1.2", "People Team", "Dec 2024"), ("1.3", "People Team", "Mar 2025")]


def test_a_separate_ref_column_gives_the_references_and_its_theme_rows():
    headers = ("No.", "Action", "By who", "By when")
    read = read_plan_tables(document_with([headers, ("2", "Speaking up", "", ""),
                                           ("2.1", "Run listening events", "LF", "Ongoing"),
                                           ("2.10", "Publish the pay gap", "LF", "Dec 2024")]))
    [theme] = read.themes
    assert (theme.number, theme.title) == ("2", "Speaking up")
    assert [(a.ref, a.text) for a in theme.actions] == [("2.1", "Run listening events"),
                                                        ("2.10", "Publish the pay gap")]


@pytest.mark.parametrize("text", ["All", "all indicators", "All WRES indicators"])
def test_all_in_the_indicators_column_means_1_to_9(text):
    [action] = actions(document_with([HEADERS, row(indicators=text)]))
    assert action.indicators == tuple(range(1, 10))


def test_bullets_and_numbering_inside_cells_are_kept_as_lines():
    def lists(document, table):
        cell = table.cell(1, 1)
        cell.text = "Reverse mentoring for the board"
        for text in ("pairs agreed", "sessions held"):
            cell.add_paragraph(text, style="List Bullet")
        comments = table.cell(1, 5)
        comments.text = "PROGRESS MADE"
        for text in ("Toolkit drafted", "Panel trained"):
            comments.add_paragraph(text, style="List Number")
    [action] = actions(document_with([HEADERS, row()], setup=lists))
    assert action.text == "Reverse mentoring for the board\n• pairs agreed\n• sessions held"
    assert action.status == "PROGRESS MADE"
    assert action.comments == "1. Toolkit drafted\n2. Panel trained"


@pytest.mark.parametrize("fill, rag", [("00B050", "green"), ("92D050", "green"), ("FFC000", "amber"),
                                       ("FFFF00", "amber"), ("FF0000", "red"), ("C00000", "red"),
                                       ("0070C0", "blue"), ("00B0F0", "blue"), ("FFFFFF", None), ("D9D9D9", None),
                                       ("7030A0", None), ("auto", None)])
def test_shading_hues_within_the_tolerance_give_a_rating(fill, rag):
    assert shade_rag(fill) == rag


def test_rag_is_read_from_shading_when_the_cell_has_no_word_and_the_preview_is_told():
    [action] = actions(document_with([HEADERS, row(rag="")], fills={(1, 6): "00B050"}))
    assert (action.rag, action.rag_source) == ("green", "shading")
    assert action.notes == ("Table 1, row 2: RAG Green taken from the cell's shading (#00B050); the cell has no RAG "
                            "word",)


@pytest.mark.parametrize("text, rag, reason", [
    ("R", "red", ""), ("A", "amber", ""), ("G", "green", ""), ("B", "blue", ""),
    ("Green - on track", "green", "on track"), ("Amber: recruitment paused", "amber", "recruitment paused"),
    ("Blue (complete)", "blue", ""), ("Complete", "blue", ""),
])
def test_rag_words_and_letters_with_the_words_after_them_as_the_reason(text, rag, reason):
    [action] = actions(document_with([HEADERS, row(rag=text)], fills={(1, 6): "FF0000"}))
    assert (action.rag, action.rag_reason, action.rag_source) == (rag, reason, "word")


@pytest.mark.parametrize("text, rag, by_when", [
    ("Not rated", None, ""), ("Amber\nas at 1 Jun 2021", "amber", ""), ("Green\nOct 2024", "green", "Oct 2024"),
])
def test_our_appendix_1_rag_cell_gives_no_by_when(text, rag, by_when):
    [action] = actions(document_with([HEADERS, row(rag=text, by_when="")]))
    assert (action.rag, action.by_when) == (rag, by_when)


def test_text_in_a_column_the_import_does_not_read_is_named():
    headers = ("Action", "By who", "By when", "Budget")
    read = read_plan_tables(document_with([headers, ("1.1 Do it", "LF", "Dec 2024", "£5,000"),
                                           ("1.2 Do more", "LF", "Dec 2024", "")]))
    assert read.warnings == ("Table 1, column 'Budget': the import does not read this column; its text in 1 row "
                             "is not kept",)


def test_dated_comments_are_split_into_a_history_oldest_first():
    undated, history = split_history("Toolkit in use.\n12 Mar 2024 – Panel trained (Laura Reynolds)\n"
                                     "3 Jan 2024 – Toolkit drafted\nsecond line\n05/06/2024: Launched")
    assert undated == "Toolkit in use."
    assert [(u.on, u.text, u.author) for u in history] == [
        (date(2024, 1, 3), "Toolkit drafted\nsecond line", ""),
        (date(2024, 3, 12), "Panel trained", "Laura Reynolds"),
        (date(2024, 6, 5), "Launched", ""),
    ]


def test_a_status_column_gives_the_status_and_the_comments_stay_whole():
    headers = ("Action", "By who", "Status", "Progress to date")
    [action] = actions(document_with([headers, ("1.1 Do it", "LF", "On track", "NHS ENGLAND PILOT\nJoined in May.")]))
    assert (action.status, action.comments) == ("On track", "NHS ENGLAND PILOT\nJoined in May.")
