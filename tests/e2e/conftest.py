"""Browser tests: the app served by a real gunicorn process with its own demo database, driven by Chromium.

One server and one Chromium per test session; a fresh browser context (cookies, storage) per test.
Without Chromium the tests are skipped with the reason shown; with REQUIRE_BROWSER=1 (CI) that
is a failure instead.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, ROOT, free_port, sign_in

MISSING_CHROMIUM = "Chromium is not installed: apt-get install -y chromium"
SERVER_START_SECONDS = 90
#: Generous, because the suite often shares two cores with other test runs.
ACTION_TIMEOUT_MS = 30_000


@dataclass
class LiveServer:
    """The app served on 127.0.0.1 from its own SQLite file, loaded with the demo."""

    base_url: str
    database: Path
    process: subprocess.Popen
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    storage_states: dict[str, dict] = field(default_factory=dict)

    def flask(self, *args: str) -> None:
        """Run a `flask --app wsgi` command against the served database, as an operator or cron would."""
        _flask(list(args), self.env)

    def query(self, sql: str, *params) -> list[tuple]:
        """Rows from the served database (read-only), to find ids and check what was stored."""
        with closing(sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)) as connection:
            return connection.execute(sql, params).fetchall()

    def action_id(self, year: str, ref: str) -> int:
        rows = self.query("SELECT a.id FROM actions a JOIN plans p ON p.id = a.plan_id "
                          "WHERE p.year = ? AND a.ref = ? ORDER BY p.standard = 'wdes', p.id", year, ref)
        assert rows, f"no action {ref} in the {year} plan"
        return rows[0][0]

    def plan_id(self, year: str) -> int:
        rows = self.query("SELECT id FROM plans WHERE year = ? ORDER BY standard = 'wdes', id", year)
        assert rows, f"no {year} plan"
        return rows[0][0]


def _require_browser() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").strip() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The Chromium binary; skips without it, or fails when REQUIRE_BROWSER=1 (as in CI)."""
    if CHROMIUM.exists():
        return CHROMIUM
    if _require_browser():
        pytest.fail(f"REQUIRE_BROWSER=1 but {MISSING_CHROMIUM}", pytrace=False)
    pytest.skip(MISSING_CHROMIUM)


def _flask(args: list[str], env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


def _load_demo(env: dict[str, str]) -> None:
    """`flask demo load`, writing its sign-in file into the test server's own instance folder."""
    _flask(["demo", "load", "--password", DEMO_PASSWORD], env)


def _wait_until_healthy(base_url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    process.terminate()
    raise RuntimeError(f"the server did not answer /healthz:\n{log.read_text(errors='replace')[-3000:]}")


def _start_gunicorn(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "2", "--graceful-timeout", "2",
             "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def demo_server(tmp_path_factory, extra_env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    """gunicorn (1 worker, 2 threads) on a free port, on a migrated SQLite file with the demo loaded.

    gunicorn starts first and loads the app while the database is migrated and filled; it is
    used only once /healthz answers after that.
    """
    folder = tmp_path_factory.mktemp("browser-server")
    database = folder / "tracker.sqlite"
    port = free_port()
    env = {**os.environ, "TRACKER_ENV": "development", "DATABASE_URL": f"sqlite:///{database}",
           "BASE_URL": f"http://127.0.0.1:{port}", "SIGN_IN_RATE_LIMIT": "1000 per minute",
           "TRACKER_INSTANCE_PATH": str(folder / "instance")}
    env.pop("TEST_DATABASE_URL", None)
    env.update(extra_env or {})
    log = folder / "gunicorn.log"
    process = _start_gunicorn(port, env, log)
    server = LiveServer(f"http://127.0.0.1:{port}", database, process, log, env)
    try:
        _flask(["db", "upgrade"], env)
        _load_demo(env)
        _wait_until_healthy(server.base_url, process, log)
        yield server
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def live_server(chromium, tmp_path_factory) -> Iterator[LiveServer]:
    """The server most journeys share, with the demo loaded once."""
    with demo_server(tmp_path_factory) as server:
        yield server


@pytest.fixture(scope="module")
def live_server_env() -> dict[str, str]:
    """Extra environment for own_live_server; a module overrides it for settings of its own (single sign-on)."""
    return {}


@pytest.fixture(scope="module")
def own_live_server(chromium, tmp_path_factory, live_server_env) -> Iterator[LiveServer]:
    """A server of its own for a module whose journey changes the demo for good (a module
    overrides live_server with it), so the shared server's journeys find the demo as loaded."""
    with demo_server(tmp_path_factory, live_server_env) as server:
        yield server


@pytest.fixture(scope="session")
def app_routes() -> set[str]:
    """Every URL rule the app has now, to skip journeys whose feature has not landed yet."""
    from tracker import create_app

    return {rule.rule for rule in create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).url_map.iter_rules()}


@pytest.fixture(scope="session")
def browser(chromium):
    """One headless Chromium for the whole session."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _new_context(browser, server: LiveServer, state: dict | None = None):
    fresh = browser.new_context(base_url=server.base_url, storage_state=state, accept_downloads=True,
                                viewport={"width": 1280, "height": 900})
    fresh.set_default_timeout(ACTION_TIMEOUT_MS)
    return fresh


@pytest.fixture
def context(live_server, browser):
    """A fresh browser context (no cookies) for one test."""
    fresh = _new_context(browser, live_server)
    yield fresh
    fresh.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def page_as(live_server, browser):
    """page_as(email): a page in a fresh context already signed in as that demo user.

    The first call per user signs in through the form; later calls reuse its cookies, which
    keeps the suite fast and within the sign-in rate limit.
    """
    opened = []

    def open_page(email: str):
        if email not in live_server.storage_states:
            first = _new_context(browser, live_server)
            sign_in(first.new_page(), email)
            live_server.storage_states[email] = first.storage_state()
            first.close()
        opened.append(_new_context(browser, live_server, live_server.storage_states[email]))
        return opened[-1].new_page()

    yield open_page
    for fresh in opened:
        fresh.close()
