"""Two people edit the same action at once: the second sees what the first changed beside what they
typed, and saves their own change on top without losing the first person's."""
from __future__ import annotations

import re

import pytest
from browser_support import ADMIN, CURRENT_YEAR, resize, shoot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

REF = "4.2"


def test_second_editor_sees_the_first_editors_change_and_reapplies_their_own(page_as, live_server):
    action_id = live_server.action_id(CURRENT_YEAR, REF)
    first, second = page_as(ADMIN), page_as(ADMIN)
    assert first.context is not second.context
    for page in (first, second):
        page.goto(f"/actions/{action_id}/edit")
        expect(page.get_by_role("heading", name=f"Edit action {REF}")).to_be_visible()
    outcome = "Every shortlisting panel for band 8a and above includes a Global Majority member"
    first.get_by_label("Outcome or success measure").fill(outcome)
    first.get_by_role("button", name="Save action").click()
    expect(first.get_by_text("Action saved.")).to_be_visible()

    second.get_by_label("Links to EDI goals").fill("2, 3")
    second.get_by_role("button", name="Save action").click()
    expect(second.get_by_role("heading", name="Someone else saved this action while you were editing it")).to_be_visible()
    table = second.get_by_role("table", name="What changed")
    expect(table.get_by_role("row", name=re.compile("Outcome or success measure"))).to_contain_text(outcome)
    expect(table.get_by_role("row", name=re.compile("Links to EDI goals"))).to_contain_text("2, 3")
    expect(second.get_by_label("Outcome or success measure")).to_have_value(outcome)
    expect(second.get_by_label("Links to EDI goals")).to_have_value("2, 3")
    shoot(second, "edit-conflict")
    resize(second, 320, 800)
    assert second.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    shoot(second, "edit-conflict-320")

    second.get_by_role("button", name="Save my changes").click()
    expect(second.get_by_text("Action saved.")).to_be_visible()
    assert live_server.query("SELECT outcome, edi_goals FROM actions WHERE id = ?", action_id) == [(outcome, "2, 3")]
