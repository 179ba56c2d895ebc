"""Signing in, creating users and one-time password links."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.audit.service import diff, record
from tracker.auth.models import PersonAlias, Role, User
from tracker.errors import DomainError
from tracker.extensions import db

PASSWORD_LINK_MAX_AGE = 3 * 24 * 3600
MIN_PASSWORD_LENGTH = 10


class UserError(DomainError):
    """A user could not be created or changed; the message says why."""


@dataclass(frozen=True)
class UserData:
    """What an admin may change about a user."""

    name: str
    email: str | None
    role: str
    job_title: str | None = None


USER_FIELDS = ("name", "email", "job_title", "role")
LOCK_OUT_REASON = "so the trust always has an admin who can sign in"


def normalise_email(email: str | None) -> str | None:
    text = (email or "").strip().lower()
    return text or None


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (never says which was wrong)."""
    user = find_by_email(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters")


def create_user(*, email: str | None, name: str, role: str, actor: User | None,
                job_title: str | None = None, password: str | None = None, active: bool = True) -> User:
    """Add a user; email is optional for owners who never sign in."""
    name = _clean_name(name)
    _check_role(role)
    email = normalise_email(email)
    if email and _email_taken(email):
        raise UserError(f"A user with the email {email} already exists", field="email")
    user = User(email=email, name=name, role=role, job_title=job_title or None, active=active)
    if password:
        check_password_rules(password)
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(actor, user, "created", {"email": [None, email], "role": [None, role], "name": [None, name]})
    return user


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="set-password")


def _password_fingerprint(user: User) -> str:
    """Changes when the password changes, so each link works once."""
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def password_link_token(user: User, secret_key: str) -> str:
    return _serializer(secret_key).dumps({"u": user.id, "p": _password_fingerprint(user)})


def user_for_password_token(token: str, secret_key: str, max_age: int = PASSWORD_LINK_MAX_AGE) -> User | None:
    """The user a set-password link is for, or None if it is wrong, expired or used."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = db.session.get(User, data["u"])
    if user is None or not user.active or data.get("p") != _password_fingerprint(user):
        return None
    return user


def set_password(user: User, password: str, actor: User | None) -> None:
    check_password_rules(password)
    user.set_password(password)
    record(actor, user, "password set", {})


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


def _clean_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise UserError("Enter the person's name", field="name")
    return name


def _check_role(role: str) -> None:
    if role not in {r.value for r in Role}:
        raise UserError(f"Role must be one of: {', '.join(r.value for r in Role)}", field="role")


def _email_taken(email: str, except_id: int | None = None) -> bool:
    query = select(func.count()).select_from(User).where(User.email == email)
    if except_id is not None:
        query = query.where(User.id != except_id)
    return bool(db.session.scalar(query))


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(User)
        .where(User.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id)
    ) or 0


def _check_admin_may_go(user: User, actor: User | None, field: str, own_message: str) -> None:
    """Refuse to demote or deactivate yourself, or the last active admin."""
    if actor is not None and actor.id == user.id:
        raise UserError(f"{own_message}. Ask another admin to do it, {LOCK_OUT_REASON}", field=field)
    if user.is_admin and user.active and not _other_active_admins(user):
        raise UserError(f"{user.name} is the only active admin. Make someone else an admin "
                                    f"first, {LOCK_OUT_REASON}", field=field)


def _snapshot(user: User) -> dict:
    return {field: getattr(user, field) for field in USER_FIELDS}


def update_user(user: User, data: UserData, actor: User | None) -> dict[str, list]:
    """Change a user's details and record what changed; returns {field: [before, after]}."""
    name = _clean_name(data.name)
    _check_role(data.role)
    email = normalise_email(data.email)
    if email and _email_taken(email, except_id=user.id):
        raise UserError(f"A user with the email {email} already exists", field="email")
    if user.is_admin and data.role != Role.ADMIN.value:
        _check_admin_may_go(user, actor, "role", "You cannot remove your own admin role")
    before = _snapshot(user)
    user.name, user.email, user.role = name, email, data.role
    user.job_title = " ".join((data.job_title or "").split()) or None
    changes = diff(before, _snapshot(user))
    if changes:
        record(actor, user, "updated", changes)
        db.session.flush()
    return changes


def deactivate_user(user: User, actor: User | None) -> None:
    """Stop a user signing in and being emailed; their actions stay theirs."""
    if not user.active:
        return
    _check_admin_may_go(user, actor, "active", "You cannot deactivate your own account")
    user.active = False
    record(actor, user, "deactivated", {"active": [True, False]})
    db.session.flush()


def reactivate_user(user: User, actor: User | None) -> None:
    """Let a deactivated user sign in again."""
    if user.active:
        return
    user.active = True
    record(actor, user, "reactivated", {"active": [False, True]})
    db.session.flush()


def reset_password(user: User, secret_key: str, actor: User | None) -> str:
    """A new one-time set-password token; the current password works until the new one is set."""
    if not user.email:
        raise UserError(f"{user.name} has no email address, so cannot sign in. Add their email first")
    if not user.active:
        raise UserError(f"{user.name} is inactive. Reactivate them before resetting their password")
    record(actor, user, "password reset", {})
    db.session.flush()
    return password_link_token(user, secret_key)



# People aliases: the EDI lead says what a text used in plans means ("BA / Execs" → two users).

ALIAS_LIMIT = 200


def alias_key(text: str) -> str:
    return person_key(text)


def save_alias(alias: PersonAlias | None, text: str, users: list[User], actor: User | None) -> PersonAlias:
    """Create (alias None) or change an alias; the text must be new and name at least one user."""
    text = " ".join((text or "").split())
    if not text:
        raise UserError("Enter the text used in plans, like 'BA / Execs'", field="text")
    if len(text) > ALIAS_LIMIT:
        raise UserError(f"The text can have at most {ALIAS_LIMIT} characters", field="text")
    if not users:
        raise UserError("Choose at least one person the text stands for", field="users")
    key = alias_key(text)
    taken = db.session.scalar(select(PersonAlias).where(PersonAlias.key == key))
    if taken is not None and taken is not alias:
        raise UserError(f"'{taken.text}' is already an alias: change that one instead", field="text")
    users = list(dict.fromkeys(users))
    before = {"text": alias.text, "people": [u.name for u in alias.users]} if alias else {}
    if alias is None:
        alias = PersonAlias(text=text, key=key)
        db.session.add(alias)
    alias.text, alias.key, alias.users = text, key, users
    db.session.flush()
    changes = diff(before, {"text": text, "people": [u.name for u in users]})
    if changes:
        record(actor, alias, "updated" if before else "created", changes, summary=f"Alias '{text}'",
               subject_type="person_alias")
    return alias


def delete_alias(alias: PersonAlias, actor: User | None) -> None:
    record(actor, alias, "deleted", {"text": [alias.text, None], "people": [[u.name for u in alias.users], None]},
           summary=f"Alias '{alias.text}' deleted", subject_type="person_alias")
    db.session.delete(alias)
    db.session.flush()
