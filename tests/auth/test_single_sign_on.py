"""Single sign-on through a real OpenID provider on 127.0.0.1: every token check, the user rules, audit."""
from __future__ import annotations

from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.extensions import db


def _events(verb_start: str = "") -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.verb.startswith(verb_start))
                                   .order_by(AuditEvent.id)))


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_an_existing_user_signs_in_and_their_nhs_account_is_stored(sso_client, sso_sign_in, make_user):
    user = make_user("owner", name="Laura Reynolds", email="laura.reynolds@nhs.net")
    response = sso_sign_in(sso_client, "laura.reynolds@nhs.net", sub="abc-123")
    assert response.status_code == 302 and response.location == "/"
    page = sso_client.get("/").get_data(as_text=True)
    assert "My actions" in page and "Laura Reynolds (owner)" in page
    assert db.session.get(User, user.id).sso_subject == "sub:abc-123"
    [event] = _events("signed in")
    assert (event.verb, event.actor_id, event.subject_id) == ("signed in (NHS account)", user.id, user.id)
    assert event.changes == {"sso_subject": [None, "sub:abc-123"]}
