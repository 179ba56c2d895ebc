"""What pages read about evidence files: those of a timeline's updates, in one query."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased, joinedload

from tracker.auth.models import User
from tracker.database import among
from tracker.evidence.models import EvidenceFile
from tracker.extensions import db


@dataclass(frozen=True, slots=True)
class FileRow:
    """An evidence file as a timeline lists it."""

    id: int
    update_id: int
    name: str
    kind: str
    size: int
    removed_at: datetime | None
    removed_by_name: str | None


@cache
def _files_query() -> Select:
    remover = aliased(User)
    return (select(EvidenceFile.id, EvidenceFile.update_id, EvidenceFile.safe_name, EvidenceFile.kind,
                   EvidenceFile.size, EvidenceFile.removed_at, remover.name)
            .outerjoin(remover, remover.id == EvidenceFile.removed_by_id)
            .where(among(EvidenceFile.update_id, "update_ids"))
            .order_by(EvidenceFile.update_id, EvidenceFile.id))


def files_for_updates(update_ids: list[int]) -> dict[int, list[FileRow]]:
    """Each update's files (removed ones too, to say so), in the order attached: one query, even for
    no updates, so the action page reads the same number of queries whatever its timeline holds."""
    found: dict[int, list[FileRow]] = defaultdict(list)
    for row in db.session.execute(_files_query(), {"update_ids": list(update_ids)}):
        found[row.update_id].append(FileRow(*row))
    return dict(found)


def load_file(file_id: int) -> EvidenceFile | None:
    """One file with its update (and so its action id) loaded."""
    return db.session.scalars(select(EvidenceFile).where(EvidenceFile.id == file_id)
                              .options(joinedload(EvidenceFile.update))).one_or_none()
