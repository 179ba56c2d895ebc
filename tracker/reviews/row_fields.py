"""The form fields of a row of the whole-agenda review page, written in one call a row.

The page has 25 rows of a hidden field, radios, a select and a textarea. They are the NHS.UK
markup that templates/macros/forms.html writes (the error message, the error classes and
aria-describedby on a field with an error), written here since the same markup through Jinja
costs about a fifth of the page. Every value is escaped."""
from __future__ import annotations

from markupsafe import Markup

from tracker.reviews.forms import AgendaRowEntry

_ERROR = ('<span class="nhsuk-error-message" id="{id}-error"><span class="nhsuk-u-visually-hidden">Error: </span>'
          '{message}</span>\n')


def _text(value: str) -> str:
    """`value` escaped as markupsafe.escape escapes it (the same five entities), without a Markup object."""
    return (value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


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
