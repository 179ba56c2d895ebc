"""WRES indicators: the table, one indicator's page, importing a data pack, typed-in and national values."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from tracker import standards
from tracker.admin.service import organisation_settings
from tracker.auth.access import admin_required, current_actor
from tracker.database import committing
from tracker.errors import DomainError
from tracker.forms import show_error
from tracker.indicators import charts, queries, service, uploads
from tracker.indicators.forms import ConfirmForm, EnterForm, ImportForm, NationalForm, TargetForm
from tracker.indicators.linked_rows import linked_action_rows
from tracker.indicators.ratios import round_half_up
from tracker.indicators.representation import NON_MEDICAL
from tracker.indicators.tables import DataPackError
from tracker.request_guards import query_int

bp = Blueprint("indicators", __name__, url_prefix="/indicators")
bp.add_app_template_global(linked_action_rows)
TREND_ARROWS = {"better": "↑", "worse": "↓", "same": "→"}


@bp.app_template_filter("indicator_value")
def indicator_value(value: float | None, unit: str) -> str:
    """'11.11%' for percentages, '1.21' for ratios (2 dp, half up); '' when there is none."""
    if value is None:
        return ""
    shown = f"{round_half_up(value, 2):.2f}"
    return f"{shown}%" if unit == "percent" else shown


@bp.app_template_filter("trend_arrow")
def trend_arrow(judgement: str | None) -> str:
    """↑ better, ↓ worse, → same (as in the Word documents)."""
    return TREND_ARROWS.get(judgement or "", "")


@bp.route("/")
@login_required
def index():
    return render_template("indicators/index.html", table=queries.indicator_table(),
                           definitions=queries.DEFINITIONS)


@bp.route("/<int:number>")
@login_required
def detail(number: int):
    if number not in queries.DEFINITIONS:
        abort(404)
    bme_label = organisation_settings().bme_label
    table = queries.indicator_table((number,))
    chart = queries.chart_for(number, table, bme_label)
    definition = queries.DEFINITIONS[number]
    svg = None
    if chart.has_data:
        description = (f"Line chart of indicator {number}, {definition.short_title}, by year; "
                       "the same figures are in the table below it")
        svg = Markup(charts.svg_cached(chart, description))
    breakdown = service.breakdown_year(query_int("year"))
    form, targets = _targets(number, breakdown)
    return render_template(
        "indicators/detail.html", number=number, definition=definition, table=table,
        lines=table.for_indicator(number), chart=chart, svg=svg, breakdown=breakdown,
        result=breakdown.result if breakdown else None, target_form=form, targets=targets,
        linked=queries.linked_actions(number), measure=standards.measure(standards.code_of(standards.WRES, number)))


def _targets(number: int, breakdown) -> tuple[TargetForm, dict | None]:
    """The 'try another target' form and the aspirational targets it asks for (indicator 1 only)."""
    form = TargetForm(request.args)
    if number != 1 or breakdown is None:
        return form, None
    if request.args.get("target_percent") and form.validate():
        percent, population = float(form.target_percent.data), form.population.data
    else:
        stored = breakdown.target_percent
        percent = stored if stored is not None else service.default_target()
        population = breakdown.target_population or NON_MEDICAL
        if not form.errors:
            form.target_percent.data, form.population.data = percent, population
    if percent is None:
        return form, None
    rows = [target.to_dict() for target in service.targets_for(breakdown.result, percent, population)]
    return form, {"percent": percent, "population": population, "rows": rows}


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def import_pack():
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        files = {upload.filename: upload.read() for upload in form.files.data if upload.filename}
        try:
            service.read_pack(files, form.year.data)
        except DataPackError as error:
            problems = list(error.problems)
        else:
            token = uploads.save(files, form.year.data, current_user.id)
            return redirect(url_for("indicators.preview", token=token))
    status = 400 if form.is_submitted() else 200
    return render_template("indicators/import.html", form=form, problems=problems), status


@bp.route("/import/<token>")
@admin_required
def preview(token: str):
    upload = uploads.load(token, current_user.id)
    if upload is None:
        flash("That upload has expired or has already been stored. Choose the files again.", "info")
        return redirect(url_for("indicators.import_pack"))
    try:
        pack = service.read_pack(upload.files, upload.year)
    except DataPackError as error:
        form = ImportForm(formdata=None, data={"year": upload.year})
        return render_template("indicators/import.html", form=form, problems=list(error.problems)), 400
    result = service.compute(pack, upload.year)
    return render_template(
        "indicators/preview.html", upload=upload, summary=pack.summary, headlines=service.headlines(result),
        existing=service.stored_year(upload.year), missing=service.missing_indicators(pack.summary.missing),
        form=ConfirmForm(), definitions=queries.DEFINITIONS)


@bp.route("/import/<token>", methods=["POST"])
@admin_required
def confirm(token: str):
    form = ConfirmForm()
    upload = uploads.load(token, current_user.id) if form.validate_on_submit() else None
    if upload is None:
        flash("That upload has expired or has already been stored. Choose the files again.", "info")
        return redirect(url_for("indicators.import_pack"))
    try:
        with committing():
            imported = service.import_pack(upload.files, upload.year, current_actor())
    except DataPackError as error:
        form = ImportForm(formdata=None, data={"year": upload.year})
        return render_template("indicators/import.html", form=form, problems=list(error.problems)), 400
    uploads.discard(token)
    flash(f"The {imported.year.year} WRES results have been stored.", "success")
    return redirect(url_for("indicators.index"))


@bp.route("/enter", methods=["GET", "POST"])
@admin_required
def enter():
    form = EnterForm()
    form.label_groups(organisation_settings().bme_label)
    year = query_int("year")
    if request.method == "GET" and year:
        form.year.data = year
        form.fill(service.entered_values(year))
    if form.validate_on_submit():
        try:
            with committing():
                service.enter_values(form.year.data, form.values(), current_actor())
        except DomainError as error:
            show_error(form, error, default_field="year")
        else:
            flash(f"The published {form.year.data} values have been stored as entered.", "success")
            return redirect(url_for("indicators.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("indicators/enter.html", form=form, definitions=queries.DEFINITIONS,
                           measures=queries.TABLE_MEASURES), status


@bp.route("/national", methods=["GET", "POST"])
@admin_required
def national():
    bme_label = organisation_settings().bme_label
    form = NationalForm(bme_label=bme_label)
    if form.validate_on_submit():
        number, measure = form.indicator_and_measure
        try:
            with committing():
                service.set_national_value(form.year.data, number, measure, float(form.value.data), current_actor())
        except DomainError as error:
            show_error(form, error, default_field="line")
        else:
            flash(f"The national {form.year.data} value for indicator {number} has been saved.", "success")
            return redirect(url_for("indicators.national"))
    years, rows = queries.national_grid()
    status = 400 if form.is_submitted() else 200
    return render_template("indicators/national.html", form=form, years=years, rows=rows,
                           definitions=queries.DEFINITIONS), status
