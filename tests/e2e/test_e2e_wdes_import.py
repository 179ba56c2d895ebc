"""Browser: a messy WDES data pack is previewed (files, groups, figures) on a desktop and a phone; Cancel stores nothing."""
from __future__ import annotations

import re

import pytest
from browser_support import ADMIN, check_accessibility, describe, resize, shoot
from playwright.sync_api import expect

from tests.indicators.wdes_packs import pack

pytestmark = pytest.mark.browser


def test_the_wdes_preview_shows_each_file_the_groups_and_the_figures(page_as, app_routes, tmp_path):
    if "/wdes/import" not in app_routes:
        pytest.skip("WDES data pack import not landed yet")
    for name, data in pack().items():
        (tmp_path / name).write_bytes(data)
    page = page_as(ADMIN)
    page.goto("/wdes/import")
    page.get_by_label("WDES year").fill("2025")
    page.locator("input[type=file][name=files]").set_input_files(sorted(tmp_path.iterdir()))
    page.get_by_role("button", name="Check the files").click()

    page.wait_for_url(re.compile(r"/wdes/import/[^/]+$"))
    expect(page.get_by_role("heading", name="Check the 2025 WDES data pack")).to_be_visible()
    files = page.get_by_role("table", name="Files read")
    expect(files).to_contain_text("workforce by disability")
    expect(page.get_by_text("42 staff, of whom 5 Disabled, 30 non-disabled and 7 not declared")).to_be_visible()
    figures = page.get_by_role("table", name="Figures that will be stored for 2025")
    expect(figures).to_contain_text("11.90%")
    expect(figures).to_contain_text("-11.90 points")
    shoot(page, "wdes-import-preview-desktop")
    violations = check_accessibility(page, "wdes-import-preview")
    assert not violations, describe(violations)
    for width in (390, 320):
        resize(page, width, 800)
        shoot(page, f"wdes-import-preview-{width}")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    page.get_by_role("button", name="Cancel: store nothing").click()
    page.wait_for_url(re.compile(r"/wdes/import$"))
    expect(page.get_by_text("Nothing has been stored.")).to_be_visible()
