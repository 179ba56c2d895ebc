"""Reading agendas and reviews as plain rows: the agenda page, the meeting pack, an action's
page and owners' reminders. Each reads in a fixed number of queries whatever the agenda's length.
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from functools import cache

from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import joinedload, selectinload

from tracker.actions.models import Action, ProgressUpdate
from tracker.extensions import db
from tracker.governance.models import Meeting
from tracker.reviews import agenda_rules as rules
from tracker.reviews.agendas import end_of_day, is_upcoming, latest_updates_by, shown_rating
from tracker.reviews.models import AgendaItem, ForumReview


def _review_options():
    return (joinedload(ForumReview.meeting).joinedload(Meeting.forum), joinedload(ForumReview.reviewer),
            joinedload(ForumReview.escalated_to), joinedload(ForumReview.escalated_to_meeting))


def review_row(review: ForumReview) -> rules.ReviewRow:
    """A stored review as plain data."""
    target = review.escalated_to_meeting
    return rules.ReviewRow(
        forum=review.meeting.forum.name, meeting_on=review.meeting.held_on, reviewed_rag=review.reviewed_rag,
        owner_rag=review.owner_rag, owner_rag_as_at=review.owner_rag_as_at, decision=review.decision,
        comment=review.comment, reviewer=review.reviewer.name if review.reviewer else "Unknown reviewer",
        recorded_at=review.created_at, escalated_to=review.escalated_to.name if review.escalated_to else None,
        escalated_to_meeting_on=target.held_on if target else None)


def _latest_reviews(meeting_id: int) -> tuple[dict[int, ForumReview], dict[int, int]]:
    """({action_id: current review}, {action_id: number of reviews}) at the meeting, in one query."""
    reviews = db.session.scalars(select(ForumReview).where(ForumReview.meeting_id == meeting_id)
                                 .options(*_review_options()).order_by(ForumReview.created_at, ForumReview.id))
    latest: dict[int, ForumReview] = {}
    counts: dict[int, int] = {}
    for review in reviews:
        latest[review.action_id] = review
        counts[review.action_id] = counts.get(review.action_id, 0) + 1
    return latest, counts


def agenda_rows(meeting: Meeting, today: date) -> list[rules.AgendaRow]:
    """The stored agenda as plain rows, in a fixed number of queries whatever its length.

    The owner's status and RAG are the item's rating (see `agendas.shown_rating`); for a past meeting the
    latest update is the one posted by the end of the meeting day.
    """
    items = db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        .options(joinedload(AgendaItem.action).options(joinedload(Action.plan), selectinload(Action.owners)),
                 joinedload(AgendaItem.escalated_from))
        .order_by(AgendaItem.position, AgendaItem.id)).unique().all()
    past = not is_upcoming(meeting, today)
    on_agenda = select(AgendaItem.action_id).where(AgendaItem.meeting_id == meeting.id)
    updates = latest_updates_by(on_agenda, end_of_day(meeting.held_on) if past else None)
    latest, counts = _latest_reviews(meeting.id)
    return [_agenda_row(item, meeting.held_on, today, updates.get(item.action_id), latest.get(item.action_id),
                        counts.get(item.action_id, 0)) for item in items]


def _agenda_row(item: AgendaItem, held_on: date, today: date, latest: ProgressUpdate | None,
                review: ForumReview | None, count: int) -> rules.AgendaRow:
    action = item.action
    rating = shown_rating(item, action, latest, held_on, today)
    return rules.AgendaRow(
        item_id=item.id, action_id=action.id, ref=action.ref, plan_year=action.plan.year, text=action.text,
        owners="; ".join(owner.name for owner in action.owners) or action.lead_text, by_when=action.by_when,
        owner_rag=rating.rag, owner_rag_as_at=rating.rag_as_at, owner_status=rating.status, rated_on=rating.taken_on,
        update_on=latest.as_at if latest else None, update_text=latest.narrative.strip() if latest else "",
        reasons=tuple(rules.reason_words(item.reasons, item.escalated_from.name if item.escalated_from else None)),
        added=rules.ADDED in item.reasons, group=rules.group_of(item.reasons),
        review=review_row(review) if review else None, review_count=count, review_id=review.id if review else None)


def grouped(rows: list[rules.AgendaRow]) -> list[tuple[str, list[rules.AgendaRow]]]:
    """The agenda's sections in order (see agenda_rules.GROUP_HEADINGS), each with its rows; empty ones left out."""
    sections: dict[str, list[rules.AgendaRow]] = {code: [] for code in rules.GROUP_HEADINGS}
    for row in rows:
        sections[row.group].append(row)
    return [(code, section) for code, section in sections.items() if section]


def rated_on(rows: list[rules.AgendaRow]) -> date | None:
    """The day most of the agenda's ratings were taken (items added later may differ, and say so)."""
    days = Counter(row.rated_on for row in rows if row.rated_on is not None)
    return days.most_common(1)[0][0] if days else None


def item_reviews(item: AgendaItem) -> list[rules.ReviewRow]:
    """Every review of the item, latest first."""
    reviews = db.session.scalars(select(ForumReview).where(ForumReview.meeting_id == item.meeting_id,
                                                           ForumReview.action_id == item.action_id)
                                 .options(*_review_options())
                                 .order_by(ForumReview.created_at.desc(), ForumReview.id.desc()))
    return [review_row(review) for review in reviews]


@cache
def _action_reviews_query() -> Select:
    return (select(ForumReview).where(ForumReview.action_id == bindparam("action_id")).options(*_review_options())
            .order_by(ForumReview.created_at.desc(), ForumReview.id.desc()))


def reviews_for_action(action_id: int) -> list[rules.ReviewRow]:
    """Every forum's reviews of the action, latest first (for the action's page)."""
    return [review_row(review) for review in db.session.scalars(_action_reviews_query(), {"action_id": action_id})]


def latest_comments_since_update(action_ids: list[int]) -> dict[int, str]:
    """{action_id: the latest forum comment recorded after the owner's last update}, for reminders."""
    wanted = set(action_ids)
    reviews = db.session.scalars(
        select(ForumReview).join(Action, Action.id == ForumReview.action_id)
        .where(ForumReview.comment != "",
               or_(Action.last_update_at.is_(None), ForumReview.created_at > Action.last_update_at))
        .options(*_review_options()).order_by(ForumReview.created_at, ForumReview.id))
    latest = {review.action_id: review for review in reviews if review.action_id in wanted}
    return {action_id: rules.reminder_comment(review_row(review)) for action_id, review in latest.items()}
