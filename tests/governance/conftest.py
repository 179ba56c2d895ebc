"""Fixtures for forum tests: forums with members, meetings and actions."""
from __future__ import annotations

import pytest

from tracker.extensions import db


@pytest.fixture
def make_forum(app):
    from tracker.governance.service import create_forum

    def make(name: str = "Inclusion Council", *, short_name: str | None = None, description: str = "",
             parent=None, active: bool = True):
        forum = create_forum(name, None, short_name=short_name, description=description, parent=parent,
                             active=active)
        db.session.commit()
        return forum

    return make


@pytest.fixture
def admin_client(client, make_user, sign_in):
    """The test client signed in as the EDI lead (admin)."""
    sign_in(make_user("admin", name="Admin Lead"))
    return client
