"""Exports hold what the page shows: the plan page's filtered and sorted actions (every page), a forum's
actions and My actions, each in the page's order, with the filters in the file name and, in Excel, a first
line saying what was chosen."""
import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from tracker.actions.models import Action
from tracker.extensions import db
from tracker.governance.service import create_forum
from tracker.plans.file_reader import read_plan

TODAY = date(2024, 11, 1)


@pytest.fixture
def plan(make_plan, make_action, make_user, fixed_today):
    """Refs that sort wrongly as text, RAGs, due dates, two forums; Laura owns three actions."""
    fixed_today(TODAY)
    plan = make_plan(year="2025-26", themes=("Recruitment", "Speaking up"))
    council = create_forum("Inclusion Council", None)
    pcdc = create_forum("People and Culture Development Committee", None)
    laura = make_user("owner", name="Laura Reynolds")
    rows = [("1.10", "Mar 2025", "amber", [council], [laura]), ("1.2", "Oct 2024", "amber", [pcdc], []),
            ("2.1", "Dec 2024", "red", [council], [laura]), ("1.1", "Ongoing", "green", [council], []),
            ("10.1", "Jan 2025", "amber", [council], [laura]), ("1.3", "Feb 2025", None, [], [])]
    for ref, by_when, rag, forums, owners in rows:
        action = make_action(plan, ref, by_when=by_when, text=f"Action {ref}", forums=forums, owners=owners)
        db.session.get(Action, action.id).rag = rag
    db.session.commit()
    return plan


def _csv_refs(response) -> list[str]:
    return [row["ref"] for row in csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig")))]


def _filename(response) -> str:
    return re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"]).group(1)


def _page_refs(client, url) -> list[str]:
    return re.findall(r'<a href="/actions/\d+">([^<]+)</a>', client.get(url).get_data(as_text=True))


@pytest.fixture
def lead(make_user, sign_in):
    return sign_in(make_user("admin", name="Edi Lead"))


@pytest.mark.parametrize("query, refs", [
    ("", ["1.1", "1.2", "1.3", "1.10", "2.1", "10.1"]),
    ("rag=amber", ["1.2", "1.10", "10.1"]),
    ("rag=amber&sort=due", ["1.2", "10.1", "1.10"]),
    ("sort=rag", ["2.1", "1.2", "1.10", "10.1", "1.1", "1.3"]),
    ("sort=theme&rag=amber", ["1.2", "1.10", "10.1"]),
    ("rag=amber&forum=FORUM", ["1.10", "10.1"]),
    ("owner=LAURA&sort=due", ["2.1", "10.1", "1.10"]),
    ("overdue=y", ["1.2"]),
])
def test_the_export_holds_exactly_the_rows_the_plan_page_shows_in_its_order(client, lead, plan, query, refs):
    forum_id = db.session.scalar(db.select(db.text("id")).select_from(db.text("forums"))
                                 .where(db.text("name = 'Inclusion Council'")))
    laura = db.session.scalar(db.select(db.text("id")).select_from(db.text("users"))
                              .where(db.text("name = 'Laura Reynolds'")))
    query = query.replace("FORUM", str(forum_id)).replace("LAURA", str(laura))
    assert _page_refs(client, f"/plans/{plan.id}?{query}") == refs
    assert _csv_refs(client.get(f"/plans/{plan.id}/export.csv?{query}")) == refs
    sheet = load_workbook(io.BytesIO(client.get(f"/plans/{plan.id}/export.xlsx?{query}").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = 1 if query else 0
    assert [row[0] for row in rows[header + 1:]] == refs


def test_the_file_name_and_excel_first_line_say_which_filters_made_it(client, lead, plan):
    forum_id = next(f.id for a in plan.actions for f in a.forums if f.name == "Inclusion Council")
    query = f"rag=amber&forum={forum_id}"
    csv_file = client.get(f"/plans/{plan.id}/export.csv?{query}")
    assert _filename(csv_file) == "wres-plan-2025-26-rag-amber-forum-inclusion-council.csv"
    assert csv_file.get_data().decode("utf-8-sig").startswith("ref,theme,action,")
    excel = client.get(f"/plans/{plan.id}/export.xlsx?{query}")
    assert _filename(excel) == "wres-plan-2025-26-rag-amber-forum-inclusion-council.xlsx"
    rows = list(load_workbook(io.BytesIO(excel.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Filtered: RAG amber; forum Inclusion Council; 2 of 6 actions"
    assert rows[1][:3] == ("ref", "theme", "action")
    assert [action.ref for action in read_plan(excel.data, "x.xlsx").rows] == ["1.10", "10.1"]


def test_an_unfiltered_export_is_the_whole_plan_with_no_note(client, lead, plan):
    excel = client.get(f"/plans/{plan.id}/export.xlsx")
    assert _filename(excel) == "wres-plan-2025-26.xlsx"
    assert list(load_workbook(io.BytesIO(excel.data)).active.iter_rows(values_only=True))[0][:2] == ("ref", "theme")


def test_the_export_holds_every_page_of_a_long_filtered_list(client, lead, make_plan, make_action):
    big = make_plan(year="2026-27")
    for n in range(1, 121):
        action = make_action(big, f"1.{n}", by_when="Dec 2026")
        db.session.get(Action, action.id).rag = "red" if n % 2 else "green"
    db.session.commit()
    page = client.get(f"/plans/{big.id}?rag=red&sort=ref").get_data(as_text=True)
    assert "Showing actions 1 to 50 of 60." in page
    assert f'<a href="/plans/{big.id}/export.csv?rag=red&amp;sort=ref">CSV' in page
    assert "Download the 60 actions matching these filters, from every page, in this order" in page
    assert _csv_refs(client.get(f"/plans/{big.id}/export.csv?rag=red&sort=ref")) == [
        f"1.{n}" for n in range(1, 121, 2)]


def test_the_forum_page_exports_its_actions_as_shown(client, make_user, sign_in, plan):
    sign_in(make_user("viewer"))
    council = next(f for a in plan.actions for f in a.forums if f.name == "Inclusion Council")
    shown = _page_refs(client, f"/forums/{council.id}")
    assert shown == ["1.1", "1.10", "2.1", "10.1"]
    response = client.get(f"/forums/{council.id}/actions.csv")
    assert response.status_code == 200 and _csv_refs(response) == shown
    assert _filename(response) == "wres-actions-inclusion-council.csv"
    rows = list(load_workbook(io.BytesIO(client.get(f"/forums/{council.id}/actions.xlsx").data)).active
                .iter_rows(values_only=True))
    assert rows[0][0] == "Open actions reported to Inclusion Council in plans that are not closed; 4 actions"
    assert [row[0] for row in rows[2:]] == shown


def test_my_actions_exports_the_signed_in_users_actions_in_the_pages_order(client, sign_in, plan):
    from tracker.auth.models import User
    laura = db.session.scalar(db.select(User).where(User.name == "Laura Reynolds"))
    sign_in(laura)
    page = client.get("/my-actions").get_data(as_text=True)
    shown = re.findall(r'<a href="/actions/\d+">([^<]+)</a>', page)
    assert sorted(shown) == ["1.10", "10.1", "2.1"]
    assert 'href="/my-actions/export.csv">CSV' in page
    response = client.get("/my-actions/export.csv")
    assert _csv_refs(response) == shown
    assert _filename(response) == "wres-my-actions-laura-reynolds.csv"
    rows = list(load_workbook(io.BytesIO(client.get("/my-actions/export.xlsx").data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "My actions: Laura Reynolds; 3 actions in current plans"
    assert [row[0] for row in rows[2:]] == shown


def test_file_names_are_made_safe_and_kept_short():
    from tracker.plans.file_writer import LONGEST_NAME, export_filename, safe_filename

    assert export_filename("2024/25", "csv", ["owner O'Brien & Sons", "status PROGRESS  MADE"]) == (
        "wres-plan-2024-25-owner-o-brien-sons-status-progress-made.csv")
    assert safe_filename(("wres-actions", '../"Ünïcode" forum\r\n'), "xlsx") == "wres-actions-n-code-forum.xlsx"
    long_name = safe_filename(("wres-plan", "2024-25", "forum " + "x" * 500), "csv")
    assert len(long_name) <= LONGEST_NAME + len(".csv") and long_name.endswith("x.csv")
