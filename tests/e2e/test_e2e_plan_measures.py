"""A combined EDI plan's page filtered by measure and by high impact action, and its overview's "By measure"
and "By high impact action" tables, looked at in Chromium at desktop width and at 390 px.

It runs on a server of its own (own_live_server): the demo plan is made a combined plan for good.
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import closing

import pytest
from browser_support import CURRENT_YEAR, VIEWER, check_accessibility, describe, resize, shoot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(own_live_server):
    return own_live_server


@pytest.fixture(scope="module")
def combined_plan(live_server) -> int:
    """The demo plan as a combined plan: its first three actions linked to WDES 4a(ii) and HIA 6."""
    plan_id = live_server.plan_id(CURRENT_YEAR)
    ids = [row[0] for row in live_server.query("SELECT id FROM actions WHERE plan_id = ? ORDER BY ref_order, id LIMIT 3",
                                               plan_id)]
    with closing(sqlite3.connect(live_server.database)) as connection, connection:
        connection.execute("UPDATE plans SET standard = 'combined' WHERE id = ?", (plan_id,))
        connection.executemany("INSERT INTO action_measures (action_id, standard, measure) VALUES (?, 'wdes', '4a_ii')",
                               [(i,) for i in ids])
        connection.executemany("DELETE FROM action_high_impact_actions WHERE action_id = ? AND number = 6",
                               [(i,) for i in ids])
        connection.executemany("INSERT INTO action_high_impact_actions (action_id, number) VALUES (?, 6)",
                               [(i,) for i in ids])
    return plan_id


def _both_widths(page, name: str) -> None:
    violations = check_accessibility(page, f"{name}-desktop")
    resize(page, 390, 844)
    violations += check_accessibility(page, f"{name}-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    resize(page, 1280, 900)
    assert not violations, describe(violations)


def test_a_viewer_filters_a_combined_plan_by_measure_and_hia_and_reads_its_overview(page_as, combined_plan):
    page = page_as(VIEWER)
    page.goto(f"/plans/{combined_plan}")
    page.get_by_text("Filter and sort").click()
    page.get_by_label("Measure").select_option("wdes:4a_ii")
    page.get_by_label("High impact action").select_option("6")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(rf"/plans/{combined_plan}\?.*measure=wdes%3A4a_ii.*hia=6"))
    expect(page.locator("table.app-action-table tbody tr")).to_have_count(3)
    expect(page.get_by_role("link", name=re.compile("^CSV"))).to_have_attribute(
        "href", re.compile(r"measure=wdes%3A4a_ii&hia=6"))
    shoot(page, "plan-measures1-filtered")
    _both_widths(page, "plan-measures1-filtered")

    page.goto(f"/plans/{combined_plan}/overview")
    by_measure = page.get_by_role("table", name="By measure")
    expect(by_measure.locator("tbody tr")).to_have_count(9 + 14)
    expect(by_measure.locator("tbody tr", has_text="WDES 4a(ii) Harassment from managers").locator("td").nth(1)
           ).to_have_text("3")
    by_hia = page.get_by_role("table", name="By high impact action (EDI Improvement Plan)")
    expect(by_hia.locator("tbody tr")).to_have_count(6)
    shoot(page, "plan-measures2-overview")
    _both_widths(page, "plan-measures2-overview")
    by_hia.get_by_role("link", name=re.compile("^HIA 6 ")).click()
    page.wait_for_url(re.compile(rf"/plans/{combined_plan}\?hia=6"))
    expect(page.get_by_label("High impact action")).to_have_value("6")
