"""The one base for every refusal a service or reader gives in the user's words.

Pure: no Flask. A view shows the message against the form field named by `field` (or at the
top of the form when there is none); a CLI command prints it. Anything else that goes wrong
is a bug, not a DomainError, and ends in the 500 page.
"""
from __future__ import annotations


class DomainError(ValueError):
    """A change or a file was refused; `str(error)` says why, and `field` names the form field it
    belongs to, when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
