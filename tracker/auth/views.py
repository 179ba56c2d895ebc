"""Signing in (password or NHS account) and out, and setting a password from a one-time link."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from tracker.auth import limits, oidc, service, sessions
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


def _sign_in_methods() -> tuple[bool, bool, bool]:
    """(SSO on, password form shown, break-glass): with LOCAL_SIGN_IN off the form shows only
    at /sign-in?local=1, and only admins may use it."""
    sso = oidc.sso_enabled(current_app.config)
    local_setting = bool(current_app.config.get("LOCAL_SIGN_IN", True))
    break_glass = not local_setting and request.args.get("local") == "1"
    return sso, local_setting or break_glass, break_glass


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("dashboards.home"))
    sso, local, break_glass = _sign_in_methods()
    if request.method == "POST" and not local:
        abort(403)
    form = SignInForm()
    if local and form.validate_on_submit():
        with committing():
            result = limits.password_sign_in(form.email.data, form.password.data, request.remote_addr,
                                             admins_only=break_glass)
        if result.user is not None:
            return redirect(_safe_next(request.args.get("next")) or url_for("dashboards.home"))
        form.email.errors.append(result.message)
        return _sign_in_page(form, sso, local, break_glass), 429 if result.waiting else 200
    return _sign_in_page(form, sso, local, break_glass)


def _sign_in_page(form, sso: bool, local: bool, break_glass: bool) -> str:
    return render_template("auth/sign_in.html", form=form, sso=sso, local=local, break_glass=break_glass,
                           sso_label=current_app.config["OIDC_LABEL"], next=_safe_next(request.args.get("next")))


def _sso_refused(reason: str, email: str | None = None, status: int = 403):
    return render_template("auth/sso_refused.html", reason=reason, email=email,
                           domains=["@" + domain for domain in oidc.allowed_domains(current_app.config)]), status


@bp.route("/sign-in/oidc")
def sign_in_oidc():
    """Start a single sign-on: off to the provider, coming back to BASE_URL's callback."""
    if not oidc.sso_enabled(current_app.config):
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("dashboards.home"))
    session["sso_next"] = _safe_next(request.args.get("next"))
    try:
        return oidc.start(current_app.config["BASE_URL"] + url_for("auth.sign_in_oidc_callback"))
    except oidc.SsoFailure as failure:
        current_app.logger.warning("Single sign-on could not start: %s", failure.detail)
        return _sso_refused(failure.reason, status=failure.status)


@bp.route("/sign-in/oidc/callback")
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], deduct_when=lambda response: response.status_code >= 400)
def sign_in_oidc_callback():
    """The provider sends the browser back here with a code (or an error): check it all, then sign in.
    Only failures count towards the sign-in rate limit: a whole trust may sign in from one address."""
    if not oidc.sso_enabled(current_app.config):
        abort(404)
    try:
        identity = oidc.finish()
    except oidc.SsoFailure as failure:
        current_app.logger.warning("Single sign-on failed (%s): %s", failure.reason, failure.detail)
        with committing():
            service.record_sso_failure(failure.reason, failure.detail[:300], address=request.remote_addr)
        return _sso_refused(failure.reason, status=failure.status)
    next_page = session.pop("sso_next", None)
    with committing():
        outcome = service.user_for_sso(identity.email, identity.subject, identity.name,
                                       oidc.allowed_domains(current_app.config),
                                       bool(current_app.config.get("OIDC_AUTO_CREATE")), address=request.remote_addr)
        if outcome.user is not None:
            sessions.start_session(outcome.user, sessions.NHS_ACCOUNT)
    if outcome.user is None:
        return _sso_refused(outcome.refusal, outcome.email)
    return redirect(_safe_next(next_page) or url_for("dashboards.home"))


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
