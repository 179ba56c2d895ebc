"""Template filters and the values every page needs."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask, g, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError

from tracker import clock
from tracker import rag as rag_vocabulary
from tracker.actions.rag_rules import is_overdue
from tracker.audit.service import is_blank
from tracker.dates import long_date, short_date
from tracker.zip_limits import size_text


def _uk(value: date | datetime) -> date:
    """The date in the UK of a stored time (naive UTC); a date as it is."""
    return clock.uk_date(value) if isinstance(value, datetime) else value


def date_uk(value: date | datetime | None, fallback: str = "") -> str:
    """'31 December 2024'."""
    if value is None:
        return fallback
    return long_date(_uk(value))


def date_short(value: date | datetime | None, fallback: str = "") -> str:
    """'31 Dec 2024'."""
    if value is None:
        return fallback
    return short_date(_uk(value))


def datetime_uk(value: datetime | None) -> str:
    """'30 Mar 2025 at 01:30': a stored time (naive UTC) as the clock in the UK showed it."""
    if value is None:
        return ""
    local = clock.uk_time(value)
    return f"{short_date(local)} at {local:%H:%M}"


#: The NHS.UK tag of each RAG rating: its colour and, always, its word.
RAG_TAGS = {rag: Markup(f'<strong class="nhsuk-tag nhsuk-tag--{colour}">{escape(rag_vocabulary.RAG_LABELS[rag])}</strong>')
            for rag, colour in rag_vocabulary.RAG_TAG_COLOURS.items()}


def rag_tag(rag: str | None) -> Markup:
    """A RAG rating as an NHS.UK tag ("Not rated" when there is none).

    Tags render on every row of long lists, so they are Python rather than Jinja macros."""
    return RAG_TAGS.get(rag, RAG_TAGS[None])


def _status_tag(status: str | None) -> Markup:
    if status:
        return Markup('<strong class="nhsuk-tag nhsuk-tag--white">%s</strong>') % status
    return Markup('<span class="nhsuk-u-secondary-text-colour">No status</span>')


#: The tag of each status word of the vocabulary, and of no status: built once, as RAG_TAGS are.
STATUS_TAGS = {status: _status_tag(status) for status in (*rag_vocabulary.STATUS_WORDS, None)}


def status_tag(status: str | None) -> Markup:
    """A status as a white NHS.UK tag, or "No status"."""
    return STATUS_TAGS.get(status) or _status_tag(status)


def rag_counts(counter) -> str:
    """'Red 3, Amber 2, Not rated 1': the non-zero counts of a {rag: count} mapping, worst first."""
    return ", ".join(f"{rag_vocabulary.RAG_LABELS[rag]} {counter[rag]}"
                     for rag in (*rag_vocabulary.RAG_VALUES, None) if counter.get(rag))


def action_url(action_id: int) -> str:
    """url_for("actions.detail", action_id=...), built once a request: list pages link every row."""
    prefix = g.get("action_url_prefix")
    if prefix is None:
        prefix = g.action_url_prefix = url_for("actions.detail", action_id=0).removesuffix("0")
    return f"{prefix}{action_id}"


def groupby_theme(actions) -> list[tuple[str, list]]:
    """Consecutive actions grouped under their theme's label, keeping order."""
    groups: list[tuple[str, list]] = []
    for action in actions:
        label = action.theme_label or "No theme"
        if groups and groups[-1][0] == label:
            groups[-1][1].append(action)
        else:
            groups.append((label, [action]))
    return groups


def select_options(field) -> Markup:
    """A select field's <option> elements, escaped: the owner filter lists hundreds of people,
    and one join here costs a fraction of a template loop."""
    return Markup("".join(
        f'<option value="{value if type(value) is int else escape(value)}"{" selected" if selected else ""}>'
        f'{escape(label)}</option>'
        for value, label, selected, _render_kw in field.iter_choices()))


def page_numbers(current: int, count: int) -> list[int | None]:
    """Page links to show: the first, the last and the current page's neighbours; None is a gap."""
    wanted = sorted({1, count, current - 1, current, current + 1} & set(range(1, count + 1)))
    numbers: list[int | None] = []
    for number in wanted:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def page_url(page: int | str, anchor: str = "") -> str:
    """This page's URL, with its query string, showing another page of its list."""
    url = url_for(request.endpoint, **(request.view_args or {}), **{**request.args.to_dict(), "page": page})
    return f"{url}#{anchor}" if anchor else url


def _audit_value(value) -> str:
    if is_blank(value):
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _audit_line(field: str, before, after) -> str:
    if field == "rag":
        labels = rag_vocabulary.RAG_LABELS
        field, before, after = "RAG", labels.get(before, before), labels.get(after, after)
    return f"<strong>{escape(field.replace('_', ' '))}</strong>: {escape(_audit_value(before))} → {escape(_audit_value(after))}"


def audit_changes(changes: dict | None) -> Markup:
    """An audit event's fields as lines of "<strong>field</strong>: before → after".

    RAG ratings read as on their tags ("Blue (complete)", "Not rated"), lists as "5, 6, 8",
    True and False as Yes and No; a pair of blanks (kept by events stored before blanks were
    compared as equal) is left out."""
    return Markup("<br>".join(_audit_line(field, before, after)
                              for field, (before, after) in (changes or {}).items()
                              if not (is_blank(before) and is_blank(after))))


def _organisation():
    from tracker.admin.service import organisation_settings

    try:
        return organisation_settings()
    except SQLAlchemyError:
        return None


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(
        date_uk=date_uk, date_short=date_short, datetime_uk=datetime_uk, groupby_theme=groupby_theme,
        select_options=select_options, rag_counts=rag_counts, audit_changes=audit_changes,
    )
    app.jinja_env.filters["file_size"] = size_text  # evidence files: "2 MB", "463 KB"
    app.jinja_env.globals.update(
        RAG_LABELS=rag_vocabulary.RAG_LABELS,
        RAG_TAG_COLOURS=rag_vocabulary.RAG_TAG_COLOURS,
        today=lambda: clock.today(),
        page_numbers=page_numbers,
        page_url=page_url,
        rag_tag=rag_tag,
        status_tag=status_tag,
        action_url=action_url,
        is_overdue=is_overdue,
    )

    @app.context_processor
    def page_context():
        org = _organisation()
        return {
            "org": org,
            "bme_label": org.bme_label if org else "BME",
            "trust_name": org.trust_name if org else "",
            "current_user": current_user,
        }
