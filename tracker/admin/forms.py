"""Forms for the admin screens: a user, the users filter and the organisation settings."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import DecimalField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from tracker.auth.models import Role
from tracker.auth.service import find_by_email, normalise_email

ROLE_HINTS = {
    Role.ADMIN.value: "The EDI lead: everything, including users and settings",
    Role.REVIEWER.value: "A forum member: reads everything and records the forum's reviewed RAG rating",
    Role.OWNER.value: "Updates the actions they own or co-lead",
    Role.VIEWER.value: "Read only",
}
STATUS_CHOICES = [("", "Active and inactive"), ("active", "Active"), ("inactive", "Inactive")]
PERCENT_MESSAGE = "Enter the local population percentage as a number from 0 to 100, like 11.17"


def _at_most(characters: int, what: str) -> Length:
    return Length(max=characters, message=f"{what} must be {characters} characters or fewer")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class RoleField(RadioField):
    """The role radios, with a plain message when the value is not one of the roles."""

    def pre_validate(self, form) -> None:
        if self.data not in {value for value, _label in self.choices}:
            raise ValidationError("Choose the person's role")


class UserForm(FlaskForm):
    """A user's details; the email must not belong to anyone else."""

    name = StringField("Full name", filters=[_strip],
                       validators=[DataRequired("Enter the person's name"), _at_most(200, "Name")])
    email = EmailField("Email address (optional)", filters=[_strip], validators=[
        Optional(), _at_most(254, "Email address"),
        Email("Enter an email address in the correct format, like name@nhs.net")])
    job_title = StringField("Job title (optional)", filters=[_strip], validators=[_at_most(200, "Job title")])
    role = RoleField("Role", choices=[(role.value, role.label) for role in Role])

    def __init__(self, *args, user_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._user_id = user_id

    def validate_email(self, field) -> None:
        other = find_by_email(field.data) if normalise_email(field.data) else None
        if other is not None and other.id != self._user_id:
            raise ValidationError(f"A user with the email {normalise_email(field.data)} already exists")


class UserFilterForm(FlaskForm):
    """The filters on the users list (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    role = SelectField("Role", default="", choices=[("", "Any role")] + [(r.value, r.label) for r in Role])
    status = SelectField("Status", default="", choices=STATUS_CHOICES)

    def chosen_role(self) -> str | None:
        return self.role.data if self.role.data in {r.value for r in Role} else None

    def chosen_active(self) -> bool | None:
        return {"active": True, "inactive": False}.get(self.status.data)

    def query_args(self) -> dict[str, str]:
        """The valid filters chosen, for links to other pages of the list."""
        args = {"role": self.chosen_role(), "status": self.status.data if self.chosen_active() is not None else None}
        return {key: value for key, value in args.items() if value}


class PercentField(DecimalField):
    """A percentage typed as '11.17' or '11.17%'; blank means not given."""

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "").strip().removesuffix("%").strip()
        self.data = None
        if not text:
            return
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(PERCENT_MESSAGE) from None
        if not value.is_finite():
            raise ValueError(PERCENT_MESSAGE)
        self.data = value


def _percent_in_range(form, field) -> None:
    if field.data is None:
        return
    if not Decimal(0) <= field.data <= Decimal(100):
        raise ValidationError(PERCENT_MESSAGE)
    if field.data != field.data.quantize(Decimal("0.01")):
        raise ValidationError("Enter the local population percentage with no more than 2 decimal places")


class SettingsForm(FlaskForm):
    trust_name = StringField("Trust name", filters=[_strip],
                             validators=[DataRequired("Enter the trust's name"), _at_most(200, "Trust name")])
    bme_label = StringField("What the trust calls the BME group", filters=[_strip], validators=[
        DataRequired("Enter what the trust calls the BME group, like BME"), _at_most(60, "The name of the group")])
    local_population_bme_percent = PercentField("Local population BME % (optional)", places=2,
                                                validators=[Optional(), _percent_in_range])
    lead_director = StringField("Lead director (optional)", filters=[_strip],
                                validators=[_at_most(200, "Lead director")])
    report_author = StringField("Report author (optional)", filters=[_strip],
                                validators=[_at_most(200, "Report author")])


class AliasForm(FlaskForm):
    """A text used in plans for people, and who it stands for (names or emails, one a line or separated by ;)."""

    text = StringField("Text used in plans", filters=[_strip],
                       validators=[DataRequired("Enter the text used in plans, like 'BA / Execs'"),
                                   _at_most(200, "The text")])
    people = TextAreaField("Who it stands for", filters=[_strip],
                           validators=[DataRequired("Enter the name or email of at least one person"),
                                       _at_most(2000, "The list of people")])
