"""Signing in and out: generic errors, safe redirects, hashed passwords, throttling, cookies."""
import pytest

from tests.conftest import PASSWORD
from tracker import create_app
from tracker.auth.models import User
from tracker.extensions import db


def test_sign_in_with_right_password_lands_on_my_actions(client, make_user):
    user = make_user("owner", name="Laura Reynolds")
    response = client.post("/sign-in", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"
    page = client.get("/my-actions").get_data(as_text=True)
    assert "My actions" in page and "Laura Reynolds (owner)" in page


@pytest.mark.parametrize("email, password", [("user@example.org", "wrong-password"), ("nobody@example.org", PASSWORD)])
def test_failed_sign_in_gives_one_generic_message(client, make_user, email, password):
    make_user("owner", email="user@example.org")
    response = client.post("/sign-in", data={"email": email, "password": password})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Email address or password is not right" in page
    assert "There is a problem" in page and "<title>Error: Sign in" in page
    assert client.get("/my-actions").status_code == 302


def test_inactive_user_cannot_sign_in(client, make_user):
    user = make_user("owner", active=False)
    page = client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).get_data(as_text=True)
    assert "Email address or password is not right" in page


def test_passwords_are_stored_hashed_with_scrypt(app, make_user):
    user = make_user("owner")
    stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("scrypt:") and PASSWORD not in stored


@pytest.mark.parametrize("target, expected", [
    ("/plans/", "/plans/"),
    ("https://evil.example/steal", "/"),
    ("//evil.example/steal", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_only_redirects_within_the_site(client, make_user, target, expected):
    user = make_user("owner")
    response = client.post("/sign-in", query_string={"next": target}, data={"email": user.email, "password": PASSWORD})
    assert response.location == expected


def test_pages_need_sign_in(client):
    response = client.get("/plans/")
    assert response.status_code == 302 and response.location.startswith("/sign-in?next=")


def test_sign_out_is_a_post_and_ends_the_session(client, make_user, sign_in):
    sign_in(make_user("owner"))
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 302
    assert client.get("/my-actions").status_code == 302


@pytest.fixture
def throttled_app(_app):
    """An app with sign-in throttling on; the limiter is shared, so it is switched off again after."""
    from tracker.extensions import limiter

    app = create_app({"SQLALCHEMY_DATABASE_URI": _app.config["SQLALCHEMY_DATABASE_URI"],
                      "RATELIMIT_ENABLED": True, "SIGN_IN_RATE_LIMIT": "3 per minute"})
    yield app
    limiter.reset()
    limiter.enabled = False


def test_sign_in_is_throttled(throttled_app):
    client = throttled_app.test_client()
    codes = [client.post("/sign-in", data={"email": "x@example.org", "password": "nope"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Too many attempts" in client.post("/sign-in", data={}).get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    user = make_user("owner")
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookies_when_base_url_is_https(monkeypatch):
    import importlib

    import config
    monkeypatch.setenv("BASE_URL", "https://wres.example.nhs.uk")
    reloaded = importlib.reload(config)
    try:
        assert reloaded.Config.SESSION_COOKIE_SECURE is True
    finally:
        monkeypatch.delenv("BASE_URL")
        importlib.reload(config)


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    import importlib

    import config
    importlib.reload(config)
    import tracker
    monkeypatch.setattr(tracker, "config_for_environment", config.config_for_environment)
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        tracker.create_app()
