"""Every Word document the product exports passes the same accessibility checks (tests/reports/docx_checks.py)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from io import BytesIO

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tests.reports import docx_checks
from tests.reports.conftest import action
from tracker.reports.word import (
    build_appendix1,
    build_appendix2,
    build_board_pack,
    build_indicator_summary,
    to_bytes,
)
from tracker.reports.word.meeting_pack import MeetingPack, build_meeting_pack
from tracker.reports.word.page import new_document
from tracker.reviews.agenda_rules import AgendaRow, ReviewRow

GENERATED_ON = date(2024, 9, 5)
BULLETED = action("1.9", "Introduce an HR / EDI Dashboard for all services, monitoring:-\n"
                  "• Workforce ethnicity profile\n• Diversity in shortlisted candidates",
                  indicators=(1, 2), by_who="People Team", by_when="Dec 2024", rag="green",
                  narrative="Dashboard drafted:\n• first services live", status="PROGRESS MADE")


def reopen(document):
    return docx.Document(BytesIO(to_bytes(document)))


def with_bullets(plan):
    """The plan with an action whose text and progress carry typed bullet points (as the demo's 2.4)."""
    first = plan.themes[0]
    return replace(plan, themes=(replace(first, actions=(*first.actions, BULLETED)), *plan.themes[1:]))


def meeting_pack() -> MeetingPack:
    review = ReviewRow(forum="Inclusion Council", meeting_on=date(2024, 11, 12), reviewed_rag="amber",
                       owner_rag="red", owner_rag_as_at=date(2024, 11, 1), decision="more_evidence",
                       comment="Send attendance", reviewer="Rita Reviewer", recorded_at=datetime(2024, 11, 12, 10))
    rows = tuple(
        AgendaRow(item_id=n, action_id=n, ref=ref, plan_year="2024-25", text=text, owners="Ola Owner",
                  by_when="Q4 2024-25", owner_rag=rag, owner_rag_as_at=date(2024, 11, 1),
                  update_on=date(2024, 10, 20) if rag else None, update_text="Toolkit drafted:\n• with the network",
                  reasons=("Rated Red by its owner",), review=review if rag == "red" else None)
        for n, (ref, text, rag) in enumerate((("1.2", "Reciprocal mentoring", "red"),
                                              ("1.10", "Inclusive recruitment toolkit", "amber"),
                                              ("2.1", "Green action", "green"), ("2.2", "Done", "blue"),
                                              ("3.1", "Unrated", None)), start=1))
    return MeetingPack(forum="Inclusion Council", held_on=date(2024, 11, 12), rows=rows, author="EDI Lead",
                       generated_on=GENERATED_ON)


@pytest.fixture
def documents(cover, summary, progress_plan, plan_2024):
    """Every document the product exports, built from the seed data (with a bulleted action)."""
    progress, plan = with_bullets(progress_plan), with_bullets(plan_2024)
    return {
        "board pack 2024": lambda: build_board_pack(cover, summary, progress, plan, style="2024",
                                                    include_history=True, generated_on=GENERATED_ON),
        "board pack 2021": lambda: build_board_pack(cover, summary, progress, plan, style="2021",
                                                    include_history=False, generated_on=GENERATED_ON),
        "indicator summary": lambda: build_indicator_summary(summary, bme_label="Global Majority",
                                                             generated_on=GENERATED_ON),
        "appendix 1": lambda: build_appendix1(progress, include_history=True, generated_on=GENERATED_ON),
        "appendix 1 (2024)": lambda: build_appendix1(progress, include_history=True, generated_on=GENERATED_ON,
                                                     style="2024"),
        "appendix 2 (2021)": lambda: build_appendix2(plan, style="2021", generated_on=GENERATED_ON),
        "appendix 2 (2024)": lambda: build_appendix2(plan, style="2024", generated_on=GENERATED_ON),
        "meeting pack": lambda: build_meeting_pack(meeting_pack()),
    }


CASES = [
    pytest.param(document, check, id=f"{document}: {check}")
    for document in ("board pack 2024", "board pack 2021", "indicator summary", "appendix 1", "appendix 1 (2024)",
                     "appendix 2 (2021)", "appendix 2 (2024)", "meeting pack")
    for check in docx_checks.CHECKS
]


@pytest.mark.parametrize(("document", "check"), CASES)
def test_every_exported_document_passes_the_accessibility_checks(documents, document, check):
    built = reopen(documents[document]())
    assert docx_checks.CHECKS[check](built) == []


def test_the_checker_finds_each_kind_of_problem():
    document = new_document("Broken", "Author", GENERATED_ON)
    document.add_heading("Starts at level two", level=2)
    table = document.add_table(rows=2, cols=1)
    table.rows[0].cells[0].text = "No header row"
    cell = table.rows[1].cells[0]
    cell.paragraphs[0].add_run("• typed bullet")
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:fill"), "0070C0")
    cell._tc.get_or_add_tcPr().append(shd)
    run = document.add_paragraph().add_run("Pale text")
    run.font.color.rgb = docx.shared.RGBColor.from_string("AAAAAA")
    buffer = BytesIO()
    from tests.reports.conftest import chart_png
    document.add_paragraph().add_run().add_picture(BytesIO(chart_png(1)))
    document.save(buffer)
    problems = docx_checks.all_problems(docx.Document(BytesIO(buffer.getvalue())))
    assert problems["headings"] == ["heading 'Starts at level two' is level 2 after level 0"]
    assert problems["header rows"] == ["table 1 ('No header row') has no header row"]
    assert problems["captions"] == ["table 1 ('No header row') has no caption"]
    assert problems["alt text"] == ["picture 'Picture 1' has no alt text"]
    assert problems["lists"] == ["typed bullet instead of a Word list: '• typed bullet'"]
    assert problems["contrast"] == [
        "'• typed bullet' is #000000 on #0070C0: contrast 4.08:1",
        "'Pale text' is #AAAAAA on #FFFFFF: contrast 2.32:1"]


@pytest.mark.parametrize(("first", "second", "ratio"), [
    ("000000", "FFFFFF", 21.0), ("FFFFFF", "FFFFFF", 1.0), ("0000FF", "FFFFFF", 8.59),
    ("777777", "FFFFFF", 4.48), ("FFFFFF", "FF0000", 4.0)])
def test_contrast_is_the_wcag_ratio(first, second, ratio):
    assert round(docx_checks.contrast_ratio(first, second), 2) == pytest.approx(ratio, abs=0.01)
