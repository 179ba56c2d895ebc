"""Owners see the forum's comment: on the action's page (partial) and in their next reminder."""
from __future__ import annotations

from datetime import date

import pytest
from flask import render_template
from sqlalchemy import select

from tests.reviews.conftest import MEETING
from tests.reviews.helpers import item_of, tags, text
from tracker.extensions import db
from tracker.reminders import queries
from tracker.reminders.models import OutboxMessage
from tracker.reminders.service import run_reminders
from tracker.reviews.queries import latest_comments_since_update, reviews_for_action

COMMENT = ("Inclusion Council, 12 November 2024 (more evidence requested): "
           "Add evidence of panel diversity")


@pytest.fixture
def reviewed(world, council_action, client, sign_in, fixed_today, build):
    """Action 1.2 (due 30 November 2024) reviewed twice at the 12 November meeting."""
    action = council_action("1.2", by_when="30/11/2024", rag="red")
    build(world.meeting)
    sign_in(world.reviewer)
    fixed_today(MEETING)
    url = f"{world.agenda_url()}/items/{item_of(world.meeting, action).id}/review"
    client.post(url, data={"reviewed_rag": "red", "decision": "noted", "comment": "Noted for now"})
    client.post(url, data={"reviewed_rag": "amber", "decision": "more_evidence",
                           "comment": "Add evidence of panel diversity"})
    return action


def test_reviews_for_action_are_latest_first(world, reviewed):
    rows = reviews_for_action(reviewed.id)
    assert [(r.forum, r.meeting_on, r.reviewed_rag, r.owner_rag, r.decision_text, r.comment, r.reviewer)
            for r in rows] == [
        ("Inclusion Council", MEETING, "amber", "red", "More evidence requested", "Add evidence of panel diversity",
         "Rita Reviewer"),
        ("Inclusion Council", MEETING, "red", "red", "Noted", "Noted for now", "Rita Reviewer"),
    ]
    assert reviews_for_action(99999) == []


def test_the_partial_shows_each_review_with_both_rags(app, world, reviewed):
    with app.test_request_context():
        html = render_template("reviews/_action_reviews.html", forum_reviews=reviews_for_action(reviewed.id))
        empty = render_template("reviews/_action_reviews.html", forum_reviews=[])
    page = text(html)
    assert '<h2 id="forum-reviews">Forum reviews</h2>' in page
    assert tags(html) == [("red", "Red"), ("orange", "Amber"), ("red", "Red"), ("red", "Red")]
    assert page.index("Add evidence of panel diversity") < page.index("Noted for now")
    assert "Inclusion Council, 12 November 2024 <span class=\"nhsuk-u-secondary-text-colour\">(latest)</span>" in page
    assert "More evidence requested" in page and "Rita Reviewer" in page
    assert "No forum has reviewed this action yet." in empty


def test_the_latest_comment_since_the_owners_last_update_goes_in_reminders(world, reviewed):
    assert latest_comments_since_update([reviewed.id]) == {reviewed.id: COMMENT}
    assert queries.latest_forum_comments([reviewed.id, 12345]) == {reviewed.id: COMMENT}
    [facts] = [a for a in queries.load_actions(queries.load_people()) if a.id == reviewed.id]
    assert facts.forum_comment == COMMENT
    assert latest_comments_since_update([]) == {}


def test_an_update_after_the_review_clears_the_comment(world, reviewed, post_update):
    post_update(reviewed, date(2024, 11, 14), "Panel data attached", rag="amber", author=world.owner)
    assert latest_comments_since_update([reviewed.id]) == {}


def test_an_empty_comment_is_not_sent(world, council_action, client, sign_in, fixed_today, build):
    action = council_action("1.3", rag="red")
    build(world.meeting)
    sign_in(world.reviewer)
    fixed_today(MEETING)
    response = client.post(f"{world.agenda_url()}/items/{item_of(world.meeting, action).id}/review",
                           data={"reviewed_rag": "red", "decision": "noted"})
    assert response.status_code == 302 and len(reviews_for_action(action.id)) == 1
    assert latest_comments_since_update([action.id]) == {}


def test_the_owners_next_reminder_carries_the_forums_comment(app, world, reviewed, fixed_today):
    fixed_today(date(2024, 11, 16))
    run_reminders(date(2024, 11, 16), send=False)
    db.session.commit()

    [message] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address.contains(world.owner.email)))
    assert f"Forum comment: {COMMENT}" in message.body_text
    assert f"Forum comment: {COMMENT}" in message.body_html
