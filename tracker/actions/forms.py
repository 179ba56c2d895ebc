from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Length, Optional

from tracker import standards
from tracker.forms import MultiCheckboxField
from tracker.rag import STATUS_WORDS

RAG_CHOICES = [("", "Not rated"), ("red", "Red"), ("amber", "Amber"), ("green", "Green"), ("blue", "Blue (complete)")]


#: The measure fields of the action form: one per standard, each listing that standard's measures by code.
MEASURE_FIELDS = {standards.WRES: "wres_indicators", standards.WDES: "wdes_metrics"}


def measure_choices(standard: str) -> list[tuple[str, str]]:
    """ [("wres:2", "2 Recruitment"), …]: a standard's measures as the form offers them."""
    return [(m.code, f"{m.label} {m.short_title}") for m in standards.measures(standard)]


def hia_choices() -> list[tuple[int, str]]:
    return [(hia.number, f"{hia.name}: {hia.title}") for hia in standards.high_impact_actions()]


def status_choices(current: str | None) -> list[tuple[str, str]]:
    words = list(STATUS_WORDS)
    if current and current not in words:
        words.insert(0, current)
    return [("", "No status yet")] + [(word, word.capitalize()) for word in words]


class ActionForm(FlaskForm):
    ref = StringField("Reference", validators=[DataRequired("Enter the reference, like 1.1"), Length(max=20)])
    theme = SelectField("Theme", coerce=int, default=0)
    text = TextAreaField("Action", validators=[DataRequired("Enter what the action is")])
    # Both measure fields are always read, whatever the plan: a code the plan does not allow is refused by
    # the service with a message, not dropped. The page shows only the plan's standards' fields.
    wres_indicators = MultiCheckboxField("WRES indicators", choices=measure_choices(standards.WRES),
                                         validate_choice=False)
    wdes_metrics = MultiCheckboxField("WDES metrics", choices=measure_choices(standards.WDES),
                                      validate_choice=False)
    high_impact_actions = MultiCheckboxField("EDI Improvement Plan high impact actions", coerce=int,
                                             choices=hia_choices())
    owners = StringField("Owner(s)", validators=[Length(max=1000)])
    supporting_leads = StringField("Supporting leads", validators=[Length(max=1000)])
    lead_text = StringField("'By who' as printed in the plan", validators=[Length(max=300)])
    by_when = StringField("By when", validators=[Length(max=200)])
    outcome = TextAreaField("Outcome or success measure")
    forums = MultiCheckboxField("Where reported or monitored", coerce=int)
    priority = SelectField("Must, Should or Could", default="",
                           choices=[("", "Not set"), ("Must", "Must"), ("Should", "Should"), ("Could", "Could")])
    equality_objectives = StringField("Links to equality objectives", validators=[Length(max=100)])
    edi_goals = StringField("Links to EDI goals", validators=[Length(max=100)])
    status = SelectField("Status", default="")
    rag = SelectField("RAG rating", default="", choices=RAG_CHOICES)
    rag_as_at = DateField("RAG as at", validators=[Optional()])
    cancelled_reason = TextAreaField("Reason for cancelling")
    version = HiddenField()
    #: The form's values when it was opened (signed), to show what changed if someone else saves first.
    opened = HiddenField()

    def __init__(self, *args, themes=(), forums=(), current_status=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme.choices = [(0, "No theme")] + [(t.id, t.label[:120]) for t in themes]
        self.forums.choices = [(f.id, f.name) for f in forums]
        self.status.choices = status_choices(current_status)


class ProgressUpdateForm(FlaskForm):
    status = SelectField("Status", default="")
    rag = SelectField("RAG rating", default="", choices=RAG_CHOICES)
    rag_reason = TextAreaField("Why did you choose a different RAG rating?", validators=[Length(max=2000)])
    narrative = TextAreaField("Progress since the last update",
                              validators=[DataRequired("Describe the progress made"), Length(max=10000)])
    evidence_url = URLField("Link to evidence (optional)",
                            validators=[Optional(), URL(message="Enter a full web address, starting https://"),
                                        Length(max=500)])
    #: Files the update points to (tracker/evidence): optional, checked by content when posted.
    evidence = MultipleFileField("Attach files as evidence (optional)")

    def __init__(self, *args, current_status=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = status_choices(current_status)




class BulkChangeForm(FlaskForm):
    """One change for the actions selected on the plan page; the confirmation page carries it in hidden fields."""

    kind = RadioField("What do you want to change?", choices=[], validate_choice=False)
    by_when = StringField("New by when", validators=[Length(max=200)])
    owners = StringField("Owner(s)", validators=[Length(max=1000)])
    owners_mode = RadioField("Add or replace owners", default="add", choices=[
        ("add", "Add them to each action's owners"), ("replace", "Replace each action's owners with them")])
    supporting_leads = StringField("Supporting leads", validators=[Length(max=1000)])
    supporting_leads_mode = RadioField("Add or replace supporting leads", default="add", choices=[
        ("add", "Add them to each action's supporting leads"),
        ("replace", "Replace each action's supporting leads with them")])
    forum = SelectField("Forum", coerce=int, default=0)
    forums_mode = RadioField("Add or replace the forum", default="add", choices=[
        ("add", "Add it to the forums each action reports to"),
        ("replace", "Make it the only forum each action reports to")])
    priority = SelectField("Must, Should or Could", default="",
                           choices=[("", "Not set"), ("Must", "Must"), ("Should", "Should"), ("Could", "Could")])
    theme = SelectField("Theme", coerce=int, default=0)
    #: The plan page's filters and sort, as its query string, for "Cancel" and "Back to the plan".
    back = HiddenField()

    def __init__(self, *args, kinds=(), themes=(), forums=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = list(kinds)
        self.forum.choices = [(0, "Choose a forum")] + [(f.id, f.name) for f in forums]
        self.theme.choices = [(0, "No theme")] + [(t.id, t.label[:120]) for t in themes]


def parse_selection(values: list[str]) -> dict[int, int]:
    """{action id: version} from the plan page's ticked boxes ("12:3"); malformed values are left out."""
    selected = {}
    for value in values:
        action_id, _, version = value.partition(":")
        if action_id.isdigit() and version.isdigit() and len(action_id) < 10 and len(version) < 10:
            selected[int(action_id)] = int(version)
    return selected
