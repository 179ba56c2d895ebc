"""When the daily run builds a meeting's agenda: as its update requests go out, a number of days
before the meeting that the reminder settings hold.

Reviews sit below reminders, so they never read those settings themselves: create_app hands the
reader in with `provide_update_request_days`.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

EXTENSION_KEY = "tracker.update_request_days"
#: The reminder settings' default, used when nothing was handed in.
DEFAULT_DAYS = 10


def provide_update_request_days(app: Flask, reader: Callable[[], int]) -> None:
    """Use `reader()` for the days before a meeting that its update requests go out."""
    app.extensions[EXTENSION_KEY] = reader


def update_request_days() -> int:
    """How many days before a meeting its update requests go out, and its agenda is built."""
    reader = current_app.extensions.get(EXTENSION_KEY)
    return reader() if reader is not None else DEFAULT_DAYS
