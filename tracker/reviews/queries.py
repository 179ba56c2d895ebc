"""Reading agendas and reviews as plain rows: the agenda page, the meeting pack, an action's
page and owners' reminders. Each reads in a fixed number of queries whatever the agenda's length.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache, partial
from typing import NamedTuple

from sqlalchemy import Integer, Select, bindparam, distinct, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from tracker import clock
from tracker.actions.models import Action, ProgressUpdate
from tracker.actions.queries import owners_joined, split_owners
from tracker.auth.models import User
from tracker.database import among, planned_for_any_values
from tracker.extensions import db
from tracker.governance.models import Forum, Meeting
from tracker.plans.models import Plan
from tracker.reviews import agenda_rules as rules
from tracker.reviews.agendas import end_of_day, is_upcoming, shown_rating
from tracker.reviews.models import AgendaItem, ForumReview, MeetingAgenda


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


@cache
def _forum_query() -> Select:
    return (select(Forum, MeetingAgenda)
            .outerjoin(MeetingAgenda, MeetingAgenda.meeting_id == bindparam("meeting_id"))
            .where(Forum.id == bindparam("forum_id"))
            .options(joinedload(Forum.parent), joinedload(Forum.meetings)))


def forum_and_agenda(forum_id: int, meeting_id: int) -> tuple[Forum, MeetingAgenda | None] | None:
    """The forum with its escalation forum and its meetings (all an agenda's pages read of it), and the
    agenda record of its meeting `meeting_id` (None when never built), in one query; None for no such forum."""
    row = db.session.execute(_forum_query(), {"forum_id": forum_id, "meeting_id": meeting_id}).unique().first()
    return (row[0], row[1]) if row else None


@cache
def _plan_choices_query() -> Select:
    return (select(Plan.id, (Plan.year + ": " + Plan.title).label("label")).where(Plan.archived_at.is_(None))
            .order_by(Plan.year.desc(), Plan.id.desc()))


def plan_choices() -> list:
    """(id, label) of the plans whose actions the EDI lead may add to an agenda: any but archived ones,
    newest first (`label` as `Plan.label` words it)."""
    return list(db.session.execute(_plan_choices_query()))


#: Items on one page of the agenda and of the whole-agenda review page.
AGENDA_PAGE_SIZE = 25


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
    meeting_only = {"meeting_id": meeting.id}
    sections: Counter = Counter()
    days: Counter = Counter()
    reviewed = 0
    for section, rated_at, count, reviewed in db.session.execute(_sections_query(), meeting_only):
        sections[section] += count
        if rated_at is not None:
            days[clock.uk_date(rated_at)] += count
    counts = {rules.SECTIONS[section]: sections[section] for section in sorted(sections)}
    number = min(max(number, 1), max(1, -(-sum(counts.values()) // size)))
    if item_ids is None:
        rows = _rows(meeting, today, _page_query, {**meeting_only, "size": size, "skip": (number - 1) * size})
    else:
        rows = _rows(meeting, today, partial(_chosen_items_query, True), {**meeting_only, "item_ids": item_ids})
    rated_on = days.most_common(1)[0][0] if days else None
    return AgendaPage(rows, counts, number, size, rated_on, reviewed or 0)


# The agenda's statements are built once and executed with their parameters: building a statement of
# this size costs more than running it (and SQLAlchemy then finds it compiled in its cache).

@cache
def _sections_query() -> Select:
    """(section, moment rated, items, actions the forum reviewed) of the meeting's agenda, for its sections'
    sizes and the UK day most of its ratings were taken, in one pass over its items. Each build, refresh or
    daily run rates its items at one moment, so the rows are few whatever the agenda's length. The number
    reviewed (the same on every row, counted once) rides along rather than costing a query of its own;
    an agenda with no items has no rows, and none reviewed."""
    reviewed = (select(func.count(distinct(ForumReview.action_id)))
                .where(ForumReview.meeting_id == bindparam("meeting_id")).scalar_subquery())
    return (select(AgendaItem.section, AgendaItem.rated_at, func.count(), reviewed)
            .where(AgendaItem.meeting_id == bindparam("meeting_id")).group_by(AgendaItem.section, AgendaItem.rated_at)
            .order_by(AgendaItem.rated_at))


@cache
def _page_query(before: bool) -> Select:
    """A page of the meeting's items in the agenda's order (parameters size and skip): the page's items are
    chosen from the agenda's items alone, by the index on (meeting_id, section, position), then joined to
    their actions, so the joins start from the page's rows however long the agenda. The page's size is
    written into the statement (it is the same on every page), so that a plan made for any values
    (`planned_for_any_values`) knows how many rows it keeps."""
    order = (AgendaItem.section, AgendaItem.position, AgendaItem.id)
    page = (select(AgendaItem.id).where(AgendaItem.meeting_id == bindparam("meeting_id")).order_by(*order)
            .limit(bindparam("size", type_=Integer, literal_execute=True))
            .offset(bindparam("skip", type_=Integer)).subquery("page"))
    return _items(before).join(page, page.c.id == AgendaItem.id).order_by(*order)


@cache
def _chosen_items_query(by_section: bool, before: bool) -> Select:
    """The meeting's items among `item_ids`, in the agenda's order (by section first when `by_section`,
    as the agenda's pages are; in its numbered order otherwise, as the meeting pack is)."""
    order = (AgendaItem.section,) if by_section else ()
    return _items(before).where(among(AgendaItem.id, "item_ids")).order_by(*order, AgendaItem.position, AgendaItem.id)


@cache
def _all_items_query(before: bool) -> Select:
    return _items(before).order_by(AgendaItem.position, AgendaItem.id)


def _items(before: bool) -> Select:
    """The meeting's items as plain rows: each with its action's columns, named as `shown_rating` reads them,
    its owners' names, and its latest update (posted before the parameter `before` when `before`), found
    by the index on (action_id, posted_at) one action at a time rather than by ranking every update."""
    newest = select(ProgressUpdate.id).where(ProgressUpdate.action_id == Action.id)
    if before:
        newest = newest.where(ProgressUpdate.posted_at < bindparam("before"))
    newest = (newest.order_by(ProgressUpdate.posted_at.desc(), ProgressUpdate.id.desc()).limit(1)
              .correlate(Action).scalar_subquery())
    return (select(AgendaItem.id, AgendaItem.action_id, AgendaItem.reasons, AgendaItem.section, AgendaItem.rated_at,
                   AgendaItem.owner_status, AgendaItem.owner_rag, AgendaItem.owner_rag_as_at, Action.ref, Action.text,
                   Action.by_when, Action.lead_text, Action.status, Action.rag, Action.rag_as_at,
                   Plan.year.label("plan_year"), Forum.name.label("escalated_from"),
                   owners_joined(Action.id).label("owners"), ProgressUpdate.id.label("update_id"),
                   ProgressUpdate.as_at.label("update_as_at"), ProgressUpdate.narrative.label("update_narrative"),
                   ProgressUpdate.status.label("update_status"), ProgressUpdate.rag.label("update_rag"))
            .join(Action, Action.id == AgendaItem.action_id).join(Plan, Plan.id == Action.plan_id)
            .outerjoin(Forum, Forum.id == AgendaItem.escalated_from_id)
            .outerjoin(ProgressUpdate, ProgressUpdate.id == newest)
            .where(AgendaItem.meeting_id == bindparam("meeting_id")))


def agenda_rows(meeting: Meeting, today: date, item_ids: list[int] | None = None) -> list[rules.AgendaRow]:
    """The stored agenda as plain rows in its numbered order (only `item_ids` when given), in a fixed
    number of queries whatever its length (the meeting pack reads it whole).

    The owner's status and RAG are the item's rating (see `agendas.shown_rating`); for a past meeting the
    latest update is the one posted by the end of the meeting day.
    """
    if item_ids is None:
        return _rows(meeting, today, _all_items_query, {"meeting_id": meeting.id})
    return _rows(meeting, today, partial(_chosen_items_query, False), {"meeting_id": meeting.id, "item_ids": item_ids})


class _LatestUpdate(NamedTuple):
    """An item's latest update, as `shown_rating` reads it."""

    as_at: date
    narrative: str
    status: str | None
    rag: str | None


def _rows(meeting: Meeting, today: date, statement: Callable[[bool], Select], params: dict) -> list[rules.AgendaRow]:
    """The items `statement(before)` chooses, with their latest updates (for a past meeting, the latest posted
    by the end of the meeting day) and owners, then their reviews: two queries."""
    past = not is_upcoming(meeting, today)
    if past:
        params = {**params, "before": end_of_day(meeting.held_on)}
    with planned_for_any_values():
        items = db.session.execute(statement(past), params).all()
    if not items:
        return []
    reviews, counts = _current_reviews(meeting, [item.action_id for item in items])
    return [_agenda_row(item, meeting.held_on, today, reviews.get(item.action_id), counts.get(item.action_id, 0))
            for item in items]


@cache
def _current_reviews_query() -> Select:
    target = aliased(Meeting)
    return (select(ForumReview.id, ForumReview.action_id, ForumReview.reviewed_rag, ForumReview.owner_rag,
                   ForumReview.owner_rag_as_at, ForumReview.decision, ForumReview.comment, ForumReview.created_at,
                   User.name.label("reviewer"), Forum.name.label("escalated_to"), target.held_on.label("target_on"))
            .outerjoin(User, User.id == ForumReview.reviewer_id)
            .outerjoin(Forum, Forum.id == ForumReview.escalated_to_id)
            .outerjoin(target, target.id == ForumReview.escalated_to_meeting_id)
            .where(ForumReview.meeting_id == bindparam("meeting_id"),
                   among(ForumReview.action_id, "action_ids"))
            .order_by(ForumReview.created_at, ForumReview.id))


def _current_reviews(meeting: Meeting, action_ids: list[int]) -> tuple[dict[int, tuple[int, rules.ReviewRow]],
                                                                       dict[int, int]]:
    """({action_id: (current review's id, the review)}, {action_id: number of reviews}) of the actions at
    the meeting, as plain rows in one query."""
    reviews = db.session.execute(_current_reviews_query(), {"meeting_id": meeting.id, "action_ids": action_ids})
    latest: dict[int, tuple[int, rules.ReviewRow]] = {}
    counts: dict[int, int] = {}
    forum = meeting.forum.name
    for review in reviews:
        latest[review.action_id] = (review.id, rules.ReviewRow(
            forum=forum, meeting_on=meeting.held_on, reviewed_rag=review.reviewed_rag, owner_rag=review.owner_rag,
            owner_rag_as_at=review.owner_rag_as_at, decision=review.decision, comment=review.comment,
            reviewer=review.reviewer or "Unknown reviewer", recorded_at=review.created_at,
            escalated_to=review.escalated_to, escalated_to_meeting_on=review.target_on))
        counts[review.action_id] = counts.get(review.action_id, 0) + 1
    return latest, counts


def _agenda_row(item, held_on: date, today: date, review: tuple[int, rules.ReviewRow] | None,
                count: int) -> rules.AgendaRow:
    """`item` is a row of `_items()`: the item, its action's columns, owners and latest update."""
    latest = (None if item.update_id is None else
              _LatestUpdate(item.update_as_at, item.update_narrative, item.update_status, item.update_rag))
    rating = shown_rating(item, item, latest, held_on, today)
    return rules.AgendaRow(
        item_id=item.id, action_id=item.action_id, ref=item.ref, plan_year=item.plan_year, text=item.text,
        owners="; ".join(split_owners(item.owners)) or item.lead_text, by_when=item.by_when,
        owner_rag=rating.rag, owner_rag_as_at=rating.rag_as_at, owner_status=rating.status, rated_on=rating.taken_on,
        update_on=latest.as_at if latest else None, update_text=latest.narrative.strip() if latest else "",
        reasons=tuple(rules.reason_words(item.reasons, item.escalated_from)),
        added=rules.ADDED in item.reasons, group=rules.SECTIONS[item.section],
        review=review[1] if review else None, review_count=count, review_id=review[0] if review else None)


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
