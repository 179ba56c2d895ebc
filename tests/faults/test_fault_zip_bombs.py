"""Zip bombs sent to every import, on the pages and on the command line: refused unread, clearly, nothing stored.

A 1 MB workbook or Word document declaring 378 MB once held a worker for 30 seconds and ended in a
bare 500. Each one here is a real package (tests/zip_bombs.py).
"""
from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests import zip_bombs
from tests.faults.conftest import assert_no_internals, count_rows, page_text
from tracker import spreadsheets
from tracker.reports import docx_reader

PACK = Path(__file__).resolve().parent.parent / "indicators" / "data" / "pack_2024"
WORKBOOK_REFUSED = "would unpack to 378 MB, more than the 200 MB allowed for a workbook. It was refused unread."
DOCUMENT_REFUSED = "would unpack to 379 MB, more than the 200 MB allowed for a Word document. It was refused unread."


@pytest.fixture
def folders(app, tmp_path, monkeypatch):
    """Each import's upload folder, so that whatever an import keeps is seen."""
    for setting in ("PLAN_IMPORT_FOLDER", "DOCX_IMPORT_FOLDER", "WRES_UPLOAD_FOLDER"):
        monkeypatch.setitem(app.config, setting, str(tmp_path / setting.lower()))
    return tmp_path


@pytest.fixture
def never_parsed(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the bomb was opened for parsing")
    monkeypatch.setattr(spreadsheets, "load_workbook", refuse)
    monkeypatch.setattr(docx_reader, "docx", SimpleNamespace(Document=refuse))


def kept_files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def _post(client, url: str, field: str, content: bytes, name: str, **data):
    return client.post(url, data={**data, field: (io.BytesIO(content), name)}, content_type="multipart/form-data")


def test_the_plan_import_page_refuses_a_workbook_bomb_with_400_and_stores_nothing(client, edi_lead, folders,
                                                                                never_parsed):
    bomb = zip_bombs.workbook_bomb(378)
    before = count_rows()
    response = _post(client, "/plans/import", "file", bomb, "plan.xlsx", year="2024-25", title="")
    text = page_text(response)
    assert response.status_code == 400
    assert "<title>Error: Import a plan" in text and "There is a problem" in text
    assert f"plan.xlsx {WORKBOOK_REFUSED} Save it again without the unused rows and columns" in text
    assert_no_internals(text)
    assert count_rows() == before and kept_files(folders) == []


def test_the_data_pack_import_page_refuses_a_workbook_bomb_with_400_and_stores_nothing(client, edi_lead, folders,
                                                                                     never_parsed):
    files = [(io.BytesIO(path.read_bytes()), path.name) for path in sorted(PACK.iterdir())
             if path.name != "workforce.csv"]
    files.append((io.BytesIO(zip_bombs.workbook_bomb(378)), "workforce.xlsx"))
    before = count_rows()
    response = client.post("/indicators/import", data={"year": "2024", "files": files},
                           content_type="multipart/form-data")
    text = page_text(response)
    assert response.status_code == 400
    assert f"the file {WORKBOOK_REFUSED}" in text and "workforce.xlsx" in text
    assert_no_internals(text)
    assert count_rows() == before and kept_files(folders) == []


def test_the_word_plan_import_page_refuses_a_document_bomb_with_400_and_stores_nothing(client, edi_lead, folders,
                                                                                     never_parsed):
    bomb = zip_bombs.document_bomb(378)
    before = count_rows()
    response = _post(client, "/plans/import-docx", "file", bomb, "plan.docx")
    text = page_text(response)
    assert response.status_code == 400
    assert "<title>Error: Import a plan from Word" in text
    assert f"plan.docx {DOCUMENT_REFUSED} Save it again with smaller pictures" in text
    assert_no_internals(text)
    assert count_rows() == before and kept_files(folders) == []


def test_a_lowered_setting_refuses_an_ordinary_workbook(app, client, edi_lead, folders, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_UNPACKED_MB", 0.005)
    workbook = zip_bombs.small_workbook([["ref", "action"], ["1.1", "An action"]])
    response = _post(client, "/plans/import", "file", workbook, "plan.xlsx", year="2024-25", title="")
    assert response.status_code == 400
    assert "more than the 5 KB allowed for a workbook" in page_text(response)


def test_flask_plan_import_refuses_a_workbook_bomb(runner, tmp_path, never_parsed):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(zip_bombs.workbook_bomb(378))
    before = count_rows()
    result = runner.invoke(args=["plan", "import", str(path), "--year", "2024-25"])
    assert result.exit_code == 1
    assert f"plan.xlsx {WORKBOOK_REFUSED}" in result.output
    assert count_rows() == before


def test_flask_wres_import_refuses_a_workbook_bomb(runner, tmp_path, never_parsed):
    for path in PACK.iterdir():
        if path.name != "workforce.csv":
            (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "workforce.xlsx").write_bytes(zip_bombs.workbook_bomb(378))
    before = count_rows()
    result = runner.invoke(args=["wres", "import", str(tmp_path), "--year", "2024"])
    assert result.exit_code == 1
    assert f"- workforce.xlsx: the file {WORKBOOK_REFUSED}" in result.output
    assert result.output.strip().endswith("Nothing has been stored.")
    assert count_rows() == before


def test_flask_plan_import_docx_refuses_a_document_bomb(runner, tmp_path, never_parsed):
    path = tmp_path / "plan.docx"
    path.write_bytes(zip_bombs.document_bomb(378))
    before = count_rows()
    result = runner.invoke(args=["plan", "import-docx", str(path), "--year", "2024-25"])
    assert result.exit_code == 1
    assert f"plan.docx {DOCUMENT_REFUSED}" in result.output and "Nothing has been imported." in result.output
    assert count_rows() == before


def test_a_workbook_bomb_among_the_plan_import_checks_does_not_end_in_500(client, edi_lead, folders):
    """Without the parsers stubbed: a bomb whose parts stay under the total but are packed 300 times over."""
    response = _post(client, "/plans/import", "file", zip_bombs.workbook_bomb(150), "plan.xlsx", year="2024-25",
                     title="")
    assert response.status_code == 400
    assert "times its packed size, more than the 100 times a real workbook reaches" in page_text(response)


@pytest.mark.parametrize("url, field", [("/plans/import", "file"), ("/plans/import-docx", "file"),
                                        ("/indicators/import", "files")])
def test_an_upload_over_the_size_limit_gets_the_file_too_large_page_on_every_import(app, client, edi_lead, folders,
                                                                                  monkeypatch, url, field):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 50_000)
    before = count_rows()
    response = _post(client, url, field, bytes(60_000), "plan.xlsx", year="2024-25")
    text = page_text(response)
    assert response.status_code == 413
    assert "<title>The file is too large" in text and "Files must be smaller than 20 MB." in text
    assert 'class="nhsuk-header' in text
    assert_no_internals(text)
    assert count_rows() == before and kept_files(folders) == []
