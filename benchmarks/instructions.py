"""CPU instructions per request of the main pages, counted by callgrind: figures that hold on a noisy machine.

benchmarks/load.py measures what users feel (latency under load), but on a shared 2-core
machine its figures move by ±15% from one run to the next, too much to see a 5% change. This
counts the instructions the app executes for one request of each page (valgrind's callgrind,
the app served in-process by Flask's test client with production settings, after warm-up
requests), and each page's cost as a multiple of the bare route measured in the same run.

It fills a database as load.py does (a temporary SQLite file, or the empty PostgreSQL
database given with --database-url; with PostgreSQL the database server's own work is not
counted). Needs valgrind (Debian: apt-get install valgrind).

Run: .venv/bin/python benchmarks/instructions.py [--scale small] [--requests 5] [--database-url postgresql://…]
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from load_server import ROOT, add_database_arguments, environment, fill, largest

WARM_UP = 8


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--requests", type=int, default=5, help="measured requests per page (after warm-up)")
    parser.add_argument("--worker", nargs=3, metavar=("EMAIL", "PASSWORD", "PATH"), help=argparse.SUPPRESS)
    return parser.parse_args()


def pages(plan_id: int, action_id: int) -> list[tuple[str, str]]:
    return [("bare route /healthz", "/healthz"),
            ("signed-in page with only the layout (an unknown action's 404)", "/actions/999999999"),
            ("plan overview", f"/plans/{plan_id}/overview"),
            ("plan page", f"/plans/{plan_id}"),
            ("action page", f"/actions/{action_id}"),
            ("My actions", "/my-actions"),
            ("indicators", "/indicators/")]


def worker(email: str, password: str, path: str, requests: int) -> None:
    """Inside valgrind: sign in, warm up, then count `requests` requests of `path`."""
    sys.path.insert(0, str(ROOT))
    from wsgi import app

    client = app.test_client()
    https = {"base_url": "https://127.0.0.1"}  # production cookies are Secure
    page = client.get("/sign-in", **https).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    signed_in = client.post("/sign-in", data={"csrf_token": token, "email": email, "password": password},
                            headers={"Referer": "https://127.0.0.1/sign-in"}, **https)
    if signed_in.status_code != 302:
        raise SystemExit(f"sign-in answered {signed_in.status_code}")
    for _request in range(WARM_UP):
        status = client.get(path, **https).status_code
        if status >= 500 or (status != 200 and "999999999" not in path):
            raise SystemExit(f"{path} answered {status}")

    def callgrind(*options: str) -> None:
        subprocess.run(["callgrind_control", *options, str(os.getpid())], check=True,
                       stdout=subprocess.DEVNULL)

    callgrind("--zero")
    callgrind("--instr=on")
    for _request in range(requests):
        client.get(path, **https)
    callgrind("--instr=off")
    callgrind("--dump=measured")


def count(env: dict[str, str], folder: Path, email: str, password: str, path: str, requests: int) -> float:
    """Instructions per request of one page, from a callgrind run of this script as a worker."""
    out = Path(tempfile.mkdtemp(dir=folder))
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}/callgrind.%p",
         sys.executable, __file__, "--worker", email, password, path, "--requests", str(requests)],
        cwd=ROOT, env=env, capture_output=True, text=True)
    for dump in out.glob("callgrind.*"):
        content = dump.read_text(errors="replace")
        if "Trigger: dump measured" in content:
            return int(re.search(r"^totals: (\d+)", content, re.MULTILINE).group(1)) / requests
    raise SystemExit(f"{path}: no measurement (exit {done.returncode})\n{done.stderr[-2000:]}")


def main() -> None:
    args = arguments()
    if args.worker:
        worker(*args.worker, args.requests)
        return
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    folder = Path(tempfile.mkdtemp(prefix="wres-instructions-"))
    database_url = args.database_url or f"sqlite:///{folder / 'instructions.sqlite'}"
    env = environment(database_url, 8000)
    password = secrets.token_urlsafe(12)
    started = time.perf_counter()
    admin, generated = fill(env, args.scale, password)
    print(f"Database filled in {time.perf_counter() - started:.0f} s. {generated}")
    subjects = largest(database_url)
    measured = pages(subjects.plan_id, subjects.action_id)
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(lambda page: count(env, folder, admin, password, page[1], args.requests), measured))
    database = "PostgreSQL (the server's own work not counted)" if database_url.startswith("postgres") else "SQLite"
    print(f"\n{database}, {args.scale} scale, {args.requests} requests a page after {WARM_UP} to warm up. "
          f"Largest plan: {subjects.plan_actions} actions; its action with most updates: {subjects.action_updates}.\n")
    print("| page | instructions/request | times the bare route |\n|---|---:|---:|")
    for (name, _path), instructions in zip(measured, counts):
        print(f"| {name} | {instructions / 1e6:.2f}M | {instructions / counts[0]:.1f} |")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
