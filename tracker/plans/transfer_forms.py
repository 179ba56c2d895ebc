"""The form for importing a plan from a CSV or Excel file."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.plans.service import PlanError, check_year


class ImportForm(FlaskForm):
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
