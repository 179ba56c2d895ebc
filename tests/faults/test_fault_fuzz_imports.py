"""Malformed files sent to the import pages: a clear message, nothing stored, never a 500.

The plan import (`/plans/import`) is checked file by file. Every other upload form in the URL
map (any POST route named import/upload) gets the same junk files through each of its file
inputs, so new upload pages are covered as they land.
"""
from __future__ import annotations

import csv
import io
import random
import re

import pytest
from openpyxl import Workbook, load_workbook

from tests.faults.conftest import assert_no_internals, count_rows, page_text
from tracker.plans.file_reader import ALL_COLUMNS, COLUMNS

HEADER = ",".join(COLUMNS)
FORMULA = '=HYPERLINK("http://x","y")'


def _junk(size: int, seed: int = 6) -> bytes:
    return random.Random(seed).randbytes(size)


#: The columns of a file from before measures: "indicators" holds WRES indicator numbers.
OLD_COLUMNS = ["indicators" if column == "measures" else column for column in COLUMNS]


def _csv(*rows: dict, columns=OLD_COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _row(**values) -> dict:
    return {"ref": "1.1", "theme": "1. Inclusive recruitment", "action": "Diverse interview panels",
            "indicators": "2", "owners": "", "by_when": "Dec 2024", **values}


BAD_FILES = [
    ("empty", "plan.csv", b"", "plan.csv is empty."),
    ("blank lines", "plan.csv", b" \r\n\r\n  \n", "plan.csv is empty."),
    ("binary junk as CSV", "plan.csv", _junk(4096), "plan.csv does not look like a CSV file"),
    ("binary junk as XLSX", "plan.xlsx", _junk(4096), "plan.xlsx is not an Excel workbook"),
    ("damaged XLSX", "plan.xlsx", b"PK\x03\x04" + _junk(4096), "plan.xlsx cannot be opened as an Excel (.xlsx) workbook"),
    ("old Excel", "plan.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _junk(512), "old Excel 97-2003 (.xls) workbook"),
    ("UTF-16 without a byte-order mark", "plan.csv", (HEADER + "\r\n1.1,x,y\r\n").encode("utf-16-le"),
     "plan.csv does not look like a CSV file"),
    ("EBCDIC", "plan.csv", (HEADER + "\r\n1.1,x,y\r\n").encode("cp500"), "plan.csv does not look like a CSV file"),
    ("NUL bytes", "plan.csv", HEADER.encode() + b"\r\n1.1\x00,\x00\x00,x\r\n", "plan.csv does not look like a CSV file"),
    ("10,000 columns", "plan.csv", (",".join(f"column {n}" for n in range(10_000)) + "\r\n" + "x," * 9_999 + "x\r\n")
     .encode(), "plan.csv is missing the columns ref, action"),
    ("10,000 columns around the real ones", "plan.csv",
     _csv(_row(indicators="12", **{f"extra {n}": "x" for n in range(9_990)}),
          columns=[*OLD_COLUMNS, *(f"extra {n}" for n in range(9_990))]), "Row 2, indicators: '12' is not a WRES indicator"),
    ("a 200,000-character cell", "plan.csv", HEADER.encode() + b'\r\n"' + b"x" * 200_000 + b'",y\r\n',
     "Row 2, ref: Is 200000 characters long: the most is 20"),
    ("a 100,000-character reference", "plan.csv", _csv(_row(ref="1" * 100_000)),
     "Row 2, ref: Is 100000 characters long: the most is 20"),
    ("a formula in a file with a bad row", "plan.csv", _csv(_row(action=FORMULA, rag="Purple")),
     "Row 2, rag: 'Purple' is not a RAG rating"),
    ("unicode junk header", "plan.csv", "🎉,مرحبا,\u202e,Zoë\r\n1,2,3,4\r\n".encode(), "plan.csv is missing the columns"),
    ("not a spreadsheet", "plan.pdf", b"%PDF-1.7\n" + _junk(256), "The file must be a CSV (.csv) or Excel (.xlsx) file"),
]


def _import(client, filename: str, content: bytes, year: str = "2024-25"):
    return client.post("/plans/import", data={"year": year, "title": "", "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("name,filename,content,message", BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_bad_plan_files_are_refused_with_a_clear_message_and_nothing_stored(client, edi_lead, name, filename,
                                                                           content, message):
    before = count_rows()
    response = _import(client, filename, content)
    text = page_text(response)
    assert response.status_code == 400, (name, response.status_code)
    assert message in text, name
    assert "<title>Error: Import a plan" in text
    assert "There is a problem" in text
    assert_no_internals(text)
    assert count_rows() == before


def test_a_file_over_20_mb_gets_the_file_too_large_page_and_nothing_stored(client, edi_lead):
    before = count_rows()
    response = _import(client, "plan.csv", HEADER.encode() + b"\r\n" + b"1.1,x,y\r\n" * 2_700_000)
    text = page_text(response)
    assert response.status_code == 413
    assert "The file is too large" in text and "Files must be smaller than 20 MB" in text
    assert_no_internals(text)
    assert count_rows() == before


def test_formulas_are_stored_as_text_and_neutralised_in_both_exports(client, edi_lead):
    file = _csv(_row(action=FORMULA, outcome="+cmd|' /C calc'!A0", progress="@SUM(1+1)", status="PROGRESS MADE"))
    response = _import(client, "plan.csv", file)
    assert response.status_code == 302
    plan_id = int(re.search(r"/plans/(\d+)", response.location).group(1))
    from tracker.actions.models import Action
    from tracker.extensions import db
    action = db.session.query(Action).filter_by(plan_id=plan_id).one()
    assert (action.text, action.outcome, action.updates[0].narrative) == (FORMULA, "+cmd|' /C calc'!A0", "@SUM(1+1)")
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)" in page and 'href="http://x"' not in page
    exported = client.get(f"/plans/{plan_id}/export.csv").get_data().decode("utf-8-sig")
    row = dict(zip(ALL_COLUMNS, list(csv.reader(io.StringIO(exported)))[1]))
    assert (row["action"], row["outcome"], row["progress"]) == ("'" + FORMULA, "'+cmd|' /C calc'!A0", "'@SUM(1+1)")
    sheet = load_workbook(io.BytesIO(client.get(f"/plans/{plan_id}/export.xlsx").get_data())).active
    cell = sheet.cell(2, ALL_COLUMNS.index("action") + 1)
    assert (cell.value, cell.data_type) == ("'" + FORMULA, "s")


def test_a_real_formula_cell_in_a_workbook_is_kept_as_its_text_not_its_result(client, edi_lead):
    book = Workbook()
    book.active.append(list(COLUMNS))
    book.active.append(["1.1", "1. Inclusive recruitment", FORMULA, "2", "", "Dec 2024"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = _import(client, "plan.xlsx", buffer.getvalue())
    assert response.status_code == 302
    from tracker.actions.models import Action
    from tracker.extensions import db
    assert db.session.query(Action.text).scalar() == FORMULA


def _upload_forms(app) -> list[str]:
    """Paths of every upload page: GET and POST, no arguments, 'import' or 'upload' in the endpoint."""
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if {"GET", "POST"} <= rule.methods and not rule.arguments
                  and re.search(r"import|upload", rule.endpoint))


def _form_fields(page: str) -> tuple[list[str], dict[str, str]]:
    """The file inputs of a form page, and its other inputs with their current values."""
    inputs = re.findall(r"<input[^>]*>", page)
    names = {tag: re.search(r'name="([^"]+)"', tag) for tag in inputs}
    files = [match.group(1) for tag, match in names.items() if match and 'type="file"' in tag]
    values = {match.group(1): _value(tag) or "2024-25" for tag, match in names.items()
              if match and not re.search(r'type="(file|checkbox|radio)"', tag)}
    return files, values


def _value(tag: str) -> str:
    found = re.search(r'value="([^"]*)"', tag)
    return found.group(1) if found else ""


def test_every_upload_form_refuses_junk_without_storing_anything(app, client, edi_lead):
    paths = _upload_forms(app)
    assert "/plans/import" in paths
    for path in paths:
        files, values = _form_fields(page_text(client.get(path)))
        assert files, f"{path} has no file input"
        for filename, content in (("junk.csv", _junk(2048)), ("junk.xlsx", b"PK\x03\x04" + _junk(2048)),
                                  ("empty.csv", b""), ("junk.docx", _junk(2048))):
            before = count_rows()
            data = {**values, **{name: (io.BytesIO(content), filename) for name in files}}
            response = client.post(path, data=data, content_type="multipart/form-data")
            text = page_text(response)
            assert response.status_code in (200, 400, 422), (path, filename, response.status_code)
            assert "There is a problem" in text, (path, filename)
            assert_no_internals(text)
            assert count_rows() == before, (path, filename)
