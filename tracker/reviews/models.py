"""Meeting agendas and the forum's reviews of the actions on them."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from tracker.clock import utcnow
from tracker.extensions import db
from tracker.reviews import agenda_rules as rules

if TYPE_CHECKING:
    from tracker.actions.models import Action
    from tracker.auth.models import User
    from tracker.governance.models import Forum, Meeting


class MeetingAgenda(db.Model):
    """That a meeting's agenda was built (it may hold no actions), and when it was last refreshed."""

    __tablename__ = "meeting_agendas"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    built_at: Mapped[datetime] = mapped_column(default=utcnow)
    refreshed_at: Mapped[datetime | None]


class AgendaItem(db.Model):
    """An action on a meeting's agenda, with the reasons it is there."""

    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "action_id"),
                      Index("ix_agenda_items_meeting_section", "meeting_id", "section", "position"),
                      Index("ix_agenda_items_meeting_rated", "meeting_id", "section", "rated_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    #: Reason codes from `tracker.reviews.agenda_rules` ("overdue", "red", "escalated", "added"…).
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The agenda section the item sits in, as its place in `agenda_rules.GROUP_HEADINGS` (see
    #: `agenda_rules.section_of`): set whenever `reasons` are, so that a page of the agenda and its
    #: sections' sizes are read from indexes rather than worked out from every item's reasons.
    section: Mapped[int] = mapped_column(default=rules.section_of(()))
    #: The forum whose review escalated the action here.
    escalated_from_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id"))
    #: The EDI lead who added the action by hand.
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The owner's status and RAG (with its as-at date) when the agenda was built or last refreshed:
    #: the figure the agenda, the review form and the stored review all show. Null on items of
    #: agendas built before it was kept; those are read from the action's history instead.
    owner_status: Mapped[str | None] = mapped_column(String(40))
    owner_rag: Mapped[str | None] = mapped_column(String(10))
    owner_rag_as_at: Mapped[date | None]
    #: When the owner's status and RAG above were taken.
    rated_at: Mapped[datetime | None]

    meeting: Mapped[Meeting] = relationship()
    action: Mapped[Action] = relationship()
    escalated_from: Mapped[Forum | None] = relationship()
    added_by: Mapped[User | None] = relationship()

    @validates("reasons")
    def _keep_section(self, _key: str, reasons: list[str]) -> list[str]:
        self.section = rules.section_of(reasons)
        return reasons


class ForumReview(db.Model):
    """The forum's review of an action at a meeting. Every review is kept; the latest is current."""

    __tablename__ = "forum_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The forum's RAG rating: red / amber / green / blue.
    reviewed_rag: Mapped[str] = mapped_column(String(10))
    #: The owner's self-assessed RAG (and its date) when the forum reviewed it, kept beside the forum's.
    owner_rag: Mapped[str | None] = mapped_column(String(10))
    owner_rag_as_at: Mapped[date | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    #: noted / escalate / more_evidence / agree_completion / agree_cancellation.
    decision: Mapped[str] = mapped_column(String(30))
    escalated_to_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id"))
    #: The meeting of `escalated_to` the action was put on; null while that forum has no meeting planned.
    escalated_to_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"),
                                                                index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    meeting: Mapped[Meeting] = relationship(foreign_keys=[meeting_id])
    action: Mapped[Action] = relationship()
    reviewer: Mapped[User | None] = relationship()
    escalated_to: Mapped[Forum | None] = relationship()
    escalated_to_meeting: Mapped[Meeting | None] = relationship(foreign_keys=[escalated_to_meeting_id])
