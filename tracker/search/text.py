"""What a person typed into the search box, made safe for the database, and highlighted results.

Pure code: no Flask, no database (markupsafe only escapes).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

#: Longer searches are refused with a message; nobody types a paragraph to find an action.
MAX_LENGTH = 200
#: Marks around matched words, from the database's highlighting; private-use characters, so
#: they are never part of what people type or store, and only they become <mark>.
OPEN, CLOSE = "\ue000", "\ue001"

_WORD = re.compile(r"\w", re.UNICODE)
_MARKERS = re.compile(f"[{OPEN}{CLOSE}]")
#: "3.5", "WRES 3.5", "Action 3.5", "3a", "2.10.1": a reference, perhaps after a plan's prefix.
_REF = re.compile(r"^(?:(?:wres|action|ref)\s*)?(\d+[a-z]?(?:[.\-]\d+[a-z]?)*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Search:
    text: str
    words: tuple[str, ...]
    too_long: bool = False

    @property
    def empty(self) -> bool:
        return not self.words


def read_search(raw: str | None) -> Search:
    """The words of a search: whitespace-separated pieces holding at least one letter or digit,
    control characters and the highlight markers dropped. Longer than MAX_LENGTH: no words."""
    text = " ".join(_MARKERS.sub("", raw or "").split())
    text = "".join(ch for ch in text if ch.isprintable())
    if len(text) > MAX_LENGTH:
        return Search(text=text[:MAX_LENGTH], words=(), too_long=True)
    return Search(text=text, words=tuple(piece for piece in text.split(" ") if _WORD.search(piece)))


def fts5_match(words: tuple[str, ...]) -> str:
    """An FTS5 MATCH expression finding rows with every word: each word a quoted string, so quotes,
    *, -, parentheses, NEAR, AND, OR and NOT are only text ("3.5" is the phrase 3 5)."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def plain_query(words: tuple[str, ...]) -> str:
    """The words for PostgreSQL's plainto_tsquery, which reads no operators."""
    return " ".join(words)


def typed_ref(search: Search) -> str | None:
    """The action reference the whole search is ("3.5", "WRES 3.5"), or None."""
    found = _REF.match(search.text.strip())
    return found.group(1) if found else None


def marked(text: str | None) -> Markup:
    """Highlighted text as HTML: the text escaped, only the markers turned into <mark>, always balanced."""
    out: list[str] = []
    open_ = False
    for piece in re.split(f"([{OPEN}{CLOSE}])", text or ""):
        if piece == OPEN:
            if not open_:
                out.append("<mark>")
                open_ = True
        elif piece == CLOSE:
            if open_:
                out.append("</mark>")
                open_ = False
        else:
            out.append(str(escape(piece)))
    if open_:
        out.append("</mark>")
    return Markup("".join(out))
