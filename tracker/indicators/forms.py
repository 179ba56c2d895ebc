"""Forms: uploading a data pack, typing in published values, national values, trying a target %."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DecimalField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from tracker.indicators.queries import DEFINITIONS, NUMBERS, TABLE_MEASURES

FIRST_YEAR, LAST_YEAR = 2014, 2100
YEAR_MESSAGE = f"Enter the WRES year as 4 digits, from {FIRST_YEAR} to {LAST_YEAR}, like 2024"
MAX_RATIO = 1000
POPULATION_CHOICES = [("non-medical", "All staff except medical"), ("clinical", "Clinical staff (not medical)"),
                      ("non-clinical", "Non-clinical staff")]


def _year_field(label: str = "WRES year") -> IntegerField:
    return IntegerField(label, validators=[InputRequired(YEAR_MESSAGE),
                                           NumberRange(FIRST_YEAR, LAST_YEAR, YEAR_MESSAGE)])


def _range(number: int) -> NumberRange:
    """0-100 for percentages; 0 upwards for relative likelihoods."""
    if DEFINITIONS[number].unit == "percent":
        return NumberRange(0, 100, f"Indicator {number} is a percentage: enter a number from 0 to 100")
    return NumberRange(0, MAX_RATIO, f"Indicator {number} is a ratio: enter a number from 0 to {MAX_RATIO}, like 1.21")


class ImportForm(FlaskForm):
    """The year and the data pack's files."""

    year = _year_field()
    files = MultipleFileField("Data pack files")

    def validate_files(self, field: MultipleFileField) -> None:
        chosen = [upload for upload in field.data or [] if getattr(upload, "filename", "")]
        if not chosen:
            raise ValidationError("Choose the data pack's files: select them all at once (.csv or .xlsx)")
        names = [upload.filename for upload in chosen]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValidationError(f"{', '.join(repeated)} was chosen more than once: choose each file once")


class ConfirmForm(FlaskForm):
    """The button that stores a previewed data pack (carries the CSRF token)."""


def field_name(number: int, measure: str) -> str:
    """'i2' or 'i5_bme'."""
    return f"i{number}" if measure == "value" else f"i{number}_{measure}"


class EnterForm(FlaskForm):
    """Published values for one past year; the indicator fields are added below."""

    year = _year_field()

    def label_groups(self, bme_label: str) -> None:
        """Show the trust's own BME label on the survey indicators' fields."""
        for number in NUMBERS:
            for measure in TABLE_MEASURES[number]:
                if measure != "value":
                    group = bme_label if measure == "bme" else "White"
                    self[field_name(number, measure)].label.text = f"{group} staff (%)"

    def values(self) -> dict[tuple[int, str], float]:
        """{(indicator, measure): value} of the fields filled in."""
        return {(number, measure): float(self[field_name(number, measure)].data)
                for number in NUMBERS for measure in TABLE_MEASURES[number]
                if self[field_name(number, measure)].data is not None}

    def fill(self, values: dict[tuple[int, str], float]) -> None:
        """Put stored values in the fields."""
        for (number, measure), value in values.items():
            if measure in TABLE_MEASURES.get(number, ()):
                self[field_name(number, measure)].data = round(value, 2)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.values():
            self.form_errors.append("Enter at least one indicator's value")
            return False
        return True


for _number in NUMBERS:
    for _measure in TABLE_MEASURES[_number]:
        _unit = " (%)" if DEFINITIONS[_number].unit == "percent" else ""
        _label = f"Value{_unit}" if _measure == "value" else f"{_measure.capitalize()} staff (%)"
        setattr(EnterForm, field_name(_number, _measure),
                DecimalField(_label, places=None, validators=[Optional(), _range(_number)]))


def national_choices(bme_label: str) -> list[tuple[str, str]]:
    """'2:value' → 'Indicator 2', '5:bme' → 'Indicator 5, BME', '1:vsm' → 'Indicator 1, VSM'."""
    choices = []
    for number in NUMBERS:
        for measure in (*TABLE_MEASURES[number], *(("vsm",) if number == 1 else ())):
            name = {"value": "", "bme": bme_label, "white": "White", "vsm": "VSM"}[measure]
            choices.append((f"{number}:{measure}", f"Indicator {number}" + (f", {name}" if name else "")))
    return choices


class NationalForm(FlaskForm):
    """One national value to add or change."""

    year = _year_field("Year")
    line = SelectField("Indicator")
    value = DecimalField("National value", places=None,
                         validators=[InputRequired("Enter the national value, like 1.59 or 26.4"),
                                     NumberRange(0, MAX_RATIO, "Enter a number of 0 or more, like 1.59 or 26.4")])

    def __init__(self, *args, bme_label: str = "BME", **kwargs):
        super().__init__(*args, **kwargs)
        self.line.choices = national_choices(bme_label)

    def validate_value(self, field: DecimalField) -> None:
        number = int(str(self.line.data or "0:").split(":")[0] or 0)
        if number in DEFINITIONS and DEFINITIONS[number].unit == "percent" and field.data > 100:
            raise ValidationError(f"Indicator {number} is a percentage: enter a number from 0 to 100")

    @property
    def indicator_and_measure(self) -> tuple[int, str]:
        number, measure = self.line.data.split(":")
        return int(number), measure


class TargetForm(FlaskForm):
    """Try the aspirational targets with another target % (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    target_percent = DecimalField("Target BME %", places=None, validators=[
        Optional(), NumberRange(0, 100, "Enter the target as a percentage from 0 to 100, like 11.17")])
    population = SelectField("Staff counted", choices=POPULATION_CHOICES, default="non-medical")
