"""iCalendar text (RFC 5545) for calendar feeds, written by hand: all-day events only.

Lines end in CRLF; lines longer than 75 octets are folded (CRLF and one space, never inside
a UTF-8 character); in text values backslash, semicolon, comma and newlines are escaped.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

CRLF = "\r\n"
MAX_OCTETS = 75
PRODID = "-//WRES and WDES action plan tracker//Calendar feed//EN"


@dataclass(frozen=True)
class CalendarEvent:
    """An all-day event."""

    uid: str
    day: date
    summary: str
    description: str = ""
    url: str = ""


def escape_text(value: str) -> str:
    """A TEXT value: '\\' → '\\\\', ';' → '\\;', ',' → '\\,', newline → '\\n'."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, each after the first starting with a space."""
    pieces, current, size, limit = [], [], 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1
        current.append(char)
        size += width
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces)


def _date(day: date) -> str:
    return f"{day:%Y%m%d}"


def _stamp(moment: datetime) -> str:
    return f"{moment:%Y%m%dT%H%M%S}Z"


def event_lines(event: CalendarEvent, stamp: datetime) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{_stamp(stamp)}",
             f"DTSTART;VALUE=DATE:{_date(event.day)}", f"DTEND;VALUE=DATE:{_date(event.day + timedelta(days=1))}",
             f"SUMMARY:{escape_text(event.summary)}"]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    return lines + ["TRANSP:TRANSPARENT", "END:VEVENT"]


def calendar_text(name: str, events: list[CalendarEvent], stamp: datetime) -> str:
    """A whole VCALENDAR; `stamp` (UTC) is when the feed was made."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}"]
    for event in sorted(events, key=lambda e: (e.day, e.uid)):
        lines += event_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF
