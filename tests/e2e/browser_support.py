"""Helpers for the browser tests: signing in, screenshots and axe-core checks."""
from __future__ import annotations

import json
import socket
from pathlib import Path

from tracker import clock
from tracker.demo.calendar import financial_year_start, year_label

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "browser"
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DEMO_PASSWORD = "browser-tests-demo-password"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
#: (rule, marker in the element's HTML) that axe reports wrongly. None now: NHS.UK frontend's enhanced
#: file upload put its status and its button text side by side with no space in the DOM ("No file
#: chosenChoose file"), which its accessible name did not contain (2.5.3); static/tracker.js puts a
#: space between them, and tests/e2e/test_e2e_accessibility.py checks the name Chromium computes.
KNOWN_FALSE_POSITIVES: tuple[tuple[str, str], ...] = ()

ADMIN = "edi.lead@example.org"
OWNER = "laura.reynolds@example.org"
REVIEWER = "council.member@example.org"
VIEWER = "board.member@example.org"
#: The demo's two plans: the published ones, moved onto the current financial year and the one before
#: (tracker/demo/data/README.md). NEXT_YEAR is free for plans the tests import.
CURRENT_YEAR = year_label(financial_year_start(clock.today()))
LAST_YEAR = year_label(financial_year_start(clock.today()) - 1)
NEXT_YEAR = year_label(financial_year_start(clock.today()) + 1)

_RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary || ""})),
  }));
}
"""


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form and wait for the page it leads to."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def resize(page, width: int, height: int = 844) -> None:
    """Set the viewport and wait two animation frames: the NHS.UK header moves the links that no longer
    fit into its "More" menu in the frame after a resize, so a width measured sooner sees them still in a row."""
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def shoot(page, name: str) -> Path:
    """A full-page screenshot in tests/artifacts/browser/<name>.png, for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page) -> list[dict]:
    """Every WCAG 2.0/2.1/2.2 A and AA violation axe-core finds on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not added as an inline <script>: the pages'
        # Content-Security-Policy runs no inline script, and the tests look at the pages as served.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    return page.evaluate(_RUN_AXE, WCAG_TAGS)


def describe(violations: list[dict]) -> str:
    """One block per violation: id, impact, help URL, then each failing element."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {violation['helpUrl']}")
        lines += [f"    {node['target']}" for node in violation["nodes"][:10]]
        if len(violation["nodes"]) > 10:
            lines.append(f"    and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


def _known_false_positive(rule: str, node: dict) -> bool:
    """axe misreads NHS.UK's enhanced file upload button (see KNOWN_FALSE_POSITIVES)."""
    return any(rule == known_rule and marker in node["html"] for known_rule, marker in KNOWN_FALSE_POSITIVES)


def blocking(violations: list[dict]) -> list[dict]:
    """The serious and critical violations, less the known false positives."""
    kept = []
    for violation in violations:
        nodes = [node for node in violation["nodes"] if not _known_false_positive(violation["id"], node)]
        if violation["impact"] in BLOCKING_IMPACTS and nodes:
            kept.append({**violation, "nodes": nodes})
    return kept


def check_accessibility(page, name: str) -> list[dict]:
    """Screenshot the page, run axe, keep every result as JSON; returns the blocking violations."""
    shoot(page, name)
    violations = axe_violations(page)
    (ARTIFACTS / f"{name}.axe.json").write_text(json.dumps(violations, indent=2), encoding="utf-8")
    return blocking(violations)


def chromium_accessible_name(page, selector: str) -> str:
    """The accessible name Chromium itself gives the element (what screen readers and voice control get)."""
    session = page.context.new_cdp_session(page)
    try:
        root = session.send("DOM.getDocument")["root"]["nodeId"]
        node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        tree = session.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})
    finally:
        session.detach()
    name = tree["nodes"][0].get("name", {}).get("value", "")
    return " ".join(name.split())
