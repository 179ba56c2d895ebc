"""`flask backup PATH`: SQLite's online backup, a file that opens as the same database."""
from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from tracker import create_app
from tracker.extensions import db
from tracker.plans.models import Plan


@pytest.fixture
def on_sqlite(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("flask backup copies SQLite databases; this run is on PostgreSQL (see the test below)")


def test_the_backup_is_a_whole_database_that_opens_as_the_same_plans(app, runner, on_sqlite, tmp_path, make_plan,
                                                                     make_action, make_user):
    owner = make_user("owner", name="Laura Reynolds")
    plan = make_plan(title="Inclusion and Belonging")
    make_action(plan, "1.1", owners=[owner])
    target = tmp_path / "backup.sqlite"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Backed up {db.engine.url.database} to {target} (")
    with closing(sqlite3.connect(target)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT title FROM plans").fetchall() == [("Inclusion and Belonging",)]
        assert copy.execute("SELECT name FROM users").fetchall() == [("Laura Reynolds",)]
    restored = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{target}", "INSTANCE_PATH": str(tmp_path)})
    with restored.app_context():
        upgrade()  # the restore steps: the copy, then db upgrade (nothing to do at the same version)
        assert db.session.scalar(select(Plan.title)) == "Inclusion and Belonging"
        assert db.session.scalar(select(func.count()).select_from(Plan)) == 1
        db.session.remove()
    assert not (tmp_path / "backup.sqlite.partial").exists()


def test_an_existing_file_is_never_overwritten(runner, on_sqlite, tmp_path):
    target = tmp_path / "backup.sqlite"
    target.write_bytes(b"yesterday's backup")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    assert f"{target} already exists: give the backup a new file name." in result.output
    assert target.read_bytes() == b"yesterday's backup"


def test_on_postgresql_the_command_says_to_use_pg_dump(app, runner, tmp_path):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("runs on PostgreSQL only (TEST_DATABASE_URL)")
    result = runner.invoke(args=["backup", str(tmp_path / "backup.sqlite")])
    assert result.exit_code == 1
    assert "The database is PostgreSQL: back it up with pg_dump --format=custom" in result.output
    assert not (tmp_path / "backup.sqlite").exists()
