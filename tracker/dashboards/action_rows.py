"""The rows of My actions' tables, written in Python.

My actions shows up to ten rows in each of its five groups; a row built here costs a fraction of the
same row through the action_table macro (templates/macros/actions.html, with show_plan=true), whose
markup it writes out character for character. Every value people typed is escaped, as markupsafe
escapes it; the RAG tag always carries its word."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from jinja2 import pass_environment
from jinja2.filters import do_truncate
from markupsafe import Markup

from tracker.actions.queries import ActionRow
from tracker.actions.rag_rules import is_overdue
from tracker.templating import RAG_TAGS, action_url, date_short, rag_tag, status_tag


def _escaped(text: str) -> str:
    """markupsafe.escape(text) as a str, without a Markup object per value (a replace finding nothing
    returns the text itself)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")
            .replace('"', "&#34;"))


_TEXT_LENGTH = 140
_CELL = '\n        <td role="cell" class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" aria-hidden="true">'
_OVERDUE = '<br><span class="app-overdue">Overdue</span>'
_UNPARSED = '<br><span class="nhsuk-u-secondary-text-colour">Date not recognised</span>'


@pass_environment
def action_rows(environment, actions: Iterable[ActionRow], today: date) -> Markup:
    """The <tr> elements of action_table(actions, …, today, show_plan=true) for each action, with the
    whitespace the macro's loop writes around them (environment: the template's, whose truncate
    policy the action's text follows, as the macro's truncate filter does)."""
    url_prefix = action_url(0).removesuffix("0")
    statuses: dict[str | None, str] = {}
    parts: list[str] = []
    for action in actions:
        text = action.text
        if len(text) > _TEXT_LENGTH:
            text = do_truncate(environment, text, _TEXT_LENGTH)
        status = statuses.get(action.status)
        if status is None:
            status = statuses[action.status] = str(status_tag(action.status))
        parts += [
            '\n      <tr role="row" class="nhsuk-table__row">\n        ',
            _CELL, 'Action </span>\n          <a href="', url_prefix, str(action.id), '">',
            _escaped(action.ref), '</a>\n          ', _escaped(text),
            ' <span class="nhsuk-u-secondary-text-colour">(', _escaped(action.plan_year), ')</span></td>',
            _CELL, 'By who </span>', _escaped(action.by_who), '</td>',
            _CELL, 'By when </span>\n          ', _escaped(action.by_when or "Not set"), '\n          ',
            _OVERDUE if is_overdue(action.due_on, action.status, action.rag, today) else '', '\n          ',
            _UNPARSED if action.by_when_kind == "unparsed" else '', '</td>',
            _CELL, 'Status </span>', status, '</td>',
            _CELL, 'RAG </span>', RAG_TAGS.get(action.rag) or rag_tag(action.rag), '</td>',
            _CELL, 'Last update </span>', _escaped(date_short(action.last_update_at, "None yet")), '</td>',
            '\n      </tr>\n    ',
        ]
    return Markup("".join(parts))
