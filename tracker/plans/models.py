"""A year's action plan and its numbered themes (objectives)."""
from __future__ import annotations

import enum
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db

if TYPE_CHECKING:
    from tracker.actions.models import Action
    from tracker.governance.models import Forum


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    CLOSED = "closed"


class Plan(db.Model):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The NHS financial year the plan covers, e.g. "2024-25".
    year: Mapped[str] = mapped_column(String(7), index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default=PlanStatus.DRAFT.value)
    approved_on: Mapped[date | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id"))
    #: Numbered key for the "Links to equality objectives" column, one per line.
    equality_objectives_key: Mapped[str] = mapped_column(Text, default="")
    #: Numbered key for the "Links to EDI goals" column, one per line.
    edi_goals_key: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    approved_by: Mapped[Forum | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(
        back_populates="plan", order_by="Theme.position", cascade="all, delete-orphan"
    )
    actions: Mapped[list[Action]] = relationship(back_populates="plan", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def label(self) -> str:
        return f"{self.year}: {self.title}"


def theme_label(number: str, title: str) -> str:
    """"2. Speaking up": how a theme is headed in published plans."""
    return f"{number}. {title}"


class Theme(db.Model):
    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    #: "1", "2"… as printed before the theme title.
    number: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[Plan] = relationship(back_populates="themes")
    actions: Mapped[list[Action]] = relationship(back_populates="theme", order_by="Action.position")

    @property
    def label(self) -> str:
        return theme_label(self.number, self.title)
