"""axe-core (WCAG 2.0, 2.1 and 2.2, A and AA) on every main page: no serious or critical violation.

Each page is checked in the state people meet it in: filters open, forms showing their errors.
Screenshots and the full axe results (every impact) are kept in tests/artifacts/browser/.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from browser_support import (
    ADMIN,
    CURRENT_YEAR,
    LAST_YEAR,
    OWNER,
    REVIEWER,
    VIEWER,
    check_accessibility,
    chromium_accessible_name,
    describe,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BAD_PLAN_CSV = (b"ref,theme,action,indicators,owners,by_when,outcome,forums,priority,rag,status,progress\n"
                b"1.1,1. Fair recruitment,,2,,Dec 2026,,,Sometimes,Purple,,\n")


def open_filters(page) -> None:
    page.get_by_text("Filter and sort").click()
    expect(page.get_by_label("Overdue only")).to_be_visible()


def submit_empty_update(page) -> None:
    page.get_by_role("button", name="Save update").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()


def submit_bad_plan(page) -> None:
    page.get_by_label("Year").fill("2030-31")
    page.locator("input[type=file][name=file]").set_input_files(
        files=[{"name": "bad-plan.csv", "buffer": BAD_PLAN_CSV, "mimeType": "text/csv"}])
    page.get_by_role("button", name="Import plan").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    expect(page.locator("#problems")).to_have_count(1)


def submit_empty_sign_in(page) -> None:
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()


@dataclass(frozen=True)
class MainPage:
    """A page to check: who looks at it, where it is, and what they do first."""

    name: str
    user: str | None
    path: Callable
    prepare: Callable | None = None
    route: str | None = None

    def __str__(self) -> str:
        return self.name


def plan(year: str, suffix: str = "") -> Callable:
    return lambda server: f"/plans/{server.plan_id(year)}{suffix}"


def action(year: str, ref: str, suffix: str = "") -> Callable:
    return lambda server: f"/actions/{server.action_id(year, ref)}{suffix}"


def fixed(path: str) -> Callable:
    return lambda server: path


def forum(name: str) -> Callable:
    return lambda server: f"/forums/{server.query('SELECT id FROM forums WHERE name = ?', name)[0][0]}"


MAIN_PAGES = [
    MainPage("sign-in", None, fixed("/sign-in")),
    MainPage("sign-in-with-errors", None, fixed("/sign-in"), submit_empty_sign_in),
    MainPage("my-actions", OWNER, fixed("/")),
    MainPage("plans-list", ADMIN, fixed("/plans/")),
    MainPage("plan-with-filters-open", ADMIN, plan(CURRENT_YEAR), open_filters),
    MainPage("plan-filtered", VIEWER, plan(LAST_YEAR, "?rag=green&sort=due")),
    MainPage("plan-overview", REVIEWER, plan(CURRENT_YEAR, "/overview")),
    MainPage("action-page", ADMIN, action(CURRENT_YEAR, "3.7")),
    MainPage("update-form-with-errors", OWNER, action(CURRENT_YEAR, "3.9", "/update"), submit_empty_update),
    MainPage("action-edit-form", ADMIN, action(CURRENT_YEAR, "3.3", "/edit")),
    MainPage("permission-denied", OWNER, action(CURRENT_YEAR, "1.1", "/update")),
    MainPage("plan-import-with-errors", ADMIN, fixed("/plans/import"), submit_bad_plan),
    MainPage("forums-list", REVIEWER, fixed("/forums/")),
    MainPage("forum-page", REVIEWER, forum("Inclusion Council")),
    MainPage("admin-users", ADMIN, fixed("/admin/users")),
    MainPage("admin-settings", ADMIN, fixed("/admin/settings")),
    MainPage("indicators", VIEWER, fixed("/indicators/"), route="/indicators/"),
    MainPage("indicator-1", VIEWER, fixed("/indicators/1"), route="/indicators/<int:number>"),
    MainPage("indicators-import", ADMIN, fixed("/indicators/import"), route="/indicators/import"),
    MainPage("word-documents", REVIEWER, plan(CURRENT_YEAR, "/documents"), route="/plans/<int:plan_id>/documents"),
]


@pytest.mark.parametrize("main_page", MAIN_PAGES, ids=str)
def test_no_serious_or_critical_violations(main_page, page_as, live_server, app_routes, request):
    if main_page.route and main_page.route not in app_routes:
        pytest.skip(f"{main_page.route} not landed yet")
    browser_page = page_as(main_page.user) if main_page.user else request.getfixturevalue("page")
    browser_page.goto(main_page.path(live_server))
    if main_page.prepare:
        main_page.prepare(browser_page)
    violations = check_accessibility(browser_page, f"a11y-{main_page.name}")
    assert not violations, f"{main_page.name} ({browser_page.url}):\n{describe(violations)}"


@pytest.mark.parametrize("path, label", [("/plans/import", "CSV or Excel file"),
                                         ("/indicators/import", "Data pack files")])
def test_file_upload_button_is_named_with_its_visible_words(path, label, page_as, app_routes):
    """WCAG 2.5.3 for the file upload that axe misreads: its name holds the label and every visible word."""
    if path not in app_routes:
        pytest.skip(f"{path} not landed yet")
    page = page_as(ADMIN)
    page.goto(path)
    button = page.locator(".nhsuk-file-upload__drop-button")
    expect(button).to_be_visible()
    visible = [" ".join(text.split()) for text in button.locator("span:not(.nhsuk-u-visually-hidden)").all_inner_texts()]
    name = chromium_accessible_name(page, ".nhsuk-file-upload__drop-button")
    assert name.startswith(label), name
    for words in ("No file chosen", "Choose file", "or drop file"):
        assert any(words in text for text in visible), visible
        assert words in name, name


#: For every table with a "RAG" column header: the text of each tag in that column.
RAG_COLUMN_TAGS = """() => {
  const found = [];
  for (const table of document.querySelectorAll("table")) {
    const headers = [...table.querySelectorAll("thead th")].map(th => th.innerText.trim());
    const column = headers.indexOf("RAG");
    if (column < 0) continue;
    for (const row of table.querySelectorAll("tbody tr")) {
      const cell = row.children[column];
      for (const tag of cell ? cell.querySelectorAll(".nhsuk-tag") : []) {
        const style = getComputedStyle(tag);
        found.push({text: tag.innerText.trim(), shown: style.display !== "none" && style.visibility !== "hidden"});
      }
    }
  }
  return found;
}"""
RAG_WORDS = {"Red", "Amber", "Green", "Blue (complete)", "Not rated"}


@pytest.mark.parametrize("user, path", [(OWNER, fixed("/")), (VIEWER, plan(LAST_YEAR)), (VIEWER, plan(CURRENT_YEAR)),
                                        (VIEWER, plan(CURRENT_YEAR, "/overview"))],
                         ids=["my-actions", "plan-last-year", "plan-this-year", "overview-this-year"])
def test_rag_is_never_shown_by_colour_alone(user, path, page_as, live_server):
    page = page_as(user)
    page.goto(path(live_server))
    tags = page.evaluate(RAG_COLUMN_TAGS)
    assert tags, "no RAG tags found in a RAG column"
    assert all(tag["shown"] for tag in tags), tags
    assert {tag["text"] for tag in tags} <= RAG_WORDS, tags


def long_plan_csv(actions: int) -> bytes:
    """A plan in the import format with more actions than fit on one page."""
    rows = [b"ref,theme,action,indicators,owners,by_when,outcome,forums,priority,rag,status,progress"]
    rows += [f"1.{n},1. Fair recruitment,Long plan action number {n},2,,Dec 2031,,,Must,Green,,".encode()
             for n in range(1, actions + 1)]
    return b"\n".join(rows) + b"\n"


def test_a_long_plan_is_paged_accessibly(page_as, live_server):
    page = page_as(ADMIN)
    page.goto("/plans/import")
    page.get_by_label("Year").fill("2031-32")
    page.locator("input[type=file][name=file]").set_input_files(
        files=[{"name": "long-plan.csv", "buffer": long_plan_csv(60), "mimeType": "text/csv"}])
    page.get_by_role("button", name="Import plan").click()
    expect(page.get_by_role("status").filter(has_text="Showing actions")).to_have_text(
        "Showing actions 1 to 50 of 60. Show all 60 actions on one page")
    pages = page.get_by_role("navigation", name="Pages of actions")
    expect(pages.get_by_role("link", name="Page 1")).to_have_attribute("aria-current", "page")
    violations = check_accessibility(page, "a11y-plan-page-1-of-2")
    assert not violations, describe(violations)

    pages.get_by_role("link", name="Next page").click()
    expect(page.get_by_role("status").filter(has_text="Showing actions")).to_contain_text(
        "Showing actions 51 to 60 of 60.")
    expect(page.get_by_role("link", name="1.60", exact=True)).to_be_visible()
    assert page.locator("details.app-filters").get_attribute("open") is None, "a page number is not a filter"
    violations = check_accessibility(page, "a11y-plan-page-2-of-2")
    assert not violations, describe(violations)
