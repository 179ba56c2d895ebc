"""Writing and reading the audit trail. Services call `record`; they never commit."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.clock import utcnow
from tracker.database import insert_rows
from tracker.extensions import db


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def is_blank(value: Any) -> bool:
    """None, "" and [] all mean "not given": the trail shows each as a dash."""
    return value is None or value == "" or value == []


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose values differ; None, "" and [] count as the same."""
    pairs = {key: [_plain(before.get(key)), _plain(after.get(key))] for key in sorted(set(before) | set(after))}
    return {key: pair for key, pair in pairs.items()
            if pair[0] != pair[1] and not (is_blank(pair[0]) and is_blank(pair[1]))}


def record(actor, subject, verb: str, changes: dict[str, list[Any]], summary: str = "",
           subject_type: str | None = None) -> AuditEvent:
    """Add one audit event for `subject` (a model instance; None, with a subject_type, for an event
    about no stored thing, such as a failed sign-in with an email that names no user)."""
    event = AuditEvent(**event_values(actor, subject, verb, changes, summary, subject_type))
    db.session.add(event)
    return event


def event_values(actor, subject, verb: str, changes: dict[str, list[Any]], summary: str = "",
                 subject_type: str | None = None) -> dict[str, Any]:
    """The columns of the audit event `record` would add, for `record_many` (`subject` None: the
    caller sets subject_id)."""
    return {
        "actor_id": getattr(actor, "id", None),
        "subject_type": subject_type or subject.__tablename__.rstrip("s"),
        "subject_id": getattr(subject, "id", None),
        "verb": verb,
        "summary": summary[:300],
        "changes": {key: [_plain(v) for v in pair] for key, pair in changes.items()},
    }


def record_many(events: list[dict[str, Any]]) -> None:
    """Insert many audit events (each from `event_values`) in a few statements, in their order."""
    if events:
        at = utcnow()
        insert_rows(AuditEvent.__table__, [{"at": at, **event} for event in events])


def events_for(subject_type: str, subject_id: int, limit: int | None = 200) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ))


@cache
def _events_query(limited: bool) -> Select:
    query = (select(AuditEvent.at, AuditEvent.verb, AuditEvent.summary, AuditEvent.changes,
                    User.name.label("actor_name"))
             .outerjoin(User, User.id == AuditEvent.actor_id)
             .where(AuditEvent.subject_type == bindparam("subject_type"), AuditEvent.subject_id == bindparam("subject_id"))
             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    return query.limit(bindparam("limit")) if limited else query


def latest_events(subject_type: str, subject_id: int, limit: int | None) -> list:
    """The subject's newest events as rows (at, verb, summary, changes, actor_name; limit None: all), read
    in order from the subject's index and no further than the limit."""
    return db.session.execute(_events_query(limit is not None),
                              {"subject_type": subject_type, "subject_id": subject_id, "limit": limit}).all()
