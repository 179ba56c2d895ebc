"""Fixtures for bad input: row counts of every table, and a signed-in EDI lead with a plan."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import func, inspect, select, table

from tracker.extensions import db

#: Words that only appear on a page when a stack trace or an internal error leaks to the user.
INTERNALS = ("Traceback", 'File "', "sqlalchemy", "psycopg", "sqlite3", "Werkzeug Debugger", "Internal Server Error")


def count_rows() -> dict[str, int]:
    """{table: rows} for every table in the database (not only the models known today)."""
    names = [name for name in inspect(db.engine).get_table_names() if name != "alembic_version"]
    db.session.rollback()
    return {name: db.session.scalar(select(func.count()).select_from(table(name))) for name in names}


def page_text(response) -> str:
    """The page as a person reads it (entities such as &#39; turned back into characters)."""
    return html.unescape(response.get_data(as_text=True))


def assert_no_internals(text: str) -> None:
    leaked = [word for word in INTERNALS if word.lower() in text.lower()]
    assert not leaked, f"the page shows internals: {leaked}"


@pytest.fixture
def edi_lead(make_user, sign_in):
    lead = make_user("admin", name="Edi Lead")
    sign_in(lead)
    return lead


@pytest.fixture
def plan_with_action(make_plan, make_action, make_user):
    owner = make_user("owner", name="Action Owner")
    plan = make_plan(themes=("Inclusive recruitment",))
    action = make_action(plan, "1.1", owners=[owner], by_when="Ongoing")
    return {"plan": plan, "action": action, "owner": owner}
