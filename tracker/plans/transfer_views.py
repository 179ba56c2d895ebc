"""Importing a plan from CSV/XLSX and exporting it in the same format."""
from flask import abort, render_template

from tracker.auth.access import admin_required
from tracker.plans.views import bp


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def import_plan():
    return render_template("plans/import.html")


@bp.route("/<int:plan_id>/export.<any(csv, xlsx):format>")
@admin_required
def export(plan_id: int, format: str):
    abort(404)
