"""Forms for plans: the plan and its themes, the plan page's filters, importing a file, rolling over."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from tracker.forms import MultiCheckboxField
from tracker.plans.models import PlanStatus
from tracker.plans.service import PlanError, check_year


class PlanForm(FlaskForm):
    year = StringField("Year", validators=[DataRequired("Enter the plan year, like 2024-25"), Length(max=7)])
    title = StringField("Title", validators=[DataRequired("Enter the plan's title"), Length(max=300)])
    status = SelectField("Status", choices=[(s.value, s.value.capitalize()) for s in PlanStatus])
    approved_on = DateField("Approved on", validators=[Optional()],
                            render_kw={"placeholder": "YYYY-MM-DD"})
    approved_by = SelectField("Approved by", coerce=int, default=0)
    equality_objectives_key = TextAreaField("Equality objectives (one per line, numbered)")
    edi_goals_key = TextAreaField("EDI goals (one per line, numbered)")
    version = HiddenField()

    def __init__(self, *args, forums=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.approved_by.choices = [(0, "Not approved yet")] + [(f.id, f.name) for f in forums]


class ThemeForm(FlaskForm):
    number = StringField("Number", validators=[DataRequired("Enter the theme number"), Length(max=10)])
    title = TextAreaField("Title", validators=[DataRequired("Enter the theme title")])


class FilterForm(FlaskForm):
    """The filters on the plan page (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    owner = SelectField("Owner", coerce=int, default=0)
    indicator = SelectField("WRES indicator", coerce=int, default=0,
                            choices=[(0, "Any")] + [(n, f"Indicator {n}") for n in range(1, 10)])
    forum = SelectField("Forum", coerce=int, default=0)
    rag = SelectField("RAG", default="", choices=[
        ("", "Any"), ("red", "Red"), ("amber", "Amber"), ("green", "Green"), ("blue", "Blue (complete)"),
        ("none", "Not rated")])
    status = SelectField("Status", default="")
    overdue = BooleanField("Overdue only")
    sort = SelectField("Sort by", default="ref", choices=[
        ("ref", "Reference"), ("due", "Due date"), ("rag", "RAG (red first)"),
        ("updated", "Last update (newest first)"), ("theme", "Theme")])

    def __init__(self, *args, owners=(), forums=(), statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owner.choices = [(0, "Anyone")] + [(u.id, u.name) for u in owners]
        self.forum.choices = [(0, "Any")] + [(f.id, f.name) for f in forums]
        self.status.choices = [("", "Any")] + [(s, s) for s in statuses]



class ImportForm(FlaskForm):
    """A plan from a CSV or Excel file."""

    year = StringField("Year", validators=[DataRequired("Enter the plan year, like 2024-25"), Length(max=7)])
    title = StringField("Title (optional)", validators=[Length(max=300)])
    file = FileField("CSV or Excel file", validators=[
        FileRequired("Choose the CSV or Excel file to import"),
        FileAllowed(["csv", "xlsx"], "The file must be a CSV (.csv) or Excel (.xlsx) file"),
    ])

    def validate_title(self, field: StringField) -> None:
        if any(ord(char) < 32 for char in field.data or ""):
            raise ValidationError("Remove the control characters from the title")

    def validate_year(self, field: StringField) -> None:
        try:
            field.data = check_year(field.data)
        except PlanError as error:
            raise ValidationError(str(error)) from None


class ActionChoiceField(MultiCheckboxField):
    """Ticked actions, which must all be this plan's."""

    def pre_validate(self, form) -> None:
        if set(self.data or []) - {value for value, _label in self.choices}:
            raise ValidationError("Choose only actions of this plan: reload the page and choose again")


class RolloverForm(FlaskForm):
    """The open actions to carry forward to next year's plan."""

    actions = ActionChoiceField("Actions to carry forward", coerce=int)
