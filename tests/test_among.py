"""among(): a list of ids bound as one parameter, on SQLite (json_each) and PostgreSQL (= ANY array)."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from tracker.database import among
from tracker.extensions import db
from tracker.governance.models import Forum


def _forums(names: list[str]) -> dict[str, int]:
    forums = [Forum(name=name) for name in names]
    db.session.add_all(forums)
    db.session.flush()
    return {forum.name: forum.id for forum in forums}


def test_it_finds_exactly_the_ids_given_in_one_statement_whatever_their_number(app):
    ids = _forums(["Inclusion Council", "People Committee", "Trust Board", "Staff networks"])
    query = select(Forum.name).where(among(Forum.id, "forum_ids")).order_by(Forum.name)
    picked = [ids["Trust Board"], ids["Inclusion Council"]]
    assert db.session.scalars(query, {"forum_ids": picked}).all() == ["Inclusion Council", "Trust Board"]
    assert db.session.scalars(query, {"forum_ids": list(ids.values())}).all() == sorted(ids)
    assert db.session.scalars(query, {"forum_ids": []}).all() == []
    assert db.session.scalars(query, {"forum_ids": [ids["Trust Board"], 999_999]}).all() == ["Trust Board"]


def test_the_statement_text_is_the_same_for_any_number_of_ids(app):
    query = select(Forum.id).where(among(Forum.id, "forum_ids"))
    written = str(query.compile(dialect=db.engine.dialect))
    assert written.count("forum_ids") <= 1 and written.count("?") <= 1, written
    assert ("json_each" in written) if db.engine.dialect.name == "sqlite" else ("ANY" in written)
    assert "= 1" not in written, "a boolean-typed clause would be written '= 1' on SQLite, which no index answers"


def test_ids_are_bound_as_numbers_and_anything_else_is_refused(app):
    ids = _forums(["Inclusion Council"])
    query = select(Forum.name).where(among(Forum.id, "forum_ids"))
    assert db.session.scalars(query, {"forum_ids": [str(ids["Inclusion Council"])]}).all() == ["Inclusion Council"]
    with pytest.raises(StatementError, match="invalid literal for int"):
        db.session.scalars(query, {"forum_ids": ["1) OR (1=1"]})
