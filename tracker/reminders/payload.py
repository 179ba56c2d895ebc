"""Reminder items as JSON (stored with each item) and back, so a held item renders later as queued."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from tracker.reminders.facts import ActionLine, Digest, DigestUpdate, DueItem, MeetingFacts


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(inner) for inner in value]
    return value


def to_payload(item: DueItem) -> dict:
    """The item as JSON-ready values (dates as ISO text)."""
    return _plain(asdict(item))


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _line(data: dict) -> ActionLine:
    return ActionLine(**{**data, "due_on": _day(data["due_on"]), "flags": tuple(data["flags"])})


def _update(data: dict) -> DigestUpdate:
    return DigestUpdate(**{**data, "posted_at": _moment(data["posted_at"])})


def _digest(data: dict | None) -> Digest | None:
    if data is None:
        return None
    return Digest(
        overdue=tuple(map(_line, data["overdue"])), red=tuple(map(_line, data["red"])),
        stale=tuple(map(_line, data["stale"])), cannot_remind=tuple(map(_line, data["cannot_remind"])),
        updates=tuple(map(_update, data["updates"])), since=_moment(data["since"]),
    )


def from_payload(data: dict) -> DueItem:
    """The item back from its stored JSON."""
    meeting = data.get("meeting")
    return DueItem(
        rule=data["rule"], recipient_id=data["recipient_id"], key=data["key"],
        lines=tuple(map(_line, data.get("lines", []))),
        meeting=MeetingFacts(**{**meeting, "held_on": _day(meeting["held_on"])}) if meeting else None,
        copy_admins=data.get("copy_admins", False), digest=_digest(data.get("digest")),
    )
