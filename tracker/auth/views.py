"""Signing in and out, and setting a password from a one-time link."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.auth import limits, service, sessions
from tracker.auth.access import current_actor
from tracker.auth.forms import SetPasswordForm, SignInForm
from tracker.database import committing
from tracker.extensions import limiter
from tracker.forms import ButtonForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: no scheme, no host, no protocol-relative '//'."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("dashboards.home"))
    form = SignInForm()
    if form.validate_on_submit():
        with committing():
            result = limits.password_sign_in(form.email.data, form.password.data, request.remote_addr)
        if result.user is not None:
            return redirect(_safe_next(request.args.get("next")) or url_for("dashboards.home"))
        form.email.errors.append(result.message)
        return render_template("auth/sign_in.html", form=form), 429 if result.waiting else 200
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    with committing():
        sessions.end_current_session()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/sessions")
@login_required
def my_sessions():
    """Where the signed-in user is signed in, this browser first."""
    rows = sessions.open_sessions(current_user.id)
    this_one = sessions.current_session_id()
    rows.sort(key=lambda row: row.id != this_one)
    return render_template("auth/sessions.html", rows=rows, this_one=this_one, button_form=ButtonForm(),
                           idle=sessions.idle_text(), longest=sessions.max_age_text())


@bp.route("/sessions/sign-out-others", methods=["POST"])
@login_required
def sign_out_other_sessions():
    """End the user's sessions everywhere but this browser."""
    with committing():
        count = sessions.sign_out_other_sessions(current_actor(), sessions.current_session_id())
    flash(f"You are signed out of {count} other session{'s' if count != 1 else ''}." if count
          else "You were not signed in anywhere else.", "success")
    return redirect(url_for("auth.my_sessions"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    user = service.user_for_password_token(token, current_app.config["SECRET_KEY"])
    if user is None:
        return render_template("auth/link_expired.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        with committing():
            service.set_password(user, form.password.data, actor=user)
        flash("Your password is set. Sign in with it now.", "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/set_password.html", form=form, user=user)
