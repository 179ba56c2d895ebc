"""Home pages: owners land on their own actions; everyone else on the current plan's overview."""
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from tracker import clock
from tracker.auth.models import Role
from tracker.dashboards import queries
from tracker.dashboards.action_rows import action_rows
from tracker.dashboards.queries import current_plans, landing_plan, my_actions
from tracker.extensions import db
from tracker.plans import file_writer, importer
from tracker.request_guards import query_int

bp = Blueprint("dashboards", __name__)
bp.add_app_template_global(action_rows, "my_action_rows")


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
    """Each group's count and first actions; ?group=overdue&page=2: every action of one group, a page at a time."""
    key = request.args.get("group")
    if key is None:
        shown = queries.my_actions_page(current_user, clock.today())
    elif key in queries.GROUP_KEYS:
        shown = queries.my_group_page(current_user, clock.today(), key, query_int("page", 1))
    else:
        abort(404)
    plans = current_plans()
    return render_template("dashboards/my_actions.html", shown=shown, current_plans=plans,
                           plan_labels={plan.id: plan.label for plan in plans}, group_limit=queries.GROUP_LIMIT)


@bp.route("/my-actions/export.<any(csv, xlsx):format>")
@login_required
def my_actions_export(format: str):
    """The signed-in user's actions as My actions shows them, group by group, as CSV or Excel."""
    groups = my_actions(current_user, clock.today())
    ids = [row.id for rows in (groups.overdue, groups.due_soon, groups.stale, groups.other_open, groups.closed)
           for row in rows]
    note = f"My actions: {current_user.name}; {len(ids)} actions in current plans"
    name = file_writer.safe_filename(("wres-my-actions", current_user.name), format)
    return Response(importer.export_file(ids, format, note), mimetype=file_writer.MIME_TYPES[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/healthz")
def health():
    """For load balancers and monitoring: 200 "ok" when the database answers (else the 503 page)."""
    db.session.execute(text("SELECT 1"))
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
