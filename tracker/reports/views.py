"""The Word documents page of a plan (downloads are POSTs), a forum meeting's pack, and importing a plan from Word."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from tracker import clock, uploads
from tracker.admin.service import organisation_settings
from tracker.auth.access import admin_required, current_actor, reviewer_required
from tracker.database import committing
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.forms import show_error
from tracker.plans.models import Plan
from tracker.plans.queries import current_plans
from tracker.rag import RAG_LABELS
from tracker.reports import service
from tracker.reports.docx_import import check_read_plan, import_read_plan, preview_read_plan
from tracker.reports.docx_reader import DocxReadError, read_plan_tables
from tracker.reports.forms import (
    APPENDIX1_STYLE_HINT,
    HIA_HINT,
    STYLE_HINT,
    Appendix1Form,
    Appendix2Form,
    DocxConfirmForm,
    DocxUploadForm,
    IndicatorsForm,
    PackForm,
    WdesForm,
)
from tracker.reports.word.meeting_pack import MeetingPack, meeting_pack_bytes, pack_filename
from tracker.reviews.queries import agenda_rows
from tracker.reviews.views import meeting_or_404

bp = Blueprint("reports", __name__)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FORMS = {"appendix1": Appendix1Form, "appendix2": Appendix2Form, "indicators": IndicatorsForm, "pack": PackForm,
         "wdes": WdesForm}
#: Uploaded Word documents wait on the server between the preview and "Create plan" for at most a day.
#: Word plans waiting between the import preview and "Create plan" (setting DOCX_IMPORT_FOLDER).
WORD_PLAN = "docx"


def _plan_or_404(plan_id: int) -> Plan:
    plan = service.load_plan(plan_id)
    if plan is None:
        abort(404)
    return plan


def _forms(plan: Plan, posted: str | None = None) -> dict[str, FlaskForm]:
    """The four export forms: the posted one reads the request, the others show their defaults."""
    plans = current_plans()  # archived plans are left out, except this plan itself
    if plan not in plans:
        plans.append(plan)
    previous = service.previous_plan(plan)
    previous = previous if previous in plans else None
    defaults = {
        "appendix1": {"title": service.default_title("appendix1", plan)},
        "appendix2": {"title": service.default_title("appendix2", plan)},
        "indicators": {},
        "wdes": {},
        "pack": {"title": service.default_title("pack", plan),
                 "appendix1_plan": previous.id if previous else plan.id},
    }
    forms = {}
    for name, form_class in FORMS.items():
        extra = {"plans": plans} if name == "pack" else {}
        if name == posted:
            forms[name] = form_class(prefix=name, **extra)
        else:
            forms[name] = form_class(formdata=None, prefix=name, as_at=clock.today(), **defaults[name], **extra)
    return forms


def _page(plan: Plan, forms: dict[str, FlaskForm], status: int = 200):
    return render_template("reports/documents.html", plan=plan, forms=forms, style_hint=STYLE_HINT,
                           appendix1_style_hint=APPENDIX1_STYLE_HINT, hia_hint=HIA_HINT,
                           settings=organisation_settings(),
                           previous=service.previous_plan(plan)), status


@bp.route("/plans/<int:plan_id>/documents")
@reviewer_required
def documents(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    return _page(plan, _forms(plan))


@bp.route("/plans/<int:plan_id>/documents/<any(appendix1, appendix2, indicators, pack, wdes):document>", methods=["POST"])
@reviewer_required
def download(plan_id: int, document: str):
    plan = _plan_or_404(plan_id)
    forms = _forms(plan, posted=document)
    form = forms[document]
    if not form.validate_on_submit():
        return _page(plan, forms, 400)
    try:
        exported = service.export_document(plan, _options(document, form))
    except service.ExportError as error:
        form.form_errors.append(str(error))
        return _page(plan, forms, 400)
    return Response(exported.content, mimetype=exported.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{exported.filename}"', "Cache-Control": "no-store"})


def _options(document: str, form: FlaskForm) -> service.ExportOptions:
    data = form.data
    styles = ({"appendix1_style": data.get("style") or "2021"} if document == "appendix1"
              else {"style": data.get("style") or "2024", "appendix1_style": data.get("appendix1_style") or "2021"})
    return service.ExportOptions(
        document=document, as_at=data.get("as_at") or clock.today(), **styles,
        include_history=bool(data.get("include_history")), title=data.get("title"),
        appendix1_plan_id=data.get("appendix1_plan"), show_hia=bool(data.get("show_hia")),
    )


@bp.route("/forums/<int:forum_id>/meetings/<int:meeting_id>/pack.docx")
@reviewer_required
def meeting_pack(forum_id: int, meeting_id: int):
    """A forum meeting's agenda as a Word document (reviewers and admins). A plain link: it has no options to post."""
    forum, meeting, agenda = meeting_or_404(forum_id, meeting_id)
    today = clock.today()
    pack = MeetingPack(forum.name, meeting.held_on, tuple(agenda_rows(meeting, today)),
                       organisation_settings().trust_name, today, built=agenda is not None)
    return Response(meeting_pack_bytes(pack), mimetype=DOCX, headers={
        "Content-Disposition": f'attachment; filename="{pack_filename(forum.name, meeting.held_on)}"',
        "Cache-Control": "no-store"})


@bp.route("/plans/import-docx", methods=["GET", "POST"])
@admin_required
def import_docx():
    form = DocxUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        content, name = upload.stream.read(), _display_name(upload.filename)
        problems = _read_problems(content, name)
        if not problems:
            token = uploads.save(WORD_PLAN, content, {"name": name}, current_user.id)
            return redirect(url_for("reports.import_docx_preview", token=token))
        form.file.errors.extend(problems)
    status = 400 if form.is_submitted() else 200
    return render_template("reports/import_upload.html", form=form), status


def _display_name(filename: str | None) -> str:
    """The uploaded file's own name, without any folder the browser sent."""
    return Path((filename or "").replace("\\", "/")).name[:200] or "The file"


def _read_problems(content: bytes, name: str) -> list[str]:
    """Why the document cannot be imported ([] when it can)."""
    try:
        read = read_plan_tables(content, name=name, unpack=uploads.unpack_limits())
    except DocxReadError as error:
        return [str(error)]
    return [f"{name}, {problem}" for problem in check_read_plan(read)]


@bp.route("/plans/import-docx/<token>", methods=["GET", "POST"])
@admin_required
def import_docx_preview(token: str):
    stored = uploads.load(WORD_PLAN, token, current_user.id)
    if stored is None:
        flash("That upload has expired or has already been imported. Upload the Word document again.", "info")
        return redirect(url_for("reports.import_docx"))
    content, name = stored[0], stored[1]["name"]
    read = read_plan_tables(content, name=name, unpack=uploads.unpack_limits())
    form = DocxConfirmForm()
    if form.validate_on_submit():
        try:
            with committing():
                result = import_read_plan(read, year=form.year.data, title=form.title.data, actor=current_actor(),
                                          filename=name)
        except DomainError as error:
            show_error(form, error)
        else:
            uploads.remove(WORD_PLAN, token, current_user.id)
            flash(" ".join(result.summary_lines()), "success")
            return redirect(url_for("plans.detail", plan_id=result.plan.id))
    status = 400 if form.is_submitted() else 200
    return render_template("reports/import_preview.html", form=form, read=read, name=name, token=token,
                           preview=preview_read_plan(read), rag_labels=RAG_LABELS), status
