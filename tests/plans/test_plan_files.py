"""Reading and writing plan files (pure: no app, no database)."""
from __future__ import annotations

import csv
import io
import random
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tracker.plans import file_reader, file_writer
from tracker.plans.file_reader import (
    ALL_COLUMNS,
    COLUMNS,
    PlanRow,
    TransferError,
    parse_indicators,
    read_plan_file,
    unneutralise,
)
from tracker.plans.file_writer import neutralise, write_csv, write_xlsx
from tracker.spreadsheets import Problem

DATA = Path(__file__).parent / "data"
#: A file of the format before measures: its "indicators" column holds WRES indicator numbers.
HEADER = ["indicators" if column == "measures" else column for column in COLUMNS]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def row(ref="1.1", theme="1. Inclusive recruitment", action="Develop a toolkit", indicators="2", owners="",
        by_when="Dec 2024", outcome="", forums="", priority="", rag="", status="", progress="") -> list[str]:
    return [ref, theme, action, indicators, owners, by_when, outcome, forums, priority, rag, status, progress]


def problems_of(content: bytes, filename: str = "plan.csv") -> list[tuple[int, str, str]]:
    with pytest.raises(TransferError) as caught:
        read_plan_file(content, filename)
    return [(p.row, p.column, p.message) for p in caught.value.problems]


def file_error(content: bytes, filename: str) -> str:
    with pytest.raises(TransferError) as caught:
        read_plan_file(content, filename)
    assert caught.value.problems == []
    return caught.value.message


def test_a_good_row_is_read_into_plain_values():
    content = csv_bytes([row(ref="2.10", theme="2. Health inequalities", indicators="1-4, 7",
                             owners="Jo Bloggs;  jo.smith@trust.nhs.uk ; jo bloggs", forums="Inclusion Council; PCDC",
                             priority="should", rag=" R ", status="progress  made", progress="Toolkit drafted")])
    [plan_row] = read_plan_file(content, "plan.csv")
    assert plan_row == PlanRow(
        row=2, ref="2.10", action="Develop a toolkit", theme_number="2", theme_title="Health inequalities",
        measures=["wres:1", "wres:2", "wres:3", "wres:4", "wres:7"], owners=["Jo Bloggs", "jo.smith@trust.nhs.uk"],
        forums=["Inclusion Council", "PCDC"], by_when="Dec 2024", priority="Should", rag="red",
        status="PROGRESS MADE", progress="Toolkit drafted",
    )


def test_the_theme_number_comes_from_the_ref_when_the_title_has_none():
    rows = read_plan_file(csv_bytes([row(ref="3.1", theme="Anti-racism"), row(ref="3.2", theme="3. Anti-racism"),
                                     row(ref="4.1", theme="")]), "plan.csv")
    assert [(r.theme_number, r.theme_title) for r in rows] == [("3", "Anti-racism"), ("3", "Anti-racism"), ("", "")]


def test_headers_ignore_case_spaces_and_order_and_extra_columns_are_read():
    header = [" Progress", "STATUS ", "rag", "Priority", "Forums", "Outcome", "By when", "owners", "indicators",
              "Action", "Theme", "REF", "Supporting leads", "rag_as_at", "Notes nobody asked for"]
    values = ["", "", "", "", "", "", "Q3 2024-25", "", "", "Do it", "1. Theme", "1.1", "Ann Other", "2024-09-30", "x"]
    [plan_row] = read_plan_file(csv_bytes([values], header=header), "plan.csv")
    assert (plan_row.ref, plan_row.action, plan_row.by_when) == ("1.1", "Do it", "Q3 2024-25")
    assert (plan_row.supporting_leads, plan_row.rag_as_at) == (["Ann Other"], date(2024, 9, 30))


def test_the_real_2024_25_fixture_reads_fourteen_actions_in_two_themes():
    rows = read_plan_file((DATA / "plan_2024_25.csv").read_bytes(), "plan_2024_25.csv")
    assert [r.ref for r in rows] == ["1.1", "1.2", "1.3", "1.4"] + [f"2.{n}" for n in range(1, 11)]
    assert {r.theme_number for r in rows} == {"1", "2"}
    first = rows[0]
    assert (first.priority, first.rag, first.status, first.rag_as_at) == ("Must", "green", "PROGRESS MADE",
                                                                          date(2024, 9, 30))
    assert first.indicators == [1, 2] and first.forums == ["Inclusion Council", "PCDC"]
    assert rows[12].action.count("\n•") == 5  # 2.9 keeps its bullet lines


@pytest.mark.parametrize("text, numbers", [
    ("2", [2]), ("2, 3", [2, 3]), ("1-9", list(range(1, 10))), ("1-4, 7", [1, 2, 3, 4, 7]), ("", []),
    ("2 & 3", [2, 3]), ("3,3", [3]), ("1 \u2013 3", [1, 2, 3]),
])
def test_indicators_are_read_as_numbers_1_to_9(text, numbers):
    assert parse_indicators(text) == numbers


@pytest.mark.parametrize("text, bad", [("10", "10"), ("0", "0"), ("2, x", "x"), ("4-2", "4-2"), ("1-10", "1-10")])
def test_a_bad_indicator_is_named_in_the_message(text, bad):
    with pytest.raises(ValueError, match=f"^'{bad}' is not a WRES indicator"):
        parse_indicators(text)


def test_every_problem_in_the_file_is_listed_with_its_row_and_column():
    content = csv_bytes([
        row(ref="1.1"),
        row(ref="", action=""),
        [],  # an empty row: skipped, but still counted in the row numbers
        row(ref="1.1", indicators="12"),
        row(ref="1.3", priority="Maybe", rag="Purple"),
        row(ref="1.4", theme="1. Another title", by_when="x" * 201),
        row(ref="1.5", status="cancelled", progress=""),
    ])
    assert problems_of(content) == [
        (3, "ref", "Enter the action's reference, like 1.1"),
        (3, "action", "Enter the action's text"),
        (5, "ref", "Reference 1.1 is already used in row 2"),
        (5, "indicators", "'12' is not a WRES indicator: use numbers 1 to 9, like 2, or 2, 3, or 1-4"),
        (6, "priority", "'Maybe' is not a priority: use Must, Should or Could, or leave it blank"),
        (6, "rag", "'Purple' is not a RAG rating: use Red, Amber, Green, Blue (complete) or leave blank"),
        (7, "theme", "Theme 1 is called 'Inclusive recruitment' in row 2: give every action in a theme "
                     "the same theme title"),
        (7, "by_when", "Is 201 characters long: the most is 200"),
    ]


def test_the_error_message_names_the_file_and_counts_the_problems():
    with pytest.raises(TransferError) as caught:
        read_plan_file(csv_bytes([row(priority="Maybe")]), "my plan.csv")
    assert caught.value.lines() == [
        "my plan.csv has 1 problem. Nothing has been imported: correct every row listed and upload the file again.",
        "Row 2, priority: 'Maybe' is not a priority: use Must, Should or Could, or leave it blank",
    ]


def test_rag_as_at_must_be_a_date():
    header = HEADER + ["rag_as_at"]
    content = csv_bytes([row() + ["31/02/2024"], row(ref="1.2") + ["31/12/2024"], row(ref="1.3") + ["2024-12-30"]],
                        header=header)
    assert problems_of(content) == [(2, "rag_as_at", "'31/02/2024' is not a date: write it like 31/03/2025 or 2025-03-31")]


def test_a_theme_number_without_a_title_is_a_problem():
    assert problems_of(csv_bytes([row(theme="2.")])) == [
        (2, "theme", "'2.' has no title: write the theme like '1. Inclusive recruitment'")]


@pytest.mark.parametrize("value, written", [
    ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'), ("+44 1782", "'+44 1782"), ("-", "'-"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("'=x", "''=x"), ("'hello", "'hello"), ("1.1", "1.1"), ("", ""),
])
def test_formulas_are_neutralised_and_read_back_unchanged(value, written):
    assert neutralise(value) == written
    assert unneutralise(written) == value


def test_an_apostrophe_before_a_formula_is_removed_on_import_and_nothing_is_evaluated():
    content = csv_bytes([row(action="'=SUM(A1:A3)", outcome="=1+1", by_when="'-", progress="'Quoted' words")])
    [plan_row] = read_plan_file(content, "plan.csv")
    assert (plan_row.action, plan_row.outcome, plan_row.by_when, plan_row.progress) == (
        "=SUM(A1:A3)", "=1+1", "-", "'Quoted' words")


def _export_row(**values: str) -> dict[str, str]:
    return {column: "" for column in ALL_COLUMNS} | {"ref": "1.1", "action": "Do it"} | values


def test_csv_export_has_a_bom_every_column_and_neutralised_cells():
    content = write_csv([_export_row(action='=HYPERLINK("http://x")', theme="1. Recruitment", measures="WRES 1; WRES 2")])
    assert content.startswith(b"\xef\xbb\xbf")
    header, cells = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert header == list(ALL_COLUMNS) and header[:12] == list(COLUMNS)
    assert cells[ALL_COLUMNS.index("action")] == '\'=HYPERLINK("http://x")'


def test_xlsx_export_is_text_with_a_bold_header_and_reads_back_the_same():
    rows = [_export_row(ref="2.10", theme="2. Health", action='=HYPERLINK("http://x")\nsecond line',
                        measures="WRES 1; WRES 2", rag="Amber", rag_as_at="2024-09-30", owners="Jo Bloggs; Ann Other"),
            _export_row(ref="2.9", theme="2. Health", action="Café – naïve ‘quotes’ \x07bell")]
    content = write_xlsx(rows)
    sheet = load_workbook(io.BytesIO(content)).active
    assert [cell.value for cell in sheet[1]] == list(ALL_COLUMNS)
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["A2"].value == "2.10" and sheet["A2"].data_type == "s"
    assert sheet["C2"].value == '\'=HYPERLINK("http://x")\nsecond line' and sheet["C2"].data_type == "s"
    assert sheet.column_dimensions["C"].width == 60 and sheet.column_dimensions["A"].width == 6
    read = read_plan_file(content, "plan.xlsx")
    assert [(r.ref, r.action, r.indicators, r.rag, r.rag_as_at, r.owners) for r in read] == [
        ("2.10", '=HYPERLINK("http://x")\nsecond line', [1, 2], "amber", date(2024, 9, 30), ["Jo Bloggs", "Ann Other"]),
        ("2.9", "Café – naïve ‘quotes’ bell", [], None, None, []),
    ]


def _xlsx(rows: list[list], header: list[str] = HEADER, formats: dict[str, str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    for coordinate, number_format in (formats or {}).items():
        sheet[coordinate].number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_text_refs_keep_their_trailing_zero():
    content = _xlsx([row(ref="2.1"), row(ref="2.10"), row(ref="2.100")])
    assert [r.ref for r in read_plan_file(content, "plan.xlsx")] == ["2.1", "2.10", "2.100"]


def test_xlsx_number_cells_are_read_as_the_spreadsheet_shows_them():
    rows = [row(ref=1.1, indicators=3), row(ref=2.1, indicators=2.0), row(ref="3.1", by_when=datetime(2024, 12, 31))]
    content = _xlsx(rows, formats={"A3": "0.00"})
    read = read_plan_file(content, "plan.xlsx")
    assert [(r.ref, r.indicators, r.by_when) for r in read] == [
        ("1.1", [3], "Dec 2024"), ("2.10", [2], "Dec 2024"), ("3.1", [2], "31/12/2024")]


def test_a_date_cell_in_rag_as_at_is_a_date():
    content = _xlsx([row() + [datetime(2024, 9, 30)]], header=HEADER + ["RAG as at"])
    assert read_plan_file(content, "plan.xlsx")[0].rag_as_at == date(2024, 9, 30)


def test_a_boolean_a_date_and_a_percentage_read_as_the_data_pack_reads_them():
    # The same text as tests/indicators/test_validation.py's data-pack test expects.
    cells = {"by_when": (date(2025, 3, 31), "31/03/2025"), "progress": (True, "TRUE"), "outcome": (0.3021, "30.21%")}
    values = row(**{column: value for column, (value, _) in cells.items()})
    content = _xlsx([values], formats={"G2": "0.00%"})
    written = csv_bytes([row(**{column: text for column, (_, text) in cells.items()})])
    for read in (read_plan_file(content, "plan.xlsx"), read_plan_file(written, "plan.csv")):
        assert (read[0].by_when, read[0].progress, read[0].outcome) == ("31/03/2025", "TRUE", "30.21%")


def test_a_title_row_above_a_workbook_header_keeps_the_row_numbers():
    content = _xlsx([["WRES action plan 2024-25"], [], HEADER, row(priority="x")], header=["Trust name"])
    assert problems_of(content, "plan.xlsx") == [
        (5, "priority", "'x' is not a priority: use Must, Should or Could, or leave it blank")]


def test_a_cp1252_file_is_read():
    content = csv_bytes([row(action="Café session – “Dear Buki”", owners="Zoë Brontë")], encoding="cp1252")
    [plan_row] = read_plan_file(content, "plan.csv")
    assert (plan_row.action, plan_row.owners) == ("Café session – “Dear Buki”", ["Zoë Brontë"])


def test_a_semicolon_separated_file_is_read():
    content = csv_bytes([row()]).replace(b",", b";")
    assert read_plan_file(content, "plan.csv")[0].by_when == "Dec 2024"


def test_a_title_above_the_header_keeps_the_spreadsheet_row_numbers():
    content = b"WRES action plan 2024-25\r\n\r\n" + csv_bytes([row(priority="x")])
    assert problems_of(content) == [(4, "priority", "'x' is not a priority: use Must, Should or Could, or leave it blank")]


def test_binary_junk_is_not_a_csv_file():
    junk = random.Random(7).randbytes(4000)
    assert file_error(junk, "plan.csv") == (
        "plan.csv does not look like a CSV file: it contains binary data or an unknown text encoding. "
        "Save it from Excel as 'CSV UTF-8 (Comma delimited)' or as .xlsx.")


def test_control_characters_in_cells_are_dropped():
    content = csv_bytes([row(ref="1.1", outcome="x" * 25000), row(ref="1.2", action="Do\x00 it\x07 now\tplease")])
    assert read_plan_file(content, "plan.csv")[1].action == "Do it now\tplease"


def test_junk_named_xlsx_and_a_zip_that_is_not_a_workbook_are_refused():
    assert file_error(b"ref,action\n1.1,x", "plan.xlsx") == (
        "plan.xlsx is not an Excel workbook: its content is not in the .xlsx format.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert file_error(buffer.getvalue(), "plan.xlsx") == (
        "plan.xlsx cannot be opened as an Excel (.xlsx) workbook. Save it again from Excel as .xlsx, or as CSV UTF-8.")


def test_old_xls_and_other_file_types_are_refused():
    assert file_error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "plan.xls").startswith(
        "plan.xls is an old Excel 97-2003 (.xls) workbook.")
    assert file_error(b"%PDF-1.4 ...", "plan.pdf") == "plan.pdf is not a CSV (.csv) or Excel (.xlsx) file."


def test_an_empty_file_and_a_header_only_file_are_refused():
    assert file_error(b"", "plan.csv") == "plan.csv is empty."
    assert file_error(b" \r\n,,,\r\n", "plan.csv") == "plan.csv is empty."
    assert file_error(csv_bytes([]), "plan.csv") == "plan.csv has no actions: there are no rows below the header row."


def test_only_ref_and_action_columns_are_required_and_missing_ones_are_named():
    header = [c for c in HEADER if c not in ("ref", "action")]
    assert file_error(csv_bytes([], header=header + ["ref"]), "plan.csv") == (
        "plan.csv is missing the column action. Its header row must name at least the columns ref, action; "
        "the others are theme, measures, owners, by_when, outcome, forums, priority, rag, status, progress, "
        "high_impact_actions, supporting_leads, lead_text, equality_objectives, edi_goals, category, rag_as_at, cancelled_reason.")


def test_a_column_given_twice_is_refused():
    assert file_error(csv_bytes([], header=HEADER + ["Ref"]), "plan.csv") == (
        "plan.csv has the column 'ref' more than once (row 1).")


def test_more_than_5000_actions_is_refused():
    rows = [row(ref=f"1.{n}") for n in range(1, 5002)]
    assert file_error(csv_bytes(rows), "big.csv") == (
        "big.csv has more than 5,000 actions, the most one import can take. Split it into smaller files.")
    assert len(read_plan_file(csv_bytes(rows[:5000]), "big.csv")) == 5000


def test_the_template_has_the_header_and_one_example_that_imports():
    content = file_writer.template_csv()
    header, example = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert header == list(ALL_COLUMNS)
    [plan_row] = read_plan_file(content, "template.csv")
    assert (plan_row.ref, plan_row.theme_number, plan_row.indicators) == ("1.1", "1", [1, 2])


def test_problem_reads_as_a_sentence_with_or_without_the_file_name():
    problem = Problem("plan.csv", 4, "rag", "'Purple' is not a RAG rating")
    assert problem.describe(with_file=False) == "Row 4, rag: 'Purple' is not a RAG rating"
    assert str(problem) == "plan.csv, row 4, column 'rag': 'Purple' is not a RAG rating"


def test_uploaded_file_names_are_cleaned():
    assert file_reader.clean_filename("C:\\Users\\jo\\plan\x00.csv") == "plan.csv"
    assert file_reader.clean_filename("") == "The file"


def test_export_filename():
    assert file_writer.export_filename("2024-25", "xlsx") == "wres-plan-2024-25.xlsx"
