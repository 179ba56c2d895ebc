"""Who may do what. Every state-changing route calls one of these checks."""
from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from flask import Flask, abort
from flask_login import current_user, login_required

from tracker.auth.models import Role, User
from tracker.auth.sessions import configure_sessions
from tracker.extensions import login_manager

if TYPE_CHECKING:
    from tracker.actions.models import Action


def configure_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    # Signed-in requests load their user with their session (tracker/auth/sessions.py): one query.
    configure_sessions(app)


def current_actor() -> User:
    """The signed-in user as a plain User, for services and the audit trail (not the request proxy)."""
    return current_user._get_current_object()


def can_update_action(user: User, action: Action) -> bool:
    """Admins, and active non-viewers who own or support the action, may post updates."""
    if not user.is_authenticated or not user.active:
        return False
    if user.is_admin:
        return True
    if user.role == Role.VIEWER:
        return False
    return any(person.id == user.id for person in (*action.owners, *action.supporting_leads))


def can_edit_action(user: User, action: Action) -> bool:
    """Changing what an action is (text, dates, owners) is for the EDI lead."""
    return user.is_authenticated and user.is_admin


def require_action_update(action: Action) -> None:
    if not can_update_action(current_user, action):
        abort(403)


def admin_required(view):
    """Signed in as an admin, else 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def reviewer_required(view):
    """Signed in as an admin or a reviewer, else 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.can_review:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
