"""Downloading an evidence file, its author adding files to an update the same day, and an admin removing one."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker import clock
from tracker.actions.models import ProgressUpdate
from tracker.auth.access import admin_required, can_update_action, current_actor
from tracker.database import committing
from tracker.errors import DomainError
from tracker.evidence import queries, service
from tracker.evidence.forms import AddFilesForm
from tracker.evidence.models import EvidenceFile
from tracker.evidence.rules import content_disposition
from tracker.extensions import db
from tracker.forms import ButtonForm, show_error
from tracker.request_guards import accepts_larger_bodies
from tracker.zip_limits import size_text

bp = Blueprint("evidence", __name__)


def _file_or_404(file_id: int) -> EvidenceFile:
    evidence = queries.load_file(file_id)
    if evidence is None:
        abort(404)
    return evidence


@bp.route("/evidence/<int:file_id>")
@login_required
def download(file_id: int):
    """The file's bytes, streamed a stored chunk at a time; every role may read every action's evidence."""
    evidence = _file_or_404(file_id)
    if evidence.is_removed:
        abort(404)
    response = Response(service.chunks(evidence.id, evidence.size), mimetype=evidence.content_type)
    response.headers["Content-Disposition"] = content_disposition(evidence.safe_name)
    response.headers["Content-Length"] = str(evidence.size)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/evidence/<int:file_id>/remove", methods=["GET", "POST"])
@admin_required
def remove(file_id: int):
    evidence = _file_or_404(file_id)
    form = ButtonForm()
    back = url_for("actions.detail", action_id=evidence.update.action_id) + "#timeline"
    if form.validate_on_submit():
        name = evidence.safe_name
        try:
            with committing():
                service.remove(evidence, current_actor())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"'{name}' was removed. The timeline says who removed it and when.", "success")
            return redirect(back)
    return render_template("evidence/remove.html", evidence=evidence, form=form, back=back), \
        400 if form.is_submitted() else 200


@bp.route("/updates/<int:update_id>/evidence", methods=["GET", "POST"])
@login_required
@accepts_larger_bodies(service.request_limit, service.too_large_message)
def add_files(update_id: int):
    """The update's author adds files to it on the day it was posted."""
    update = db.get_or_404(ProgressUpdate, update_id)
    if not (service.may_add_files(update, current_user) and can_update_action(current_user, update.action)):
        abort(403)
    form = AddFilesForm()
    back = url_for("actions.detail", action_id=update.action_id) + "#timeline"
    if form.validate_on_submit():
        uploads = [service.Upload(file.filename, file.stream)
                   for file in request.files.getlist(form.evidence.name) if file and file.filename]
        try:
            with committing():
                added = service.add_files(update, uploads, current_actor(), today=clock.today())
        except service.FilesRefused as refused:
            form.evidence.errors = list(refused.problems)
        except DomainError as error:
            show_error(form, error, default_field="evidence")
        else:
            flash(f"{len(added)} file{'s' if len(added) != 1 else ''} added to your update.", "success")
            return redirect(back)
    return render_template("evidence/add.html", update=update, form=form, back=back,
                           posted_today=clock.uk_date(update.posted_at) == clock.today(),
                           limits=[size_text(limit) for limit in service.limits()])
