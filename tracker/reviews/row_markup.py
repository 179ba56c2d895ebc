"""Pieces of an agenda item's row, written in Python: an agenda page and the whole-agenda review page
show 25 rows, and the same markup through Jinja macros costs about a fifth of either page. Every value
is escaped.

- `owner_rating`, `latest_update` and `forum_review`: the item's owner's rating, latest update and the
  forum's current review (the agenda, the review page and the one-item review form show them);
- `review_row_fields`: the form fields of a row of the whole-agenda review page (a hidden field, radios,
  a select and a textarea), the NHS.UK markup that templates/macros/forms.html writes, with the error
  message, the error classes and aria-describedby on a field with an error.
"""
from __future__ import annotations

from datetime import date

from markupsafe import Markup

from tracker.reviews import agenda_rules as rules
from tracker.reviews.forms import AgendaRowEntry
from tracker.templating import date_uk, rag_tag, status_tag

_SECONDARY = '<br><span class="nhsuk-u-secondary-text-colour">'

_ERROR = ('<span class="nhsuk-error-message" id="{id}-error"><span class="nhsuk-u-visually-hidden">Error: </span>'
          '{message}</span>\n')


def _text(value: str) -> str:
    """`value` escaped as markupsafe.escape escapes it (the same five entities), without a Markup object."""
    return (value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


def owner_rating(row: rules.AgendaRow, page_rated_on: date | None = None) -> Markup:
    """The owner's status and RAG as the agenda holds them (the same figure a review stores): the date the
    owner gave the rating, and the day it was read when that differs from the page's (`page_rated_on`)."""
    parts = [str(rag_tag(row.owner_rag))]
    if row.owner_status:
        parts += [" ", str(status_tag(row.owner_status))]
    if row.owner_rag_as_at:
        parts += [_SECONDARY, "rated as at ", date_uk(row.owner_rag_as_at), "</span>"]
    if row.rated_on and row.rated_on != page_rated_on:
        parts += [_SECONDARY, "as it stood on ", date_uk(row.rated_on), "</span>"]
    return Markup("".join(parts))


def latest_update(row: rules.AgendaRow) -> Markup:
    """The latest update: its first lines, and the rest folded away in a details component."""
    if not row.update_on:
        return Markup("\nNo update yet\n")
    shown, rest = row.folded_update
    parts = ["\n<strong>", date_uk(row.update_on), "</strong>"]
    if row.updated_after_rating:
        parts.append(' <span class="nhsuk-u-secondary-text-colour">(after the rating above was taken)</span>')
    parts += ['\n<p class="app-pre-line nhsuk-u-margin-bottom-0">', _text(shown), "</p>\n"]
    if rest:
        parts += ['<details class="nhsuk-details nhsuk-u-margin-bottom-0 nhsuk-u-margin-top-2">\n'
                  '<summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Read the rest of '
                  'the update<span class="nhsuk-u-visually-hidden"> on action ', _text(row.ref), "</span></span></summary>\n"
                  '<div class="nhsuk-details__text"><p class="app-pre-line">', _text(rest), "</p></div>\n</details>\n"]
    return Markup("".join(parts))


def forum_review(row: rules.AgendaRow) -> Markup:
    """The forum's current review of the item, or that there is none yet."""
    review = row.review
    if review is None:
        return Markup('\n<p class="nhsuk-u-margin-bottom-1">Not reviewed yet</p>\n')
    parts = ["\n", str(rag_tag(review.reviewed_rag)), " ", _text(review.decision_text), "\n"]
    if review.comment:
        parts += ['<p class="app-pre-line nhsuk-u-margin-bottom-1">', _text(review.comment), "</p>"]
    parts += ['\n<p class="nhsuk-u-secondary-text-colour nhsuk-u-margin-bottom-1">', _text(review.reviewer), ", ",
              date_uk(review.recorded_at)]
    if review.before_meeting:
        parts.append(", before the meeting")
    if row.review_count > 1:
        parts.append(f" (latest of {row.review_count} reviews)")
    parts.append("</p>\n")
    return Markup("".join(parts))


def review_row_fields(entry: AgendaRowEntry, rag_choices: list[tuple[str, str]],
                      decision_choices: list[tuple[str, str]]) -> Markup:
    """The row's seen review (hidden), the forum's RAG (inline radios), decision (select) and comment."""
    prefix = entry.prefix
    parts = [f'<input id="{prefix}seen" name="{prefix}seen" type="hidden" value="{_text(entry.seen or "")}">\n']
    _radios(parts, prefix + "reviewed_rag", entry.errors.get("reviewed_rag"), entry.reviewed_rag, rag_choices)
    _select(parts, prefix + "decision", entry.errors.get("decision"), entry.decision, decision_choices)
    _textarea(parts, prefix + "comment", entry.errors.get("comment"), entry.comment or "")
    return Markup("".join(parts))


def _group(parts: list[str], field_id: str, errors: list[str] | None) -> str:
    """Open the field's form group; its aria-describedby attribute, or '' when it has no error."""
    parts.append('<div class="nhsuk-form-group nhsuk-form-group--error">\n' if errors
                 else '<div class="nhsuk-form-group">\n')
    return f' aria-describedby="{field_id}-error"' if errors else ""


def _radios(parts, field_id: str, errors, chosen: str | None, choices) -> None:
    described = _group(parts, field_id, errors)
    parts.append(f'<fieldset class="nhsuk-fieldset"{described}>\n'
                 '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">The forum&#39;s RAG rating</legend>\n')
    if errors:
        parts.append(_ERROR.format(id=field_id, message=_text(errors[0])))
    parts.append('<div class="nhsuk-radios nhsuk-radios--inline" data-module="nhsuk-radios">\n')
    for number, (value, label) in enumerate(choices, start=1):
        item_id = field_id if number == 1 else f"{field_id}-{number}"
        parts.append(f'<div class="nhsuk-radios__item">\n<input class="nhsuk-radios__input" id="{item_id}" '
                     f'name="{field_id}" type="radio" value="{_text(value)}"{" checked" if value == chosen else ""}>\n'
                     f'<label class="nhsuk-label nhsuk-radios__label" for="{item_id}">{_text(label)}</label>\n</div>\n')
    parts.append("</div>\n</fieldset>\n</div>\n")


def _select(parts, field_id: str, errors, chosen: str, choices) -> None:
    described = _group(parts, field_id, errors)
    parts.append(f'<label class="nhsuk-label" for="{field_id}">Decision</label>\n')
    if errors:
        parts.append(_ERROR.format(id=field_id, message=_text(errors[0])))
    parts.append(f'<select class="nhsuk-select{" nhsuk-select--error" if errors else ""}" id="{field_id}" '
                 f'name="{field_id}"{described}>\n')
    parts.extend(f'<option value="{_text(value)}"{" selected" if value == chosen else ""}>{_text(label)}</option>'
                 for value, label in choices)
    parts.append("\n</select>\n</div>\n")


def _textarea(parts, field_id: str, errors, text: str) -> None:
    described = _group(parts, field_id, errors)
    parts.append(f'<label class="nhsuk-label" for="{field_id}">Comment for the action&#39;s owners</label>\n')
    if errors:
        parts.append(_ERROR.format(id=field_id, message=_text(errors[0])))
    parts.append(f'<textarea class="nhsuk-textarea{" nhsuk-textarea--error" if errors else ""}" id="{field_id}" '
                 f'name="{field_id}" rows="3"{described}>{_text(text)}</textarea>\n</div>\n')
