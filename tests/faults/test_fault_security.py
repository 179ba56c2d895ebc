"""Security checks: no stack traces for users, session cookie flags, one-time password links that expire."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from itsdangerous.timed import TimestampSigner

from tests.faults.conftest import assert_no_internals, page_text
from tests.faults.live import ROOT
from tracker import create_app
from tracker.auth.service import PASSWORD_LINK_MAX_AGE, password_link_token, user_for_password_token
from tracker.extensions import db

SECRET_DETAIL = "the-secret-detail-4711"

#: Runs in a fresh interpreter with the real production configuration from the environment:
#: migrates a new SQLite file, adds a user, signs in through the form (CSRF on), prints what it saw.
PRODUCTION_SIGN_IN = """
import json, re
from flask_migrate import upgrade
from wsgi import app
from tracker.auth.service import create_user
from tracker.extensions import db
with app.app_context():
    upgrade()
    create_user(email="lead@example.org", name="Lead", role="admin", password="production-pass-1", actor=None)
    db.session.commit()
client = app.test_client()
page = client.get("/sign-in").get_data(as_text=True)
token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
signed_in = client.post("/sign-in", data={"email": "lead@example.org", "password": "production-pass-1",
                                         "csrf_token": token})
missing = client.get("/no-such-page")
print(json.dumps({"status": signed_in.status_code, "cookies": signed_in.headers.getlist("Set-Cookie"),
                  "debug": app.debug, "testing": app.testing, "propagate": app.config["PROPAGATE_EXCEPTIONS"],
                  "missing": [missing.status_code, missing.get_data(as_text=True)]}))
"""


def _production_sign_in(tmp_path, base_url: str, **settings: str) -> dict:
    env = {**os.environ, "TRACKER_ENV": "production", "SECRET_KEY": "s" * 64, "BASE_URL": base_url,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite'}", "PYTHONPATH": str(ROOT), **settings}
    env.pop("TEST_DATABASE_URL", None)
    if "SESSION_COOKIE_SECURE" not in settings:
        env.pop("SESSION_COOKIE_SECURE", None)
    done = subprocess.run([sys.executable, "-c", PRODUCTION_SIGN_IN], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _session_cookie(seen: dict) -> list[str]:
    cookie = next(c for c in seen["cookies"] if c.startswith("session="))
    return [part.strip() for part in cookie.split(";")]


def test_production_session_cookie_is_httponly_lax_and_secure_on_https(tmp_path):
    seen = _production_sign_in(tmp_path, "https://wres.example.nhs.uk")
    assert seen["status"] == 302
    flags = _session_cookie(seen)
    assert {"HttpOnly", "SameSite=Lax", "Secure", "Path=/"} <= set(flags)
    assert (seen["debug"], seen["testing"], seen["propagate"]) == (False, False, None)
    status, page = seen["missing"]
    assert status == 404 and "Page not found" in page
    assert_no_internals(page)


def test_production_session_cookie_is_secure_even_when_base_url_is_plain_http(tmp_path):
    """A proxy in front may end TLS and pass plain http on: the cookie stays Secure unless turned off."""
    flags = _session_cookie(_production_sign_in(tmp_path, "http://127.0.0.1:8000"))
    assert {"HttpOnly", "SameSite=Lax", "Secure"} <= set(flags)


def test_session_cookie_secure_false_turns_it_off_for_a_plain_http_test_install(tmp_path):
    flags = _session_cookie(_production_sign_in(tmp_path, "http://127.0.0.1:8000", SESSION_COOKIE_SECURE="false"))
    assert {"HttpOnly", "SameSite=Lax"} <= set(flags) and "Secure" not in flags


def test_an_unexpected_error_shows_the_500_page_without_a_stack_trace(_app):
    app = create_app({"SQLALCHEMY_DATABASE_URI": _app.config["SQLALCHEMY_DATABASE_URI"], "TESTING": False,
                      "DEBUG": False, "PROPAGATE_EXCEPTIONS": None})

    @app.route("/test-only/fails")
    def fails():
        raise RuntimeError(SECRET_DETAIL)

    response = app.test_client().get("/test-only/fails")
    text = page_text(response)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in text and "Try again later" in text
    assert SECRET_DETAIL not in text and "RuntimeError" not in text
    assert_no_internals(text)


def test_a_password_link_works_until_it_expires(app, make_user, monkeypatch):
    user = make_user("owner", password=None)
    key = app.config["SECRET_KEY"]
    token = password_link_token(user, key)
    assert user_for_password_token(token, key) == user
    issued = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued + PASSWORD_LINK_MAX_AGE - 5)
    assert user_for_password_token(token, key) == user
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued + PASSWORD_LINK_MAX_AGE + 5)
    assert user_for_password_token(token, key) is None


def test_an_expired_link_shows_the_expired_page_and_sets_nothing(app, client, make_user, monkeypatch):
    user = make_user("owner", password=None)
    token = password_link_token(user, app.config["SECRET_KEY"])
    later = int(time.time()) + PASSWORD_LINK_MAX_AGE + 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    response = client.post(f"/set-password/{token}", data={"password": "a-new-password-1", "confirm": "a-new-password-1"})
    assert response.status_code == 404
    assert "This link has expired or has already been used" in page_text(response)
    db.session.refresh(user)
    assert user.password_hash is None


def test_a_password_link_works_once(app, client, make_user):
    user = make_user("owner", password=None)
    token = password_link_token(user, app.config["SECRET_KEY"])
    assert client.get(f"/set-password/{token}").status_code == 200
    first = client.post(f"/set-password/{token}", data={"password": "first-password-1", "confirm": "first-password-1"})
    assert first.status_code == 302 and first.location.endswith("/sign-in")
    again = client.post(f"/set-password/{token}", data={"password": "second-password-2", "confirm": "second-password-2"})
    assert again.status_code == 404 and "already been used" in page_text(again)
    assert user_for_password_token(token, app.config["SECRET_KEY"]) is None
    assert client.post("/sign-in", data={"email": user.email, "password": "second-password-2"}).status_code == 200
    assert client.post("/sign-in", data={"email": user.email, "password": "first-password-1"}).status_code == 302


@pytest.mark.parametrize("change", ["tampered", "other key", "deactivated"])
def test_a_tampered_or_foreign_link_or_an_inactive_user_gets_nothing(app, make_user, change):
    user = make_user("owner", password=None)
    key = app.config["SECRET_KEY"]
    token = password_link_token(user, key)
    if change == "tampered":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif change == "other key":
        token = password_link_token(user, "another-secret-key")
    else:
        user.active = False
        db.session.commit()
    assert user_for_password_token(token, key) is None

