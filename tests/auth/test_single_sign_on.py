"""Single sign-on through a real OpenID provider on 127.0.0.1: every token check, the user rules, audit."""
from __future__ import annotations

from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.extensions import db


def _events(verb_start: str = "") -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.verb.startswith(verb_start))
                                   .order_by(AuditEvent.id)))


def _signed_in(client) -> bool:
    return client.get("/my-actions").status_code == 200


def test_an_existing_user_signs_in_and_their_nhs_account_is_stored(sso_client, sso_sign_in, make_user):
    user = make_user("owner", name="Laura Reynolds", email="laura.reynolds@nhs.net")
    response = sso_sign_in(sso_client, "laura.reynolds@nhs.net", sub="abc-123")
    assert response.status_code == 302 and response.location == "/"
    page = sso_client.get("/my-actions").get_data(as_text=True)
    assert "My actions" in page and "Laura Reynolds (owner)" in page
    assert db.session.get(User, user.id).sso_subject == "sub:abc-123"
    [linked] = _events("NHS account linked")
    assert (linked.actor_id, linked.subject_id, linked.changes) == (user.id, user.id, {"sso_subject": [None, "sub:abc-123"]})
    [event] = _events("signed in")
    assert (event.subject_type, event.subject_id, event.changes["method"]) == ("sign_in", user.id, [None, "NHS account"])


def test_a_second_sign_in_from_the_same_account_works_and_another_account_is_refused(
        sso_client, sso_app, sso_sign_in, make_user):
    user = make_user("owner", email="laura.reynolds@nhs.net")
    assert sso_sign_in(sso_client, "laura.reynolds@nhs.net", sub="abc-123").status_code == 302
    again = sso_app().test_client()
    assert sso_sign_in(again, "laura.reynolds@nhs.net", sub="abc-123").status_code == 302
    assert _signed_in(again)
    impostor = sso_app().test_client()
    response = sso_sign_in(impostor, "laura.reynolds@nhs.net", sub="someone-else")
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and "This NHS account cannot sign in as this user" in page
    assert "Go back to sign in" in page and not _signed_in(impostor)
    assert db.session.get(User, user.id).sso_subject == "sub:abc-123"
    refused = _events("NHS sign-in refused")[-1]
    assert (refused.verb, refused.subject_id) == ("NHS sign-in refused: account mismatch", user.id)
    assert refused.changes["subject"] == [None, "sub:someone-else"]
    assert (refused.subject_type, refused.changes["email"], refused.changes["address"]) == (
        "sign_in", [None, "laura.reynolds@nhs.net"], [None, "127.0.0.1"])


def test_an_account_already_linked_to_one_user_cannot_sign_in_as_another(sso_client, sso_app, sso_sign_in, make_user):
    make_user("owner", email="first@nhs.net")
    second = make_user("owner", email="second@nhs.net")
    assert sso_sign_in(sso_client, "first@nhs.net", sub="abc-123").status_code == 302
    other = sso_app().test_client()
    assert sso_sign_in(other, "second@nhs.net", sub="abc-123").status_code == 403
    assert not _signed_in(other) and db.session.get(User, second.id).sso_subject is None


def test_email_is_matched_ignoring_case(sso_client, sso_sign_in, make_user):
    user = make_user("owner", email="laura.reynolds@nhs.net")
    assert sso_sign_in(sso_client, "Laura.Reynolds@NHS.net").status_code == 302
    assert _signed_in(sso_client) and db.session.get(User, user.id).sso_subject == "sub:subject-1"


def test_entra_tokens_without_an_email_claim_use_preferred_username_and_pin_tenant_and_object_id(
        sso_client, sso_sign_in, make_user):
    user = make_user("owner", email="laura.reynolds@nhs.net")
    response = sso_sign_in(sso_client, None, sub="pairwise-sub", preferred_username="LAURA.REYNOLDS@nhs.net",
                           oid="00000000-0000-0000-0000-000000000001", tid="11111111-2222-3333-4444-555555555555")
    assert response.status_code == 302 and _signed_in(sso_client)
    assert db.session.get(User, user.id).sso_subject == (
        "entra:11111111-2222-3333-4444-555555555555:00000000-0000-0000-0000-000000000001")


def test_an_email_the_provider_marks_unverified_is_not_used(sso_client, sso_sign_in, make_user):
    make_user("admin", email="edi.lead@nhs.net")
    response = sso_sign_in(sso_client, "edi.lead@nhs.net", email_verified=False)
    assert response.status_code == 403 and "did not give an email address" in response.get_data(as_text=True)
    assert not _signed_in(sso_client)


def _assert_token_refused(response, client, reason_text="Your sign-in could not be checked"):
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page
    assert reason_text in page and "Go back to sign in" in page
    assert not _signed_in(client)


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(
        sso_client, sso_sign_in, oidc_provider, make_user):
    from tests.auth.oidc_provider import other_key
    user = make_user("owner", email="laura.reynolds@nhs.net")
    oidc_provider.sign_with = other_key()
    _assert_token_refused(sso_sign_in(sso_client, "laura.reynolds@nhs.net"), sso_client)
    assert db.session.get(User, user.id).sso_subject is None
    [event] = _events("NHS sign-in failed")
    assert event.verb == "NHS sign-in failed: token" and event.subject_type == "sign_in"
    assert "signature" in event.summary.lower()


def test_a_token_for_another_audience_is_refused(sso_client, sso_sign_in, oidc_provider, make_user):
    make_user("owner", email="laura.reynolds@nhs.net")
    oidc_provider.overrides = {"aud": "some-other-app"}
    _assert_token_refused(sso_sign_in(sso_client, "laura.reynolds@nhs.net"), sso_client)
    assert "aud" in _events("NHS sign-in failed")[0].summary


def test_an_expired_token_is_refused(sso_client, sso_sign_in, oidc_provider, make_user):
    import time
    make_user("owner", email="laura.reynolds@nhs.net")
    oidc_provider.overrides = {"exp": int(time.time()) - 300, "iat": int(time.time()) - 900}
    _assert_token_refused(sso_sign_in(sso_client, "laura.reynolds@nhs.net"), sso_client)
    assert "exp" in _events("NHS sign-in failed")[0].summary


def test_a_token_from_another_issuer_is_refused(sso_client, sso_sign_in, oidc_provider, make_user):
    make_user("owner", email="laura.reynolds@nhs.net")
    oidc_provider.overrides = {"iss": "https://login.example.com/other-tenant/v2.0"}
    _assert_token_refused(sso_sign_in(sso_client, "laura.reynolds@nhs.net"), sso_client)
    assert "iss" in _events("NHS sign-in failed")[0].summary


def test_a_token_with_another_nonce_is_refused(sso_client, sso_sign_in, oidc_provider, make_user):
    make_user("owner", email="laura.reynolds@nhs.net")
    oidc_provider.overrides = {"nonce": "a-nonce-from-another-sign-in"}
    _assert_token_refused(sso_sign_in(sso_client, "laura.reynolds@nhs.net"), sso_client)
    assert "nonce" in _events("NHS sign-in failed")[0].summary


def test_the_flow_uses_pkce_s256_and_the_registered_redirect_uri(sso_client, sso_sign_in, oidc_provider, make_user):
    from urllib.parse import parse_qs, urlsplit
    make_user("owner", email="laura.reynolds@nhs.net")
    started = sso_client.get("/sign-in/oidc", base_url="http://evil.example")
    query = parse_qs(urlsplit(started.location).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["redirect_uri"] == ["http://localhost/sign-in/oidc/callback"]
    assert query["state"][0] and query["nonce"][0] and query["scope"] == ["openid email profile"]


def test_a_replayed_callback_is_refused_and_signs_nobody_in(sso_app, oidc_provider, make_user):
    from tests.auth.conftest import to_provider_and_back
    make_user("owner", email="laura.reynolds@nhs.net")
    client = sso_app().test_client()
    oidc_provider.issue("laura.reynolds@nhs.net")
    callback = to_provider_and_back(client)
    assert client.get(callback).status_code == 302
    client.post("/sign-out")
    replay = client.get(callback)
    _assert_token_refused(replay, client, "Your sign-in expired or was already used")
    assert _events("NHS sign-in failed")[-1].verb == "NHS sign-in failed: state"


def test_a_callback_without_a_state_this_browser_started_is_refused(sso_app, oidc_provider, make_user):
    from tests.auth.conftest import to_provider_and_back
    make_user("owner", email="laura.reynolds@nhs.net")
    oidc_provider.issue("laura.reynolds@nhs.net")
    callback = to_provider_and_back(sso_app().test_client())
    stranger = sso_app().test_client()
    _assert_token_refused(stranger.get(callback), stranger, "Your sign-in expired or was already used")
    _assert_token_refused(stranger.get("/sign-in/oidc/callback"), stranger, "Your sign-in expired or was already used")


def test_an_error_from_the_provider_is_shown_and_signs_nobody_in(sso_client, sso_sign_in, oidc_provider, make_user):
    make_user("owner", email="laura.reynolds@nhs.net")
    oidc_provider.error = "access_denied"
    response = sso_sign_in(sso_client, "laura.reynolds@nhs.net")
    _assert_token_refused(response, sso_client, "Sign-in was cancelled or refused")
    [event] = _events("NHS sign-in failed")
    assert event.verb == "NHS sign-in failed: provider error" and "access_denied" in event.summary


def test_a_person_from_another_domain_is_told_which_account_to_use_and_nothing_is_created(
        sso_app, sso_sign_in):
    client = sso_app(OIDC_ALLOWED_DOMAINS="nhs.net, @MyTrust.nhs.uk", OIDC_AUTO_CREATE=True).test_client()
    users_before = db.session.scalar(select(db.func.count()).select_from(User))
    response = sso_sign_in(client, "someone@gmail.com")
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and "Sign in with your work NHS account" in page
    assert "someone@gmail.com" in page and "@nhs.net or @mytrust.nhs.uk" in page
    assert db.session.scalar(select(db.func.count()).select_from(User)) == users_before
    [event] = _events("NHS sign-in refused")
    assert event.verb == "NHS sign-in refused: domain" and "someone@gmail.com" in event.summary


def test_an_unknown_person_from_an_allowed_domain_is_sent_to_the_edi_lead_when_auto_create_is_off(
        sso_client, sso_sign_in):
    response = sso_sign_in(sso_client, "new.person@nhs.net", name="New Person")
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and "Ask your EDI lead for access" in page and "new.person@nhs.net" in page
    assert db.session.scalar(select(User).where(User.email == "new.person@nhs.net")) is None
    assert _events("NHS sign-in refused")[0].verb == "NHS sign-in refused: unknown user"


def test_an_unknown_person_from_an_allowed_domain_is_created_as_a_viewer_when_auto_create_is_on(sso_app, sso_sign_in):
    client = sso_app(OIDC_AUTO_CREATE=True).test_client()
    response = sso_sign_in(client, "New.Person@nhs.net", sub="new-sub", name="New  Person")
    assert response.status_code == 302 and "New Person (viewer)" in client.get("/my-actions").get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "new.person@nhs.net"))
    assert (user.name, user.role, user.sso_subject, user.password_hash) == ("New Person", "viewer", "sub:new-sub", None)
    verbs = [(event.verb, event.subject_id) for event in _events()]
    assert verbs == [("created", user.id), ("NHS account linked", user.id), ("signed in", user.id)]
    assert _events("NHS account linked")[0].summary == "Account created as a viewer on first sign-in"


def test_auto_create_is_off_when_no_domains_are_listed_but_existing_users_of_any_domain_sign_in(
        sso_app, sso_sign_in, make_user):
    make_user("owner", email="laura@example.org")
    client = sso_app(OIDC_ALLOWED_DOMAINS="", OIDC_AUTO_CREATE=True).test_client()
    assert sso_sign_in(client, "stranger@example.org").status_code == 403
    assert db.session.scalar(select(User).where(User.email == "stranger@example.org")) is None
    assert sso_sign_in(client, "laura@example.org", sub="laura").status_code == 302 and _signed_in(client)


def test_an_inactive_user_is_refused(sso_client, sso_sign_in, make_user):
    user = make_user("owner", email="laura.reynolds@nhs.net", active=False)
    response = sso_sign_in(sso_client, "laura.reynolds@nhs.net")
    assert response.status_code == 403 and "Your account is switched off" in response.get_data(as_text=True)
    assert not _signed_in(sso_client) and db.session.get(User, user.id).sso_subject is None
    assert _events("NHS sign-in refused")[0].verb == "NHS sign-in refused: inactive user"


def test_next_is_kept_through_the_provider_but_only_within_the_site(sso_app, sso_sign_in, make_user):
    make_user("owner", email="laura.reynolds@nhs.net")
    client = sso_app().test_client()
    assert sso_sign_in(client, "laura.reynolds@nhs.net", start="/sign-in/oidc?next=/plans/").location == "/plans/"
    for target in ("https://evil.example/steal", "//evil.example/steal", "/\\evil.example"):
        other = sso_app().test_client()
        assert sso_sign_in(other, "laura.reynolds@nhs.net", start=f"/sign-in/oidc?next={target}").location == "/"


def test_sign_in_page_shows_the_nhs_button_only_when_sso_is_configured(client, sso_app):
    plain = client.get("/sign-in").get_data(as_text=True)
    assert "/sign-in/oidc" not in plain and "Sign in with your NHS account" not in plain
    assert client.get("/sign-in/oidc").status_code == 404
    assert client.get("/sign-in/oidc/callback?code=x&state=y").status_code == 404
    page = sso_app(OIDC_LABEL="Sign in with NHSmail").test_client().get("/sign-in?next=/plans/").get_data(as_text=True)
    button = page.index('href="/sign-in/oidc?next=/plans/">Sign in with NHSmail</a>')
    assert 'class="nhsuk-button"' in page[page.rindex("<a", 0, button):button]
    assert button < page.index('id="sign-in-or"') < page.index('name="password"')


def test_a_provider_that_cannot_be_reached_gives_a_clear_page(sso_app):
    import socket
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    client = sso_app(OIDC_DISCOVERY_URL=f"http://127.0.0.1:{port}/.well-known/openid-configuration").test_client()
    response = client.get("/sign-in/oidc")
    assert response.status_code == 503
    assert "The NHS sign-in service cannot be reached" in response.get_data(as_text=True)


def test_with_local_sign_in_off_the_password_form_is_hidden_and_refused(sso_app, make_user):
    from tests.conftest import PASSWORD
    owner = make_user("owner")
    client = sso_app(LOCAL_SIGN_IN=False).test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Sign in with your NHS account" in page
    assert 'name="password"' not in page and 'id="sign-in-or"' not in page
    assert client.post("/sign-in", data={"email": owner.email, "password": PASSWORD}).status_code == 403
    assert not _signed_in(client)


def test_break_glass_lets_an_admin_sign_in_with_a_password_and_refuses_everyone_else(sso_app, make_user):
    from tests.conftest import PASSWORD
    admin, owner = make_user("admin", name="Edi Lead"), make_user("owner")
    app = sso_app(LOCAL_SIGN_IN=False)
    client = app.test_client()
    page = client.get("/sign-in?local=1").get_data(as_text=True)
    assert 'name="password"' in page and "Only an admin may use it here" in page
    assert "Sign in with your NHS account" not in page
    refused = client.post("/sign-in?local=1", data={"email": owner.email, "password": PASSWORD})
    assert refused.status_code == 200 and "Only an admin can sign in with a password here" in refused.get_data(as_text=True)
    assert not _signed_in(client)
    assert client.post("/sign-in?local=1", data={"email": admin.email, "password": "wrong-password"}).status_code == 200
    assert not _signed_in(client)
    response = client.post("/sign-in?local=1", data={"email": admin.email, "password": PASSWORD})
    assert response.status_code == 302 and "Edi Lead (admin)" in client.get("/my-actions").get_data(as_text=True)
    trail = [(event.verb, event.subject_id, (event.changes.get("reason") or event.changes.get("method"))[1])
             for event in _events() if event.verb != "created"]
    assert trail == [("sign-in failed", owner.id, "not an admin (password sign-in is for admins only)"),
                     ("sign-in failed", admin.id, "wrong password"),
                     ("signed in", admin.id, "break-glass password")]


def test_local_sign_in_on_keeps_the_password_form_below_the_button(sso_client, make_user):
    from tests.conftest import PASSWORD
    owner = make_user("owner")
    page = sso_client.get("/sign-in?local=1").get_data(as_text=True)
    assert "Only an admin may use it here" not in page and "Sign in with your NHS account" in page
    assert sso_client.post("/sign-in", data={"email": owner.email, "password": PASSWORD}).status_code == 302
    assert [(event.verb, event.changes.get("method")) for event in _events()] == [
        ("created", None), ("signed in", [None, "password"])]


def test_a_code_the_token_endpoint_refuses_signs_nobody_in(sso_client, oidc_provider, make_user):
    from tests.auth.conftest import to_provider_and_back
    make_user("owner", email="laura.reynolds@nhs.net")
    oidc_provider.issue("laura.reynolds@nhs.net")
    callback = to_provider_and_back(sso_client)
    oidc_provider.grants.clear()  # the code expired at the provider
    _assert_token_refused(sso_client.get(callback), sso_client)
    assert "invalid_grant" in _events("NHS sign-in failed")[0].summary
    [request] = oidc_provider.token_requests
    assert request["grant_type"] == "authorization_code" and len(request["code_verifier"]) >= 43


def test_unlinking_a_users_nhs_account_lets_a_new_account_sign_in(sso_client, sso_app, sso_sign_in, make_user, runner):
    user = make_user("owner", email="laura.reynolds@nhs.net")
    assert sso_sign_in(sso_client, "laura.reynolds@nhs.net", sub="old-account").status_code == 302
    result = runner.invoke(args=["users", "unlink-nhs-account", "Laura.Reynolds@nhs.net"])
    assert result.exit_code == 0 and "Unlinked sub:old-account from laura.reynolds@nhs.net" in result.output
    assert _events("NHS account unlinked")[0].changes == {"sso_subject": ["sub:old-account", None]}
    assert sso_sign_in(sso_app().test_client(), "laura.reynolds@nhs.net", sub="new-account").status_code == 302
    assert db.session.get(User, user.id).sso_subject == "sub:new-account"
    assert "No user has the email" in runner.invoke(args=["users", "unlink-nhs-account", "x@nhs.net"]).output


def test_failed_callbacks_are_throttled_but_successful_sign_ins_are_not(sso_app, sso_sign_in, make_user):
    from tracker.extensions import limiter
    make_user("owner", email="laura.reynolds@nhs.net")
    app = sso_app(RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="2 per minute")
    try:
        codes = [sso_sign_in(app.test_client(), "laura.reynolds@nhs.net").status_code for _ in range(3)]
        assert codes == [302, 302, 302]
        client = app.test_client()
        failures = [client.get("/sign-in/oidc/callback?code=x&state=y").status_code for _ in range(3)]
        assert failures == [400, 400, 429]
    finally:
        limiter.reset()
        limiter.enabled = False


def test_settings_are_read_from_the_environment(monkeypatch):
    import importlib

    import config
    from tracker.auth.oidc import allowed_domains, sso_enabled
    settings = {"OIDC_DISCOVERY_URL": "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration",
                "OIDC_CLIENT_ID": "client", "OIDC_CLIENT_SECRET": "secret", "OIDC_LABEL": "Sign in with NHSmail",
                "OIDC_ALLOWED_DOMAINS": " nhs.net, @MyTrust.nhs.uk ,", "OIDC_AUTO_CREATE": "true", "LOCAL_SIGN_IN": "false"}
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    try:
        reloaded = importlib.reload(config).Config
        values = {name: getattr(reloaded, name) for name in dir(reloaded) if name.isupper()}
        assert sso_enabled(values) and reloaded.OIDC_LABEL == "Sign in with NHSmail"
        assert allowed_domains(values) == ("nhs.net", "mytrust.nhs.uk")
        assert reloaded.OIDC_AUTO_CREATE is True and reloaded.LOCAL_SIGN_IN is False
        monkeypatch.delenv("OIDC_CLIENT_SECRET")
        assert not sso_enabled({name: getattr(importlib.reload(config).Config, name) for name in settings})
    finally:
        for name in settings:
            monkeypatch.delenv(name, raising=False)
        importlib.reload(config)
