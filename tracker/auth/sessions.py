"""Sign-in sessions kept in the database, so that they end everywhere at once.

Signing in adds a `SignInSession` row and puts a random token in Flask's (signed) session cookie;
the row keeps only the token's SHA-256. Every signed-in request looks the token up with one indexed
query joined to its user (that query is also how Flask-Login gets the user: no other query), and
refuses it when the session has ended, has been idle longer than SESSION_IDLE_HOURS or began more
than SESSION_MAX_DAYS ago, or when the user is inactive. Being in the database, an ended session
is ended on every app server at once.

A session ends at sign-out; all of a user's sessions end when their password is set, when an admin
resets their password, deactivates them or signs them out everywhere. `last_seen_at` is written at
most once every TOUCH_INTERVAL (5 minutes), so the idle timeout is exact to within 5 minutes and a
page view writes nothing the rest of the time.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from functools import cache

from flask import Flask, current_app, flash, g, redirect, request, session
from flask_login import current_user, logout_user, user_logged_in
from flask_login.signals import session_protected
from flask_login.utils import login_url
from sqlalchemy import Select, bindparam, delete, func, or_, select, update

from tracker import clock
from tracker.audit.service import record
from tracker.auth.models import SignInSession, User
from tracker.extensions import db, login_manager

#: The key in Flask's session that holds the token (the only sign-in state the cookie carries).
TOKEN_KEY = "sign_in_token"
TOUCH_INTERVAL = timedelta(minutes=5)
#: How people sign in; `start_session(user, method)` takes one of these.
PASSWORD = "password"
NHS_ACCOUNT = "NHS account"
#: A password sign-in by an admin while password sign-in is off (LOCAL_SIGN_IN=false).
BREAK_GLASS = "break-glass password"
#: Ended and timed-out rows are deleted this long after they stop working (the audit trail keeps the history).
KEEP_ENDED = timedelta(days=1)

SESSION_ENDED = "Your session has ended. Sign in again."
#: Flask-Login's own keys, cleared with the token.
_LOGIN_KEYS = ("_user_id", "_fresh", "_id", "_remember", "_remember_seconds")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_limit() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_IDLE_HOURS"])


def max_age() -> timedelta:
    return timedelta(days=current_app.config["SESSION_MAX_DAYS"])


def _amount(value: float, unit: str) -> str:
    return f"{value:g} {unit}" if value == 1 else f"{value:g} {unit}s"


def idle_text() -> str:
    """'8 hours': how long a session may go unused."""
    return _amount(current_app.config["SESSION_IDLE_HOURS"], "hour")


def max_age_text() -> str:
    """'7 days': how long a session lasts at most."""
    return _amount(current_app.config["SESSION_MAX_DAYS"], "day")


# Starting and ending sessions. Callers commit (inside `with committing():`).

def start_session(user: User, method: str) -> SignInSession:
    """Sign `user` in on this browser by `method` (PASSWORD or NHS_ACCOUNT): a new session row, its
    token in a fresh cookie (nothing from before sign-in is kept), and "signed in" in the audit trail."""
    now = clock.wall_time()
    token = secrets.token_urlsafe(32)
    row = SignInSession(user_id=user.id, token_hash=token_hash(token), method=method, created_at=now,
                        last_seen_at=now, user_agent=agent_summary(request.user_agent.string),
                        address=(request.remote_addr or "")[:64] or None)
    db.session.add(row)
    prune(now)
    record(user, user, "signed in", {"method": [None, method], "address": [None, row.address],
                                     "browser": [None, row.user_agent]},
           summary=f"{user.email} signed in ({method})", subject_type="sign_in")
    db.session.flush()
    session.clear()
    session[TOKEN_KEY] = token
    session["_id"] = login_manager._session_identifier_generator()
    session["_fresh"] = True
    login_manager._update_request_context_with_user(user)
    user_logged_in.send(current_app._get_current_object(), user=user)
    return row


def end_current_session() -> None:
    """Sign this browser out: its session row ends (audited) and the cookie forgets the token."""
    token = session.pop(TOKEN_KEY, None)
    if isinstance(token, str):
        row = db.session.scalar(select(SignInSession).where(SignInSession.token_hash == token_hash(token)))
        if row is not None and row.ended_at is None:
            row.ended_at, row.ended_reason = clock.wall_time(), "signed out"
            user = db.session.get(User, row.user_id)
            record(user, user, "signed out", {}, summary=f"{user.email or user.name} signed out",
                   subject_type="sign_in")
            db.session.flush()
    logout_user()
    for key in _LOGIN_KEYS:
        session.pop(key, None)


def end_all_sessions(user: User, reason: str) -> int:
    """End every open session of `user` at once (on every app server); returns how many ended.
    The caller records why in the audit trail."""
    result = db.session.execute(
        update(SignInSession)
        .where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None))
        .values(ended_at=clock.wall_time(), ended_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def sign_out_everywhere(user: User, actor: User | None) -> int:
    """An admin's (or the CLI's) "Sign out everywhere": every session of `user` ends, audited."""
    count = end_all_sessions(user, "signed out everywhere")
    record(actor, user, "signed out everywhere", {"sessions ended": [None, count]},
           summary=f"{user.name} signed out everywhere: {count} session{'s' if count != 1 else ''} ended",
           subject_type="sign_in")
    db.session.flush()
    return count


def sign_out_other_sessions(user: User, keep_session_id: int | None) -> int:
    """The user ends their sessions on other browsers and devices, keeping this one; audited."""
    result = db.session.execute(
        update(SignInSession)
        .where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None), SignInSession.id != keep_session_id)
        .values(ended_at=clock.wall_time(), ended_reason="signed out by the user elsewhere")
        .execution_options(synchronize_session=False)
    )
    count = result.rowcount or 0
    record(user, user, "signed out other sessions", {"sessions ended": [None, count]},
           summary=f"{user.name} signed out of {count} other session{'s' if count != 1 else ''}",
           subject_type="sign_in")
    db.session.flush()
    return count


def current_session_id() -> int | None:
    """The id of this request's session (once the user is loaded)."""
    return g.get("sign_in_session_id")


def prune(now: datetime) -> int:
    """Delete sessions that ended or timed out more than KEEP_ENDED ago (run at each sign-in: the
    table holds only recent sessions, so this is a short scan)."""
    cutoff = now - KEEP_ENDED
    result = db.session.execute(
        delete(SignInSession)
        .where(or_(SignInSession.ended_at < cutoff, SignInSession.last_seen_at < cutoff - idle_limit(),
                   SignInSession.created_at < cutoff - max_age()))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


# Reading sessions.

def open_sessions(user_id: int) -> list[SignInSession]:
    """The user's sessions that still work, newest first."""
    now = clock.wall_time()
    return list(db.session.scalars(
        select(SignInSession)
        .where(SignInSession.user_id == user_id, SignInSession.ended_at.is_(None),
               SignInSession.last_seen_at >= now - idle_limit(), SignInSession.created_at >= now - max_age())
        .order_by(SignInSession.last_seen_at.desc(), SignInSession.id.desc())
    ))


def open_session_count(user_id: int) -> int:
    now = clock.wall_time()
    return db.session.scalar(
        select(func.count()).select_from(SignInSession)
        .where(SignInSession.user_id == user_id, SignInSession.ended_at.is_(None),
               SignInSession.last_seen_at >= now - idle_limit(), SignInSession.created_at >= now - max_age())
    ) or 0


# Every request.

@cache
def _session_query() -> Select:
    """The session's user and times, by the token's hash: one query on a unique index."""
    return (select(User, SignInSession.id.label("session_id"), SignInSession.created_at,
                   SignInSession.last_seen_at, SignInSession.ended_at)
            .join(SignInSession, SignInSession.user_id == User.id)
            .where(SignInSession.token_hash == bindparam("token_hash")))


def why_refused(row, now: datetime) -> str | None:
    """The message for a session that no longer works, or None when it does."""
    if row is None or row.ended_at is not None or not row.User.active:
        return SESSION_ENDED
    if now - row.created_at > max_age():
        return f"Your session has ended: a session lasts at most {max_age_text()}. Sign in again."
    if now - row.last_seen_at > idle_limit():
        return f"Your session timed out after {idle_text()} without activity. Sign in again."
    return None


def load_user_from_session(_request=None) -> User | None:
    """Flask-Login's request loader: the user whose session token this cookie holds, if it still works."""
    token = session.get(TOKEN_KEY)
    if not isinstance(token, str) or not token:
        return None
    row = db.session.execute(_session_query(), {"token_hash": token_hash(token)}).first()
    now = clock.wall_time()
    message = why_refused(row, now)
    if message is not None:
        for key in (TOKEN_KEY, *_LOGIN_KEYS):
            session.pop(key, None)
        flash(message, "info")
        g.session_ended = True
        return None
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        _touch(row.session_id, now)
    g.sign_in_session_id = row.session_id
    return row.User


def _touch(session_id: int, now: datetime) -> None:
    """Note the session was used, on its own short transaction: the request's own one may only read
    (and is rolled back if it fails), and the user it loaded stays loaded."""
    with db.engine.begin() as connection:
        connection.execute(update(SignInSession).where(SignInSession.id == session_id).values(last_seen_at=now))


def _user_from_token_only(_user_id: str) -> User | None:
    """Flask-Login's user loader, used for a user id in the cookie (from a remember-me cookie, which
    this app never sets, or an old cookie): the id alone signs no one in, only a working session token."""
    return load_user_from_session()


#: Routes that serve files and need no user.
_FILES = ("static", "nhsuk_assets")


def _load_before_the_view() -> None:
    """Load the signed-in user before the view runs when the cookie holds a token, so the session's
    last-seen time is written before the request's own transaction starts writing."""
    if TOKEN_KEY in session and request.endpoint not in _FILES:
        current_user._get_current_object()


def _signed_out_elsewhere():
    """Pages that need sign-in send signed-out people to the sign-in page; a session that ended
    has already said why, so the usual "Sign in to see this page" is not added."""
    if not g.get("session_ended"):
        flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


def _forget_token(_app, **_extra) -> None:
    """Flask-Login's strong session protection found the cookie used from another address or browser
    and dropped its own keys: drop the token too, and end its session (on its own transaction, as in
    _touch), so no copy of the cookie works either."""
    token = session.pop(TOKEN_KEY, None)
    if isinstance(token, str):
        with db.engine.begin() as connection:
            connection.execute(update(SignInSession)
                               .where(SignInSession.token_hash == token_hash(token), SignInSession.ended_at.is_(None))
                               .values(ended_at=clock.wall_time(), ended_reason="used elsewhere"))


def configure_sessions(app: Flask) -> None:
    """Flask-Login reads the user from the session token, and never from a user id or remember-me cookie."""
    login_manager.request_loader(load_user_from_session)
    login_manager.user_loader(_user_from_token_only)
    login_manager.unauthorized_handler(_signed_out_elsewhere)
    app.before_request(_load_before_the_view)
    session_protected.connect(_forget_token, app)


# A short description of the browser, for the list of sessions.

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("CriOS/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Windows", "Windows"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def agent_summary(agent: str | None) -> str | None:
    """'Chrome on Windows' from a User-Agent header; the header's start when neither is known."""
    agent = (agent or "").strip()
    if not agent:
        return None
    browser = next((name for marker, name in _BROWSERS if marker in agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or re.sub(r"\s+", " ", agent)[:100]
