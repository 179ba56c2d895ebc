"""The WDES pages in Chromium with two stored years and a linked action: no sideways scrolling at
390 and 320 px, no serious axe findings, and screenshots at desktop and phone widths
(tests/artifacts/browser/wdes-*.png) for a person to look at.

It runs on a server of its own (own_live_server): it stores WDES years and links a demo action.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest
from browser_support import ADMIN, CURRENT_YEAR, VIEWER, WCAG_TAGS, blocking, describe, shoot
from playwright.sync_api import expect
from test_e2e_reflow import _WIDTHS, _axe

from tracker.indicators.wdes_headlines import wdes_headlines

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(own_live_server):
    from tests.indicators.test_wdes_pages import two_results

    with closing(sqlite3.connect(own_live_server.database)) as connection, connection:
        # The demo stores its own 2024 year; this module's two years replace whatever is stored for them.
        for result in two_results():
            connection.execute("DELETE FROM wdes_values WHERE year = ?", (result.year,))
            connection.execute("DELETE FROM wdes_years WHERE year = ?", (result.year,))
            connection.execute("INSERT INTO wdes_years (year, source, imported_at, result) VALUES (?, ?, ?, ?)",
                               (result.year, "computed", "2025-06-01 09:00:00.000000", json.dumps(result.to_dict())))
            for headline in wdes_headlines(result):
                row = headline.to_dict()
                connection.execute(
                    "INSERT INTO wdes_values (year, metric, measure, value, numerator, denominator, ci_low, ci_high, "
                    "small_numbers, not_calculable_reason, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'computed')",
                    (result.year, row["metric"], row["measure"], row["value"], row["numerator"], row["denominator"],
                     row["ci_low"], row["ci_high"], row["small_numbers"], row["not_calculable_reason"]))
        action = own_live_server.action_id(CURRENT_YEAR, "3.7")
        connection.execute("INSERT INTO action_measures (action_id, standard, measure) VALUES (?, 'wdes', '2')",
                           (action,))
    return own_live_server


@pytest.mark.parametrize("path, name", [("/wdes/", "wdes"), ("/wdes/2", "wdes-2"), ("/wdes/1", "wdes-1"),
                                        ("/wdes/10", "wdes-10")])
def test_wdes_pages_reflow_and_pass_axe(path, name, page_as, live_server):
    page = page_as(VIEWER)
    problems = []
    for width in (1280, 390, 320):
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(live_server.base_url + path)
        assert response is not None and response.ok
        shoot(page, f"wdes-{width}-{name}")
        measured = page.evaluate(_WIDTHS)
        if measured["page"] > measured["window"]:
            problems.append(f"{width} px: the page is {measured['page']} px wide; too wide: {measured['wider']}")
        found = blocking(_axe(page))
        if found:
            problems.append(f"{width} px: axe\n{describe(found)}")
    assert not problems, "\n".join(problems)
    assert WCAG_TAGS


def test_a_viewer_goes_from_the_header_to_a_metric_and_its_linked_action(page_as, live_server):
    page = page_as(VIEWER)
    page.goto(live_server.base_url + "/my-actions")
    page.get_by_role("link", name="WDES metrics").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("WDES metrics")
    page.get_by_role("link", name="WDES 2: Appointment from shortlisting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Appointment from shortlisting")
    expect(page.get_by_role("img", name="WDES 2: Appointment from shortlisting")).to_be_visible()
    linked = page.get_by_role("table", name="Actions linked to WDES 2")
    expect(linked.get_by_role("link", name="Action 3.7")).to_be_visible()


def test_the_admin_sees_the_same_table(page_as, live_server):
    page = page_as(ADMIN)
    page.goto(live_server.base_url + "/wdes/")
    expect(page.get_by_role("table", name="Trust performance against the WDES metrics, 2024 to 2025")).to_be_visible()
