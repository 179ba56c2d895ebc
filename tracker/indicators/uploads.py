"""Uploaded data-pack files kept on the server between the preview and the confirmation.

Each upload lives in its own folder under a random token, with a small JSON file saying
whose it is, for which year and when it arrived. It is deleted when confirmed, and any
upload older than a day is deleted whenever another one is saved or opened.
"""
from __future__ import annotations

import json
import re
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePath

from flask import current_app

from tracker import clock

FOLDER_NAME = "wres-uploads"
LIFETIME = timedelta(days=1)
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
META = "upload.json"


@dataclass(frozen=True)
class Upload:
    """The files of one upload, for one year, by one user."""

    token: str
    year: int
    user_id: int | None
    created_at: datetime
    files: dict[str, bytes]


def folder() -> Path:
    """Where uploads are kept: WRES_UPLOAD_FOLDER, else the instance folder."""
    configured = current_app.config.get("WRES_UPLOAD_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / FOLDER_NAME


def save(files: dict[str, bytes], year: int, user_id: int | None) -> str:
    """Keep the files and return the new upload's token."""
    purge_stale()
    token = secrets.token_urlsafe(24)
    place = folder() / token
    place.mkdir(parents=True)
    names = []
    for position, (name, data) in enumerate(files.items()):
        (place / f"{position}.bin").write_bytes(data)
        names.append(PurePath(name.replace("\\", "/")).name)
    meta = {"year": year, "user_id": user_id, "created_at": clock.utcnow().isoformat(), "files": names}
    (place / META).write_text(json.dumps(meta), encoding="utf-8")
    return token


def load(token: str, user_id: int | None) -> Upload | None:
    """The upload, if it exists, is this user's and has not expired."""
    purge_stale()
    if not TOKEN.match(token or ""):
        return None
    place = folder() / token
    meta = _meta(place)
    if meta is None or meta["user_id"] != user_id:
        return None
    files = {name: (place / f"{position}.bin").read_bytes() for position, name in enumerate(meta["files"])}
    return Upload(token, meta["year"], meta["user_id"], datetime.fromisoformat(meta["created_at"]), files)


def discard(token: str) -> None:
    """Delete an upload (after it has been confirmed)."""
    if TOKEN.match(token or ""):
        shutil.rmtree(folder() / token, ignore_errors=True)


def purge_stale(now: datetime | None = None) -> int:
    """Delete uploads older than a day; returns how many were deleted."""
    base = folder()
    if not base.is_dir():
        return 0
    limit = (now or clock.utcnow()) - LIFETIME
    removed = 0
    for place in base.iterdir():
        if _created(place) < limit:
            shutil.rmtree(place, ignore_errors=True)
            removed += 1
    return removed


def _created(place: Path) -> datetime:
    """When an upload arrived (a folder without its description: when the folder was last changed)."""
    meta = _meta(place)
    if meta is not None:
        return datetime.fromisoformat(meta["created_at"])
    try:
        return datetime.fromtimestamp(place.stat().st_mtime, UTC).replace(tzinfo=None)
    except OSError:
        return datetime.min


def _meta(place: Path) -> dict | None:
    """An upload's description, or None when it is missing or unreadable."""
    try:
        return json.loads((place / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
