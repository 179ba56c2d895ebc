"""Search in the browser: an owner finds her own progress update from the header's search box and opens it.

Screenshots (desktop and 390 px) and axe results are kept in tests/artifacts/browser/.
"""
from __future__ import annotations

import re

import pytest
from browser_support import OWNER, check_accessibility, describe, shoot, sign_in
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

#: A word nothing else in the demo holds.
WORD = "quokkas"


def test_owner_finds_her_update_from_the_header_and_opens_the_action(page, live_server):
    sign_in(page, OWNER)
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    page.get_by_role("link", name="3.4", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Action 3.4")
    page.get_by_role("link", name="Post a progress update").click()
    page.get_by_label("Progress since the last update").fill(
        f"Listening events held on every ward; the network's mascot, two {WORD}, went down well.")
    page.get_by_label("Status", exact=True).select_option(label="Progress made")
    proposed = page.locator(".nhsuk-inset-text .nhsuk-tag").first.inner_text()
    page.get_by_label("RAG rating", exact=True).select_option(label=proposed)
    page.get_by_role("button", name="Save update").click()
    page.wait_for_url(re.compile(r"/actions/\d+#timeline$"))

    box = page.get_by_role("searchbox", name="Search actions, updates, forums and meetings")
    box.fill(WORD)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=quokkas"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(page.get_by_role("status")).to_contain_text(f"1 result for “{WORD}”")
    result = page.locator(".app-search-result")
    expect(result).to_have_count(1)
    expect(result.locator("mark")).to_have_text(WORD)
    expect(result).to_contain_text("plan")
    problems = check_accessibility(page, "search-results-desktop")
    assert problems == [], describe(problems)
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "search-results-390")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390, "the results fit a phone"
    problems = check_accessibility(page, "search-results-390")
    assert problems == [], describe(problems)
    page.set_viewport_size({"width": 1280, "height": 900})

    result.get_by_role("link", name=re.compile("Progress update on action 3.4")).click()
    page.wait_for_url(re.compile(r"/actions/\d+\?history=all#update-\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Action 3.4")
    anchor = page.url.rsplit("#", 1)[1]
    expect(page.locator(f"#{anchor}")).to_contain_text(WORD)


def test_no_results_and_a_reference_in_the_header_box(page, live_server):
    sign_in(page, OWNER)
    box = page.get_by_role("searchbox", name="Search actions, updates, forums and meetings")
    box.fill("xylophonist")
    box.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("No results for “xylophonist”.")
    shoot(page, "search-no-results")
    problems = check_accessibility(page, "search-no-results")
    assert problems == [], describe(problems)
    box = page.get_by_role("searchbox", name="Search actions, updates, forums and meetings")
    box.fill("3.4")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/actions/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Action 3.4")
