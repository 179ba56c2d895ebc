"""The demo is the trust's published plan and last year's priorities, moved onto the current financial
year, loaded once by a CLI command that prints one sign-in per role."""
from datetime import date

from sqlalchemy import select

from tracker.actions.by_when import parse_by_when
from tracker.actions.models import Action
from tracker.admin.service import organisation_settings
from tracker.auth.models import User
from tracker.demo.calendar import move_date, move_years
from tracker.demo.service import DEMO_FILE
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.plans.models import Plan


def _published_actions() -> dict[str, dict]:
    import json

    plan = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["plans"][0]
    return {action["ref"]: action for theme in plan["themes"] for action in theme["actions"]}


def test_demo_load_creates_the_published_plans_on_this_years_dates_once(runner, fixed_today):
    fixed_today(date(2026, 12, 6))
    result = runner.invoke(args=["demo", "load", "--password", "demo-password-1"])
    assert result.exit_code == 0, result.output
    assert "edi.lead@example.org" in result.output and "demo-password-1" in result.output
    plans = {plan.year: plan for plan in db.session.scalars(select(Plan).where(Plan.standard == "wres"))}
    assert set(plans) == {"2026-27", "2025-26"}
    current = plans["2026-27"]
    assert (current.title, current.status) == ("Inclusion and Belonging Action Plan 2026-27", "approved")
    assert (plans["2025-26"].title, plans["2025-26"].status) == ("WRES Action Plan 2025-26", "closed")
    refs = sorted((a.ref for a in current.actions), key=lambda r: tuple(int(p) for p in r.split(".")))
    expected = [f"1.{n}" for n in range(1, 5)] + [f"2.{n}" for n in range(1, 11)] + \
               [f"3.{n}" for n in range(1, 10)] + [f"4.{n}" for n in range(1, 7)]
    assert refs == expected
    action = db.session.scalar(select(Action).where(Action.plan_id == current.id, Action.ref == "2.10"))
    assert action.text.startswith("Deliver the Trust's first Ethnicity Pay Gap and Disability Pay Gap reports")
    assert (action.priority, action.by_when, action.due_on) == ("Must", "Dec 2026", date(2026, 12, 31))
    assert [theme.number for theme in current.themes] == ["1", "2", "3", "4"]
    assert organisation_settings().bme_label == "Global Majority"
    assert db.session.scalar(select(Forum).where(Forum.name == "Inclusion Council")).meetings
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert db.session.query(Plan).count() == 3


def test_every_by_when_moves_by_the_same_whole_number_of_years_and_keeps_its_wording(runner, fixed_today):
    fixed_today(date(2028, 2, 14))
    runner.invoke(args=["demo", "load", "--password", "demo-password-1"])
    plan = db.session.scalar(select(Plan).where(Plan.status == "approved", Plan.standard == "wres"))
    assert plan.year == "2027-28"
    published = _published_actions()
    for action in plan.actions:
        source = published[action.ref]
        assert action.by_when == move_years(source["by_when"], 3)
        assert action.text == source["text"] and action.lead_text == source["lead_text"]
        before = parse_by_when(source["by_when"], plan_year="2024-25")
        assert action.by_when_kind == before.kind.value, action.ref
        assert action.due_on == (move_date(before.due, 3) if before.due else None), action.ref
        assert action.starts_on == (move_date(before.starts, 3) if before.starts else None), action.ref
    assert {a.ref: a.by_when for a in plan.actions if a.ref in {"2.9", "3.7", "4.3"}} == {
        "2.9": "Phase thru' 27-28", "3.7": "08.27 09.27 10.2027", "4.3": "Jun 27"}


def test_demo_sign_ins_work_one_per_role_and_only_they_are_printed(runner, client):
    result = runner.invoke(args=["demo", "load", "--password", "demo-password-1"])
    printed = [line.split()[1] for line in result.output.splitlines()[1:]]
    assert printed == ["edi.lead@example.org", "laura.reynolds@example.org", "council.member@example.org",
                       "board.member@example.org"]
    can_sign_in = {user.role for user in db.session.scalars(select(User).where(User.password_hash.is_not(None)))}
    assert can_sign_in == {"admin", "owner", "reviewer", "viewer"}
    response = client.post("/sign-in", data={"email": "laura.reynolds@example.org", "password": "demo-password-1"})
    assert response.status_code == 302
    page = client.get("/my-actions").get_data(as_text=True)
    assert "3.3" in page and "Review application of Trust Disciplinary Procedure" in page


def test_users_create_command(runner):
    result = runner.invoke(args=["users", "create", "--email", "Lead@Example.org", "--name", "EDI Lead",
                                 "--role", "admin", "--password", "a-long-password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert (user.email, user.role, user.check_password("a-long-password")) == ("lead@example.org", "admin", True)
    duplicate = runner.invoke(args=["users", "create", "--email", "lead@example.org", "--name", "X",
                                    "--role", "owner", "--password", "a-long-password"])
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    short = runner.invoke(args=["users", "create", "--email", "b@example.org", "--name", "X",
                                "--role", "owner", "--password", "short"])
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    assert db.session.query(User).count() == 1
