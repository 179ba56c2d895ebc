"""Load test: the signed-in pages at the size of an ICS with ten trusts, against a bare route.

Creates a database (a temporary SQLite file, or the PostgreSQL database given with
--database-url, which must be empty), migrates it, fills it with `flask demo scale` (10 plans,
3,000 actions, 60,000 updates, 2,000 users; `--scale 10x` for ten times that, `--scale small`
for a quick run; `--filled PASSWORD` measures a database filled beforehand), serves it with
gunicorn (2 sync workers, production settings) on 127.0.0.1, signs in as an EDI lead, builds
the measured meeting's agenda, and keeps 20 requests in flight on each page for a fixed time (after
2 s of the same load, not counted, so that every worker has served the page).
Pages (load_server.read_pages): the plans list, the overview and plan page of the largest plan,
the action with the most updates, My actions, the indicators and an indicator's page, the forums
list, the agenda of the next meeting of the forum most of that plan's actions report to and its
review page, a search for a common and a rare word, the bulk changes page for 50 ticked actions,
posting a progress update, and /healthz (one SELECT 1) as the bare route.

Prints a markdown table: requests a second, p50 and p95 latency, each page's throughput as a
share of the bare route's (which holds on a noisy machine), and the CPU time per request of
the gunicorn workers and of PostgreSQL's processes (from /proc, which other processes on the
machine barely change; the database column is 0 with SQLite, which runs inside the workers).
Target (2 cores, 20 connections, at full scale and at 10x): read pages p95 under 150 ms.

Run: .venv/bin/python benchmarks/load.py [--scale full|10x|small] [--database-url postgresql://…]
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from load_drivers import Measured, Target, pick_driver, run
from load_server import (
    Gunicorn,
    Session,
    Subjects,
    add_database_arguments,
    agenda_path,
    database_cpu_seconds,
    environment,
    fill,
    free_port,
    largest,
    read_pages,
)

P95_TARGET_MS = 150


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--seconds", type=int, default=15, help="load time per page")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--driver", choices=("auto", "wrk", "python"), default="auto")
    return parser.parse_args()


def build_agenda(session: Session, subjects: Subjects) -> None:
    """Build the measured meeting's agenda (as the daily run would) unless it has one."""
    path = agenda_path(subjects)
    status, page = session.request(path)
    if status == 200 and f"{path}/build" in page:
        built, _page = session.request(f"{path}/build", {"csrf_token": session.token(path)})
        if built != 302:
            raise SystemExit(f"building the agenda of {path} answered {built}")


def targets(session: Session, subjects: Subjects) -> list[Target]:
    """The pages to load: the bare route, the read pages, and posting a progress update."""
    cookie = session.cookie
    pages = [Target("bare route /healthz", "/healthz", read_page=False)]
    for page in read_pages(subjects):
        form = {**page.form, "csrf_token": session.token(page.token_from)} if page.method == "POST" else {}
        pages.append(Target(page.name, page.path, page.method, form, cookie=cookie))
    update = f"/actions/{subjects.action_id}/update"
    form = {"csrf_token": session.token(update), "status": "PROGRESS MADE", "rag": "green",
            "rag_reason": "Load test", "narrative": "Progress posted by the load test"}
    pages.append(Target("post a progress update", update, "POST", form, cookie=session.cookie, read_page=False))
    return pages


def check_once(session: Session, target: Target) -> None:
    """Each page answers as a signed-in user expects before it is loaded."""
    status, _page = session.request(target.path, target.form if target.method == "POST" else None)
    expected = 302 if target.method == "POST" and not target.read_page else 200
    if status != expected:
        raise SystemExit(f"{target.name} ({target.path}) answered {status}, not {expected}")


def writes(target: Target) -> bool:
    """Posting an update changes the plan: checked just before it is measured (last), not with the read
    pages, or the overview measured after the check would start by recounting the plan's stored summary
    (about 0.9 s at 10x), a cost of the first read after a change that `instructions.py` and the README
    report on their own."""
    return target.method == "POST" and not target.read_page


#: Seconds of each page's load run first and not counted (see warm_up).
WARM_UP_SECONDS = 2


def warm_up(driver: str, base: str, target: Target, connections: int) -> None:
    """The same load for a moment, not counted, so that every worker has served the page before it is
    measured: a worker's first requests for a page compile its SQLAlchemy statements and templates and
    (on PostgreSQL) plan its statements on the worker's connection, a cost of starting the server that
    the single check before the run paid in one worker only. At 10x on PostgreSQL the overview's first
    8 s under load had p95 204 ms and the next two 128 and 138 ms."""
    run(driver, base, target, WARM_UP_SECONDS, connections)


def drain(session: Session) -> None:
    """Wait until requests left queued by the previous page are served, so each page is measured alone."""
    for _worker in range(2):
        session.request("/healthz")


def verdict(target: Target, measured: Measured, bare: Measured) -> str:
    if not target.read_page:
        return "-"
    misses = []
    if measured.p95_ms >= P95_TARGET_MS:
        misses.append(f"p95 ≥ {P95_TARGET_MS} ms")
    return "missed: " + ", ".join(misses) if misses else "met"


def table(results: list[tuple[Target, Measured, float, float]]) -> str:
    bare = results[0][1]
    lines = ["| page | requests | req/s | p50 ms | p95 ms | share of bare req/s | app CPU ms/request "
             "| database CPU ms/request | errors | target |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for target, m, cpu_ms, database_ms in results:
        lines.append(f"| {target.name} | {m.requests:,} | {m.per_second:,.1f} | {m.p50_ms:.1f} | {m.p95_ms:.1f} | "
                     f"{m.per_second / bare.per_second:.1%} | {cpu_ms:.1f} | {database_ms:.1f} | {m.errors} | "
                     f"{verdict(target, m, bare)} |")
    return "\n".join(lines)


def main() -> None:
    args = arguments()
    driver = pick_driver(args.driver)
    folder = Path(tempfile.mkdtemp(prefix="wres-load-"))
    database_url = args.database_url or f"sqlite:///{folder / 'load.sqlite'}"
    port = free_port()
    env = environment(database_url, port)
    password = args.filled or secrets.token_urlsafe(12)
    started = time.perf_counter()
    admin, generated = fill(env, args.scale, password, filled=bool(args.filled))
    print(f"Database filled in {time.perf_counter() - started:.0f} s (migrations and generator). {generated}")
    subjects = largest(database_url)
    server = Gunicorn(env, port, args.workers, folder / "gunicorn.log")
    try:
        session = Session(server.base)
        session.sign_in(admin, password)
        build_agenda(session, subjects)
        pages = targets(session, subjects)
        for target in pages:
            if not writes(target):
                check_once(session, target)
        results, load_at_start = [], os.getloadavg()[0]
        for target in pages:
            if writes(target):
                check_once(session, target)
            warm_up(driver, server.base, target, args.connections)
            drain(session)
            cpu, database_cpu = server.cpu_seconds(), database_cpu_seconds()
            measured = run(driver, server.base, target, args.seconds, args.connections)
            per_request = 1000 / max(measured.requests, 1)
            results.append((target, measured, (server.cpu_seconds() - cpu) * per_request,
                            (database_cpu_seconds() - database_cpu) * per_request))
    finally:
        server.stop()
    database = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(f"\n{database}, {args.scale} scale, gunicorn {args.workers} sync workers, {os.cpu_count()} cores, "
          f"{args.connections} connections, {args.seconds} s a page, driver {driver}. Largest plan: "
          f"{subjects.plan_actions} actions; its action with most updates: {subjects.action_updates} updates. "
          f"Load average {load_at_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.\n")
    print(table(results))
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
