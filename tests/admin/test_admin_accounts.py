"""Deactivating and reactivating users, and the protections that keep an admin able to sign in."""
import pytest
from sqlalchemy import select

from tests.admin.helpers import error_summary, user_rows
from tests.conftest import PASSWORD
from tracker.audit.models import AuditEvent
from tracker.auth import service
from tracker.auth.models import User
from tracker.extensions import db

LOCK_OUT = "so the trust always has an admin who can sign in"


def _last_event(user: User) -> tuple[str, dict, int | None]:
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "user",
                                                        AuditEvent.subject_id == user.id)
                               .order_by(AuditEvent.id.desc())).first()
    return event.verb, event.changes, event.actor_id


def test_deactivated_user_cannot_sign_in_but_keeps_their_actions(app, admin_client, admin, make_user, make_action):
    owner = make_user("owner", name="Laura Reynolds")
    action = make_action(owners=[owner])
    response = admin_client.post(f"/admin/users/{owner.id}/deactivate")
    assert response.status_code == 302 and response.location == f"/admin/users/{owner.id}"
    db.session.refresh(owner)
    assert owner.active is False
    assert _last_event(owner) == ("deactivated", {"active": [True, False]}, admin.id)
    page = admin_client.get(response.location).get_data(as_text=True)
    assert "Laura Reynolds is now inactive and cannot sign in. Their actions are kept." in page
    assert "Reactivate Laura Reynolds" in page and "Deactivate Laura Reynolds" not in page
    assert "No: the account is inactive" in page and "Reset password" not in page
    assert ["Laura Reynolds", "", owner.email, "Owner", "Inactive", "1"] in user_rows(
        admin_client.get("/admin/users").get_data(as_text=True))
    db.session.refresh(action)
    assert [person.id for person in action.owners] == [owner.id]

    other = app.test_client()
    attempt = other.post("/sign-in", data={"email": owner.email, "password": PASSWORD})
    assert attempt.status_code == 200
    assert "Email address or password is not right" in attempt.get_data(as_text=True)
    assert other.get("/my-actions").status_code == 302


def test_reactivated_user_can_sign_in_again(app, admin_client, admin, make_user):
    owner = make_user("owner", name="Laura Reynolds", active=False)
    response = admin_client.post(f"/admin/users/{owner.id}/reactivate", follow_redirects=True)
    assert "Laura Reynolds is active again and can sign in." in response.get_data(as_text=True)
    db.session.refresh(owner)
    assert owner.active is True
    assert _last_event(owner) == ("reactivated", {"active": [False, True]}, admin.id)
    other = app.test_client()
    assert other.post("/sign-in", data={"email": owner.email, "password": PASSWORD}).status_code == 302


def test_an_admin_cannot_deactivate_themselves(admin_client, admin, make_user):
    make_user("admin", name="Second Admin")
    response = admin_client.post(f"/admin/users/{admin.id}/deactivate")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_summary(page) == [f"You cannot deactivate your own account. Ask another admin to do it, {LOCK_OUT}"]
    db.session.refresh(admin)
    assert admin.active is True and _last_event(admin)[0] == "created"


def test_an_admin_cannot_remove_their_own_admin_role(admin_client, admin, make_user):
    make_user("admin", name="Second Admin")
    response = admin_client.post(f"/admin/users/{admin.id}", data={
        "name": admin.name, "email": admin.email, "job_title": "EDI Lead", "role": "owner"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'href="#role"' in page
    assert error_summary(page) == [f"You cannot remove your own admin role. Ask another admin to do it, {LOCK_OUT}"]
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_an_admin_may_still_change_their_own_name(admin_client, admin):
    response = admin_client.post(f"/admin/users/{admin.id}", data={
        "name": "Zara Ahmed-Khan", "email": admin.email, "job_title": "EDI Lead", "role": "admin"})
    assert response.status_code == 302
    db.session.refresh(admin)
    assert (admin.name, admin.role) == ("Zara Ahmed-Khan", "admin")


def test_another_admin_can_be_demoted_and_deactivated(admin_client, make_user):
    second = make_user("admin", name="Second Admin")
    assert admin_client.post(f"/admin/users/{second.id}", data={
        "name": "Second Admin", "email": second.email, "role": "reviewer"}).status_code == 302
    assert admin_client.post(f"/admin/users/{second.id}/deactivate").status_code == 302
    db.session.refresh(second)
    assert (second.role, second.active) == ("reviewer", False)


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(app, make_user):
    only = make_user("admin", name="Only Admin")
    make_user("admin", name="Former Admin", active=False)
    with pytest.raises(service.UserError, match=f"Only Admin is the only active admin. Make someone else "
                                                     f"an admin first, {LOCK_OUT}"):
        service.update_user(only, service.UserData(name="Only Admin", email=only.email, role="owner"), actor=None)
    with pytest.raises(service.UserError, match="Only Admin is the only active admin"):
        service.deactivate_user(only, actor=None)
    db.session.rollback()
    db.session.refresh(only)
    assert (only.role, only.active) == ("admin", True)


def test_the_last_admin_rule_counts_only_active_admins(app, make_user):
    first = make_user("admin", name="First Admin")
    second = make_user("admin", name="Second Admin")
    service.deactivate_user(second, actor=first)
    with pytest.raises(service.UserError, match="First Admin is the only active admin"):
        service.update_user(first, service.UserData(name="First Admin", email=first.email, role="viewer"), actor=None)
    service.reactivate_user(second, actor=first)
    service.update_user(first, service.UserData(name="First Admin", email=first.email, role="viewer"), actor=second)
    assert (first.role, second.role, second.active) == ("viewer", "admin", True)


def test_user_page_lists_recent_audit_events(admin_client, admin, make_user):
    owner = make_user("owner", name="Laura Reynolds")
    admin_client.post(f"/admin/users/{owner.id}/deactivate")
    admin_client.post(f"/admin/users/{owner.id}/reactivate")
    page = admin_client.get(f"/admin/users/{owner.id}").get_data(as_text=True)
    history = page[page.index('<h2 id="history">'):]
    assert history.index("Reactivated") < history.index("Deactivated") < history.index("Created")
    assert "<strong>active</strong>: Yes → No" in history and "Zara Ahmed" in history


def test_deactivating_ends_a_session_already_open(app, admin_client, make_user):
    owner = make_user("owner", name="Laura Reynolds")
    theirs = app.test_client()
    assert theirs.post("/sign-in", data={"email": owner.email, "password": PASSWORD}).status_code == 302
    assert theirs.get("/my-actions").status_code == 200
    admin_client.post(f"/admin/users/{owner.id}/deactivate")
    response = theirs.get("/my-actions")
    assert response.status_code == 302 and response.location.startswith("/sign-in")
