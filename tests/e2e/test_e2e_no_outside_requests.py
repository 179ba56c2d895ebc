"""Every main page in Chromium with every host but 127.0.0.1 blocked: no request leaves the site, none
is blocked, the Content-Security-Policy reports no violation, and the JavaScript-enhanced parts still work.

Screenshots are kept in tests/artifacts/browser/offline-*.png (the text is in Arial, the NHS font
stack's fallback, since the Frutiger fonts are no longer fetched from assets.nhs.uk).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from browser_support import ADMIN, CURRENT_YEAR, OWNER, REVIEWER, VIEWER, shoot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

#: Collects what the page's Content-Security-Policy refused (runs before the page's own scripts).
COLLECT_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} `
                              + `at ${event.sourceFile || ""}:${event.lineNumber || ""}`);
});
"""


def _plan(server) -> str:
    return f"/plans/{server.plan_id(CURRENT_YEAR)}"


def _meeting(server) -> str:
    forum_id, meeting_id = server.query(
        "SELECT f.id, m.id FROM meetings m JOIN forums f ON f.id = m.forum_id JOIN meeting_agendas a "
        "ON a.meeting_id = m.id WHERE f.name = 'Inclusion Council' ORDER BY m.held_on DESC")[0]
    return f"/forums/{forum_id}/meetings/{meeting_id}"


def _forum(server) -> str:
    return f"/forums/{server.query('SELECT id FROM forums WHERE name = ?', 'Inclusion Council')[0][0]}"


MAIN_PAGES: list[tuple[str, str | None, Callable]] = [
    ("sign-in", None, lambda server: "/sign-in"),
    ("my-actions", OWNER, lambda server: "/"),
    ("home-admin", ADMIN, lambda server: "/"),
    ("plans", ADMIN, lambda server: "/plans/"),
    ("plan-overview", VIEWER, lambda server: _plan(server) + "/overview"),
    ("plan-page", ADMIN, _plan),
    ("action-page", ADMIN, lambda server: f"/actions/{server.action_id(CURRENT_YEAR, '3.7')}"),
    ("update-form", OWNER, lambda server: f"/actions/{server.action_id(CURRENT_YEAR, '3.9')}/update"),
    ("indicators", VIEWER, lambda server: "/indicators/"),
    ("indicator-page", VIEWER, lambda server: "/indicators/1"),
    ("indicator-page-ratio", VIEWER, lambda server: "/indicators/2"),
    ("forums", REVIEWER, lambda server: "/forums/"),
    ("forum-page", REVIEWER, _forum),
    ("meeting", REVIEWER, _meeting),
    ("reminder-preferences", OWNER, lambda server: "/reminders/preferences"),
    ("reminder-settings", ADMIN, lambda server: "/reminders/settings"),
    ("reminder-outbox", ADMIN, lambda server: "/reminders/outbox"),
    ("admin-users", ADMIN, lambda server: "/admin/users"),
    ("admin-settings", ADMIN, lambda server: "/admin/settings"),
    ("admin-aliases", ADMIN, lambda server: "/admin/aliases"),
    ("documents", REVIEWER, lambda server: _plan(server) + "/documents"),
    ("plan-import", ADMIN, lambda server: "/plans/import"),
    ("not-found", VIEWER, lambda server: "/no-such-page"),
]


class Watch:
    """Every request the page makes, what was blocked, and what the console and CSP reported."""

    def __init__(self, page):
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.context.route("**/*", self._route)
        page.add_init_script(COLLECT_CSP_VIOLATIONS)

    def _route(self, route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def outside(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).scheme not in {"data", "blob"}
                and urlsplit(url).hostname != "127.0.0.1"]


@pytest.mark.parametrize("name, user, path", MAIN_PAGES, ids=[name for name, _user, _path in MAIN_PAGES])
def test_no_request_leaves_the_site_and_the_policy_blocks_nothing(name, user, path, page_as, live_server, request):
    page = page_as(user) if user else request.getfixturevalue("page")
    watch = Watch(page)
    response = page.goto(path(live_server), wait_until="load")
    page.wait_for_load_state("networkidle")
    assert response is not None and response.status == (404 if name == "not-found" else 200)
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    violations = page.evaluate("window.__cspViolations")
    shoot(page, f"offline-{name}")

    assert watch.requests, "no request was recorded"
    assert any("/static/nhsuk/nhsuk-frontend.min.css" in url for url in watch.requests)
    assert watch.outside() == []
    assert watch.blocked == []
    assert violations == []
    assert [text for text in watch.console_errors
            if "Content Security Policy" in text or "Refused to" in text] == []
    # The page's scripts ran: the synchronous one (js-enabled.js) and the NHS.UK frontend module.
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs-enabled nhsuk-frontend-supported\b"))
    expect(page.locator(".nhsuk-skip-link")).to_have_attribute("data-nhsuk-skip-link-init", "")
    expect(page.locator("body")).to_have_css("font-family", "\"Frutiger W01\", arial, sans-serif")


def test_the_nhsuk_javascript_still_enhances_pages_under_the_policy(page_as, live_server):
    """The file upload is replaced by NHS.UK frontend's drop zone only when its script runs."""
    page = page_as(ADMIN)
    watch = Watch(page)
    page.goto("/plans/import")
    expect(page.locator(".nhsuk-file-upload__drop-button")).to_be_visible()
    page.goto(_plan(live_server))
    filters = page.locator("details.app-filters")
    page.get_by_text("Filter and sort").click()
    expect(filters).to_have_attribute("open", "")
    expect(page.get_by_label("Overdue only")).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []
    assert watch.outside() == [] and watch.blocked == []


def test_the_indicator_chart_is_drawn_under_the_policy(page_as, live_server):
    page = page_as(VIEWER)
    Watch(page)
    page.goto("/indicators/1")
    chart = page.locator("svg.app-chart")
    expect(chart).to_be_visible()
    # The lines keep their colour and the text its size: presentation attributes, not blocked inline CSS.
    colours = page.evaluate("""() => [...document.querySelectorAll('svg.app-chart path')]
                                      .map(p => getComputedStyle(p).stroke)""")
    assert "rgb(0, 94, 184)" in colours
    sizes = page.evaluate("""() => [...document.querySelectorAll('svg.app-chart text')]
                                    .map(t => getComputedStyle(t).fontSize)""")
    assert "10px" in sizes
    assert page.evaluate("window.__cspViolations") == []
    chart.screenshot(path=str(shoot(page, "offline-indicator-1-page").with_name("offline-indicator-1-chart.png")))


def test_the_chart_with_presentation_attributes_looks_exactly_as_with_matplotlibs_inline_css(browser, monkeypatch):
    """Pixel for pixel, drawn outside any policy: moving the CSS into attributes changes nothing a person sees."""
    from tracker.indicators import charts

    chart = charts.Chart("Indicator 2", "ratio", (charts.Series("Likelihood", ((2022, 1.4), (2023, 1.2), (2024, 1.1))),),
                         reference=1.0, reference_label="1.00 = equal likelihood", non_adverse_range=True)
    converted = charts.to_svg(chart, "Indicator 2 by year")
    monkeypatch.setattr(charts, "_without_inline_css", lambda svg: svg)
    as_matplotlib_wrote_it = charts.to_svg(chart, "Indicator 2 by year")
    assert "style=" in as_matplotlib_wrote_it and "style=" not in converted
    context = browser.new_context(viewport={"width": 820, "height": 480})
    try:
        page = context.new_page()
        shots = []
        for svg in (as_matplotlib_wrote_it, converted):
            page.set_content(f"<!DOCTYPE html><html><body><div>{svg}</div></body></html>")
            shots.append(page.locator("svg").screenshot())
    finally:
        context.close()
    assert shots[0] == shots[1]
