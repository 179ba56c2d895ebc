"""Odd URLs are refused before any database query: ids beyond the integer range and control characters.

The database's integer columns are signed 32-bit; PostgreSQL refuses a larger number in a query
with an error (a 500), SQLite with an OverflowError. So every `<int:...>` in a route accepts only
1 to 2,147,483,647 (anything else is a 404, as an unknown id is), integer query parameters are read
with `query_int` (out of range or not a number reads as absent), and a path holding a control
character (NUL included, which PostgreSQL cannot store) is a 404. A request body larger than
MAX_CONTENT_LENGTH is refused (413) unless its view was marked with `accepts_larger_bodies`.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask, abort, current_app, request
from werkzeug.routing import IntegerConverter, Map

#: The largest value of the database's integer columns (signed 32-bit).
MAX_INT = 2**31 - 1
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DIGITS = re.compile(r"[0-9]{1,10}")


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that matches only what an integer column can hold (at most 2,147,483,647)."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_INT,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_INT if max is None else max, signed=signed)


def bounded_int(value) -> int:
    """A form field's `coerce`: the number, or ValueError when it is not one an integer column holds."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        raise ValueError(f"Not a whole number: {value!r}")
    if not 0 <= number <= MAX_INT:
        raise ValueError(f"Out of range: {number}")
    return number


def query_int(name: str, default: int | None = None, args=None) -> int | None:
    """An integer query parameter (`?year=2024`); missing, not digits or out of range reads as `default`."""
    value = (request.args if args is None else args).get(name)
    if value is None:
        return default
    try:
        return bounded_int(value)
    except ValueError:
        return default


def refuse_control_characters() -> None:
    """A path with a control character names nothing here (404); a query with one is a bad request (400)."""
    if _CONTROL.search(request.path):
        abort(404)
    if any(_CONTROL.search(value) for _key, value in request.args.items(multi=True)):
        abort(400)


def accepts_larger_bodies(limit: Callable[[], int], too_large: Callable[[], str]):
    """Mark a view as taking request bodies up to `limit()` bytes instead of MAX_CONTENT_LENGTH;
    `too_large()` is what the "The file is too large" page then says (functools.wraps carries both
    through login_required and the like)."""
    def mark(view):
        view.max_body_bytes = limit
        view.too_large_message = too_large
        return view
    return mark


def apply_body_limit() -> None:
    """Before anything reads the form: the marked views' own limit on the request's size."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    limit = getattr(view, "max_body_bytes", None)
    if limit is not None:
        request.max_content_length = limit()


def register_request_guards(app: Flask) -> None:
    """Install the bounded `int` converter (before any route is added), the control-character check
    and the per-view request size limits (before any other check reads the form)."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_control_characters)
    app.before_request_funcs[None].insert(0, apply_body_limit)
