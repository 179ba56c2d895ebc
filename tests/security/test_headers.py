"""Security headers on every response, pages that run under the Content-Security-Policy, secure
cookies in production, and gunicorn not naming itself."""
from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.security.test_routes import _as, _url, world  # noqa: F401  (world is a fixture)
from tracker import create_app
from tracker.security_headers import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def _assert_security_headers(response, where) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (where, name, response.headers.get(name))
    assert "camera=()" in response.headers.get("Permissions-Policy", ""), where


def test_the_policy_allows_only_this_site():
    assert CONTENT_SECURITY_POLICY == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'")
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "http" not in CONTENT_SECURITY_POLICY


def _get_routes(app):
    return sorted((rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and rule.endpoint not in {"static", "nhsuk_assets"}),
                  key=lambda rule: rule.rule)


def test_every_page_carries_the_security_headers_signed_in_or_not(app, client, world, make_user):  # noqa: F811
    rules = _get_routes(app)
    assert len(rules) >= 40
    for rule in rules:  # signed out: the sign-in redirect, the health check, the public pages
        _assert_security_headers(client.get(_url(rule, world)), rule.rule)
    _as(client, make_user("admin"))
    for rule in rules:
        _assert_security_headers(client.get(_url(rule, world)), rule.rule)


def test_static_files_downloads_error_pages_and_the_calendar_feed_carry_them(app, client, world, make_user):  # noqa: F811
    admin = make_user("admin")
    _as(client, admin)
    client.post("/reminders/preferences/calendar")
    from tracker.auth.models import User
    from tracker.extensions import db
    token = db.session.get(User, admin.id).calendar_token
    responses = {
        "static": client.get("/static/tracker.css"),
        "nhsuk asset": client.get("/assets/images/favicon.svg"),
        "download": client.get(f"/plans/{world['plan_id']}/export.csv"),
        "404": client.get("/no-such-page"),
        "405": client.delete("/sign-in"),
        "calendar": client.get(f"/reminders/calendar/{token}.ics"),
        "sign-out redirect": client.post("/sign-out"),
    }
    expected_status = {"static": 200, "nhsuk asset": 200, "download": 200, "404": 404, "405": 405, "calendar": 200,
                       "sign-out redirect": 302}
    for where, response in responses.items():
        assert response.status_code == expected_status[where], where
        _assert_security_headers(response, where)


def test_the_500_page_carries_them(_app):
    app = create_app({"SQLALCHEMY_DATABASE_URI": _app.config["SQLALCHEMY_DATABASE_URI"], "TESTING": False,
                      "DEBUG": False, "PROPAGATE_EXCEPTIONS": None})

    @app.route("/test-only/fails")
    def fails():
        raise RuntimeError("boom")

    response = app.test_client().get("/test-only/fails")
    assert response.status_code == 500
    _assert_security_headers(response, "500")


def test_strict_transport_security_only_when_base_url_is_https(_app):
    url = _app.config["SQLALCHEMY_DATABASE_URI"]
    secure = create_app({"SQLALCHEMY_DATABASE_URI": url, "BASE_URL": "https://wres.example.nhs.uk"})
    plain = create_app({"SQLALCHEMY_DATABASE_URI": url, "BASE_URL": "http://127.0.0.1:8000"})
    assert secure.test_client().get("/sign-in").headers["Strict-Transport-Security"] == \
        "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in plain.test_client().get("/sign-in").headers


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def _csp_problems(html: str) -> list[str]:
    return [name for name, pattern in (("inline script", INLINE_SCRIPT), ("inline style", INLINE_STYLE),
                                       ("event handler attribute", EVENT_HANDLER), ("javascript: URL", JAVASCRIPT_URL))
            if pattern.search(html)]


def test_the_markup_checks_would_catch_what_the_policy_blocks():
    assert _csp_problems('<script>alert(1)</script>') == ["inline script"]
    assert _csp_problems('<p style="color: red">') == ["inline style"]
    assert _csp_problems('<svg><style>*{}</style></svg>') == ["inline style"]
    assert _csp_problems('<button onclick="x()">') == ["event handler attribute"]
    assert _csp_problems('<a href="javascript:x()">') == ["javascript: URL"]
    assert _csp_problems('<script src="/static/js-enabled.js"></script><script type="module" src="/x.js">') == []


def test_no_page_needs_inline_script_or_inline_style(app, client, world, make_user):  # noqa: F811
    _as(client, make_user("admin"))
    checked = 0
    for rule in _get_routes(app):
        response = client.get(_url(rule, world))
        if response.mimetype != "text/html" or response.status_code != 200:
            continue
        checked += 1
        assert _csp_problems(response.get_data(as_text=True)) == [], rule.rule
    assert checked >= 30


def test_the_indicator_chart_svg_has_no_inline_css():
    from tracker.indicators.charts import Chart, Series, to_svg

    chart = Chart("Indicator 1", "percent", (Series("BME", ((2022, 10.0), (2023, 12.5))),
                                             Series("National", ((2022, 11.0), (2023, 12.0)), national=True)),
                  reference=1.0, reference_label="1.00 = equal likelihood", non_adverse_range=True)
    svg = to_svg(chart, "Indicator 1 by year")
    assert _csp_problems(svg) == []
    assert 'stroke-linejoin="round"' in svg.split(">", 1)[0]  # matplotlib's rule for every element, on the root
    assert 'fill="#005eb8"' in svg and "font-size=" in svg


# --- Cookies: the production configuration class, read in a fresh interpreter from the environment ---

COOKIE_SETTINGS = """
import json, config
c = config.config_for_environment()
print(json.dumps({name: getattr(c, name) for name in (
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "REMEMBER_COOKIE_SECURE", "REMEMBER_COOKIE_HTTPONLY", "REMEMBER_COOKIE_SAMESITE")}))
"""


def _cookie_settings(**env: str) -> dict:
    import json
    environment = {key: value for key, value in os.environ.items()
                   if key not in {"SESSION_COOKIE_SECURE", "BASE_URL", "TRACKER_ENV"}}
    done = subprocess.run([sys.executable, "-c", COOKIE_SETTINGS], cwd=ROOT, env={**environment, **env},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("base_url", ["https://wres.example.nhs.uk", "http://127.0.0.1:8000"])
def test_production_cookies_are_secure_httponly_and_lax_whatever_base_url_says(base_url):
    assert _cookie_settings(TRACKER_ENV="production", BASE_URL=base_url) == {
        "SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": True, "REMEMBER_COOKIE_HTTPONLY": True, "REMEMBER_COOKIE_SAMESITE": "Lax"}


@pytest.mark.parametrize("value", ["false", "0", "no"])
def test_session_cookie_secure_false_turns_secure_off_in_production(value):
    settings = _cookie_settings(TRACKER_ENV="production", SESSION_COOKIE_SECURE=value)
    assert (settings["SESSION_COOKIE_SECURE"], settings["REMEMBER_COOKIE_SECURE"]) == (False, False)
    assert settings["SESSION_COOKIE_HTTPONLY"] and settings["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("environment", ["development", "testing"])
def test_development_and_test_cookies_are_not_secure(environment):
    settings = _cookie_settings(TRACKER_ENV=environment)
    assert (settings["SESSION_COOKIE_SECURE"], settings["REMEMBER_COOKIE_SECURE"]) == (False, False)


# --- gunicorn started for real with gunicorn.conf.py ---

def _serve_and_read_headers(tmp_path, config: Path) -> dict[str, str]:
    from tests.e2e.browser_support import free_port

    port = free_port()
    env = {**os.environ, "TRACKER_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite'}",
           "TRACKER_INSTANCE_PATH": str(tmp_path / "instance")}
    env.pop("TEST_DATABASE_URL", None)
    log = open(tmp_path / "gunicorn.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", str(config), "--workers", "1",
                                "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("GET", "/sign-in")
                response = connection.getresponse()
                response.read()
                return {name.lower(): value for name, value in response.getheaders()} | {":status": response.status}
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError((tmp_path / "gunicorn.log").read_text(errors="replace")[-2000:]) from None
                time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_gunicorn_with_its_config_file_does_not_name_itself(tmp_path):
    headers = _serve_and_read_headers(tmp_path, ROOT / "gunicorn.conf.py")
    assert headers[":status"] == 200
    assert "server" not in headers, headers.get("server")
    assert "gunicorn" not in " ".join(str(value).lower() for value in headers.values())
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert headers["x-content-type-options"] == "nosniff"


def test_without_the_config_file_gunicorn_would_name_itself(tmp_path):
    """The check above can fail: gunicorn on its own sends `Server: gunicorn`."""
    empty = tmp_path / "empty.conf.py"
    empty.write_text("")
    headers = _serve_and_read_headers(tmp_path, empty)
    assert headers["server"] == "gunicorn"
