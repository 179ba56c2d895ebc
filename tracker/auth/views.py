"""Signing in (password or NHS account) and out, and setting a password from a one-time link."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from tracker.auth import oidc, service
from tracker.auth.forms import SetPasswordForm, SignInForm
from tracker.database import committing
from tracker.extensions import limiter

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: no scheme, no host, no protocol-relative '//'."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _complete_sign_in(user) -> None:
    """The one place a user becomes signed in, whichever way they proved who they are."""
    login_user(user)


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
        user = service.authenticate(form.email.data, form.password.data)
        if break_glass and user is not None and not user.is_admin:
            with committing():
                service.record_break_glass(user, signed_in=False)
            user = None
        if user is None:
            form.email.errors.append("Only an admin can sign in with a password here, with the right email "
                                     "address and password" if break_glass else "Email address or password is not right")
        else:
            if break_glass:
                with committing():
                    service.record_break_glass(user, signed_in=True)
            _complete_sign_in(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("dashboards.home"))
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
            service.record_sso_failure(failure.reason, failure.detail[:300])
        return _sso_refused(failure.reason, status=failure.status)
    with committing():
        outcome = service.user_for_sso(identity.email, identity.subject, identity.name,
                                       oidc.allowed_domains(current_app.config),
                                       bool(current_app.config.get("OIDC_AUTO_CREATE")))
    if outcome.user is None:
        return _sso_refused(outcome.refusal, outcome.email)
    next_page = session.pop("sso_next", None)
    _complete_sign_in(outcome.user)
    return redirect(_safe_next(next_page) or url_for("dashboards.home"))


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.sign_in"))


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
