"""The demo is the real 2024-25 plan and 2023-24 progress, loaded once by a CLI command."""
from datetime import date

from sqlalchemy import select

from tracker.actions.models import Action
from tracker.admin.service import organisation_settings
from tracker.auth.models import User
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.plans.models import Plan


def test_demo_load_creates_the_published_plans_once(runner):
    result = runner.invoke(args=["demo", "load", "--password", "demo-password-1"])
    assert result.exit_code == 0, result.output
    assert "edi.lead@example.org" in result.output and "demo-password-1" in result.output
    plans = {plan.year: plan for plan in db.session.scalars(select(Plan))}
    assert set(plans) == {"2024-25", "2023-24"}
    current = plans["2024-25"]
    refs = sorted((a.ref for a in current.actions), key=lambda r: tuple(int(p) for p in r.split(".")))
    expected = [f"1.{n}" for n in range(1, 5)] + [f"2.{n}" for n in range(1, 11)] + \
               [f"3.{n}" for n in range(1, 10)] + [f"4.{n}" for n in range(1, 7)]
    assert refs == expected
    action = db.session.scalar(select(Action).where(Action.plan_id == current.id, Action.ref == "2.10"))
    assert action.text.startswith("Deliver the Trust's first Ethnicity Pay Gap and Disability Pay Gap reports")
    assert (action.priority, action.by_when, action.due_on) == ("Must", "Dec 2024", date(2024, 12, 31))
    assert [theme.number for theme in current.themes] == ["1", "2", "3", "4"]
    assert organisation_settings().bme_label == "Global Majority"
    assert db.session.scalar(select(Forum).where(Forum.name == "Inclusion Council")).meetings
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert db.session.query(Plan).count() == 2


def test_demo_sign_ins_work_one_per_role(runner, client):
    runner.invoke(args=["demo", "load", "--password", "demo-password-1"])
    roles = {user.role for user in db.session.scalars(select(User).where(User.email.is_not(None)))}
    assert roles == {"admin", "owner", "reviewer", "viewer"}
    response = client.post("/sign-in", data={"email": "laura.reynolds@example.org", "password": "demo-password-1"})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
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
