"""Service rules that do not need a page: escalation chains, meeting removal and ordering, meetings added in bulk."""
from datetime import date

import pytest
from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.governance.models import Meeting
from tracker.governance.queries import split_meetings
from tracker.governance.service import (
    ForumError,
    add_meeting,
    add_meetings,
    can_remove_meeting,
    check_escalation,
    create_forum,
    escalation_path,
    update_forum,
)


def test_escalation_path_stops_at_a_forum_seen_before(make_forum):
    board = make_forum("Trust Board")
    pcdc = make_forum("PCDC", parent=board)
    board.parent = pcdc
    db.session.flush()
    assert [f.name for f in escalation_path(pcdc)] == ["PCDC", "Trust Board"]


def test_check_escalation_allows_none_and_unrelated_forums(make_forum):
    council, board = make_forum("Inclusion Council"), make_forum("Trust Board")
    check_escalation(council, None)
    check_escalation(council, board)
    with pytest.raises(ForumError) as raised:
        check_escalation(council, council)
    assert (str(raised.value), raised.value.field) == ("Inclusion Council cannot escalate to itself", "parent")


def test_update_forum_refuses_a_cycle_without_changing_anything(make_forum):
    board = make_forum("Trust Board")
    council = make_forum("Inclusion Council", parent=board)
    with pytest.raises(ForumError, match=r"\(Inclusion Council → Trust Board\)"):
        update_forum(board, None, name="The Board", parent=council)
    assert (board.name, board.parent) == ("Trust Board", None)


def test_create_forum_keeps_the_demo_loaders_behaviour(app):
    forum = create_forum("  Inclusion   Council ", None, short_name=" ", description="Meets bi-monthly")
    assert (forum.name, forum.short_name, forum.description, forum.active) == (
        "Inclusion Council", None, "Meets bi-monthly", True)
    with pytest.raises(ForumError, match="There is already a forum called INCLUSION COUNCIL"):
        create_forum("INCLUSION COUNCIL", None)


def test_meetings_split_into_upcoming_and_past(app):
    today = date(2024, 11, 1)
    meetings = [Meeting(held_on=day, notes="") for day in
                (date(2024, 12, 10), date(2024, 8, 13), date(2024, 11, 1), date(2024, 10, 8))]
    upcoming, past = split_meetings(meetings, today)
    assert [m.held_on for m in upcoming] == [date(2024, 11, 1), date(2024, 12, 10)]
    assert [m.held_on for m in past] == [date(2024, 10, 8), date(2024, 8, 13)]


def test_which_meetings_can_be_removed(app):
    today = date(2024, 11, 1)
    assert can_remove_meeting(Meeting(held_on=today, notes="Agenda"), today)
    assert can_remove_meeting(Meeting(held_on=date(2024, 10, 8), notes="  "), today)
    assert not can_remove_meeting(Meeting(held_on=date(2024, 10, 8), notes="Minutes"), today)


def _meeting_events(forum) -> list[tuple]:
    return list(db.session.execute(select(AuditEvent.subject_type, AuditEvent.subject_id, AuditEvent.verb,
                                          AuditEvent.changes).where(AuditEvent.verb == "meeting added")
                                   .order_by(AuditEvent.id)).tuples())


def test_add_meetings_stores_what_adding_each_would_and_refuses_a_day_taken(make_forum):
    one, many = make_forum("Inclusion Council"), make_forum("Trust Board")
    days = [date(2024, 10, 8), date(2024, 12, 10), date(2025, 2, 11)]
    for day in days:
        add_meeting(one, day, None)
    add_meetings(many, days, None)
    db.session.flush()
    assert [m.held_on for m in many.meetings] == [m.held_on for m in one.meetings] == days
    events = _meeting_events(one)
    assert [(kind, changes) for kind, forum_id, _verb, changes in events if forum_id == many.id] == \
        [(kind, changes) for kind, forum_id, _verb, changes in events if forum_id == one.id] == \
        [("forum", {"meeting": [None, day.isoformat()]}) for day in days]
    with pytest.raises(ForumError, match="Trust Board already has a meeting on 10 December 2024"):
        add_meetings(many, [date(2025, 4, 8), date(2024, 12, 10)], None)
    with pytest.raises(ForumError, match="Inclusion Council already has a meeting on 8 April 2025"):
        add_meetings(one, [date(2025, 4, 8), date(2025, 4, 8)], None)
    assert len(many.meetings) == len(one.meetings) == 3
