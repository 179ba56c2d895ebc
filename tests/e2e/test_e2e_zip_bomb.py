"""The EDI lead uploads a workbook and a Word document that would unpack to 378 MB: refused at once, with what
to do, in the form's error summary."""
from __future__ import annotations

import re

import pytest
from browser_support import ADMIN, check_accessibility, describe, shoot, sign_in
from playwright.sync_api import expect

from tests import zip_bombs

pytestmark = pytest.mark.browser


def test_edi_lead_is_told_a_workbook_bomb_would_unpack_too_large(page, live_server):
    sign_in(page, ADMIN)
    page.goto("/plans/import")
    page.get_by_label("Year").fill("2039-40")
    page.locator("input[type=file][name=file]").set_input_files(files=[{
        "name": "plan.xlsx", "buffer": zip_bombs.workbook_bomb(378),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.get_by_role("button", name="Import plan").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("plan.xlsx would unpack to 378 MB, more than the 200 MB allowed for a workbook")
    expect(summary).to_contain_text("Save it again without the unused rows and columns")
    expect(page).to_have_title(re.compile(r"^Error: Import a plan – "))
    shoot(page, "zip-bomb-plan-import")
    problems = check_accessibility(page, "zip-bomb-plan-import")
    assert not problems, describe(problems)


def test_edi_lead_is_told_a_word_bomb_would_unpack_too_large(page, live_server):
    sign_in(page, ADMIN)
    page.goto("/plans/import-docx")
    page.locator("input[type=file][name=file]").set_input_files(files=[{
        "name": "appendix-2.docx", "buffer": zip_bombs.document_bomb(378),
        "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}])
    page.get_by_role("button", name="Upload and preview").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("appendix-2.docx would unpack to 379 MB, more than the 200 MB allowed for a Word "
                                    "document")
    shoot(page, "zip-bomb-word-import")
    problems = check_accessibility(page, "zip-bomb-word-import")
    assert not problems, describe(problems)
