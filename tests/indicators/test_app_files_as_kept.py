"""Uploading files kept the way trusts keep them: the preview says how each was read, and the pages show it."""
from __future__ import annotations

import io
import re
from html import unescape

import pytest

from tests.indicators.files_as_kept import board_csv_cp1252, survey_workbook, workforce_workbook

FRACTIONS = [0.3021, 0.246, 0.2083, 0.1613, 0.4, 0.5, 0.1, 0.05]


@pytest.fixture
def upload_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "WRES_UPLOAD_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


@pytest.fixture
def admin(make_user, sign_in):
    user = make_user("admin", name="Edi Lead")
    sign_in(user)
    return user


def upload(client, files: dict[str, bytes], year: str = "2024"):
    listed = [(io.BytesIO(data), name) for name, data in files.items()]
    return client.post("/indicators/import", data={"year": year, "files": listed},
                       content_type="multipart/form-data")


def text_of(page: str) -> str:
    """The page's text as read: tags removed, entities decoded, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def readings_list(page: str, file: str) -> list[str]:
    """The items of the list saying how `file` was read."""
    block = re.search(rf'<ul[^>]*aria-label="How {re.escape(file)} was read">(.*?)</ul>', page, re.S)
    assert block, f"no readings listed for {file}"
    return [text_of(item) for item in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)]


def test_the_import_preview_shows_how_each_file_was_read(client, admin, upload_folder):
    response = upload(client, {"workforce.xlsx": workforce_workbook(), "board.csv": board_csv_cp1252(),
                               "survey.xlsx": survey_workbook(FRACTIONS),
                               "disciplinary.csv": b"group,cases\r\nBAME,3\r\nWhite,13\r\n"})
    assert response.status_code == 302, response.get_data(as_text=True)
    preview = client.get(response.location)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "How the files were read" in page
    assert readings_list(page, "workforce.xlsx") == [
        "read sheet 'Workforce', header on row 4",
        "read 'White - British' as White (code A), 43 rows",
        "read 'Asian or Asian British - Indian' as BME (code H), 10 rows",
        "read 'Black or Black British - African' as BME (code N), 14 rows",
        "read 'Mixed - White & Asian' as BME (code F), 2 rows",
        "read 'Chinese' as BME (code R), 3 rows",
        "read 'Any other ethnic group' as BME (code S), 2 rows",
        "read 'White - Irish' as White (code B), 1 row",
        "read 'Consultant' as Medical: consultant, 24 rows",
        "read 'Specialty Registrar' as Medical: trainee, 6 rows",
        "read 'Specialty Doctor' as Medical: career grade, 4 rows",
        "read 'Foundation Year 1' as Medical: trainee, 2 rows",
        "read 'M&D' as Medical (grade not given), 3 rows",
        "read 'Non AfC' as Other pay scale, 7 rows",
    ]
    assert readings_list(page, "board.csv")[:2] == ["header on row 2", "read as Windows-1252 text"]
    assert readings_list(page, "survey.xlsx")[-1] == (
        "read percentages given as fractions (e.g. 0.3021 as 30.21%), 8 rows")
    assert readings_list(page, "disciplinary.csv") == ["read 'BAME' as BME, 1 row"]
    text = text_of(page)
    assert "White: 44 BME: 31 Unknown: 3" in text
    assert "39.74%" in text  # indicator 1: 31 of 78
    assert "30.21%" in text  # indicator 5, BME, from the fraction 0.3021


def test_the_readings_use_the_trusts_label_for_the_group(client, admin, upload_folder):
    from tracker.admin.service import update_settings
    from tracker.extensions import db

    update_settings({"bme_label": "Global Majority"}, None)
    db.session.commit()
    response = upload(client, {"disciplinary.csv": b"group,cases\r\nBAME,3\r\nWhite,13\r\n"})
    page = client.get(response.location).get_data(as_text=True)
    assert readings_list(page, "disciplinary.csv") == ["read 'BAME' as Global Majority, 1 row"]


def test_other_pay_scales_and_medical_grades_show_on_indicator_1_after_confirming(client, admin, upload_folder):
    response = upload(client, {"workforce.xlsx": workforce_workbook()})
    token = response.location.rsplit("/", 1)[-1]
    assert client.post(f"/indicators/import/{token}").status_code == 302
    text = text_of(client.get("/indicators/1").get_data(as_text=True))
    assert "Other pay scale 2 5 0 7" in text  # BME, White, Unknown, headcount, in the cluster and band tables
    assert text.count("Other pay scale 2 5 0 7") == 3  # by cluster, by band, non-clinical staff by band
    assert "Medical (grade not given) 3 0 0 3" in text
    assert "Medical Consultant 10 14 0 24" in text


def test_a_workbook_without_the_header_is_refused_naming_its_sheets(client, admin, upload_folder):
    from tests.indicators.files_as_kept import workbook

    data = workbook({"Notes": [["Read me"]], "Summary": [["Total staff", 78]]})
    response = upload(client, {"workforce.xlsx": data})
    assert response.status_code == 400
    text = text_of(response.get_data(as_text=True))
    assert ("the file has no header row in the first 20 rows of its sheets 'Notes', 'Summary': expected the "
            "columns Ethnic Origin, Pay Band, Staff Group (or band, category, group, headcount)") in text


def test_the_import_command_lists_the_readings_under_each_file(runner, tmp_path):
    (tmp_path / "workforce.xlsx").write_bytes(workforce_workbook())
    result = runner.invoke(args=["wres", "import", str(tmp_path), "--year", "2024"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    at = lines.index("  workforce.xlsx (row-level): 78 rows; White 44, BME 31, Unknown 3")
    assert lines[at + 1] == "    read sheet 'Workforce', header on row 4"
    assert "    read 'Consultant' as Medical: consultant, 24 rows" in lines
    assert "    read 'Non AfC' as Other pay scale, 7 rows" in lines
