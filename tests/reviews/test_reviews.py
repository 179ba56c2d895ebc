"""Recording the forum's review: reviewed RAG beside the owner's, decisions and what they change, history."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.reviews.conftest import BOARD_MEETING, MEETING
from tests.reviews.helpers import item_of, row, stored, tags, text
from tracker.actions.models import Action
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.governance.service import add_meeting, remove_meeting
from tracker.reviews.models import ForumReview


@pytest.fixture
def on_the_day(world, council_action, build, fixed_today):
    """Action 1.2 (owner: Green, due before the next meeting) on the agenda; today is the meeting day."""
    action = council_action("1.2", by_when="31/12/2024", rag="green", rag_as_at=date(2024, 10, 30))
    build(world.meeting)
    fixed_today(MEETING)
    return action


def _review_url(world, item) -> str:
    return f"{world.agenda_url(item.meeting)}/items/{item.id}/review"


def _events(action) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "action",
                                                            AuditEvent.subject_id == action.id,
                                                            AuditEvent.verb == "forum review")
                                   .order_by(AuditEvent.id)))


def _reviews(action) -> list[ForumReview]:
    return list(db.session.scalars(select(ForumReview).where(ForumReview.action_id == action.id)
                                   .order_by(ForumReview.id)))


def test_the_forums_rag_is_kept_beside_the_owners_and_both_are_shown(client, sign_in, world, on_the_day):
    item = item_of(world.meeting, on_the_day)
    sign_in(world.reviewer)

    response = client.post(_review_url(world, item), data={
        "reviewed_rag": "amber", "decision": "more_evidence", "comment": "Send the panel diversity figures"})

    assert response.status_code == 302 and response.location.endswith(f"{world.agenda_url()}#item-{item.id}")
    [review] = _reviews(on_the_day)
    assert (review.reviewed_rag, review.owner_rag, review.owner_rag_as_at, review.decision, review.comment,
            review.reviewer_id, review.meeting_id) == ("amber", "green", date(2024, 10, 30), "more_evidence",
                                                       "Send the panel diversity figures", world.reviewer.id,
                                                       world.meeting.id)
    action = db.session.get(Action, on_the_day.id)
    assert (action.rag, action.status, action.version) == ("green", None, 1)
    html = client.get(world.agenda_url()).get_data(as_text=True)
    assert "The forum&#39;s review of action 1.2 is recorded: More evidence requested." in html
    cells = row(html, item.id)
    assert tags(cells) == [("green", "Green"), ("orange", "Amber")]
    assert "as at 30 October 2024" in cells and "More evidence requested" in cells
    assert "Send the panel diversity figures" in cells and "Rita Reviewer, 12 November 2024" in cells
    [event] = _events(on_the_day)
    assert event.actor_id == world.reviewer.id
    assert event.changes == {"forum": [None, "Inclusion Council"], "meeting": [None, "2024-11-12"],
                             "owner_rag": [None, "green"], "reviewed_rag": [None, "amber"],
                             "decision": [None, "more_evidence"], "comment": [None, "Send the panel diversity figures"]}
    assert event.summary == "IC review of 1.2 (12 November 2024): amber, more evidence requested"


def test_a_second_review_keeps_the_first_and_becomes_current(client, sign_in, world, on_the_day):
    item = item_of(world.meeting, on_the_day)
    sign_in(world.reviewer)
    client.post(_review_url(world, item), data={"reviewed_rag": "amber", "decision": "noted", "comment": "First"})
    client.post(_review_url(world, item), data={"reviewed_rag": "red", "decision": "noted", "comment": "Second"})

    assert [(r.reviewed_rag, r.comment) for r in _reviews(on_the_day)] == [("amber", "First"), ("red", "Second")]
    cells = row(client.get(world.agenda_url()).get_data(as_text=True), item.id)
    assert "Second" in cells and "First" not in cells and "(latest of 2 reviews)" in cells
    page = text(client.get(_review_url(world, item)).get_data(as_text=True))
    assert page.index("(current)") < page.index("Second") < page.index("First")
    assert page.count("(current)") == 1
    assert len(_events(on_the_day)) == 2


def test_reviews_open_when_the_agenda_is_published_and_early_ones_are_marked(client, sign_in, world,
                                                                           council_action, build):
    action = council_action("1.2", rag="red")
    build(world.meeting)
    item = item_of(world.meeting, action)
    sign_in(world.reviewer)

    page = text(client.get(_review_url(world, item)).get_data(as_text=True))
    assert "The meeting is on 12 November 2024: a review recorded now is shown as recorded before the meeting." in page
    response = client.post(_review_url(world, item), data={"reviewed_rag": "red", "decision": "noted"})

    assert response.status_code == 302
    [review] = _reviews(action)
    assert review.owner_rag == "red"
    cells = row(client.get(world.agenda_url()).get_data(as_text=True), item.id)
    assert "Rita Reviewer, 1 November 2024, before the meeting" in cells
    assert _events(action)[0].summary == "IC review of 1.2 (12 November 2024) (before the meeting): red, noted"


def test_no_review_before_the_agenda_is_built(client, sign_in, world, council_action):
    from tracker.reviews.models import AgendaItem

    action = council_action("1.2", rag="red")
    item = AgendaItem(meeting_id=world.meeting.id, action_id=action.id, reasons=["escalated"])  # waiting for it
    db.session.add(item)
    db.session.commit()

    response = sign_in(world.reviewer).post(_review_url(world, item), data={"reviewed_rag": "red", "decision": "noted"})

    assert response.status_code == 400
    assert ("The agenda of the meeting on 12 November 2024 has not been built yet: reviews are recorded once it is "
            "published") in response.get_data(as_text=True)
    assert _reviews(action) == []


def test_reviews_close_at_the_forums_next_meeting(client, sign_in, world, council_action, build, fixed_today):
    action = council_action("1.2", rag="red")
    build(world.meeting)
    item = item_of(world.meeting, action)
    fixed_today(date(2025, 1, 13))
    assert sign_in(world.reviewer).post(_review_url(world, item),
                                        data={"reviewed_rag": "red", "decision": "noted"}).status_code == 302

    fixed_today(date(2025, 1, 14))
    page = client.get(_review_url(world, item)).get_data(as_text=True)
    assert 'name="decision"' not in page
    assert ("can be recorded from when its agenda is published until the forum's next meeting "
            "(14 January 2025)") in page
    response = client.post(_review_url(world, item), data={"reviewed_rag": "amber", "decision": "noted"})

    assert response.status_code == 400
    assert ("Reviews of the meeting on 12 November 2024 could be recorded until the forum&#39;s next meeting on "
            "14 January 2025") in response.get_data(as_text=True)
    assert [r.reviewed_rag for r in _reviews(action)] == ["red"]


@pytest.mark.parametrize("form,messages", [
    ({}, ["Choose the forum&#39;s RAG rating", "Choose what the forum decided"]),
    ({"reviewed_rag": "green", "decision": "agree_completion"},
     ["The forum agreed completion, so choose Blue (complete) as its RAG rating"]),
    ({"reviewed_rag": "red", "decision": "agree_cancellation", "comment": " "},
     ["Give the reason the forum agreed to cancel the action (it is kept as the reason)"]),
    ({"reviewed_rag": "crimson", "decision": "shrug"},
     ["Choose the forum&#39;s RAG rating", "Choose what the forum decided"]),
], ids=["nothing", "completion not blue", "cancellation without reason", "unknown values"])
def test_a_review_that_is_not_complete_says_what_is_wrong(client, sign_in, world, on_the_day, form, messages):
    item = item_of(world.meeting, on_the_day)
    response = sign_in(world.admin).post(_review_url(world, item), data=form)

    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "<title>Error:" in html and "There is a problem" in html
    assert all(message in html for message in messages), messages
    assert _reviews(on_the_day) == [] and _events(on_the_day) == []


def test_agreeing_completion_marks_the_action_achieved_and_blue(client, sign_in, world, on_the_day):
    item = item_of(world.meeting, on_the_day)
    sign_in(world.reviewer).post(_review_url(world, item), data={
        "reviewed_rag": "blue", "decision": "agree_completion", "comment": "Evidence seen"})

    action = db.session.get(Action, on_the_day.id)
    assert (action.status, action.rag, action.rag_as_at, action.version) == ("ACHIEVED", "blue", MEETING, 2)
    assert action.last_update_at is None
    [event] = _events(on_the_day)
    assert event.changes["status"] == [None, "ACHIEVED"] and event.changes["rag"] == ["green", "blue"]
    assert event.changes["rag_as_at"] == ["2024-10-30", "2024-11-12"]
    cells = row(client.get(world.agenda_url()).get_data(as_text=True), item.id)
    assert tags(cells) == [("green", "Green"), ("blue", "Blue (complete)")] and "Completion agreed" in cells
    assert _reviews(on_the_day)[0].owner_rag == "green", "the owner's rating the agenda showed is the one kept"


def test_agreeing_cancellation_needs_the_reason_and_cancels(client, sign_in, world, on_the_day):
    item = item_of(world.meeting, on_the_day)
    sign_in(world.admin).post(_review_url(world, item), data={
        "reviewed_rag": "red", "decision": "agree_cancellation", "comment": "Replaced by action 2.4"})

    action = db.session.get(Action, on_the_day.id)
    assert (action.status, action.cancelled_reason, action.rag, action.version) == (
        "CANCELLED", "Replaced by action 2.4", "green", 2)
    [event] = _events(on_the_day)
    assert event.changes["status"] == [None, "CANCELLED"]
    assert event.changes["cancelled_reason"] == ["", "Replaced by action 2.4"]
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "Replaced by action 2.4" in page


def test_an_edit_opened_before_the_forum_agreed_completion_is_refused(client, sign_in, world, on_the_day):
    from tracker.actions.service import ActionChanged, ActionData, update_action

    opened_version = db.session.get(Action, on_the_day.id).version
    item = item_of(world.meeting, on_the_day)
    sign_in(world.reviewer).post(_review_url(world, item),
                                 data={"reviewed_rag": "blue", "decision": "agree_completion"})
    action = db.session.get(Action, on_the_day.id)
    with pytest.raises(ActionChanged):
        update_action(action, ActionData(ref="1.2", text="Edited"), world.admin, opened_version)


def test_escalation_puts_the_action_on_the_parent_forums_next_meeting(client, sign_in, world, on_the_day):
    item = item_of(world.meeting, on_the_day)
    sign_in(world.reviewer)
    response = client.post(_review_url(world, item), data={
        "reviewed_rag": "red", "decision": "escalate", "comment": "Needs board sponsorship"}, follow_redirects=True)

    assert ("The forum&#39;s review of action 1.2 is recorded: Escalated to Trust Board: on the agenda of its "
            "meeting on 26 November 2024.") in response.get_data(as_text=True)
    [review] = _reviews(on_the_day)
    assert (review.escalated_to_id, review.escalated_to_meeting_id) == (world.board.id, world.board_meeting.id)
    board_item = item_of(world.board_meeting, on_the_day)
    assert board_item.reasons == ["escalated"] and board_item.escalated_from_id == world.council.id
    assert _events(on_the_day)[0].changes["escalated_to"] == [None, "Trust Board"]
    board_page = client.get(world.agenda_url(world.board_meeting)).get_data(as_text=True)
    cells = row(board_page, board_item.id)
    assert "Escalated from Inclusion Council" in cells and "Not reviewed yet" in cells
    assert stored(world.board_meeting) == {"1.2": ["escalated"]}


def test_escalation_waits_for_the_parent_forums_next_meeting_to_be_added(client, sign_in, world, on_the_day, build):
    remove_meeting(world.board_meeting, None, MEETING)
    db.session.commit()
    item = item_of(world.meeting, on_the_day)
    sign_in(world.reviewer)
    response = client.post(_review_url(world, item), data={"reviewed_rag": "red", "decision": "escalate"},
                           follow_redirects=True)

    waiting = ("Escalated to Trust Board: Trust Board has no meeting planned, so the action goes on the agenda of "
               "its next meeting once one is added")
    assert waiting in response.get_data(as_text=True)
    assert waiting in row(client.get(world.agenda_url()).get_data(as_text=True), item.id)
    later = add_meeting(world.board, date(2024, 12, 3), None)
    db.session.commit()

    build(later)

    assert stored(later) == {"1.2": ["escalated"]}
    assert _reviews(on_the_day)[0].escalated_to_meeting_id == later.id
    assert "Escalated to Trust Board: on the agenda of its meeting on 3 December 2024" in \
        client.get(world.agenda_url()).get_data(as_text=True)


def test_a_forum_without_an_escalation_forum_cannot_escalate(client, sign_in, world, council_action, build,
                                                             fixed_today):
    action = council_action("1.2", rag="red", forums=[world.board])
    build(world.board_meeting)
    sign_in(world.admin)
    fixed_today(BOARD_MEETING)
    item = item_of(world.board_meeting, action)

    page = client.get(_review_url(world, item)).get_data(as_text=True)
    assert "Escalate to" not in page and "Trust Board has no forum to escalate to." in page
    response = client.post(_review_url(world, item), data={"reviewed_rag": "red", "decision": "escalate"})

    assert response.status_code == 400
    assert "This forum has no forum to escalate to" in response.get_data(as_text=True)
    assert _reviews(action) == []


def test_a_later_decision_takes_an_unreviewed_escalation_off_the_parent_agenda(client, sign_in, world, on_the_day):
    item = item_of(world.meeting, on_the_day)
    sign_in(world.reviewer)
    client.post(_review_url(world, item), data={"reviewed_rag": "red", "decision": "escalate"})
    assert "1.2" in stored(world.board_meeting)

    client.post(_review_url(world, item), data={"reviewed_rag": "amber", "decision": "noted",
                                                "comment": "Escalation not needed after all"})

    assert stored(world.board_meeting) == {}
    assert [r.decision for r in _reviews(on_the_day)] == ["escalate", "noted"]
