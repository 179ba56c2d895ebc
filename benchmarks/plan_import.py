"""Time importing a 5,000-action plan file (the import's limit), on SQLite and on PostgreSQL.

Generates a plan workbook the way trusts write them: 10 themes, owners by name ("Lesley Faux;
Head of Nursing"), some owners nobody has an account for (added as inactive), supporting leads,
several indicators ("2, 3", "1-9"), forums ("Inclusion Council; PCDC"), a status, a RAG and a
progress comment on each row. 300 users already exist. Each run imports it into an empty migrated
database and commits, timing reading the file and storing the plan apart, with the number of
statements sent to the database.

Run: PYTHONPATH=. .venv/bin/python benchmarks/plan_import.py [--actions 5000] [--runs 3]
         [--database-url postgresql+psycopg://user:password@127.0.0.1:5432/db]
Without --database-url, a temporary SQLite file. The PostgreSQL database is emptied (its public
schema dropped) before each run.
"""
from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from openpyxl import Workbook
from sqlalchemy import event, func, select, text

from tracker import create_app
from tracker.actions.models import Action, ProgressUpdate
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.auth.service import create_user
from tracker.extensions import db
from tracker.plans import importer
from tracker.plans.file_reader import ALL_COLUMNS, read_plan

USERS = 300
THEMES = 10
FORUMS = ("Inclusion Council", "PCDC", "Trust Board", "People Committee")
STATUSES = ("PROGRESS MADE", "NOT STARTED", "ACHIEVED", "DELAYED BUT PROGRESSING")
RAGS = ("Green", "Amber", "Blue", "Red")
INDICATORS = ("2", "2, 3", "1-9", "5; 6", "4", "7, 8, 9")


def user_name(n: int) -> str:
    return f"Person {n:03d} Surname"


def plan_file(actions: int) -> bytes:
    """A workbook of `actions` rows in the import's columns."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(ALL_COLUMNS))
    for n in range(actions):
        theme = 1 + n * THEMES // actions
        owners = [user_name(n % USERS), user_name((n * 7) % USERS)]
        if n % 50 == 0:
            owners.append(f"Interim Lead {n // 50}")  # nobody has an account: added as inactive
        row = {
            "ref": f"{theme}.{n + 1}", "theme": f"{theme}. Theme {theme}: a realistic objective title",
            "action": f"Deliver action {n + 1}: a programme of work described in a sentence or two. " * 2,
            "indicators": INDICATORS[n % len(INDICATORS)], "owners": "; ".join(owners),
            "by_when": ("Q3 2024-25", "Dec 2024", "31/03/2025", "Ongoing")[n % 4],
            "outcome": "Success measure: the gap narrows " * 2, "forums": "; ".join(FORUMS[: 1 + n % 3]),
            "priority": ("Must", "Should", "Could")[n % 3], "rag": RAGS[n % 4], "status": STATUSES[n % 4],
            "progress": f"Reported to the Inclusion Council on {1 + n % 28} March: work continues as planned. " * 2,
            "supporting_leads": user_name((n * 13) % USERS) if n % 3 == 0 else "",
            "equality_objectives": "1-4", "edi_goals": "2", "rag_as_at": "2025-03-31",
        }
        sheet.append([row.get(column, "") for column in ALL_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def fresh_database(app) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE"))
            db.session.execute(text("CREATE SCHEMA public"))
        else:
            for table in ("alembic_version", *(t.name for t in reversed(db.metadata.sorted_tables))):
                db.session.execute(text(f'DROP TABLE IF EXISTS "{table}"'))
        db.session.commit()
        upgrade()
        for n in range(USERS):
            create_user(email=f"person{n}@example.org", name=user_name(n), role="owner", actor=None)
        db.session.commit()
        db.session.remove()


def import_once(app, content: bytes, actions: int) -> tuple[float, float, int]:
    """(seconds reading, seconds storing and committing, statements) for one import."""
    fresh_database(app)
    with app.app_context():
        started = time.perf_counter()
        read = read_plan(content, "plan.xlsx")
        read_seconds = time.perf_counter() - started
        statements = []
        listener = lambda *args: statements.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        started = time.perf_counter()
        try:
            result = importer.import_plan(read, year="2024-25", title=None, actor=None, filename="plan.xlsx")
            db.session.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        store_seconds = time.perf_counter() - started
        stored = (db.session.scalar(select(func.count()).select_from(Action)),
                  db.session.scalar(select(func.count()).select_from(ProgressUpdate)),
                  db.session.scalar(select(func.count()).select_from(User)) - USERS,
                  db.session.scalar(select(func.count()).select_from(AuditEvent)))
        assert stored[0] == stored[1] == actions == result.actions, stored
        print(f"  stored {stored[0]:,} actions, {stored[1]:,} updates, {stored[2]} new people, "
              f"{stored[3]:,} audit events")
        db.session.remove()
    return read_seconds, store_seconds, len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args()
    content = plan_file(options.actions)
    with tempfile.TemporaryDirectory() as folder:
        url = options.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": folder})
        with app.app_context():
            dialect = db.engine.dialect.name
        print(f"{options.actions:,}-action plan workbook of {len(content) / 1e6:.1f} MB on {dialect}")
        runs = []
        for _ in range(options.runs):
            runs.append(import_once(app, content, options.actions))
            print(f"  read {runs[-1][0]:.2f} s, stored {runs[-1][1]:.2f} s, {runs[-1][2]:,} statements")
        read, store = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        print(f"median: read {read:.2f} s, store and commit {store:.2f} s, total {read + store:.2f} s, "
              f"{runs[0][2]:,} statements")


if __name__ == "__main__":
    main()
