"""Every validation problem names file, row and column, and nothing partial is returned."""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from tracker.indicators.datapack import read_datapack
from tracker.indicators.tables import DataPackError, read_sheet
from tracker.spreadsheets import Problem

DATA = Path(__file__).parent / "data"
WORKFORCE_HEADER = "Employee Number,Ethnic Origin,Pay Band,Staff Group"


def csv(*lines: str) -> bytes:
    """CSV bytes from lines."""
    return ("\n".join(lines) + "\n").encode("utf-8")


def workforce(*rows: str) -> bytes:
    """A row-level workforce file."""
    return csv(WORKFORCE_HEADER, *rows)


GOOD_WORKFORCE = workforce("1,A White - British,Band 5,Nursing and Midwifery Registered",
                           "2,N Black or Black British - African,Band 6,Allied Health Professionals")


def problems_of(files: dict[str, bytes], **options) -> tuple[Problem, ...]:
    """The problems read_datapack raises (fails the test if it returns instead)."""
    with pytest.raises(DataPackError) as raised:
        read_datapack(files, **options)
    return raised.value.problems


def only_problem(files: dict[str, bytes], **options) -> Problem:
    """The single problem raised."""
    problems = problems_of(files, **options)
    assert len(problems) == 1, problems
    return problems[0]


NOT_TEXT = ("the file does not look like a CSV file: it contains binary data or an unknown text encoding. "
            "Save it from Excel as 'CSV UTF-8 (Comma delimited)' or as .xlsx")


def test_binary_junk_is_not_csv():
    assert only_problem({"workforce.csv": b"\x00\x01\x02binary\xff"}) == Problem(
        "workforce.csv", None, None, NOT_TEXT)


def test_text_in_no_known_encoding():
    problem = only_problem({"workforce.csv": WORKFORCE_HEADER.encode() + b"\n1,\x81\x8d,Band 5,Students\n"})
    assert problem.message == NOT_TEXT


def test_windows_1252_text_is_read():
    data = (WORKFORCE_HEADER + "\n1,C White \u2013 Any other White background,Band 5,Students\n").encode("cp1252")
    pack = read_datapack({"workforce.csv": data})
    assert pack.summary.groups_found["workforce"] == {"White": 1}


def test_empty_file():
    assert only_problem({"survey.csv": b""}).message == "the file is empty"


def test_the_content_decides_csv_or_excel_and_junk_is_refused():
    problems = problems_of({"workforce.csv": b"PK\x03\x04rest", "board.xlsx": b"not a workbook"})
    assert [(p.file, p.message) for p in problems] == [
        ("workforce.csv", "the file cannot be opened as an Excel (.xlsx) workbook. Save it again from Excel "
                          "as .xlsx, or as CSV UTF-8"),
        ("board.xlsx", "the file is not an Excel workbook: its content is not in the .xlsx format"),
    ]
    workbook = xlsx([["group", "cases"], ["BME", 3], ["White", 4]])
    assert read_datapack({"disciplinary.csv": workbook}).summary.groups_found["disciplinary"] == {"White": 4, "BME": 3}


def test_missing_required_column_names_it_at_row_1():
    problem = only_problem({"recruitment.csv": csv("group,applications,shortlisted", "BME,10,5")})
    assert (problem.file, problem.row, problem.column) == ("recruitment.csv", 1, "appointed")
    assert "missing column 'appointed'" in problem.message


def test_non_numeric_and_negative_counts():
    problems = problems_of({"recruitment.csv": csv(
        "group,applications,shortlisted,appointed", "BME,ten,5,1", "White,10,-2,0", "Unknown,4,2,=1+1")})
    assert [str(p) for p in problems] == [
        "recruitment.csv, row 2, column 'applications': 'ten' is not a number",
        "recruitment.csv, row 3, column 'shortlisted': shortlisted cannot be negative ('-2')",
        "recruitment.csv, row 4, column 'appointed': '=1+1' is not a number "
        "(formulas are not evaluated: enter the number itself)",
    ]


def test_blank_and_fractional_counts():
    problems = problems_of({"disciplinary.csv": csv("group,cases", "BME,", "White,2.5")})
    assert [(p.row, p.message) for p in problems] == [
        (2, "cases is blank: enter 0 if there were none"), (3, "cases must be a whole number ('2.5')")]


def test_recruitment_stages_cannot_grow():
    problems = problems_of({"recruitment.csv": csv(
        "Group , Applications,SHORTLISTED,appointed", "BME,10,12,3", "White,20,10,11")})
    assert [str(p) for p in problems] == [
        "recruitment.csv, row 2, column 'SHORTLISTED': shortlisted (12) is more than applications (10)",
        "recruitment.csv, row 3, column 'appointed': appointed (11) is more than shortlisted (10)",
    ]


def test_percent_outside_0_to_100():
    problem = only_problem({"survey.csv": csv("indicator,group,percent", "5,BME,130%", "5,White,20")})
    assert str(problem) == "survey.csv, row 2, column 'percent': percentage must be between 0 and 100 ('130%')"


def test_unknown_band_text_lists_its_rows():
    problems = problems_of({"workforce.csv": workforce(
        "1,A,Band 11,Students", "2,A,Band 5,Students", "3,N,Band 11,Students")})
    assert str(problems[0]) == (
        "workforce.csv, row 2, column 'Pay Band': unknown pay band 'Band 11': expected e.g. 'Band 5', "
        "'Band 8 - Range A', 'Band 8a', 'VSM', 'Under Band 1', 'Non AfC', 'Medical Consultant' (also in row 4)")
    assert len(problems) == 1


def test_formula_band_is_plain_text():
    problems = problems_of({"workforce.csv": workforce("1,A,=HYPERLINK(1),Students")})
    assert problems[0].message.startswith("unknown pay band '=HYPERLINK(1)'")


def test_unknown_staff_group_and_blank_band():
    problems = problems_of({"workforce.csv": workforce("1,A,,Students", "2,A,Band 5,Porters")})
    assert [(p.row, p.column, p.message.split(":")[0]) for p in problems] == [
        (2, "Pay Band", "pay band is blank"), (3, "Staff Group", "unknown staff group 'Porters'")]


def test_unknown_role_and_voting():
    problems = problems_of({"board.csv": csv(
        "Ethnic Origin,role,voting", "A,Executive,yes", "N,Governor,yes", "A,NED,maybe")})
    assert [str(p) for p in problems] == [
        "board.csv, row 3, column 'role': unknown role 'Governor': use executive or non-executive",
        "board.csv, row 4, column 'voting': voting must be yes or no, not 'maybe'",
    ]


def test_duplicate_employee_numbers_name_both_rows():
    problem = only_problem({"workforce.csv": workforce(
        "7,A,Band 5,Students", "8,A,Band 5,Students", "7,N,Band 6,Students")})
    assert str(problem) == ("workforce.csv, row 4, column 'Employee Number': "
                            "employee number 7 appears more than once: rows 2 and 4")


def test_row_numbers_count_blank_lines_like_a_spreadsheet():
    problem = only_problem({"workforce.csv": workforce("1,A,Band 5,Students", "", "3,A,Band X,Students")})
    assert problem.row == 4


def test_aggregate_group_label_must_be_known_unless_configured():
    files = {"disciplinary.csv": csv("group,cases", "People of Colour,3", "White,13")}
    problem = only_problem(files)
    assert (problem.row, problem.column) == (2, "group")
    assert problem.message.startswith(
        "group 'People of Colour' is not recognised: use White, BME (or BAME, Global Majority, Ethnic minority), "
        "Unknown")
    pack = read_datapack(files, bme_labels=["People of Colour"])
    assert pack.summary.groups_found["disciplinary"] == {"White": 13, "BME": 3}


def test_all_problems_of_all_files_are_collected_and_listed():
    with pytest.raises(DataPackError) as raised:
        read_datapack({"workforce.csv": workforce("1,A,Band 99,Students"), "survey.csv": b"",
                       "board.csv": csv("group,role,voting", "White,Chair,yes")})
    text = str(raised.value)
    assert text.splitlines() == [
        "The data pack has 2 problems:",
        "- workforce.csv, row 2, column 'Pay Band': unknown pay band 'Band 99': expected e.g. 'Band 5', "
        "'Band 8 - Range A', 'Band 8a', 'VSM', 'Under Band 1', 'Non AfC', 'Medical Consultant'",
        "- survey.csv: the file is empty",
    ]


def test_file_names_extensions_and_clashes():
    problems = problems_of({"Workforce.CSV": GOOD_WORKFORCE, "workforce.xlsx": b"x", "board.xls": b"x"})
    assert [(p.file, p.message) for p in problems] == [
        ("workforce.xlsx", "there is already a workforce file (Workforce.CSV): keep only one"),
        ("board.xls", ".xls files cannot be read: save it as .csv or .xlsx"),
    ]


def test_no_data_files():
    assert only_problem({"notes.txt": b"hello"}).message.startswith("no data files found")


def test_missing_folder():
    assert only_problem_path(DATA / "no_such_folder").message == "this folder does not exist"


def only_problem_path(path: Path) -> Problem:
    """The single problem raised reading a folder."""
    with pytest.raises(DataPackError) as raised:
        read_datapack(path)
    return raised.value.problems[0]


def test_summary_reports_rows_groups_unknown_missing_and_ignored():
    pack = read_datapack({
        "workforce.csv": workforce("1,A White - British,Band 5,Students", "2,Z Not Stated,Band 5,Students",
                                   "3,,Band 7,Students", "4,Something else,VSM,Administrative and Clerical"),
        "README.txt": b"notes",
    })
    summary = pack.summary
    assert summary.rows == {"workforce": 4}
    assert summary.groups_found == {"workforce": {"White": 1, "Unknown": 3}}
    assert summary.unknown == {"workforce": 3}
    assert summary.missing == ("recruitment", "disciplinary", "training", "survey", "board")
    assert summary.ignored == ("README.txt",)


def xlsx(rows: list[list], percent_column: int | None = None) -> bytes:
    """An .xlsx workbook holding rows on its first sheet."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if percent_column is not None:
        for cells in sheet.iter_rows(min_row=2, min_col=percent_column, max_col=percent_column):
            cells[0].number_format = "0.00%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_survey_with_percent_formatted_cells():
    data = xlsx([["Indicator", "Group", "Percent"], [5, "BME", 0.3021], [5, "White", 0.246]], percent_column=3)
    pack = read_datapack({"survey.xlsx": data})
    assert sorted(pack.survey["percent"]) == [24.6, 30.21]


def test_a_boolean_a_date_and_a_percentage_read_as_the_plan_import_reads_them():
    # The same text as tests/plans/test_plan_files.py's plan-import test expects.
    workbook = xlsx([["Ethnic Origin", "role", "voting", "percent", "appointed on"],
                     ["A", "Executive", True, 0.3021, date(2025, 3, 31)]], percent_column=4)
    written = csv("Ethnic Origin,role,voting,percent,appointed on", "A,Executive,TRUE,30.21%,31/03/2025")
    for name, data in (("board.xlsx", workbook), ("board.csv", written)):
        sheet, problems = read_sheet(name, data)
        assert problems == []
        assert list(sheet.frame.loc[2, ["voting", "percent", "appointed on"]]) == ["TRUE", "30.21%", "31/03/2025"]
        pack = read_datapack({name: data})
        assert pack.board["voting"].tolist() == [True]


def test_xlsx_formula_is_text_not_evaluated():
    data = xlsx([["group", "cases"], ["BME", "=1+2"], ["White", 4]])
    problem = only_problem({"disciplinary.xlsx": data})
    assert str(problem) == ("disciplinary.xlsx, row 2, column 'cases': '=1+2' is not a number "
                            "(formulas are not evaluated: enter the number itself)")


def test_unclosed_quote_is_reported_not_raised():
    problem = only_problem({"disciplinary.csv": b'group,cases\nBME,"3\nWhite,4\n'})
    assert problem.message == "the file could not be read as CSV near row 2: a quote is not closed"


def test_recruitment_rows_of_ethnic_codes_are_summed_into_groups():
    pack = read_datapack({"recruitment.csv": csv(
        "Ethnic Origin,applications,shortlisted,appointed", "A White - British,10,5,2", "C,6,4,1",
        "N Black or Black British - African,20,8,1", "H,5,2,1", "Z Not Stated,3,1,0")})
    table = pack.recruitment.set_index("group")
    assert table.loc["White"].tolist() == [16, 9, 3]
    assert table.loc["BME"].tolist() == [25, 10, 2]
    assert table.loc["Unknown"].tolist() == [3, 1, 0]
