"""The forum's reviews of the actions on a meeting's agenda: one at a time, or the whole agenda at once.

A review may be recorded from when the agenda is published until the forum's next meeting; one
recorded before the meeting day is shown as such. It keeps the owner's status and RAG that the
agenda showed (the item's rating), beside the forum's own. Earlier reviews are kept; the latest is
current. Services change models, write audit events and flush; the caller commits once. Building
and changing agendas is in `agendas`; what the pages read is in `queries`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update

from tracker import clock
from tracker.actions.models import Action
from tracker.audit.service import record
from tracker.dates import long_date
from tracker.extensions import db
from tracker.governance.models import Forum, Meeting
from tracker.reviews import agenda_rules as rules
from tracker.reviews.agendas import (
    ReviewError,
    agenda_record,
    end_of_day,
    latest_updates_by,
    meeting_dates,
    next_meeting,
    put_escalation,
    renumber,
    reviews_open,
    shown_rating,
    withdraw_escalation,
)
from tracker.reviews.models import AgendaItem, ForumReview


@dataclass
class ReviewData:
    """What the reviewer recorded for one agenda item."""

    reviewed_rag: str | None
    decision: str | None
    comment: str = ""


@dataclass
class AgendaReview:
    """One row of the whole-agenda form: the item, what was entered, and the latest review the page showed."""

    item: AgendaItem
    data: ReviewData
    seen_review_id: int | None = None


class AgendaReviewError(ReviewError):
    """Some rows of the whole-agenda form cannot be recorded: {item id: {field: message}}; nothing was stored."""

    def __init__(self, problems: dict[int, dict[str, str]]) -> None:
        count = sum(len(fields) for fields in problems.values())
        super().__init__(f"{count} thing{'s' if count != 1 else ''} to correct before the reviews can be recorded")
        self.problems = problems


def current_review(meeting_id: int, action_id: int) -> ForumReview | None:
    """The latest review of the action at the meeting."""
    return db.session.scalar(select(ForumReview).where(ForumReview.meeting_id == meeting_id,
                                                       ForumReview.action_id == action_id)
                             .order_by(ForumReview.created_at.desc(), ForumReview.id.desc()).limit(1))


def item_rating(item: AgendaItem, today: date) -> rules.OwnerRating:
    """The owner's status and RAG the agenda shows for the item, which its review stores."""
    held_on = item.meeting.held_on
    latest = latest_updates_by([item.action_id], end_of_day(held_on)).get(item.action_id) if held_on < today else None
    return shown_rating(item, item.action, latest, held_on, today)


def record_review(item: AgendaItem, data: ReviewData, actor, today: date) -> ForumReview:
    """Record the forum's review of an agenda item; earlier reviews are kept, the latest is current."""
    _check_review(item.meeting, data, today)
    return _record(item, data, actor, today)


def record_reviews(meeting: Meeting, rows: list[AgendaReview], actor, today: date) -> list[ForumReview]:
    """Record the reviews of several items of the meeting's agenda together: every row is checked first
    (what was entered, and whether someone recorded another review of it since the page was opened), and
    nothing is stored unless every row can be."""
    _check_window(meeting, today)
    parent = meeting.forum.parent
    problems: dict[int, dict[str, str]] = {}
    for row in rows:
        if row.item.meeting_id != meeting.id:
            raise ReviewError("An item on the form is not on this meeting's agenda: reload the page")
        found = rules.review_problems(decision=row.data.decision, reviewed_rag=row.data.reviewed_rag,
                                      comment=row.data.comment or "", escalates_to=parent.name if parent else None)
        latest = current_review(meeting.id, row.item.action_id)
        if (latest.id if latest else None) != row.seen_review_id:
            found.setdefault("decision", _changed_message(latest))
        if found:
            problems[row.item.id] = found
    if problems:
        raise AgendaReviewError(problems)
    return [_record(row.item, row.data, actor, today) for row in rows]


def _changed_message(latest: ForumReview | None) -> str:
    who = latest.reviewer.name if latest is not None and latest.reviewer else "Someone"
    return (f"{who} recorded a review of this action after you opened the page: it is shown here now. "
            "Check it, then record yours again if it is still needed")


def _record(item: AgendaItem, data: ReviewData, actor, today: date) -> ForumReview:
    meeting, action = item.meeting, item.action
    forum = meeting.forum
    previous = current_review(meeting.id, action.id)
    comment = (data.comment or "").strip()
    rating = item_rating(item, today)
    review = ForumReview(meeting_id=meeting.id, action_id=action.id, reviewer_id=actor.id,
                         reviewed_rag=data.reviewed_rag, owner_rag=rating.rag, owner_rag_as_at=rating.rag_as_at,
                         comment=comment, decision=data.decision, created_at=clock.utcnow())
    changes = {"forum": [None, forum.name], "meeting": [None, meeting.held_on], "owner_rag": [None, rating.rag],
               "reviewed_rag": [None, data.reviewed_rag], "decision": [None, data.decision],
               "comment": [None, comment]}
    if data.decision == rules.ESCALATE:
        review.escalated_to_id = forum.parent_id
        changes["escalated_to"] = [None, forum.parent.name]
    db.session.add(review)
    db.session.flush()
    if data.decision == rules.ESCALATE:
        _escalate(review, forum.parent, meeting, today)
    elif previous is not None and previous.decision == rules.ESCALATE:
        withdraw_escalation(previous, today)
    changes.update(_apply_decision(action, data.decision, comment, today))
    before = " (before the meeting)" if today < meeting.held_on else ""
    record(actor, action, "forum review", changes,
           summary=f"{forum.label} review of {action.ref} ({long_date(meeting.held_on)}){before}: "
                   f"{data.reviewed_rag}, {rules.DECISION_WORDS[data.decision].lower()}")
    return review


def _check_window(meeting: Meeting, today: date) -> None:
    if reviews_open(meeting, agenda_record(meeting), today):
        return
    if agenda_record(meeting) is None:
        raise ReviewError(f"The agenda of the meeting on {long_date(meeting.held_on)} has not been built yet: "
                          "reviews are recorded once it is published")
    following = meeting_dates(meeting).next_on
    raise ReviewError(f"Reviews of the meeting on {long_date(meeting.held_on)} could be recorded until the forum's "
                      f"next meeting on {long_date(following)}: record this one at that meeting instead")


def _check_review(meeting: Meeting, data: ReviewData, today: date) -> None:
    _check_window(meeting, today)
    parent = meeting.forum.parent
    problems = rules.review_problems(decision=data.decision, reviewed_rag=data.reviewed_rag,
                                     comment=data.comment or "", escalates_to=parent.name if parent else None)
    if problems:
        field_name, message = next(iter(problems.items()))
        raise ReviewError(message, field=field_name)


def _escalate(review: ForumReview, parent: Forum, meeting: Meeting, today: date) -> None:
    target = next_meeting(parent, meeting.held_on, today)
    if target is not None:
        put_escalation(target, review, today)
        renumber(target.id)


def _apply_decision(action: Action, decision: str, comment: str, today: date) -> dict[str, list]:
    """Agreed completion or cancellation changes the action (one UPDATE that bumps its version)."""
    if decision == rules.AGREE_COMPLETION:
        values = {"status": "ACHIEVED", "rag": "blue", "rag_as_at": today}
    elif decision == rules.AGREE_CANCELLATION:
        values = {"status": "CANCELLED", "cancelled_reason": comment}
    else:
        return {}
    before = {name: getattr(action, name) for name in values}
    db.session.execute(update(Action).where(Action.id == action.id).values(**values, version=Action.version + 1)
                       .execution_options(synchronize_session=False))
    db.session.expire(action)
    return {name: [before[name], value] for name, value in values.items() if before[name] != value}
