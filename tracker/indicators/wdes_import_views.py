"""WDES data: uploading a year's data pack with a preview before anything is stored, and typing in past years.

Admins only. The WDES pages themselves are at /wdes (blueprint "wdes").
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.auth.access import admin_required, current_actor
from tracker.database import committing
from tracker.errors import DomainError
from tracker.forms import show_error
from tracker.indicators import uploads, wdes_service
from tracker.indicators.tables import DataPackError
from tracker.indicators.wdes_forms import MEASURE_LABELS, WdesConfirmForm, WdesEnterForm, WdesImportForm
from tracker.indicators.wdes_headlines import wdes_headlines
from tracker.indicators.wdes_results import WdesWorkforce
from tracker.request_guards import query_int
from tracker.standards import measures

bp = Blueprint("wdes_data", __name__, url_prefix="/wdes")
#: Marks an upload as a WDES pack, so a WRES upload's token is not read as one.
MARKER = ".wdes-pack"
EXPIRED = "That upload has expired or has already been stored. Choose the files again."


def _load(token: str):
    upload = uploads.load(token, current_user.id)
    if upload is None or MARKER not in upload.files:
        return None, None
    return upload, {name: data for name, data in upload.files.items() if name != MARKER}


def _titles() -> dict[str, str]:
    return {measure.key: measure.short_title for measure in measures("wdes")}


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def import_pack():
    form = WdesImportForm()
    problems = []
    if form.validate_on_submit():
        files = {upload.filename: upload.read() for upload in form.files.data if upload.filename}
        try:
            wdes_service.read_wdes_pack(files, form.year.data)
        except DataPackError as error:
            problems = list(error.problems)
        else:
            token = uploads.save({**files, MARKER: b""}, form.year.data, current_user.id)
            return redirect(url_for("wdes_data.preview", token=token))
    status = 400 if form.is_submitted() else 200
    return render_template("wdes/import.html", form=form, problems=problems), status


@bp.route("/import/<token>")
@admin_required
def preview(token: str):
    upload, files = _load(token)
    if upload is None:
        flash(EXPIRED, "info")
        return redirect(url_for("wdes_data.import_pack"))
    try:
        pack = wdes_service.read_wdes_pack(files, upload.year)
    except DataPackError as error:
        form = WdesImportForm(formdata=None, data={"year": upload.year})
        return render_template("wdes/import.html", form=form, problems=list(error.problems)), 400
    result = wdes_service.compute(pack)
    workforce = result.workforce.overall if isinstance(result.workforce, WdesWorkforce) else None
    return render_template(
        "wdes/import_preview.html", upload=upload, summary=pack.summary, headlines=wdes_headlines(result),
        workforce=workforce, existing=wdes_service.stored_year(upload.year),
        missing=wdes_service.missing_metrics(pack.summary.missing), form=WdesConfirmForm(), titles=_titles(),
        labels=MEASURE_LABELS, metric_name=wdes_service.metric_name)


@bp.route("/import/<token>", methods=["POST"])
@admin_required
def confirm(token: str):
    form = WdesConfirmForm()
    upload, files = _load(token) if form.validate_on_submit() else (None, None)
    if upload is None:
        flash(EXPIRED, "info")
        return redirect(url_for("wdes_data.import_pack"))
    try:
        with committing():
            imported = wdes_service.import_pack(files, upload.year, current_actor())
    except DataPackError as error:
        form = WdesImportForm(formdata=None, data={"year": upload.year})
        return render_template("wdes/import.html", form=form, problems=list(error.problems)), 400
    uploads.discard(token)
    flash(f"The {imported.year.year} WDES results have been stored.", "success")
    return redirect("/wdes")


@bp.route("/import/<token>/cancel", methods=["POST"])
@admin_required
def cancel(token: str):
    form = WdesConfirmForm()
    if form.validate_on_submit():
        upload, _ = _load(token)
        if upload is not None:
            uploads.discard(token)
    flash("Nothing has been stored.", "info")
    return redirect(url_for("wdes_data.import_pack"))


@bp.route("/enter", methods=["GET", "POST"])
@admin_required
def enter():
    form = WdesEnterForm()
    year = query_int("year")
    if request.method == "GET" and year:
        form.year.data = year
        form.fill(wdes_service.entered_figures(year))
        stored = wdes_service.stored_year(year)
        if stored is not None and stored.result:
            form.narrative.data = stored.result.get("narrative_9b", "")
    if form.validate_on_submit():
        try:
            with committing():
                wdes_service.enter_year(form.year.data, form.figures(), current_actor(), form.narrative.data or "")
        except DomainError as error:
            show_error(form, error, default_field="year")
        else:
            flash(f"The published {form.year.data} WDES figures have been stored as entered.", "success")
            return redirect("/wdes")
    status = 400 if form.is_submitted() else 200
    return render_template("wdes/enter.html", form=form, enterable=wdes_service.ENTERABLE, titles=_titles(),
                           metric_name=wdes_service.metric_name), status
