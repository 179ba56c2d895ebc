"""Only admins change forums; everyone signed in reads them; anonymous users are sent to sign in."""
from datetime import date

import pytest
from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.governance.models import Forum, Meeting
from tracker.governance.service import add_meeting, add_member

ADMIN_ROUTES = [
    ("GET", "/forums/new"),
    ("POST", "/forums/new"),
    ("GET", "/forums/{forum}/edit"),
    ("POST", "/forums/{forum}/edit"),
    ("POST", "/forums/{forum}/deactivate"),
    ("POST", "/forums/{forum}/reactivate"),
    ("GET", "/forums/{forum}/members"),
    ("POST", "/forums/{forum}/members"),
    ("POST", "/forums/{forum}/members/{member}/remove"),
    ("GET", "/forums/{forum}/meetings"),
    ("POST", "/forums/{forum}/meetings"),
    ("POST", "/forums/{forum}/meetings/{meeting}/remove"),
]
READ_ROUTES = [("GET", "/forums/"), ("GET", "/forums/{forum}")]


@pytest.fixture
def setup(make_forum, make_user):
    forum = make_forum("Inclusion Council")
    member = make_user("reviewer", name="Ama Owusu")
    add_member(forum, member, None)
    meeting = add_meeting(forum, date(2030, 1, 1), None)
    db.session.commit()
    return {"forum": forum.id, "member": member.id, "meeting": meeting.id, "newcomer": make_user("owner").id}


def _post_data(setup) -> dict:
    return {"name": "Renamed", "short_name": "R", "parent": "0", "user": str(setup["newcomer"]),
            "held_on": "2031-02-03", "notes": "x"}


def _state() -> tuple:
    forum = db.session.scalar(select(Forum))
    db.session.refresh(forum)
    return (forum.name, forum.active, [m.id for m in forum.members],
            db.session.scalar(select(func.count()).select_from(Meeting)),
            db.session.scalar(select(func.count()).select_from(Forum)),
            db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.subject_type == "forum")))


@pytest.mark.parametrize("role", ["reviewer", "owner", "viewer"])
@pytest.mark.parametrize("method,url", ADMIN_ROUTES)
def test_non_admins_get_403_and_nothing_changes(client, make_user, sign_in, setup, role, method, url):
    sign_in(make_user(role))
    before = _state()
    response = client.open(url.format(**setup), method=method, data=_post_data(setup) if method == "POST" else None)
    assert response.status_code == 403
    assert "You do not have permission to do this" in response.get_data(as_text=True)
    assert _state() == before


@pytest.mark.parametrize("method,url", ADMIN_ROUTES + READ_ROUTES)
def test_anonymous_users_are_sent_to_sign_in(client, setup, method, url):
    before = _state()
    response = client.open(url.format(**setup), method=method, data=_post_data(setup) if method == "POST" else None)
    assert response.status_code == 302 and response.location.startswith("/sign-in")
    assert _state() == before


@pytest.mark.parametrize("role", ["admin", "reviewer", "owner", "viewer"])
@pytest.mark.parametrize("method,url", READ_ROUTES)
def test_every_role_reads_forums(client, make_user, sign_in, setup, role, method, url):
    response = sign_in(make_user(role)).get(url.format(**setup))
    assert response.status_code == 200 and "Inclusion Council" in response.get_data(as_text=True)


@pytest.mark.parametrize("method,url", [route for route in ADMIN_ROUTES if "{forum}" in route[1]]
                         + [("GET", "/forums/{forum}")])
def test_unknown_forum_is_404_for_admins(admin_client, setup, method, url):
    ids = {**setup, "forum": 9999}
    response = admin_client.open(url.format(**ids), method=method, data=_post_data(setup) if method == "POST" else None)
    assert response.status_code == 404


def test_get_routes_change_nothing(admin_client, setup):
    before = _state()
    for method, url in ADMIN_ROUTES + READ_ROUTES:
        if method == "GET":
            assert admin_client.get(url.format(**setup)).status_code == 200
    assert _state() == before
