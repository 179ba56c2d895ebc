"""Adding and editing users: stored values, validation, duplicate emails and the audit trail."""
from sqlalchemy import func, select

from tests.admin.helpers import error_summary, password_link
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.extensions import db


def _user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def _events(user: User) -> list[tuple[str, dict, int | None]]:
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "user",
                                                       AuditEvent.subject_id == user.id).order_by(AuditEvent.id))
    return [(event.verb, event.changes, event.actor_id) for event in rows]


def test_new_user_form_offers_four_roles_with_hints(admin_client):
    page = admin_client.get("/admin/users/new").get_data(as_text=True)
    assert "<h1>Add a user</h1>" in page
    for label, hint in [
        ("Admin (EDI lead)", "The EDI lead: everything, including users and settings"),
        ("Reviewer (forum member)", "A forum member: reads everything and records the forum&#39;s reviewed RAG rating"),
        ("Action owner", "Updates the actions they own or co-lead"),
        ("Viewer (read only)", "Read only"),
    ]:
        assert label in page and hint in page
    assert 'value="owner" checked' in page


def test_adding_a_user_with_email_shows_a_one_time_set_password_link(admin_client, admin):
    response = admin_client.post("/admin/users/new", data={
        "name": "  Laura   Reynolds ", "email": " Laura.Reynolds@Example.org ", "job_title": "Director of People",
        "role": "reviewer"})
    user = db.session.scalar(select(User).where(User.name == "Laura Reynolds"))
    assert response.status_code == 302 and response.location == f"/admin/users/{user.id}/password-link"
    assert (user.email, user.job_title, user.role, user.active, user.password_hash) == (
        "laura.reynolds@example.org", "Director of People", "reviewer", True, None)
    assert _events(user) == [("created", {"email": [None, "laura.reynolds@example.org"], "role": [None, "reviewer"],
                                          "name": [None, "Laura Reynolds"]}, admin.id)]
    page = admin_client.get(response.location).get_data(as_text=True)
    assert "User added: Laura Reynolds" in page
    assert password_link(page).startswith("http://localhost/set-password/")
    assert "The tracker does not send emails yet" in page and "email it to Laura Reynolds yourself" in page
    assert "The link works once and expires in 3 days." in page
    again = admin_client.get(response.location).get_data(as_text=True)
    assert "This link is no longer shown" in again and 'id="password-link"' not in again


def test_adding_a_user_without_email_says_they_cannot_sign_in(admin_client):
    response = admin_client.post("/admin/users/new", data={"name": "Bob Ng", "email": "", "job_title": "",
                                                           "role": "owner"}, follow_redirects=True)
    user = db.session.scalar(select(User).where(User.name == "Bob Ng"))
    assert (user.email, user.job_title, user.role) == (None, None, "owner")
    page = response.get_data(as_text=True)
    assert response.request.path == f"/admin/users/{user.id}"
    assert "Bob Ng added. They have no email address, so they cannot sign in." in page
    assert "No: there is no email address" in page and "Reset password" not in page


def test_invalid_new_user_shows_every_error_and_stores_nothing(admin_client):
    before = _user_count(), db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = admin_client.post("/admin/users/new", data={"name": "  ", "email": "not-an-email", "role": "boss"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_summary(page) == ["Enter the person's name",
                                   "Enter an email address in the correct format, like name@nhs.net",
                                   "Choose the person's role"]
    assert "<title>Error: Add a user" in page and 'href="#email"' in page
    assert (_user_count(), db.session.scalar(select(func.count()).select_from(AuditEvent))) == before


def test_missing_role_is_an_error(admin_client):
    page = admin_client.post("/admin/users/new", data={"name": "Bob Ng"}).get_data(as_text=True)
    assert error_summary(page) == ["Choose the person's role"]


def test_duplicate_email_is_refused_when_adding(admin_client, make_user):
    make_user("owner", email="laura@example.org")
    before = _user_count()
    response = admin_client.post("/admin/users/new", data={"name": "Laura R", "email": "LAURA@example.org",
                                                           "role": "owner"})
    assert response.status_code == 200
    assert error_summary(response.get_data(as_text=True)) == ["A user with the email laura@example.org already exists"]
    assert _user_count() == before


def test_editing_a_user_stores_the_change_and_audits_before_and_after(admin_client, admin, make_user):
    user = make_user("owner", name="Laura Reynolds", email="laura@example.org", job_title="Head of HR")
    page = admin_client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "<h1>Laura Reynolds</h1>" in page and 'value="laura@example.org"' in page and 'value="owner" checked' in page
    response = admin_client.post(f"/admin/users/{user.id}", data={
        "name": "Laura Reynolds-Smith", "email": "LRS@example.org", "job_title": "Director of People",
        "role": "reviewer"})
    assert response.status_code == 302 and response.location == f"/admin/users/{user.id}"
    db.session.refresh(user)
    assert (user.name, user.email, user.job_title, user.role) == (
        "Laura Reynolds-Smith", "lrs@example.org", "Director of People", "reviewer")
    assert _events(user)[-1] == ("updated", {
        "email": ["laura@example.org", "lrs@example.org"], "job_title": ["Head of HR", "Director of People"],
        "name": ["Laura Reynolds", "Laura Reynolds-Smith"], "role": ["owner", "reviewer"]}, admin.id)
    page = admin_client.get(response.location).get_data(as_text=True)
    assert "Laura Reynolds-Smith&#39;s details saved." in page
    assert "Recent changes" in page and "<strong>job title</strong>: Head of HR → Director of People" in page


def test_saving_without_changes_records_nothing(admin_client, make_user):
    user = make_user("owner", name="Bob Ng", email="bob@example.org")
    response = admin_client.post(f"/admin/users/{user.id}", data={"name": "Bob Ng", "email": "bob@example.org",
                                                                 "role": "owner"}, follow_redirects=True)
    assert "Nothing was changed." in response.get_data(as_text=True)
    assert [verb for verb, _, _ in _events(user)] == ["created"]


def test_changing_email_to_one_in_use_is_refused(admin_client, make_user):
    make_user("owner", email="taken@example.org")
    user = make_user("owner", name="Bob Ng", email="bob@example.org")
    response = admin_client.post(f"/admin/users/{user.id}", data={"name": "Bob Ng", "email": "Taken@example.org",
                                                                 "role": "owner"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error: Bob Ng" in page
    assert error_summary(page) == ["A user with the email taken@example.org already exists"]
    db.session.refresh(user)
    assert user.email == "bob@example.org"


def test_invalid_edit_stores_nothing(admin_client, make_user):
    user = make_user("owner", name="Bob Ng", email="bob@example.org")
    response = admin_client.post(f"/admin/users/{user.id}", data={"name": "", "email": "bob@", "role": "viewer"})
    assert error_summary(response.get_data(as_text=True)) == [
        "Enter the person's name", "Enter an email address in the correct format, like name@nhs.net"]
    db.session.refresh(user)
    assert (user.name, user.email, user.role) == ("Bob Ng", "bob@example.org", "owner")


def test_unknown_user_is_not_found(admin_client):
    assert admin_client.get("/admin/users/99999").status_code == 404
    assert admin_client.post("/admin/users/99999/deactivate").status_code == 404
