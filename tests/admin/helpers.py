"""Reading admin pages in tests: table rows and error summaries as plain text."""
from __future__ import annotations

import html
import re

from tracker.auth.models import User
from tracker.extensions import db

_TAG = re.compile(r"<[^>]+>")
_ROW = re.compile(r'<tr role="row" class="nhsuk-table__row">(.*?)</tr>', re.S)
_CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
_HEADING = re.compile(r'<span class="nhsuk-table-responsive__heading" aria-hidden="true">.*?</span>', re.S)


def text(fragment: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def user_rows(page: str) -> list[list[str]]:
    """The users table as lists of cell texts (without the mobile headings)."""
    return [[text(_HEADING.sub("", cell)) for cell in _CELL.findall(row)] for row in _ROW.findall(page)]


def error_summary(page: str) -> list[str]:
    """The messages listed in the NHS.UK error summary, in order."""
    match = re.search(r'class="nhsuk-error-summary".*?<ul class="nhsuk-list nhsuk-error-summary__list">(.*?)</ul>',
                      page, re.S)
    return [text(item) for item in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)] if match else []


def add_users(count: int, prefix: str = "Bulk") -> list[User]:
    """Many users without passwords, quickly (no hashing)."""
    people = [User(name=f"{prefix} {n:04d}", email=f"{prefix.lower()}{n}@example.org", role="owner")
              for n in range(count)]
    db.session.add_all(people)
    db.session.commit()
    return people


def password_link(page: str) -> str:
    """The set-password link shown on the confirmation page."""
    match = re.search(r'id="password-link" type="text" readonly value="([^"]+)"', page)
    assert match, "no set-password link on the page"
    return html.unescape(match.group(1))
