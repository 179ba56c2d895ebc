"""The board pack: cover, indicator summary, Appendix 1 and Appendix 2 in one file."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date
from io import BytesIO

import docx
import pytest
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import qn

from tests.reports.test_docx_pdf import page_texts
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


def instructions(element) -> list[str]:
    return [" ".join(t.text.split()) for t in element.iter(qn("w:instrText"))]


def test_contents_is_a_word_toc_field_prefilled_with_every_heading(pack, progress_plan, plan_2024):
    body = pack.element.body
    assert 'TOC \\o "1-3" \\h \\z \\u' in instructions(body)
    contents = next(i for i, p in enumerate(pack.paragraphs) if p.text == "Contents")
    assert pack.paragraphs[contents].style.name == "TOC Heading"
    entries = [(p.text, p.style.name) for p in pack.paragraphs[contents + 1:contents + 5]]
    assert entries == [("WRES indicator summary 2021-2024", "toc 1"), ("Trend charts", "toc 2"),
                       (progress_plan.title, "toc 1"), (plan_2024.title, "toc 1")]
    # each entry links to a bookmark on its heading
    bookmarks = {b.get(qn("w:name")): b.getparent() for b in body.iter(qn("w:bookmarkStart"))}
    for paragraph in pack.paragraphs[contents + 1:contents + 5]:
        [link] = paragraph._p.findall(qn("w:hyperlink"))
        heading = next(p for p in pack.paragraphs if p._p is bookmarks[link.get(qn("w:anchor"))])
        assert heading.text == paragraph.text and heading.style.name.startswith("Heading")
    # the field ends after the last entry, and Word is asked to update it on opening
    chars = [c.get(qn("w:fldCharType")) for p in pack.paragraphs[contents + 1:contents + 6]
             for c in p._p.iter(qn("w:fldChar"))]
    assert chars[:3] == ["begin", "separate", "end"] and chars[-1] == "end"
    assert pack.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"


def test_headings_go_one_level_at_a_time(pack):
    levels = [int(p.style.name[-1]) for p in pack.paragraphs if p.style.name.startswith("Heading ")]
    assert levels == [1, 2, 1, 1]


def test_every_table_has_a_numbered_caption_above_it(pack, progress_plan, plan_2024):
    captions = []
    for table in pack.tables:
        previous = table._tbl.getprevious()
        paragraph = next(p for p in pack.paragraphs if p._p is previous)
        captions.append((paragraph.style.name, paragraph.text))
    assert captions == [
        ("Caption", "Table 1: WRES indicators by year, with the national average and the trend"),
        ("Caption", f"Table 2: {progress_plan.title}, by theme"),
        ("Caption", f"Table 3: {plan_2024.title}, by theme")]


def test_cover_and_caption_colours_meet_aa_contrast_on_white(pack):
    from tests.reports.docx_checks import contrast_ratio

    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Caption", "TOC Heading"):
        style = pack.styles[name]
        while style.font.color.rgb is None:
            style = style.base_style
        assert contrast_ratio(str(style.font.color.rgb), "FFFFFF") >= 4.5, name


def test_typed_bullets_in_the_appendices_become_word_list_items(cover, summary, progress_plan, plan_2024):
    from dataclasses import replace

    from tests.reports.conftest import action

    bulleted = action("1.9", "Introduce an HR / EDI Dashboard, monitoring:-\n• Workforce ethnicity profile\n"
                      "• Diversity in shortlisted candidates", by_when="Dec 2024", rag="green")
    theme = replace(plan_2024.themes[0], actions=(*plan_2024.themes[0].actions, bulleted))
    plan = replace(plan_2024, themes=(theme, *plan_2024.themes[1:]))
    built = docx.Document(BytesIO(to_bytes(build_board_pack(
        cover, summary, progress_plan, plan, style="2024", include_history=False, generated_on=GENERATED_ON))))
    cell = built.tables[2].rows[4].cells[0]
    assert [(p.text, p.style.name) for p in cell.paragraphs] == [
        ("1.9 Introduce an HR / EDI Dashboard, monitoring:-", "Normal"),
        ("Workforce ethnicity profile", "List Bullet"),
        ("Diversity in shortlisted candidates", "List Bullet")]
    assert "•" not in built.element.body.xml


@pytest.mark.skipif(any(shutil.which(tool) is None for tool in ("soffice", "pdftotext", "pdfinfo")),
                    reason="needs LibreOffice and poppler to render the pack")
def test_rendered_cover_lists_the_contents_before_any_field_update(tmp_path, pack_bytes, progress_plan,
                                                                   plan_2024):
    source = tmp_path / "pack.docx"
    source.write_bytes(pack_bytes)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    cover = " ".join(page_texts(tmp_path / "pack.pdf")[0].split())
    entries = ["Contents WRES indicator summary 2021-2024", "Trend charts", progress_plan.title, plan_2024.title]
    positions = [cover.find(entry) for entry in entries]
    assert -1 not in positions and positions == sorted(positions)
