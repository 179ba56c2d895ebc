"""Posting a progress update with the keyboard only, with focus visible at every step."""
from __future__ import annotations

import re

import pytest
from browser_support import CURRENT_YEAR, OWNER, shoot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MAX_TABS = 40
#: What has focus, and whether it shows: a box-shadow, or an outline that is not transparent.
FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const transparent = /rgba\\(.*,\\s*0\\)$/.test(style.outlineColor) || style.outlineColor === "transparent";
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 && !transparent;
  return {
    tag: element.tagName, id: element.id, classes: String(element.className),
    text: (element.innerText || "").trim().slice(0, 60),
    visible: outline || style.boxShadow !== "none",
    outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`, shadow: style.boxShadow,
  };
}"""


def tab(page) -> dict:
    """Press Tab; what has focus now, which must show that it has."""
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["tag"] != "BODY", "focus left the page's controls"
    assert focused["visible"], f"focus is not visible on {focused}"
    return focused


def tab_until(page, matches) -> list[dict]:
    """Tab until `matches(focused)`; returns every element focused on the way."""
    path = []
    for _ in range(MAX_TABS):
        path.append(tab(page))
        if matches(path[-1]):
            return path
    raise AssertionError(f"not reached in {MAX_TABS} presses of Tab: {[f['text'] or f['id'] for f in path]}")


def test_an_owner_posts_an_update_with_the_keyboard_only(page_as, live_server):
    page = page_as(OWNER)
    action_id = live_server.action_id(CURRENT_YEAR, "3.4")
    page.goto(f"/actions/{action_id}")

    path = tab_until(page, lambda focused: focused["text"] == "Post a progress update")
    assert "nhsuk-skip-link" in path[0]["classes"] and path[0]["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/actions/{action_id}/update$"))

    first = tab(page)
    assert first["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "maincontent"
    assert tab(page)["text"] == "Back to action 3.4"  # the back link opens the main content
    assert tab(page)["id"] == "narrative"
    narrative = "Flexible working policy reviewed with staff networks; retirement guidance drafted."
    page.keyboard.type(narrative)
    assert tab(page)["id"] == "status"
    page.keyboard.type("Progress made")
    expect(page.locator("#status")).to_have_value("PROGRESS MADE")
    proposed = page.locator("#rag").input_value()
    path = tab_until(page, lambda focused: focused["text"] == "Save update")
    assert [focused["id"] for focused in path[:-1]] == ["rag", "rag_reason", "evidence_url", "evidence"]
    shoot(page, "keyboard-update-form-filled")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(rf"/actions/{action_id}#timeline$"))
    shoot(page, "keyboard-update-saved")
    expect(page.get_by_role("status").filter(has_text="Your update has been saved.")).to_have_count(1)
    expect(page.locator("ol.app-timeline > li").first).to_contain_text(narrative)
    stored = live_server.query("SELECT narrative, status, rag FROM progress_updates WHERE action_id = ? "
                               "ORDER BY id DESC LIMIT 1", action_id)
    assert stored == [(narrative, "PROGRESS MADE", proposed or None)]
