"""The EDI lead re-dates ten filtered actions in one bulk change, through its confirmation page, and finds
each change in its action's audit trail; a filtered plan page exports exactly the rows it shows.

It runs on a server of its own (own_live_server): the bulk change re-dates demo actions for good.
"""
from __future__ import annotations

import csv
import io
import re

import pytest
from browser_support import ADMIN, CURRENT_YEAR, VIEWER, check_accessibility, describe, resize, shoot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NEW_BY_WHEN = "30/01/20" + CURRENT_YEAR[-2:]


@pytest.fixture(scope="module")
def live_server(own_live_server):
    return own_live_server


def _shown_refs(page) -> list[str]:
    return page.locator("table.app-action-table a[href^='/actions/']").all_inner_texts()


def _both_widths(page, name: str) -> None:
    """Screenshots and axe at desktop width and at 390 px (a phone); no serious or critical violation at either."""
    violations = check_accessibility(page, f"{name}-desktop")
    resize(page, 390, 844)
    violations += check_accessibility(page, f"{name}-390")
    resize(page, 1280, 900)
    assert not violations, describe(violations)


def test_edi_lead_re_dates_ten_filtered_actions_in_one_bulk_change(page_as, live_server):
    plan_id = live_server.plan_id(CURRENT_YEAR)
    page = page_as(ADMIN)
    page.goto(f"/plans/{plan_id}")
    page.get_by_text("Filter and sort").click()
    page.get_by_label("RAG").select_option("green")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(rf"/plans/{plan_id}\?.*rag=green"))
    refs = _shown_refs(page)
    assert len(refs) >= 10, refs
    chosen = refs[:10]
    for ref in chosen:
        page.get_by_label(f"Select action {ref}", exact=True).check()
    shoot(page, "bulk1-plan-page-ticked")
    page.get_by_role("button", name="Change selected actions").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Change 10 actions")
    assert re.search(r"rag=green", page.get_by_role("link", name="Cancel").get_attribute("href"))
    page.get_by_label("By when", exact=True).check()
    page.get_by_label("New by when").fill(NEW_BY_WHEN)
    shoot(page, "bulk2-choose")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Change the by when of 10 actions?")
    rows = page.locator("table.app-bulk-table tbody tr")
    expect(rows).to_have_count(10)
    assert rows.locator("td:first-child a").all_inner_texts() == sorted(chosen, key=lambda r: [int(p) for p in r.split(".")])
    assert all(text.endswith(NEW_BY_WHEN) for text in rows.locator("td:nth-child(3)").all_inner_texts())
    assert live_server.query("SELECT count(*) FROM audit_events WHERE summary LIKE '%bulk change%'") == [(0,)]
    _both_widths(page, "bulk3-confirm")
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("10 actions changed")
    _both_widths(page, "bulk4-result")
    page.get_by_role("link", name=f"Back to the {CURRENT_YEAR} plan").click()
    page.wait_for_url(re.compile(rf"/plans/{plan_id}\?.*rag=green"))

    for ref in chosen:
        page.goto(f"/actions/{live_server.action_id(CURRENT_YEAR, ref)}")
        expect(page.get_by_role("table", name="Changes to this action").locator("tbody tr").first).to_contain_text(
            NEW_BY_WHEN)
    assert live_server.query("SELECT count(*) FROM audit_events WHERE summary LIKE '%edited in a bulk change%'") == [(10,)]
    shoot(page, "bulk5-audit-trail")


def test_a_filtered_plan_page_exports_exactly_the_rows_it_shows(page_as, live_server):
    plan_id = live_server.plan_id(CURRENT_YEAR)
    page = page_as(VIEWER)
    page.goto(f"/plans/{plan_id}?rag=amber&sort=due")
    shown = _shown_refs(page)
    assert shown
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^CSV file of the \d+ actions? matching these filters$")).click()
    download = download_info.value
    assert download.suggested_filename == f"wres-plan-{CURRENT_YEAR}-rag-amber-sorted-by-due-date.csv"
    rows = list(csv.DictReader(io.StringIO(download.path().read_bytes().decode("utf-8-sig"))))
    assert [row["ref"] for row in rows] == shown
    assert {row["rag"] for row in rows} == {"Amber"}
