"""The search results page, opened from the box in every signed-in page's header.

Every signed-in user may read every plan, action, progress update, forum and meeting (their pages
ask only for sign-in), so search shows everyone everything it finds.
"""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import login_required

from tracker.request_guards import query_int
from tracker.search.queries import action_for_ref, search
from tracker.search.text import MAX_LENGTH, read_search

bp = Blueprint("search", __name__)


@bp.route("/search")
@login_required
def results():
    search_for = read_search(request.args.get("q"))
    include_archived = request.args.get("archived") == "1"
    if not search_for.empty and query_int("page", 1) == 1:
        action_id = action_for_ref(search_for)
        if action_id is not None:
            return redirect(url_for("actions.detail", action_id=action_id))
    page = search(search_for, include_archived, query_int("page", 1))
    return render_template("search/results.html", search=search_for, page=page, include_archived=include_archived,
                           max_length=MAX_LENGTH)
