"""Every route, checked from the URL map: sign-in required, roles enforced, CSRF on every POST.

New routes are covered automatically; a route that anyone signed in may use is listed in
SIGNED_IN_MAY_POST with the reason.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from werkzeug.routing import Rule

from tracker import create_app
from tracker.extensions import db

#: Routes that need no sign-in at all.
PUBLIC = {"auth.sign_in", "auth.set_password", "static", "nhsuk_assets", "reminders.calendar_feed", "dashboards.health",
          *("auth.sign_in_oidc", "auth.sign_in_oidc_callback")}
#: Single sign-on starts and ends before anyone is signed in: GET only, 404 unless SSO is configured
#: (tests/auth/test_single_sign_on.py covers them with SSO on).
SSO_ROUTES = {"auth.sign_in_oidc": "/sign-in/oidc", "auth.sign_in_oidc_callback": "/sign-in/oidc/callback"}
#: POST routes any signed-in user may use, whatever their role.
SIGNED_IN_MAY_POST = {
    "auth.sign_out": "everyone may sign out",
    "auth.sign_out_other_sessions": "everyone may end their own sessions on other devices",
    "reminders.preferences": "everyone chooses how they get their own reminders",
    "reminders.create_calendar_link": "everyone manages their own calendar link",
    "reminders.revoke_calendar_link": "everyone manages their own calendar link",
}
#: POST routes for forum members (reviewers): downloads carry CSRF, reviews change review records only, and a
#: meeting that never had an agenda may have one built from the rules.
REVIEWER_MAY_POST = {"reports.download", "reviews.record_review", "reviews.review_agenda", "reviews.build_agenda",
                     "reviews.refresh_agenda"}
#: POST routes an action's owner may use on their own action.
OWNER_MAY_POST = {"actions.post_update",
                  "evidence.add_files"}  # evidence files added to their own update, the day it was posted


def _rules(app, method: str) -> list[Rule]:
    return sorted((rule for rule in app.url_map.iter_rules() if method in rule.methods and rule.endpoint not in PUBLIC),
                  key=lambda rule: rule.rule)


@pytest.fixture
def world(app, make_user, make_plan, make_action):
    """One of everything a URL can point at."""
    from tracker.governance.service import add_meeting, create_forum

    owner = make_user("owner", name="Owner Person")
    plan = make_plan()
    action = make_action(plan, "1.1", owners=[owner])
    forum = create_forum("Inclusion Council", None)
    meeting = add_meeting(forum, date(2030, 1, 8), None)
    update = _owners_update_today(action, owner)
    db.session.commit()
    return {"plan_id": plan.id, "action_id": action.id, "theme_id": plan.themes[0].id, "forum_id": forum.id,
            "meeting_id": meeting.id, "user_id": owner.id, "year": 2024, "format": "csv",
            "member_id": owner.id, "document": "appendix1", "message_id": 1, "token": "x", "filename": "x",
            "update_id": update.id}


def _owners_update_today(action, owner):
    """A progress update the owner posted today (evidence files may be added to it today)."""
    from tracker import clock
    from tracker.actions.service import UpdateData, post_update
    return post_update(action, UpdateData(status=None, rag=None, narrative="Started", as_at=clock.today()), owner,
                       historical=True)


def _url(rule: Rule, values: dict) -> str:
    url = rule.rule
    for name in rule.arguments:
        value = values.get(name, 1)
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), url)
    return url


def _as(client, user):
    from tests.conftest import PASSWORD
    client.post("/sign-out")
    assert client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_every_page_needs_sign_in(client, world, app):
    for rule in _rules(app, "GET") + _rules(app, "POST"):
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(_url(rule, world), method=method)
        assert response.status_code == 302 and "/sign-in" in response.location, (rule.rule, response.status_code)


def test_viewers_cannot_change_anything(client, world, app, make_user):
    _as(client, make_user("viewer"))
    for rule in _rules(app, "POST"):
        if rule.endpoint in SIGNED_IN_MAY_POST:
            continue
        response = client.post(_url(rule, world), data={})
        assert response.status_code == 403, (rule.rule, response.status_code)


@pytest.mark.parametrize("role", ["owner", "reviewer"])
def test_owners_and_reviewers_cannot_change_other_peoples_actions_or_admin_things(client, world, app, make_user, role):
    _as(client, make_user(role))
    for rule in _rules(app, "POST"):
        if rule.endpoint in SIGNED_IN_MAY_POST or (role == "reviewer" and rule.endpoint in REVIEWER_MAY_POST):
            continue
        response = client.post(_url(rule, world), data={})
        assert response.status_code == 403, (role, rule.rule, response.status_code)


def test_admin_only_pages_refuse_owners_on_get(client, world, app, make_user):
    admin_pages = [rule for rule in _rules(app, "GET")
                   if rule.endpoint.startswith("admin.") or rule.endpoint.endswith((".new", ".edit"))]
    assert admin_pages, "expected admin pages"
    _as(client, make_user("owner"))
    for rule in admin_pages:
        assert client.get(_url(rule, world)).status_code == 403, rule.rule


def test_owner_may_post_only_on_their_own_action(client, world, app, make_user):
    from tracker.auth.models import User
    owner = db.session.get(User, world["user_id"])
    _as(client, owner)
    for rule in _rules(app, "POST"):
        if rule.endpoint in OWNER_MAY_POST:
            response = client.post(_url(rule, world), data={})
            assert response.status_code in (200, 302), rule.rule


def test_every_post_refuses_a_missing_csrf_token(_app, world, make_user):
    from tests.conftest import PASSWORD
    protected = create_app({"SQLALCHEMY_DATABASE_URI": _app.config["SQLALCHEMY_DATABASE_URI"], "WTF_CSRF_ENABLED": True})
    client = protected.test_client()
    admin = make_user("admin")
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/sign-in", data={"email": admin.email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    rules = [rule for rule in protected.url_map.iter_rules() if "POST" in rule.methods and rule.endpoint != "static"]
    assert len(rules) >= 5
    for rule in rules:
        response = client.post(_url(rule, world), data={"anything": "x"})
        assert response.status_code == 400, (rule.rule, response.status_code)
        assert "The form expired or was sent from another page" in response.get_data(as_text=True)


def test_single_sign_on_routes_are_get_only_and_absent_until_configured(client, app):
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules() if rule.endpoint in SSO_ROUTES}
    assert {endpoint: rule.rule for endpoint, rule in rules.items()} == SSO_ROUTES
    assert all("POST" not in rule.methods for rule in rules.values())
    for path in SSO_ROUTES.values():
        assert client.get(path).status_code == 404
