"""Single sign-on in a real browser: the NHS account button, through a real OpenID provider on
127.0.0.1, to My actions; and the page a person from another domain sees instead.

The module runs its own server (own_live_server) with the single sign-on settings pointing at
the test provider (tests/auth/oidc_provider.py)."""
from __future__ import annotations

import pytest
from browser_support import OWNER, check_accessibility, describe
from playwright.sync_api import expect

from tests.auth.oidc_provider import CLIENT_ID, CLIENT_SECRET, ServedProvider

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def oidc_provider():
    served = ServedProvider()
    yield served.provider
    served.stop()


@pytest.fixture(scope="module")
def live_server_env(oidc_provider) -> dict[str, str]:
    return {"OIDC_DISCOVERY_URL": oidc_provider.discovery_url, "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_ALLOWED_DOMAINS": "example.org", "OIDC_AUTO_CREATE": "false"}


@pytest.fixture(scope="module")
def live_server(own_live_server, oidc_provider):
    oidc_provider.redirect_uris = {own_live_server.base_url + "/sign-in/oidc/callback"}
    return own_live_server


def test_an_owner_signs_in_with_their_nhs_account_by_clicking_the_button(page, live_server, oidc_provider):
    oidc_provider.issue(None, sub="laura-sub", preferred_username=OWNER.upper(), name="Laura Reynolds")
    page.goto("/sign-in")
    button = page.get_by_role("button", name="Sign in with your NHS account")
    expect(button).to_be_visible()
    expect(page.get_by_label("Email address")).to_be_visible()
    problems = check_accessibility(page, "sso-sign-in")
    assert not problems, describe(problems)
    button.click()
    page.wait_for_url(live_server.base_url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    expect(page.get_by_text("Laura Reynolds (owner)")).to_be_visible()
    assert live_server.query("SELECT sso_subject FROM users WHERE email = ?", OWNER) == [("sub:laura-sub",)]


def test_a_person_from_another_domain_is_told_which_account_to_use(page, live_server, oidc_provider):
    oidc_provider.issue("someone@gmail.com", sub="gmail-sub")
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in with your NHS account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with your work NHS account")
    expect(page.get_by_text("You signed in as someone@gmail.com")).to_be_visible()
    problems = check_accessibility(page, "sso-refused-domain")
    assert not problems, describe(problems)
    page.get_by_role("link", name="Go back to sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert live_server.query("SELECT count(*) FROM users WHERE email = 'someone@gmail.com'") == [(0,)]
