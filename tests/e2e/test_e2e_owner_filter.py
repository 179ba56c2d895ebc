"""A viewer types part of an owner's name in the plan page's filter, picks the suggestion with the
keyboard, applies the filters and sees only that person's actions; without a pick, the typed text is
matched when the filters are applied."""
from __future__ import annotations

import re

import pytest
from browser_support import CURRENT_YEAR, VIEWER, check_accessibility, describe, shoot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _person_actions(live_server, plan_id: int, email: str) -> tuple[int, str, list[str]]:
    rows = live_server.query(
        "SELECT u.id, u.name, a.ref FROM users u JOIN action_owners o ON o.user_id = u.id "
        "JOIN actions a ON a.id = o.action_id WHERE u.email = ? AND a.plan_id = ? "
        "UNION SELECT u.id, u.name, a.ref FROM users u JOIN action_supporting_leads s ON s.user_id = u.id "
        "JOIN actions a ON a.id = s.action_id WHERE u.email = ? AND a.plan_id = ?", email, plan_id, email, plan_id)
    assert rows, "the demo owner has actions in the current plan"
    return rows[0][0], rows[0][1], sorted({ref for _id, _name, ref in rows})


def _shown_refs(page) -> list[str]:
    return sorted(page.locator("table.app-action-table a[href^='/actions/']").all_inner_texts())


def test_a_viewer_picks_an_owner_from_the_suggestions_and_sees_only_their_actions(page_as, live_server):
    plan_id = live_server.plan_id(CURRENT_YEAR)
    person_id, name, refs = _person_actions(live_server, plan_id, "laura.reynolds@example.org")
    page = page_as(VIEWER)
    page.goto(f"/plans/{plan_id}")
    page.get_by_text("Filter and sort").click()
    box = page.get_by_role("combobox", name="Owner or supporting lead")
    box.press_sequentially(name.split()[-1][:4].lower(), delay=50)
    option = page.get_by_role("option", name=re.compile(name))
    expect(option.first).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status").filter(has_text=re.compile("match"))).to_have_count(1)
    shoot(page, "owner-filter1-suggestions")
    violations = check_accessibility(page, "owner-filter1-suggestions")
    assert not violations, describe(violations)
    names = page.get_by_role("option").all_inner_texts()
    index = next(i for i, text in enumerate(names) if text.startswith(name))
    for _step in range(index + 1):
        box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value(name)
    expect(box).to_have_attribute("aria-expanded", "false")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(rf"/plans/{plan_id}\?.*owner={person_id}"))
    shoot(page, "owner-filter2-applied")
    assert _shown_refs(page) == sorted(refs)
    expect(page.get_by_role("textbox", name="Owner or supporting lead").or_(box)).to_have_value(name)


def test_typed_text_matching_several_people_is_offered_as_links(page_as, live_server):
    plan_id = live_server.plan_id(CURRENT_YEAR)
    page = page_as(VIEWER)
    page.goto(f"/plans/{plan_id}?person=a")
    expect(page.get_by_role("heading", name=re.compile(r"people match .a.; choose one"))).to_be_visible()
    shoot(page, "owner-filter3-choose-one")
    violations = check_accessibility(page, "owner-filter3-choose-one")
    assert not violations, describe(violations)
    first = page.locator("#person-choice a").first
    chosen = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(rf"/plans/{plan_id}\?owner=\d+"))
    expect(page.get_by_role("combobox", name="Owner or supporting lead")).to_have_value(chosen)
    assert _shown_refs(page), "the chosen person's actions are listed"
