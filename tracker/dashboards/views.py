"""Home pages: owners land on their own actions; everyone else on the current plan's overview."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from tracker import clock
from tracker.auth.models import Role
from tracker.dashboards.queries import current_plans, landing_plan, my_actions
from tracker.extensions import db

bp = Blueprint("dashboards", __name__)


@bp.route("/")
@login_required
def home():
    """Owners see their actions here; admins, reviewers and viewers go to the current plan's overview
    (the plans list when several plans are current, or none)."""
    if current_user.role == Role.OWNER:
        return my_actions_page()
    plan = landing_plan(current_plans())
    return redirect(url_for("plans.overview", plan_id=plan.id) if plan else url_for("plans.index"))


@bp.route("/my-actions")
@login_required
def my_actions_page():
    return render_template("dashboards/my_actions.html", groups=my_actions(current_user, clock.today()),
                           current_plans=current_plans())


@bp.route("/healthz")
def health():
    """For load balancers and monitoring: 200 "ok" when the database answers (else the 503 page)."""
    db.session.execute(text("SELECT 1"))
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
