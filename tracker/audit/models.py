"""The audit trail: who changed what, when, before and after."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.clock import utcnow
from tracker.extensions import db

if TYPE_CHECKING:
    from tracker.auth.models import User


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    #: A subject's history, newest first, is read straight from this index.
    __table_args__ = (Index("ix_audit_events_subject_at", "subject_type", "subject_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: "action", "plan", "user", "forum", "settings", "theme"
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int | None]
    #: "created", "updated", "progress update", "imported", "deactivated"…
    verb: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(300), default="")
    #: {"field": {"before": …, "after": …}}
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()
