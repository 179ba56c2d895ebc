"""A forum meeting's agenda and the forum's reviews of its actions (the meeting pack is in reports)."""
from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
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
from tracker.plans.models import Plan
from tracker.request_guards import query_int
from tracker.reviews import agenda_rules as rules
from tracker.reviews import agendas, queries, service
from tracker.reviews.forms import AddItemForm, AgendaRowEntry, ReviewForm, decision_choices
from tracker.reviews.models import AgendaItem, MeetingAgenda
from tracker.reviews.row_markup import forum_review, latest_update, owner_rating, review_row_fields
from tracker.reviews.schedule import update_request_days

bp = Blueprint("reviews", __name__, url_prefix="/forums")
for _piece in (owner_rating, latest_update, forum_review, review_row_fields):
    bp.add_app_template_global(_piece)


def meeting_or_404(forum_id: int, meeting_id: int) -> tuple[Forum, Meeting, MeetingAgenda | None]:
    """The forum, its meeting and the meeting's agenda record (None when never built), or 404 for an
    unknown id or another forum's meeting."""
    found = queries.forum_and_agenda(forum_id, meeting_id)
    meeting = agendas.meeting_of(found[0], meeting_id) if found is not None else None
    if meeting is None:
        abort(404)
    forum, agenda = found
    return forum, meeting, agenda


def _item_or_404(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.get_or_404(AgendaItem, item_id)
    if item.meeting_id != meeting.id:
        abort(404)
    return item


def _agenda_url(forum: Forum, meeting: Meeting, item_id: int | None = None) -> str:
    url = url_for("reviews.agenda", forum_id=forum.id, meeting_id=meeting.id)
    return url + (f"#item-{item_id}" if item_id else "")


def _agenda_page(forum: Forum, meeting: Meeting, agenda: MeetingAgenda | None, add_form: AddItemForm | None = None,
                 status: int = 200):
    today = clock.today()
    page = queries.agenda_page(meeting, today, query_int("page", 1))
    return render_template(
        "reviews/agenda.html", forum=forum, meeting=meeting, today=today, page=page, groups=page.groups,
        agenda=agenda, upcoming=agendas.is_upcoming(meeting, today), dates=agendas.meeting_dates(meeting),
        rated_on=page.rated_on, reviews_open=agendas.reviews_open(meeting, agenda, today),
        build_on=agendas.build_day(meeting, update_request_days()) if agenda is None else None,
        add_form=add_form or (AddItemForm(formdata=None, plans=queries.plan_choices()) if current_user.is_admin else None),
        button_form=ButtonForm(), window_days=rules.WINDOW_DAYS, group_headings=rules.GROUP_HEADINGS,
        item_url=_item_url_prefix(forum, meeting), action_url=url_for("actions.detail", action_id=0)[:-1],
    ), status


def _item_url_prefix(forum: Forum, meeting: Meeting) -> str:
    """'/forums/1/meetings/2/items/': an item's pages are this, its id and '/review' or '/remove' (built
    once for the page rather than once a row)."""
    return url_for("reviews.agenda", forum_id=forum.id, meeting_id=meeting.id) + "/items/"


@bp.route("/<int:forum_id>/meetings/<int:meeting_id>")
@login_required
def agenda(forum_id: int, meeting_id: int):
    """The meeting's agenda: why each action is on it, its owner's rating and latest update, the forum's review."""
    return _agenda_page(*meeting_or_404(forum_id, meeting_id))


@bp.route("/<int:forum_id>/meetings/<int:meeting_id>/build", methods=["POST"])
@reviewer_required
def build_agenda(forum_id: int, meeting_id: int):
    """Build an agenda that was never built: now, or for a past meeting as the actions stood that day."""
    forum, meeting, _agenda = meeting_or_404(forum_id, meeting_id)
    try:
        with committing():
            count = agendas.build_agenda(meeting, clock.today(), current_actor())
    except DomainError as error:
        flash(f"{error}.", "info")
    except IntegrityError:
        flash("The agenda was built by someone else at the same moment: it is shown below.", "info")
    else:
        flash(f"Agenda built: {count} action{'' if count == 1 else 's'} on it.", "success")
    return redirect(_agenda_url(forum, meeting))


@bp.route("/<int:forum_id>/meetings/<int:meeting_id>/refresh", methods=["POST"])
@admin_required
def refresh_agenda(forum_id: int, meeting_id: int):
    """Apply the agenda rules again, until the meeting day (admin): adds what became due, takes nothing off."""
    forum, meeting, _agenda = meeting_or_404(forum_id, meeting_id)
    try:
        with committing():
            added, count = agendas.refresh_agenda(meeting, clock.today(), current_actor())
    except DomainError as error:
        flash(f"{error}.", "info")
    else:
        flash(f"Agenda refreshed: {added} added, {count} on the agenda. Owners' ratings were taken again.", "success")
    return redirect(_agenda_url(forum, meeting))


@bp.route("/<int:forum_id>/meetings/<int:meeting_id>/items", methods=["POST"])
@admin_required
def add_item(forum_id: int, meeting_id: int):
    """Put any action on the agenda by its plan and reference (admin)."""
    forum, meeting, agenda = meeting_or_404(forum_id, meeting_id)
    form = AddItemForm(plans=queries.plan_choices())
    if not form.validate_on_submit():
        return _agenda_page(forum, meeting, agenda, form, 400)
    try:
        with committing():
            item = agendas.add_item(meeting, db.session.get(Plan, form.plan.data), form.ref.data, current_actor(),
                                    clock.today())
    except DomainError as error:
        show_error(form, error, default_field="ref")
        return _agenda_page(*meeting_or_404(forum_id, meeting_id), form, 400)
    flash(f"Action {item.action.ref} added to the agenda.", "success")
    return redirect(_agenda_url(forum, meeting, item.id))


@bp.route("/<int:forum_id>/meetings/<int:meeting_id>/items/<int:item_id>/remove", methods=["POST"])
@admin_required
def remove_item(forum_id: int, meeting_id: int, item_id: int):
    """Take an action the EDI lead added off the agenda (admin)."""
    forum, meeting, _agenda = meeting_or_404(forum_id, meeting_id)
    item = _item_or_404(meeting, item_id)
    ref = item.action.ref
    try:
        with committing():
            still = agendas.remove_item(item, current_actor())
    except DomainError as error:
        flash(f"{error}.", "info")
        return redirect(_agenda_url(forum, meeting))
    if still:
        flash(f"Action {ref} is no longer marked as added, but stays on the agenda ({'; '.join(still)}).", "info")
    else:
        flash(f"Action {ref} taken off the agenda.", "success")
    return redirect(_agenda_url(forum, meeting))


def _review_page(forum: Forum, meeting: Meeting, agenda: MeetingAgenda | None, item: AgendaItem, form: ReviewForm,
                 status: int = 200):
    today = clock.today()
    row = queries.agenda_rows(meeting, today, [item.id])[0]
    return render_template("reviews/review.html", forum=forum, meeting=meeting, item=item, row=row, form=form,
                           history=queries.item_reviews(item), today=today,
                           reviews_open=agendas.reviews_open(meeting, agenda, today),
                           dates=agendas.meeting_dates(meeting)), status


@bp.route("/<int:forum_id>/meetings/<int:meeting_id>/items/<int:item_id>/review", methods=["GET", "POST"])
@reviewer_required
def record_review(forum_id: int, meeting_id: int, item_id: int):
    """Record the forum's RAG rating, comment and decision on an agenda item (reviewers and admins)."""
    forum, meeting, agenda = meeting_or_404(forum_id, meeting_id)
    item = _item_or_404(meeting, item_id)
    form = ReviewForm(escalates_to=forum.parent.name if forum.parent else None)
    if not form.validate_on_submit():
        return _review_page(forum, meeting, agenda, item, form, 400 if form.is_submitted() else 200)
    data = service.ReviewData(form.reviewed_rag.data, form.decision.data, form.comment.data or "")
    try:
        with committing():
            recorded = service.record_review(item, data, current_actor(), clock.today())
    except DomainError as error:
        show_error(form, error)
        forum, meeting, agenda = meeting_or_404(forum_id, meeting_id)
        return _review_page(forum, meeting, agenda, _item_or_404(meeting, item_id), form, 400)
    flash(_recorded_message(recorded), "success")
    return redirect(_agenda_url(forum, meeting, item_id))


def _recorded_message(recorded) -> str:
    return (f"The forum's review of action {recorded.action.ref} is recorded: "
            f"{queries.review_row(recorded).decision_text}.")


def _row_forms(rows: list[rules.AgendaRow], formdata) -> dict[int, AgendaRowEntry]:
    forms = {}
    for row in rows:
        form = AgendaRowEntry(row.item_id, formdata)
        if formdata is None or not form.seen:
            form.seen = str(row.review_id or 0)
        forms[row.item_id] = form
    return forms


def _whole_agenda_page(forum: Forum, meeting: Meeting, agenda: MeetingAgenda | None, page: queries.AgendaPage,
                       page_form: ButtonForm, forms: dict[int, AgendaRowEntry], status: int = 200):
    today = clock.today()
    return render_template(
        "reviews/agenda_review.html", forum=forum, meeting=meeting, today=today, page=page, groups=page.groups,
        page_form=page_form, forms=forms, group_headings=rules.GROUP_HEADINGS, rated_on=page.rated_on,
        rag_choices=AgendaRowEntry.RAG_CHOICES,
        decision_choices=[("", "Choose the decision"), *decision_choices(forum.parent.name if forum.parent else None)],
        reviews_open=agendas.reviews_open(meeting, agenda, today),
        dates=agendas.meeting_dates(meeting)), status


_ROW_FIELD = re.compile(r"item-(\d+)-(?:seen|reviewed_rag|decision|comment)")


def _posted_items(formdata) -> list[int]:
    """The agenda items a submitted review form carried rows for (the page it was opened on)."""
    return sorted({int(match.group(1)) for match in map(_ROW_FIELD.fullmatch, formdata) if match})


@bp.route("/<int:forum_id>/meetings/<int:meeting_id>/reviews", methods=["GET", "POST"])
@reviewer_required
def review_agenda(forum_id: int, meeting_id: int):
    """The agenda a page at a time, a row per item (the forum's RAG, decision, comment), each page's rows
    saved together. A submitted page records the rows it carried and touches no other item."""
    forum, meeting, agenda = meeting_or_404(forum_id, meeting_id)
    number = query_int("page", 1)
    page_form = ButtonForm()
    if not page_form.validate_on_submit():
        page = queries.agenda_page(meeting, clock.today(), number)
        return _whole_agenda_page(forum, meeting, agenda, page, page_form, _row_forms(page.rows, None),
                                  400 if page_form.is_submitted() else 200)
    page = queries.agenda_page(meeting, clock.today(), number, item_ids=_posted_items(request.form))
    forms = _row_forms(page.rows, request.form)
    filled = {item_id: form for item_id, form in forms.items() if not form.is_blank}
    if not filled:
        page_form.form_errors.append("Record at least one review: every row was left blank")
        return _whole_agenda_page(forum, meeting, agenda, page, page_form, forms, 400)
    items = {item.id: item for item in db.session.scalars(select(AgendaItem).where(AgendaItem.id.in_(filled)))}
    entries = [service.AgendaReview(items[item_id], service.ReviewData(form.reviewed_rag, form.decision,
                                                                       form.comment or ""),
                                    form.seen_review_id()) for item_id, form in filled.items()]
    try:
        with committing():
            recorded = service.record_reviews(meeting, entries, current_actor(), clock.today())
    except service.AgendaReviewError as error:
        _show_row_problems(forms, error.problems)
        forum, meeting, agenda = meeting_or_404(forum_id, meeting_id)
        page = queries.agenda_page(meeting, clock.today(), number, item_ids=list(forms))
        return _whole_agenda_page(forum, meeting, agenda, page, page_form, _kept_typing(page, forms), 400)
    except DomainError as error:
        show_error(page_form, error)
        forum, meeting, agenda = meeting_or_404(forum_id, meeting_id)
        page = queries.agenda_page(meeting, clock.today(), number, item_ids=list(forms))
        return _whole_agenda_page(forum, meeting, agenda, page, page_form, forms, 400)
    flash(f"{len(recorded)} review{'' if len(recorded) == 1 else 's'} recorded.", "success")
    return redirect(_agenda_url(forum, meeting))


def _show_row_problems(forms: dict[int, AgendaRowEntry], problems: dict[int, dict[str, str]]) -> None:
    for item_id, fields in problems.items():
        for name, message in fields.items():
            forms[item_id].add_error(name, message)


def _kept_typing(page: queries.AgendaPage, forms: dict[int, AgendaRowEntry]) -> dict[int, AgendaRowEntry]:
    """The forms as typed, with each row's latest review brought up to date, so saving again is possible."""
    rows = {row.item_id: row for row in page.rows}
    for item_id, form in forms.items():
        if item_id in rows:
            form.seen = str(rows[item_id].review_id or 0)
    return forms
