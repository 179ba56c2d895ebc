"""Set-password links made by an admin: shown once, usable once, refused when expired."""
import time

from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from tests.admin.helpers import error_summary, password_link
from tests.conftest import PASSWORD
from tracker.audit.models import AuditEvent
from tracker.auth.service import PASSWORD_LINK_MAX_AGE, password_link_token
from tracker.extensions import db

NEW_PASSWORD = "a-brand-new-password"


def _verbs(user) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.verb).where(
        AuditEvent.subject_type == "user", AuditEvent.subject_id == user.id).order_by(AuditEvent.id)))


def _path(link: str) -> str:
    return link.removeprefix("http://localhost")


def test_reset_link_works_once_and_not_after_the_password_is_set(app, admin_client, admin, make_user):
    owner = make_user("owner", name="Laura Reynolds")
    old_hash = owner.password_hash
    response = admin_client.post(f"/admin/users/{owner.id}/reset-password")
    assert response.status_code == 302 and response.location == f"/admin/users/{owner.id}/password-link"
    page = admin_client.get(response.location).get_data(as_text=True)
    assert "Password reset: Laura Reynolds" in page
    assert "Their current password keeps working until they set the new one." in page
    link = _path(password_link(page))
    db.session.refresh(owner)
    assert owner.password_hash == old_hash and _verbs(owner) == ["created", "password reset"]

    visitor = app.test_client()
    assert visitor.post("/sign-in", data={"email": owner.email, "password": PASSWORD}).status_code == 302
    visitor.post("/sign-out")
    form = visitor.get(link)
    assert form.status_code == 200 and "Set your password" in form.get_data(as_text=True)
    done = visitor.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.location == "/sign-in"
    assert _verbs(owner) == ["created", "password reset", "password set"]

    used = visitor.get(link)
    assert used.status_code == 404
    assert "This link has expired or has already been used" in used.get_data(as_text=True)
    assert visitor.post(link, data={"password": "another-password!", "confirm": "another-password!"}).status_code == 404
    assert visitor.post("/sign-in", data={"email": owner.email, "password": NEW_PASSWORD}).status_code == 302


def test_new_users_link_sets_their_first_password(app, admin_client):
    response = admin_client.post("/admin/users/new", data={"name": "Dev Patel", "email": "dev@example.org",
                                                           "role": "owner"})
    link = _path(password_link(admin_client.get(response.location).get_data(as_text=True)))
    visitor = app.test_client()
    assert visitor.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert visitor.post("/sign-in", data={"email": "dev@example.org", "password": NEW_PASSWORD}).status_code == 302
    assert app.test_client().get(link).status_code == 404


def test_expired_link_is_refused(app, make_user, monkeypatch):
    owner = make_user("owner")
    secret_key = app.config["SECRET_KEY"]
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now - PASSWORD_LINK_MAX_AGE - 60)
    old_link = f"/set-password/{password_link_token(owner, secret_key)}"
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now - PASSWORD_LINK_MAX_AGE + 60)
    recent_link = f"/set-password/{password_link_token(owner, secret_key)}"
    monkeypatch.undo()
    expired = app.test_client().get(old_link)
    assert expired.status_code == 404
    assert "This link has expired or has already been used" in expired.get_data(as_text=True)
    assert app.test_client().get(recent_link).status_code == 200


def test_link_of_a_user_deactivated_since_is_refused(app, admin_client, make_user):
    owner = make_user("owner")
    response = admin_client.post(f"/admin/users/{owner.id}/reset-password")
    link = _path(password_link(admin_client.get(response.location).get_data(as_text=True)))
    admin_client.post(f"/admin/users/{owner.id}/deactivate")
    assert app.test_client().get(link).status_code == 404


def test_reset_needs_an_email_and_an_active_user(admin_client, make_user):
    no_email = make_user("owner", name="Bob Ng", email=None)
    inactive = make_user("owner", name="Eve Owen", active=False)
    first = admin_client.post(f"/admin/users/{no_email.id}/reset-password")
    assert first.status_code == 400
    assert error_summary(first.get_data(as_text=True)) == [
        "Bob Ng has no email address, so cannot sign in. Add their email first"]
    second = admin_client.post(f"/admin/users/{inactive.id}/reset-password")
    assert error_summary(second.get_data(as_text=True)) == [
        "Eve Owen is inactive. Reactivate them before resetting their password"]
    assert _verbs(no_email) == ["created"] and _verbs(inactive) == ["created"]


def test_a_link_is_shown_only_for_the_user_it_was_made_for(admin_client, make_user):
    owner, other = make_user("owner", name="Laura Reynolds"), make_user("owner", name="Dev Patel")
    admin_client.post(f"/admin/users/{owner.id}/reset-password")
    page = admin_client.get(f"/admin/users/{other.id}/password-link").get_data(as_text=True)
    assert "This link is no longer shown" in page and 'id="password-link"' not in page
    assert 'id="password-link"' in admin_client.get(f"/admin/users/{owner.id}/password-link").get_data(as_text=True)
