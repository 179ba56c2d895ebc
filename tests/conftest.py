"""Fixtures: one migrated database per test run, emptied after each test.

The schema is built with the Alembic migrations (never `create_all`). The suite runs on
SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""
from __future__ import annotations

import contextvars
import itertools
import os
from datetime import date

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from hypothesis import settings
from sqlalchemy import text

from tracker import create_app
from tracker.extensions import db

# Property tests check what the code does, not how fast: Hypothesis's default 200 ms deadline per
# example turns a busy machine into a failure, so it is off (timings live in benchmarks/).
settings.register_profile("tracker", deadline=None)
settings.load_profile("tracker")

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def _fresh_postgres_schema() -> None:
    db.session.execute(text("DROP SCHEMA public CASCADE"))
    db.session.execute(text("CREATE SCHEMA public"))
    db.session.commit()


class RequestIsolatedClient(FlaskClient):
    """Each request runs in its own app context and database session, as in production.

    Tests keep their own app context and session; after a request, the test's session is
    expired so it reads what the request stored.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def _app(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance"))})
    app.test_client_class = RequestIsolatedClient
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            _fresh_postgres_schema()
        upgrade()
    return app


def _empty_all_tables() -> None:
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(_app):
    """The app, inside an app context, with an empty database afterwards."""
    with _app.app_context():
        yield _app
        db.session.remove()
        _empty_all_tables()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    from tracker.auth.service import create_user

    def make(role: str = "owner", *, name: str | None = None, email: str | None = "", active: bool = True,
             password: str | None = PASSWORD, job_title: str | None = None):
        n = next(_counter)
        user = create_user(
            email=f"user{n}@example.org" if email == "" else email, name=name or f"Person {n}", role=role,
            job_title=job_title, password=password if email is not None else None, active=active, actor=None,
        )
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_plan(app):
    from tracker.plans.service import PlanData, add_theme, create_plan

    def make(year: str = "2024-25", title: str = "WRES action plan", themes=("Inclusive recruitment",), **kwargs):
        plan = create_plan(PlanData(year=year, title=title, **kwargs), actor=None)
        for number, theme_title in enumerate(themes, start=1):
            add_theme(plan, str(number), theme_title, None)
        db.session.commit()
        return plan

    return make


@pytest.fixture
def make_action(app, make_plan):
    from tracker.actions.service import ActionData, create_action

    def make(plan=None, ref: str | None = None, *, owners=(), by_when: str = "Dec 2024", **kwargs):
        plan = plan or make_plan()
        data = ActionData(ref=ref or f"1.{next(_counter)}", text=kwargs.pop("text", "Develop an inclusive recruitment toolkit"),
                          theme=kwargs.pop("theme", plan.themes[0] if plan.themes else None), by_when=by_when,
                          owners=list(owners), **kwargs)
        action = create_action(plan, data, actor=None)
        db.session.commit()
        return action

    return make


@pytest.fixture
def sign_in(client):
    def do(user, password: str = PASSWORD):
        response = client.post("/sign-in", data={"email": user.email, "password": password})
        assert response.status_code == 302, "sign-in failed"
        return client

    return do


@pytest.fixture
def fixed_today(monkeypatch):
    """Freeze 'today' (and the time of day) everywhere: fixed_today(date(2024, 11, 1))."""
    from datetime import datetime, time

    import tracker.clock as clock

    def freeze(day: date) -> date:
        monkeypatch.setattr(clock, "today", lambda: day)
        monkeypatch.setattr(clock, "utcnow", lambda: datetime.combine(day, time(9, 0)))
        return day

    return freeze


# Sessions and sign-in limits: the time of day matters, not only the date.
@pytest.fixture
def clock_at(monkeypatch):
    """Set the time sign-in sessions and sign-in waits see (tracker.clock.wall_time, naive UTC):
    clock_at(datetime(2024, 11, 1, 9, 0)); call again to move it. 'today' is fixed_today's."""
    import tracker.clock as clock

    def set_time(moment):
        monkeypatch.setattr(clock, "wall_time", lambda: moment)
        return moment

    return set_time
