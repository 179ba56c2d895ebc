"""Migration 0008 adds who archived a plan and when, keeps every row of the copied SQLite tables,
stops SQLite giving a deleted plan's or action's id again, and can be undone."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tracker import create_app
from tracker.extensions import db

COUNTS = ("plans", "themes", "actions", "action_owners", "progress_updates", "audit_events")


def _counts() -> list[int]:
    return [db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar() for table in COUNTS]


def _columns(table: str) -> set[str]:
    return {column["name"] for column in inspect(db.engine).get_columns(table)}


def _table_sql(table: str) -> str:
    return db.session.execute(text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": table}).scalar()


def _fill() -> None:
    for statement in (
        "INSERT INTO users (id, email, name, role, active, password_hash, reminder_delivery, created_at) "
        "VALUES (1, 'kerry@example.org', 'Kerry Smith', 'owner', 1, NULL, 'daily', '2024-01-01 00:00:00')",
        "INSERT INTO plans (id, year, title, status, equality_objectives_key, edi_goals_key, version) "
        "VALUES (1, '2024-25', 'Plan', 'approved', '', '', 1), (2, '2025-26', 'Draft', 'draft', '', '', 1)",
        "INSERT INTO themes (id, plan_id, number, title, position, notes) VALUES (1, 1, '1', 'Recruitment', 0, '')",
        "INSERT INTO actions (id, plan_id, theme_id, ref, ref_order, position, text, outcome, lead_text, by_when, "
        "by_when_kind, equality_objectives, edi_goals, cancelled_reason, created_at, version) VALUES "
        "(1, 1, 1, '1.1', '', 0, 'Kept', '', '', '', 'empty', '', '', '', '2024-01-01 00:00:00', 1), "
        "(2, 2, NULL, '1.1', '', 0, 'Newest', '', '', '', 'empty', '', '', '', '2024-01-01 00:00:00', 1)",
        "INSERT INTO action_owners (action_id, user_id) VALUES (1, 1)",
        "INSERT INTO progress_updates (action_id, author_id, posted_at, as_at, rag_reason, narrative, evidence_url) "
        "VALUES (1, 1, '2024-06-01 12:00:00', '2024-06-01', '', 'Panels trained', '')",
        "INSERT INTO audit_events (at, subject_type, subject_id, verb, summary, changes) "
        "VALUES ('2024-01-01 00:00:00', 'action', 2, 'created', '', '{}')",
    ):
        db.session.execute(text(statement))
    db.session.commit()


def test_upgrade_keeps_every_row_and_ids_are_not_given_again_and_downgrade_undoes_it(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'existing.sqlite'}"})
    with app.app_context():
        upgrade(revision="0007_timeline_indexes")
        _fill()
        upgrade(revision="0008_plan_archive")
        assert _counts() == [2, 1, 2, 1, 1, 1]
        assert {"archived_at", "archived_by_id"} <= _columns("plans")
        assert "AUTOINCREMENT" in _table_sql("plans") and "AUTOINCREMENT" in _table_sql("actions")
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
        db.session.execute(text("DELETE FROM actions WHERE id = 2"))
        db.session.execute(text("DELETE FROM plans WHERE id = 2"))
        db.session.execute(text("INSERT INTO plans (year, title, status, equality_objectives_key, edi_goals_key, "
                                "version) VALUES ('2025-26', 'Again', 'draft', '', '', 1)"))
        assert db.session.execute(text("SELECT max(id) FROM plans")).scalar() == 3
        db.session.commit()
        downgrade(revision="0007_timeline_indexes")
        assert not {"archived_at", "archived_by_id"} & _columns("plans")
        assert "AUTOINCREMENT" not in _table_sql("plans") and "AUTOINCREMENT" not in _table_sql("actions")
        assert _counts() == [2, 1, 1, 1, 1, 1]
        db.session.remove()
