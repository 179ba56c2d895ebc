"""The product as its users use it, in a real browser: one test per journey."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from browser_support import (
    ADMIN,
    CURRENT_YEAR,
    LAST_YEAR,
    NEXT_YEAR,
    OWNER,
    REVIEWER,
    VIEWER,
    check_accessibility,
    describe,
    shoot,
    sign_in,
)
from docx import Document
from openpyxl import Workbook
from playwright.sync_api import expect

from tracker import clock
from tracker.dates import long_date

pytestmark = pytest.mark.browser

PACK_2024 = Path(__file__).resolve().parents[1] / "indicators" / "data" / "pack_2024"
IMPORT_COLUMNS = ("ref", "theme", "action", "indicators", "owners", "by_when", "outcome", "forums",
                  "priority", "rag", "status", "progress")
IMPORTED_ROWS = [
    ("1.1", "1. Fair recruitment", "Put a Global Majority member on every band 8a+ interview panel", "2",
     "Laura Reynolds", "Q3 2026-27", "Every band 8a+ panel is diverse", "Inclusion Council", "Must",
     "Green", "PROGRESS MADE", "Panel members trained in April."),
    ("1.2", "1. Fair recruitment", "Publish shortlisting outcomes by ethnicity each quarter", "2",
     "Sam Okafor", "Dec 2026", "Quarterly report to PCDC", "Inclusion Council", "Should", "", "", ""),
    ("2.1", "2. Speaking up", "Train Freedom to Speak Up champions in every directorate", "6, 8",
     "", "Throughout 2026-27", "A champion in each directorate", "Inclusion Council", "Must", "", "", ""),
]


def plan_workbook() -> bytes:
    """The plan as an Excel file in the import format (header row, then one row per action)."""
    book = Workbook()
    sheet = book.active
    sheet.append(IMPORT_COLUMNS)
    for row in IMPORTED_ROWS:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def flash_text(page) -> str:
    """The success message, which is announced (role=status)."""
    return page.locator(".app-flash[role=status] p").inner_text()


def timeline_first(page):
    return page.locator("ol.app-timeline > li").first


def test_edi_lead_imports_a_plan_from_excel_and_assigns_an_owner(page, live_server):
    sign_in(page, ADMIN)
    page.get_by_role("link", name="Plans", exact=True).click()
    page.get_by_role("link", name="Import a plan from CSV or Excel").click()
    page.get_by_label("Year").fill(NEXT_YEAR)
    page.get_by_label("Title (optional)").fill(f"Browser-imported plan {NEXT_YEAR}")
    page.locator("input[type=file][name=file]").set_input_files(
        files=[{"name": f"plan-{NEXT_YEAR}.xlsx", "buffer": plan_workbook(),
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    shoot(page, "journey1-import-form-filled")
    page.get_by_role("button", name="Import plan").click()

    page.wait_for_url(re.compile(r"/plans/\d+$"))
    shoot(page, "journey1-imported-plan")
    assert flash_text(page).startswith("Imported 3 actions in 2 themes; 1 new person was added "
                                       "as inactive users: Sam Okafor.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Browser-imported plan {NEXT_YEAR}")
    assert page.get_by_text("3 actions shown.").is_visible()
    for ref in ("1.1", "1.2", "2.1"):
        assert page.get_by_role("link", name=ref, exact=True).is_visible()

    page.get_by_role("link", name="2.1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Action 2.1")
    page.get_by_role("link", name="Edit action").click()
    page.get_by_label("Owner(s)").fill("Laura Reynolds")
    shoot(page, "journey1-action-edit-form")
    page.get_by_role("button", name="Save action").click()

    page.wait_for_url(re.compile(r"/actions/\d+$"))
    shoot(page, "journey1-action-with-owner")
    assert flash_text(page) == "Action saved."
    owners_row = page.locator(".nhsuk-summary-list__row", has_text="Owner(s)")
    assert owners_row.locator("dd").inner_text().startswith("Laura Reynolds")
    stored = live_server.query(
        "SELECT u.email FROM action_owners o JOIN users u ON u.id = o.user_id JOIN actions a ON a.id = o.action_id "
        "JOIN plans p ON p.id = a.plan_id WHERE p.year = ? AND a.ref = '2.1'", NEXT_YEAR)
    assert stored == [(OWNER,)]


def test_owner_posts_an_update_and_sees_it_first_in_the_timeline(page, live_server):
    sign_in(page, OWNER)
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    shoot(page, "journey2-my-actions")
    for ref in ("3.3", "3.4", "3.9"):
        assert page.get_by_role("link", name=ref, exact=True).count() == 1

    page.get_by_role("link", name="3.3", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Action 3.3")
    page.get_by_role("link", name="Post a progress update").click()
    proposed = page.locator(".nhsuk-inset-text .nhsuk-tag").first.inner_text()
    chosen = "Green" if proposed != "Green" else "Amber"
    narrative = "Case review of 12 disciplinary files done; findings go to PCDC next month."
    page.get_by_label("Progress since the last update").fill(narrative)
    page.get_by_label("Status", exact=True).select_option(label="Progress made")
    page.get_by_label("RAG rating", exact=True).select_option(label=chosen)
    page.get_by_role("button", name="Save update").click()

    expect(page).to_have_title(re.compile(r"^Error: Update action 3\.3 "))
    shoot(page, "journey2-update-form-reason-needed")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    assert f"Say why you chose {chosen.lower()} rather than the proposed" in summary.inner_text()
    reason = "The review is ahead of plan; the remaining step is a report."
    page.get_by_label("Why did you choose a different RAG rating?").fill(reason)
    page.get_by_role("button", name="Save update").click()

    page.wait_for_url(re.compile(r"/actions/\d+#timeline$"))
    shoot(page, "journey2-action-timeline")
    assert flash_text(page) == "Your update has been saved."
    newest = timeline_first(page)
    assert narrative in newest.inner_text()
    assert newest.locator(".nhsuk-tag", has_text=chosen).count() == 1
    assert f"the owner chose {chosen}: {reason}" in newest.inner_text()
    stored = live_server.query("SELECT narrative, rag, rag_reason FROM progress_updates WHERE action_id = ? "
                               "ORDER BY id DESC LIMIT 1", live_server.action_id(CURRENT_YEAR, "3.3"))
    assert stored == [(narrative, chosen.lower(), reason)]


def test_owner_cannot_reach_another_owners_update_form(page_as, live_server):
    page = page_as(OWNER)
    other = live_server.action_id(CURRENT_YEAR, "1.1")
    page.goto(f"/actions/{other}")
    shoot(page, "journey3-someone-elses-action")
    expect(page.get_by_role("heading", level=1)).to_have_text("Action 1.1")
    assert page.get_by_role("link", name="Post a progress update").count() == 0

    response = page.goto(f"/actions/{other}/update")
    shoot(page, "journey3-forbidden")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have permission to do this")
    assert page.get_by_role("textbox").count() == 0

    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    posted = page.request.post(f"/actions/{other}/update", form={
        "csrf_token": token, "narrative": "Posted by someone who does not own it", "rag": "", "status": ""})
    assert posted.status == 403
    assert live_server.query("SELECT COUNT(*) FROM progress_updates WHERE narrative = ?",
                             "Posted by someone who does not own it") == [(0,)]


def hold_a_meeting_today(page_as, live_server, forum: str) -> date:
    """The EDI lead adds a meeting of the forum on the server's today, unless the demo has one then."""
    today = clock.today()
    held = live_server.query("SELECT 1 FROM meetings m JOIN forums f ON f.id = m.forum_id "
                             "WHERE f.name = ? AND m.held_on = ?", forum, today.isoformat())
    if held:
        return today
    page = page_as(ADMIN)
    page.goto("/forums/")
    page.get_by_role("link", name=forum, exact=True).click()
    page.get_by_role("link", name="Manage meetings").click()
    page.get_by_label("Meeting date").fill(today.isoformat())
    page.get_by_label("Notes (optional)").fill("Extra meeting to review overdue actions.")
    page.get_by_role("button", name="Add meeting").click()
    page.wait_for_url(re.compile(r"/forums/\d+/meetings$"))
    assert flash_text(page) == f"Meeting on {long_date(today)} added."
    return today


def agenda_item(page, link_name: str):
    """The card of the agenda item that holds the named link."""
    return page.locator(".app-agenda-item", has=page.get_by_role("link", name=link_name))


def test_reviewer_records_a_forum_review_on_a_meeting_agenda(page, page_as, live_server):
    held_on = long_date(hold_a_meeting_today(page_as, live_server, "Inclusion Council"))
    sign_in(page, REVIEWER)
    page.get_by_role("link", name="Forums", exact=True).click()
    page.get_by_role("link", name="Inclusion Council", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inclusion Council")
    page.get_by_role("link", name=f"Agenda for {held_on}", exact=True).click()

    page.wait_for_url(re.compile(r"/forums/\d+/meetings/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Meeting on {held_on}: agenda")
    page.get_by_role("button", name="Build the agenda now").click()
    expect(page.get_by_text(re.compile(r"^Agenda built: \d+ actions? on it\.$"))).to_be_visible()
    expect(page.get_by_text("Owners' ratings are taken again each morning until the meeting day.")).to_be_visible()
    record = page.get_by_role("link", name=f"Record the forum's review of action 2.3 ({CURRENT_YEAR})")
    item = page.locator(".app-agenda-item", has=record)
    expect(item).to_contain_text("Rated Red by its owner")
    expect(item).to_contain_text("Not reviewed yet")
    shoot(page, "journey4-meeting-agenda")
    violations = check_accessibility(page, "journey4-meeting-agenda")
    assert not violations, describe(violations)

    record.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review of action 2.3 ({CURRENT_YEAR})")
    violations = check_accessibility(page, "journey4-review-form")
    assert not violations, describe(violations)
    comment = "Show the champions' training dates and how many directorates have one."
    page.get_by_role("group", name="The forum's RAG rating").get_by_label("Red", exact=True).check()
    page.get_by_label("Comment for the action's owners").fill(comment)
    page.get_by_role("group", name="Decision").get_by_label("Request more evidence").check()
    shoot(page, "journey4-review-form-filled")
    page.get_by_role("button", name="Record the review").click()

    page.wait_for_url(re.compile(r"/forums/\d+/meetings/\d+#item-\d+$"))
    shoot(page, "journey4-agenda-with-review")
    assert flash_text(page) == "The forum's review of action 2.3 is recorded: More evidence requested."
    item = agenda_item(page, f"Record a new review of action 2.3 ({CURRENT_YEAR})")
    review = item.locator(".app-agenda-review")
    expect(review.locator(".nhsuk-tag")).to_have_text("Red")
    expect(review).to_contain_text("More evidence requested")
    expect(review).to_contain_text(comment)
    expect(review).to_contain_text(f"Inclusion Council member, {held_on}")

    item.get_by_role("link", name="2.3", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Action 2.3")
    shoot(page, "journey4-action-with-forum-review")
    reviews = page.locator("table", has=page.locator("caption", has_text="The forums' reviews of this action"))
    latest = reviews.locator("tbody tr").first
    expect(latest.locator("td").nth(0)).to_contain_text(f"Inclusion Council, {held_on}")
    expect(latest.locator("td").nth(2).locator(".nhsuk-tag")).to_have_text("Red")
    expect(latest.locator("td").nth(3)).to_contain_text("More evidence requested")
    expect(latest.locator("td").nth(4)).to_contain_text(comment)
    stored = live_server.query(
        "SELECT r.reviewed_rag, r.decision, r.comment, u.email FROM forum_reviews r "
        "JOIN users u ON u.id = r.reviewer_id WHERE r.action_id = ? AND r.meeting_id = "
        "(SELECT id FROM meetings WHERE held_on = ? AND forum_id = (SELECT id FROM forums WHERE name = ?))",
        live_server.action_id(CURRENT_YEAR, "2.3"), clock.today().isoformat(), "Inclusion Council")
    assert stored == [("red", "more_evidence", comment, REVIEWER)]


def _meeting_ahead(live_server, forum: str, days: int) -> tuple[int, int, date]:
    """(forum id, meeting id, date) of the forum's first meeting at least `days` days from today."""
    rows = live_server.query(
        "SELECT f.id, m.id, m.held_on FROM meetings m JOIN forums f ON f.id = m.forum_id "
        "WHERE f.name = ? AND m.held_on >= ? ORDER BY m.held_on LIMIT 1",
        forum, (clock.today() + timedelta(days=days)).isoformat())
    assert rows, f"the demo has no {forum} meeting {days} days ahead"
    forum_id, meeting_id, held_on = rows[0]
    return forum_id, meeting_id, date.fromisoformat(held_on)


def test_the_daily_run_builds_an_agenda_ten_days_ahead_with_nobody_opening_a_page(page_as, live_server):
    forum_id, meeting_id, held_on = _meeting_ahead(live_server, "People and Culture Development Committee", 30)
    built = "SELECT COUNT(*) FROM meeting_agendas WHERE meeting_id = ?"
    assert live_server.query(built, meeting_id) == [(0,)]

    live_server.flask("reminders", "run", "--today", (held_on - timedelta(days=11)).isoformat(), "--dry-run")
    assert live_server.query(built, meeting_id) == [(0,)]
    live_server.flask("reminders", "run", "--today", (held_on - timedelta(days=10)).isoformat())

    assert live_server.query(built, meeting_id) == [(1,)]
    items = live_server.query("SELECT COUNT(*), COUNT(rated_at) FROM agenda_items WHERE meeting_id = ?", meeting_id)
    assert items[0][0] >= 1 and items[0][0] == items[0][1], "every item keeps its owner's rating"
    page = page_as(REVIEWER)
    page.goto(f"/forums/{forum_id}/meetings/{meeting_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Meeting on {long_date(held_on)}: agenda")
    expect(page.locator(".app-agenda-item")).to_have_count(items[0][0])
    expect(page.get_by_role("button", name="Build the agenda now")).to_have_count(0)
    shoot(page, "journey-agenda-built-by-the-daily-run")


def test_a_reviewer_records_the_whole_agenda_on_one_page_before_the_meeting(page_as, live_server):
    forum_id, meeting_id, held_on = _meeting_ahead(live_server, "Inclusion Council", 1)
    admin = page_as(ADMIN)
    admin.goto(f"/forums/{forum_id}/meetings/{meeting_id}")
    if admin.get_by_role("button", name="Build the agenda now").count():
        admin.get_by_role("button", name="Build the agenda now").click()
    page = page_as(REVIEWER)
    page.goto(f"/forums/{forum_id}/meetings/{meeting_id}")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390, "the agenda fits a phone"
    shoot(page, "journey-agenda-on-a-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1280
    page.get_by_role("link", name="Record the forum's reviews").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Record the forum's reviews")
    expect(page.get_by_text(f"The meeting is on {long_date(held_on)}: reviews recorded now are shown as recorded "
                            "before the meeting.", exact=False)).to_be_visible()
    rows = page.locator("fieldset.app-review-row")
    assert rows.count() >= 2
    first, second = rows.nth(0), rows.nth(1)
    first.get_by_role("group", name="The forum's RAG rating").get_by_label("Amber", exact=True).check()
    first.get_by_label("Decision").select_option("more_evidence")
    first.get_by_label("Comment for the action's owners").fill("Bring the training figures to the next meeting.")
    second.get_by_role("group", name="The forum's RAG rating").get_by_label("Green", exact=True).check()
    second.get_by_label("Decision").select_option("agree_cancellation")
    page.get_by_role("button", name="Save the reviews").click()

    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"Give the reason the forum agreed to cancel"))).to_be_visible()
    shoot(page, "journey-whole-agenda-with-an-error")
    assert live_server.query("SELECT COUNT(*) FROM forum_reviews WHERE meeting_id = ?", meeting_id) == [(0,)]
    violations = check_accessibility(page, "journey-whole-agenda-with-an-error")
    assert not violations, describe(violations)

    expect(page.locator("fieldset.app-review-row").nth(0).get_by_label("Comment for the action's owners")).to_have_value(
        "Bring the training figures to the next meeting.")
    page.locator("fieldset.app-review-row").nth(1).get_by_label("Decision").select_option("noted")
    page.get_by_role("button", name="Save the reviews").click()

    page.wait_for_url(re.compile(rf"/forums/{forum_id}/meetings/{meeting_id}$"))
    assert flash_text(page) == "2 reviews recorded."
    expect(page.get_by_text("before the meeting").first).to_be_visible()
    shoot(page, "journey-whole-agenda-recorded")
    stored = live_server.query("SELECT reviewed_rag, decision FROM forum_reviews WHERE meeting_id = ? ORDER BY id",
                               meeting_id)
    assert stored == [("amber", "more_evidence"), ("green", "noted")]


def test_edi_lead_uploads_a_data_pack_and_sees_the_indicators(page_as, app_routes):
    if "/indicators/import" not in app_routes:
        pytest.skip("WRES data pack import not landed yet")
    page = page_as(ADMIN)
    page.goto("/indicators/")
    page.get_by_role("link", name="Import a year's data pack").click()
    page.get_by_label("WRES year").fill("2024")
    page.locator("input[type=file][name=files]").set_input_files(sorted(PACK_2024.iterdir()))
    shoot(page, "journey5-data-pack-chosen")
    page.get_by_role("button", name="Check the files").click()

    page.wait_for_url(re.compile(r"/indicators/import/[^/]+$"))
    violations = check_accessibility(page, "journey5-data-pack-preview")
    assert not violations, describe(violations)
    assert "11.11%" in page.locator("main").inner_text()
    page.get_by_role("button", name="Confirm and store the 2024 results").click()

    page.wait_for_url(re.compile(r"/indicators/$"))
    assert flash_text(page) == "The 2024 WRES results have been stored."
    expect(page.get_by_role("heading", level=1)).to_have_text("WRES indicators")
    expect(page.locator("tr:has(a[href$='/indicators/1'])")).to_contain_text("11.11%")
    violations = check_accessibility(page, "journey5-indicators-with-2024")
    assert not violations, describe(violations)

    page.locator("a[href$='/indicators/1']").first.click()
    expect(page.locator("figure svg.app-chart[role=img]")).to_have_attribute(
        "aria-label", re.compile(r"^Line chart of indicator 1, "))
    violations = check_accessibility(page, "journey5-indicator-1-with-chart")
    assert not violations, describe(violations)


def test_edi_lead_downloads_the_board_pack_as_a_word_document(page_as, live_server, app_routes, tmp_path):
    if "/plans/<int:plan_id>/documents" not in app_routes:
        pytest.skip("Word documents not landed yet")
    page = page_as(ADMIN)
    page.goto(f"/plans/{live_server.plan_id(CURRENT_YEAR)}")
    page.get_by_role("navigation", name="Plan pages").get_by_role("link", name="Word documents").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Word documents")
    shoot(page, "journey6-word-documents")
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download the board pack").click()
    download = waiting.value
    assert download.suggested_filename.endswith(".docx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    document = Document(str(saved))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert any(text.startswith("Appendix 1: ") and LAST_YEAR in text for text in headings), headings
    assert any(text.startswith("Appendix 2: ") and CURRENT_YEAR in text for text in headings), headings


def test_the_demo_overview_shows_a_year_in_progress_in_every_colour(page_as, live_server):
    page = page_as(VIEWER)
    page.goto(f"/plans/{live_server.plan_id(CURRENT_YEAR)}/overview")

    expect(page.get_by_role("heading", level=1)).to_contain_text(CURRENT_YEAR)
    expect(page.get_by_text(re.compile(r"^Demo data: "))).to_be_visible()
    tiles = page.get_by_role("list", name="Actions by RAG").get_by_role("listitem")
    counts = {}
    for word in ("Red", "Amber", "Green", "Blue (complete)"):
        tile = tiles.filter(has=page.get_by_role("link", name=word, exact=True))
        expect(tile).to_have_count(1)
        counts[word] = int(tile.locator("> strong").inner_text())
    total = int(tiles.first.locator("> strong").inner_text())
    overdue = int(tiles.filter(has_text="overdue").locator("> strong").inner_text())
    shoot(page, "journey-demo-overview")
    assert all(count > 0 for count in counts.values()), counts
    assert overdue < total / 3, (overdue, total)


def test_a_viewers_first_page_lists_the_current_plans_and_the_wres_plans_overview_has_its_charts(context, live_server):
    """A viewer owns nothing. With a WRES and a WDES plan current for the same year (as the demo has),
    signing in lands on the plans list, where both are listed with their standard and an overview link
    each; the WRES plan's overview draws both charts, each with its figures as a table beneath, and
    My actions is one click away."""
    page = context.new_page()
    sign_in(page, VIEWER)
    assert page.url.endswith("/plans/"), page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Action plans")
    wres, wdes = (live_server.query("SELECT title FROM plans WHERE year = ? AND standard = ?", CURRENT_YEAR, standard)[0][0]
                  for standard in ("wres", "wdes"))
    for title, label in ((wres, "WRES plan"), (wdes, "WDES plan")):
        row = page.locator("tr", has=page.get_by_role("link", name=title, exact=True))
        expect(row).to_contain_text(CURRENT_YEAR)
        expect(row.locator(".nhsuk-tag")).to_have_text(label)
        expect(row.get_by_role("link", name=f"Overview of {title}")).to_be_visible()
    found = check_accessibility(page, "viewer-first-page-plans")
    assert not found, describe(found)
    page.set_viewport_size({"width": 390, "height": 800})
    shoot(page, "viewer-first-page-plans-390")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name=f"Overview of {wres}").click()
    assert page.url.endswith(f"/plans/{live_server.plan_id(CURRENT_YEAR)}/overview"), page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Overview: {wres}")
    expect(page).to_have_title(re.compile(f"^Overview of the {CURRENT_YEAR} WRES plan"))
    expect(page.locator("figure.app-chart-figure svg[role=img]")).to_have_count(2)
    expect(page.get_by_role("table", name="By theme: actions at each RAG")).to_be_visible()
    expect(page.get_by_role("table", name="By month: actions at each RAG at the month's end")).to_be_visible()
    expect(page.get_by_role("link", name="My actions").first).to_be_visible()
    found = check_accessibility(page, "viewer-first-page-overview")
    assert not found, describe(found)
