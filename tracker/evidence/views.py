"""Downloading an evidence file, and an admin removing one."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import login_required

from tracker.auth.access import admin_required, current_actor
from tracker.database import committing
from tracker.errors import DomainError
from tracker.evidence import queries, service
from tracker.evidence.models import EvidenceFile
from tracker.evidence.rules import content_disposition
from tracker.forms import ButtonForm, show_error

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
