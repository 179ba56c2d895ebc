"""Forums, their members and meeting dates."""
from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("governance", __name__, url_prefix="/forums")


@bp.route("/")
@login_required
def forums():
    return render_template("governance/forums.html")
