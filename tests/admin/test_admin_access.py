"""Only the EDI lead (admin) may use the admin screens; everyone else gets 403, visitors sign in."""
import pytest
from sqlalchemy import func, select

from tracker.admin.service import organisation_settings
from tracker.audit.models import AuditEvent
from tracker.extensions import db

GET_ROUTES = ["/admin/users", "/admin/users/new", "/admin/users/{id}", "/admin/users/{id}/password-link",
              "/admin/settings"]
POST_ROUTES = [
    ("/admin/users/new", {"name": "Intruder", "email": "intruder@example.org", "role": "admin"}),
    ("/admin/users/{id}", {"name": "Renamed", "email": "renamed@example.org", "role": "admin"}),
    ("/admin/users/{id}/deactivate", {}),
    ("/admin/users/{id}/reactivate", {}),
    ("/admin/users/{id}/reset-password", {}),
    ("/admin/settings", {"trust_name": "Hacked Trust", "bme_label": "Hacked"}),
]


def _state(target) -> tuple:
    db.session.expire_all()
    settings = organisation_settings()
    return (target.name, target.email, target.role, target.active, settings.trust_name, settings.bme_label,
            db.session.scalar(select(func.count()).select_from(AuditEvent)))


@pytest.mark.parametrize("role", ["reviewer", "owner", "viewer"])
def test_non_admins_get_403_on_every_admin_page_and_change_nothing(client, make_user, sign_in, role):
    target = make_user("owner", name="Target Person", email="target@example.org")
    organisation_settings()
    db.session.commit()
    sign_in(make_user(role))
    before = _state(target)
    for path in GET_ROUTES:
        response = client.get(path.format(id=target.id))
        assert response.status_code == 403, path
        assert "You do not have permission to do this" in response.get_data(as_text=True)
    for path, data in POST_ROUTES:
        assert client.post(path.format(id=target.id), data=data).status_code == 403, path
    assert _state(target) == before
    assert 'href="/admin/users"' not in client.get("/my-actions").get_data(as_text=True)


def test_visitors_are_sent_to_sign_in(client, make_user):
    target = make_user("owner")
    before = _state(target)
    for path in GET_ROUTES:
        response = client.get(path.format(id=target.id))
        assert response.status_code == 302 and response.location.startswith("/sign-in?next=%2Fadmin%2F"), path
    for path, data in POST_ROUTES:
        response = client.post(path.format(id=target.id), data=data)
        assert response.status_code == 302 and response.location.startswith("/sign-in?next="), path
    assert _state(target) == before


def test_state_changing_routes_refuse_get(admin_client, make_user):
    target = make_user("owner")
    for path in ("/admin/users/{id}/deactivate", "/admin/users/{id}/reactivate", "/admin/users/{id}/reset-password"):
        assert admin_client.get(path.format(id=target.id)).status_code == 405
    db.session.refresh(target)
    assert target.active is True


def test_admins_see_the_admin_link_in_the_header(admin_client):
    assert 'href="/admin/users"' in admin_client.get("/plans/").get_data(as_text=True)
