"""Forms for forums, their members and meeting dates."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length

from tracker.governance.service import NAME_MAX, SHORT_NAME_MAX

EARLIEST_MEETING_YEAR = 2000
LATEST_MEETING_YEAR = 2099


class ForumForm(FlaskForm):
    name = StringField("Name", validators=[
        DataRequired("Enter the forum's name"),
        Length(max=NAME_MAX, message=f"The name must be {NAME_MAX} characters or fewer")])
    short_name = StringField("Short name (optional)", validators=[
        Length(max=SHORT_NAME_MAX, message=f"The short name must be {SHORT_NAME_MAX} characters or fewer")])
    description = TextAreaField("Description (optional)", validators=[
        Length(max=5000, message="The description must be 5000 characters or fewer")])
    parent = SelectField("Escalates to", coerce=int, default=0, validate_choice=False)

    def __init__(self, *args, forums=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_ids = {forum.id for forum in forums}
        self.parent.choices = [(0, "No forum (top of the escalation chain)")] + [
            (forum.id, forum.name + ("" if forum.active else " (inactive)"))
            for forum in forums if current is None or forum.id != current.id
        ]

    def validate_parent(self, field) -> None:
        if field.data and field.data not in self.known_ids:
            raise ValidationError("Choose a forum from the list")


class MemberForm(FlaskForm):
    user = SelectField("Person", coerce=int, default=0, validate_choice=False)

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user.choices = [(0, "Choose a person")] + [(user.id, user.display_name) for user in users]

    def validate_user(self, field) -> None:
        if not field.data:
            raise ValidationError("Choose the person to add")
        if field.data not in {value for value, _label in self.user.choices}:
            raise ValidationError("Choose an active user from the list")


class MeetingDateField(DateField):
    """A date typed as YYYY-MM-DD (what date inputs send) or DD/MM/YYYY, with a clear error."""

    def __init__(self, label: str, **kwargs):
        super().__init__(label, format=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter a real date, for example 2024-10-08") from error


class MeetingForm(FlaskForm):
    held_on = MeetingDateField("Meeting date", validators=[InputRequired("Enter the meeting date")])
    notes = TextAreaField("Notes (optional)", validators=[
        Length(max=5000, message="The notes must be 5000 characters or fewer")])

    def validate_held_on(self, field) -> None:
        day: date | None = field.data
        if day is not None and not EARLIEST_MEETING_YEAR <= day.year <= LATEST_MEETING_YEAR:
            raise ValidationError(f"Enter a date between {EARLIEST_MEETING_YEAR} and {LATEST_MEETING_YEAR}")
