"""Action references ("1.2", "2.10", "3a") in the order people read them: 1.2 before 1.10.

Pure code: no Flask, no database.
"""
from __future__ import annotations

import re

_PARTS = re.compile(r"[.\s\-]+")
_WIDTH = 9


def _parts(ref: str) -> list[str]:
    return [part for part in _PARTS.split(ref.strip()) if part]


def ref_key(ref: str) -> tuple:
    """Sort key in Python: numbers by value, numbers before words, a shorter ref before its children."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower()) for part in _parts(ref))


def ref_order(ref: str) -> str:
    """The same order as a string the database can sort by (kept in `actions.ref_order`)."""
    return ".".join("0" + part[-_WIDTH:].zfill(_WIDTH) if part.isdigit() else "1" + part.lower()
                    for part in _parts(ref))
