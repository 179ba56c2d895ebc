"""Home page: the signed-in person's own actions."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import text

from tracker import clock
from tracker.dashboards.queries import my_actions
from tracker.extensions import db

bp = Blueprint("dashboards", __name__)


@bp.route("/")
@login_required
def home():
    return render_template("dashboards/my_actions.html", groups=my_actions(current_user, clock.today()))


@bp.route("/healthz")
def health():
    """For load balancers and monitoring: 200 "ok" when the database answers (else the 503 page)."""
    db.session.execute(text("SELECT 1"))
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
