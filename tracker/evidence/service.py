"""Checking, storing and removing evidence files. Services flush and audit; the caller commits once."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from flask import current_app
from sqlalchemy import bindparam, delete, func, insert, select

from tracker import clock
from tracker.actions.models import Action, ProgressUpdate
from tracker.actions.service import PlanArchived, check_open_to_updates
from tracker.audit.service import record
from tracker.auth.models import User
from tracker.dates import long_date
from tracker.errors import DomainError
from tracker.evidence.models import CHUNK_BYTES, EvidenceFile, EvidenceFileChunk
from tracker.evidence.rules import (
    MB,
    EvidenceRefused,
    FileType,
    check_sizes,
    file_size,
    recognise,
    safe_name,
    shown_name,
)
from tracker.extensions import db
from tracker.zip_limits import UnpackLimits, size_text


@dataclass(frozen=True)
class Upload:
    """A file as the request brought it: its name and a seekable binary stream (spooled to disk when large)."""

    name: str
    stream: BinaryIO


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check, ready to store."""

    name: str
    stream: BinaryIO
    type: FileType
    size: int


class FilesRefused(EvidenceRefused):
    """One or more files were refused; `problems` has one sentence per file (and one for the total)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0])
        self.problems = problems


class EvidenceError(DomainError):
    """The evidence file cannot be changed that way."""


def limits() -> tuple[int, int]:
    """(bytes per file, bytes per update) from the settings EVIDENCE_MAX_MB and EVIDENCE_MAX_UPDATE_MB."""
    config = current_app.config
    return (int(float(config.get("EVIDENCE_MAX_MB", 20)) * MB),
            int(float(config.get("EVIDENCE_MAX_UPDATE_MB", 50)) * MB))


def check_files(uploads: list[Upload], already: int = 0) -> list[CheckedFile]:
    """Every upload's type (by content, agreeing with its name) and size (with the `already` bytes
    the update holds); FilesRefused lists every problem."""
    max_file, max_update = limits()
    unpack = UnpackLimits.from_settings(current_app.config)
    sizes = [(upload.name, file_size(upload.stream)) for upload in uploads]
    problems = check_sizes(sizes, max_file, max_update, already)
    checked = []
    for upload, (_name, size) in zip(uploads, sizes):
        if size > max_file:
            continue
        try:
            checked.append(CheckedFile(upload.name, upload.stream, recognise(upload.name, upload.stream, unpack), size))
        except EvidenceRefused as refused:
            problems.append(str(refused))
    if problems:
        raise FilesRefused(problems)
    return checked


def attach(update: ProgressUpdate, files: list[CheckedFile], actor: User) -> list[EvidenceFile]:
    """Store each checked file under `update`, chunk by chunk, and audit it on the update's action."""
    stored = []
    for checked in files:
        evidence = EvidenceFile(update_id=update.id, original_name=shown_name(checked.name),
                                safe_name=safe_name(checked.name), content_type=checked.type.content_type,
                                kind=checked.type.kind, size=checked.size, sha256="", uploaded_by_id=actor.id,
                                uploaded_at=clock.utcnow())
        db.session.add(evidence)
        db.session.flush()
        evidence.sha256, evidence.size = _store_chunks(evidence.id, checked.stream)
        db.session.flush()
        record(actor, update.action, "evidence attached", {"evidence file": [None, _described(evidence)]},
               summary=f"Attached {_described(evidence)} to the progress update of {update.as_at.isoformat()}")
        stored.append(evidence)
    return stored


def may_add_files(update: ProgressUpdate, user: User) -> bool:
    """Files may be added to an update later only by the person who posted it."""
    return user.is_authenticated and update.author_id is not None and update.author_id == user.id


def add_files(update: ProgressUpdate, uploads: list[Upload], actor: User, *, today: date) -> list[EvidenceFile]:
    """The update's author adds files to it on the day it was posted; on any later day the files go
    with a new update. The per-update limit counts the files it already holds."""
    if not may_add_files(update, actor):
        raise EvidenceError("Only the person who posted an update can add files to it")
    posted_on = clock.uk_date(update.posted_at)
    if posted_on != today:
        raise EvidenceError(f"Files can be added to an update only on the day it was posted ({long_date(posted_on)}). "
                            "Post a new progress update with the files instead.", field="evidence")
    if update.action.plan.is_archived:
        raise PlanArchived(update.action.plan)
    check_open_to_updates(update.action)
    if not uploads:
        raise EvidenceRefused("Choose one or more files to attach")
    held = db.session.scalar(select(func.coalesce(func.sum(EvidenceFile.size), 0))
                             .where(EvidenceFile.update_id == update.id, EvidenceFile.removed_at.is_(None)))
    return attach(update, check_files(uploads, already=int(held)), actor)


def _store_chunks(file_id: int, stream: BinaryIO) -> tuple[str, int]:
    """Insert the stream's bytes one chunk at a time; returns (sha256, size)."""
    digest = hashlib.sha256()
    size = sequence = 0
    stream.seek(0)
    while chunk := stream.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
        db.session.execute(insert(EvidenceFileChunk), [{"file_id": file_id, "sequence": sequence, "data": chunk}])
        sequence += 1
    return digest.hexdigest(), size


def _described(evidence: EvidenceFile) -> str:
    return f"'{evidence.safe_name}' ({evidence.kind}, {size_text(evidence.size)})"


def remove(evidence: EvidenceFile, actor: User) -> None:
    """An admin removes a file: its bytes are deleted, the record stays to say who removed it and when."""
    if not actor.is_admin:
        raise EvidenceError("Only the EDI lead (an admin) can remove evidence files")
    if evidence.is_removed:
        raise EvidenceError(f"'{evidence.safe_name}' was already removed")
    db.session.execute(delete(EvidenceFileChunk).where(EvidenceFileChunk.file_id == evidence.id))
    evidence.removed_at = clock.utcnow()
    evidence.removed_by_id = actor.id
    action = db.session.get(Action, evidence.update.action_id)
    record(actor, action, "evidence removed", {"evidence file": [_described(evidence), None]},
           summary=f"Removed {_described(evidence)} from the progress update of {evidence.update.as_at.isoformat()}")
    db.session.flush()


def chunks(file_id: int, size: int) -> Iterator[bytes]:
    """The file's bytes, one stored chunk per query, in order (never the whole file at once).

    The response streams after the view has returned and its session has closed, so the chunks are
    read on a connection of their own, held only while the download runs."""
    statement = select(EvidenceFileChunk.data).where(EvidenceFileChunk.file_id == file_id,
                                                     EvidenceFileChunk.sequence == bindparam("sequence"))
    engine = db.engine

    def read() -> Iterator[bytes]:
        with engine.connect() as connection:
            for sequence in range(-(-size // CHUNK_BYTES)):
                data = connection.scalar(statement, {"sequence": sequence})
                if data is None:
                    return
                yield bytes(data)

    return read()


def request_limit() -> int:
    """The largest request the update form takes: every file at the per-update limit, and room for the text."""
    return limits()[1] + 2 * MB


def too_large_message() -> str:
    """What the "The file is too large" page says about the update form."""
    each, together = limits()
    return (f"Each evidence file must be {size_text(each)} or smaller, and the files on one update "
            f"{size_text(together)} or smaller in all. Nothing was saved: go back and post the update again "
            "with fewer or smaller files.")
