"""Reading agenda pages in tests: items by id, tags with their words, what is stored."""
from __future__ import annotations

import re

from sqlalchemy import select

from tracker.extensions import db
from tracker.reviews.models import AgendaItem


def text(html: str) -> str:
    """The page with whitespace collapsed, so multi-line tags read as one line."""
    return " ".join(html.split())


def row(html: str, item_id: int) -> str:
    """One item's card on the agenda (or its fieldset on the whole-agenda review page)."""
    match = re.search(rf'id="item-{item_id}">(.*?)(?=<div class="nhsuk-card app-agenda-item"|<fieldset class="nhsuk-fieldset app-review-row"|<h[23] id=|'
                      rf'<button class="nhsuk-button" type="submit">Save|</main>)', html, re.S)
    assert match, f"no row for item {item_id}"
    return text(match.group(1))


def tags(html: str) -> list[tuple[str, str]]:
    """[(colour, word)] of every NHS.UK tag, in order."""
    return re.findall(r'nhsuk-tag--(\w+)"\s*>\s*([^<]+?)\s*</strong>', html)


def refs_on_agenda(html: str) -> list[str]:
    """The action references on the agenda, in the order shown (section by section)."""
    body = html.split('id="agenda"', 1)[1]
    return re.findall(r'<a href="/actions/\d+">([^<]+)</a> <span class="nhsuk-u-secondary-text-colour">', body)


def stored(meeting) -> dict[str, list[str]]:
    """{action ref: reason codes} stored for the meeting."""
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                               .order_by(AgendaItem.position)).all()
    return {item.action.ref: list(item.reasons) for item in items}


def item_of(meeting, action) -> AgendaItem:
    return db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                      AgendaItem.action_id == action.id))
