"""Search results page at the size of an ICS with ten trusts, against the bare route in the same run.

Fills a database as benchmarks/load.py does (`flask demo scale`: 10 plans, 3,000 actions,
60,000 updates, 2,000 users; `--scale small` for a quick run; a temporary SQLite file, or the
empty PostgreSQL database given with --database-url), serves it with gunicorn (2 sync workers,
production settings), signs in as an EDI lead and keeps 20 requests in flight on each search
for a fixed time: a word thousands of actions and updates hold, a rarer word, an action reference
(every plan has one, so it lists them rather than opening one) and two words, each counted, and
/healthz as the bare route. Each query's number of results is printed beside the table.

Run: .venv/bin/python benchmarks/search.py [--scale small] [--database-url postgresql://…]
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import tempfile
import time
import urllib.parse
from pathlib import Path

from load import check_once, drain, table
from load_drivers import Target, pick_driver, run
from load_server import Gunicorn, Session, add_database_arguments, database_cpu_seconds, environment, fill, free_port

#: (name, what is typed): realistic searches over the demo generator's wording.
QUERIES = (("a common word", "staff"), ("a rare word", "bystander"), ("a reference", "2.3"),
           ("two words", "interview panels"))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--seconds", type=int, default=10, help="load time per page")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--driver", choices=("auto", "wrk", "python"), default="auto")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    driver = pick_driver(args.driver)
    folder = Path(tempfile.mkdtemp(prefix="wres-search-"))
    database_url = args.database_url or f"sqlite:///{folder / 'search.sqlite'}"
    port = free_port()
    env = environment(database_url, port)
    password = secrets.token_urlsafe(12)
    started = time.perf_counter()
    admin, generated = fill(env, args.scale, password)
    print(f"Database filled in {time.perf_counter() - started:.0f} s (migrations and generator). {generated}")
    server = Gunicorn(env, port, args.workers, folder / "gunicorn.log")
    counts = []
    try:
        session = Session(server.base)
        session.sign_in(admin, password)
        pages = [Target("bare route /healthz", "/healthz", read_page=False)]
        for name, typed in QUERIES:
            path = "/search?" + urllib.parse.urlencode({"q": typed})
            pages.append(Target(f"search: {name} ({typed})", path, cookie=session.cookie))
            _status, page = session.request(path)
            found = re.search(r"(More than )?([\d,]+) results? for|No results", page)
            counts.append(f"{typed!r}: {found.group(0) if found else 'no count on the page'}")
        for target in pages:
            check_once(session, target)
        results, load_at_start = [], os.getloadavg()[0]
        for target in pages:
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
          f"{args.connections} connections, {args.seconds} s a page, driver {driver}. "
          f"Load average {load_at_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.\n")
    print(table(results))
    print("\nResults found: " + "; ".join(counts))
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
