"""Admin screens: users and organisation settings."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from sqlalchemy.orm import selectinload

from tracker.admin import queries, service
from tracker.admin.forms import ROLE_HINTS, AliasForm, SettingsForm, UserFilterForm, UserForm
from tracker.audit.service import events_for
from tracker.auth import service as accounts
from tracker.auth import sessions
from tracker.auth.access import admin_required, current_actor
from tracker.auth.models import PersonAlias, User
from tracker.database import committing
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.forms import ButtonForm, show_error
from tracker.request_guards import query_int

bp = Blueprint("admin", __name__, url_prefix="/admin")

USERS_PER_PAGE = 100
RECENT_EVENTS = 20
RECENT_SIGN_INS = 10
SIGN_INS_PER_PAGE = 100
PASSWORD_LINK_KEY = "admin_password_link"


def _user_data(form: UserForm) -> accounts.UserData:
    return accounts.UserData(name=form.name.data, email=form.email.data or None,
                             role=form.role.data, job_title=form.job_title.data or None)


def _keep_password_link(user: User, token: str, reason: str) -> None:
    """Hold the link for the next page only: it is shown once, then forgotten."""
    url = url_for("auth.set_password", token=token, _external=True)
    session[PASSWORD_LINK_KEY] = {"user_id": user.id, "url": url, "reason": reason}


@bp.route("/users")
@admin_required
def users():
    """Every user, filtered by role and status, 100 to a page."""
    form = UserFilterForm(request.args)
    pagination = db.paginate(queries.users_query(form.chosen_role(), form.chosen_active()),
                             page=query_int("page", 1), per_page=USERS_PER_PAGE,
                             max_per_page=USERS_PER_PAGE)
    counts = queries.owned_action_counts([user.id for user in pagination.items])
    return render_template("admin/users.html", form=form, pagination=pagination, counts=counts,
                           filters=form.query_args())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    """Add a user; those with an email get a one-time link to set their password."""
    form = UserForm()
    if request.method == "GET":
        form.role.data = "owner"
    if form.validate_on_submit():
        data = _user_data(form)
        try:
            with committing():
                user = accounts.create_user(email=data.email, name=data.name, role=data.role,
                                            job_title=data.job_title, actor=current_actor())
                token = accounts.password_link_token(user, current_app.config["SECRET_KEY"]) if user.email else None
        except DomainError as error:
            show_error(form, error)
        else:
            if token is None:
                flash(f"{user.name} added. They have no email address, so they cannot sign in.", "success")
                return redirect(url_for("admin.user", user_id=user.id))
            _keep_password_link(user, token, "created")
            return redirect(url_for("admin.password_link", user_id=user.id))
    return render_template("admin/user_new.html", form=form, role_hints=ROLE_HINTS)


def _user_page(user: User, form: UserForm, account_errors: tuple[str, ...] = (), status: int = 200):
    return render_template(
        "admin/user.html", user=user, form=form, role_hints=ROLE_HINTS, button_form=ButtonForm(),
        account_errors=account_errors, events=events_for("user", user.id, limit=RECENT_EVENTS),
        owned=queries.owned_action_counts([user.id]).get(user.id, 0),
        open_sessions=sessions.open_sessions(user.id),
        sign_in_events=[(event, user) for event in events_for("sign_in", user.id, limit=RECENT_SIGN_INS)],
    ), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user(user_id: int):
    """A user's details (editable), account buttons and recent changes."""
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, user_id=user.id)
    if form.validate_on_submit():
        try:
            with committing():
                changes = accounts.update_user(user, _user_data(form), current_actor())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"{user.name}'s details saved." if changes else "Nothing was changed.", "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return _user_page(user, form)


def _refused(user: User, error: DomainError):
    """The user's page again, saying why a deactivate, reactivate or reset was refused."""
    return _user_page(user, UserForm(obj=user, user_id=user.id, formdata=None), (str(error),), 400)


def _button_change(user_id: int, change, done: str):
    """Run a POST-button change on a user, commit and go back to their page with `done` flashed."""
    user = db.get_or_404(User, user_id)
    try:
        with committing():
            change(user, current_actor())
    except DomainError as error:
        return _refused(user, error)
    flash(done.format(name=user.name), "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@admin_required
def deactivate_user(user_id: int):
    """Stop a user signing in; their actions are kept."""
    return _button_change(user_id, accounts.deactivate_user,
                          "{name} is now inactive and cannot sign in. Their actions are kept.")


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@admin_required
def reactivate_user(user_id: int):
    """Let a deactivated user sign in again."""
    return _button_change(user_id, accounts.reactivate_user, "{name} is active again and can sign in.")


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@admin_required
def reset_password(user_id: int):
    """Make a new one-time set-password link and show it once."""
    user = db.get_or_404(User, user_id)
    try:
        with committing():
            token = accounts.reset_password(user, current_app.config["SECRET_KEY"], current_actor())
    except DomainError as error:
        return _refused(user, error)
    _keep_password_link(user, token, "reset")
    return redirect(url_for("admin.password_link", user_id=user.id))


@bp.route("/users/<int:user_id>/sign-out-everywhere", methods=["POST"])
@admin_required
def sign_out_everywhere(user_id: int):
    """End every session of the user at once, on every device; audited."""
    return _button_change(user_id, sessions.sign_out_everywhere,
                          "{name} is signed out everywhere. They can sign in again.")


@bp.route("/users/<int:user_id>/password-link")
@admin_required
def password_link(user_id: int):
    """Show the set-password link just made for this user, once."""
    user = db.get_or_404(User, user_id)
    link = session.get(PASSWORD_LINK_KEY)
    if not link or link.get("user_id") != user.id:
        link = None
    else:
        session.pop(PASSWORD_LINK_KEY)
    return render_template("admin/password_link.html", user=user, link=link)


@bp.route("/sign-ins")
@admin_required
def sign_ins():
    """Who signed in, who failed to (and the email tried), who signed out and whose sessions ended."""
    failed_only = request.args.get("failed") == "1"
    page = max(1, query_int("page", 1))
    rows = db.session.execute(queries.sign_in_events(failed_only)
                              .offset((page - 1) * SIGN_INS_PER_PAGE).limit(SIGN_INS_PER_PAGE + 1)).all()
    return render_template("admin/sign_ins.html", rows=rows[:SIGN_INS_PER_PAGE], page=page,
                           has_next=len(rows) > SIGN_INS_PER_PAGE, failed_only=failed_only)


@bp.route("/settings", methods=["GET", "POST"])
@admin_required
def settings():
    """The trust's name, what it calls the BME group, the local population % and report names."""
    current = service.organisation_settings()
    form = SettingsForm(obj=current)
    form.local_population_bme_percent.label.text = f"Local population {current.bme_label} % (optional)"
    if form.validate_on_submit():
        with committing():
            service.update_settings({field: getattr(form, field).data for field in service.SETTINGS_FIELDS},
                                    current_actor())
        flash("Settings saved.", "success")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form,
                           events=events_for("settings", current.id, limit=RECENT_EVENTS))


# People aliases: what texts used in plans ("BA / Execs", "EDI Lead") mean, for imports.

@bp.route("/aliases")
@admin_required
def aliases():
    rows = db.session.scalars(db.select(PersonAlias).options(selectinload(PersonAlias.users))
                              .order_by(PersonAlias.key)).all()
    return render_template("admin/aliases.html", aliases=rows)


@bp.route("/aliases/new", methods=["GET", "POST"])
@admin_required
def new_alias():
    return _alias_page(None, AliasForm(), "admin.new_alias")


@bp.route("/aliases/<int:alias_id>", methods=["GET", "POST"])
@admin_required
def edit_alias(alias_id: int):
    alias = db.get_or_404(PersonAlias, alias_id)
    form = AliasForm()
    if request.method == "GET":
        form.text.data, form.people.data = alias.text, "\n".join(user.email or user.name for user in alias.users)
    return _alias_page(alias, form, "admin.edit_alias")


@bp.route("/aliases/<int:alias_id>/delete", methods=["POST"])
@admin_required
def delete_alias(alias_id: int):
    alias = db.get_or_404(PersonAlias, alias_id)
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    with committing():
        accounts.delete_alias(alias, current_actor())
    flash(f"Alias '{alias.text}' deleted.", "success")
    return redirect(url_for("admin.aliases"))


def _alias_page(alias: PersonAlias | None, form: AliasForm, endpoint: str):
    if form.validate_on_submit():
        try:
            with committing():
                saved = accounts.save_alias(alias, form.text.data, accounts.alias_people(form.people.data),
                                            current_actor())
        except DomainError as error:
            show_error(form, error, default_field="people")
        else:
            flash(f"Alias '{saved.text}' saved: it stands for {', '.join(u.name for u in saved.users)}.", "success")
            return redirect(url_for("admin.aliases"))
    events = events_for("person_alias", alias.id, limit=RECENT_EVENTS) if alias else []
    return render_template("admin/alias.html", alias=alias, form=form, button_form=ButtonForm(), events=events,
                           action=url_for(endpoint, **({"alias_id": alias.id} if alias else {}))), \
        400 if form.is_submitted() else 200
