"""People who use the tracker or own actions."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, Index, String, Table, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.clock import utcnow
from tracker.extensions import db


class Role(enum.StrEnum):
    """What a user may do. Admin is the EDI lead."""

    ADMIN = "admin"
    REVIEWER = "reviewer"
    OWNER = "owner"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return {"admin": "Admin (EDI lead)", "reviewer": "Reviewer (forum member)",
                "owner": "Action owner", "viewer": "Viewer (read only)"}[self.value]


class User(UserMixin, db.Model):
    __tablename__ = "users"
    #: The users list's order (`tracker.admin.queries.users_query`), so a page of it is read in order.
    __table_args__ = (Index("ix_users_lower_name", text("lower(name)"), "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-case; null for owners named in a plan who do not sign in.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default=Role.OWNER.value)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: Inactive users cannot sign in and get no email; their actions are kept.
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: How the user gets their own reminders: "immediate" or a weekly "digest".
    reminder_delivery: Mapped[str] = mapped_column(String(10), default="immediate", server_default="immediate")
    #: The secret in the user's calendar feed address; null when they have no feed.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    #: The NHS account (OpenID Connect subject) first used to sign in, e.g. "entra:<tid>:<oid>" or
    #: "sub:<sub>"; later single sign-ins must come from the same one. Null until then.
    sso_subject: Mapped[str | None] = mapped_column(String(255), unique=True)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_review(self) -> bool:
        return self.role in (Role.ADMIN, Role.REVIEWER)

    @property
    def display_name(self) -> str:
        return f"{self.name}, {self.job_title}" if self.job_title else self.name

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.name!r}>"


person_alias_users = Table(
    "person_alias_users",
    db.metadata,
    Column("alias_id", ForeignKey("person_aliases.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class PersonAlias(db.Model):
    """A way plans name people ("BA / Execs", "EDI Lead") and the user(s) it stands for.

    Imports match a 'By who' or owners text against these before splitting it into names.
    """

    __tablename__ = "person_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: As the EDI lead typed it, spaces tidied; matched without regard to case.
    text: Mapped[str] = mapped_column(String(200))
    #: Lower-case text with single spaces: unique, so one text never means two things.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    users: Mapped[list[User]] = relationship(secondary=person_alias_users, order_by="User.name")

    def __repr__(self) -> str:
        return f"<PersonAlias {self.id} {self.text!r}>"


class SignInSession(db.Model):
    """One signed-in browser. Its cookie holds a random token; only the token's SHA-256 is kept here,
    so reading this table gives no usable cookies. A session ends at sign-out, when the user's password
    is set or reset, when they are deactivated or signed out everywhere, or after the idle and absolute
    timeouts (`tracker.auth.sessions`)."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: hex SHA-256 of the cookie's token; every signed-in request looks it up.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: "password" or "NHS account"
    method: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    #: Updated at most once every few minutes (sessions.TOUCH_INTERVAL), not on every request.
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    #: "signed out", "password set", "password reset", "deactivated", "signed out everywhere",
    #: "used elsewhere" (the cookie came from another address or browser)
    ended_reason: Mapped[str | None] = mapped_column(String(40))
    #: "Chrome on Windows": a summary, not the whole header.
    user_agent: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<SignInSession {self.id} user={self.user_id}>"


class SignInFailure(db.Model):
    """A refused sign-in, counted per account (email) and per address for the sign-in limits
    (`tracker.auth.limits`). Kept a day; the audit trail keeps the history."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_email_at", "email", "at"),
                      Index("ix_sign_in_failures_address_at", "address", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    #: The email tried, lower-case (it may name no user).
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
