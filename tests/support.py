"""Helpers shared by several test folders."""
from contextlib import contextmanager

from sqlalchemy import event

from tracker.extensions import db


@contextmanager
def counting_queries():
    """Count the SQL statements sent while the block runs: `with counting_queries() as count: …; count[0]`."""
    count = [0]

    def before_cursor_execute(*_args):
        count[0] += 1

    event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield count
    finally:
        event.remove(db.engine, "before_cursor_execute", before_cursor_execute)
