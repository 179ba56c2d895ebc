"""CPU instructions per request of the main pages, counted by callgrind: figures that hold on a noisy machine.

benchmarks/load.py measures what users feel (latency under load), but on a shared 2-core
machine its figures move by ±15% from one run to the next, too much to see a 5% change. This
counts the instructions the app executes for one request of each page (valgrind's callgrind,
the app served in-process by Flask's test client with production settings, after warm-up
requests), and each page's cost as a multiple of the bare route measured in the same run.

It fills a database as load.py does (a temporary SQLite file, or the empty PostgreSQL
database given with --database-url; with PostgreSQL the database server's own work is not
counted). Needs valgrind (Debian: apt-get install valgrind).

The pages are load.py's (load_server.read_pages), with the measured meeting's agenda built
first, plus a signed-in page that renders only the layout.

Run: .venv/bin/python benchmarks/instructions.py [--scale full|10x|small] [--requests 5] [--database-url postgresql://…]
     [--filled PASSWORD] [--only "meeting agenda"] [--keep-profiles FOLDER]
"""
from __future__ import annotations

import argparse
import json
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

from load_server import ROOT, Page, add_database_arguments, agenda_path, environment, fill, largest, read_pages

WARM_UP = 8


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--requests", type=int, default=5, help="measured requests per page (after warm-up)")
    parser.add_argument("--only", action="append", metavar="WORDS",
                        help="measure only the pages whose name contains WORDS (and the bare route); repeatable")
    parser.add_argument("--keep-profiles", metavar="FOLDER", type=Path,
                        help="keep each page's callgrind profile in FOLDER, to read with callgrind_annotate")
    parser.add_argument("--worker", nargs=3, metavar=("EMAIL", "PASSWORD", "PAGE"), help=argparse.SUPPRESS)
    parser.add_argument("--build-agenda", nargs=3, metavar=("EMAIL", "PASSWORD", "PATH"), help=argparse.SUPPRESS)
    return parser.parse_args()


#: Measured only when named with --only, since it adds progress updates to the database.
POST_UPDATE = "post a progress update"


def pages(subjects) -> list[Page]:
    update = f"/actions/{subjects.action_id}/update"
    return [Page("bare route /healthz", "/healthz"),
            Page("signed-in page with only the layout (an unknown action's 404)", "/actions/999999999"),
            *read_pages(subjects),
            Page("users list (admin), 100 a page", "/admin/users"),
            Page(POST_UPDATE, update, "POST", {"status": "PROGRESS MADE", "rag": "green", "rag_reason": "Measured",
                                               "narrative": "Progress posted while counting instructions"},
                 token_from=update)]


def chosen(page: Page, only: list[str] | None) -> bool:
    """The bare route always; the others when --only names them or, except posting, when it is not given."""
    if page.path == "/healthz":
        return True
    if not only:
        return page.name != POST_UPDATE
    return any(words in page.name for words in only)


HTTPS = {"base_url": "https://127.0.0.1"}  # production cookies are Secure


def signed_in_client(email: str, password: str):
    sys.path.insert(0, str(ROOT))
    from wsgi import app

    client = app.test_client()
    signed_in = client.post("/sign-in", data={"csrf_token": _token(client, "/sign-in"), "email": email,
                                              "password": password},
                            headers={"Referer": "https://127.0.0.1/sign-in"}, **HTTPS)
    if signed_in.status_code != 302:
        raise SystemExit(f"sign-in answered {signed_in.status_code}")
    return client


def _token(client, path: str) -> str:
    page = client.get(path, **HTTPS).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def build_agenda(email: str, password: str, path: str) -> None:
    """Build the measured meeting's agenda, as the daily run would, unless it has one."""
    client = signed_in_client(email, password)
    if f"{path}/build" in client.get(path, **HTTPS).get_data(as_text=True):
        built = client.post(f"{path}/build", data={"csrf_token": _token(client, path)},
                            headers={"Referer": "https://127.0.0.1" + path}, **HTTPS)
        if built.status_code != 302:
            raise SystemExit(f"building the agenda of {path} answered {built.status_code}")


def worker(email: str, password: str, spec: str, requests: int) -> None:
    """Inside valgrind: sign in, warm up, then count `requests` requests of the page."""
    page = Page(**json.loads(spec))
    client = signed_in_client(email, password)
    if page.method == "POST":
        form = {**page.form, "csrf_token": _token(client, page.token_from)}

        def fetch():
            return client.post(page.path, data=form, headers={"Referer": "https://127.0.0.1" + page.token_from},
                               **HTTPS)
    else:
        def fetch():
            return client.get(page.path, **HTTPS)
    for _request in range(WARM_UP):
        status = fetch().status_code
        if status >= 500 or (status not in (200, 302) and "999999999" not in page.path):
            raise SystemExit(f"{page.path} answered {status}")

    def callgrind(*options: str) -> None:
        subprocess.run(["callgrind_control", *options, str(os.getpid())], check=True,
                       stdout=subprocess.DEVNULL)

    callgrind("--zero")
    callgrind("--instr=on")
    for _request in range(requests):
        fetch()
    callgrind("--instr=off")
    callgrind("--dump=measured")


def count(env: dict[str, str], folder: Path, email: str, password: str, page: Page, requests: int,
          keep: Path | None = None) -> float:
    """Instructions per request of one page, from a callgrind run of this script as a worker."""
    out = Path(tempfile.mkdtemp(dir=folder))
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}/callgrind.%p",
         sys.executable, __file__, "--worker", email, password, json.dumps(page.__dict__), "--requests", str(requests)],
        cwd=ROOT, env=env, capture_output=True, text=True)
    for dump in out.glob("callgrind.*"):
        content = dump.read_text(errors="replace")
        if "Trigger: dump measured" in content:
            if keep:
                keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(dump, keep / (re.sub(r"[^a-z0-9]+", "-", page.name.lower()).strip("-") + ".callgrind"))
            return int(re.search(r"^totals: (\d+)", content, re.MULTILINE).group(1)) / requests
    raise SystemExit(f"{page.path}: no measurement (exit {done.returncode})\n{done.stderr[-2000:]}")


def main() -> None:
    args = arguments()
    if args.worker:
        worker(*args.worker, args.requests)
        return
    if args.build_agenda:
        build_agenda(*args.build_agenda)
        return
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    folder = Path(tempfile.mkdtemp(prefix="wres-instructions-"))
    database_url = args.database_url or f"sqlite:///{folder / 'instructions.sqlite'}"
    env = environment(database_url, 8000)
    password = args.filled or secrets.token_urlsafe(12)
    started = time.perf_counter()
    admin, generated = fill(env, args.scale, password, filled=bool(args.filled))
    print(f"Database filled in {time.perf_counter() - started:.0f} s. {generated}")
    subjects = largest(database_url)
    subprocess.run([sys.executable, __file__, "--build-agenda", admin, password, agenda_path(subjects)],
                   cwd=ROOT, env=env, check=True)
    measured = [page for page in pages(subjects) if chosen(page, args.only)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(lambda page: count(env, folder, admin, password, page, args.requests,
                                                         args.keep_profiles), measured))
    database = "PostgreSQL (the server's own work not counted)" if database_url.startswith("postgres") else "SQLite"
    print(f"\n{database}, {args.scale} scale, {args.requests} requests a page after {WARM_UP} to warm up. "
          f"Largest plan: {subjects.plan_actions} actions; its action with most updates: {subjects.action_updates}.\n")
    print("| page | instructions/request | times the bare route |\n|---|---:|---:|")
    for page, instructions in zip(measured, counts):
        print(f"| {page.name} | {instructions / 1e6:.2f}M | {instructions / counts[0]:.1f} |")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
