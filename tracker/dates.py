"""How dates are written for people, the same on every page, email and document.

Locale independent: the month names are spelt out here, not taken from the server's locale.
"""
from __future__ import annotations

from datetime import date

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def long_date(day: date) -> str:
    """'5 September 2024'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """'12 Mar 2024'."""
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"
