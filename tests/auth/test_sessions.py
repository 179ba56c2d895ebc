"""Sign-in sessions live in the database: a copied cookie stops working once its session ends."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, select

from tests.conftest import PASSWORD
from tracker.audit.models import AuditEvent
from tracker.auth import service, sessions
from tracker.auth.models import SignInSession, User
from tracker.extensions import db

ENDED = "Your session has ended. Sign in again."
START = datetime(2024, 11, 4, 9, 0)


def _signed_in(app, user):
    browser = app.test_client()
    assert browser.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return browser


def _copy_of(app, browser):
    """Another browser holding a copy of `browser`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", browser.get_cookie("session").value)
    return thief


def _works(browser, user) -> bool:
    response = browser.get("/my-actions")
    return response.status_code == 200 and f"{user.name} ({user.role})" in response.get_data(as_text=True)


def _refused_with(browser, message: str) -> bool:
    response = browser.get("/plans/")
    if response.status_code != 302 or not response.location.startswith("/sign-in?next="):
        return False
    page = browser.get(response.location).get_data(as_text=True)
    return message in page and "Sign in to see this page." not in page


@pytest.fixture
def owner(make_user):
    return make_user("owner", name="Laura Reynolds")


@pytest.fixture
def admin_browser(app, make_user):
    return _signed_in(app, make_user("admin", name="Zara Ahmed"))


def test_a_copied_cookie_stops_working_after_sign_out(app, owner):
    browser = _signed_in(app, owner)
    copy = _copy_of(app, browser)
    assert _works(copy, owner)
    assert browser.post("/sign-out").status_code == 302
    assert not _works(browser, owner)
    assert _refused_with(copy, ENDED)
    assert not _works(copy, owner)


def test_signing_out_ends_only_that_browsers_session(app, owner):
    laptop, phone = _signed_in(app, owner), _signed_in(app, owner)
    laptop.post("/sign-out")
    assert _works(phone, owner) and not _works(laptop, owner)


def test_a_copied_cookie_stops_working_after_the_password_is_set(app, owner):
    browser = _signed_in(app, owner)
    copy = _copy_of(app, browser)
    assert _works(copy, owner)
    token = service.password_link_token(owner, app.config["SECRET_KEY"])
    anywhere = app.test_client()
    response = anywhere.post(f"/set-password/{token}", data={"password": "a-new-password-1", "confirm": "a-new-password-1"})
    assert response.status_code == 302
    assert _refused_with(copy, ENDED) and not _works(browser, owner)
    assert _works(_signed_in_with(app, owner, "a-new-password-1"), owner)


def _signed_in_with(app, user, password):
    browser = app.test_client()
    assert browser.post("/sign-in", data={"email": user.email, "password": password}).status_code == 302
    return browser


def test_a_copied_cookie_stops_working_after_an_admin_resets_the_password(app, owner, admin_browser):
    copy = _copy_of(app, _signed_in(app, owner))
    assert _works(copy, owner)
    assert admin_browser.post(f"/admin/users/{owner.id}/reset-password").status_code == 302
    assert _refused_with(copy, ENDED)
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "password reset"))
    assert event_.summary == "Password reset; 1 sign-in session ended"
    # The old password still signs in until the new one is set, as the admin page says.
    assert _works(_signed_in(app, owner), owner)


def test_a_copied_cookie_stops_working_after_deactivation(app, owner, admin_browser):
    copy = _copy_of(app, _signed_in(app, owner))
    assert _works(copy, owner)
    assert admin_browser.post(f"/admin/users/{owner.id}/deactivate").status_code == 302
    assert _refused_with(copy, ENDED)
    ended = select(SignInSession.ended_reason).where(SignInSession.user_id == owner.id)
    assert db.session.scalars(ended).all() == ["deactivated"]


def test_a_copied_cookie_stops_working_after_an_admin_signs_the_user_out_everywhere(app, owner, admin_browser):
    laptop, phone = _signed_in(app, owner), _signed_in(app, owner)
    copy = _copy_of(app, laptop)
    assert _works(copy, owner) and _works(phone, owner)
    page = admin_browser.get(f"/admin/users/{owner.id}").get_data(as_text=True)
    assert "Sign Laura Reynolds out everywhere" in page and "ends all 2 of these sessions at once" in page
    response = admin_browser.post(f"/admin/users/{owner.id}/sign-out-everywhere", follow_redirects=True)
    assert "Laura Reynolds is signed out everywhere" in response.get_data(as_text=True)
    assert "Laura Reynolds is not signed in anywhere" in response.get_data(as_text=True)
    assert _refused_with(copy, ENDED) and not _works(phone, owner) and not _works(laptop, owner)
    assert _works(admin_browser, db.session.scalar(select(User).where(User.name == "Zara Ahmed")))
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "signed out everywhere"))
    assert audit.actor.name == "Zara Ahmed" and audit.subject_id == owner.id and audit.subject_type == "sign_in"
    assert audit.changes == {"sessions ended": [None, 2]}


def test_sign_out_everywhere_is_for_admins_only(app, owner, make_user):
    copy = _copy_of(app, _signed_in(app, owner))
    other = _signed_in(app, make_user("reviewer"))
    assert other.post(f"/admin/users/{owner.id}/sign-out-everywhere").status_code == 403
    assert _works(copy, owner)


def test_the_cli_signs_a_user_out_everywhere(app, owner, runner):
    copy = _copy_of(app, _signed_in(app, owner))
    result = runner.invoke(args=["users", "sign-out-everywhere", owner.email.upper()])
    assert result.exit_code == 0, result.output
    assert f"Signed {owner.email} out everywhere: 1 session ended." in result.output
    assert _refused_with(copy, ENDED)
    missing = runner.invoke(args=["users", "sign-out-everywhere", "nobody@example.org"])
    assert missing.exit_code != 0 and "No user has the email nobody@example.org" in missing.output


def test_the_database_holds_only_a_hash_of_the_cookies_token(app, owner):
    browser = _signed_in(app, owner)
    with browser.session_transaction() as cookie:
        token = cookie[sessions.TOKEN_KEY]
        assert set(cookie) <= {sessions.TOKEN_KEY, "_id", "_fresh"}
    row = db.session.scalar(select(SignInSession))
    assert row.token_hash == sessions.token_hash(token) and token not in row.token_hash
    assert row.method == "password" and row.address == "127.0.0.1" and row.user_id == owner.id


def test_a_user_id_in_the_cookie_or_a_remember_me_cookie_signs_no_one_in(app, owner):
    from flask_login.utils import encode_cookie

    browser = app.test_client()
    with browser.session_transaction() as cookie:
        cookie["_user_id"] = str(owner.id)
        cookie["_fresh"] = True
    assert not _works(browser, owner)
    with app.test_request_context():
        remember = encode_cookie(str(owner.id))
    forged = app.test_client()
    forged.set_cookie("remember_token", remember)
    assert not _works(forged, owner)


def test_a_page_loads_its_user_and_session_with_one_query(app, owner):
    browser = _signed_in(app, owner)
    browser.get("/my-actions")
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)

    expected = f"{owner.name} ({owner.role})"
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        page = browser.get("/my-actions").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert expected in page
    about_sessions = [s for s in statements if "sign_in_sessions" in s]
    assert len(about_sessions) == 1 and "JOIN sign_in_sessions" in about_sessions[0]
    assert not [s for s in statements if "FROM users" in s and "WHERE users.id =" in s], statements


# Timeouts

def test_a_session_idle_for_eight_hours_times_out(app, owner, clock_at):
    clock_at(START)
    browser = _signed_in(app, owner)
    clock_at(START + timedelta(hours=7, minutes=59))
    assert _works(browser, owner)
    clock_at(START + timedelta(hours=15, minutes=57))
    assert _works(browser, owner), "the request at 7h59 counted as activity"
    clock_at(START + timedelta(hours=24))
    assert _refused_with(browser, "Your session timed out after 8 hours without activity. Sign in again.")


def test_the_idle_timeout_is_a_setting(app, owner, clock_at):
    app.config["SESSION_IDLE_HOURS"] = 1
    try:
        clock_at(START)
        browser = _signed_in(app, owner)
        clock_at(START + timedelta(minutes=61))
        assert _refused_with(browser, "Your session timed out after 1 hour without activity. Sign in again.")
    finally:
        app.config["SESSION_IDLE_HOURS"] = 8


def test_a_session_ends_seven_days_after_sign_in_however_busy(app, owner, clock_at):
    clock_at(START)
    browser = _signed_in(app, owner)
    moment = START
    while moment < START + timedelta(days=7) - timedelta(hours=4):
        moment += timedelta(hours=4)
        clock_at(moment)
        assert _works(browser, owner), moment
    clock_at(START + timedelta(days=7, minutes=1))
    assert _refused_with(browser, "Your session has ended: a session lasts at most 7 days. Sign in again.")


def test_last_seen_is_written_at_most_every_five_minutes(app, owner, clock_at):
    clock_at(START)
    browser = _signed_in(app, owner)
    clock_at(START + timedelta(minutes=4))
    assert _works(browser, owner)
    assert db.session.scalar(select(SignInSession.last_seen_at)) == START
    clock_at(START + timedelta(minutes=6))
    assert _works(browser, owner)
    assert db.session.scalar(select(SignInSession.last_seen_at)) == START + timedelta(minutes=6)


def test_ended_and_timed_out_sessions_are_deleted_at_a_later_sign_in(app, owner, make_user, clock_at):
    clock_at(START)
    _signed_in(app, owner).post("/sign-out")
    _signed_in(app, owner)
    assert len(db.session.scalars(select(SignInSession)).all()) == 2
    clock_at(START + timedelta(days=2))
    _signed_in(app, make_user("viewer"))
    assert db.session.scalars(select(SignInSession.user_id)).all() != [] and \
        owner.id not in db.session.scalars(select(SignInSession.user_id)).all()


def test_the_admin_user_page_lists_open_sessions_and_recent_sign_ins(app, owner, admin_browser):
    browser = app.test_client()
    browser.environ_base["HTTP_USER_AGENT"] = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                                               "(KHTML, like Gecko) Chrome/120.0 Safari/537.36")
    assert browser.post("/sign-in", data={"email": owner.email, "password": PASSWORD}).status_code == 302
    page = admin_browser.get(f"/admin/users/{owner.id}").get_data(as_text=True)
    assert "Chrome on Windows" in page and "127.0.0.1" in page and "Password" in page
    assert "Recent sign-ins" in page and "Signed in" in page


@pytest.mark.parametrize("agent, summary", [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0", "Edge on Windows"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1", "Safari on iPhone"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "Firefox on Linux"),
    ("curl/8.4.0", "curl/8.4.0"),
    ("", None),
])
def test_the_browser_is_summarised(agent, summary):
    assert sessions.agent_summary(agent) == summary


def test_a_cookie_used_from_another_address_ends_its_session_for_everyone(app, owner):
    browser = _signed_in(app, owner)
    copy = _copy_of(app, browser)
    copy.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    assert not _works(copy, owner)
    assert _refused_with(browser, ENDED)
    assert db.session.scalar(select(SignInSession.ended_reason)) == "used elsewhere"


def test_a_user_sees_their_sessions_and_signs_out_of_the_others(app, owner, make_user):
    laptop, phone = _signed_in(app, owner), _signed_in(app, owner)
    someone_else = _signed_in(app, make_user("viewer"))
    page = laptop.get("/sessions").get_data(as_text=True)
    assert page.count('<tr class="nhsuk-table__row">') == 2 and page.count("This browser") == 1
    assert "after 8 hours without activity, or 7 days after you signed in" in page
    response = laptop.post("/sessions/sign-out-others", follow_redirects=True)
    assert "You are signed out of 1 other session." in response.get_data(as_text=True)
    assert "You are not signed in anywhere else." in response.get_data(as_text=True)
    assert _works(laptop, owner) and not _works(phone, owner)
    assert "Your sessions" in someone_else.get("/my-actions").get_data(as_text=True)
    assert someone_else.get("/sessions").status_code == 200
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "signed out other sessions"))
    assert audit.actor_id == owner.id and audit.subject_id == owner.id and audit.changes == {"sessions ended": [None, 1]}


def test_moving_today_does_not_time_sessions_out(app, owner, fixed_today):
    from datetime import date

    fixed_today(date(2024, 11, 1))
    browser = _signed_in(app, owner)
    fixed_today(date(2025, 1, 8))
    assert _works(browser, owner)
