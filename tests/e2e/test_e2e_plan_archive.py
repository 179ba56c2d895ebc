"""The EDI lead archives the demo's current WRES plan, sees it leave the plans list and My actions (her actions in
the WDES plan of the same year stay), and restores it.

The plan is restored at the end, so the journey leaves the shared demo as it found it.
"""
from __future__ import annotations

import re

import pytest
from browser_support import ADMIN, CURRENT_YEAR, LAST_YEAR, check_accessibility, describe, shoot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TITLE = f"Inclusion and Belonging Action Plan {CURRENT_YEAR}"
#: Actions of the current plan that the EDI lead (Lesley Faux) owns in the demo.
HER_ACTIONS = ("2.6", "2.10", "3.6")


def flash_text(page) -> str:
    return page.locator(".app-flash[role=status] p").inner_text()


def her_actions_listed(page) -> list[str]:
    return [ref for ref in HER_ACTIONS if page.get_by_role("link", name=ref, exact=True).count()]


def her_wdes_actions(live_server) -> list[str]:
    """Actions of the current WDES plan (beside the WRES plan, for the same year) she owns or supports."""
    rows = live_server.query(
        "SELECT DISTINCT a.ref FROM actions a JOIN plans p ON p.id = a.plan_id JOIN users u ON u.email = ? "
        "LEFT JOIN action_owners o ON o.action_id = a.id AND o.user_id = u.id "
        "LEFT JOIN action_supporting_leads s ON s.action_id = a.id AND s.user_id = u.id "
        "WHERE p.year = ? AND p.standard = 'wdes' AND (o.user_id IS NOT NULL OR s.user_id IS NOT NULL) ORDER BY a.ref",
        ADMIN, CURRENT_YEAR)
    return [ref for (ref,) in rows]


def test_edi_lead_archives_a_plan_then_restores_it(page_as, live_server):
    plan_id = live_server.plan_id(CURRENT_YEAR)
    page = page_as(ADMIN)
    page.goto("/my-actions")
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    assert her_actions_listed(page) == list(HER_ACTIONS)
    expect(page.locator("main")).to_contain_text(TITLE)
    wdes_actions = her_wdes_actions(live_server)
    assert wdes_actions, "the demo's EDI lead should own or support actions of the WDES plan too"

    page.get_by_role("link", name="Plans", exact=True).click()
    page.get_by_role("link", name=TITLE, exact=True).click()
    page.get_by_role("navigation", name="Plan pages").get_by_role("link", name="Archive plan").click()
    page.wait_for_url(re.compile(rf"/plans/{plan_id}/archive$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Archive the {CURRENT_YEAR} plan?")
    expect(page.get_by_text("You can restore it.")).to_be_visible()
    violations = check_accessibility(page, "archive1-confirm-archive")
    assert not violations, describe(violations)
    page.get_by_role("button", name="Archive this plan").click()

    page.wait_for_url(re.compile(r"/plans/$"))
    shoot(page, "archive2-plans-list-without-it")
    assert flash_text(page) == (f"The {CURRENT_YEAR} plan is archived. It is listed under Show archived plans, where you can "
                                "open and restore it.")
    expect(page.get_by_role("link", name=TITLE, exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name=f"WRES Action Plan {LAST_YEAR}", exact=True)).to_be_visible()
    assert live_server.query("SELECT u.email FROM plans p JOIN users u ON u.id = p.archived_by_id WHERE p.id = ?",
                             plan_id) == [(ADMIN,)]

    page.get_by_role("link", name="My actions", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    shoot(page, "archive3-my-actions-without-it")
    assert her_actions_listed(page) == []
    expect(page.locator("main")).not_to_contain_text(TITLE)
    for ref in wdes_actions:
        expect(page.get_by_role("link", name=ref, exact=True)).to_be_visible()

    page.get_by_role("link", name="Plans", exact=True).click()
    page.get_by_role("link", name="Show archived plans (1)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Archived plans")
    expect(page.locator("tr", has_text=TITLE).locator(".nhsuk-tag")).to_have_text(["WRES plan", "Archived"])
    shoot(page, "archive4-archived-plans")
    page.get_by_role("link", name=TITLE, exact=True).click()
    notice = page.locator(".nhsuk-warning-callout")
    expect(notice).to_contain_text("This plan is archived")
    violations = check_accessibility(page, "archive5-archived-plan-page")
    assert not violations, describe(violations)
    notice.get_by_role("link", name="Restore this plan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Restore the {CURRENT_YEAR} plan?")
    violations = check_accessibility(page, "archive6-confirm-restore")
    assert not violations, describe(violations)
    page.get_by_role("button", name="Restore this plan").click()

    page.wait_for_url(re.compile(rf"/plans/{plan_id}$"))
    shoot(page, "archive7-restored-plan")
    assert flash_text(page) == f"The {CURRENT_YEAR} plan is restored: it is listed, reviewed and reminded of again."
    expect(page.locator(".nhsuk-warning-callout")).to_have_count(0)
    assert live_server.query("SELECT archived_at FROM plans WHERE id = ?", plan_id) == [(None,)]
    page.get_by_role("link", name="My actions", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    assert her_actions_listed(page) == list(HER_ACTIONS)
