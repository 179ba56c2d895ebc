"""Importing a plan through the web page and the importer service, and exporting it."""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tracker.actions.models import Action, ProgressUpdate
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.governance.service import create_forum
from tracker.plans import file_reader, file_writer, importer
from tracker.plans.models import Plan, Theme

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "plan_2024_25.csv"
NEW_PEOPLE = ["AS", "People Team", "All Service Leaders", "Dawn Ainsworth", "Vicky Boswell", "Lauren Cartwright",
              "Identified Service Mgrs", "Jody Nicholls", "BA", "Execs", "Dave Hewitt"]


@pytest.fixture
def admin(make_user):
    return make_user("admin", name="Lesley Faux", email="edi.lead@example.org")


@pytest.fixture
def forums(app):
    made = [create_forum("Inclusion Council", None),
            create_forum("People and Culture Development Committee", None, short_name="PCDC")]
    db.session.commit()
    return made


def counts() -> dict[str, int]:
    models = {"plans": Plan, "themes": Theme, "actions": Action, "users": User, "forums": Forum,
              "updates": ProgressUpdate, "audit": AuditEvent}
    return {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in models.items()}


def post_file(client, content: bytes, filename: str, year: str = "2024-25", title: str = ""):
    return client.post("/plans/import", data={"year": year, "title": title, "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def action(plan: Plan, ref: str) -> Action:
    return db.session.scalar(select(Action).where(Action.plan_id == plan.id, Action.ref == ref))


def snapshot(plan: Plan) -> list[tuple]:
    """What an import must reproduce, action by action."""
    db.session.expire_all()
    return [
        (a.ref, a.theme.label if a.theme else None, a.text, a.indicators, [u.name for u in a.owners],
         [u.name for u in a.supporting_leads], [f.name for f in a.forums], a.by_when, a.outcome, a.priority,
         a.status, a.rag, a.rag_as_at, a.lead_text, a.equality_objectives, a.edi_goals, a.category,
         a.cancelled_reason, a.updates[0].narrative if a.updates else None)
        for a in sorted(plan.actions, key=lambda a: importer.ref_key(a.ref))
    ]


def test_importing_the_2024_25_plan_creates_its_themes_actions_people_and_forums(client, sign_in, admin, forums):
    sign_in(admin)
    response = post_file(client, FIXTURE.read_bytes(), "plan_2024_25.csv", title="Inclusion and Belonging 2024-25")
    plan = db.session.scalar(select(Plan))
    assert response.status_code == 302 and response.headers["Location"] == f"/plans/{plan.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ("Imported 14 actions in 2 themes; 11 new people were added as inactive users: "
            + ", ".join(NEW_PEOPLE) + "; 1 new forum was added as inactive: Trust Board.") in page
    assert (plan.year, plan.title, plan.status) == ("2024-25", "Inclusion and Belonging 2024-25", "draft")
    assert [t.label for t in plan.themes] == [
        "1. Deliver key milestones to implement, ensure and embed an effectively debiased inclusive recruitment "
        "process change programme",
        "2. Reducing inequalities and health inequalities for our service users and staff"]
    assert len(plan.actions) == 14
    new_people = db.session.scalars(select(User).where(User.id != admin.id).order_by(User.id)).all()
    assert [(u.name, u.email, u.role, u.active) for u in new_people] == [(n, None, "owner", False) for n in NEW_PEOPLE]
    assert [(f.name, f.active) for f in db.session.scalars(select(Forum).order_by(Forum.id))] == [
        ("Inclusion Council", True), ("People and Culture Development Committee", True), ("Trust Board", False)]


def test_imported_actions_keep_every_column(client, sign_in, admin, forums):
    sign_in(admin)
    post_file(client, FIXTURE.read_bytes(), "plan_2024_25.csv")
    plan = db.session.scalar(select(Plan))
    first = action(plan, "1.1")
    assert ([u.name for u in first.owners], first.indicators, first.priority, first.rag, first.status) == (
        ["AS"], [1, 2], "Must", "green", "PROGRESS MADE")
    assert [f.name for f in first.forums] == ["Inclusion Council", "People and Culture Development Committee"]
    [update] = first.updates
    assert (update.author_id, update.as_at, update.status, update.rag) == (admin.id, date(2024, 9, 30),
                                                                         "PROGRESS MADE", "green")
    assert update.narrative.startswith("Begun debiasing our recruitment and selection processes")
    assert [u.name for u in action(plan, "2.6").owners] == ["Lesley Faux"]  # matched by email
    dashboard = action(plan, "2.9")
    assert ([u.name for u in dashboard.supporting_leads], dashboard.lead_text, dashboard.by_when,
            dashboard.due_on, dashboard.equality_objectives) == (
        ["Lesley Faux"], "Dave Hewitt, CIO with LF", "Phase thru' 24-25", date(2025, 3, 31), "2 & 3")
    assert plan.title == "WRES action plan 2024-25"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "imported"))
    assert (event.subject_type, event.subject_id, event.actor_id) == ("plan", plan.id, admin.id)
    assert event.changes["file"] == [None, "plan_2024_25.csv"] and event.changes["actions"] == [None, 14]


def test_a_file_with_three_bad_rows_lists_every_problem_and_stores_nothing(client, sign_in, admin, forums):
    sign_in(admin)
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    bad = lines[:3] + [lines[3].replace(",Should,", ",Maybe,"), lines[4].replace(",1-2,", ",1-12,"), ",,,,,,,,,,,,,,,,"]
    bad[5] = ",,Someone new,,Brand New Person,,,Dec 2024,,New Forum,,,,Purple,,,"
    before = counts()
    response = post_file(client, "\n".join(bad).encode(), "bad plan.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: Import a plan" in page and "There is a problem" in page
    assert "bad plan.csv has 4 problems. Nothing has been imported" in page
    for problem in ("Row 4, priority: &#39;Maybe&#39; is not a priority",
                    "Row 5, indicators: &#39;1-12&#39; is not a WRES indicator",
                    "Row 6, ref: Enter the action&#39;s reference, like 1.1",
                    "Row 6, rag: &#39;Purple&#39; is not a RAG rating"):
        assert problem in page
    assert page.count('<tr class="nhsuk-table__row">\n          <td class="nhsuk-table__cell">') == 4 + 14  # the problems, then the column help's rows
    assert "4 problems to correct before the file can be imported" in page
    assert counts() == before


def test_more_than_ten_problems_are_all_in_the_table(client, sign_in, admin):
    sign_in(admin)
    rows = "\n".join(f"1.{n},1. Theme,Do it,,,,,,x,,," for n in range(1, 13))
    response = post_file(client, (",".join(file_reader.COLUMNS) + "\n" + rows).encode(), "plan.csv")
    page = response.get_data(as_text=True)
    assert "and 2 more problems: see the table of problems below" in page
    assert "12 problems to correct" in page and "<td class=\"nhsuk-table__cell\">13</td>" in page


@pytest.mark.parametrize("content, filename, message", [
    (b"", "empty.csv", "empty.csv is empty."),
    (bytes(range(256)) * 8, "junk.csv", "junk.csv does not look like a CSV file"),
    (b"ref,owners\n1.1,Jo\n", "short.csv", "short.csv is missing the column action"),
])
def test_a_file_that_cannot_be_read_gives_one_message_and_stores_nothing(client, sign_in, admin, content, filename,
                                                                         message):
    sign_in(admin)
    before = counts()
    response = post_file(client, content, filename)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert counts() == before


def test_the_form_checks_year_and_file_type(client, sign_in, admin):
    sign_in(admin)
    before = counts()
    page = post_file(client, FIXTURE.read_bytes(), "plan.pdf", year="2024-26").get_data(as_text=True)
    assert "&#39;2024-26&#39; is not a plan year: write it like 2024-25" in page
    assert "The file must be a CSV (.csv) or Excel (.xlsx) file" in page
    page = post_file(client, FIXTURE.read_bytes(), "plan.csv", title="Plan\x07").get_data(as_text=True)
    assert "Remove the control characters from the title" in page
    page = client.post("/plans/import", data={"year": "2024-25"}).get_data(as_text=True)
    assert "Choose the CSV or Excel file to import" in page
    assert counts() == before


def test_the_import_page_explains_the_columns_and_offers_a_template(client, sign_in, admin):
    sign_in(admin)
    page = client.get("/plans/import").get_data(as_text=True)
    assert "<h1>Import a plan</h1>" in page and "Columns in the file" in page
    assert 'href="/plans/import/template.csv"' in page and 'enctype="multipart/form-data"' in page
    template = client.get("/plans/import/template.csv")
    assert template.headers["Content-Disposition"] == 'attachment; filename="wres-plan-template.csv"'
    assert template.data == file_writer.template_csv()


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_plan(client, sign_in, admin, forums, extension):
    sign_in(admin)
    post_file(client, FIXTURE.read_bytes(), "plan_2024_25.csv")
    original = db.session.scalar(select(Plan))
    exported = client.get(f"/plans/{original.id}/export.{extension}")
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"] == f'attachment; filename="wres-plan-2024-25.{extension}"'
    before = counts()
    response = post_file(client, exported.data, f"wres-plan-2024-25.{extension}", year="2025-26")
    copy = db.session.get(Plan, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert counts()["users"] == before["users"] and counts()["forums"] == before["forums"]
    assert snapshot(copy) == snapshot(original)
    assert len(snapshot(copy)) == 14


def test_tricky_values_survive_the_round_trip(client, sign_in, admin, make_plan, make_action):
    owner = admin
    plan = make_plan(themes=("Recruitment", "Health"))
    make_action(plan, "2.10", theme=plan.themes[1], text='=HYPERLINK("http://x")', owners=[owner],
                by_when="TBC", outcome="+5% BME shortlisted\nsecond line", status="CANCELLED",
                cancelled_reason="-merged into 2.9", indicators=[9], category="Retain")
    make_action(plan, "2.9", theme=plan.themes[1], text="Café – naïve ‘quotes’", by_when="Ongoing", rag="blue")
    make_action(plan, "3", theme=None, text="No theme at all", by_when="")
    sign_in(admin)
    for extension in ("csv", "xlsx"):
        exported = client.get(f"/plans/{plan.id}/export.{extension}").data
        response = post_file(client, exported, f"plan.{extension}", year="2025-26")
        assert response.status_code == 302
        copy = db.session.get(Plan, int(response.headers["Location"].rsplit("/", 1)[1]))
        assert snapshot(copy) == snapshot(plan)
    assert "The &#39;by when&#39; of 2.10 could not be read as a date" in client.get(
        response.headers["Location"]).get_data(as_text=True)


def test_export_neutralises_formulas(client, sign_in, admin, make_plan, make_action):
    plan = make_plan()
    make_action(plan, "1.1", text='=HYPERLINK("http://x")', outcome="@cmd", owners=[admin])
    sign_in(admin)
    content = client.get(f"/plans/{plan.id}/export.csv")
    assert content.mimetype == "text/csv" and content.data.startswith(b"\xef\xbb\xbf")
    header, cells = list(csv.reader(io.StringIO(content.data.decode("utf-8-sig"))))
    values = dict(zip(header, cells))
    assert (values["action"], values["outcome"], values["owners"]) == ('\'=HYPERLINK("http://x")', "'@cmd", "Lesley Faux")
    sheet = load_workbook(io.BytesIO(client.get(f"/plans/{plan.id}/export.xlsx").data)).active
    assert sheet["C2"].value == '\'=HYPERLINK("http://x")' and sheet["C2"].data_type == "s"


def test_export_of_an_unknown_plan_is_404(client, sign_in, admin):
    sign_in(admin)
    assert client.get("/plans/999/export.csv").status_code == 404
    assert client.get("/plans/1/export.pdf").status_code == 404


@pytest.mark.parametrize("role", ["owner", "reviewer", "viewer"])
def test_only_admins_can_import_but_everyone_who_sees_the_plan_page_can_export_it(client, sign_in, make_user,
                                                                                   make_plan, role):
    plan = make_plan()
    sign_in(make_user(role))
    before = counts()
    assert client.get("/plans/import").status_code == 403
    assert post_file(client, FIXTURE.read_bytes(), "plan.csv").status_code == 403
    assert client.get("/plans/import/template.csv").status_code == 403
    assert client.get(f"/plans/{plan.id}").status_code == 200
    assert client.get(f"/plans/{plan.id}/export.csv").status_code == 200
    assert client.get(f"/plans/{plan.id}/export.xlsx").status_code == 200
    assert counts() == before


def test_anonymous_users_are_sent_to_sign_in(client, make_plan):
    plan = make_plan()
    for response in (client.get("/plans/import"), post_file(client, FIXTURE.read_bytes(), "plan.csv"),
                     client.get(f"/plans/{plan.id}/export.csv")):
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert db.session.scalar(select(func.count()).select_from(Plan)) == 1


def test_the_service_imports_rows_and_reports_unparsed_by_when(app, admin):
    rows = file_reader.read_plan_file(file_writer.template_csv(), "template.csv")
    rows[0].by_when = "DETAIL TO BE DEVELOPED"
    result = importer.import_plan(rows, year="2024-25", title="", actor=admin, filename="template.csv")
    assert (result.actions, result.themes, result.updates, result.unparsed_by_when) == (1, 1, 1, ["1.1"])
    assert result.new_people == ["Jo Bloggs", "recruitment.lead@example.nhs.uk"]
    assert result.new_forums == ["Inclusion Council", "PCDC"]
    emails = {u.name: u.email for u in db.session.scalars(select(User).where(User.active.is_(False)))}
    assert emails == {"Jo Bloggs": None, "recruitment.lead@example.nhs.uk": "recruitment.lead@example.nhs.uk"}
    assert result.summary() == (
        "Imported 1 action in 1 theme; 2 new people were added as inactive users: Jo Bloggs, "
        "recruitment.lead@example.nhs.uk; 2 new forums were added as inactive: Inclusion Council, PCDC. "
        "The 'by when' of 1.1 could not be read as a date; it is kept as written.")
