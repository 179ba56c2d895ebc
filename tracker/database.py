"""Database engine settings, how each request's transaction ends, and the one way to commit."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import Integer, Table, Text, bindparam, event, insert, literal, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

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


#: Statements that change nothing a COMMIT would keep: a SELECT; a WITH … SELECT whose text holds no
#: INSERT, UPDATE, DELETE or MERGE (the app writes SQL keywords in capitals, and its literals such as
#: 'update' in lower case); SET LOCAL, which ends with the transaction however it ends.
_READS = re.compile(r"\s*(?:SELECT\b|SET LOCAL\b|WITH\b(?!.*\b(?:INSERT|UPDATE|DELETE|MERGE)\b))", re.DOTALL)


def _note_writes(connection: Connection, _cursor, statement: str, *_args) -> None:
    """Mark the transaction as one that wrote, for anything but a read (see _READS; to be safe, any
    other statement counts as a write)."""
    if _READS.match(statement) is None:
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


# Lists of ids as one parameter --------------------------------------------------------------------

class IdList(TypeDecorator):
    """A list of ids bound as one parameter: an integer array on PostgreSQL, JSON text on SQLite."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect):
        return dialect.type_descriptor(ARRAY(Integer) if dialect.name == "postgresql" else Text())

    def process_bind_param(self, value: Iterable[int] | None, dialect: Dialect):
        ids = [int(id_) for id_ in value or ()]
        return ids if dialect.name == "postgresql" else json.dumps(ids)


class _Among(FunctionElement):
    """`column IN (ids)`, written for each database when the statement is compiled (see among). Of no
    type: a Boolean one would be written `… = 1` on SQLite, which no index answers."""

    name = "among"
    inherit_cache = True


@compiles(_Among)
def _among_on_sqlite(element: _Among, compiler, **kw) -> str:
    column, ids = element.clauses
    return f"{compiler.process(column, **kw)} IN (SELECT value FROM json_each({compiler.process(ids, **kw)}))"


@compiles(_Among, "postgresql")
def _among_on_postgresql(element: _Among, compiler, **kw) -> str:
    column, ids = element.clauses
    return f"{compiler.process(column, **kw)} = ANY ({compiler.process(ids, **kw)})"


def among(column: ColumnElement, name: str) -> ColumnElement[bool]:
    """`column IN (the ids)`, the ids bound as the one parameter `name` (run with a list of ints): on
    PostgreSQL `= ANY(array)`, on SQLite `IN (SELECT value FROM json_each(text))`.

    An expanding IN binds every id as a parameter of its own, which costs SQLAlchemy and the driver
    work for each one on every request, and writes the statement anew for each number of ids, so
    neither database's statement cache keeps it. This is one parameter and one statement text."""
    return _Among(column, bindparam(name, type_=IdList()))


class _JoinedInOrder(FunctionElement):
    """Text values joined with a separator, in a subquery's order (see joined_in_order)."""

    name = "joined_in_order"
    inherit_cache = True
    type = Text()


@compiles(_JoinedInOrder)
def _joined_on_sqlite(element: _JoinedInOrder, compiler, **kw) -> str:
    value, separator, *_order = element.clauses
    return f"group_concat({compiler.process(value, **kw)}, {compiler.process(separator, **kw)})"


@compiles(_JoinedInOrder, "postgresql")
def _joined_on_postgresql(element: _JoinedInOrder, compiler, **kw) -> str:
    value, separator, *order = element.clauses
    by = ", ".join(compiler.process(column, **kw) for column in order)
    return f"string_agg({compiler.process(value, **kw)}, {compiler.process(separator, **kw)} ORDER BY {by})"


def joined_in_order(value: ColumnElement, separator: str, *order: ColumnElement) -> ColumnElement[str]:
    """`value` of each row joined with `separator` in the order of `order` (NULL for no rows), where the
    rows come from a subquery ordered by `order`. PostgreSQL is told the order in the aggregate
    (`string_agg(… ORDER BY …)`). SQLite's group_concat takes no ORDER BY before 3.44, but reads an
    ordered subquery in its order: SQLite never flattens a subquery with ORDER BY into an aggregate."""
    return _JoinedInOrder(value, literal(separator), *order)


_GENERIC_PLANS = text("SET LOCAL plan_cache_mode = force_generic_plan")
_PLANS_AS_USUAL = text("SET LOCAL plan_cache_mode TO DEFAULT")


@contextmanager
def planned_for_any_values() -> Iterator[None]:
    """On PostgreSQL, plan the statements run inside once per connection for any values (a generic plan),
    then go back to the server's usual choice; nothing on SQLite.

    psycopg prepares a statement after its fifth run on a connection, and PostgreSQL then plans it afresh
    for each run's values unless a generic plan is estimated to cost no more. For a statement of many
    joins and correlated subqueries that planning can cost more than running it (the agenda's items: 0.7 ms
    to plan, 0.6 to run, at ten times the ICS volume). Use this only for a statement whose best plan does
    not depend on its values (rows found by key, and any LIMIT written into the statement: with LIMIT as a
    parameter a generic plan guesses how many rows it keeps).

    After an error inside, nothing more is sent: a failed statement has aborted the transaction, which is
    rolled back, and the setting with it."""
    if db.session.get_bind().dialect.name != "postgresql":
        yield
        return
    db.session.execute(_GENERIC_PLANS)
    yield
    db.session.execute(_PLANS_AS_USUAL)


# Bulk inserts ----------------------------------------------------------------------------------

def insert_rows(table: Table, rows: list[dict]) -> None:
    """Insert many rows (dicts with the same keys) into `table` with one executemany: psycopg sends them
    in one pipeline, sqlite3 in one call. (Multi-row VALUES statements were slower on PostgreSQL:
    psycopg spends longer preparing each large statement than the round trips it saves.)"""
    if rows:
        db.session.execute(insert(table), rows)


def bulk_marks() -> dict[str, int]:
    """The highest action and progress update ids now (0 when there are none): a bulk load's new rows are
    those above them."""
    return {"actions": db.session.scalar(text("SELECT coalesce(max(id), 0) FROM actions")),
            "updates": db.session.scalar(text("SELECT coalesce(max(id), 0) FROM progress_updates"))}


@contextmanager
def triggers_off(triggers: Sequence[tuple[str, str]]) -> Iterator[None]:
    """The triggers, given as (table, trigger name), do not fire inside the block; they fire again after it.

    For a bulk load that fills, on the way out, what the triggers would have written, in one statement
    instead of one trigger run per row. Everything happens in the caller's transaction, DDL included:
    SQLite drops the triggers and creates them again from their own stored text; PostgreSQL disables and
    enables them, holding a lock that keeps other writers of those tables waiting until commit. If the
    block raises, nothing is put back here: the caller rolls back, which restores the triggers as well
    (`committing` does). Blocks nest: each puts back its own triggers."""
    session = db.session
    names = [name for _table, name in triggers]
    if is_sqlite(session.get_bind()):
        if not session.connection().connection.driver_connection.in_transaction:
            session.execute(text("BEGIN"))  # DDL outside a transaction would be kept even on a rollback
        stored = session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN :names "
                                      "ORDER BY rowid").bindparams(bindparam("names", expanding=True)),
                                 {"names": names}).all()
        for name, _sql in stored:
            session.execute(text(f"DROP TRIGGER {name}"))
        yield
        for _name, sql in stored:
            session.execute(text(sql))
    else:
        for table, name in triggers:
            session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {name}"))
        yield
        for table, name in triggers:
            session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {name}"))
