"""Who a plan's people texts name: "PG & LF", "BA / Execs", "Head of Nursing and Midwifery".

Matching reads every user and alias once (`PeopleDirectory`), so a whole file is matched in two
queries; changes to users and aliases are in `tracker.auth.service`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.auth.models import PersonAlias, User
from tracker.extensions import db

#: Separators of a list of people, tried in this order; each part is first matched whole.
#: ";" and line breaks always separate; the others only when a part then matches someone.
PEOPLE_LIST = re.compile(r"\s*(?:\n|;)\s*")
PEOPLE_SEPARATORS = (
    ("with", re.compile(r"\s+with\s+", re.I)),
    (",", re.compile(r"\s*,\s*")),
    ("/", re.compile(r"\s*/\s*")),
    ("&", re.compile(r"\s*&\s*")),
    ("and", re.compile(r"\s+and\s+", re.I)),
)
#: Initials are 2 to 4 capital letters ("PG", "LF"): read as a user only when exactly one user's
#: name has them.
INITIALS = re.compile(r"[A-Z]{2,4}")
#: The most words one name can span when a text such as "Kerry Smith BA RC" is read word by word.
MAX_NAME_WORDS = 4


def person_key(text: str | None) -> str:
    """How names are compared: lower case, single spaces, no full stop or comma at the ends."""
    return " ".join((text or "").split()).strip(" .,;").lower()


def split_people(text: str | None) -> list[str]:
    """'Jo Bloggs; a.n.other@trust.nhs.uk' → ['Jo Bloggs', 'a.n.other@trust.nhs.uk'] (";" and line breaks).

    Each part may still name several people ("PG & LF"): `resolve_people` splits it further
    only where the whole part matches nobody.
    """
    return [" ".join(part.split()) for part in PEOPLE_LIST.split(text or "") if part.strip()]


@dataclass
class PeopleMatch:
    """Who a text names: owners, supporting leads (after "with"), texts that matched nobody, and
    the matches that were guesses (initials, job titles, aliases, read word by word)."""

    owners: list[User] = field(default_factory=list)
    supporting: list[User] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)

    @property
    def users(self) -> list[User]:
        return self.owners + [user for user in self.supporting if user not in self.owners]

    def add(self, users: list[User], supporting: bool) -> None:
        target = self.supporting if supporting else self.owners
        for user in users:
            if user not in self.owners and user not in target:
                target.append(user)
        if not supporting:
            self.supporting[:] = [user for user in self.supporting if user not in self.owners]

    def merge(self, other: PeopleMatch) -> None:
        self.add(other.owners, False)
        self.add(other.supporting, True)
        self.unknown += [text for text in other.unknown if text not in self.unknown]
        self.guesses += [text for text in other.guesses if text not in self.guesses]


class PeopleDirectory:
    """Every user and alias, loaded once (two queries), to match the people texts of a whole file.

    A text is matched whole first (name, email, alias, the lead text of earlier actions, a job
    title held by one user, initials of one user's name); only when that fails is it split, at ";" and line breaks, then "with"
    (supporting leads), ",", "/", "&" and " and ", and at last word by word, so that
    "Head of Nursing and Midwifery" is never cut in two.
    """

    def __init__(self, known: dict[str, tuple[list[User], list[User]]] | None = None) -> None:
        """`known`: lead texts already used in the trust's plans (person_key → owners, supporting
        leads), from the layer that keeps plans; a whole text found there means the same people again."""
        self.known = known or {}
        users = sorted(db.session.scalars(select(User)).all(), key=lambda u: (not u.active, u.id))
        self.names: dict[str, User] = {}
        self.emails: dict[str, User] = {}
        titles: dict[str, list[User]] = {}
        initials: dict[str, list[User]] = {}
        for user in users:
            self.names.setdefault(person_key(user.name), user)
            if user.email:
                self.emails.setdefault(user.email.lower(), user)
            if user.job_title:
                titles.setdefault(person_key(user.job_title), []).append(user)
            letters = _initials(user.name)
            if letters:
                initials.setdefault(letters, []).append(user)
        self.titles = {key: found[0] for key, found in titles.items() if len(found) == 1}
        self.initials = {key: _one(found) for key, found in initials.items()}
        self.aliases: dict[str, list[User]] = {}
        for alias in db.session.scalars(select(PersonAlias).options(selectinload(PersonAlias.users))):
            self.aliases[alias.key] = list(alias.users)

    def whole(self, text: str) -> tuple[list[User], str] | None:
        """(users, how) when the whole text names someone; how is '' for a name or email, 'known'
        for a lead text used before (its supporting leads are in self.known), else the guess made."""
        key = person_key(text)
        if not key:
            return None
        if key in self.names:
            return [self.names[key]], ""
        if key in self.emails:
            return [self.emails[key]], ""
        if key in self.aliases and self.aliases[key]:
            return self.aliases[key], "alias"
        if key in self.known and self.known[key][0]:
            return self.known[key][0], "known"
        if key in self.titles:
            return [self.titles[key]], "job title"
        stripped = text.strip(" .,;")
        if INITIALS.fullmatch(stripped) and self.initials.get(stripped):
            return [self.initials[stripped]], "initials"
        return None

    def match(self, text: str | None) -> PeopleMatch:
        """Who the text names (see the class)."""
        result = PeopleMatch()
        whole = " ".join((text or "").split())
        if ";" in whole and self.whole(whole):
            self._resolve(whole, 0, False, result)
            return result
        for part in split_people(text):
            self._resolve(part, 0, False, result)
        return result

    def _resolve(self, text: str, level: int, supporting: bool, out: PeopleMatch) -> None:
        text = text.strip(" .,;")
        if not text:
            return
        found = self.whole(text)
        if found:
            users, how = found
            out.add(users, supporting)
            if how == "known":
                out.add(self.known[person_key(text)][1], True)
            elif how:
                out.guesses.append(f"'{text}' read as {', '.join(u.name for u in users)} ({how})")
            return
        for position in range(level, len(PEOPLE_SEPARATORS)):
            word, separator = PEOPLE_SEPARATORS[position]
            parts = [part for part in separator.split(text) if part.strip(" .,;")]
            if len(parts) < 2:
                continue
            attempt = PeopleMatch()
            for index, part in enumerate(parts):
                self._resolve(part, position + 1, supporting or (word == "with" and index > 0), attempt)
            if attempt.owners or attempt.supporting:
                out.merge(attempt)
                return
            break
        words = self._word_by_word(text)
        if words:
            out.add(words, supporting)
            out.guesses.append(f"'{text}' read word by word as {', '.join(u.name for u in words)}")
            return
        if text not in out.unknown:
            out.unknown.append(text)

    def _word_by_word(self, text: str) -> list[User] | None:
        """'Kerry Smith BA RC' → the users of 'Kerry Smith', 'BA' and 'RC' when every word is covered."""
        words = text.split()
        if len(words) < 2:
            return None
        best: dict[int, list[User] | None] = {len(words): []}
        for start in range(len(words) - 1, -1, -1):
            best[start] = None
            for end in range(min(len(words), start + MAX_NAME_WORDS), start, -1):
                rest = best.get(end)
                if rest is None or (start == 0 and end == len(words)):
                    continue
                found = self.whole(" ".join(words[start:end]))
                if found:
                    best[start] = found[0] + rest
                    break
        covered = best[0]
        return list(dict.fromkeys(covered)) if covered else None


def _initials(name: str) -> str:
    words = [word for word in re.split(r"[\s-]+", name) if word[:1].isalpha()]
    return "".join(word[0].upper() for word in words) if len(words) >= 2 else ""


def _one(users: list[User]) -> User | None:
    """The only user, else the only active one; None when the initials are shared."""
    if len(users) == 1:
        return users[0]
    active = [user for user in users if user.active]
    return active[0] if len(active) == 1 else None


def resolve_people(names: list[str], directory: PeopleDirectory | None = None) -> tuple[list[User], list[str]]:
    """Users named (by name, email, alias, job title or initials; see PeopleDirectory), and the
    texts that matched nobody."""
    if not names:
        return [], []
    directory = directory or PeopleDirectory()
    result = PeopleMatch()
    for name in names:
        result.merge(directory.match(name))
    return result.users, result.unknown

