"""Forums, their members and meeting dates."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from tracker import clock
from tracker.actions.queries import requested_page
from tracker.auth.access import admin_required, current_actor
from tracker.auth.models import Role, User
from tracker.database import committing
from tracker.dates import long_date
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.forms import ButtonForm, show_error
from tracker.governance import queries, service
from tracker.governance.forms import ForumForm, MeetingForm, MemberForm
from tracker.governance.models import Forum, Meeting
from tracker.plans import file_writer, importer

bp = Blueprint("governance", __name__, url_prefix="/forums")

ROLE_LABELS = {role.value: role.label for role in Role}


def _forum_or_404(forum_id: int) -> Forum:
    forum = queries.load_forum(forum_id)
    if forum is None:
        abort(404)
    return forum


def _all_forums() -> list[Forum]:
    return list(db.session.scalars(select(Forum).order_by(Forum.name)))


def _name_taken(form: ForumForm) -> service.ForumError:
    """A name taken by someone saving at the same moment, found when committing."""
    return service.ForumError(f"There is already a forum called {form.name.data.strip()}", field="name")


@bp.route("/")
@login_required
def forums():
    """Every forum with its members, next meeting and open actions."""
    return render_template("governance/forums.html", rows=queries.list_forums(clock.today()))


@bp.route("/<int:forum_id>")
@login_required
def detail(forum_id: int):
    """A forum: summary, members, meetings and the open actions reported to it."""
    forum = _forum_or_404(forum_id)
    today = clock.today()
    upcoming, past = queries.split_meetings(forum.meetings, today)
    return render_template(
        "governance/detail.html", forum=forum, upcoming=upcoming, past=past, today=today,
        actions=queries.open_actions(forum, *requested_page(request.args)),
        escalating=queries.escalating_forums(forum),
        role_labels=ROLE_LABELS, button_form=ButtonForm(),
    )


@bp.route("/<int:forum_id>/actions.<any(csv, xlsx):format>")
@login_required
def export(forum_id: int, format: str):
    """The forum page's open actions as CSV or Excel: all of them (every page), in the page's order."""
    forum = _forum_or_404(forum_id)
    ids = [row.id for row in queries.open_actions(forum, 1, None).actions]
    note = f"Open actions reported to {forum.name} in plans that are not closed; {len(ids)} actions"
    return Response(importer.export_file(ids, format, note), mimetype=file_writer.MIME_TYPES[format], headers={
        "Content-Disposition": f'attachment; filename="{file_writer.safe_filename(("wres-actions", forum.name), format)}"'})


def _parent(form: ForumForm) -> Forum | None:
    return db.session.get(Forum, form.parent.data) if form.parent.data else None


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    """Add a forum (admin)."""
    form = ForumForm(forums=_all_forums())
    if form.validate_on_submit():
        try:
            with committing(conflict=_name_taken(form)):
                forum = service.create_forum(form.name.data, current_actor(), short_name=form.short_name.data,
                                             description=(form.description.data or "").strip(), parent=_parent(form))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"{forum.name} added.", "success")
            return redirect(url_for("governance.detail", forum_id=forum.id))
    return render_template("governance/form.html", form=form, forum=None)


@bp.route("/<int:forum_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(forum_id: int):
    """Change a forum's names, description and escalation forum (admin)."""
    forum = _forum_or_404(forum_id)
    form = ForumForm(obj=forum, forums=_all_forums(), current=forum)
    if request.method == "GET":
        form.parent.data = forum.parent_id or 0
    if form.validate_on_submit():
        try:
            with committing(conflict=_name_taken(form)):
                service.update_forum(forum, current_actor(), name=form.name.data, short_name=form.short_name.data,
                                     description=form.description.data or "", parent=_parent(form))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"{forum.name} saved.", "success")
            return redirect(url_for("governance.detail", forum_id=forum.id))
    return render_template("governance/form.html", form=form, forum=forum, button_form=ButtonForm())


def _set_active(forum_id: int, active: bool):
    forum = _forum_or_404(forum_id)
    try:
        with committing():
            service.set_forum_active(forum, active, current_actor())
    except DomainError as error:
        flash(f"{error}.", "info")
    else:
        flash(f"{forum.name} is now {'active' if active else 'inactive'}.", "success")
    return redirect(url_for("governance.detail", forum_id=forum_id))


@bp.route("/<int:forum_id>/deactivate", methods=["POST"])
@admin_required
def deactivate(forum_id: int):
    """Make a forum inactive (admin)."""
    return _set_active(forum_id, False)


@bp.route("/<int:forum_id>/reactivate", methods=["POST"])
@admin_required
def reactivate(forum_id: int):
    """Make an inactive forum active again (admin)."""
    return _set_active(forum_id, True)


def _active_users() -> list[User]:
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)))


def _members_page(forum: Forum, form: MemberForm):
    return render_template("governance/members.html", forum=forum, form=form, button_form=ButtonForm(),
                           role_labels=ROLE_LABELS)


@bp.route("/<int:forum_id>/members", methods=["GET", "POST"])
@admin_required
def members(forum_id: int):
    """The forum's members, and adding one (admin)."""
    forum = _forum_or_404(forum_id)
    form = MemberForm(users=_active_users())
    if not form.validate_on_submit():
        return _members_page(forum, form)
    user = db.session.get(User, form.user.data)
    try:
        with committing():
            service.add_member(forum, user, current_actor())
    except DomainError as error:
        show_error(form, error)
        return _members_page(forum, form)
    flash(f"{user.name} added to {forum.name}.", "success")
    return redirect(url_for("governance.members", forum_id=forum.id))


@bp.route("/<int:forum_id>/members/<int:user_id>/remove", methods=["POST"])
@admin_required
def remove_member(forum_id: int, user_id: int):
    """Take someone off the forum (admin)."""
    forum = _forum_or_404(forum_id)
    user = next((member for member in forum.members if member.id == user_id), None)
    if user is None:
        abort(404)
    with committing():
        service.remove_member(forum, user, current_actor())
    flash(f"{user.name} removed from {forum.name}.", "success")
    return redirect(url_for("governance.members", forum_id=forum.id))


def _meetings_page(forum: Forum, form: MeetingForm, button_form: ButtonForm | None = None):
    today = clock.today()
    upcoming, past = queries.split_meetings(forum.meetings, today)
    removable = {m.id for m in forum.meetings if service.can_remove_meeting(m, today)}
    return render_template("governance/meetings.html", forum=forum, form=form, upcoming=upcoming, past=past,
                           removable=removable, button_form=button_form or ButtonForm())


@bp.route("/<int:forum_id>/meetings", methods=["GET", "POST"])
@admin_required
def meetings(forum_id: int):
    """The forum's meeting dates, and adding one (admin)."""
    forum = _forum_or_404(forum_id)
    form = MeetingForm()
    if not form.validate_on_submit():
        return _meetings_page(forum, form)
    try:
        with committing():
            meeting = service.add_meeting(forum, form.held_on.data, current_actor(),
                                          notes=(form.notes.data or "").strip())
    except DomainError as error:
        show_error(form, error)
        return _meetings_page(_forum_or_404(forum_id), form)
    flash(f"Meeting on {long_date(meeting.held_on)} added.", "success")
    return redirect(url_for("governance.meetings", forum_id=forum.id))


@bp.route("/<int:forum_id>/meetings/<int:meeting_id>/remove", methods=["POST"])
@admin_required
def remove_meeting(forum_id: int, meeting_id: int):
    """Remove an upcoming meeting, or a past one without notes (admin)."""
    forum = _forum_or_404(forum_id)
    meeting = db.get_or_404(Meeting, meeting_id)
    if meeting.forum_id != forum.id:
        abort(404)
    held_on = meeting.held_on
    try:
        with committing():
            service.remove_meeting(meeting, current_actor(), clock.today())
    except DomainError as error:
        button_form = ButtonForm()
        show_error(button_form, error)
        return _meetings_page(_forum_or_404(forum_id), MeetingForm(formdata=None), button_form)
    flash(f"Meeting on {long_date(held_on)} removed.", "success")
    return redirect(url_for("governance.meetings", forum_id=forum.id))
