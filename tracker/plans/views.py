"""Plans: the list, a plan's actions with filters, its overview, and editing."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.auth.access import admin_required
from tracker import clock
from tracker.actions.list_rows import requested_page
from tracker.dashboards.service import Filters, plan_actions, plan_overview, plan_people, plan_statuses
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.plans import service
from tracker.plans.forms import FilterForm, PlanForm, ThemeForm
from tracker.plans.models import Plan, Theme

bp = Blueprint("plans", __name__, url_prefix="/plans")


def _forums() -> list:
    """(id, name) of every forum, for the forum choices."""
    return list(db.session.execute(select(Forum.id, Forum.name).order_by(Forum.name)))


def _plan_data(form: PlanForm) -> service.PlanData:
    return service.PlanData(
        year=form.year.data, title=form.title.data, status=form.status.data,
        approved_on=form.approved_on.data,
        approved_by=db.session.get(Forum, form.approved_by.data) if form.approved_by.data else None,
        equality_objectives_key=form.equality_objectives_key.data or "",
        edi_goals_key=form.edi_goals_key.data or "",
    )


@bp.route("/")
@login_required
def index():
    return render_template("plans/index.html", plans=service.list_plans())


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    form = PlanForm(forums=_forums())
    if form.validate_on_submit():
        try:
            plan = service.create_plan(_plan_data(form), current_actor())
        except service.PlanError as error:
            db.session.rollback()
            form.year.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Plan {plan.year} created. Add its themes, then its actions.", "success")
            return redirect(url_for("plans.edit", plan_id=plan.id))
    return render_template("plans/form.html", form=form, plan=None)


@bp.route("/<int:plan_id>")
@login_required
def detail(plan_id: int):
    plan = db.get_or_404(Plan, plan_id, options=[joinedload(Plan.approved_by)])
    form = FilterForm(request.args, owners=plan_people(plan), forums=_forums(), statuses=plan_statuses(plan))
    filters = Filters(
        owner_id=form.owner.data or None,
        indicator=form.indicator.data or None, forum_id=form.forum.data or None,
        rag=form.rag.data or None, status=form.status.data or None,
        overdue=bool(form.overdue.data), sort=form.sort.data or "ref",
    )
    number, size = requested_page(request.args)
    page = plan_actions(plan, filters, clock.today(), page=number, size=size)
    return render_template("plans/detail.html", plan=plan, form=form, page=page, actions=page.actions,
                           today=clock.today())


@bp.route("/<int:plan_id>/overview")
@login_required
def overview(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    return render_template("plans/overview.html", plan=plan, overview=plan_overview(plan, clock.today()), today=clock.today())


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
            service.update_plan(plan, _plan_data(form), current_actor(), _int(form.version.data))
        except service.PlanError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
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
            service.add_theme(plan, form.number.data, form.title.data, current_actor())
        except service.PlanError as error:
            db.session.rollback()
            form.number.errors.append(str(error))
        else:
            db.session.commit()
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
            service.update_theme(theme, form.number.data, form.title.data, current_actor())
        except service.PlanError as error:
            db.session.rollback()
            form.number.errors.append(str(error))
        else:
            db.session.commit()
            flash("Theme saved.", "success")
            return redirect(url_for("plans.edit", plan_id=plan_id) + "#themes")
    return render_template("plans/theme_form.html", form=form, theme=theme)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def current_actor():
    from flask_login import current_user

    return current_user._get_current_object()
