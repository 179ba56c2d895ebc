"""Plans and themes: creating, editing (with optimistic locking) and listing."""
from datetime import date

from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.governance.service import create_forum
from tracker.plans.models import Plan, Theme


def _plan_form(**overrides):
    data = {"year": "2024-25", "title": "Inclusion and Belonging Action Plan 2024-25", "status": "draft",
            "approved_on": "", "approved_by": "0", "equality_objectives_key": "", "edi_goals_key": ""}
    data.update(overrides)
    return data


def test_admin_creates_a_plan_and_adds_themes(client, make_user, sign_in):
    sign_in(make_user("admin"))
    response = client.post("/plans/new", data=_plan_form())
    plan = db.session.scalar(select(Plan))
    assert response.status_code == 302 and response.location == f"/plans/{plan.id}/edit"
    assert (plan.year, plan.title, plan.status) == ("2024-25", "Inclusion and Belonging Action Plan 2024-25", "draft")
    client.post(f"/plans/{plan.id}/themes", data={"theme-number": "1", "theme-title": "Debiased recruitment"})
    client.post(f"/plans/{plan.id}/themes", data={"theme-number": "2.", "theme-title": "Reducing inequalities"})
    themes = db.session.scalars(select(Theme).order_by(Theme.position)).all()
    assert [(t.number, t.title) for t in themes] == [("1", "Debiased recruitment"), ("2", "Reducing inequalities")]
    page = client.get(f"/plans/{plan.id}/edit").get_data(as_text=True)
    assert "Debiased recruitment" in page and "Reducing inequalities" in page


def test_plan_year_must_be_a_financial_year(client, make_user, sign_in):
    sign_in(make_user("admin"))
    for year in ("2024", "2024-26", "24-25", "abcd-ef"):
        page = client.post("/plans/new", data=_plan_form(year=year)).get_data(as_text=True)
        assert "is not a plan year: write it like 2024-25" in page and "There is a problem" in page
    assert db.session.scalar(select(Plan)) is None


def test_duplicate_theme_number_is_refused(client, make_user, make_plan, sign_in):
    plan = make_plan(themes=("Recruitment",))
    sign_in(make_user("admin"))
    response = client.post(f"/plans/{plan.id}/themes", data={"theme-number": "1", "theme-title": "Again"})
    assert response.status_code == 400
    assert "This plan already has a theme 1" in response.get_data(as_text=True)
    assert db.session.query(Theme).count() == 1


def test_approving_a_plan_records_the_forum_and_date(client, make_user, make_plan, sign_in):
    plan = make_plan()
    board = create_forum("Trust Board", None)
    db.session.commit()
    admin = make_user("admin")
    sign_in(admin)
    response = client.post(f"/plans/{plan.id}/edit", data=_plan_form(
        status="approved", approved_on="2024-09-26", approved_by=str(board.id), version=str(plan.version)))
    assert response.status_code == 302
    stored = db.session.get(Plan, plan.id)
    assert (stored.status, stored.approved_on, stored.approved_by.name) == ("approved", date(2024, 9, 26), "Trust Board")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "updated")).one()
    assert event.changes["status"] == ["draft", "approved"] and event.changes["approved_by"] == [None, "Trust Board"]
    assert "2024-25 · Approved by Trust Board on 26 September 2024" in client.get(f"/plans/{plan.id}").get_data(as_text=True)


def test_stale_plan_edit_is_refused(client, make_user, make_plan, sign_in):
    plan = make_plan(title="First title")
    sign_in(make_user("admin"))
    opened = str(plan.version)
    assert client.post(f"/plans/{plan.id}/edit", data=_plan_form(title="Second title", version=opened)).status_code == 302
    page = client.post(f"/plans/{plan.id}/edit", data=_plan_form(title="Third title", version=opened)).get_data(as_text=True)
    assert "This plan changed since you opened it" in page
    assert db.session.get(Plan, plan.id).title == "Second title"


def test_plans_list_shows_counts(client, make_user, make_plan, make_action, sign_in):
    plan = make_plan(title="Race equality plan")
    make_action(plan, "1.1")
    make_action(plan, "1.2")
    sign_in(make_user("viewer"))
    page = client.get("/plans/").get_data(as_text=True)
    assert "Race equality plan" in page and '<td class="nhsuk-table__cell">2</td>' in page
    assert "Create a plan" not in page


def test_theme_of_another_plan_is_404(client, make_user, make_plan, sign_in):
    first, second = make_plan("2023-24"), make_plan("2024-25")
    sign_in(make_user("admin"))
    assert client.get(f"/plans/{first.id}/themes/{second.themes[0].id}").status_code == 404
