"""Form pieces every feature uses: the empty form behind POST-only buttons, checkbox lists, and
showing a service's refusal on the form that asked for the change."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.errors import DomainError


class ButtonForm(FlaskForm):
    """An empty form, so a POST-only button carries the CSRF token."""


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def show_error(form: FlaskForm, error: DomainError, default_field: str | None = None) -> None:
    """Put the message against the field it names (else `default_field`), or above the form."""
    name = error.field if error.field and error.field in form else default_field
    errors = form[name].errors if name and name in form else form.form_errors
    if isinstance(errors, tuple):
        form[name].errors = errors = list(errors)
    errors.append(str(error))
