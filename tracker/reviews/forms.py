"""Forms for meeting agendas and the forum's reviews."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import Length

from tracker.rag import RAG_LABELS, RAG_VALUES
from tracker.reviews import agenda_rules as rules

REF_MAX = 20


class AddItemForm(FlaskForm):
    """The EDI lead puts an action on the agenda by its plan and reference."""

    plan = SelectField("Plan", coerce=int, default=0, validate_choice=False)
    ref = StringField("Action reference", validators=[
        Length(max=REF_MAX, message=f"The reference must be {REF_MAX} characters or fewer")])

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.plan.choices = [(0, "Choose a plan")] + [(plan.id, plan.label) for plan in plans]

    def validate_plan(self, field) -> None:
        if not field.data:
            raise ValidationError("Choose the plan the action is in")
        if field.data not in {value for value, _label in self.plan.choices}:
            raise ValidationError("Choose a plan from the list")

    def validate_ref(self, field) -> None:
        if not (field.data or "").strip():
            raise ValidationError("Enter the action's reference, for example 1.1")


class ReviewForm(FlaskForm):
    """The forum's RAG rating, comment and decision on one agenda item."""

    reviewed_rag = RadioField("The forum's RAG rating", validate_choice=False,
                              choices=[(rag, RAG_LABELS[rag]) for rag in RAG_VALUES])
    comment = TextAreaField("Comment for the action's owners")
    decision = RadioField("Decision", validate_choice=False)

    def __init__(self, *args, escalates_to: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.escalates_to = escalates_to
        self.decision.choices = decision_choices(escalates_to)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        problems = rules.review_problems(decision=self.decision.data, reviewed_rag=self.reviewed_rag.data,
                                         comment=self.comment.data or "", escalates_to=self.escalates_to)
        for name, message in problems.items():
            getattr(self, name).errors.append(message)
        return valid and not problems


def decision_choices(escalates_to: str | None) -> list[tuple[str, str]]:
    """The decisions a forum may take: escalation only when it has a forum to escalate to."""
    return [(code, f"Escalate to {escalates_to}" if code == rules.ESCALATE else label)
            for code, label in rules.DECISION_CHOICES.items() if code != rules.ESCALATE or escalates_to]


class AgendaRowEntry:
    """One agenda item's row on the whole-agenda review page as typed: the forum's RAG, decision, comment and
    the latest review the page showed, read from the submitted form under the item's prefix ("item-12-").
    Plain data rather than a form object, as a page has 25 rows and their fields take no validators of their
    own: what is wrong with a filled row is found by `service.record_reviews` and put in `errors`, and the
    page's own form carries the CSRF token. A row left blank records nothing."""

    #: The row's fields in the order the page shows them (and lists their errors).
    FIELDS = ("reviewed_rag", "decision", "comment", "seen")
    RAG_CHOICES = [(rag, RAG_LABELS[rag]) for rag in RAG_VALUES]

    __slots__ = ("prefix", "reviewed_rag", "decision", "comment", "seen", "errors")

    def __init__(self, item_id: int, formdata=None) -> None:
        self.prefix = f"item-{item_id}-"
        get = formdata.get if formdata is not None else {}.get
        self.reviewed_rag: str | None = get(self.prefix + "reviewed_rag")
        self.decision: str = get(self.prefix + "decision", "")
        self.comment: str | None = get(self.prefix + "comment")
        self.seen: str | None = get(self.prefix + "seen")
        #: {field: messages}, in FIELDS order when shown.
        self.errors: dict[str, list[str]] = {}

    @property
    def problems(self) -> list[tuple[str, str]]:
        """(field id, message) of every error, in the order the page shows the fields."""
        return [(self.prefix + name, message) for name in self.FIELDS for message in self.errors.get(name, ())]

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def is_blank(self) -> bool:
        return not (self.reviewed_rag or self.decision or (self.comment or "").strip())

    def seen_review_id(self) -> int | None:
        """The latest review of the item the page showed (None: it showed none)."""
        return int(self.seen) if (self.seen or "").isdigit() and int(self.seen) else None
