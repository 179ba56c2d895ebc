"""The year rollover in a real browser: into a draft plan the EDI lead chooses, ready for the year.

It runs on a server of its own (own_live_server): carrying the demo's current actions forward
closes them to updates, and the other journeys post updates to them. The server runs on the real
date, and the demo's year in progress depends on it, so the journey picks its actions from what
the demo holds today. "The next day" is checked from what was stored: nothing is due before tomorrow.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from browser_support import ADMIN, CURRENT_YEAR, NEXT_YEAR, OWNER, check_accessibility, describe, shoot
from playwright.sync_api import expect

from tracker import clock
from tracker.actions.by_when import a_year_later
from tracker.plans.rollover import NOT_CARRIED_BY_DEFAULT

pytestmark = pytest.mark.browser

TARGET_YEAR = NEXT_YEAR
TARGET_TITLE = f"Inclusion and Belonging Action Plan {NEXT_YEAR}"
STALE_NARRATIVE = "Written before the rollover, saved after it."


def carried_by_default(live_server) -> list[tuple[str, str, bool]]:
    """(ref, by when, owned by the demo owner) of the current plan's actions the rollover ticks, in ref order."""
    owned = {ref for (ref,) in live_server.query(
        "SELECT a.ref FROM actions a JOIN plans p ON p.id = a.plan_id JOIN action_owners o ON o.action_id = a.id "
        "JOIN users u ON u.id = o.user_id WHERE p.year = ? AND u.email = ?", CURRENT_YEAR, OWNER)}
    rows = live_server.query("SELECT a.ref, a.by_when, a.status FROM actions a JOIN plans p ON p.id = a.plan_id "
                             "WHERE p.year = ? AND p.standard = 'wres' ORDER BY a.ref_order", CURRENT_YEAR)
    return [(ref, by_when, ref in owned) for ref, by_when, status in rows if (status or "") not in NOT_CARRIED_BY_DEFAULT]


@pytest.fixture(scope="module")
def live_server(own_live_server):
    return own_live_server


def flash_text(page) -> str:
    return page.locator(".app-flash[role=status] p").inner_text()


def add_draft_plan(page) -> None:
    page.goto("/plans/new")
    page.get_by_label("Year").fill(TARGET_YEAR)
    page.get_by_label("Title").fill(TARGET_TITLE)
    page.get_by_role("button", name="Save plan").click()
    page.wait_for_url(re.compile(r"/plans/\d+/edit$"))


def open_rollover(page, live_server) -> None:
    page.goto(f"/plans/{live_server.plan_id(CURRENT_YEAR)}")
    page.get_by_role("link", name="Roll over to next year").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Roll over to next year")


def test_edi_lead_rolls_the_plan_into_a_chosen_draft_and_it_starts_the_year_ready(page_as, live_server):
    today = clock.today()
    ticked = carried_by_default(live_server)
    mine = next(ref for ref, _by_when, owned in ticked if owned)
    others = [ref for ref, _by_when, owned in ticked if ref != mine]
    ongoing, new_owner, new_forum = others[0], others[1], others[2]
    old_by_when = dict((ref, by_when) for ref, by_when, _owned in ticked)[mine]
    old_id = live_server.action_id(CURRENT_YEAR, mine)
    owner = page_as(OWNER)
    owner.goto(f"/actions/{old_id}/update")  # left open in a tab while the plan rolls over
    owner.get_by_label("Progress since the last update").fill(STALE_NARRATIVE)

    lead = page_as(ADMIN)
    add_draft_plan(lead)
    open_rollover(lead, live_server)
    lead.get_by_role("radio", name=f"{TARGET_YEAR}: {TARGET_TITLE} (draft, 0 actions)").check()
    by_when_mine = lead.get_by_label(f"By when for {mine}", exact=True)
    expect(by_when_mine).to_have_value(a_year_later(old_by_when, plan_year=CURRENT_YEAR).text)
    expect(lead.locator(f"#{by_when_mine.get_attribute('id')}-hint")).to_contain_text(f"Was: {old_by_when}")
    shoot(lead, "rollover-table-1280")
    lead.set_viewport_size({"width": 390, "height": 844})
    shoot(lead, "rollover-table-390")
    violations = check_accessibility(lead, "rollover-table-390")
    assert not violations, describe(violations)
    lead.set_viewport_size({"width": 1280, "height": 900})

    every_row = f"March {today.year + 1}"
    lead.get_by_label("By when for every ticked action (optional)").fill(every_row)
    lead.get_by_role("button", name="Fill in ticked rows").click()
    expect(by_when_mine).to_have_value(every_row)
    expect(lead.get_by_label("By when for every ticked action (optional)")).to_have_value("")
    lead.get_by_label(f"By when for {ongoing}", exact=True).fill("Ongoing")
    lead.get_by_label(f"Owners of {new_owner}", exact=True).fill("Laura Reynold")
    forums = lead.get_by_role("group", name=f"Where {new_forum} is reported or monitored")
    if forums.get_by_label("Trust Board").is_checked():
        forums.get_by_label("Trust Board").uncheck()
    else:
        forums.get_by_label("Trust Board").check()
    lead.get_by_role("button", name="Roll over the ticked actions").click()

    expect(lead).to_have_title(re.compile(r"^Error: Roll over to next year"))
    summary = lead.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text(f"No user is called 'Laura Reynold' (owners of {new_owner}).")
    violations = check_accessibility(lead, "rollover-table-with-errors")
    assert not violations, describe(violations)
    assert live_server.query("SELECT COUNT(*) FROM actions a JOIN plans p ON p.id = a.plan_id WHERE p.year = ?",
                             TARGET_YEAR) == [(0,)]
    expect(lead.get_by_label(f"By when for {ongoing}", exact=True)).to_have_value("Ongoing")
    summary.get_by_role("link", name=re.compile("Laura Reynold")).click()
    expect(lead.get_by_label(f"Owners of {new_owner}", exact=True)).to_be_focused()
    lead.get_by_label(f"Owners of {new_owner}", exact=True).fill("Laura Reynolds")
    lead.get_by_role("button", name="Roll over the ticked actions").click()

    lead.wait_for_url(re.compile(r"/plans/\d+/rollover/result$"))
    shoot(lead, "rollover-result")
    assert re.match(rf"\d+ actions carried forward to the existing {TARGET_YEAR} draft plan", flash_text(lead))
    copies = live_server.query(
        "SELECT a.ref, a.by_when, a.due_on, a.status, a.rag FROM actions a JOIN plans p ON p.id = a.plan_id "
        "WHERE p.year = ? ORDER BY a.id", TARGET_YEAR)
    assert len(copies) == len(ticked)
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert [ref for ref, _by, due, _s, _r in copies if due is not None and due < tomorrow] == []
    assert [ref for ref, _by, _due, status, rag in copies if not status or not rag] == []
    assert {ref: by_when for ref, by_when, *_ in copies}[ongoing] == "Ongoing"
    assert {ref: by_when for ref, by_when, *_ in copies}[mine] == every_row
    assert live_server.query(
        "SELECT u.name FROM action_owners o JOIN users u ON u.id = o.user_id JOIN actions a ON a.id = o.action_id "
        "JOIN plans p ON p.id = a.plan_id WHERE p.year = ? AND a.ref = ?", TARGET_YEAR, new_owner) == [
        ("Laura Reynolds",)]

    lead.goto(f"/plans/{live_server.plan_id(TARGET_YEAR)}?page=all")
    shoot(lead, "rollover-target-plan")
    table = lead.locator("table")
    assert table.locator(".app-overdue").count() == 0
    assert table.get_by_text("No status").count() == 0 and table.get_by_text("Not rated").count() == 0

    with_history = live_server.query(
        "SELECT a.ref, COUNT(u.id) FROM actions a JOIN plans p ON p.id = a.plan_id "
        "JOIN progress_updates u ON u.action_id = a.id WHERE p.year = ? GROUP BY a.ref, a.ref_order "
        "ORDER BY a.ref_order", CURRENT_YEAR)
    ref, updates = next((ref, count) for ref, count in with_history if ref in {r for r, *_ in ticked})
    lead.goto(f"/actions/{live_server.action_id(TARGET_YEAR, ref)}")
    shoot(lead, "rollover-copy-with-history")
    expect(lead.locator("ol.app-timeline > li").first).to_contain_text(
        f"Carried forward from {CURRENT_YEAR} action {ref}. Status")
    history = lead.get_by_role("list", name=f"From {CURRENT_YEAR} action {ref}")
    expect(history.get_by_role("listitem")).to_have_count(updates)
    expect(history.get_by_role("listitem").first).to_contain_text(f"{CURRENT_YEAR} action {ref}")

    new_id = live_server.action_id(TARGET_YEAR, mine)
    owner.get_by_role("button", name="Save update").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text(f"This action continued as {mine} in {TARGET_YEAR}")
    shoot(owner, "rollover-old-update-refused")
    expect(owner.locator(".nhsuk-error-summary")).to_contain_text("Your update was not saved.")
    assert live_server.query("SELECT COUNT(*) FROM progress_updates WHERE narrative = ?", STALE_NARRATIVE) == [(0,)]
    owner.get_by_role("link", name=f"Go to {TARGET_YEAR} action {mine}").click()
    owner.wait_for_url(re.compile(rf"/actions/{new_id}$"))
    shoot(owner, "rollover-copy-timeline")
    first = owner.locator("ol.app-timeline > li").first
    expect(first).to_contain_text(f"Carried forward from {CURRENT_YEAR} action {mine}.")
    expect(first).to_contain_text("by Lesley Faux")
    assert owner.get_by_role("link", name="Post a progress update").count() == 1

    response = owner.goto(f"/actions/{old_id}/update")
    assert response.status == 200
    expect(owner.get_by_role("heading", level=1)).to_have_text(f"This action continued as {mine} in {TARGET_YEAR}")
    assert owner.get_by_role("textbox").count() == 0
    expect(owner.get_by_role("link", name=f"{mine} in {TARGET_YEAR}")).to_have_attribute("href", f"/actions/{new_id}")

    owner.goto("/")
    shoot(owner, "rollover-my-actions")
    links = owner.get_by_role("link", name=mine, exact=True)
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", f"/actions/{new_id}")
    assert owner.locator(".app-overdue").count() == 0
    assert f"({CURRENT_YEAR})" not in owner.locator("main").inner_text()
