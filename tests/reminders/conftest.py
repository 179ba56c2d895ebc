"""Fixtures for reminder tests: a real SMTP server (aiosmtpd) on a free port, forums, meetings, actions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import pytest
from reminder_support import BASE_URL, SENDER, TRUST, SmtpServer

from tracker.extensions import db


@pytest.fixture
def smtp(app, monkeypatch):
    """A running SMTP server the app sends to; its links use BASE_URL."""
    server = SmtpServer()
    server.start()
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port, "MAIL_USE_TLS": False,
                       "MAIL_USERNAME": None, "MAIL_PASSWORD": None, "MAIL_DEFAULT_SENDER": SENDER,
                       "BASE_URL": BASE_URL}.items():
        monkeypatch.setitem(app.config, key, value)
    yield server
    server.stop()


@pytest.fixture
def trust(app):
    """The organisation settings name the trust (its name signs the emails)."""
    from tracker.admin.models import OrganisationSettings

    db.session.add(OrganisationSettings(trust_name=TRUST, bme_label="BME", lead_director="", report_author=""))
    db.session.commit()
    return TRUST


@pytest.fixture
def run_on(run_cli, fixed_today):
    """`flask reminders run` as on `day`, with the clock at 09:00 UTC that day: returns the output."""

    def run(day: date, *extra: str) -> str:
        fixed_today(day)
        return run_cli(day, *extra)

    return run


@pytest.fixture
def make_forum(app):
    from tracker.governance.service import create_forum

    def make(name: str = "Inclusion Council", *, members=()):
        from tracker.governance.service import add_member

        forum = create_forum(name, None)
        for member in members:
            add_member(forum, member, None)
        db.session.commit()
        return forum

    return make


@pytest.fixture
def add_meeting(app):
    from tracker.governance.service import add_meeting as add

    def make(forum, held_on: date):
        meeting = add(forum, held_on, None)
        db.session.commit()
        return meeting

    return make


@pytest.fixture
def shape(app):
    """Set an action's facts directly: status, rag, when it was added and last updated."""

    def change(action, *, status=None, rag=None, created_on: date | None = None, updated_on: date | None = None,
               due_on: date | None = None):
        action.status, action.rag = status, rag
        if created_on is not None:
            action.created_at = datetime.combine(created_on, time(9))
        if updated_on is not None:
            action.last_update_at = datetime.combine(updated_on, time(9))
        if due_on is not None:
            action.due_on = due_on
        db.session.commit()
        return action

    return change


@pytest.fixture
def run_cli(runner):
    """`flask reminders run --today DAY [extra…]`: returns the output, asserting success."""

    def run(day: date, *extra: str) -> str:
        result = runner.invoke(args=["reminders", "run", "--today", day.isoformat(), *extra])
        assert result.exit_code == 0, result.output + repr(result.exception)
        db.session.expire_all()
        return result.output

    return run


@dataclass
class World:
    lead: object
    ama: object
    ben: object
    gone: object
    no_email: object
    plan: object


@pytest.fixture
def world(make_user, make_plan):
    """An EDI lead, two owners, an inactive owner, an owner without email and a 2024-25 plan."""
    return World(
        lead=make_user("admin", name="Lesley Lead", email="lead@example.org"),
        ama=make_user("owner", name="Ama Owusu", email="ama@example.org"),
        ben=make_user("owner", name="Ben Cole", email="ben@example.org"),
        gone=make_user("owner", name="Gone Person", email="gone@example.org", active=False),
        no_email=make_user("owner", name="No Email", email=None),
        plan=make_plan(year="2024-25"),
    )
