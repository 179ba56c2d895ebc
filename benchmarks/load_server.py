"""The served app for benchmarks/load.py: a filled database, gunicorn, a signed-in session."""
from __future__ import annotations

import json
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
from dataclasses import dataclass, field
from datetime import date
from http.cookiejar import CookieJar
from pathlib import Path

from load_drivers import USER_AGENT
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
#: `flask demo scale` sizes: plans, actions, updates, users. "10x" is ten times the ICS volume.
SCALES = {"full": ("10", "3000", "60000", "2000"), "small": ("3", "300", "3000", "200"),
          "10x": ("10", "30000", "600000", "20000")}
#: Actions ticked on the plan page for the bulk changes page.
BULK_SELECTION = 50
ROUTES = """
import json
from wsgi import app
print(json.dumps(sorted(rule.endpoint + " " + rule.rule for rule in app.url_map.iter_rules()
                        if "GET" in rule.methods and not rule.arguments)))
"""


def add_database_arguments(parser) -> None:
    """--scale and --database-url, as every benchmark that fills a database takes them."""
    parser.add_argument("--scale", choices=tuple(SCALES), default="full")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: a temporary SQLite file)")
    parser.add_argument("--filled", metavar="PASSWORD",
                        help="the database at --database-url is already filled by `flask demo scale --seed 1 "
                             "--password PASSWORD` at --scale: migrate it and measure it as it is")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(database_url: str, port: int) -> dict[str, str]:
    """Production settings with a generated secret, as a real deployment would have."""
    env = {**os.environ, "TRACKER_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
           "DATABASE_URL": database_url, "BASE_URL": f"http://127.0.0.1:{port}", "SIGN_IN_RATE_LIMIT": "100 per minute",
           "SESSION_COOKIE_SECURE": "false", "PYTHONPATH": str(ROOT)}
    env.pop("TEST_DATABASE_URL", None)
    return env


def flask(env: dict[str, str], *args: str) -> str:
    """Run `flask --app wsgi …` and return its output; stop with its message if it fails."""
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def fill(env: dict[str, str], scale: str, password: str, filled: bool = False) -> tuple[str, str]:
    """Migrate and fill the database (only migrate it when already `filled`); returns the admin's email
    and the generator's summary line."""
    flask(env, "db", "upgrade")
    if filled:
        engine = create_engine(_engine_url(env["DATABASE_URL"]))
        with engine.connect() as connection:
            admin = connection.execute(text("SELECT email FROM users WHERE role = 'admin' ORDER BY id LIMIT 1")).scalar()
            actions = connection.execute(text("SELECT count(*) FROM actions")).scalar()
        engine.dispose()
        return admin, f"Measured a database filled beforehand ({actions:,} actions)."
    plans, actions, updates, users = SCALES[scale]
    output = flask(env, "demo", "scale", "--plans", plans, "--actions", actions, "--updates", updates,
                   "--users", users, "--seed", "1", "--password", password)
    admin = re.search(r"^  admin\s+(\S+@\S+)", output, re.MULTILINE).group(1)
    return admin, output.splitlines()[0]


def get_routes(env: dict[str, str]) -> dict[str, str]:
    """{endpoint: path} of every GET route without arguments."""
    done = subprocess.run([sys.executable, "-c", ROUTES], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return dict(line.split(" ", 1) for line in json.loads(done.stdout.strip().splitlines()[-1]))


def _engine_url(database_url: str) -> str:
    return database_url.replace("postgresql://", "postgresql+psycopg://", 1)


@dataclass(frozen=True)
class Subjects:
    plan_id: int
    plan_actions: int
    action_id: int
    action_updates: int
    forum_id: int
    meeting_id: int
    selection: tuple[str, ...]


def largest(database_url: str) -> Subjects:
    """The plan with the most actions, and in it the action with the most updates: the heaviest pages;
    the forum most of its actions report to and that forum's next meeting (whose agenda is measured);
    the plan's first actions as the plan page's ticked boxes ("id:version") for the bulk changes page."""
    engine = create_engine(_engine_url(database_url))
    with engine.connect() as connection:
        plan_id, count = connection.execute(text(
            "SELECT plan_id, count(*) FROM actions GROUP BY plan_id ORDER BY count(*) DESC, plan_id LIMIT 1")).one()
        action_id, updates = connection.execute(text(
            "SELECT a.id, count(u.id) FROM actions a LEFT JOIN progress_updates u ON u.action_id = a.id "
            "WHERE a.plan_id = :plan GROUP BY a.id ORDER BY count(u.id) DESC, a.id LIMIT 1"), {"plan": plan_id}).one()
        forum_id = connection.execute(text(
            "SELECT af.forum_id FROM action_forums af JOIN actions a ON a.id = af.action_id WHERE a.plan_id = :plan "
            "GROUP BY af.forum_id ORDER BY count(*) DESC, af.forum_id LIMIT 1"), {"plan": plan_id}).scalar()
        meeting_id = connection.execute(text(
            "SELECT id FROM meetings WHERE forum_id = :forum AND held_on >= :today ORDER BY held_on, id LIMIT 1"),
            {"forum": forum_id, "today": date.today()}).scalar()
        selection = tuple(f"{id_}:{version}" for id_, version in connection.execute(text(
            "SELECT id, version FROM actions WHERE plan_id = :plan ORDER BY id LIMIT :n"),
            {"plan": plan_id, "n": BULK_SELECTION}))
    engine.dispose()
    return Subjects(plan_id, count, action_id, updates, forum_id, meeting_id, selection)


@dataclass(frozen=True)
class Page:
    """A page both benchmarks measure: GET, or POST of `form` with a CSRF token read from `token_from`."""

    name: str
    path: str
    method: str = "GET"
    form: dict = field(default_factory=dict)
    token_from: str = ""
    read_page: bool = True


def agenda_path(subjects: Subjects) -> str:
    return f"/forums/{subjects.forum_id}/meetings/{subjects.meeting_id}"


def read_pages(subjects: Subjects) -> list[Page]:
    """The pages measured at every scale, after the bare route and the layout-only page."""
    plan = f"/plans/{subjects.plan_id}"
    agenda = agenda_path(subjects)
    return [
        Page("plans list", "/plans/"),
        Page("plan overview", f"{plan}/overview"),
        Page("plan page", plan),
        Page("action page", f"/actions/{subjects.action_id}"),
        Page("My actions", "/my-actions"),
        Page("indicators", "/indicators/"),
        Page("indicator 2 with its linked actions", "/indicators/2"),
        Page("forums list", "/forums/"),
        Page("forum page with its open actions", f"/forums/{subjects.forum_id}"),
        Page("meeting agenda", agenda),
        Page("meeting agenda: record the forum's reviews", f"{agenda}/reviews"),
        Page('search for a common word ("staff")', "/search?q=staff"),
        Page('search for a rare word ("bystander")', "/search?q=bystander"),
        Page(f"bulk changes: {len(subjects.selection)} actions ticked", f"{plan}/actions/bulk", "POST",
             {"selected": list(subjects.selection), "back": ""}, token_from=plan),
    ]


class Gunicorn:
    """gunicorn serving wsgi:app on 127.0.0.1:port (sync workers, as in the README's production command)."""

    def __init__(self, env: dict[str, str], port: int, workers: int, log: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.log = open(log, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
             "--timeout", "120", "wsgi:app"], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if urllib.request.urlopen(self.base + "/healthz", timeout=5).status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"gunicorn did not start; see {log}")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the workers (Linux /proc; 0 elsewhere), to get CPU per request."""
        return _cpu_seconds(lambda name, parent: parent == self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.log.close()


def database_cpu_seconds() -> float:
    """CPU time used so far by PostgreSQL's processes on this machine (0 with SQLite)."""
    return _cpu_seconds(lambda name, parent: name == "postgres")


def _cpu_seconds(wanted) -> float:
    """User and system CPU seconds of the processes for which wanted(name, parent pid) is true."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = tail.split()
        if wanted(head.split("(", 1)[1], int(fields[1])):
            total += int(fields[11]) + int(fields[12])
    return total / ticks


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    """A signed-in browser: its cookie header and the CSRF token of a form, for the load tool."""

    def __init__(self, base: str) -> None:
        self.base, self.jar = base, CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects())

    def request(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers={"User-Agent": USER_AGENT})
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def token(self, path: str) -> str:
        status, page = self.request(path)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        if status != 200 or not match:
            raise SystemExit(f"no form at {path} (status {status})")
        return match.group(1)

    def sign_in(self, email: str, password: str) -> None:
        status, _page = self.request("/sign-in", {"email": email, "password": password,
                                                  "csrf_token": self.token("/sign-in")})
        if status != 302:
            raise SystemExit(f"could not sign in as {email} (status {status})")

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)
