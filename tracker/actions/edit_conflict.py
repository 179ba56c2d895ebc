"""When two people edit one action: what the other person changed, what you typed, and your changes
re-applied on top of theirs.

Pure code: each side is a mapping of form field name to a plain value (text, or a sorted list of ids or measure codes).
"Opened" is the action as the form showed it when you opened it, "now" is the action as saved since,
"yours" is what you submitted.
"""
from __future__ import annotations

from dataclasses import dataclass

#: The fields of the edit form, in the order it shows them, with their labels.
FIELDS = {
    "ref": "Reference", "theme": "Theme", "text": "Action", "wres_indicators": "WRES indicators",
    "wdes_metrics": "WDES metrics", "high_impact_actions": "EDI Improvement Plan high impact actions", "owners": "Owner(s)",
    "supporting_leads": "Supporting leads", "lead_text": "'By who' as printed", "by_when": "By when",
    "outcome": "Outcome or success measure", "forums": "Where reported or monitored",
    "priority": "Must, Should or Could", "equality_objectives": "Links to equality objectives",
    "edi_goals": "Links to EDI goals", "status": "Status", "rag": "RAG rating", "rag_as_at": "RAG as at",
    "cancelled_reason": "Reason for cancelling",
}


@dataclass(frozen=True)
class FieldChange:
    """One field that either person changed."""

    name: str
    label: str
    opened: object
    now: object
    yours: object

    @property
    def changed_by_them(self) -> bool:
        return self.now != self.opened

    @property
    def changed_by_you(self) -> bool:
        return self.yours != self.opened

    @property
    def clash(self) -> bool:
        """Both changed the field, to different values: yours is kept on re-applying; check it."""
        return self.changed_by_them and self.changed_by_you and self.yours != self.now


def changes(opened: dict, now: dict, yours: dict) -> list[FieldChange]:
    """Every field the other person or you changed, in the form's order."""
    found = []
    for name, label in FIELDS.items():
        before, theirs, mine = opened.get(name), now.get(name), yours.get(name)
        if theirs != before or mine != before:
            found.append(FieldChange(name, label, before, theirs, mine))
    return found


def reapplied(opened: dict, now: dict, yours: dict) -> dict:
    """Your changes on top of the action as it is now: the fields you changed take your value, every
    other field keeps the value saved since (the other person's)."""
    return {name: (yours.get(name) if yours.get(name) != opened.get(name) else now.get(name)) for name in FIELDS}
