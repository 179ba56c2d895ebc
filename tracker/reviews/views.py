"""A forum meeting's agenda and the forum's reviews of its actions (the meeting pack is in reports)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tracker import clock
from tracker.auth.access import admin_required, current_actor, reviewer_required
from tracker.database import committing
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.forms import ButtonForm, show_error
from tracker.governance.models import Forum, Meeting
from tracker.governance.queries import load_forum
from tracker.plans.models import Plan
from tracker.reviews import agenda_rules as rules
from tracker.reviews import queries, service
from tracker.reviews.forms import AddItemForm, ReviewForm
from tracker.reviews.models import AgendaItem

bp = Blueprint("reviews", __name__, url_prefix="/forums")


def _meeting_or_404(forum_id: int, meeting_id: int) -> tuple[Forum, Meeting]:
    forum = load_forum(forum_id)
    meeting = service.meeting_of(forum, meeting_id) if forum is not None else None
    if meeting is None:
        abort(404)
    return forum, meeting


def _item_or_404(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.get_or_404(AgendaItem, item_id)
    if item.meeting_id != meeting.id:
        abort(404)
    return item


def _agenda_url(forum: Forum, meeting: Meeting, item_id: int | None = None) -> str:
    url = url_for("reviews.agenda", forum_id=forum.id, meeting_id=meeting.id)
    return url + (f"#item-{item_id}" if item_id else "")


def meeting_with_agenda(forum_id: int, meeting_id: int) -> tuple[Forum, Meeting]:
    """Store an upcoming meeting's agenda the first time it is asked for (someone else may do so at once)."""
    forum, meeting = _meeting_or_404(forum_id, meeting_id)
    if not service.needs_agenda(meeting, clock.today()):
        return forum, meeting
    try:
        with committing():
            service.ensure_agenda(meeting, clock.today(), current_actor())
    except IntegrityError:
        pass
    return _meeting_or_404(forum_id, meeting_id)


def _plans() -> list[Plan]:
    return list(db.session.scalars(select(Plan).order_by(Plan.year.desc(), Plan.id.desc())))


def _agenda_page(forum: Forum, meeting: Meeting, add_form: AddItemForm | None = None, status: int = 200):
    today = clock.today()
    return render_template(
        "reviews/agenda.html", forum=forum, meeting=meeting, today=today, rows=queries.agenda_rows(meeting, today),
        agenda=service.agenda_record(meeting), upcoming=service.is_upcoming(meeting, today),
        dates=service.meeting_dates(meeting), reviews_open=meeting.held_on <= today,
        add_form=add_form or (AddItemForm(formdata=None, plans=_plans()) if current_user.is_admin else None),
        button_form=ButtonForm(), window_days=rules.WINDOW_DAYS,
    ), status


@bp.route("/<int:forum_id>/meetings/<int:meeting_id>")
@login_required
def agenda(forum_id: int, meeting_id: int):
    """The meeting's agenda: why each action is on it, its latest update and the forum's review."""
    forum, meeting = meeting_with_agenda(forum_id, meeting_id)
    return _agenda_page(forum, meeting)


@bp.route("/<int:forum_id>/meetings/<int:meeting_id>/refresh", methods=["POST"])
@admin_required
def refresh_agenda(forum_id: int, meeting_id: int):
    """Apply the agenda rules again, until the meeting day (admin)."""
    forum, meeting = _meeting_or_404(forum_id, meeting_id)
    try:
        with committing():
            added, removed, count = service.refresh_agenda(meeting, clock.today(), current_actor())
    except DomainError as error:
        flash(f"{error}.", "info")
    else:
        flash(f"Agenda refreshed: {added} added, {removed} removed, {count} on the agenda.", "success")
    return redirect(_agenda_url(forum, meeting))


@bp.route("/<int:forum_id>/meetings/<int:meeting_id>/items", methods=["POST"])
@admin_required
def add_item(forum_id: int, meeting_id: int):
    """Put any action on the agenda by its plan and reference (admin)."""
    forum, meeting = _meeting_or_404(forum_id, meeting_id)
    form = AddItemForm(plans=_plans())
    if not form.validate_on_submit():
        return _agenda_page(forum, meeting, form, 400)
    try:
        with committing():
            item = service.add_item(meeting, db.session.get(Plan, form.plan.data), form.ref.data, current_actor())
    except DomainError as error:
        show_error(form, error, default_field="ref")
        return _agenda_page(*_meeting_or_404(forum_id, meeting_id), form, 400)
    flash(f"Action {item.action.ref} added to the agenda.", "success")
    return redirect(_agenda_url(forum, meeting, item.id))


@bp.route("/<int:forum_id>/meetings/<int:meeting_id>/items/<int:item_id>/remove", methods=["POST"])
@admin_required
def remove_item(forum_id: int, meeting_id: int, item_id: int):
    """Take an action the EDI lead added off the agenda (admin)."""
    forum, meeting = _meeting_or_404(forum_id, meeting_id)
    item = _item_or_404(meeting, item_id)
    ref = item.action.ref
    try:
        with committing():
            still = service.remove_item(item, current_actor())
    except DomainError as error:
        flash(f"{error}.", "info")
        return redirect(_agenda_url(forum, meeting))
    if still:
        flash(f"Action {ref} is no longer marked as added, but stays on the agenda ({'; '.join(still)}).", "info")
    else:
        flash(f"Action {ref} taken off the agenda.", "success")
    return redirect(_agenda_url(forum, meeting))


def _review_page(forum: Forum, meeting: Meeting, item: AgendaItem, form: ReviewForm, status: int = 200):
    today = clock.today()
    row = next(row for row in queries.agenda_rows(meeting, today) if row.item_id == item.id)
    return render_template("reviews/review.html", forum=forum, meeting=meeting, item=item, row=row, form=form,
                           history=queries.item_reviews(item), reviews_open=meeting.held_on <= today), status


@bp.route("/<int:forum_id>/meetings/<int:meeting_id>/items/<int:item_id>/review", methods=["GET", "POST"])
@reviewer_required
def record_review(forum_id: int, meeting_id: int, item_id: int):
    """Record the forum's RAG rating, comment and decision on an agenda item (reviewers and admins)."""
    forum, meeting = _meeting_or_404(forum_id, meeting_id)
    item = _item_or_404(meeting, item_id)
    form = ReviewForm(escalates_to=forum.parent.name if forum.parent else None)
    if not form.validate_on_submit():
        return _review_page(forum, meeting, item, form, 400 if form.is_submitted() else 200)
    data = service.ReviewData(form.reviewed_rag.data, form.decision.data, form.comment.data or "")
    try:
        with committing():
            recorded = service.record_review(item, data, current_actor(), clock.today())
    except DomainError as error:
        show_error(form, error)
        forum, meeting = _meeting_or_404(forum_id, meeting_id)
        return _review_page(forum, meeting, _item_or_404(meeting, item_id), form, 400)
    flash(_recorded_message(recorded), "success")
    return redirect(_agenda_url(forum, meeting, item_id))


def _recorded_message(recorded) -> str:
    return (f"The forum's review of action {recorded.action.ref} is recorded: "
            f"{queries.review_row(recorded).decision_text}.")
