"""Forms for plans: the plan and its themes, the plan page's filters, importing a file, rolling over."""
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from tracker import standards
from tracker.forms import MultiCheckboxField
from tracker.plans.models import PlanStatus
from tracker.plans.queries import PEOPLE_LIMIT, Filters, PersonMatch, person_name, plan_people
from tracker.plans.service import PlanError, check_year
from tracker.request_guards import bounded_int


class PlanForm(FlaskForm):
    year = StringField("Year", validators=[DataRequired("Enter the plan year, like 2024-25"), Length(max=7)])
    title = StringField("Title", validators=[DataRequired("Enter the plan's title"), Length(max=300)])
    #: Checked by the service, which says which kinds there are.
    standard = RadioField("What kind of plan is it?", default=standards.WRES,
                          choices=list(standards.PLAN_STANDARDS.items()), validate_choice=False)
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


class PersonIdField(HiddenField):
    """A person's id in a hidden input; anything that is not one an id can be (bounded_int) reads as 0, no one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, default=0, **kwargs)

    def process_formdata(self, valuelist) -> None:
        try:
            self.data = bounded_int(valuelist[0]) if valuelist else 0
        except ValueError:
            self.data = 0

    def _value(self) -> str:
        return str(self.data) if self.data else ""


class FilterForm(FlaskForm):
    """The filters on the plan page (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    #: The person filtered by (owner=<id>, as every link to a person's actions says it); the page
    #: shows their name in `person`.
    owner = PersonIdField()
    #: What was typed to find the person: a name, part of one, or an email address (see `resolve_person`).
    person = StringField("Owner or supporting lead", validators=[Length(max=200)])
    measure = SelectField("Measure", default="")
    hia = SelectField("High impact action", coerce=bounded_int, default=0,
                      choices=[(0, "Any")] + [(h.number, f"{h.name} {h.title}") for h in standards.high_impact_actions()])
    forum = SelectField("Forum", coerce=bounded_int, default=0)
    rag = SelectField("RAG", default="", choices=[
        ("", "Any"), ("red", "Red"), ("amber", "Amber"), ("green", "Green"), ("blue", "Blue (complete)"),
        ("none", "Not rated")])
    status = SelectField("Status", default="")
    overdue = BooleanField("Overdue only")
    sort = SelectField("Sort by", default="ref", choices=[
        ("ref", "Reference"), ("due", "Due date"), ("rag", "RAG (red first)"),
        ("updated", "Last update (newest first)"), ("theme", "Theme")])

    def __init__(self, formdata=None, *args, forums=(), statuses=(), plan_standard: str | None = None, **kwargs):
        super().__init__(with_measure(formdata), *args, **kwargs)
        offered = list(standards.measures_for_plan(plan_standard) if plan_standard else standards.all_measures())
        if standards.is_measure(self.measure.data or "") and standards.measure(self.measure.data) not in offered:
            offered.append(standards.measure(self.measure.data))  # a link from elsewhere: show what it filters by
        self.measure.choices = [("", "Any")] + [(m.code, f"{m.name} {m.short_title}") for m in offered]
        self.forum.choices = [(0, "Any")] + [(f.id, f.name) for f in forums]
        self.status.choices = [("", "Any")] + [(s, s) for s in statuses]



@dataclass
class PersonChoice:
    """What the owner filter's typed text found when it did not name one person: the people it matches
    (at most PEOPLE_LIMIT of them, `more` when there are others) for the page to offer as links."""

    text: str
    matches: list[PersonMatch] = field(default_factory=list)
    more: bool = False


def resolve_person(form: FilterForm, plan, args) -> PersonChoice | None:
    """Set the form's owner from what was typed in its person box (the query string `args` the form
    read), and show the owner's name in it.

    With no person box in the query string (a link such as ?owner=12), the owner stands. Otherwise blank
    text is no owner; the chosen owner's own name keeps them (the box shows it after a search); other
    text filters by the one person with an action in the plan whose name contains it or whose email
    starts with it (or the one whose whole name it is). When it matches several people or none, there
    is no owner and the PersonChoice says who matched, for the page to offer."""
    typed = " ".join((form.person.data or "").split())
    chosen = person_name(form.owner.data) if form.owner.data else None
    if "person" not in args or (chosen and typed.lower() == chosen.lower()):
        form.person.data = chosen or ""
        return None
    form.owner.data = 0
    if not typed:
        form.person.data = ""
        return None
    matches = plan_people(plan, typed, PEOPLE_LIMIT + 1)
    exact = [m for m in matches if m.name.lower() == typed.lower()]
    if len(matches) == 1 or len(exact) == 1:
        form.owner.data, form.person.data = (exact or matches)[0].id, (exact or matches)[0].name
        return None
    return PersonChoice(typed, matches[:PEOPLE_LIMIT], more=len(matches) > PEOPLE_LIMIT)


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


#: The rollover's target choice for a new draft plan.
NEW_PLAN = "new"


class CarryRowForm(Form):
    """One row of the rollover table: an action, ticked or not, with what its copy gets.

    A sub-form (the page's form carries the CSRF token); the service checks the values of
    ticked rows, so a bad value in an unticked row does not matter."""

    action_id = IntegerField(widget=HiddenInput())
    carry = BooleanField()
    by_when = StringField()
    owners = StringField()
    forums = MultiCheckboxField(coerce=int, validate_choice=False)


class RolloverForm(FlaskForm):
    """The target plan and the table of actions to carry forward, each with its next-year by-when,
    owners and forums; `fill` copies by_when_all into the ticked rows left as suggested."""

    target = RadioField("Where should the actions go?", validate_choice=False,
                        validators=[InputRequired("Choose the plan to carry the actions into")])
    by_when_all = StringField("By when for every ticked action (optional)", validators=[Length(max=200)])
    rows = FieldList(FormField(CarryRowForm))
    fill = SubmitField("Fill in ticked rows")

    def __init__(self, *args, targets=(), forums=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.target.choices = list(targets)
        choices = [(forum.id, forum.label) for forum in forums]  # one list for every row: read once
        for row in self.rows:
            row.forums.choices = choices

    def validate_target(self, field: RadioField) -> None:
        if field.data != NEW_PLAN and not (field.data or "").isdigit():
            raise ValidationError("Choose the plan to carry the actions into")

    def target_id(self) -> int | None:
        """The chosen plan's id, or None for a new plan."""
        return None if self.target.data == NEW_PLAN else int(self.target.data)

    def fill_by_when(self, suggested: dict[int, str]) -> None:
        """Put by_when_all into every ticked row whose by-when is still the suggested one."""
        value = (self.by_when_all.data or "").strip()
        if not value:
            return
        for row in self.rows:
            if row.carry.data and (row.by_when.data or "").strip() == suggested.get(row.action_id.data, ""):
                row.by_when.data = value


class ImportConfirmForm(FlaskForm):
    """"Create plan" on the import preview: the year and title, the file being kept on the server."""

    year = StringField("Year", validators=[DataRequired("Enter the plan year, like 2024-25"), Length(max=7)])
    title = StringField("Title (optional)", validators=[Length(max=300)])

    validate_title = ImportForm.validate_title
    validate_year = ImportForm.validate_year


def filters_of(form: FilterForm) -> Filters:
    """The plan page's filters and sort as the form reads them from the query string."""
    return Filters(
        owner_id=form.owner.data or None,
        measure=form.measure.data if standards.is_measure(form.measure.data or "") else None,
        hia=form.hia.data or None, forum_id=form.forum.data or None,
        rag=form.rag.data or None, status=form.status.data or None,
        overdue=bool(form.overdue.data), sort=form.sort.data or "ref",
    )


#: The query-string arguments of the plan page's filters and sort ("indicator=2", from older links,
#: is read as "measure=wres:2").
FILTER_ARGUMENTS = ("owner", "measure", "hia", "indicator", "forum", "rag", "status", "overdue", "sort")


def with_measure(args):
    """The query string with an older link's "indicator=N" read as "measure=wres:N" (unless it names a measure)."""
    if args is None or "indicator" not in args:
        return args
    pairs = [(name, value) for name, value in args.items(multi=True) if name != "indicator"]
    if "measure" not in args:
        pairs.append(("measure", standards.code_of(standards.WRES, (args.get("indicator") or "").strip())))
    return MultiDict(pairs)


def filter_query(args) -> str:
    """The filters and sort of a plan page's query string (no page number), as a query string."""
    args = with_measure(args)
    return urlencode([(name, value) for name in FILTER_ARGUMENTS for value in args.getlist(name)][:20])


def filter_args(query: str) -> MultiDict:
    """`filter_query`'s string read back (anything else in it left out), for a FilterForm."""
    return MultiDict([(name, value) for name, value in parse_qsl(query or "")[:20] if name in FILTER_ARGUMENTS])


_SORT_WORDS = {"due": "due date", "rag": "RAG", "updated": "last update", "theme": "theme"}


def filter_labels(form: FilterForm) -> list[tuple[str, str]]:
    """Each filter set on the form as (what, value) as people read it, e.g. ("RAG", "amber"), then the sort when
    it is not by reference: for an export's note and file name."""
    def chosen(field) -> str:
        return str(dict(field.choices or []).get(field.data, field.data))

    labels = []
    if form.rag.data:
        labels.append(("RAG", "not rated" if form.rag.data == "none" else form.rag.data))
    if form.status.data:
        labels.append(("status", form.status.data))
    if form.owner.data:
        labels.append(("owner", form.person.data or str(form.owner.data)))
    if form.forum.data:
        labels.append(("forum", chosen(form.forum)))
    if standards.is_measure(form.measure.data or ""):
        labels.append(("measure", standards.measure(form.measure.data).name))
    if form.hia.data in {h.number for h in standards.high_impact_actions()}:
        labels.append(("HIA", str(form.hia.data)))
    if form.overdue.data:
        labels.append(("overdue", "only"))
    if form.sort.data in _SORT_WORDS:
        labels.append(("sorted by", _SORT_WORDS[form.sort.data]))
    return labels
