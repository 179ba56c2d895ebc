"""Replacing a stored year of results, the same way for WRES indicator years and WDES years.

A service: it changes models, writes the audit event and flushes; the caller commits once.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import delete, select

from tracker.audit.service import record
from tracker.extensions import db
from tracker.indicators.ratios import round_half_up

Year = TypeVar("Year")


def audit_changes(before: Iterable[Any], after: Iterable[Any], number: str) -> dict[str, list]:
    """{"2 value": [old, new]} for headline figures that changed (2 dp); `number` names the figure's
    indicator or metric attribute."""
    def shown(rows):
        return {f"{getattr(row, number)} {row.measure}": None if row.value is None else round_half_up(row.value, 2)
                for row in rows}
    old, new = shown(before), shown(after)
    return {key: [old.get(key), new.get(key)] for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)}


def replace_year(year: int, row: Year, values: list, actor, summary: str, *, value_model: type, number: str,
                 subject_type: str) -> Year:
    """Delete the stored year (its row and its `value_model` rows, if any) and insert `row` with `values`, in the
    caller's transaction; the audit event says "imported" or "replaced" and which headline figures changed."""
    year_model = type(row)
    old = db.session.scalar(select(year_model).where(year_model.year == year))
    before = list(old.values) if old is not None else []
    changes = {"source": [old.source if old else None, row.source], **audit_changes(before, values, number)}
    if old is not None:
        db.session.execute(delete(value_model).where(value_model.year == year))
        db.session.execute(delete(year_model).where(year_model.year == year))
        db.session.expunge(old)
        summary += f" (replacing the {old.source} results)"
    row.year, row.imported_by_id, row.values = year, getattr(actor, "id", None), values
    db.session.add(row)
    db.session.flush()
    record(actor, row, "replaced" if old is not None else "imported", changes, summary=summary,
           subject_type=subject_type)
    return row
