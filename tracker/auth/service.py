"""Signing in, creating users and one-time password links."""
from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from tracker.audit.service import record
from tracker.auth.models import Role, User
from tracker.extensions import db

PASSWORD_LINK_MAX_AGE = 3 * 24 * 3600
MIN_PASSWORD_LENGTH = 10


class UserError(ValueError):
    """A user could not be created or changed; the message says why."""


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
    name = " ".join((name or "").split())
    if not name:
        raise UserError("Enter the person's name")
    if role not in {r.value for r in Role}:
        raise UserError(f"Role must be one of: {', '.join(r.value for r in Role)}")
    email = normalise_email(email)
    if email and db.session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise UserError(f"A user with the email {email} already exists")
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


def split_people(text: str | None) -> list[str]:
    """'Jo Bloggs; a.n.other@trust.nhs.uk' → ['Jo Bloggs', 'a.n.other@trust.nhs.uk']."""
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def resolve_people(names: list[str]) -> tuple[list[User], list[str]]:
    """Users matched by email or name (case-insensitive), and the names that matched nobody."""
    if not names:
        return [], []
    lowered = {name.lower() for name in names}
    candidates = db.session.scalars(
        select(User).where(func.lower(User.name).in_(lowered) | User.email.in_(lowered))
    ).all()
    by_key: dict[str, User] = {}
    for user in sorted(candidates, key=lambda u: (not u.active, u.id)):
        by_key.setdefault(user.name.lower(), user)
        if user.email:
            by_key.setdefault(user.email, user)
    found, unknown = [], []
    for name in names:
        user = by_key.get(name.lower())
        if user is None:
            unknown.append(name)
        elif user not in found:
            found.append(user)
    return found, unknown
