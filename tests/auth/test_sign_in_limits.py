"""Sign-in limits: an account under attack waits, doubling; an address is refused only far later;
failures and sign-ins are in the audit trail with the client's real address."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from tracker import create_app
from tracker.audit.models import AuditEvent
from tracker.auth import limits
from tracker.auth.models import SignInFailure, SignInSession
from tracker.extensions import db

START = datetime(2024, 11, 4, 9, 0)  # 09:00 UTC is 09:00 in London in November
WRONG = "not-the-password"


def _try(client, email, password, address=None):
    environ = {"REMOTE_ADDR": address} if address else {}
    return client.post("/sign-in", data={"email": email, "password": password}, environ_base=environ)


def _fail(client, email, times, address=None):
    for _ in range(times):
        response = _try(client, email, WRONG, address)
        assert response.status_code == 200 and "Email address or password is not right" in response.get_data(as_text=True)


def test_five_wrong_passwords_make_the_account_wait_even_for_the_right_one(client, make_user, clock_at):
    user = make_user("owner")
    clock_at(START)
    _fail(client, user.email, 5)
    response = _try(client, user.email, PASSWORD)
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Too many failed sign-ins for this email address. Try again in 1 minute (after 09:01)." in page
    assert "Email address or password is not right" not in page
    assert client.get("/my-actions").status_code == 302
    wrong = _try(client, user.email, WRONG).get_data(as_text=True)
    assert "Too many failed sign-ins for this email address. Try again in 1 minute (after 09:01)." in wrong

    clock_at(START + timedelta(seconds=61))
    assert _try(client, user.email, PASSWORD).status_code == 302
    assert client.get("/my-actions").status_code == 200


def test_the_wait_doubles_with_each_further_failure_up_to_fifteen_minutes(client, make_user, clock_at):
    user = make_user("owner")
    moment = clock_at(START)
    _fail(client, user.email, 5)
    waits = []
    for _ in range(7):
        page = _try(client, user.email, PASSWORD).get_data(as_text=True)
        waits.append(page.split("Try again in ")[1].split(" (")[0])
        moment = clock_at(moment + timedelta(minutes=int(waits[-1].split()[0]), seconds=1))
        _fail(client, user.email, 1)
    assert waits == ["1 minute", "2 minutes", "4 minutes", "8 minutes", "15 minutes", "15 minutes", "15 minutes"]


def test_an_account_quiet_for_an_hour_starts_again(client, make_user, clock_at):
    user = make_user("owner")
    clock_at(START)
    _fail(client, user.email, 4)
    clock_at(START + timedelta(minutes=61))
    _fail(client, user.email, 4)
    assert _try(client, user.email, PASSWORD).status_code == 302


def test_five_failures_spread_over_less_than_quiet_hours_count(client, make_user, clock_at):
    user = make_user("owner")
    for n in range(5):
        clock_at(START + timedelta(minutes=50 * n))
        _fail(client, user.email, 1)
    assert _try(client, user.email, PASSWORD).status_code == 429


@pytest.mark.parametrize("gaps, wait", [
    ([0, 0, 0, 0], None),
    ([0, 0, 0, 0, 0], 1),
    ([0, 0, 0, 0, 0, 1], 2),
    ([0, 0, 0, 0, 0, 1, 2, 4, 8, 15, 15], 15),
    ([0, 0, 0, 0, 61, 0, 0, 0], None),
])
def test_account_wait_rule(app, gaps, wait):
    moments, moment = [], START
    for gap in gaps:
        moment += timedelta(minutes=gap)
        moments.append(moment)
    until = limits.account_wait(moments, 5, timedelta(minutes=15), timedelta(minutes=60))
    assert (None if until is None else (until - moments[-1]) / timedelta(minutes=1)) == wait


def test_a_successful_sign_in_clears_the_accounts_failures(client, make_user, clock_at):
    user = make_user("owner")
    clock_at(START)
    _fail(client, user.email, 4)
    assert _try(client, user.email, PASSWORD).status_code == 302
    client.post("/sign-out")
    _fail(client, user.email, 4)
    assert _try(client, user.email, PASSWORD).status_code == 302


def test_failures_on_other_accounts_from_the_same_address_do_not_lock_anyone_else_out(client, make_user, clock_at):
    clock_at(START)
    victim, colleague = make_user("owner"), make_user("owner")
    _fail(client, victim.email, 5)
    for n in range(7):
        _fail(client, f"typo{n}@example.org", 5)
    assert _try(client, victim.email, PASSWORD).status_code == 429
    assert _try(client, colleague.email, PASSWORD).status_code == 302


def test_an_address_is_refused_after_fifty_failures_in_fifteen_minutes(client, make_user, clock_at):
    clock_at(START)
    user = make_user("owner")
    for n in range(49):
        limits.note_failure(f"guess{n}@example.org", "10.9.9.9", START - timedelta(minutes=10))
    db.session.commit()
    _fail(client, "guess-last@example.org", 1, address="10.9.9.9")
    response = _try(client, user.email, PASSWORD, address="10.9.9.9")
    assert response.status_code == 429
    assert "Too many failed sign-ins from your network. Try again in 5 minutes (after 09:05)." in response.get_data(as_text=True)
    assert _try(client, user.email, PASSWORD, address="10.9.9.10").status_code == 302
    client.post("/sign-out")
    clock_at(START + timedelta(minutes=5, seconds=1))
    assert _try(client, user.email, PASSWORD, address="10.9.9.9").status_code == 302


def test_the_counts_are_kept_in_the_database_for_every_worker(client, make_user, clock_at, _app):
    """Two app instances (as two workers) share the counts."""
    clock_at(START)
    user = make_user("owner")
    other_worker = create_app({"SQLALCHEMY_DATABASE_URI": _app.config["SQLALCHEMY_DATABASE_URI"]}).test_client()
    _fail(client, user.email, 3)
    _fail(other_worker, user.email, 2)
    assert _try(client, user.email, PASSWORD).status_code == 429
    assert len(db.session.scalars(select(SignInFailure)).all()) == 5


def test_failures_older_than_a_day_are_deleted(app, clock_at):
    limits.note_failure("old@example.org", "10.0.0.1", START - timedelta(days=2))
    limits.note_failure("new@example.org", "10.0.0.1", START)
    db.session.commit()
    assert db.session.scalars(select(SignInFailure.email)).all() == ["new@example.org"]


# The audit trail

def _events(verb):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.verb == verb).order_by(AuditEvent.id)).all()


def test_sign_ins_failures_and_sign_outs_are_audited_without_passwords(client, make_user, clock_at):
    clock_at(START)
    client.environ_base["REMOTE_ADDR"] = "10.1.1.1"
    user = make_user("owner", email="laura.reynolds@example.org")
    _try(client, "LAURA.REYNOLDS@example.org", WRONG)
    _try(client, "nobody@example.org", PASSWORD)
    _try(client, user.email, PASSWORD)
    client.post("/sign-out")

    failed = _events("sign-in failed")
    assert [(e.subject_type, e.subject_id, e.changes["email"][1], e.changes["address"][1], e.changes["reason"][1])
            for e in failed] == [("sign_in", user.id, "laura.reynolds@example.org", "10.1.1.1", "wrong password"),
                                 ("sign_in", None, "nobody@example.org", "10.1.1.1", "unknown email")]
    [signed_in] = _events("signed in")
    assert (signed_in.actor_id, signed_in.subject_id, signed_in.changes["method"][1]) == (user.id, user.id, "password")
    assert signed_in.changes["address"][1] == "10.1.1.1"
    [signed_out] = _events("signed out")
    assert signed_out.subject_id == user.id and signed_out.actor_id == user.id
    every_event = db.session.scalars(select(AuditEvent)).all()
    assert not [e for e in every_event if PASSWORD in repr(e.changes) + e.summary or WRONG in repr(e.changes) + e.summary]


def test_refusals_during_the_wait_are_audited_with_the_reason(client, make_user, clock_at):
    clock_at(START)
    user = make_user("owner")
    _fail(client, user.email, 5)
    _try(client, user.email, PASSWORD)
    reasons = [e.changes["reason"][1] for e in _events("sign-in failed")]
    assert reasons == ["wrong password"] * 5 + ["account waiting after failed sign-ins"]


def test_inactive_users_failures_are_audited_as_inactive(client, make_user):
    user = make_user("owner", active=False)
    _try(client, user.email, PASSWORD)
    assert [e.changes["reason"][1] for e in _events("sign-in failed")] == ["inactive"]


def test_role_changes_and_deactivations_are_audited(app, make_user, clock_at):
    admin, person = make_user("admin", name="Zara Ahmed"), make_user("owner", name="Laura Reynolds")
    browser = app.test_client()
    browser.post("/sign-in", data={"email": admin.email, "password": PASSWORD})
    browser.post(f"/admin/users/{person.id}", data={"name": "Laura Reynolds", "email": person.email, "role": "reviewer"})
    browser.post(f"/admin/users/{person.id}/deactivate")
    [updated] = _events("updated")
    assert updated.changes == {"role": ["owner", "reviewer"]} and updated.actor_id == admin.id
    [deactivated] = _events("deactivated")
    assert deactivated.changes == {"active": [True, False]} and deactivated.actor_id == admin.id
    assert deactivated.subject_id == person.id


def test_the_sign_ins_page_shows_failures_for_unknown_emails(app, client, make_user):
    make_user("owner", name="Laura Reynolds", email="laura@example.org")
    _try(client, "laura@example.org", PASSWORD)
    client.post("/sign-out")
    _try(client, "<b>mallory@example.org</b>", WRONG)
    _try(client, "mallory@example.org", WRONG)
    admin = make_user("admin", name="Zara Ahmed")
    browser = app.test_client()
    browser.post("/sign-in", data={"email": admin.email, "password": PASSWORD})
    page = browser.get("/admin/sign-ins").get_data(as_text=True)
    assert "mallory@example.org</td>" not in page
    assert "mallory@example.org <span class=\"nhsuk-u-secondary-text-color\">(no such user)</span>" in page
    assert "&lt;b&gt;mallory@example.org&lt;/b&gt;" in page and "<b>mallory" not in page
    assert "Unknown email" in page and "Laura Reynolds</a>" in page and "Signed out" in page
    failed_only = browser.get("/admin/sign-ins?failed=1").get_data(as_text=True)
    assert "Unknown email" in failed_only and "Signed out" not in failed_only
    owner_browser = app.test_client()
    owner_browser.post("/sign-in", data={"email": "laura@example.org", "password": PASSWORD})
    assert owner_browser.get("/admin/sign-ins").status_code == 403


# Trusted proxies

@pytest.fixture
def app_behind(_app):
    def make(proxies: int):
        return create_app({"SQLALCHEMY_DATABASE_URI": _app.config["SQLALCHEMY_DATABASE_URI"], "TRUSTED_PROXIES": proxies})
    return make


@pytest.mark.parametrize("proxies, recorded", [(1, "203.0.113.7"), (0, "10.0.0.2")])
def test_the_client_address_comes_from_x_forwarded_for_only_behind_trusted_proxies(app, make_user, app_behind,
                                                                                    proxies, recorded):
    user = make_user("owner")
    client = app_behind(proxies).test_client()
    headers = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    environ = {"REMOTE_ADDR": "10.0.0.2"}
    client.post("/sign-in", data={"email": user.email, "password": WRONG}, headers=headers, environ_base=environ)
    assert client.post("/sign-in", data={"email": user.email, "password": PASSWORD}, headers=headers,
                       environ_base=environ).status_code == 302
    assert _events("sign-in failed")[0].changes["address"][1] == recorded
    assert _events("signed in")[0].changes["address"][1] == recorded
    assert db.session.scalar(select(SignInSession.address)) == recorded
    assert db.session.scalar(select(SignInFailure.address)) is None  # cleared by the sign-in


def test_with_one_trusted_proxy_a_forged_first_hop_is_ignored(app, make_user, app_behind):
    user = make_user("owner")
    client = app_behind(1).test_client()
    client.post("/sign-in", data={"email": user.email, "password": WRONG},
                headers={"X-Forwarded-For": "1.2.3.4, 203.0.113.7"}, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert _events("sign-in failed")[0].changes["address"][1] == "203.0.113.7"
