"""Helpers shared by several test folders."""
from contextlib import contextmanager

from sqlalchemy import event, text

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


def rating_after_audit_chain(changes_in_order) -> dict:
    """Walk progress-update audit changes oldest first, asserting each "before" is what the previous
    event left; return the status and RAG the chain ends on. JSON text (raw SQL on SQLite) is decoded."""
    import json

    rating = {"status": None, "rag": None}
    for changes in changes_in_order:
        changes = json.loads(changes) if isinstance(changes, str) else changes
        for field, (before, after) in changes.items():
            assert before == rating[field], (field, before, rating)
            rating[field] = after
    return rating


def store_wdes_year(result, source: str = "computed") -> None:
    """A WDES year as the import stores it: the whole result on the year, one row per headline figure; committed."""
    from tracker.indicators.models import WdesValue, WdesYear
    from tracker.indicators.wdes_headlines import wdes_headlines

    db.session.add(WdesYear(year=result.year, source=source, result=result.to_dict()))
    db.session.flush()
    db.session.add_all(WdesValue(**headline.to_dict(), year=result.year, source=source)
                       for headline in wdes_headlines(result))
    db.session.commit()


def generic_and_custom_plans(statement_start: str) -> list[tuple[int, int]]:
    """(generic plans, custom plans) of the statements this connection has prepared that start so."""
    return [tuple(row) for row in db.session.execute(text(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE :start"),
        {"start": statement_start + "%"})]
