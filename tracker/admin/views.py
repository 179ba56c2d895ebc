"""Admin screens: users and organisation settings."""
from flask import Blueprint, render_template

from tracker.auth.access import admin_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@admin_required
def users():
    return render_template("admin/users.html")
