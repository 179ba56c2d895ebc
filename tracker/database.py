"""Database engine settings that differ between SQLite and PostgreSQL."""
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tracker.extensions import db


def configure_database(app: Flask) -> None:
    """Turn on SQLite's foreign keys and a busy timeout so concurrent writers wait."""
    app.teardown_request(_end_request_session)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_on_connect)


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _end_request_session(_error=None) -> None:
    db.session.remove()
