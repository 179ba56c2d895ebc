"""The demo's forums: their members, meetings laid around today, and the Inclusion Council's recent
meetings with their agendas and reviews, as the daily run and the council would have left them."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from tracker.actions.models import Action
from tracker.auth.models import User
from tracker.demo.calendar import WEEK, financial_year_start, meeting_dates, next_weekday_between, year_bounds
from tracker.extensions import db
from tracker.governance.models import Forum, Meeting
from tracker.governance.service import add_meeting, add_member, create_forum
from tracker.reminders.settings import reminder_settings
from tracker.reviews import agenda_rules as rules
from tracker.reviews.agendas import agenda_record, build_agenda
from tracker.reviews.models import AgendaItem
from tracker.reviews.service import ReviewData, record_review

COUNCIL = "Inclusion Council"
TRUST_BOARD = "Trust Board"
TUESDAY = 1
#: The council's next meeting is at least this many days ahead (and within the update-request window).
NEXT_MEETING_FROM_DAYS = 4
#: Past council meetings with their agendas built and reviews recorded.
HELD_MEETINGS = 3
#: The daily reminder run's hour (UTC), when it builds an agenda.
BUILD_HOUR = time(7, 0)
#: When the council records its reviews on the meeting day (UTC).
REVIEW_HOUR = time(15, 0)


def add_forums(rows: list[dict], users: dict[str, User], today: date) -> dict[str, Forum]:
    """The forums, their members, and their meetings from the start of last financial year to the end
    of next, laid around the Inclusion Council's next meeting (within the update-request window)."""
    window = reminder_settings().update_request_days
    council_next = next_weekday_between(today, TUESDAY, min(NEXT_MEETING_FROM_DAYS, window), window)
    start = financial_year_start(today)
    first, last = year_bounds(start - 1)[0], year_bounds(start + 1)[1]
    forums = {row["name"]: create_forum(row["name"], None, short_name=row.get("short_name"),
                                        description=row.get("description") or "") for row in rows}
    for row in rows:
        forum = forums[row["name"]]
        if row.get("parent"):
            forum.parent = forums[row["parent"]]
        for name in row.get("members", []):
            add_member(forum, users[name], None)
        schedule = row.get("schedule")
        if schedule:
            anchor = council_next + timedelta(days=schedule.get("days_after_council", 0))
            for held_on in meeting_dates(anchor, schedule["every_weeks"] * WEEK, first, last):
                add_meeting(forum, held_on, None)
    return forums


def hold_council_meetings(forums: dict[str, Forum], reviewer: User, today: date, escalate: list[Action]) -> None:
    """The council's last meetings since the plan began: agendas built as the actions stood on each
    meeting day and every item reviewed that day; its next meeting's agenda built as the daily run
    does when the update requests go out. Actions in `escalate` go up at the latest meeting."""
    council = forums[COUNCIL]
    window = reminder_settings().update_request_days
    past = [meeting for meeting in council.meetings if meeting.held_on < today][-HELD_MEETINGS:]
    for meeting in past:
        if build_agenda(meeting, today, None):
            _record_reviews(meeting, reviewer, {a.id for a in escalate} if meeting is past[-1] else set())
        agenda_record(meeting).built_at = datetime.combine(meeting.held_on - timedelta(days=window), BUILD_HOUR)
    for meeting in council.meetings:
        if today <= meeting.held_on <= today + timedelta(days=window):
            build_agenda(meeting, today, None)
    db.session.flush()


def _record_reviews(meeting: Meeting, reviewer: User, escalate: set[int]) -> None:
    """The council's review of each item, recorded on the meeting day."""
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                               .order_by(AgendaItem.position)).all()
    for item in items:
        review = record_review(item, review_of(item.owner_status, item.owner_rag, item.action_id in escalate, item.reasons),
                               reviewer, meeting.held_on)
        review.created_at = datetime.combine(meeting.held_on, REVIEW_HOUR)
    db.session.flush()


def review_of(status: str | None, rag: str | None, escalate: bool, reasons: list[str] | tuple[str, ...] = ()) -> ReviewData:
    """What the council decides about an item, from the owner's status and RAG on the agenda and the
    reasons it is there; `escalate` sends a Red item up to the next forum."""
    if rag == "blue" or status in ("ACHIEVED", "ACHIEVED AND ONGOING"):
        return ReviewData("blue", rules.AGREE_COMPLETION, "Completion agreed on the evidence in the owner's update.")
    if escalate and rag == "red":
        return ReviewData("red", rules.ESCALATE,
                          "Delivery depends on decisions outside the council's remit: escalated to PCDC for support.")
    if rag == "red":
        return ReviewData("red", rules.MORE_EVIDENCE,
                          "Bring a revised timetable, and what is needed to recover it, to the next meeting.")
    if rag == "amber":
        return ReviewData("amber", rules.MORE_EVIDENCE,
                          "Show what is needed to bring this back on track before the due date.")
    if rag is None:
        return ReviewData("amber", rules.MORE_EVIDENCE,
                          "No owner or update yet: the EDI lead to agree an owner and a first update.")
    if rules.DUE_BEFORE_NEXT in reasons:
        return ReviewData(rag, rules.NOTED, "Progress noted. Due before the next meeting: confirm completion in the "
                                            "next update.")
    return ReviewData(rag, rules.NOTED, "Progress noted.")
