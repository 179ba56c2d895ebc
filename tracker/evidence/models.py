"""Evidence files attached to progress updates, and their bytes in chunks.

Both live in the database, so every app server sees the same files and one backup holds
everything. A file's bytes are split into rows of at most CHUNK_BYTES, written and read one row at a
time, so neither an upload nor a download ever holds a whole file in memory.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.clock import utcnow
from tracker.extensions import db

if TYPE_CHECKING:
    from tracker.actions.models import ProgressUpdate
    from tracker.auth.models import User

#: Bytes per stored chunk.
CHUNK_BYTES = 1024 * 1024


class EvidenceFile(db.Model):
    """A file an owner attached to a progress update (its bytes are in EvidenceFileChunk rows)."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("progress_updates.id", ondelete="CASCADE"), index=True)
    #: The name as uploaded (shown on pages and in Appendix 1).
    original_name: Mapped[str] = mapped_column(String(255))
    #: The name as sent back on download: no path, no control characters.
    safe_name: Mapped[str] = mapped_column(String(255))
    #: The MIME type the content was recognised as (never the one the browser claimed).
    content_type: Mapped[str] = mapped_column(String(120))
    #: "PDF", "Word document", "Excel workbook", "PowerPoint presentation", "PNG image", "JPEG image".
    kind: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when an admin removed the file; its chunks are deleted then.
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    update: Mapped[ProgressUpdate] = relationship()
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class EvidenceFileChunk(db.Model):
    """Up to CHUNK_BYTES of a file; `sequence` orders them from 0."""

    __tablename__ = "evidence_file_chunks"

    file_id: Mapped[int] = mapped_column(ForeignKey("evidence_files.id", ondelete="CASCADE"), primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
