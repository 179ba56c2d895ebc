"""Time importing a Word plan: 300 actions (by default), each with three dated progress comments.

Builds the document with python-docx, imports it into an empty migrated database (a temporary
SQLite file, or --database-url, whose public schema is dropped first) and prints the time to read
it and to store it.

Run: PYTHONPATH=. .venv/bin/python benchmarks/plan_import_docx.py [--actions 300] [--database-url URL]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from io import BytesIO
from pathlib import Path

import docx
from flask_migrate import upgrade
from sqlalchemy import text

from tracker import create_app
from tracker.extensions import db
from tracker.reports.docx_import import import_read_plan
from tracker.reports.docx_reader import read_plan_tables

HEADERS = ("Action", "By who", "By when", "Indicators", "RAG", "Comments")


def word_plan(actions: int) -> bytes:
    document = docx.Document()
    table = document.add_table(rows=actions + 1, cols=len(HEADERS))
    for cell, header in zip(table.rows[0].cells, HEADERS, strict=True):
        cell.text = header
    for n, row in enumerate(table.rows[1:]):
        texts = (f"{1 + n // 50}.{n + 1} Deliver action {n + 1}", f"Person {n % 40}", "Dec 2024", "2, 3", "Green",
                 "12 Mar 2024 – first update\n14 Jun 2024 – second update\n2 Sep 2024 – third update")
        for cell, value in zip(row.cells, texts, strict=True):
            cell.text = value
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=300)
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args()
    data = word_plan(options.actions)
    with tempfile.TemporaryDirectory() as folder:
        url = options.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": folder})
        with app.app_context():
            if db.engine.dialect.name == "postgresql":
                db.session.execute(text("DROP SCHEMA public CASCADE"))
                db.session.execute(text("CREATE SCHEMA public"))
                db.session.commit()
            upgrade()
            started = time.perf_counter()
            read = read_plan_tables(data, name="plan.docx")
            reading = time.perf_counter() - started
            started = time.perf_counter()
            result = import_read_plan(read, year="2024-25", title=None, actor=None, filename="plan.docx")
            db.session.commit()
            storing = time.perf_counter() - started
            print(f"{result.actions} actions with {result.updates} progress comments on {db.engine.dialect.name}: "
                  f"read {reading:.2f} s, stored {storing:.2f} s")
            db.session.remove()


if __name__ == "__main__":
    main()
