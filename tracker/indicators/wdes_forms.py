"""Forms: uploading a WDES data pack, typing in a past year's published WDES figures."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DecimalField, IntegerField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from tracker.indicators.wdes_service import ENTERABLE, metric_name

FIRST_YEAR, LAST_YEAR = 2019, 2100
YEAR_MESSAGE = f"Enter the WDES year as 4 digits, from {FIRST_YEAR} to {LAST_YEAR}, like 2025"
MEASURE_LABELS = {"disabled": "Disabled staff", "non_disabled": "Non-disabled staff", "not_declared": "Not declared",
                  "declaration_rate": "Declaration rate", "value": "Relative likelihood", "overall": "Whole trust",
                  "voting": "Voting members", "executive": "Executive members"}
UNITS = {"1": " (%)", "2": "", "3": "", "9a": " (score 0 to 10)", "10": " (percentage points)"}


def _year_field() -> IntegerField:
    return IntegerField("WDES year", validators=[InputRequired(YEAR_MESSAGE),
                                                 NumberRange(FIRST_YEAR, LAST_YEAR, YEAR_MESSAGE)])


def field_name(metric: str, measure: str) -> str:
    """'m2' for a metric's value, 'm4a_ii_disabled' for a group's figure."""
    return f"m{metric}" if measure == "value" else f"m{metric}_{measure}"


class WdesImportForm(FlaskForm):
    """The year and the WDES data pack's files."""

    year = _year_field()
    files = MultipleFileField("WDES data pack files")

    def validate_files(self, field: MultipleFileField) -> None:
        chosen = [upload for upload in field.data or [] if getattr(upload, "filename", "")]
        if not chosen:
            raise ValidationError("Choose the data pack's files: select them all at once (.csv, .xlsx or .zip)")
        names = [upload.filename for upload in chosen]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValidationError(f"{', '.join(repeated)} was chosen more than once: choose each file once")


class WdesConfirmForm(FlaskForm):
    """The button that stores a previewed WDES data pack (carries the CSRF token)."""


class WdesEnterForm(FlaskForm):
    """A past year's published figures; a field per enterable figure is added below."""

    year = _year_field()
    m9b_answer = RadioField("Has the trust taken action to facilitate the voices of Disabled staff to be heard?",
                            choices=[("yes", "Yes"), ("no", "No")], validators=[Optional()])
    narrative = TextAreaField("What the report says about it", validators=[Optional(), Length(max=4000)])

    def figures(self) -> dict[tuple[str, str], float]:
        """{(metric, measure): value} of the fields filled in."""
        found = {(metric, measure): float(self[field_name(metric, measure)].data)
                 for metric, rows in ENTERABLE.items() for measure, _, _ in rows
                 if metric != "9b" and self[field_name(metric, measure)].data is not None}
        if self.m9b_answer.data in ("yes", "no"):
            found[("9b", "answer")] = 1.0 if self.m9b_answer.data == "yes" else 0.0
        return found

    def fill(self, figures: dict[tuple[str, str], float]) -> None:
        """Put stored figures in the fields."""
        for (metric, measure), value in figures.items():
            if metric == "9b":
                self.m9b_answer.data = "yes" if value else "no"
            elif hasattr(self, field_name(metric, measure)):
                self[field_name(metric, measure)].data = round(value, 2)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.figures():
            self.form_errors.append("Enter at least one figure")
            return False
        return True


for _metric, _rows in ENTERABLE.items():
    if _metric == "9b":
        continue
    for _measure, _low, _high in _rows:
        _unit = UNITS.get(_metric, " (%)")
        _message = f"Metric {metric_name(_metric)}: enter a number from {_low:g} to {_high:g}"
        setattr(WdesEnterForm, field_name(_metric, _measure),
                DecimalField(f"{MEASURE_LABELS[_measure]}{_unit}", places=None,
                             validators=[Optional(), NumberRange(_low, _high, _message)]))
