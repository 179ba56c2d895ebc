"""Forms for meeting agendas and the forum's reviews."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField, ValidationError
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


class AgendaRowForm(FlaskForm):
    """One agenda item's row on the whole-agenda review page (prefixed with the item; the page's own
    form carries the CSRF token). A row left blank records nothing."""

    class Meta:
        csrf = False

    reviewed_rag = RadioField("The forum's RAG rating", validate_choice=False,
                              choices=[(rag, RAG_LABELS[rag]) for rag in RAG_VALUES])
    decision = SelectField("Decision", validate_choice=False, default="")
    comment = TextAreaField("Comment for the action's owners")
    seen = HiddenField()

    def __init__(self, *args, escalates_to: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = [("", "Choose the decision")] + decision_choices(escalates_to)

    @property
    def is_blank(self) -> bool:
        return not (self.reviewed_rag.data or self.decision.data or (self.comment.data or "").strip())

    def seen_review_id(self) -> int | None:
        """The latest review of the item the page showed (None: it showed none)."""
        return int(self.seen.data) if (self.seen.data or "").isdigit() and int(self.seen.data) else None
