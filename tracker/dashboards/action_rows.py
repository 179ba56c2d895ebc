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

# markupsafe.escape without the Markup it wraps its result in: the same characters, as a str, from
# markupsafe's C speedups. A row escapes five values; a Markup each, or five replaces in Python, cost
# a row several times as much.
from markupsafe import _escape_inner as _escaped

from tracker.actions.queries import ActionRow
from tracker.actions.rag_rules import is_overdue
from tracker.clock import uk_date
from tracker.dates import short_date
from tracker.templating import RAG_TAGS, STATUS_TAGS, action_url, rag_tag, status_tag

_TEXT_LENGTH = 140
_CELL = '\n        <td role="cell" class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" aria-hidden="true">'
_OVERDUE = '<br><span class="app-overdue">Overdue</span>'
_UNPARSED = '<br><span class="nhsuk-u-secondary-text-colour">Date not recognised</span>'


@pass_environment
def action_rows(environment, actions: Iterable[ActionRow], today: date) -> Markup:
    """The <tr> elements of action_table(actions, …, today, show_plan=true) for each action, with the
    whitespace the macro's loop writes around them (environment: the template's, whose truncate
    policy the action's text follows, as the macro's truncate filter does).

    One f-string a row: it is built in one go, where a list of its pieces is grown and joined."""
    url_prefix = action_url(0).removesuffix("0")
    rows: list[str] = []
    for action in actions:
        last_update_at = action.last_update_at
        text = action.text
        if len(text) > _TEXT_LENGTH:
            text = do_truncate(environment, text, _TEXT_LENGTH)
        rows.append(
            f'\n      <tr role="row" class="nhsuk-table__row">\n        '
            f'{_CELL}Action </span>\n          <a href="{url_prefix}{action.id}">{_escaped(action.ref)}</a>\n          '
            f'{_escaped(text)} <span class="nhsuk-u-secondary-text-colour">({_escaped(action.plan_year)})</span></td>'
            f'{_CELL}By who </span>{_escaped(action.by_who)}</td>'
            f'{_CELL}By when </span>\n          {_escaped(action.by_when or "Not set")}\n          '
            f'{_OVERDUE if is_overdue(action.due_on, action.status, action.rag, today) else ""}\n          '
            f'{_UNPARSED if action.by_when_kind == "unparsed" else ""}</td>'
            f'{_CELL}Status </span>{STATUS_TAGS.get(action.status) or status_tag(action.status)}</td>'
            f'{_CELL}RAG </span>{RAG_TAGS.get(action.rag) or rag_tag(action.rag)}</td>'
            f'{_CELL}Last update </span>{short_date(uk_date(last_update_at)) if last_update_at else "None yet"}</td>'
            '\n      </tr>\n    ')
    return Markup("".join(rows))
