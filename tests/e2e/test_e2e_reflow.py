"""Phones and reflow (WCAG 2.2 AA, 1.4.10): at 390 and 320 CSS px no page scrolls sideways.

Every role opens every main page it may see, at a phone's width (390 px) and at 320 px. The page
itself must not be wider than the window; a wide table scrolls inside its own frame, which is
allowed. axe runs on each page with its best-practice rules as well as WCAG 2.2 A and AA, and
fails on serious or critical findings. Screenshots land in tests/artifacts/browser/reflow-*.png.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from browser_support import (
    ADMIN,
    ARTIFACTS,
    AXE_SCRIPT,
    CURRENT_YEAR,
    OWNER,
    REVIEWER,
    VIEWER,
    WCAG_TAGS,
    blocking,
    describe,
    shoot,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WIDTHS = (390, 320)
ROLES = {"admin": ADMIN, "reviewer": REVIEWER, "owner": OWNER, "viewer": VIEWER}
#: The page's own width against the window's, and each scroll frame that is wider than it shows.
_WIDTHS = """() => ({
  page: document.scrollingElement.scrollWidth, window: window.innerWidth,
  wider: [...document.querySelectorAll("body *")].filter(e => {
      const box = e.getBoundingClientRect();
      return box.right > window.innerWidth + 1 && !e.closest(".app-table-scroll");
    }).slice(0, 5).map(e => e.outerHTML.slice(0, 120)),
})"""
_RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary || ""})),
  }));
}
"""


def open_filters(page) -> None:
    page.get_by_text("Filter and sort").click()
    expect(page.get_by_label("Overdue only")).to_be_visible()


@dataclass(frozen=True)
class Page:
    name: str
    path: Callable
    roles: tuple[str, ...] = tuple(ROLES)
    prepare: Callable | None = None


def _plan(suffix: str = "") -> Callable:
    return lambda server: f"/plans/{server.plan_id(CURRENT_YEAR)}{suffix}"


def _action(ref: str, suffix: str = "") -> Callable:
    return lambda server: f"/actions/{server.action_id(CURRENT_YEAR, ref)}{suffix}"


def _forum(server) -> int:
    return server.query("SELECT id FROM forums WHERE name = 'Inclusion Council'")[0][0]


def _meeting(suffix: str = "") -> Callable:
    def path(server) -> str:
        forum = _forum(server)
        meeting = server.query("SELECT m.id FROM meetings m JOIN meeting_agendas a ON a.meeting_id = m.id "
                               "WHERE m.forum_id = ? ORDER BY m.held_on DESC LIMIT 1", forum)[0][0]
        return f"/forums/{forum}/meetings/{meeting}{suffix}"
    return path


def _owners_action(server) -> str:
    rows = server.query("SELECT a.id FROM actions a JOIN action_owners o ON o.action_id = a.id "
                        "JOIN users u ON u.id = o.user_id JOIN plans p ON p.id = a.plan_id "
                        "WHERE u.email = ? AND p.year = ? ORDER BY a.id LIMIT 1", OWNER, CURRENT_YEAR)
    return f"/actions/{rows[0][0]}/update"


PAGES = [
    Page("plans-list", lambda server: "/plans/"),
    Page("plan-filters-open", _plan(), prepare=open_filters),
    Page("overview", _plan("/overview")),
    Page("action-history", _action("3.7", "?history=all")),
    Page("my-actions", lambda server: "/my-actions"),
    Page("my-actions-group", lambda server: "/my-actions?group=other_open"),
    Page("search-results", lambda server: "/search?q=staff+network"),
    Page("forums", lambda server: "/forums/"),
    Page("forum", lambda server: f"/forums/{_forum(server)}"),
    Page("meeting-agenda", _meeting()),
    Page("indicators", lambda server: "/indicators/"),
    Page("indicator-2", lambda server: "/indicators/2"),
    Page("wdes", lambda server: "/wdes/"),
    Page("wdes-2", lambda server: "/wdes/2"),
    Page("word-documents", _plan("/documents"), roles=("admin", "reviewer")),
    Page("update-form", _owners_action, roles=("owner",)),
    Page("record-reviews", _meeting("/reviews"), roles=("reviewer",)),
    Page("action-edit", _action("3.3", "/edit"), roles=("admin",)),
    Page("plan-new", lambda server: "/plans/new", roles=("admin",)),
    Page("admin-users", lambda server: "/admin/users", roles=("admin",)),
    Page("admin-sign-ins", lambda server: "/admin/sign-ins", roles=("admin",)),
    Page("plan-import", lambda server: "/plans/import", roles=("admin",)),
    Page("indicators-import", lambda server: "/indicators/import", roles=("admin",)),
    # WDES data
    Page("wdes-import", lambda server: "/wdes/import", roles=("admin",)),
    Page("wdes-enter", lambda server: "/wdes/enter", roles=("admin",)),
]
CASES = [(role, page) for page in PAGES for role in page.roles]


def _axe(page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    return page.evaluate(_RUN_AXE, [*WCAG_TAGS, "best-practice"])


@pytest.mark.parametrize("role, target", CASES, ids=[f"{role}-{page.name}" for role, page in CASES])
def test_no_page_scrolls_sideways_at_390_and_320_px(role, target, page_as, live_server):
    page = page_as(ROLES[role])
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        response = page.goto(target.path(live_server))
        assert response is not None and response.ok, (target.name, response and response.status)
        if target.prepare:
            target.prepare(page)
        measured = page.evaluate(_WIDTHS)
        shoot(page, f"reflow-{width}-{role}-{target.name}")
        if measured["page"] > measured["window"]:
            problems.append(f"{width} px: the page is {measured['page']} px wide; too wide: {measured['wider']}")
        violations = _axe(page)
        (ARTIFACTS / f"reflow-{width}-{role}-{target.name}.axe.json").write_text(
            json.dumps(violations, indent=2), encoding="utf-8")
        found = blocking(violations)
        if found:
            problems.append(f"{width} px: axe\n{describe(found)}")
    assert not problems, f"{role} on {target.name} ({page.url}):\n" + "\n".join(problems)


def test_wide_tables_scroll_in_a_named_frame_that_takes_the_keyboard(page_as, live_server):
    page = page_as(ADMIN)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(_plan("/overview")(live_server))
    frame = page.get_by_role("region", name="By month: actions at each RAG at the month's end")
    expect(frame).to_have_attribute("tabindex", "0")
    frame.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert frame.evaluate("e => e.scrollLeft") > 0
    assert frame.evaluate("e => e.scrollWidth > e.clientWidth")
    cue = frame.locator("xpath=../p[contains(@class, 'app-table-frame__cue')]")
    expect(cue).to_have_text("Scroll the table sideways to see more")
    expect(cue).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(cue).to_be_hidden()
