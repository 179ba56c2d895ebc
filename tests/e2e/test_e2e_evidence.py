"""An owner posts a progress update with a PDF attached; a reviewer opens the action and downloads
the same bytes; the EDI lead removes the file after a confirmation page.

It runs on a server of its own (own_live_server), so the shared demo keeps its timelines as loaded.
"""
from __future__ import annotations

import re

import pytest
from browser_support import ADMIN, CURRENT_YEAR, OWNER, REVIEWER, check_accessibility, describe, resize, shoot
from playwright.sync_api import expect

from tests.actions import evidence_files as files

pytestmark = pytest.mark.browser
NARRATIVE = "Recruitment toolkit approved by the Inclusion Council and shared with every recruiting manager."


@pytest.fixture(scope="module")
def live_server(own_live_server):
    return own_live_server


def her_open_action(live_server) -> tuple[int, str]:
    """One of the owner's actions in the current plan that takes updates (not achieved, not carried)."""
    rows = live_server.query(
        "SELECT a.id, a.ref FROM actions a JOIN action_owners o ON o.action_id = a.id JOIN users u ON u.id = o.user_id "
        "JOIN plans p ON p.id = a.plan_id WHERE u.email = ? AND p.year = ? ORDER BY a.ref_order", OWNER, CURRENT_YEAR)
    assert rows, "the demo owner has actions in the current plan"
    return rows[0]


def test_owner_attaches_a_pdf_reviewer_downloads_it_and_the_edi_lead_removes_it(page_as, live_server, tmp_path):
    action_id, _ref = her_open_action(live_server)
    content = files.pdf()
    pdf = tmp_path / "Recruitment toolkit – final.pdf"
    pdf.write_bytes(content)

    page = page_as(OWNER)
    page.goto(f"/actions/{action_id}/update")
    expect(page.get_by_role("heading", level=1)).to_have_text("Post a progress update")
    violations = check_accessibility(page, "evidence1-update-form")
    assert not violations, describe(violations)
    page.get_by_label("Progress since the last update").fill(NARRATIVE)
    page.set_input_files("input[type=file][name=evidence]", str(pdf))
    shoot(page, "evidence1-update-form-desktop")
    resize(page, 390, 844)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390, "the update form fits a phone"
    shoot(page, "evidence1-update-form-390")
    resize(page, 1280, 900)
    page.get_by_role("button", name="Save update").click()
    page.wait_for_url(re.compile(rf"/actions/{action_id}#timeline$"))
    expect(page.get_by_text(NARRATIVE)).to_be_visible()
    stored = live_server.query("SELECT id, size, content_type FROM evidence_files WHERE original_name = ?", pdf.name)
    assert stored and stored[0][1:] == (len(content), "application/pdf")
    file_id = stored[0][0]

    reviewer = page_as(REVIEWER)
    reviewer.goto(f"/actions/{action_id}")
    item = reviewer.locator(".app-timeline__item", has_text=NARRATIVE)
    expect(item.locator(".app-evidence-files__name")).to_have_text(pdf.name)
    expect(item.get_by_text("PDF, 9 KB")).to_be_visible()
    shoot(reviewer, "evidence2-timeline-with-file")
    with reviewer.expect_download() as waiting:
        item.get_by_role("link", name=f"Download {pdf.name}").click()
    download = waiting.value
    assert download.suggested_filename == pdf.name
    assert open(download.path(), "rb").read() == content
    expect(item.get_by_role("link", name=re.compile("^Remove"))).to_have_count(0)

    admin = page_as(ADMIN)
    admin.goto(f"/actions/{action_id}")
    admin.locator(".app-timeline__item", has_text=NARRATIVE).get_by_role("link", name=f"Remove {pdf.name}").click()
    admin.wait_for_url(re.compile(rf"/evidence/{file_id}/remove$"))
    expect(admin.get_by_role("heading", level=1)).to_have_text(f"Remove '{pdf.name}'?")
    violations = check_accessibility(admin, "evidence3-remove-confirmation")
    assert not violations, describe(violations)
    shoot(admin, "evidence3-remove-confirmation-desktop")
    resize(admin, 390, 844)
    assert admin.evaluate("document.scrollingElement.scrollWidth") <= 390, "the confirmation fits a phone"
    shoot(admin, "evidence3-remove-confirmation-390")
    resize(admin, 1280, 900)
    admin.get_by_role("button", name="Remove this file").click()
    admin.wait_for_url(re.compile(rf"/actions/{action_id}#timeline$"))
    expect(admin.get_by_text(re.compile(r"File removed by Lesley Faux on \d{1,2} \w+ \d{4}"))).to_be_visible()
    shoot(admin, "evidence4-timeline-file-removed")
    assert live_server.query("SELECT count(*) FROM evidence_file_chunks WHERE file_id = ?", file_id) == [(0,)]
