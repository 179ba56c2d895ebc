"""Uploaded files waiting between an import preview and "Create plan" (plan files, Word plans).

The uploaded file stays on the server, never sent back to the browser, so "Create plan" stores
exactly what the preview showed. Each upload gets a random token and is only found again by the
admin who uploaded it; it is deleted once imported, and after a day if not. Each kind of upload
has its own folder: the setting `<KIND>_IMPORT_FOLDER`, else `<instance>/<kind>-imports`.
"""
from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from flask import current_app

from tracker.zip_limits import UnpackLimits

MAX_AGE_SECONDS = 24 * 3600
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def unpack_limits() -> UnpackLimits:
    """How far an uploaded workbook or Word document may unpack, from the app's settings."""
    return UnpackLimits.from_settings(current_app.config)


def _folder(kind: str) -> Path:
    folder = Path(current_app.config.get(f"{kind.upper()}_IMPORT_FOLDER")
                  or Path(current_app.instance_path) / f"{kind}-imports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _paths(kind: str, token: str, user_id: int) -> tuple[Path, Path] | None:
    if not TOKEN.fullmatch(token or ""):
        return None
    stem = _folder(kind) / f"{user_id}-{token}"
    return stem.with_suffix(".upload"), stem.with_suffix(".json")


def save(kind: str, content: bytes, details: dict, user_id: int) -> str:
    """Keep the file and its details (name, year, title); returns the token that finds them again."""
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in _folder(kind).iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    upload, about = _paths(kind, token, user_id)
    upload.write_bytes(content)
    about.write_text(json.dumps(details), encoding="utf-8")
    return token


def load(kind: str, token: str, user_id: int) -> tuple[bytes, dict] | None:
    """(content, details) of this user's upload, or None when unknown or older than a day."""
    paths = _paths(kind, token, user_id)
    if paths is None or not all(path.is_file() for path in paths):
        return None
    if time.time() - paths[0].stat().st_mtime > MAX_AGE_SECONDS:
        remove(kind, token, user_id)
        return None
    return paths[0].read_bytes(), json.loads(paths[1].read_text(encoding="utf-8"))


def remove(kind: str, token: str, user_id: int) -> None:
    for path in _paths(kind, token, user_id) or ():
        path.unlink(missing_ok=True)
