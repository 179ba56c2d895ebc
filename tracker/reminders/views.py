"""Reminder settings, the outbox, each user's reminder preferences and calendar feeds."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from tracker import clock
from tracker.audit.service import events_for
from tracker.auth.access import admin_required, current_actor
from tracker.database import committing
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.forms import ButtonForm, show_error
from tracker.reminders import locks, outbox
from tracker.reminders.feed import feed_for
from tracker.reminders.forms import OutboxFilterForm, PreferencesForm, SettingsForm
from tracker.reminders.models import OutboxMessage, ReminderRun
from tracker.reminders.settings import (
    DEFAULTS,
    SettingsData,
    create_calendar_token,
    reminder_settings,
    revoke_calendar_token,
    set_delivery,
    update_settings,
    user_for_calendar_token,
)
from tracker.request_guards import query_int

bp = Blueprint("reminders", __name__, url_prefix="/reminders")

OUTBOX_PER_PAGE = 50


def _scheduler_status() -> dict:
    return {"holder": locks.holder_of(), "last_run": db.session.scalar(select(func.max(ReminderRun.day)))}


@bp.route("/settings", methods=["GET", "POST"])
@admin_required
def settings():
    current = reminder_settings()
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        data = SettingsData(**{name: getattr(form, name).data for name in DEFAULTS})
        try:
            with committing():
                update_settings(data, current_actor())
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Reminder settings saved.", "success")
            return redirect(url_for("reminders.settings"))
    events = events_for("reminder settings", current.id, limit=20) if current.id else []
    return render_template("reminders/settings.html", form=form, events=events, status=_scheduler_status())


@bp.route("/outbox")
@admin_required
def outbox_page():
    form = OutboxFilterForm(request.args)
    status = form.status.data if form.status.data in outbox.STATUSES else None
    pagination = db.paginate(outbox.messages_query(status), page=query_int("page", 1),
                             per_page=OUTBOX_PER_PAGE, max_per_page=OUTBOX_PER_PAGE)
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return render_template("reminders/outbox.html", form=form, status=status, pagination=pagination,
                           counts=counts, button_form=ButtonForm())


@bp.route("/outbox/<int:message_id>")
@admin_required
def message(message_id: int):
    item = db.get_or_404(OutboxMessage, message_id)
    return render_template("reminders/message.html", message=item, button_form=ButtonForm())


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@admin_required
def retry(message_id: int):
    item = db.get_or_404(OutboxMessage, message_id)
    back = url_for("reminders.outbox_page", status=request.args.get("status") or None)
    if item.status == outbox.SENT:
        flash(f"The email to {item.to_address} was already sent; it has not been sent again.", "info")
        return redirect(back)
    error = outbox.retry_now(item, current_actor())
    if error is None:
        flash(f"The email to {item.to_address} has been sent.", "success")
    else:
        flash(f"The email to {item.to_address} could not be sent: {error}. It stays queued and will be "
              "tried again.", "info")
    return redirect(back)


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    form = PreferencesForm()
    if request.method == "GET":
        form.delivery.data = current_user.reminder_delivery
    if form.validate_on_submit():
        try:
            with committing():
                set_delivery(current_actor(), form.delivery.data, current_actor())
        except DomainError as error:
            show_error(form, error, default_field="delivery")
        else:
            flash("Your reminder preference has been saved.", "success")
            return redirect(url_for("reminders.preferences"))
    token = current_user.calendar_token
    feed_url = f"{current_app.config['BASE_URL']}/reminders/calendar/{token}.ics" if token else None
    return render_template("reminders/preferences.html", form=form, feed_url=feed_url,
                           button_form=ButtonForm(), settings=reminder_settings())


@bp.route("/preferences/calendar", methods=["POST"])
@login_required
def create_calendar_link():
    replaced = current_user.calendar_token is not None
    with committing():
        create_calendar_token(current_actor(), current_actor())
    flash("A new calendar link has been created; the old one no longer works." if replaced
          else "Your calendar link has been created.", "success")
    return redirect(url_for("reminders.preferences") + "#calendar")


@bp.route("/preferences/calendar/revoke", methods=["POST"])
@login_required
def revoke_calendar_link():
    with committing():
        revoke_calendar_token(current_actor(), current_actor())
    flash("Your calendar link has been revoked: calendars using it will stop updating.", "success")
    return redirect(url_for("reminders.preferences") + "#calendar")


@bp.route("/calendar/<token>.ics")
def calendar_feed(token: str):
    user = user_for_calendar_token(token)
    if user is None:
        abort(404)
    text = feed_for(user, current_app.config["BASE_URL"], clock.utcnow())
    return Response(text, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="wres-actions.ics"', "Cache-Control": "private, max-age=300"})
