"""RAG ratings and status words: the vocabulary of progress reports."""
from __future__ import annotations

RAG_VALUES = ("red", "amber", "green", "blue")
RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue (complete)", None: "Not rated"}
#: NHS.UK tag colours; the word is always shown as well.
RAG_TAG_COLOURS = {"red": "red", "amber": "orange", "green": "green", "blue": "blue", None: "grey"}

STATUS_WORDS = (
    "NOT STARTED",
    "PROGRESS MADE",
    "ON TRACK",
    "PART ACHIEVED",
    "DELAYED",
    "DELAYED BUT PROGRESSING",
    "ACHIEVED",
    "ACHIEVED AND ONGOING",
    "CANCELLED",
    "CARRIED FORWARD",
)
#: Status words that mean the action needs no more chasing.
CLOSED_STATUSES = frozenset({"ACHIEVED", "ACHIEVED AND ONGOING", "CANCELLED", "CARRIED FORWARD"})
ACHIEVED_STATUSES = frozenset({"ACHIEVED", "ACHIEVED AND ONGOING"})


def normalise_rag(value: str | None) -> str | None:
    """'Red', ' R ', 'complete' → 'red' …; blank → None; anything else raises ValueError."""
    text = (value or "").strip().lower()
    if not text or text in {"not rated", "none", "-", "n/a"}:
        return None
    aliases = {"r": "red", "a": "amber", "g": "green", "b": "blue", "complete": "blue",
               "completed": "blue", "blue (complete)": "blue"}
    text = aliases.get(text, text)
    if text not in RAG_VALUES:
        raise ValueError(f"'{value}' is not a RAG rating: use Red, Amber, Green, Blue (complete) or leave blank")
    return text


def normalise_status(value: str | None) -> str | None:
    """Status words are kept in capitals, with '&' written as AND; blank → None."""
    text = " ".join((value or "").replace("&", " AND ").split()).upper()
    return text or None


def is_closed(status: str | None, rag: str | None) -> bool:
    return rag == "blue" or (status or "") in CLOSED_STATUSES
