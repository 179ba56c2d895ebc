"""What the users pages read: users filtered and sorted, and how many actions each owns."""
from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from tracker.actions.models import action_owners
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.extensions import db


def users_query(role: str | None = None, active: bool | None = None) -> Select:
    """Users sorted by name, optionally only one role and only active or inactive ones."""
    query = select(User).order_by(func.lower(User.name), User.id)
    if role:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.active.is_(active))
    return query


def owned_action_counts(user_ids: list[int]) -> dict[int, int]:
    """How many actions each user owns, in one grouped query (users owning none are left out)."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(action_owners.c.user_id, func.count())
        .where(action_owners.c.user_id.in_(user_ids))
        .group_by(action_owners.c.user_id)
    )
    return {user_id: count for user_id, count in rows}


SIGN_IN_FAILED = "sign-in failed"


def sign_in_events(failed_only: bool = False) -> Select:
    """The sign-in trail, newest first: sign-ins, failures (with the email tried, even one that names
    no user), sign-outs and sessions ended, with the user each is about (None for an unknown email)."""
    query = (select(AuditEvent, User)
             .outerjoin(User, User.id == AuditEvent.subject_id)
             .options(joinedload(AuditEvent.actor))
             .where(AuditEvent.subject_type == "sign_in")
             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    if failed_only:
        query = query.where(or_(AuditEvent.verb == SIGN_IN_FAILED, AuditEvent.verb.startswith("NHS sign-in")))
    return query
