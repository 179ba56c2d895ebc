"""Search fixtures: a signed-in owner and a small plan with words to find."""
from __future__ import annotations

import pytest

from tracker.extensions import db


@pytest.fixture
def post_update(app):
    """Post a progress update on an action as its author (the service, as the update form does)."""
    from tracker.actions.service import UpdateData
    from tracker.actions.service import post_update as post

    def do(action, narrative: str, author):
        update = post(action, UpdateData(status="PROGRESS MADE", rag="green", narrative=narrative), author)
        db.session.commit()
        return update

    return do
