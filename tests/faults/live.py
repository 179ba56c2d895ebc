"""A real server process with its own database, and a browser-like client for it.

The server is gunicorn running `wsgi:app` with the production configuration (CSRF on, a
generated SECRET_KEY), so these tests see what users see: the error pages, the cookies, the
database locking of several processes.
"""
from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tracker import create_app
from tracker.extensions import db

ROOT = Path(__file__).resolve().parents[2]
USER_AGENT = "wres-fault-tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def fresh_database(tmp_path: Path):
    """A URL for an empty database of the test's own: a SQLite file, or a new schema on TEST_DATABASE_URL's server.

    A schema rather than a database, because the test role may not be allowed to create databases.
    """
    server = _with_driver(os.environ.get("TEST_DATABASE_URL", ""))
    if not server:
        yield f"sqlite:///{tmp_path / 'served.sqlite'}"
        return
    schema = f"faults_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield make_url(server).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def migrate_and_seed(url: str, seed) -> dict:
    """Build the schema with the migrations, then run `seed()` in an app context and commit; returns its result."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        result = seed()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return result


def via_port(url: str, port: int) -> str:
    """The same database URL, reached through 127.0.0.1:port."""
    return make_url(url).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)


@dataclass
class LiveServer:
    """gunicorn serving the app from `database_url` until `stop()`."""

    database_url: str
    log: Path
    workers: int = 2
    threads: int = 8

    def start(self) -> LiveServer:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "TRACKER_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
               "DATABASE_URL": self.database_url, "BASE_URL": self.base, "SIGN_IN_RATE_LIMIT": "1000 per minute",
               "SESSION_COOKIE_SECURE": "false"}
        env.pop("TEST_DATABASE_URL", None)
        command = [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--threads", str(self.threads),
                   "--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "2", "wsgi:app"]
        self._log = open(self.log, "wb")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_until_serving()
        return self

    def _wait_until_serving(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if Browser(self.base).get("/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not start:\n{self.log.read_text(errors='replace')[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Page:
    status: int
    location: str
    text: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Keeps its cookies, sends a fixed User-Agent (the session is tied to it) and never follows redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects())

    def _open(self, request: urllib.request.Request) -> Page:
        request.add_header("User-Agent", USER_AGENT)
        try:
            with self.opener.open(request, timeout=60) as response:
                return Page(response.status, response.headers.get("Location", ""), response.read().decode())
        except urllib.error.HTTPError as error:
            return Page(error.code, error.headers.get("Location", ""), error.read().decode(errors="replace"))

    def get(self, path: str) -> Page:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict[str, str]) -> Page:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST"))

    def form_token(self, path: str) -> str:
        """The CSRF token of the form on the page at `path`."""
        page = self.get(path)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
        assert page.status == 200 and match, (path, page.status)
        return match.group(1)

    def sign_in(self, email: str, password: str) -> Browser:
        token = self.form_token("/sign-in")
        page = self.post("/sign-in", {"email": email, "password": password, "csrf_token": token})
        assert page.status == 302, f"sign-in failed for {email}: {page.status}"
        return self


def engine_for(url: str):
    """A plain engine on the served database, for checking what was stored."""
    return create_engine(_with_driver(url))


def _with_driver(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1] if url.startswith(("postgresql://", "postgres://")) else url
