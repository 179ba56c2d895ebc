"""What search reads: one row per action, progress update, forum and meeting.

The rows are written only by database triggers (migration 0014_search), in the same transaction
as the change to the thing they describe, whatever wrote it: the ORM, Core bulk inserts
(`tracker.database.insert_rows`, `flask demo scale`), rollover. The app never writes them.
PostgreSQL indexes them with a generated tsvector column (`document`, English configuration, GIN
index); SQLite with the FTS5 external-content table `search_index`. Neither is described here:
SQLAlchemy cannot describe either, so tests/test_migrations_match_models.py leaves them out.
"""
from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db


class SearchEntry(db.Model):
    __tablename__ = "search_entries"
    __table_args__ = (UniqueConstraint("kind", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: action / update / forum / meeting
    kind: Mapped[str] = mapped_column(String(10))
    #: The id of the action, progress update, forum or meeting.
    source_id: Mapped[int]
    #: The action (for an action or a progress update), for the plan it belongs to.
    action_id: Mapped[int | None] = mapped_column(index=True)
    ref: Mapped[str] = mapped_column(String(20))
    #: An action's text, a forum's name.
    title: Mapped[str] = mapped_column(Text)
    #: An action's owners and supporting leads.
    people: Mapped[str] = mapped_column(Text)
    #: An action's outcome and lead text, an update's narrative, a forum's description, a meeting's notes.
    body: Mapped[str] = mapped_column(Text)
