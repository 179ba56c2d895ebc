"""A lock row in the database so only one scheduler process runs jobs at a time.

Taking or renewing the lock is one atomic UPDATE … WHERE the lock has expired or is already
ours, which SQLite and PostgreSQL both apply to one writer at a time. Each call runs in its
own short transaction on its own connection, committed at once.
"""
from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from tracker import clock
from tracker.extensions import db
from tracker.reminders.models import SchedulerLock

LOCK_NAME = "reminders"
LOCK_TTL = timedelta(seconds=120)
locks = SchedulerLock.__table__


def new_holder() -> str:
    """A name for this process: host, process id and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(holder: str, *, name: str = LOCK_NAME, now: datetime | None = None, ttl: timedelta = LOCK_TTL) -> bool:
    """Take the lock, or renew it if `holder` has it; False while someone else holds it."""
    now = now or clock.utcnow()
    with db.engine.begin() as connection:
        taken = connection.execute(
            update(locks)
            .where(locks.c.name == name, or_(locks.c.expires_at < now, locks.c.holder == holder))
            .values(holder=holder, expires_at=now + ttl)
        ).rowcount
        if taken == 1:
            return True
        if connection.execute(select(locks.c.name).where(locks.c.name == name)).first() is not None:
            return False
    return _create(holder, name, now + ttl)


def _create(holder: str, name: str, expires_at: datetime) -> bool:
    """The first lock of this name; False when another process created it at the same moment."""
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(locks).values(name=name, holder=holder, expires_at=expires_at))
    except IntegrityError:
        return False
    return True


def release(holder: str, *, name: str = LOCK_NAME, now: datetime | None = None) -> None:
    """Give the lock up at once (on shutdown), if `holder` has it."""
    now = now or clock.utcnow()
    with db.engine.begin() as connection:
        connection.execute(update(locks).where(locks.c.name == name, locks.c.holder == holder)
                           .values(expires_at=now - timedelta(seconds=1)))


def holder_of(*, name: str = LOCK_NAME, now: datetime | None = None) -> str | None:
    """Who holds the lock now, if anyone."""
    now = now or clock.utcnow()
    with db.engine.connect() as connection:
        row = connection.execute(select(locks.c.holder, locks.c.expires_at).where(locks.c.name == name)).first()
    return row.holder if row is not None and row.expires_at >= now else None
