"""Single sign-on fixtures: a real OpenID provider on 127.0.0.1 and apps that sign in through it."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from tests.auth.oidc_provider import CLIENT_ID, CLIENT_SECRET, ServedProvider
from tests.conftest import RequestIsolatedClient
from tracker import create_app

CALLBACK = "http://localhost/sign-in/oidc/callback"


@pytest.fixture(scope="session")
def _served_provider():
    served = ServedProvider()
    yield served
    served.stop()


@pytest.fixture
def oidc_provider(_served_provider):
    """The provider, reset, with the test apps' callback registered; `oidc_provider.issue(...)` chooses who signs in."""
    provider = _served_provider.provider
    provider.reset()
    provider.redirect_uris = {CALLBACK}
    yield provider
    provider.reset()


@pytest.fixture
def sso_app(_app, app, oidc_provider):
    """sso_app(**settings): an app on the test database with single sign-on through the test provider
    (allowed domain nhs.net unless a setting says otherwise)."""
    def make(**settings):
        config = {"SQLALCHEMY_DATABASE_URI": _app.config["SQLALCHEMY_DATABASE_URI"], "INSTANCE_PATH": _app.instance_path,
                  "OIDC_DISCOVERY_URL": oidc_provider.discovery_url, "OIDC_CLIENT_ID": CLIENT_ID,
                  "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_ALLOWED_DOMAINS": "nhs.net", **settings}
        made = create_app(config)
        made.test_client_class = RequestIsolatedClient
        return made

    return make


@pytest.fixture
def sso_client(sso_app):
    return sso_app().test_client()


def to_provider_and_back(client, start: str = "/sign-in/oidc") -> str:
    """Start a sign-in in the app, follow the redirect to the provider over HTTP, and return the
    callback URL (path and query) the provider sends the browser back to."""
    started = client.get(start)
    assert started.status_code == 302, started.get_data(as_text=True)
    answered = requests.get(started.location, allow_redirects=False, timeout=10)
    assert answered.status_code == 302, answered.text
    back = urlsplit(answered.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return f"{back.path}?{back.query}"


@pytest.fixture
def sso_sign_in(oidc_provider):
    """sso_sign_in(client, email, sub=..., **claims): the whole round trip; returns the callback's response."""
    def run(client, email: str | None, sub: str = "subject-1", start: str = "/sign-in/oidc", **claims):
        oidc_provider.issue(email, sub, **claims)
        return client.get(to_provider_and_back(client, start))

    return run
