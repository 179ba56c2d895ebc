"""Time the Word exports end to end from the database: 300 actions, 3,000 progress updates.

Builds the plan through the services in a temporary SQLite database, then for each document
loads the plan (counting the queries) and builds the .docx, as the documents page does.
Target: under 3 seconds per document.

Run: PYTHONPATH=. .venv/bin/python benchmarks/export_plan_docx.py
"""
from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event

from tracker import create_app
from tracker.actions.service import ActionData, UpdateData, create_action, post_update
from tracker.admin.service import update_settings
from tracker.auth.service import create_user
from tracker.extensions import db
from tracker.governance.service import create_forum
from tracker.plans.service import PlanData, add_theme, create_plan
from tracker.reports import service

THEMES = 10
ACTIONS_PER_THEME = 30
UPDATES_PER_ACTION = 10
OWNERS = 40
RUNS = 5
TARGET_SECONDS = 3.0
AS_AT = date(2025, 9, 5)
RAGS = ("red", "amber", "green", "blue")
STATUSES = ("PROGRESS MADE", "DELAYED BUT PROGRESSING", "ACHIEVED", "NOT STARTED")
EXPORTS = (
    ("Appendix 1 with history", service.ExportOptions("appendix1", AS_AT, include_history=True)),
    ("Appendix 2 (2021 style)", service.ExportOptions("appendix2", AS_AT, style="2021")),
    ("Appendix 2 (2024 style)", service.ExportOptions("appendix2", AS_AT, style="2024")),
    ("Board pack with history", service.ExportOptions("pack", AS_AT, include_history=True)),
)


def build_plan() -> int:
    """10 themes × 30 actions, each with owners, forums, indicators and 10 dated updates."""
    update_settings({"trust_name": "Benchmark NHS Trust", "bme_label": "Global Majority",
                     "lead_director": "Director of People", "report_author": "EDI Lead"}, None)
    owners = [create_user(email=f"owner{n}@example.org", name=f"Owner {n}", role="owner", actor=None)
              for n in range(OWNERS)]
    forums = [create_forum(name, None) for name in ("Inclusion Council", "PCDC", "Trust Board", "ICS People Board")]
    plan = create_plan(PlanData(year="2024-25", title="WRES action plan 2024-25", status="approved"), None)
    for t in range(1, THEMES + 1):
        theme = add_theme(plan, str(t), f"Theme {t}: a realistic objective title of some length", None)
        for a in range(1, ACTIONS_PER_THEME + 1):
            n = t * ACTIONS_PER_THEME + a
            action = create_action(plan, ActionData(
                ref=f"{t}.{a}", text=f"Action {t}.{a}: deliver a programme of work " * 3, theme=theme,
                owners=[owners[n % OWNERS], owners[(n + 7) % OWNERS]], forums=forums[: 1 + n % 4],
                indicators=[1 + n % 9, 1 + (n + 3) % 9], by_when="Q3 2024-25", priority="Must",
                equality_objectives="1-4", edi_goals="2", outcome="Success measure " * 4), None, audit=False)
            for u in range(UPDATES_PER_ACTION):
                post_update(action, UpdateData(
                    status=STATUSES[(n + u) % 4], rag=RAGS[(n + u) % 4], as_at=date(2024, 4, 1) + timedelta(days=30 * u),
                    narrative=f"Update {u + 1}: progress reported to the Inclusion Council, with detail. " * 2),
                    owners[n % OWNERS], historical=True)
    db.session.commit()
    return plan.id


def export_once(plan_id: int, options: service.ExportOptions) -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds, queries, bytes) for one export from a fresh session.

    CPU seconds are shown beside wall-clock seconds because a busy machine stretches the latter.
    """
    db.session.remove()
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    started, cpu = time.perf_counter(), time.process_time()
    try:
        exported = service.export_document(service.load_plan(plan_id), options)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return time.perf_counter() - started, time.process_time() - cpu, len(statements), len(exported.content)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite'}"})
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            plan_id = build_plan()
            print(f"Built {THEMES * ACTIONS_PER_THEME} actions with {THEMES * ACTIONS_PER_THEME * UPDATES_PER_ACTION} "
                  f"updates in {time.perf_counter() - started:.1f} s (SQLite, through the services)")
            print(f"{'document':<26} {'median s':>9} {'worst s':>8} {'CPU s':>6} {'queries':>8} {'size KB':>8}"
                  f"  target {TARGET_SECONDS} s")
            for label, options in EXPORTS:
                runs = [export_once(plan_id, options) for _ in range(RUNS)]
                seconds = [run[0] for run in runs]
                verdict = "ok" if statistics.median(seconds) < TARGET_SECONDS else "TOO SLOW"
                print(f"{label:<26} {statistics.median(seconds):>9.2f} {max(seconds):>8.2f} "
                      f"{statistics.median(run[1] for run in runs):>6.2f} {runs[0][2]:>8} {runs[0][3] / 1024:>8.0f}"
                      f"  {verdict}")
            db.session.remove()


if __name__ == "__main__":
    main()
