"""Database engine settings, how each request's transaction ends, and the one way to commit."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import Table, event, insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from tracker.errors import DomainError
from tracker.extensions import db


def configure_database(app: Flask) -> None:
    """Turn on SQLite's foreign keys and a busy timeout so concurrent writers wait; note which
    transactions write, so each request's can end as _end_request_session says."""
    app.teardown_request(_end_request_session)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "before_cursor_execute", _note_writes)


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _note_writes(connection: Connection, _cursor, statement: str, *_args) -> None:
    """Mark the transaction as one that wrote, for anything but a plain SELECT (to be safe)."""
    if not statement.lstrip()[:6].upper() == "SELECT":
        connection.info["wrote"] = True


@event.listens_for(Session, "after_begin")
def _session_uses_connection(session: Session, _transaction, connection: Connection) -> None:
    connection.info["wrote"] = False
    session.info.setdefault("connections", []).append(connection)


@event.listens_for(Session, "after_transaction_end")
def _session_transaction_ended(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("connections", None)


def only_read(session: Session) -> bool:
    """True when the session's open transaction has run nothing but SELECTs and holds no changes."""
    transaction = session.get_transaction()
    connections = session.info.get("connections")
    if transaction is None or not transaction.is_active or not connections:
        return False
    if session.new or session.dirty or session.deleted:
        return False
    return all(connection.info.get("wrote") is False for connection in connections)


def _end_request_session(error=None) -> None:
    """End the request's transaction, then the session.

    A transaction that only read ends with COMMIT, which PostgreSQL treats exactly as a
    ROLLBACK there: psycopg forgets the connection's prepared statements on every rollback,
    so rolling back each page's reads made PostgreSQL plan every query of every page afresh.
    Anything that wrote, failed or left changes unsaved is rolled back as before."""
    if error is None and db.session.registry.has() and only_read(db.session()):
        try:
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
    db.session.remove()


@contextmanager
def committing(conflict: DomainError | None = None) -> Iterator[None]:
    """Commit what the block changed, once, when it ends; roll back if it raises.

    Every POST view and every CLI command that writes saves through this. A unique key
    broken at commit (two people saving the same name at the same moment) becomes `conflict`
    when one is given, so the form can say so; otherwise the error goes on up."""
    try:
        yield
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if conflict is None:
            raise
        raise conflict from None
    except BaseException:
        db.session.rollback()
        raise


# Bulk inserts ----------------------------------------------------------------------------------

def insert_rows(table: Table, rows: list[dict]) -> None:
    """Insert many rows (dicts with the same keys) into `table` with one executemany: psycopg sends them
    in one pipeline, sqlite3 in one call. (Multi-row VALUES statements were slower on PostgreSQL:
    psycopg spends longer preparing each large statement than the round trips it saves.)"""
    if rows:
        db.session.execute(insert(table), rows)
