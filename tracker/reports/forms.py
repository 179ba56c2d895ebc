"""Forms of the Word documents page and of the import from Word."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from tracker.plans.service import PlanError, check_year

STYLE_CHOICES = [("2024", "2024 style"), ("2021", "2021 style")]
APPENDIX1_STYLE_CHOICES = [("2021", "2021 style"), ("2024", "2024 style")]
APPENDIX1_STYLE_HINT = ("2021 style: a row per action, with columns Action | By who | By when | Comments / progress "
                        "to date | Where reported / monitored / governance | RAG rating (as at the latest rating "
                        "shown). 2024 style: a row per theme, with its actions listed under Train, Retain and "
                        "Reform (by each action's category), each with its RAG rating.")
STYLE_HINT = ("2024 style columns: Action | Links to equality objectives | Links to EDI goals | "
              "Must / Should / Could | Action lead | RAG rating (as at the date below). "
              "2021 style columns: Action | Relates to WRES indicator(s) (WDES metric(s) in a WDES plan, "
              "WRES / WDES measure(s) in a combined plan) | By who | By when | "
              "Comments / progress to date | Where reported / monitored.")


class AsAtField(DateField):
    """A YYYY-MM-DD date whose error says what to type."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter the 'as at' date as a real date, like 2024-09-30") from None


class StyleField(RadioField):
    """The Appendix 2 layout, with an error that names the choices."""

    def pre_validate(self, form) -> None:
        if self.data not in dict(STYLE_CHOICES):
            raise ValidationError("Choose the 2021 or the 2024 layout")


def _title() -> StringField:
    return StringField("Title", validators=[DataRequired("Enter the document's title"), Length(max=300)])


def _as_at() -> AsAtField:
    return AsAtField("As at", format="%Y-%m-%d", validators=[InputRequired("Enter the 'as at' date, like 2024-09-30")])


def _style() -> StyleField:
    return StyleField("Layout", choices=STYLE_CHOICES, default="2024")


class Appendix1Form(FlaskForm):
    title = _title()
    style = StyleField("Layout", choices=APPENDIX1_STYLE_CHOICES, default="2021")
    as_at = _as_at()
    include_history = BooleanField("Include the dated history of updates")


HIA_LABEL = "Show the high impact actions column"
HIA_HINT = ("Adds an \"HIA\" column naming the EDI Improvement Plan's high impact actions each action serves, "
            "like \"HIA 1; HIA 6\".")


class Appendix2Form(FlaskForm):
    title = _title()
    style = _style()
    as_at = _as_at()
    show_hia = BooleanField(HIA_LABEL)


class IndicatorsForm(FlaskForm):
    """Only a button: the summary has no choices."""


class WdesForm(FlaskForm):
    """Only a button: the WDES summary has no choices."""


class PackForm(FlaskForm):
    title = StringField("Cover title", validators=[DataRequired("Enter the cover's title"), Length(max=300)])
    appendix1_plan = SelectField("Plan reported on in Appendix 1", coerce=int)
    appendix1_style = StyleField("Appendix 1 layout", choices=APPENDIX1_STYLE_CHOICES, default="2021")
    style = StyleField("Appendix 2 layout", choices=STYLE_CHOICES, default="2024")
    as_at = _as_at()
    include_history = BooleanField("Include the dated history of updates in Appendix 1")
    show_hia = BooleanField(f"{HIA_LABEL} in Appendix 2")

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.appendix1_plan.choices = [(plan.id, f"{plan.year}: {plan.title} ({plan.status})") for plan in plans]


class DocxUploadForm(FlaskForm):
    file = FileField("Word document", validators=[
        FileRequired("Choose the Word document to import"),
        FileAllowed(["docx"], "The file must be a Word document (.docx)"),
    ])


class DocxConfirmForm(FlaskForm):
    year = StringField("Year", validators=[DataRequired("Enter the plan year, like 2024-25"), Length(max=7)])
    title = StringField("Title (optional)", validators=[Length(max=300)])

    def validate_year(self, field: StringField) -> None:
        try:
            field.data = check_year(field.data)
        except PlanError as error:
            raise ValidationError(str(error)) from None
