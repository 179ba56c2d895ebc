"""Reading agendas and reviews as plain rows: the agenda page, the meeting pack, an action's
page and owners' reminders. Each reads in a fixed number of queries whatever the agenda's length.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import Select, String, bindparam, case, cast, distinct, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from tracker import clock
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


def _latest_reviews(meeting_id: int, action_ids: list[int]) -> tuple[dict[int, ForumReview], dict[int, int]]:
    """({action_id: current review}, {action_id: number of reviews}) of the actions at the meeting, in one query."""
    reviews = db.session.scalars(select(ForumReview).where(ForumReview.meeting_id == meeting_id,
                                                           ForumReview.action_id.in_(action_ids))
                                 .options(*_review_options()).order_by(ForumReview.created_at, ForumReview.id))
    latest: dict[int, ForumReview] = {}
    counts: dict[int, int] = {}
    for review in reviews:
        latest[review.action_id] = review
        counts[review.action_id] = counts.get(review.action_id, 0) + 1
    return latest, counts


#: Items on one page of the agenda and of the whole-agenda review page.
AGENDA_PAGE_SIZE = 25


def _section_rank():
    """The item's section as a number in GROUP_HEADINGS's order, worked out by the database from the stored
    reason codes (JSON text such as ["overdue", "red"]): the same answer as `agenda_rules.group_of`."""
    reasons = cast(AgendaItem.reasons, String)
    codes = list(rules.GROUP_HEADINGS)
    return case(*((reasons.like(f'%"{code}"%'), rank) for rank, code in enumerate(codes) if code != rules.ADDED),
                else_=codes.index(rules.ADDED))


@dataclass(frozen=True)
class AgendaPage:
    """One page of a meeting's agenda: its rows in the agenda's order, and what the page says about the
    whole agenda (counted by the database, not by reading every item)."""

    rows: list[rules.AgendaRow]
    #: {section code: items in it}, the whole agenda's non-empty sections in GROUP_HEADINGS's order.
    sections: dict[str, int]
    number: int
    size: int
    #: The day most of the agenda's ratings were taken.
    rated_on: date | None
    #: How many of the agenda's items the forum has reviewed.
    reviewed: int

    @property
    def total(self) -> int:
        return sum(self.sections.values())

    @property
    def count(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1

    @property
    def groups(self) -> list[tuple[str, list[rules.AgendaRow]]]:
        return grouped(self.rows)

    @property
    def section_pages(self) -> dict[str, int]:
        """{section code: the page its first item is on}."""
        pages, before = {}, 0
        for code, count in self.sections.items():
            pages[code] = before // self.size + 1
            before += count
        return pages


def agenda_page(meeting: Meeting, today: date, number: int = 1, size: int = AGENDA_PAGE_SIZE,
                item_ids: list[int] | None = None) -> AgendaPage:
    """Page `number` of the meeting's agenda (a number past the end gives the last page), in a fixed
    number of queries whatever the agenda's length. With `item_ids`, the page holds those items of the
    meeting instead (the rows a submitted review form was given), in the agenda's order."""
    rank = _section_rank()
    ranks = select(rank.label("section")).where(AgendaItem.meeting_id == meeting.id).subquery()
    sections = dict(db.session.execute(select(ranks.c.section, func.count()).group_by(ranks.c.section)).all())
    codes = list(rules.GROUP_HEADINGS)
    counts = {codes[code]: sections[code] for code in sorted(sections)}
    number = min(max(number, 1), max(1, -(-sum(counts.values()) // size)))
    statement = _items(meeting.id).order_by(rank, AgendaItem.position, AgendaItem.id)
    if item_ids is None:
        statement = statement.limit(size).offset((number - 1) * size)
    else:
        statement = statement.where(AgendaItem.id.in_(item_ids))
    reviewed = db.session.scalar(select(func.count(distinct(ForumReview.action_id)))
                                 .where(ForumReview.meeting_id == meeting.id))
    return AgendaPage(_rows(meeting, today, statement), counts, number, size, _rated_on(meeting.id), reviewed or 0)


def _items(meeting_id: int) -> Select:
    return (select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
            .options(joinedload(AgendaItem.action).options(joinedload(Action.plan), selectinload(Action.owners)),
                     joinedload(AgendaItem.escalated_from)))


def _rated_on(meeting_id: int) -> date | None:
    """The UK day most of the agenda's ratings were taken: each build, refresh or daily run rates its items
    at one moment, so the database groups a handful of moments, not every item."""
    days: Counter = Counter()
    for rated_at, count in db.session.execute(
            select(AgendaItem.rated_at, func.count()).where(AgendaItem.meeting_id == meeting_id,
                                                            AgendaItem.rated_at.is_not(None))
            .group_by(AgendaItem.rated_at).order_by(AgendaItem.rated_at)):
        days[clock.uk_date(rated_at)] += count
    return days.most_common(1)[0][0] if days else None


def agenda_rows(meeting: Meeting, today: date, item_ids: list[int] | None = None) -> list[rules.AgendaRow]:
    """The stored agenda as plain rows in its numbered order (only `item_ids` when given), in a fixed
    number of queries whatever its length (the meeting pack reads it whole).

    The owner's status and RAG are the item's rating (see `agendas.shown_rating`); for a past meeting the
    latest update is the one posted by the end of the meeting day.
    """
    statement = _items(meeting.id).order_by(AgendaItem.position, AgendaItem.id)
    if item_ids is not None:
        statement = statement.where(AgendaItem.id.in_(item_ids))
    return _rows(meeting, today, statement)


def _rows(meeting: Meeting, today: date, statement: Select) -> list[rules.AgendaRow]:
    items = db.session.scalars(statement).unique().all()
    if not items:
        return []
    action_ids = [item.action_id for item in items]
    past = not is_upcoming(meeting, today)
    updates = latest_updates_by(action_ids, end_of_day(meeting.held_on) if past else None)
    latest, counts = _latest_reviews(meeting.id, action_ids)
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
    """The day most of the rows' ratings were taken (items added later may differ, and say so)."""
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
