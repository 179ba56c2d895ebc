"""The board pack: cover, indicator summary, Appendix 1 and Appendix 2 in one file."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import docx
import pytest
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import qn

from tracker.reports.word import build_board_pack, to_bytes

GENERATED_ON = date(2024, 9, 5)


@pytest.fixture
def pack_bytes(cover, summary, progress_plan, plan_2024) -> bytes:
    return to_bytes(build_board_pack(cover, summary, progress_plan, plan_2024, style="2024",
                                     include_history=True, generated_on=GENERATED_ON))


@pytest.fixture
def pack(pack_bytes):
    return docx.Document(BytesIO(pack_bytes))


def test_cover_page(pack, cover):
    texts = [(p.text, p.style.name) for p in pack.paragraphs[:5]]
    assert texts == [
        ("Workforce Race Equality Standard (WRES) Report 2024", "Title"),
        ("North Staffordshire Combined Healthcare NHS Trust", "Subtitle"),
        ("26 September 2024", "Normal"),
        ("Author: Lesley Faux, EDI Lead", "Normal"),
        ("Lead director: Director of People", "Normal"),
    ]
    assert pack.core_properties.title == cover.title
    assert pack.core_properties.author == cover.author


def test_parts_are_navigable_headings_in_order(pack, progress_plan, plan_2024):
    headings = [p.text for p in pack.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["WRES indicator summary 2021-2024", progress_plan.title, plan_2024.title]


def test_each_part_is_a_landscape_section_on_a_new_page(pack):
    sections = pack.sections
    assert len(sections) == 4
    assert all(s.orientation == WD_ORIENT.LANDSCAPE and s.page_width > s.page_height
               for s in sections)
    assert [s.start_type for s in sections[1:]] == [WD_SECTION.NEW_PAGE] * 3
    assert all(s.footer.is_linked_to_previous for s in sections[1:])


def test_tables_in_order_with_their_headers(pack):
    first_headers = [[c.text for c in table.rows[0].cells][:2] for table in pack.tables]
    assert first_headers == [["Ind", "Indicator"], ["Action", "By who"],
                             ["Action", "Links to equality objectives"]]
    assert pack.tables[2].rows[0].cells[5].text == "RAG rating (as at 09.24)"


def test_bme_label_of_the_plan_is_used(pack):
    rows = [[c.text for c in row.cells] for row in pack.tables[0].rows]
    assert rows[4][1] == "HBA from patients / public*\nGlobal Majority"


def test_history_included_on_request(pack):
    comments = pack.tables[1].rows[2].cells[3].text
    assert "1 Sep 2021 – 54 of the intended 94 VSLs attended (57.5%). (D&I Lead)" in comments


def test_footer_fields_once_for_the_whole_pack(pack):
    codes = [t.text.strip() for t in pack.sections[0].footer._element.iter(qn("w:instrText"))]
    assert codes == ["PAGE", "NUMPAGES"]


def test_same_input_gives_identical_bytes(pack_bytes, cover, summary, progress_plan, plan_2024):
    again = to_bytes(build_board_pack(cover, summary, progress_plan, plan_2024, style="2024",
                                      include_history=True, generated_on=GENERATED_ON))
    assert again == pack_bytes


def test_unknown_style_is_refused(cover, summary, progress_plan, plan_2024):
    with pytest.raises(ValueError, match="style must be one of 2021, 2024"):
        build_board_pack(cover, summary, progress_plan, plan_2024, style="2025",
                         include_history=False, generated_on=GENERATED_ON)
