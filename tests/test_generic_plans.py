"""planned_for_any_values(): on PostgreSQL the statements run inside are planned once for any values (a
generic plan), and the server's usual choice is back after the block; SQLite is sent nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from tests.support import counting_queries
from tracker.database import planned_for_any_values
from tracker.extensions import db


def _postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _mode() -> str:
    return db.session.scalar(text("SHOW plan_cache_mode"))


def test_postgresql_plans_the_statements_inside_for_any_values_and_then_as_usual(app):
    if not _postgresql():
        pytest.skip("plan_cache_mode is PostgreSQL's (run with TEST_DATABASE_URL)")
    assert _mode() == "auto"
    with planned_for_any_values():
        assert _mode() == "force_generic_plan"
    assert _mode() == "auto"


def test_sqlite_is_sent_nothing(app):
    if _postgresql():
        pytest.skip("on PostgreSQL the block sets plan_cache_mode")
    with counting_queries() as sent, planned_for_any_values():
        pass
    assert sent[0] == 0


def test_a_statement_that_fails_inside_raises_its_own_error_and_the_rollback_ends_the_setting(app):
    if not _postgresql():
        pytest.skip("plan_cache_mode is PostgreSQL's (run with TEST_DATABASE_URL)")
    with pytest.raises(ProgrammingError) as failed, planned_for_any_values():
        db.session.execute(text("SELECT no_such_column FROM users"))
    assert "no_such_column" in str(failed.value)
    db.session.rollback()
    assert _mode() == "auto"
