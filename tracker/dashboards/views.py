"""Home page: the signed-in person's own actions."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from tracker import clock
from tracker.dashboards.service import my_actions

bp = Blueprint("dashboards", __name__)


@bp.route("/")
@login_required
def home():
    return render_template("dashboards/my_actions.html", groups=my_actions(current_user, clock.today()))
