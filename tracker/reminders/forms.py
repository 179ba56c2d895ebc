"""Forms for the reminder settings, a user's reminder preferences and the outbox filter."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, ValidationError
from wtforms.validators import InputRequired, Length, NumberRange

from tracker.reminders.facts import DAY_NAMES, IMMEDIATE, WEEKLY, parse_days


def _whole(label: str, low: int, high: int) -> list:
    message = f"Enter {label} as a whole number from {low} to {high}"
    return [InputRequired(message), NumberRange(low, high, message)]


class SettingsForm(FlaskForm):
    enabled = BooleanField("Send reminders")
    deadline_days = StringField("Remind owners this many days before an action is due", validators=[
        InputRequired("Enter the number of days before the due date, like 14, 3"), Length(max=50)])
    overdue_copy_after_days = IntegerField("Copy the EDI lead when an action is this many days overdue",
                                           validators=_whole("the days overdue", 1, 365))
    stale_days = IntegerField("An action is stale after this many days without a progress update",
                              validators=_whole("the days without an update", 1, 365))
    update_request_days = IntegerField("Ask owners for an update this many days before a forum meeting",
                                       validators=_whole("the days before a meeting", 1, 90))
    nudge_days = IntegerField("Send a second nudge this many days before the meeting",
                              validators=_whole("the days before a meeting for the nudge", 1, 90))
    weekly_day = SelectField("Day of the week for weekly reminders and digests", coerce=int,
                             choices=list(enumerate(DAY_NAMES)))
    digest_to_reviewers = BooleanField("Send the weekly digest to reviewers as well as admins")
    send_hour = IntegerField("Hour of the day the reminders are sent (UK time, 0 to 23)",
                             validators=_whole("the hour", 0, 23))

    def validate_deadline_days(self, field) -> None:
        try:
            parse_days(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def validate_nudge_days(self, field) -> None:
        if field.data is not None and self.update_request_days.data is not None \
                and field.data >= self.update_request_days.data:
            raise ValidationError("The second nudge must come nearer the meeting than the first request: "
                                  "make its number of days smaller")


class DeliveryField(RadioField):
    """The delivery radios, with a plain message when the value is not one of them."""

    def pre_validate(self, form) -> None:
        if self.data not in {value for value, _label in self.choices}:
            raise ValidationError("Choose how you want your reminders")


class PreferencesForm(FlaskForm):
    delivery = DeliveryField("How do you want your reminders?", default=IMMEDIATE, choices=[
        (IMMEDIATE, "As they fall due (at most one email a day)"),
        (WEEKLY, "One email a week, with all my reminders"),
    ])


class OutboxFilterForm(FlaskForm):
    """The status filter on the outbox page (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    status = SelectField("Status", default="", choices=[("", "All"), ("queued", "Queued"), ("sent", "Sent"),
                                                        ("failed", "Failed")], validate_choice=False)
