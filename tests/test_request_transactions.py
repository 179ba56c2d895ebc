"""How a request's database transaction ends.

A request that only read ends with COMMIT (so PostgreSQL keeps the connection's prepared
statements); anything that wrote without committing, left changes in the session or failed is
rolled back, and stores nothing.
"""
from __future__ import annotations

import pytest
from flask import Blueprint, abort
from sqlalchemy import event, select, text

from tracker import create_app
from tracker.auth.models import User
from tracker.extensions import db

probe = Blueprint("transaction_probe", __name__)


@probe.route("/probe/read")
def read():
    return str(len(db.session.scalars(select(User)).all()))


@probe.route("/probe/rename-and-flush")
def rename_and_flush():
    user = db.session.scalars(select(User)).one()
    user.name = "Renamed by flush"
    db.session.flush()
    return "flushed, not committed"


@probe.route("/probe/rename-unflushed")
def rename_unflushed():
    user = db.session.scalars(select(User)).one()
    user.name = "Renamed in the session"
    return "changed, not flushed"


@probe.route("/probe/update-statement")
def update_statement():
    db.session.execute(text("UPDATE users SET name = 'Renamed by SQL'"))
    return "updated, not committed"


@probe.route("/probe/read-with")
def read_with():
    return str(db.session.scalar(text("WITH named AS (SELECT name FROM users) SELECT count(*) FROM named")))


@probe.route("/probe/set-local-then-read")
def set_local_then_read():
    db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    return str(len(db.session.scalars(select(User)).all()))


@probe.route("/probe/update-with")
def update_with():
    db.session.execute(text("WITH renamed AS (SELECT 'Renamed by SQL' AS name) "
                            "UPDATE users SET name = (SELECT name FROM renamed)"))
    return "updated, not committed"


@probe.route("/probe/read-then-fail")
def read_then_fail():
    db.session.scalars(select(User)).all()
    raise RuntimeError("the view failed after reading")


@probe.route("/probe/read-then-404")
def read_then_404():
    db.session.scalars(select(User)).all()
    abort(404)


@probe.route("/probe/prepared")
def prepared():
    return str(db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements")))


@pytest.fixture
def probed(_app, make_user):
    """A second app on the test database, with the probe routes and a log of how transactions end."""
    make_user(name="Original Name")
    probed_app = create_app({"SQLALCHEMY_DATABASE_URI": _app.config["SQLALCHEMY_DATABASE_URI"],
                             "INSTANCE_PATH": _app.config["INSTANCE_PATH"], "TESTING": True})
    probed_app.register_blueprint(probe)
    endings: list[str] = []
    with probed_app.app_context():
        engine = db.engine
        event.listen(engine, "commit", lambda _connection: endings.append("commit"))
        event.listen(engine, "rollback", lambda _connection: endings.append("rollback"))
    yield probed_app.test_client(), endings
    with probed_app.app_context():
        db.engine.dispose()


def _stored_name() -> str:
    db.session.expire_all()
    return db.session.scalars(select(User.name)).one()


def test_a_request_that_only_read_ends_with_a_commit(probed):
    client, endings = probed
    assert client.get("/probe/read").get_data(as_text=True) == "1"
    assert endings == ["commit"]


@pytest.mark.parametrize("route", ["/probe/rename-and-flush", "/probe/rename-unflushed", "/probe/update-statement"])
def test_changes_a_view_did_not_commit_are_rolled_back(probed, route):
    client, endings = probed
    assert client.get(route).status_code == 200
    assert endings == ["rollback"]
    assert _stored_name() == "Original Name"


def test_a_select_written_with_a_common_table_expression_only_read(probed):
    client, endings = probed
    assert client.get("/probe/read-with").get_data(as_text=True) == "1"
    assert endings == ["commit"]


def test_an_update_after_a_common_table_expression_is_a_write_and_rolled_back(probed):
    client, endings = probed
    assert client.get("/probe/update-with").status_code == 200
    assert endings == ["rollback"]
    if db.engine.dialect.name == "postgresql":  # Python's sqlite3 opens no transaction for a statement
        assert _stored_name() == "Original Name"  # starting WITH, so on SQLite it is saved at once


def test_a_setting_for_the_transaction_alone_is_not_a_write(probed):
    """The search sets how PostgreSQL plans its statement with SET LOCAL, which ends with the transaction."""
    client, endings = probed
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SET LOCAL is PostgreSQL's")
    assert client.get("/probe/set-local-then-read").get_data(as_text=True) == "1"
    assert endings == ["commit"]


def test_a_view_that_fails_after_reading_is_rolled_back(probed):
    client, endings = probed
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/probe/read-then-fail").status_code == 500
    assert endings == ["rollback"]


def test_an_http_error_after_reading_only_read(probed):
    client, endings = probed
    assert client.get("/probe/read-then-404").status_code == 404
    assert endings == ["commit"]


def test_postgresql_keeps_prepared_statements_between_reading_requests(probed):
    client, _endings = probed
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's (run with TEST_DATABASE_URL)")
    for _request in range(7):
        client.get("/probe/read")
    assert int(client.get("/probe/prepared").get_data(as_text=True)) >= 1
