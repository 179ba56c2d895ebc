"""Reading action tables back from our exports and from trusts' own documents."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import docx
import pytest

from tracker.reports.docx_reader import (
    DocxReadError,
    column_field,
    parse_indicators,
    read_plan_tables,
)
from tracker.reports.word import build_appendix1, build_appendix2, to_bytes

GENERATED_ON = date(2024, 9, 5)
HEADERS_2021 = ("WRES ACTION PRIORITIES 2021-22", "Relates to WRES Indicator(s)", "By Who",
                "By When", "Comments / progress to date", "Where reported/ monitored")
HEADERS_2024 = ("Action", "Links to Equality Objectives 24-28", "Links to 24-25 EDI Goals",
                "Must / Should / Could", "Action Lead", "RAG rating (as at 09.24)")


def hand_made(*tables: list[tuple[str, ...]]) -> bytes:
    """A .docx with plain tables, as a trust would type them in Word."""
    document = docx.Document()
    document.add_paragraph("APPENDIX 2")
    for rows in tables:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for row, texts in zip(table.rows, rows):
            for cell, text in zip(row.cells, texts):
                cell.text = text
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def flat(plan, attribute: str) -> list:
    """One attribute of every action, in document order."""
    return [getattr(a, attribute) for theme in plan.themes for a in theme.actions]


def source_actions(plan) -> list:
    return [a for theme in plan.themes for a in theme.actions]


@pytest.mark.parametrize("style", ["2021", "2024"])
def test_round_trip_appendix2(plan_2024, style):
    data = to_bytes(build_appendix2(plan_2024, style=style, generated_on=GENERATED_ON))
    read = read_plan_tables(data)
    source = source_actions(plan_2024)
    assert [(t.number, t.title) for t in read.themes] == [
        (t.number, t.title) for t in plan_2024.themes]
    for field in ("ref", "text", "by_who", "by_when", "priority", "outcome"):
        if field == "priority" and style == "2021":
            continue  # the 2021 layout, as published, has no Must / Should / Could
        assert flat(read, field) == [getattr(a, field) for a in source], field
    assert read.warnings == ()


def test_round_trip_2021_keeps_indicators(plan_2024):
    read = read_plan_tables(to_bytes(build_appendix2(plan_2024, style="2021",
                                                     generated_on=GENERATED_ON)))
    assert flat(read, "indicators") == [a.indicators for a in source_actions(plan_2024)]


def test_round_trip_2024_keeps_rag_objectives_goals(plan_2024):
    read = read_plan_tables(to_bytes(build_appendix2(plan_2024, style="2024",
                                                     generated_on=GENERATED_ON)))
    source = source_actions(plan_2024)
    assert flat(read, "rag") == [a.rag for a in source]
    assert flat(read, "objectives") == [a.equality_objectives for a in source]
    assert flat(read, "goals") == [a.edi_goals for a in source]
    assert read.columns == ("action", "objectives", "goals", "priority", "by_who", "rag")


def test_round_trip_appendix1_status_and_comments(progress_plan):
    read = read_plan_tables(to_bytes(build_appendix1(progress_plan, include_history=False,
                                                     generated_on=GENERATED_ON)))
    assert flat(read, "status") == ["PART ACHIEVED AND ONGOING", "ACHIEVED AND ONGOING",
                                    "CANCELLED"]
    assert flat(read, "comments")[2] == ("Reason: Superseded by the system-wide Stepping Up "
                                         "programme in 2021-22.")
    assert flat(read, "forums")[0] == ("Inclusion Council through to PCDC and Trust Board\n"
                                       "ICS People Board")


def test_trust_document_in_2021_layout_over_two_tables():
    first = [HEADERS_2021,
             ("Action 2\n\nDelivery against the High Impact Action Plan on Recruitment",
              "Indicator 2", "Recruitment Lead\nD&I Lead", "Throughout 2021-22",
              "Timescales as per Trust & system WREI action plan",
              "Inclusion Council\nSystem People Board"),
             ("Action 3\n\nTrust Directorates each to deliver an action", "various",
              "Directorate AD", "Through 2021-22", "", "Directorate Leadership Team")]
    second = [HEADERS_2021,
              ("Action 5\n\nFurther progress the Trust's 4 Inclusion Council projects",
               "Indicators 1-9", "Project Leads", "Ongoing", "", "Inclusion Council"),
              ("Action 6\nReverse mentoring", "Indicator 12", "D&I Lead", "Autumn 2021", "",
               "")]
    read = read_plan_tables(hand_made(first, second), name="wres-2021.docx")
    assert [(t.number, t.title) for t in read.themes] == [("", "")]
    assert flat(read, "ref") == ["2", "3", "5", "6"]
    assert flat(read, "text")[0] == ("Delivery against the High Impact Action Plan on "
                                     "Recruitment")
    assert flat(read, "indicators") == [(2,), (), tuple(range(1, 10)), ()]
    assert flat(read, "by_who")[0] == "Recruitment Lead\nD&I Lead"
    assert flat(read, "forums")[0] == "Inclusion Council\nSystem People Board"
    assert [(a.table, a.row) for a in source_actions(read)] == [(1, 2), (1, 3), (2, 2), (2, 3)]
    assert read.warnings == (
        "wres-2021.docx, table 2, row 3, column 'Relates to WRES indicator(s)': "
        "'Indicator 12' names numbers outside 1-9; kept []",)


def test_trust_document_in_2024_layout_with_unmerged_theme_rows():
    rows = [HEADERS_2024,
            ("1. Deliver key milestones to embed inclusive recruitment", "", "", "", "", ""),
            ("1.1 Develop Inclusive Recruitment Toolkit", "4", "1", "Must", "AS", "Oct 2024"),
            ("1.2 Undertake analysis of applications", "4", "1", "Should", "People Team",
             "Amber\nDec 2024"),
            ("2. Reducing inequalities", "", "", "", "", ""),
            ("2.1 All services to review service user ACCESS", "2 & 3", "2", "Should",
             "All Service Leaders", "March 2025")]
    read = read_plan_tables(hand_made(rows))
    assert [(t.number, t.title, len(t.actions)) for t in read.themes] == [
        ("1", "Deliver key milestones to embed inclusive recruitment", 2),
        ("2", "Reducing inequalities", 1)]
    assert flat(read, "by_when") == ["Oct 2024", "Dec 2024", "March 2025"]
    assert flat(read, "rag") == [None, "amber", None]
    assert flat(read, "priority") == ["Must", "Should", "Should"]
    assert flat(read, "objectives") == ["4", "4", "2 & 3"]


@pytest.mark.parametrize("header, field", [
    ("Action", "action"), ("WRES ACTION PRIORITIES 2020-21", "action"),
    ("By Who", "by_who"), ("Action lead", "by_who"), ("By when", "by_when"),
    ("Relates to WRES indicator(s)", "indicators"), ("Comments / Progress to date", "comments"),
    ("Where reported / monitored / governance?", "forums"), ("Where reported/ monitored", "forums"),
    ("Links to equality objectives", "objectives"), ("Links to 24-25 EDI Goals", "goals"),
    ("Must / Should / Could", "priority"), ("RAG rating (as at 09.24)", "rag"),
    ("Outcome / success measure", "outcome"), ("Notes", None),
])
def test_column_headers_are_recognised(header, field):
    assert column_field(header) == field


@pytest.mark.parametrize("text, numbers, valid", [
    ("2, 3", (2, 3), True), ("2 & 3", (2, 3), True), ("Indicators 1-9", tuple(range(1, 10)), True),
    ("1 – 4", (1, 2, 3, 4), True), ("various", (), True), ("Indicator 12", (), False),
])
def test_parse_indicators(text, numbers, valid):
    assert parse_indicators(text) == (numbers, valid)


def test_not_a_docx_is_refused():
    with pytest.raises(DocxReadError, match=r"^plan\.xlsx is not a Word \.docx document"):
        read_plan_tables(b"PK-not really a zip", name="plan.xlsx")


def test_document_without_tables_is_refused():
    buffer = BytesIO()
    document = docx.Document()
    document.add_paragraph("Action plan to follow")
    document.save(buffer)
    with pytest.raises(DocxReadError, match="plan.docx holds no tables"):
        read_plan_tables(buffer.getvalue(), name="plan.docx")


def test_unrelated_table_is_refused():
    data = hand_made([("Band", "White", "BME"), ("Band 5", "87.2%", "12.8%")])
    with pytest.raises(DocxReadError, match=r"none of its 1 table\(s\) has a header row .*"
                                            r"'Band \| White \| BME'"):
        read_plan_tables(data, name="bands.docx")


def test_reads_from_a_path_and_names_missing_files(tmp_path, plan_2024):
    path = tmp_path / "appendix2.docx"
    path.write_bytes(to_bytes(build_appendix2(plan_2024, style="2024",
                                              generated_on=GENERATED_ON)))
    assert flat(read_plan_tables(path), "ref")[:2] == ["1.1", "1.2"]
    with pytest.raises(DocxReadError, match="missing.docx: file not found"):
        read_plan_tables(tmp_path / "missing.docx")
