"""Plans: the list, a plan's actions with filters, its overview and editing; importing and
exporting a plan as CSV or Excel; rolling an approved plan over to next year and closing it;
archiving, restoring and deleting a plan, each after a confirmation page."""
from dataclasses import dataclass, field

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from tracker import clock, uploads
from tracker.actions.queries import requested_page
from tracker.auth.access import admin_required, current_actor
from tracker.database import committing
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.forms import ButtonForm, show_error
from tracker.governance.models import Forum
from tracker.plans import charts, file_reader, file_writer, importer, rollover, service
from tracker.plans.charts import THEME_CHART_TITLE, TIME_CHART_TITLE
from tracker.plans.forms import (
    NEW_PLAN,
    FilterForm,
    ImportConfirmForm,
    ImportForm,
    PersonChoice,
    PlanForm,
    RolloverForm,
    ThemeForm,
    filter_labels,
    filter_query,
    filters_of,
    resolve_person,
)
from tracker.plans.models import Plan, Theme
from tracker.plans.queries import (
    action_count,
    archived_count,
    demo_note,
    list_plans,
    matching_versions,
    plan_actions,
    plan_overview,
    plan_people,
    plan_statuses,
    rag_over_time,
)

bp = Blueprint("plans", __name__, url_prefix="/plans")

MIME_TYPES = file_writer.MIME_TYPES
#: Row problems listed one by one in the error summary; all of them are in the table below it.
SUMMARY_PROBLEMS = 10
#: Plan files waiting between the import preview and "Create plan" (setting PLAN_IMPORT_FOLDER).
PLAN_FILE = "plan"


def _forums() -> list:
    """(id, name) of every forum, for the forum choices."""
    return list(db.session.execute(select(Forum.id, Forum.name).order_by(Forum.name)))


def _plan_data(form: PlanForm) -> service.PlanData:
    return service.PlanData(
        year=form.year.data, title=form.title.data, status=form.status.data,
        standard=form.standard.data or "",
        approved_on=form.approved_on.data,
        approved_by=db.session.get(Forum, form.approved_by.data) if form.approved_by.data else None,
        equality_objectives_key=form.equality_objectives_key.data or "",
        edi_goals_key=form.edi_goals_key.data or "",
    )


@bp.route("/")
@login_required
def index():
    archived = request.args.get("archived") == "1"
    return render_template("plans/index.html", plans=list_plans(archived=archived), archived=archived,
                           archived_count=archived_count())


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    form = PlanForm(forums=_forums())
    if form.validate_on_submit():
        try:
            with committing():
                plan = service.create_plan(_plan_data(form), current_actor())
        except DomainError as error:
            show_error(form, error, default_field="year")
        else:
            flash(f"Plan {plan.year} created. Add its themes, then its actions.", "success")
            return redirect(url_for("plans.edit", plan_id=plan.id))
    return render_template("plans/form.html", form=form, plan=None)


def _filter_form(plan: Plan) -> tuple[FilterForm, PersonChoice | None, MultiDict]:
    """The plan page's filters from the query string, the owner read from what was typed (resolve_person),
    and the query string as the filters now stand (owner=<id>, no typed text) for links that keep them."""
    form = FilterForm(request.args, forums=_forums(), statuses=plan_statuses(plan), plan_standard=plan.standard)
    choice = resolve_person(form, plan, request.args)
    args = MultiDict([(name, value) for name, value in request.args.items(multi=True)
                      if name not in ("owner", "person")])
    if form.owner.data:
        args.add("owner", str(form.owner.data))
    return form, choice, args


@bp.route("/<int:plan_id>")
@login_required
def detail(plan_id: int):
    plan = db.get_or_404(Plan, plan_id, options=[joinedload(Plan.approved_by)])
    form, choice, args = _filter_form(plan)
    query = filter_query(args)
    if choice is not None:  # the typed text named several people or none: offer them, list no actions yet
        choices = [(person, url_for("plans.detail", plan_id=plan.id) + "?" + filter_query(
            MultiDict([*args.items(multi=True), ("owner", str(person.id))]))) for person in choice.matches]
        return render_template("plans/detail.html", plan=plan, form=form, page=None, actions=[], today=clock.today(),
                               bulk_form=None, filter_query=query, choice=choice, choices=choices)
    number, size = requested_page(request.args)
    page = plan_actions(plan, filters_of(form), clock.today(), page=number, size=size)
    bulk = ButtonForm() if current_user.is_admin and not plan.is_archived else None
    return render_template("plans/detail.html", plan=plan, form=form, page=page, actions=page.actions,
                           today=clock.today(), bulk_form=bulk, filter_query=query, choice=None)


#: People the owner filter's type-ahead suggests at most.
PEOPLE_SUGGESTIONS = 10


@bp.route("/<int:plan_id>/people")
@login_required
def people(plan_id: int):
    """The owner filter's suggestions as JSON: at most PEOPLE_SUGGESTIONS people with actions in the plan
    whose name contains ?q= (or whose email starts with it), by name: [{id, name, detail}]."""
    plan = db.get_or_404(Plan, plan_id)
    found = plan_people(plan, request.args.get("q", "")[:200], PEOPLE_SUGGESTIONS)
    return jsonify([{"id": person.id, "name": person.name, "detail": person.job_title} for person in found])


@bp.route("/<int:plan_id>/overview")
@login_required
def overview(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    today = clock.today()
    # Commits the plan's summary when this read computed it afresh (tracker.plans.summaries).
    with committing():
        summary = plan_overview(plan, today)
        return render_template("plans/overview.html", plan=plan, overview=summary, today=today,
                               demo_note=demo_note(plan.id), **rag_charts(summary, plan, today))


def rag_charts(summary, plan: Plan, today) -> dict:
    """The overview's two charts (SVG) and their figures: RAG by theme, and RAG at each month's end."""
    theme_bars = tuple(charts.bar(label, counter) for label, _count, counter in summary.by_theme)
    month_bars = tuple(charts.bar(charts.month_label(day), counts) for day, counts in rag_over_time(plan, today))
    return {
        "rag_labels": charts.LABELS, "rag_order": charts.RAG_ORDER,
        "theme_bars": theme_bars, "month_bars": month_bars,
        "theme_svg": Markup(charts.svg_cached("theme", theme_bars, THEME_CHART_TITLE, "rag-by-theme"))
        if theme_bars else None,
        "month_svg": Markup(charts.svg_cached("time", month_bars, TIME_CHART_TITLE, "rag-over-time"))
        if month_bars else None,
    }



@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    form = PlanForm(obj=plan, forums=_forums())
    if request.method == "GET":
        form.approved_by.data = plan.approved_by_id or 0
        form.version.data = plan.version
    if form.validate_on_submit():
        try:
            with committing():
                service.update_plan(plan, _plan_data(form), current_actor(), _int(form.version.data))
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Plan saved.", "success")
            return redirect(url_for("plans.detail", plan_id=plan.id))
    return render_template("plans/form.html", form=form, plan=plan, theme_form=ThemeForm(prefix="theme"))


@bp.route("/<int:plan_id>/themes", methods=["POST"])
@admin_required
def add_theme(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    form = ThemeForm(prefix="theme")
    if form.validate_on_submit():
        try:
            with committing():
                service.add_theme(plan, form.number.data, form.title.data, current_actor())
        except DomainError as error:
            show_error(form, error, default_field="number")
        else:
            flash(f"Theme {form.number.data} added.", "success")
            return redirect(url_for("plans.edit", plan_id=plan.id) + "#themes")
    plan_form = PlanForm(obj=plan, forums=_forums())
    plan_form.version.data = plan.version
    return render_template("plans/form.html", form=plan_form, plan=plan, theme_form=form), 400


@bp.route("/<int:plan_id>/themes/<int:theme_id>", methods=["GET", "POST"])
@admin_required
def edit_theme(plan_id: int, theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    if theme.plan_id != plan_id:
        abort(404)
    form = ThemeForm(obj=theme)
    if form.validate_on_submit():
        try:
            with committing():
                service.update_theme(theme, form.number.data, form.title.data, current_actor())
        except DomainError as error:
            show_error(form, error, default_field="number")
        else:
            flash("Theme saved.", "success")
            return redirect(url_for("plans.edit", plan_id=plan_id) + "#themes")
    return render_template("plans/theme_form.html", form=form, theme=theme)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _download(content: bytes, filename: str, extension: str) -> Response:
    return Response(content, mimetype=MIME_TYPES[extension],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _summary_items(problems: list) -> list[tuple[str, str]]:
    items = [("#problems", problem.describe(with_file=False)) for problem in problems[:SUMMARY_PROBLEMS]]
    if len(problems) > SUMMARY_PROBLEMS:
        items.append(("#problems", f"and {len(problems) - SUMMARY_PROBLEMS} more problems: "
                                   "see the table of problems below"))
    return items


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def import_plan():
    """Read the file; a file with something guessed or not kept goes to the preview first."""
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        upload = form.file.data
        content, name = upload.stream.read(), file_reader.clean_filename(upload.filename)
        try:
            read = file_reader.read_plan(content, name, unpack=uploads.unpack_limits())
            preview = importer.preview_plan(read)
            if preview.warnings:
                token = uploads.save(PLAN_FILE, content, {"name": name, "year": form.year.data, "title": form.title.data or ""},
                                     current_user.id)
                return redirect(url_for("plans.import_preview", token=token))
            with committing():
                result = importer.import_plan(read, year=form.year.data, title=form.title.data,
                                              actor=current_actor(), filename=name)
        except DomainError as error:
            form.file.errors.append(str(error))
            problems = getattr(error, "problems", [])
        else:
            flash(result.summary(), "success")
            return redirect(url_for("plans.detail", plan_id=result.plan.id))
    status = 400 if form.is_submitted() else 200
    return render_template("plans/import.html", form=form, problems=problems,
                           summary_items=_summary_items(problems)), status


@bp.route("/import/<token>", methods=["GET", "POST"])
@admin_required
def import_preview(token: str):
    """Every action of the uploaded file and every guess or loss, before "Create plan"."""
    stored = uploads.load(PLAN_FILE, token, current_user.id)
    if stored is None:
        flash("That upload has expired or has already been imported. Upload the file again.", "info")
        return redirect(url_for("plans.import_plan"))
    content, details = stored
    form = ImportConfirmForm() if request.method == "POST" else ImportConfirmForm(
        formdata=None, year=details.get("year", ""), title=details.get("title", ""))
    try:
        read = file_reader.read_plan(content, details["name"], unpack=uploads.unpack_limits())
    except DomainError as error:
        uploads.remove(PLAN_FILE, token, current_user.id)
        flash(str(error), "info")
        return redirect(url_for("plans.import_plan"))
    if form.validate_on_submit():
        try:
            with committing():
                result = importer.import_plan(read, year=form.year.data, title=form.title.data,
                                              actor=current_actor(), filename=details["name"])
        except DomainError as error:
            show_error(form, error, default_field="year")
        else:
            uploads.remove(PLAN_FILE, token, current_user.id)
            flash(result.summary(), "success")
            return redirect(url_for("plans.detail", plan_id=result.plan.id))
    status = 400 if form.is_submitted() else 200
    return render_template("plans/import_preview.html", form=form, preview=importer.preview_plan(read),
                           name=details["name"], token=token), status


@bp.route("/import/template.csv")
@admin_required
def import_template():
    return _download(file_writer.template_csv(), "wres-plan-template.csv", "csv")


@bp.route("/<int:plan_id>/export.<any(csv, xlsx):format>")
@login_required
def export(plan_id: int, format: str):
    """The plan page's actions as CSV or Excel: those its filters match (every page), in its order."""
    plan = db.get_or_404(Plan, plan_id)
    form, _choice, _args = _filter_form(plan)
    ids = list(matching_versions(plan, filters_of(form), clock.today()))
    labels = filter_labels(form)
    note = "Filtered: " + "; ".join([f"{what} {value}" for what, value in labels]
                                    + [f"{len(ids)} of {action_count(plan)} actions"]) if labels else None
    return _download(importer.export_file(ids, format, note),
                     file_writer.export_filename(plan.year, format, [f"{w} {v}" for w, v in labels]), format)


@dataclass
class _RolloverTable:
    """What the rollover page shows around its form: the rows with their actions, the actions
    already carried, why a new plan cannot be made, and the error summary's links."""

    rows: list = field(default_factory=list)
    carried: list = field(default_factory=list)
    new_refusal: str | None = None
    #: The year of each target choice, to read the typed by-whens as the chosen plan will.
    target_years: dict[str, str] = field(default_factory=dict)
    summary: list[tuple[str, str]] = field(default_factory=list)


def _rollover_page(plan: Plan, form: RolloverForm | None, table: _RolloverTable | None = None, status: int = 200,
                   problem: str | None = None):
    return render_template("plans/rollover.html", plan=plan, form=form, problem=problem, table=table,
                           next_year=rollover.next_year(plan.year)), status


def _rollover_targets(plan: Plan, table: _RolloverTable) -> tuple[list, list]:
    """The draft plans the actions can go to, and the target choices (none when next year's plan is not a draft)."""
    drafts = rollover.draft_targets(plan)
    table.new_refusal = rollover.new_plan_refusal(plan)
    table.target_years = {NEW_PLAN: rollover.next_year(plan.year)} | {str(d.id): d.year for d, _count in drafts}
    targets = [] if table.new_refusal else [
        (NEW_PLAN, f"A new draft plan for {rollover.next_year(plan.year)}, with this plan's themes")]
    targets += [(str(draft.id), f"{draft.year}: {draft.title} (draft, {count} action{'' if count == 1 else 's'})")
                for draft, count in drafts]
    return drafts, targets


def _rollover_form(plan: Plan, actions: list, drafts: list, targets: list) -> RolloverForm:
    """The form with its target choices and forums; on GET, a ticked-by-default row per action not carried yet."""
    forums = db.session.scalars(select(Forum).order_by(Forum.name)).all()
    if request.method == "POST":
        return RolloverForm(targets=targets, forums=forums)
    default = rollover.default_target(plan, [draft for draft, _count in drafts])
    rows = [(rollover.suggested_row(action), rollover.carried_by_default(action))
            for action in actions if rollover.live_copy(action) is None]
    return RolloverForm(data={"target": str(default.id) if default else targets[0][0] if targets else None,
                              "rows": [{"action_id": row.action_id, "carry": ticked, "by_when": row.by_when,
                                        "owners": row.owners, "forums": row.forum_ids} for row, ticked in rows]},
                        targets=targets, forums=forums)


def _rollover_rows(plan: Plan, form: RolloverForm, actions: dict, table: _RolloverTable) -> None:
    """Each row with its action and a note on its by-when (read with the chosen plan's year)."""
    year = table.target_years.get(form.target.data or "", rollover.next_year(plan.year))
    today = clock.today()
    table.rows = [(row, actions[row.action_id.data], rollover.by_when_note(row.by_when.data or "", year, today))
                  for row in form.rows if row.action_id.data in actions]
    table.carried = [(action, rollover.live_copy(action)) for action in actions.values() if rollover.live_copy(action)]


def _rollover_problems(form: RolloverForm, table: _RolloverTable, error: DomainError) -> None:
    """Each refusal against its row's field (or the plan choice), and in the error summary."""
    problems = getattr(error, "problems", None) or [rollover.Problem(None, error.field or "target", str(error))]
    rows = {row.action_id.data: row for row in form.rows}
    for problem in problems:
        row = rows.get(problem.action_id)
        if problem.action_id is None and problem.field in ("target", "by_when_all"):
            form[problem.field].errors = [*form[problem.field].errors, problem.message]
        elif row is None:
            table.summary.append(("#rollover-table", problem.message))
        else:
            row[problem.field].errors = [*row[problem.field].errors, problem.message]
            anchor = row[problem.field].id + ("-0" if problem.field == "forums" else "")
            table.summary.append((f"#{anchor}", problem.message))


@bp.route("/<int:plan_id>/rollover", methods=["GET", "POST"], endpoint="rollover")
@admin_required
def rollover_plan(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    try:
        rollover.check_can_roll_over(plan)
    except rollover.RolloverError as error:
        return _rollover_page(plan, None, status=400 if request.method == "POST" else 200, problem=str(error))
    table = _RolloverTable()
    drafts, targets = _rollover_targets(plan, table)
    if not targets:  # no draft plan, and next year's plan is not a draft
        return _rollover_page(plan, None, status=400 if request.method == "POST" else 200, problem=table.new_refusal)
    actions = {action.id: action for action in rollover.plan_actions(plan, for_table=True)}
    form = _rollover_form(plan, list(actions.values()), drafts, targets)
    if form.validate_on_submit():
        form.fill_by_when({action_id: rollover.suggested_by_when(a).text for action_id, a in actions.items()})
        if form.fill.data:  # only fill the rows in, to check them before rolling over
            form.by_when_all.data = ""
            _rollover_rows(plan, form, actions, table)
            return _rollover_page(plan, form, table)
        rows = [rollover.CarryRow(row.action_id.data, row.by_when.data or "", row.owners.data or "",
                                  row.forums.data or []) for row in form.rows if row.carry.data]
        try:
            with committing():
                result = rollover.roll_over(plan, rows, current_actor(), form.target_id())
        except DomainError as error:
            _rollover_problems(form, table, error)
        else:
            flash(result.summary(), "success")
            return redirect(url_for("plans.rollover_result", plan_id=plan.id))
    _rollover_rows(plan, form, actions, table)
    return _rollover_page(plan, form, table, 400 if form.is_submitted() else 200)


@bp.route("/<int:plan_id>/rollover/result")
@admin_required
def rollover_result(plan_id: int):
    return _rollover_result_page(db.get_or_404(Plan, plan_id), ButtonForm())


def _rollover_result_page(plan: Plan, form: ButtonForm, status: int = 200):
    carried = [(a, copy) for a in rollover.plan_actions(plan) for copy in a.carried_to]
    return render_template("plans/rollover_result.html", plan=plan, carried=carried, form=form), status


@bp.route("/<int:plan_id>/close", methods=["POST"])
@admin_required
def close_plan(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            with committing():
                rollover.close_plan(plan, current_actor())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"The {plan.year} plan is closed.", "success")
            return redirect(url_for("plans.detail", plan_id=plan.id))
    return _rollover_result_page(plan, form, 400)


def _confirmed(plan: Plan, kind: str, change, done, to: str, context=dict):
    """The confirmation page of `kind` on GET; on POST, `change` in one transaction, then `done`'s
    message and a redirect to `to`. A refusal shows on the page again, with nothing changed;
    `context()` gives the page anything more it shows."""
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            with committing():
                result = change(plan, current_actor())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(done(result), "success")
            return redirect(to)
    return render_template("plans/confirm.html", plan=plan, kind=kind, form=form, actions=action_count(plan),
                           **context()), 400 if form.is_submitted() else 200


@bp.route("/<int:plan_id>/archive", methods=["GET", "POST"])
@admin_required
def archive(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    return _confirmed(plan, "archive", service.archive_plan, lambda archived: (
        f"The {archived.year} plan is archived. It is listed under Show archived plans, where you can open and "
        "restore it."), url_for("plans.index"))


@bp.route("/<int:plan_id>/restore", methods=["GET", "POST"])
@admin_required
def restore(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    return _confirmed(plan, "restore", service.restore_plan, lambda restored: (
        f"The {restored.year} plan is restored: it is listed, reviewed and reminded of again."),
        url_for("plans.detail", plan_id=plan.id))


@bp.route("/<int:plan_id>/delete", methods=["GET", "POST"])
@admin_required
def delete(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    return _confirmed(plan, "delete", service.delete_plan, lambda deleted: (
        f"The {deleted.year} draft plan {deleted.title} and its {deleted.actions} "
        f"action{'' if deleted.actions == 1 else 's'} were deleted."), url_for("plans.index"),
        context=lambda: {"blockers": service.deletion_blockers(plan), "themes": len(plan.themes)})
