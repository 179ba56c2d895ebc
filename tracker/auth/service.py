"""Signing in, creating users and one-time password links."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.audit.service import diff, record
from tracker.auth.models import PersonAlias, Role, User
from tracker.auth.people import person_key, split_people
from tracker.auth.sessions import end_all_sessions
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
    user, reason = check_sign_in(email, password)
    return None if reason else user


@cache
def _stand_in_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method="scrypt")


def check_sign_in(email: str, password: str) -> tuple[User | None, str]:
    """(user, "") when this email and password sign in; otherwise the user if any and the reason,
    for the audit trail only ("unknown email", "wrong password", "no password set", "inactive").
    An unknown email costs a password check too, so the time taken does not say which emails exist."""
    user = find_by_email(email) if email else None
    if user is None:
        check_password_hash(_stand_in_hash(), password)
        return None, "unknown email"
    if not user.password_hash:
        check_password_hash(_stand_in_hash(), password)
        return user, "no password set"
    if not user.check_password(password):
        return user, "wrong password"
    if not user.active:
        return user, "inactive"
    return user, ""


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
    """Set the password and end every session of the user: a copied cookie stops working."""
    check_password_rules(password)
    user.set_password(password)
    ended = end_all_sessions(user, "password set")
    record(actor, user, "password set", {}, summary=_ended_summary("Password set", ended))


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
    ended = end_all_sessions(user, "deactivated")
    record(actor, user, "deactivated", {"active": [True, False]}, summary=_ended_summary("Deactivated", ended))
    db.session.flush()


def reactivate_user(user: User, actor: User | None) -> None:
    """Let a deactivated user sign in again."""
    if user.active:
        return
    user.active = True
    record(actor, user, "reactivated", {"active": [False, True]})
    db.session.flush()


def reset_password(user: User, secret_key: str, actor: User | None) -> str:
    """A new one-time set-password token; every session of the user ends now, and the current
    password works until the new one is set."""
    if not user.email:
        raise UserError(f"{user.name} has no email address, so cannot sign in. Add their email first")
    if not user.active:
        raise UserError(f"{user.name} is inactive. Reactivate them before resetting their password")
    ended = end_all_sessions(user, "password reset")
    record(actor, user, "password reset", {}, summary=_ended_summary("Password reset", ended))
    db.session.flush()
    return password_link_token(user, secret_key)


def _ended_summary(done: str, sessions_ended: int) -> str:
    if not sessions_ended:
        return done
    return f"{done}; {sessions_ended} sign-in session{'s' if sessions_ended != 1 else ''} ended"



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


def alias_people(text: str) -> list[User]:
    """The users named by exact name or email, one a line or separated by ';'; raises UserError naming the rest."""
    names = split_people(text)
    keys = {person_key(name) for name in names}
    users = db.session.scalars(select(User).where(func.lower(User.name).in_(keys) | User.email.in_(keys))).all()
    found = {}
    for user in sorted(users, key=lambda u: (not u.active, u.id)):
        found.setdefault(person_key(user.name), user)
        if user.email:
            found.setdefault(user.email, user)
    unknown = [name for name in names if person_key(name) not in found]
    if unknown:
        raise UserError(f"No user is called {', '.join(unknown)}: add them under Users first, "
                        "or write their name or email as the Users page shows it", field="people")
    return list(dict.fromkeys(found[person_key(name)] for name in names))


def delete_alias(alias: PersonAlias, actor: User | None) -> None:
    record(actor, alias, "deleted", {"text": [alias.text, None], "people": [[u.name for u in alias.users], None]},
           summary=f"Alias '{alias.text}' deleted", subject_type="person_alias")
    db.session.delete(alias)
    db.session.flush()


# Single sign-on: who an NHS account is here. The token itself is checked in tracker/auth/oidc.py.

#: Why a single sign-in was refused or failed: the audit verb for each.
SSO_REFUSALS = {
    "domain": "NHS sign-in refused: domain",
    "unknown": "NHS sign-in refused: unknown user",
    "mismatch": "NHS sign-in refused: account mismatch",
    "inactive": "NHS sign-in refused: inactive user",
    "no email": "NHS sign-in refused: no email",
    "provider": "NHS sign-in failed: provider error",
    "state": "NHS sign-in failed: state",
    "token": "NHS sign-in failed: token",
}


@dataclass(frozen=True)
class SsoOutcome:
    """The user to sign in, or why not (a key of SSO_REFUSALS) and the email the provider gave."""

    user: User | None
    refusal: str | None = None
    email: str | None = None


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()


def user_for_sso(email: str | None, subject: str, name: str | None, allowed_domains: tuple[str, ...],
                 auto_create: bool, address: str | None = None) -> SsoOutcome:
    """The user an NHS account signs in as, creating a viewer when allowed; every refusal is audited
    (the caller starts the session, which audits the sign-in itself).

    - an email outside `allowed_domains` is refused; with no domains listed only existing users may
      sign in and nobody is created;
    - users are matched by email, ignoring case; an unknown person is created as a viewer only when
      `auto_create` is on and domains are listed;
    - the account's subject is stored on the first single sign-in and must match afterwards, and one
      subject belongs to one user;
    - inactive users are refused.
    """
    email = normalise_email(email)
    if not email:
        return _refuse("no email", None, None, address, f"No email address in the token (subject {subject})", subject)
    if allowed_domains and email_domain(email) not in allowed_domains:
        return _refuse("domain", None, email, address, f"{email} is not in the allowed domains ({', '.join(allowed_domains)})",
                       subject)
    user = find_by_email(email)
    holder = db.session.scalar(select(User).where(User.sso_subject == subject))
    if holder is not None and holder is not user:
        return _refuse("mismatch", user, email, address, f"The NHS account {subject} is linked to {holder.name} "
                       f"(user {holder.id}), not to {email}", subject)
    created = False
    if user is None:
        if not (auto_create and allowed_domains):
            return _refuse("unknown", None, email, address, f"No user has the email {email}", subject)
        user = create_user(email=email, name=name or email.split("@")[0], role=Role.VIEWER.value, actor=None)
        created = True
    if not user.active:
        return _refuse("inactive", user, email, address, f"{user.name} is inactive", subject)
    if user.sso_subject and user.sso_subject != subject:
        return _refuse("mismatch", user, email, address, f"The NHS account {subject} is not the one linked to this user "
                       f"({user.sso_subject})", subject)
    if user.sso_subject is None:
        user.sso_subject = subject
        summary = "Account created as a viewer on first sign-in" if created else "Linked at first single sign-in"
        record(user, user, "NHS account linked", {"sso_subject": [None, subject]}, summary=summary)
        db.session.flush()
    return SsoOutcome(user, email=email)


def _refuse(reason: str, user: User | None, email: str | None, address: str | None, summary: str,
            subject: str | None) -> SsoOutcome:
    record_sso_failure(reason, summary, user=user, subject=subject, email=email, address=address)
    return SsoOutcome(None, reason, email)


def record_sso_failure(reason: str, summary: str, user: User | None = None, subject: str | None = None,
                       email: str | None = None, address: str | None = None) -> None:
    """Audit a single sign-in that did not happen in the sign-in trail (Admin, Sign-ins), against the
    user when one was found."""
    changes = {"email": [None, email], "address": [None, (address or "")[:64] or None], "reason": [None, summary]}
    if subject:
        changes["subject"] = [None, subject]
    record(None, user, SSO_REFUSALS[reason], changes, summary=summary, subject_type="sign_in")
    db.session.flush()


def unlink_sso(user: User, actor: User | None) -> str | None:
    """Forget the user's NHS account (a new account, or a re-registered app); returns the one forgotten."""
    subject = user.sso_subject
    if subject:
        user.sso_subject = None
        record(actor, user, "NHS account unlinked", {"sso_subject": [subject, None]})
        db.session.flush()
    return subject
