"""Meeting agendas and the forum's reviews: building, refreshing, adding to and recording them.

The rules that put an action on an agenda are in `tracker.reviews.agenda_rules`. An upcoming
meeting's agenda is stored the first time its page is opened and may be refreshed until the
meeting day; a past meeting's agenda stays as it was. Services change models, write audit
events and flush; the caller commits once. What the pages read is in `queries`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select, update
from sqlalchemy.orm import aliased, joinedload

from tracker import clock
from tracker.actions.models import Action, action_forums
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


@dataclass
class ReviewData:
    """What the reviewer recorded for one agenda item."""

    reviewed_rag: str | None
    decision: str | None
    comment: str = ""


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


def needs_agenda(meeting: Meeting, today: date) -> bool:
    """An upcoming meeting whose agenda has not been built yet."""
    return is_upcoming(meeting, today) and agenda_record(meeting) is None


def ensure_agenda(meeting: Meeting, today: date, actor) -> bool:
    """Build an upcoming meeting's agenda the first time it is asked for; True when built now."""
    if not needs_agenda(meeting, today):
        return False
    db.session.add(MeetingAgenda(meeting_id=meeting.id, built_at=clock.utcnow()))
    count = _apply_rules(meeting, today)
    record(actor, meeting, "agenda built", {"actions": [None, count]},
           summary=f"Agenda of {meeting.forum.name} on {long_date(meeting.held_on)} built: {count} actions")
    return True


def refresh_agenda(meeting: Meeting, today: date, actor) -> tuple[int, int, int]:
    """Apply the rules again to an upcoming meeting's agenda: (actions added, removed, on the agenda)."""
    if not is_upcoming(meeting, today):
        raise ReviewError(f"The meeting on {long_date(meeting.held_on)} has taken place, "
                          "so its agenda is kept as it was")
    before = set(_action_ids(meeting.id))
    agenda = agenda_record(meeting)
    if agenda is None:
        db.session.add(MeetingAgenda(meeting_id=meeting.id, built_at=clock.utcnow()))
    else:
        agenda.refreshed_at = clock.utcnow()
    count = _apply_rules(meeting, today)
    after = set(_action_ids(meeting.id))
    added, removed = len(after - before), len(before - after)
    record(actor, meeting, "agenda refreshed", {"actions": [len(before), count]},
           summary=f"Agenda of {meeting.forum.name} on {long_date(meeting.held_on)} refreshed: "
                   f"{added} added, {removed} removed")
    return added, removed, count


def _action_ids(meeting_id: int) -> list[int]:
    return list(db.session.scalars(select(AgendaItem.action_id).where(AgendaItem.meeting_id == meeting_id)))


def _candidates(forum_id: int) -> list[rules.AgendaCandidate]:
    rows = db.session.execute(
        select(Action.id, Action.status, Action.rag, Action.due_on, Action.last_update_at)
        .join(action_forums, action_forums.c.action_id == Action.id)
        .join(Plan, Plan.id == Action.plan_id)
        .where(action_forums.c.forum_id == forum_id, Plan.is_live)
    )
    return [rules.AgendaCandidate(*row) for row in rows]


def _reviewed(meeting_id: int) -> set[int]:
    return set(db.session.scalars(select(ForumReview.action_id).where(ForumReview.meeting_id == meeting_id)))


def _apply_rules(meeting: Meeting, today: date) -> int:
    """Store the rule reasons of every action; items the forum has reviewed keep theirs."""
    _place_pending_escalations(meeting, today)
    db.session.flush()
    found = rules.build_agenda(_candidates(meeting.forum_id), meeting_dates(meeting), today)
    items = {item.action_id: item for item in db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))}
    reviewed = _reviewed(meeting.id)
    for action_id, item in items.items():
        if action_id in reviewed:
            continue
        reasons = [code for code in item.reasons if code not in rules.RULE_REASONS] + list(found.get(action_id, ()))
        if reasons:
            item.reasons = rules.ordered_reasons(reasons)
        else:
            db.session.delete(item)
    db.session.add_all(AgendaItem(meeting_id=meeting.id, action_id=action_id, reasons=list(reasons),
                                  created_at=clock.utcnow())
                       for action_id, reasons in found.items() if action_id not in items)
    db.session.flush()
    return _renumber(meeting.id)


def _renumber(meeting_id: int) -> int:
    """Number the items newest plan first, then by reference; returns how many there are."""
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
                               .options(joinedload(AgendaItem.action).joinedload(Action.plan))).all()
    ordered = sorted(items, key=lambda item: rules.agenda_order(item.action.plan.year, item.action.ref))
    for position, item in enumerate(ordered, start=1):
        item.position = position
    db.session.flush()
    return len(items)


def _item(meeting_id: int, action_id: int) -> AgendaItem | None:
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
            _put_escalation(meeting, review)


def _put_escalation(target: Meeting, review: ForumReview) -> None:
    item = _item(target.id, review.action_id)
    if item is None:
        db.session.add(AgendaItem(meeting_id=target.id, action_id=review.action_id, reasons=[rules.ESCALATED],
                                  escalated_from_id=review.meeting.forum_id, created_at=clock.utcnow()))
    elif rules.ESCALATED not in item.reasons:
        item.reasons = rules.ordered_reasons(item.reasons + [rules.ESCALATED])
        item.escalated_from_id = review.meeting.forum_id
    review.escalated_to_meeting_id = target.id
    db.session.flush()


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


def add_item(meeting: Meeting, plan: Plan | None, ref: str, actor) -> AgendaItem:
    """The EDI lead puts any action on the agenda, by plan and reference."""
    action = find_action(plan, ref)
    if _item(meeting.id, action.id) is not None:
        raise ReviewError(f"Action {action.ref} ({plan.year}) is already on this agenda", field="ref")
    item = AgendaItem(meeting_id=meeting.id, action_id=action.id, reasons=[rules.ADDED], added_by_id=actor.id,
                      created_at=clock.utcnow())
    db.session.add(item)
    _renumber(meeting.id)
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


def current_review(meeting_id: int, action_id: int) -> ForumReview | None:
    """The latest review of the action at the meeting."""
    return db.session.scalar(select(ForumReview).where(ForumReview.meeting_id == meeting_id,
                                                       ForumReview.action_id == action_id)
                             .order_by(ForumReview.created_at.desc(), ForumReview.id.desc()).limit(1))


def record_review(item: AgendaItem, data: ReviewData, actor, today: date) -> ForumReview:
    """Record the forum's review of an agenda item; earlier reviews are kept, the latest is current."""
    meeting, action = item.meeting, item.action
    forum = meeting.forum
    _check_review(meeting, data, today)
    previous = current_review(meeting.id, action.id)
    comment = (data.comment or "").strip()
    review = ForumReview(meeting_id=meeting.id, action_id=action.id, reviewer_id=actor.id,
                         reviewed_rag=data.reviewed_rag, owner_rag=action.rag, owner_rag_as_at=action.rag_as_at,
                         comment=comment, decision=data.decision, created_at=clock.utcnow())
    changes = {"forum": [None, forum.name], "meeting": [None, meeting.held_on], "owner_rag": [None, action.rag],
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
        _withdraw_escalation(previous, today)
    changes.update(_apply_decision(action, data.decision, comment, today))
    record(actor, action, "forum review", changes,
           summary=f"{forum.label} review of {action.ref} ({long_date(meeting.held_on)}): "
                   f"{data.reviewed_rag}, {rules.DECISION_WORDS[data.decision].lower()}")
    return review


def _check_review(meeting: Meeting, data: ReviewData, today: date) -> None:
    if meeting.held_on > today:
        raise ReviewError("The forum's review is recorded on or after the day of the meeting "
                          f"({long_date(meeting.held_on)})")
    parent = meeting.forum.parent
    problems = rules.review_problems(decision=data.decision, reviewed_rag=data.reviewed_rag,
                                     comment=data.comment or "", escalates_to=parent.name if parent else None)
    if problems:
        field, message = next(iter(problems.items()))
        raise ReviewError(message, field=field)


def _escalate(review: ForumReview, parent: Forum, meeting: Meeting, today: date) -> None:
    target = next_meeting(parent, meeting.held_on, today)
    if target is not None:
        _put_escalation(target, review)
        _renumber(target.id)


def _withdraw_escalation(previous: ForumReview, today: date) -> None:
    """A later decision replaces an escalation: take the action off the higher forum's agenda if unreviewed."""
    target = previous.escalated_to_meeting
    if target is None or target.held_on < today:
        return
    item = _item(target.id, previous.action_id)
    if item is None or rules.ESCALATED not in item.reasons or previous.action_id in _reviewed(target.id):
        return
    rest = [code for code in item.reasons if code != rules.ESCALATED]
    if rest:
        item.reasons, item.escalated_from_id = rest, None
    else:
        db.session.delete(item)
    db.session.flush()


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
