"""Fixtures for the forum review cycle: an escalation chain of forums with meetings, people and a plan."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tracker.extensions import db

TODAY = date(2024, 11, 1)
PREVIOUS = date(2024, 10, 8)
MEETING = date(2024, 11, 12)
NEXT = date(2025, 1, 14)
BOARD_MEETING = date(2024, 11, 26)


@dataclass
class World:
    board: object
    council: object
    previous: object
    meeting: object
    next: object
    board_meeting: object
    plan: object
    admin: object
    reviewer: object
    owner: object
    viewer: object

    def agenda_url(self, meeting=None, forum=None) -> str:
        meeting = meeting or self.meeting
        return f"/forums/{(forum or meeting.forum).id}/meetings/{meeting.id}"


@pytest.fixture
def world(app, make_user, make_plan, fixed_today) -> World:
    """Inclusion Council (escalates to Trust Board) meeting on 8 Oct, 12 Nov 2024 and 14 Jan 2025; today 1 Nov 2024."""
    from tracker.governance.service import add_meeting, create_forum

    fixed_today(TODAY)
    board = create_forum("Trust Board", None)
    council = create_forum("Inclusion Council", None, short_name="IC", parent=board)
    meetings = [add_meeting(council, day, None) for day in (PREVIOUS, MEETING, NEXT)]
    board_meeting = add_meeting(board, BOARD_MEETING, None)
    db.session.commit()
    return World(board=board, council=council, previous=meetings[0], meeting=meetings[1], next=meetings[2],
                 board_meeting=board_meeting, plan=make_plan(year="2024-25"),
                 admin=make_user("admin", name="Edi Lead"), reviewer=make_user("reviewer", name="Rita Reviewer"),
                 owner=make_user("owner", name="Ola Owner"), viewer=make_user("viewer", name="Vic Viewer"))


@pytest.fixture
def council_action(world, make_action):
    """An action of the world's plan reported to the Inclusion Council, owned by Ola Owner."""

    def make(ref: str, *, by_when: str = "31/03/2025", rag: str | None = "green", status: str | None = None,
             text: str | None = None, **kwargs):
        return make_action(world.plan, ref, owners=kwargs.pop("owners", [world.owner]), by_when=by_when, rag=rag,
                           status=status, forums=kwargs.pop("forums", [world.council]),
                           text=text or f"Action {ref} of the plan", **kwargs)

    return make


@pytest.fixture
def post_update(app):
    """Post a progress update as at `day` (stored at noon that day)."""
    from tracker.actions.service import UpdateData
    from tracker.actions.service import post_update as post

    def do(action, day: date, narrative: str = "Progress made", *, rag: str | None = "green",
           status: str | None = "PROGRESS MADE", author=None):
        post(action, UpdateData(status=status, rag=rag, narrative=narrative, as_at=day), author, historical=True)
        db.session.commit()

    return do


@pytest.fixture
def build(app):
    """Build a meeting's agenda as the daily run does when its update requests go out (today by default)."""
    from tracker import clock
    from tracker.reviews.agendas import build_agenda

    def do(meeting, today: date | None = None) -> None:
        build_agenda(meeting, today or clock.today(), None)
        db.session.commit()

    return do
