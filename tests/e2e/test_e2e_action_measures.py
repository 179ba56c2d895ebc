"""A combined EDI plan in a real browser: the plan form's kinds, the action form's WRES indicators, WDES metrics
and high impact actions (axe, keyboard, desktop and phone widths), and the action page naming what was ticked.

It runs on a server of its own: it adds a plan the other journeys do not expect.
Screenshots: tests/artifacts/browser/measures-*.png.
"""
from __future__ import annotations

import re

import pytest
from browser_support import ADMIN, check_accessibility, describe, resize, shoot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

YEAR = "2031-32"


@pytest.fixture(scope="module")
def live_server(own_live_server):
    return own_live_server


def test_edi_lead_makes_a_combined_plan_and_links_an_action_to_measures_of_both_standards(page_as, live_server):
    lead = page_as(ADMIN)
    lead.goto("/plans/new")
    lead.get_by_label("Year").fill(YEAR)
    lead.get_by_label("Title").fill(f"EDI improvement plan {YEAR}")
    expect(lead.get_by_role("radio", name="WRES plan", exact=True)).to_be_checked()
    violations = check_accessibility(lead, "measures-plan-form")
    assert not violations, describe(violations)
    lead.get_by_role("radio", name="Combined EDI plan (WRES and WDES)").check()
    lead.get_by_role("button", name="Save plan").click()
    lead.wait_for_url(re.compile(r"/plans/\d+/edit$"))
    plan_id = int(re.search(r"/plans/(\d+)/edit", lead.url).group(1))

    lead.goto(f"/plans/{plan_id}/actions/new")
    expect(lead.get_by_role("group", name="WRES indicators")).to_be_visible()
    expect(lead.get_by_role("group", name="WDES metrics")).to_be_visible()
    expect(lead.get_by_role("group", name="EDI Improvement Plan high impact actions")).to_be_visible()
    shoot(lead, "measures-action-form-combined-1280")
    violations = check_accessibility(lead, "measures-action-form-combined")
    assert not violations, describe(violations)
    for width in (390, 320):
        resize(lead, width, 800)
        assert lead.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), width
        shoot(lead, f"measures-action-form-combined-{width}")
    resize(lead, 1280, 900)

    lead.get_by_label("Reference").fill("1.1")
    lead.get_by_label("Action", exact=True).fill("Reasonable adjustments passport for every new starter")
    lead.get_by_role("checkbox", name="2 Recruitment").check()
    metric = lead.get_by_role("checkbox", name="4a(ii) Harassment from managers")
    metric.focus()
    lead.keyboard.press("Space")  # ticked from the keyboard
    expect(metric).to_be_checked()
    lead.get_by_role("checkbox", name=re.compile(r"^HIA 2: ")).check()
    lead.get_by_role("button", name="Save action").click()
    lead.wait_for_url(re.compile(r"/actions/\d+$"))
    expect(lead.get_by_role("link", name="WRES 2 Recruitment")).to_have_attribute("href", "/indicators/2")
    expect(lead.get_by_role("link", name="WDES 4a(ii) Harassment from managers")).to_have_attribute(
        "href", "/wdes/4a_ii")
    expect(lead.locator("dd", has_text="HIA 2")).to_contain_text("Overhaul recruitment processes")
    shoot(lead, "measures-action-page-combined-1280")
    violations = check_accessibility(lead, "measures-action-page-combined")
    assert not violations, describe(violations)
