"""Importing a plan from CSV/XLSX and exporting it in the same format."""
from flask import Response, flash, redirect, render_template, url_for

from tracker.actions.service import ActionError
from tracker.auth.access import admin_required
from tracker.auth.service import UserError
from tracker.extensions import db
from tracker.governance.service import ForumError
from tracker.plans import importer, transfer
from tracker.plans.models import Plan
from tracker.plans.service import PlanError
from tracker.plans.transfer_forms import ImportForm
from tracker.plans.views import bp, current_actor

MIME_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Row problems listed one by one in the error summary; all of them are in the table below it.
SUMMARY_PROBLEMS = 10


def _download(content: bytes, filename: str, extension: str) -> Response:
    return Response(content, mimetype=MIME_TYPES[extension],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _summary_items(problems: list[transfer.Problem]) -> list[tuple[str, str]]:
    items = [("#problems", str(problem)) for problem in problems[:SUMMARY_PROBLEMS]]
    if len(problems) > SUMMARY_PROBLEMS:
        items.append(("#problems", f"and {len(problems) - SUMMARY_PROBLEMS} more problems: "
                                   "see the table of problems below"))
    return items


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def import_plan():
    form = ImportForm()
    problems: list[transfer.Problem] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = importer.import_plan(upload.stream.read(), year=form.year.data, title=form.title.data,
                                          actor=current_actor(), filename=transfer.clean_filename(upload.filename))
        except transfer.TransferError as error:
            db.session.rollback()
            form.file.errors.append(error.message)
            problems = error.problems
        except (PlanError, ActionError, UserError, ForumError) as error:
            db.session.rollback()
            form.file.errors.append(str(error))
        else:
            db.session.commit()
            flash(result.summary(), "success")
            return redirect(url_for("plans.detail", plan_id=result.plan.id))
    status = 400 if form.is_submitted() else 200
    return render_template("plans/import.html", form=form, problems=problems,
                           summary_items=_summary_items(problems)), status


@bp.route("/import/template.csv")
@admin_required
def import_template():
    return _download(transfer.template_csv(), "wres-plan-template.csv", "csv")


@bp.route("/<int:plan_id>/export.<any(csv, xlsx):format>")
@admin_required
def export(plan_id: int, format: str):
    plan = db.get_or_404(Plan, plan_id)
    rows = importer.plan_rows(plan)
    content = transfer.write_csv(rows) if format == "csv" else transfer.write_xlsx(rows)
    return _download(content, transfer.export_filename(plan.year, format), format)
