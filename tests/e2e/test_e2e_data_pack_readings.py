"""Browser: a data pack kept the way a trust keeps it is previewed with every reading listed (nothing is stored)."""
from __future__ import annotations

import re

import pytest
from browser_support import ADMIN, check_accessibility, describe
from playwright.sync_api import expect

from tests.indicators.files_as_kept import board_csv_cp1252, survey_workbook, workforce_workbook

pytestmark = pytest.mark.browser


def test_the_preview_lists_how_each_file_was_read(page_as, app_routes, tmp_path):
    if "/indicators/import" not in app_routes:
        pytest.skip("WRES data pack import not landed yet")
    files = {"workforce.xlsx": workforce_workbook(), "board.csv": board_csv_cp1252(),
             "survey.xlsx": survey_workbook([0.3021, 0.246, 0.2083, 0.1613, 0.4, 0.5, 0.1, 0.05]),
             "disciplinary.csv": b"group,cases\r\nBAME,3\r\nWhite,13\r\n"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    page = page_as(ADMIN)
    page.goto("/indicators/import")
    page.get_by_label("WRES year").fill("2019")
    page.locator("input[type=file][name=files]").set_input_files(sorted(tmp_path.iterdir()))
    page.get_by_role("button", name="Check the files").click()

    page.wait_for_url(re.compile(r"/indicators/import/[^/]+$"))
    expect(page.get_by_role("heading", name="How the files were read")).to_be_visible()
    workforce = page.get_by_role("list", name="How workforce.xlsx was read")
    expect(workforce.get_by_role("listitem").first).to_have_text("read sheet 'Workforce', header on row 4")
    expect(workforce).to_contain_text("read 'Consultant' as Medical: consultant, 24 rows")
    expect(workforce).to_contain_text("read 'Non AfC' as Other pay scale, 7 rows")
    expect(workforce).to_contain_text("read 'White - British' as White (code A), 43 rows")
    expect(page.get_by_role("list", name="How survey.xlsx was read")).to_contain_text(
        "read percentages given as fractions (e.g. 0.3021 as 30.21%), 8 rows")
    violations = check_accessibility(page, "data-pack-preview-readings")
    assert not violations, describe(violations)
