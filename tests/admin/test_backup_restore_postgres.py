"""The README's backup and restore, done for real on PostgreSQL: pg_dump, pg_restore, db upgrade, same plans.

The demo is loaded into a schema of its own in the test database (the test role need not be
allowed to create databases), dumped with the real `pg_dump --format=custom`, the schema dropped,
so the database is as a fresh one would be, and the dump restored with the real `pg_restore
--clean --if-exists --no-owner`, then `db upgrade` run against it. Every plan's CSV and Excel
export, the whole audit trail and every table's rows must come back the same.
"""
from __future__ import annotations

import glob
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from flask_migrate import upgrade
from openpyxl import load_workbook
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from tracker import create_app
from tracker.audit.models import AuditEvent
from tracker.database import committing
from tracker.demo.service import load_demo
from tracker.extensions import db
from tracker.plans import file_writer, importer
from tracker.plans.models import Plan

URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not URL.startswith("postgresql"),
                                reason="backup and restore with pg_dump and pg_restore run on PostgreSQL only "
                                       "(set TEST_DATABASE_URL; CI does)")
SCHEMA = f"backup_check_{os.getpid()}"


def postgres_tool(name: str) -> str:
    """pg_dump or pg_restore: on the PATH, else the newest under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                                                   key=lambda path: int(Path(path).parts[-3]), reverse=True)), None)
    if found is None:
        pytest.skip(f"{name} is not installed (PATH, /usr/lib/postgresql/*/bin)")
    return found


def libpq_url() -> str:
    """TEST_DATABASE_URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return make_url(URL).set(drivername="postgresql").render_as_string(hide_password=False)


def everything() -> dict:
    """Every plan's CSV and Excel export, the whole audit trail and every table's rows, as stored now."""
    exports = {}
    for plan in db.session.scalars(select(Plan).order_by(Plan.id)):
        rows = importer.plan_rows(plan)
        sheet = load_workbook(io.BytesIO(file_writer.write_xlsx(rows))).active
        exports[plan.id] = (file_writer.write_csv(rows), [list(row) for row in sheet.iter_rows(values_only=True)])
    trail = [(e.id, e.at, e.actor_id, e.subject_type, e.subject_id, e.verb, e.summary, e.changes)
             for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    tables = {table.name: sorted(map(tuple, db.session.execute(table.select()).all()), key=repr)
              for table in db.metadata.sorted_tables}
    return {"exports": exports, "trail": trail, "tables": tables}


@pytest.fixture
def demo_app(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": URL, "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={SCHEMA}"}}})
    with app.app_context():
        db.session.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        db.session.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
        db.session.commit()
        yield app
        db.session.remove()
        with db.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        db.engine.dispose()


def test_a_dump_restored_into_an_empty_database_and_upgraded_gives_back_every_plan_and_the_audit_trail(
        demo_app, tmp_path):
    pg_dump, pg_restore = postgres_tool("pg_dump"), postgres_tool("pg_restore")
    upgrade()
    with committing():
        load_demo("demo-password")
    before = everything()
    assert len(before["exports"]) >= 2 and len(before["trail"]) > 100
    assert sum(len(csv.splitlines()) for csv, _sheet in before["exports"].values()) > 30
    db.session.remove()

    dump = tmp_path / "tracker.dump"
    subprocess.run([pg_dump, "--format=custom", f"--schema={SCHEMA}", f"--file={dump}", f"--dbname={libpq_url()}"],
                   check=True, capture_output=True, timeout=120)
    with db.engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{SCHEMA}" CASCADE'))
    db.engine.dispose()
    with db.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM information_schema.schemata WHERE schema_name = :s"),
                                 {"s": SCHEMA}) == 0
    subprocess.run([pg_restore, "--clean", "--if-exists", "--no-owner", f"--dbname={libpq_url()}", str(dump)],
                   check=True, capture_output=True, timeout=120)
    upgrade()  # flask --app wsgi db upgrade, as the README's restore steps say

    assert everything() == before
