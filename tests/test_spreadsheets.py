"""The one spreadsheet reader: the same cell reads as the same text from CSV and from Excel (pure)."""
from __future__ import annotations

import codecs
import io
import random
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from tracker.spreadsheets import Problem, Unreadable, first_row, normalise_header, number_text, read_table


def xlsx(rows: list[list], formats: dict[str, str] | None = None) -> bytes:
    """A workbook holding `rows` on its first sheet (None leaves a cell empty, [] a row blank)."""
    book = Workbook()
    sheet = book.active
    for number, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(number, column, value)
    for coordinate, number_format in (formats or {}).items():
        sheet[coordinate].number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cells(table) -> list[tuple[int, list[str]]]:
    """(row number, cells) of every row read."""
    return [(int(number), list(values)) for number, *values in table.frame.itertuples(name=None)]


def ref_and_action(rows) -> int:
    """A header rule like the plan import's: the first filled row naming ref and action."""
    return next((number for number, row in rows if {"ref", "action"} <= set(map(normalise_header, row))), 1)


CELLS = [
    # (what, value written to Excel, its number format, the same cell as Excel saves it in CSV, text read)
    ("true", True, "General", "TRUE", "TRUE"),
    ("false", False, "General", "FALSE", "FALSE"),
    ("date", date(2025, 3, 31), "dd/mm/yyyy", "31/03/2025", "31/03/2025"),
    ("date in another format", datetime(2024, 12, 31), "d mmm yyyy", "31/12/2024", "31/12/2024"),
    ("date and time", datetime(2025, 3, 31, 14, 30), "dd/mm/yyyy hh:mm", "31/03/2025 14:30", "31/03/2025 14:30"),
    ("whole number", 42, "General", "42", "42"),
    ("decimal", 2.5, "General", "2.5", "2.5"),
    ("decimal with trailing zero", 1.1, "0.00", "1.10", "1.10"),
    ("decimal with thousands format", 1234.5, "#,##0.00", "1234.50", "1234.50"),
    ("fraction not rounded to its format", 2.5, "0", "2.5", "2.5"),
    ("full precision", 1 / 3, "General", "0.3333333333333333", "0.3333333333333333"),
    ("percentage", 0.3021, "0.00%", "30.21%", "30.21%"),
    ("percentage with trailing zero", 0.246, "0.00%", "24.60%", "24.60%"),
    ("whole percentage", 1, "0%", "100%", "100%"),
    ("percentage not rounded to its format", 0.30215, "0.0%", "30.215%", "30.215%"),
    ("formula", "=SUM(B1:B3)", "General", "=SUM(B1:B3)", "=SUM(B1:B3)"),
    ("text that looks like a number", "2.10", "@", "2.10", "2.10"),
]


@pytest.mark.parametrize("what, value, number_format, written, expected", CELLS, ids=[case[0] for case in CELLS])
def test_a_cell_reads_the_same_from_csv_and_from_excel(what, value, number_format, written, expected):
    from_excel = read_table("cells.xlsx", xlsx([["name", "cell"], [what, value]], {"B2": number_format}))
    from_csv = read_table("cells.csv", f"name,cell\r\n{what},{written}\r\n".encode())
    assert cells(from_excel) == cells(from_csv) == [(2, [what, expected])]


@pytest.mark.parametrize("value, number_format, text", [
    (2.1, "0.00", "2.10"), (3.0, "General", "3"), (2.5, "0", "2.5"), (0.3021, "0.00%", "30.21%"),
    (-0.0, "0.0", "0.0"), (1e20, "General", "100000000000000000000"), (5, "0.00;[Red]-0.00", "5.00"),
    (0.5, '0.0" kg"', "0.5"), (12345.678, "0.00E+00", "12345.678"),
])
def test_numbers_show_their_format_but_never_lose_digits(value, number_format, text):
    assert number_text(value, number_format) == text


TEXT = "ref,action\r\n1.1,Café – “naïve” 2½\r\n"


@pytest.mark.parametrize("encoded", [
    TEXT.encode("utf-8"), codecs.BOM_UTF8 + TEXT.encode("utf-8"), codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), TEXT.encode("cp1252"),
], ids=["utf-8", "utf-8 with BOM", "utf-16 LE", "utf-16 BE", "windows-1252"])
def test_text_encodings_read_the_same(encoded):
    table = read_table("plan.csv", encoded)
    assert table.headers == {"ref": "ref", "action": "action"}
    assert cells(table) == [(2, ["1.1", "Café – “naïve” 2½"])]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_the_delimiter_is_found(delimiter):
    text = delimiter.join(["ref", "action", "owners"]) + "\n" + delimiter.join(["1.1", "Do it", "Jo"]) + "\n"
    assert cells(read_table("plan.csv", text.encode())) == [(2, ["1.1", "Do it", "Jo"])]


def test_the_delimiter_giving_the_wanted_names_wins_over_the_one_giving_most_cells():
    text = "ref,action\n1.1,Jo; Ann; Bo; Cy; Di\n"
    table = read_table("plan.csv", text.encode(), wanted={"ref", "action"})
    assert cells(table) == [(2, ["1.1", "Jo; Ann; Bo; Cy; Di"])]
    assert cells(read_table("plan.csv", b"a;b;c\n1;2;3\n")) == [(2, ["1", "2", "3"])]


def test_title_rows_above_the_header_keep_spreadsheet_row_numbers():
    text = ("WRES action plan 2024-25\r\nNotes, written, by, hand, with, many, commas\r\n\r\n"
            "ref,action\r\n1.1,Do it\r\n\r\n1.2,\"Two\r\nlines\"\r\n1.3,Last\r\n")
    from_csv = read_table("plan.csv", text.encode(), header=ref_and_action)
    from_excel = read_table("plan.xlsx", xlsx([["WRES action plan 2024-25"], ["Notes"], [], ["ref", "action"],
                                                ["1.1", "Do it"], [], ["1.2", "Two\r\nlines"], ["1.3", "Last"]]),
                            header=ref_and_action)
    for table in (from_csv, from_excel):
        assert table.header_row == 4
        assert cells(table) == [(5, ["1.1", "Do it"]), (7, ["1.2", "Two\r\nlines"]), (8, ["1.3", "Last"])]


def test_the_header_is_row_1_unless_a_rule_says_otherwise():
    content = b"Title\nref,action\n1.1,x\n"
    table = read_table("pack.csv", content, header=first_row)
    assert (table.header_row, table.headers, cells(table)) == (1, {"title": "Title"}, [(2, ["ref"]), (3, ["1.1"])])
    table = read_table("pack.csv", content, header=ref_and_action)
    assert (table.header_row, list(table.headers), cells(table)) == (2, ["ref", "action"], [(3, ["1.1", "x"])])


def test_blank_rows_are_dropped_and_the_rest_keep_their_numbers():
    text = "a,b\n1,2\n\n,\n  ,\t\n3,4\n"
    from_excel = read_table("x.xlsx", xlsx([["a", "b"], [1, 2], [], [None, None], ["  ", "\t"], [3, 4]]))
    assert cells(read_table("x.csv", text.encode())) == cells(from_excel) == [(2, ["1", "2"]), (6, ["3", "4"])]


def test_rows_shorter_or_longer_than_the_header_read_as_blanks_or_are_cut():
    # Enough short rows to fill whole blocks of pandas' reading, which must not lose track of the width.
    text = "a,b,c\n1\n" + "2,x\n" * 300_000 + "3,y,z,extra,cells\n"
    frame = read_table("x.csv", text.encode()).frame
    assert (len(frame), frame.index[-1]) == (300_002, 300_003)
    assert [list(frame.loc[row]) for row in (2, 3, 300_003)] == [["1", "", ""], ["2", "x", ""], ["3", "y", "z"]]


def test_only_wanted_columns_are_read_and_headers_match_loosely():
    text = "Employee Number, ETHNIC_ORIGIN ,Notes,Pay-Band\n1,A,x,Band 5\n"
    table = read_table("workforce.csv", text.encode(), wanted={"ethnic origin", "pay band"})
    assert table.headers == {"ethnic origin": "ETHNIC_ORIGIN", "pay band": "Pay-Band"}
    assert list(table.frame.columns) == ["ethnic origin", "pay band"]
    assert cells(table) == [(2, ["A", "Band 5"])]


def test_the_row_limit_stops_reading():
    # A quote left open far below the limit is never reached.
    text = "a,b\n1,x\n\n2,y\n3,z\n" + "4,w\n" * 500_000 + "5,\"never closed\n"
    table = read_table("x.csv", text.encode(), limit=3)
    assert (cells(table), table.truncated) == ([(2, ["1", "x"]), (4, ["2", "y"]), (5, ["3", "z"])], True)
    with pytest.raises(Unreadable, match="near row 500006: a quote is not closed"):
        read_table("x.csv", text.encode())
    workbook = xlsx([["a"], [1], [], [2], [3], [4]])
    table = read_table("x.xlsx", workbook, limit=3)
    assert (cells(table), table.truncated) == ([(2, ["1"]), (4, ["2"]), (5, ["3"])], True)
    assert read_table("x.xlsx", workbook, limit=4).truncated is False


def test_a_wanted_column_twice_is_a_problem_naming_the_header_row():
    with pytest.raises(Unreadable) as raised:
        read_table("plan.csv", b"Title\nref,action,Ref,By_when,by when\n", wanted={"ref", "action", "by when"},
                   header=ref_and_action)
    assert raised.value.message == "plan.csv has the column 'ref' more than once (row 2)."
    assert raised.value.problems == [Problem("plan.csv", 2, "Ref", "this column appears twice in the header"),
                                     Problem("plan.csv", 2, "by when", "this column appears twice in the header")]


@pytest.mark.parametrize("content", [b"", b" \r\n\r\n", b",,,\r\n,,\r\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
def test_an_empty_file_is_refused(content):
    with pytest.raises(Unreadable) as raised:
        read_table("survey.csv", content)
    assert raised.value.message == "survey.csv is empty."
    assert raised.value.problems == [Problem("survey.csv", None, None, "the file is empty")]


def test_an_empty_workbook_is_refused():
    with pytest.raises(Unreadable, match=r"^survey.xlsx is empty\.$"):
        read_table("survey.xlsx", xlsx([]))


@pytest.mark.parametrize("name, content, message", [
    ("x.csv", random.Random(3).randbytes(3000), "x.csv does not look like a CSV file: it contains binary data or an "
     "unknown text encoding. Save it from Excel as 'CSV UTF-8 (Comma delimited)' or as .xlsx."),
    ("x.csv", "a,b\r\n1,2\r\n".encode("utf-16-le"), "x.csv does not look like a CSV file"),
    ("x.csv", b"a,b\n1,\x81\x8d\n", "x.csv does not look like a CSV file"),
    ("x.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "x.xls is an old Excel 97-2003 (.xls) workbook. Open "
     "it in Excel and save it as an Excel workbook (.xlsx) or as CSV UTF-8, then upload that."),
    ("x.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "x.csv is an old Excel 97-2003 (.xls) workbook."),
    ("x.xlsx", b"a,b\n1,2\n", "x.xlsx is not an Excel workbook: its content is not in the .xlsx format."),
    ("x.xlsx", b"PK\x03\x04" + bytes(100), "x.xlsx cannot be opened as an Excel (.xlsx) workbook. Save it again "
     "from Excel as .xlsx, or as CSV UTF-8."),
    ("x.pdf", b"%PDF-1.7\n", "x.pdf is not a CSV (.csv) or Excel (.xlsx) file."),
    ("x.csv", b'a,b\n1,2\n3,"not closed\n', "x.csv could not be read as CSV near row 3: a quote is not closed."),
], ids=["binary", "utf-16 without BOM", "no known encoding", "xls", "xls named csv", "text named xlsx",
        "damaged xlsx", "pdf", "unclosed quote"])
def test_files_that_cannot_be_read_say_why(name, content, message):
    with pytest.raises(Unreadable) as raised:
        read_table(name, content)
    assert raised.value.message.startswith(message)
    [problem] = raised.value.problems
    assert (problem.file, problem.row, problem.column) == (name, None, None)
    assert problem.message == "the file " + raised.value.message.removeprefix(f"{name} ").rstrip(".")


def test_a_zip_that_is_not_a_workbook_is_refused_whatever_its_name():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(Unreadable, match=r"^pack\.csv cannot be opened as an Excel \(\.xlsx\) workbook"):
        read_table("pack.csv", buffer.getvalue())


def test_a_workbook_is_read_by_its_content_whatever_its_name():
    assert cells(read_table("survey.csv", xlsx([["percent"], [0.5]], {"A2": "0%"}))) == [(2, ["50%"])]


def test_a_stray_nul_in_a_text_file_is_dropped_not_the_rest_of_its_cell():
    content = b"a,b\n" + b"x," * 12000 + b"y\n1,Do\x00 it\n"
    assert cells(read_table("x.csv", content))[-1] == (3, ["1", "Do it"])


def test_header_names_match_ignoring_case_spaces_underscores_and_hyphens():
    assert {normalise_header(name) for name in ("by_when", " By  When ", "BY-WHEN", "by when")} == {"by when"}
    assert normalise_header("Ethnic Origin") == normalise_header("ethnic_origin") == "ethnic origin"


def test_a_problem_reads_with_or_without_its_file():
    problem = Problem("workforce.csv", 3, "Pay Band", "unknown pay band 'Band 11'")
    assert str(problem) == "workforce.csv, row 3, column 'Pay Band': unknown pay band 'Band 11'"
    assert problem.describe(with_file=False) == "Row 3, Pay Band: unknown pay band 'Band 11'"
    assert str(Problem("survey.csv", None, None, "the file is empty")) == "survey.csv: the file is empty"
    assert Problem("survey.csv", None, None, "the file is empty").describe(with_file=False) == "the file is empty"
    assert problem.to_dict() == {"file": "workforce.csv", "row": 3, "column": "Pay Band",
                                 "message": "unknown pay band 'Band 11'"}


# Searching for the header, and for the sheet that holds it

def named(*names: str):
    """A header search: the row naming most of `names` (None when no row names any)."""
    def search(rows):
        found = [(len(set(map(normalise_header, row)) & set(names)), number) for number, row in rows]
        best = max(found, default=(0, 0), key=lambda item: item[0])
        return best if best[0] else None

    return search


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_search_reads_the_sheet_whose_header_matches_and_says_which():
    data = workbook({"Notes": [["read me"], ["group is the ethnic group"]],
                     "Cases": [["Cases 2024"], [], ["group", "cases"], ["BME", 3]]})
    table = read_table("cases.xlsx", data, wanted={"group", "cases"}, search=named("group", "cases"))
    assert (table.sheet, table.header_row, cells(table)) == ("Cases", 3, [(4, ["BME", "3"])])
    first = read_table("cases.xlsx", data, wanted={"group", "cases"})
    assert (first.sheet, first.header_row) == ("Notes", 1)  # without a search: the first sheet, row 1


def test_a_search_that_finds_no_header_names_the_sheets_and_the_columns_expected():
    data = workbook({"Notes": [["read me"]], "Summary": [["Total", 3]]})
    with pytest.raises(Unreadable) as raised:
        read_table("cases.xlsx", data, wanted={"group", "cases"}, search=named("group", "cases"),
                   expected="group, cases")
    assert str(raised.value) == ("cases.xlsx has no header row in the first 20 rows of its sheets 'Notes', "
                                 "'Summary': expected the columns group, cases.")


def test_a_search_looks_only_at_the_first_20_rows_and_a_csv_then_uses_the_header_rule():
    text = "".join(f"note {number}\n" for number in range(20)) + "group,cases\nBME,3\n"
    table = read_table("cases.csv", text.encode(), wanted={"group", "cases"}, search=named("group", "cases"))
    assert (table.header_row, table.headers) == (1, {})
    table = read_table("cases.csv", text.encode()[len("note 0\n"):], wanted={"group", "cases"},
                       search=named("group", "cases"))
    assert (table.header_row, cells(table)) == (20, [(21, ["BME", "3"])])


def test_a_csv_table_says_its_encoding():
    text = "Title £\ngroup,name\nBME,Renée\n"
    table = read_table("cases.csv", text.encode("cp1252"), search=named("group"))
    assert (table.encoding, table.sheet, table.header_row, cells(table)) == ("cp1252", None, 2, [(3, ["BME", "Renée"])])
    assert read_table("cases.csv", text.encode("utf-8")).encoding == "utf-8"
