"""Meeting agendas: building them on time, refreshing, adding to and taking off, and escalations.

The rules that put an action on an agenda are in `agenda_rules`. A meeting's agenda is built by
the daily reminder run when the update requests for the meeting go out (`prepare_agendas`), or
by an admin or reviewer for a meeting that never had one (for a past meeting, from the actions
as they stood on the meeting day). Each item keeps its owner's status and RAG as they stood when
they were taken: at the build, at each refresh and at every daily run until the meeting day; after
the meeting day they never change. Refreshing adds what became due and never takes anything off.
Services change models, write audit events and flush; the caller commits once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import aliased, joinedload

from tracker import clock
from tracker.actions.models import Action, ProgressUpdate, action_forums
from tracker.audit.service import record
from tracker.dates import long_date
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.governance.models import Forum, Meeting
from tracker.plans.models import Plan
from tracker.reviews import agenda_rules as rules
from tracker.reviews.models import AgendaItem, ForumReview, MeetingAgenda


class ReviewError(DomainError):
    """The agenda or review could not be changed; the message says why."""


@dataclass(frozen=True)
class Rating:
    """An owner's status and RAG (with its as-at date) at one moment."""

    status: str | None
    rag: str | None
    rag_as_at: date | None


def meeting_of(forum: Forum, meeting_id: int) -> Meeting | None:
    """The forum's meeting with this id; None for an unknown id or another forum's meeting."""
    return next((meeting for meeting in forum.meetings if meeting.id == meeting_id), None)


def is_upcoming(meeting: Meeting, today: date) -> bool:
    """The meeting is today or later: its agenda may still be refreshed."""
    return meeting.held_on >= today


def meeting_dates(meeting: Meeting) -> rules.MeetingDates:
    """The meeting's date and the forum's meetings just before and after it."""
    days = [m.held_on for m in meeting.forum.meetings]
    return rules.MeetingDates(meeting.held_on, max((d for d in days if d < meeting.held_on), default=None),
                              min((d for d in days if d > meeting.held_on), default=None))


def next_meeting(forum: Forum, after: date, today: date) -> Meeting | None:
    """The forum's first meeting after `after` that is not in the past."""
    later = [m for m in forum.meetings if m.held_on > after and m.held_on >= today]
    return min(later, key=lambda m: m.held_on, default=None)


def agenda_record(meeting: Meeting) -> MeetingAgenda | None:
    """When the agenda was built and refreshed; None when it never was."""
    return db.session.get(MeetingAgenda, meeting.id)


def reviews_open(meeting: Meeting, agenda: MeetingAgenda | None, today: date) -> bool:
    """The forum's reviews may be recorded from when the agenda is published until the forum's next meeting."""
    following = meeting_dates(meeting).next_on
    return agenda is not None and (following is None or today < following)


def build_day(meeting: Meeting, update_request_days: int) -> date:
    """The day the daily run builds the agenda: when the meeting's update requests go out."""
    return meeting.held_on - timedelta(days=update_request_days)


def build_agenda(meeting: Meeting, today: date, actor) -> int:
    """Build a meeting's agenda that was never built: for an upcoming meeting from the actions as they
    are now, for a past one from the actions as they stood on the meeting day. Returns its length."""
    if agenda_record(meeting) is not None:
        raise ReviewError(f"The agenda of the meeting on {long_date(meeting.held_on)} is already built")
    as_at = min(today, meeting.held_on)
    db.session.add(MeetingAgenda(meeting_id=meeting.id, built_at=clock.utcnow()))
    count = _apply_rules(meeting, as_at, today)
    when = "" if as_at == today else f" as the actions stood on {long_date(as_at)}"
    record(actor, meeting, "agenda built", {"actions": [None, count]},
           summary=f"Agenda of {meeting.forum.name} on {long_date(meeting.held_on)} built{when}: "
                   f"{count} action{'' if count == 1 else 's'}")
    return count


def agendas_to_prepare(today: date, update_request_days: int) -> list[Meeting]:
    """Meetings from today to `update_request_days` ahead: each agenda is built if it was not, and its
    owners' ratings are taken again (see `prepare_agenda`), one meeting at a time."""
    return list(db.session.scalars(
        select(Meeting).options(joinedload(Meeting.forum))
        .where(Meeting.held_on >= today, Meeting.held_on <= today + timedelta(days=update_request_days))
        .order_by(Meeting.held_on, Meeting.id)))


def prepare_agenda(meeting: Meeting, today: date) -> bool:
    """The daily run's part: build the agenda when its update requests go out; afterwards, until the
    meeting day, take the owners' ratings again. True when the agenda was built now."""
    if agenda_record(meeting) is None:
        build_agenda(meeting, today, None)
        return True
    _rate(_unreviewed_items(meeting.id), today)
    return False


def refresh_agenda(meeting: Meeting, today: date, actor) -> tuple[int, int]:
    """Apply the rules again to an upcoming meeting's agenda: (actions added, on the agenda). Nothing is
    taken off: the agenda has been sent out, and an action that no longer qualifies is still worth a word."""
    if not is_upcoming(meeting, today):
        raise ReviewError(f"The meeting on {long_date(meeting.held_on)} has taken place, "
                          "so its agenda is kept as it was")
    before = set(_action_ids(meeting.id))
    agenda = agenda_record(meeting)
    if agenda is None:
        db.session.add(MeetingAgenda(meeting_id=meeting.id, built_at=clock.utcnow()))
    else:
        agenda.refreshed_at = clock.utcnow()
    count = _apply_rules(meeting, today, today)
    added = len(set(_action_ids(meeting.id)) - before)
    record(actor, meeting, "agenda refreshed", {"actions": [len(before), count]},
           summary=f"Agenda of {meeting.forum.name} on {long_date(meeting.held_on)} refreshed: {added} added")
    return added, count


def _action_ids(meeting_id: int) -> list[int]:
    return list(db.session.scalars(select(AgendaItem.action_id).where(AgendaItem.meeting_id == meeting_id)))


def _reported_to(forum_id: int):
    """The actions reported to the forum in live plans (neither closed nor archived)."""
    return (select(Action).join(action_forums, action_forums.c.action_id == Action.id)
            .join(Plan, Plan.id == Action.plan_id)
            .where(action_forums.c.forum_id == forum_id, Plan.is_live))


def _candidates(forum_id: int, as_at: date, today: date) -> list[rules.AgendaCandidate]:
    """The actions reported to the forum as the rules see them: now, or as they stood at the end of `as_at`."""
    actions = db.session.scalars(_reported_to(forum_id)).all()
    if as_at >= today:
        return [rules.AgendaCandidate(a.id, a.status, a.rag, a.due_on, a.last_update_at, a.rag_as_at) for a in actions]
    latest = latest_updates_by([a.id for a in actions], end_of_day(as_at))
    return [_candidate_as_at(action, latest.get(action.id), as_at) for action in actions]


def _candidate_as_at(action: Action, latest: ProgressUpdate | None, as_at: date) -> rules.AgendaCandidate:
    rating = rating_as_at(action, latest, as_at)
    return rules.AgendaCandidate(action.id, rating.status, rating.rag, action.due_on,
                                 latest.posted_at if latest else None, rating.rag_as_at)


def end_of_day(day: date) -> datetime:
    """The first moment after `day` (naive, as stored): updates posted before it were posted by that day."""
    return datetime.combine(day + timedelta(days=1), time.min)


def latest_updates_by(action_ids: list[int] | Select, before: datetime | None) -> dict[int, ProgressUpdate]:
    """Each action's latest progress update (posted before `before` when given), in one query.

    `action_ids` is a list of ids or a query selecting them (e.g. a meeting's agenda items).
    """
    if isinstance(action_ids, list) and not action_ids:
        return {}
    order = func.row_number().over(partition_by=ProgressUpdate.action_id,
                                   order_by=(ProgressUpdate.posted_at.desc(), ProgressUpdate.id.desc()))
    ranked = select(ProgressUpdate.id, order.label("newest")).where(ProgressUpdate.action_id.in_(action_ids))
    if before is not None:
        ranked = ranked.where(ProgressUpdate.posted_at < before)
    ranked = ranked.subquery()
    query = select(ProgressUpdate).join(ranked, ranked.c.id == ProgressUpdate.id).where(ranked.c.newest == 1)
    return {update_row.action_id: update_row for update_row in db.session.scalars(query)}


def rating_as_at(action: Action, latest: ProgressUpdate | None, day: date) -> Rating:
    """The owner's status and RAG as they stood at the end of `day`: from the latest update posted by then,
    else the action's own rating when it is dated that day or earlier, else none."""
    if latest is not None:
        return Rating(latest.status, latest.rag, latest.as_at)
    if action.rag_as_at is not None and action.rag_as_at <= day:
        return Rating(action.status, action.rag, action.rag_as_at)
    return Rating(None, None, None)


def shown_rating(item: AgendaItem, action: Action, latest: ProgressUpdate | None, held_on: date,
                 today: date) -> rules.OwnerRating:
    """The owner's status and RAG the agenda shows for an item, and a review of it stores: the rating taken
    for it; for items of agendas built before ratings were kept, the action's now (upcoming meeting) or as it
    stood at the end of the meeting day, from `latest`, its latest update posted by then."""
    if item.rated_at is not None:
        return rules.OwnerRating(item.owner_status, item.owner_rag, item.owner_rag_as_at, clock.uk_date(item.rated_at))
    if held_on >= today:
        return rules.OwnerRating(action.status, action.rag, action.rag_as_at, None)
    rating = rating_as_at(action, latest, held_on)
    return rules.OwnerRating(rating.status, rating.rag, rating.rag_as_at, None)


def _rate(items: list[AgendaItem], today: date, as_at: date | None = None) -> None:
    """Take each item's owner's status and RAG now (or as they stood at the end of `as_at`)."""
    if not items:
        return
    actions = {a.id: a for a in db.session.scalars(select(Action).where(Action.id.in_([i.action_id for i in items])))}
    latest = latest_updates_by(list(actions), end_of_day(as_at)) if as_at is not None else {}
    now = clock.utcnow()
    for item in items:
        action = actions[item.action_id]
        rating = (rating_as_at(action, latest.get(action.id), as_at) if as_at is not None
                  else Rating(action.status, action.rag, action.rag_as_at))
        item.owner_status, item.owner_rag, item.owner_rag_as_at = rating.status, rating.rag, rating.rag_as_at
        item.rated_at = datetime.combine(as_at, time(12)) if as_at is not None else now
    db.session.flush()


def _reviewed(meeting_id: int) -> set[int]:
    return set(db.session.scalars(select(ForumReview.action_id).where(ForumReview.meeting_id == meeting_id)))


def _unreviewed_items(meeting_id: int) -> list[AgendaItem]:
    reviewed = _reviewed(meeting_id)
    return [item for item in db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id))
            if item.action_id not in reviewed]


def _apply_rules(meeting: Meeting, as_at: date, today: date) -> int:
    """Add every action the rules find (as at `as_at`) and merge their reasons into items already there;
    items the forum has reviewed keep theirs. Then take the unreviewed items' ratings."""
    _place_pending_escalations(meeting, today)
    db.session.flush()
    found = rules.build_agenda(_candidates(meeting.forum_id, as_at, today), meeting_dates(meeting), as_at)
    items = {item.action_id: item for item in db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))}
    reviewed = _reviewed(meeting.id)
    for action_id, item in items.items():
        if action_id not in reviewed and found.get(action_id):
            item.reasons = rules.ordered_reasons(
                [code for code in item.reasons if code not in rules.RULE_REASONS] + list(found[action_id]))
    db.session.add_all(AgendaItem(meeting_id=meeting.id, action_id=action_id, reasons=list(reasons),
                                  created_at=clock.utcnow())
                       for action_id, reasons in found.items() if action_id not in items)
    db.session.flush()
    _rate(_unreviewed_items(meeting.id), today, as_at if as_at < today else None)
    return renumber(meeting.id)


def renumber(meeting_id: int) -> int:
    """Number the items newest plan first, then by reference; returns how many there are."""
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
                               .options(joinedload(AgendaItem.action).joinedload(Action.plan))).all()
    ordered = sorted(items, key=lambda item: rules.agenda_order(item.action.plan.year, item.action.ref))
    for position, item in enumerate(ordered, start=1):
        item.position = position
    db.session.flush()
    return len(items)


def item_of(meeting_id: int, action_id: int) -> AgendaItem | None:
    """The meeting's agenda item for the action, if it is on the agenda."""
    return db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id,
                                                      AgendaItem.action_id == action_id))


def _place_pending_escalations(meeting: Meeting, today: date) -> None:
    """Escalations to this forum waiting for a meeting go on this one when it is their next meeting."""
    later = aliased(ForumReview)
    pending = db.session.scalars(
        select(ForumReview).options(joinedload(ForumReview.meeting))
        .where(ForumReview.decision == rules.ESCALATE, ForumReview.escalated_to_id == meeting.forum_id,
               ForumReview.escalated_to_meeting_id.is_(None),
               ~exists().where(later.meeting_id == ForumReview.meeting_id, later.action_id == ForumReview.action_id,
                               later.id > ForumReview.id))
    ).all()
    for review in pending:
        target = next_meeting(meeting.forum, review.meeting.held_on, today)
        if target is not None and target.id == meeting.id:
            put_escalation(meeting, review, today)


def put_escalation(target: Meeting, review: ForumReview, today: date) -> None:
    """Put the reviewed action on the target meeting's agenda, escalated from the review's forum."""
    item = item_of(target.id, review.action_id)
    if item is None:
        item = AgendaItem(meeting_id=target.id, action_id=review.action_id, reasons=[rules.ESCALATED],
                          escalated_from_id=review.meeting.forum_id, created_at=clock.utcnow())
        db.session.add(item)
    elif rules.ESCALATED not in item.reasons:
        item.reasons = rules.ordered_reasons(item.reasons + [rules.ESCALATED])
        item.escalated_from_id = review.meeting.forum_id
    review.escalated_to_meeting_id = target.id
    db.session.flush()
    if item.rated_at is None:
        _rate([item], today)


def find_action(plan: Plan | None, ref: str) -> Action:
    """The plan's action with this reference, or a ReviewError saying what is missing."""
    ref = " ".join((ref or "").split())
    if plan is None:
        raise ReviewError("Choose the plan the action is in", field="plan")
    if not ref:
        raise ReviewError("Enter the action's reference, for example 1.1", field="ref")
    action = db.session.scalar(select(Action).where(Action.plan_id == plan.id, Action.ref == ref))
    if action is None:
        raise ReviewError(f"The {plan.year} plan has no action {ref}", field="ref")
    return action


def add_item(meeting: Meeting, plan: Plan | None, ref: str, actor, today: date) -> AgendaItem:
    """The EDI lead puts any action on the agenda, by plan and reference."""
    action = find_action(plan, ref)
    if item_of(meeting.id, action.id) is not None:
        raise ReviewError(f"Action {action.ref} ({plan.year}) is already on this agenda", field="ref")
    item = AgendaItem(meeting_id=meeting.id, action_id=action.id, reasons=[rules.ADDED], added_by_id=actor.id,
                      created_at=clock.utcnow())
    db.session.add(item)
    db.session.flush()
    _rate([item], today, meeting.held_on if meeting.held_on < today else None)
    renumber(meeting.id)
    record(actor, meeting, "agenda item added", {"action": [None, f"{action.ref} ({plan.year})"]},
           summary=f"Action {action.ref} added to the agenda of {long_date(meeting.held_on)}")
    return item


def remove_item(item: AgendaItem, actor) -> list[str]:
    """Take off an item the EDI lead added; returns the other reasons that keep it on the agenda."""
    label = f"{item.action.ref} ({item.action.plan.year})"
    if rules.ADDED not in item.reasons:
        raise ReviewError(f"Action {label} was not added by hand: the agenda rules put it here")
    if item.action_id in _reviewed(item.meeting_id):
        raise ReviewError(f"The forum has reviewed action {label} at this meeting, so it stays on the agenda")
    rest = [code for code in item.reasons if code != rules.ADDED]
    meeting = item.meeting
    if rest:
        item.reasons, item.added_by_id = rest, None
    else:
        db.session.delete(item)
    db.session.flush()
    record(actor, meeting, "agenda item removed", {"action": [label, None]},
           summary=f"Action {label} taken off the agenda of {long_date(meeting.held_on)}")
    return rules.reason_words(rest, item.escalated_from.name if item.escalated_from else None)


def withdraw_escalation(previous: ForumReview, today: date) -> None:
    """A later decision replaces an escalation: take the action off the higher forum's agenda if unreviewed."""
    target = previous.escalated_to_meeting
    if target is None or target.held_on < today:
        return
    item = item_of(target.id, previous.action_id)
    if item is None or rules.ESCALATED not in item.reasons or previous.action_id in _reviewed(target.id):
        return
    rest = [code for code in item.reasons if code != rules.ESCALATED]
    if rest:
        item.reasons, item.escalated_from_id = rest, None
    else:
        db.session.delete(item)
    db.session.flush()
