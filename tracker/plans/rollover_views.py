"""Rolling an approved plan over to next year's draft, and closing it afterwards."""
from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from tracker.actions.forms import MultiCheckboxField
from tracker.actions.models import Action
from tracker.actions.service import ActionError
from tracker.auth.access import admin_required
from tracker.extensions import db
from tracker.plans import rollover
from tracker.plans.models import Plan
from tracker.plans.service import PlanError
from tracker.plans.views import bp, current_actor


class ActionChoiceField(MultiCheckboxField):
    """Ticked actions, which must all be this plan's."""

    def pre_validate(self, form) -> None:
        if set(self.data or []) - {value for value, _label in self.choices}:
            raise ValidationError("Choose only actions of this plan: reload the page and choose again")


class RolloverForm(FlaskForm):
    actions = ActionChoiceField("Actions to carry forward", coerce=int)


class ClosePlanForm(FlaskForm):
    """Only a button: closing asks nothing more."""


def _label(action: Action, target_year: str) -> str:
    """'1.3 Develop… (PROGRESS MADE, amber)', noting a copy already in next year's plan."""
    text = action.text if len(action.text) <= 120 else action.text[:117].rstrip() + "…"
    state = ", ".join(part for part in (action.status, action.rag) if part) or "no status"
    copies = [c for c in action.carried_to if c.plan.year == target_year]
    note = f" – already carried forward to {target_year} as {copies[0].ref}" if copies else ""
    return f"{action.ref} {text} ({state}){note}"


def _page(plan: Plan, form: RolloverForm | None, status: int = 200, problem: str | None = None):
    return render_template("plans/rollover.html", plan=plan, form=form, problem=problem,
                           next_year=rollover.next_year(plan.year), target=rollover.target_plan(plan)), status


@bp.route("/<int:plan_id>/rollover", methods=["GET", "POST"], endpoint="rollover")
@admin_required
def rollover_plan(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    try:
        rollover.check_can_roll_over(plan)
    except rollover.RolloverError as error:
        return _page(plan, None, 400 if request.method == "POST" else 200, str(error))
    actions = rollover.plan_actions(plan)
    year = rollover.next_year(plan.year)
    form = RolloverForm()
    form.actions.choices = [(a.id, _label(a, year)) for a in actions]
    if not form.is_submitted():
        form.actions.data = [a.id for a in actions if rollover.carried_by_default(a)
                             and not any(c.plan.year == year for c in a.carried_to)]
    if form.validate_on_submit():
        try:
            result = rollover.roll_over(plan, form.actions.data or [], current_actor())
        except (rollover.RolloverError, PlanError, ActionError) as error:
            db.session.rollback()
            form.actions.errors.append(str(error))
        else:
            db.session.commit()
            flash(result.summary(), "success")
            return redirect(url_for("plans.rollover_result", plan_id=plan.id))
    return _page(plan, form, 400 if form.is_submitted() else 200)


@bp.route("/<int:plan_id>/rollover/result")
@admin_required
def rollover_result(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    return _result_page(plan, ClosePlanForm())


def _result_page(plan: Plan, form: ClosePlanForm, status: int = 200):
    carried = [(a, copy) for a in rollover.plan_actions(plan) for copy in a.carried_to]
    return render_template("plans/rollover_result.html", plan=plan, carried=carried, form=form), status


@bp.route("/<int:plan_id>/close", methods=["POST"])
@admin_required
def close_plan(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    form = ClosePlanForm()
    if form.validate_on_submit():
        try:
            rollover.close_plan(plan, current_actor())
        except rollover.RolloverError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(f"The {plan.year} plan is closed.", "success")
            return redirect(url_for("plans.detail", plan_id=plan.id))
    return _result_page(plan, form, 400)
