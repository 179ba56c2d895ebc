"""My actions in a real browser for someone whose actions are in two plans: each group plan by plan under the
plan's name, and one group's own page, at desktop width and at 320 px."""
from __future__ import annotations

import pytest
from browser_support import ADMIN, check_accessibility, resize, shoot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

_WIDER_THAN_WINDOW = "() => document.documentElement.scrollWidth > window.innerWidth"


def test_my_actions_lists_each_group_plan_by_plan_and_opens_a_groups_own_page(page_as, live_server):
    page = page_as(ADMIN)
    page.goto("/my-actions")
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    expect(page.get_by_text("Your actions are in 2 plans: each group lists them plan by plan.")).to_be_visible()
    plans = page.locator("h3.app-my-actions-plan")
    assert plans.count() >= 2
    groups = page.locator("main h2")
    first_group = groups.first.inner_text()  # "Overdue (3)"
    assert first_group.endswith(")")
    assert check_accessibility(page, "my-actions-by-plan-desktop") == []
    resize(page, 320)
    assert not page.evaluate(_WIDER_THAN_WINDOW)
    assert check_accessibility(page, "my-actions-by-plan-320") == []

    resize(page, 1280, 900)
    key = {"Overdue": "overdue", "Due in": "due_soon", "No update": "stale", "Other open": "other_open",
           "Complete": "closed"}
    group = next(value for words, value in key.items() if first_group.startswith(words))
    page.goto(f"/my-actions?group={group}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(first_group.rsplit(" (", 1)[0])
    total = first_group.rsplit("(", 1)[1].rstrip(")")
    expect(page.get_by_role("status")).to_have_text(f"{total} action{'' if total == '1' else 's'}.")
    rows = page.locator("main table tbody tr")
    assert rows.count() == int(total)
    shoot(page, "my-actions-group-desktop")
    resize(page, 320)
    assert not page.evaluate(_WIDER_THAN_WINDOW)
    assert check_accessibility(page, "my-actions-group-320") == []
    page.get_by_role("link", name="Back to My actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
