"""Result types of the WDES calculation: frozen, plain, each with a JSON-ready to_dict() (figures unrounded).

A figure that cannot be calculated is None with a reason, never 0.
"""
from __future__ import annotations

from dataclasses import dataclass

from tracker.indicators.ratios import RelativeLikelihood, percent


@dataclass(frozen=True)
class DisabilityShare:
    """Disabled, non-disabled and not-declared headcount of one slice of the workforce (or board)."""

    key: str
    label: str
    disabled: int
    non_disabled: int
    not_declared: int

    @property
    def headcount(self) -> int:
        """Everyone, not declared included."""
        return self.disabled + self.non_disabled + self.not_declared

    @property
    def disabled_percent(self) -> float | None:
        """Disabled as a percentage of everyone (not declared in the denominator)."""
        return percent(self.disabled, self.headcount)

    @property
    def non_disabled_percent(self) -> float | None:
        """Non-disabled as a percentage of everyone."""
        return percent(self.non_disabled, self.headcount)

    @property
    def not_declared_percent(self) -> float | None:
        """Not declared as a percentage of everyone."""
        return percent(self.not_declared, self.headcount)

    @property
    def declaration_rate(self) -> float | None:
        """Declared (Disabled or non-disabled) as a percentage of everyone."""
        return percent(self.disabled + self.non_disabled, self.headcount)

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data, percentages unrounded (None when the slice is empty)."""
        return {"key": self.key, "label": self.label, "disabled": self.disabled,
                "non_disabled": self.non_disabled, "not_declared": self.not_declared,
                "headcount": self.headcount, "disabled_percent": self.disabled_percent,
                "non_disabled_percent": self.non_disabled_percent,
                "not_declared_percent": self.not_declared_percent, "declaration_rate": self.declaration_rate}


@dataclass(frozen=True)
class WdesWorkforce:
    """Metric 1: shares overall, by band, by cluster within non-clinical and clinical staff, by category."""

    overall: DisabilityShare
    by_band: tuple[DisabilityShare, ...]
    non_clinical: tuple[DisabilityShare, ...]
    clinical: tuple[DisabilityShare, ...]
    by_category: tuple[DisabilityShare, ...]
    #: Staff the clusters do not hold (other pay scales, staff whose category is not given), by reason.
    outside_clusters: tuple[DisabilityShare, ...] = ()

    @property
    def declaration_rate(self) -> float | None:
        """Declared (Disabled or non-disabled) as a percentage of the headcount."""
        return self.overall.declaration_rate

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data."""
        return {"overall": self.overall.to_dict(), "declaration_rate": self.declaration_rate,
                "by_band": [s.to_dict() for s in self.by_band],
                "non_clinical": [s.to_dict() for s in self.non_clinical],
                "clinical": [s.to_dict() for s in self.clinical],
                "by_category": [s.to_dict() for s in self.by_category],
                "outside_clusters": [s.to_dict() for s in self.outside_clusters]}


@dataclass(frozen=True)
class LikelihoodMetric:
    """Metrics 2 and 3: a relative likelihood, with what it rests on."""

    likelihood: RelativeLikelihood
    #: For metric 3: the years whose entries were averaged (the guidance's two-year rolling average).
    years: tuple[int | None, ...] = ()
    note: str | None = None

    @property
    def value(self) -> float | None:
        """The relative likelihood, unrounded."""
        return self.likelihood.value

    @property
    def reason(self) -> str | None:
        """Why there is no value."""
        return self.likelihood.reason

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data."""
        return {**self.likelihood.to_dict(), "years": list(self.years), "metric_note": self.note}


@dataclass(frozen=True)
class SurveyMetric:
    """Metrics 4a(i)-7 and 8: the NHS Staff Survey percentage for Disabled and non-disabled staff."""

    metric: str
    disabled: float | None
    non_disabled: float | None
    disabled_responses: int | None = None
    non_disabled_responses: int | None = None
    reason: str | None = None

    @property
    def difference(self) -> float | None:
        """Disabled minus non-disabled, in percentage points."""
        if self.disabled is None or self.non_disabled is None:
            return None
        return self.disabled - self.non_disabled

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data."""
        return {"metric": self.metric, "disabled": self.disabled, "non_disabled": self.non_disabled,
                "difference": self.difference, "disabled_responses": self.disabled_responses,
                "non_disabled_responses": self.non_disabled_responses, "reason": self.reason}


@dataclass(frozen=True)
class EngagementScores:
    """Metric 9a: the staff engagement score (0-10) for Disabled and non-disabled staff, and the trust's."""

    disabled: float | None
    non_disabled: float | None
    overall: float | None = None
    reason: str | None = None

    @property
    def difference(self) -> float | None:
        """Disabled minus non-disabled, in score points."""
        if self.disabled is None or self.non_disabled is None:
            return None
        return self.disabled - self.non_disabled

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data."""
        return {"disabled": self.disabled, "non_disabled": self.non_disabled, "overall": self.overall,
                "difference": self.difference, "reason": self.reason}


@dataclass(frozen=True)
class Voices:
    """Metric 9b: has the trust taken action to facilitate the voices of Disabled staff to be heard?"""

    answer: bool | None
    text: str = ""
    reason: str | None = None

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data: answer is "yes", "no" or None."""
        answer = None if self.answer is None else ("yes" if self.answer else "no")
        return {"answer": answer, "text": self.text, "reason": self.reason}


@dataclass(frozen=True)
class BoardDifference:
    """Metric 10: Disabled % of the board's voting and executive members minus Disabled % of the workforce."""

    voting: DisabilityShare | None
    executive: DisabilityShare | None
    workforce_percent: float | None
    board: DisabilityShare | None = None
    reason: str | None = None

    def _difference(self, members: DisabilityShare | None) -> float | None:
        if members is None or members.disabled_percent is None or self.workforce_percent is None:
            return None
        return members.disabled_percent - self.workforce_percent

    @property
    def voting_difference(self) -> float | None:
        """Voting members' Disabled % minus the workforce's, in percentage points."""
        return self._difference(self.voting)

    @property
    def executive_difference(self) -> float | None:
        """Executive members' Disabled % minus the workforce's, in percentage points."""
        return self._difference(self.executive)

    def why(self, part: str) -> str | None:
        """Why the voting or executive difference is None (None when there is one)."""
        members = getattr(self, part)
        if self.reason:
            return self.reason
        if self.workforce_percent is None:
            return "no workforce figures, so there is no Disabled % of the workforce to compare with"
        if members is None or members.headcount == 0:
            return f"the board file has no {part} members"
        return None

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data."""
        return {"voting": self.voting_difference, "executive": self.executive_difference,
                "workforce_disabled_percent": self.workforce_percent,
                "voting_members": self.voting.to_dict() if self.voting else None,
                "executive_members": self.executive.to_dict() if self.executive else None,
                "board": self.board.to_dict() if self.board else None,
                "voting_reason": self.why("voting"), "executive_reason": self.why("executive")}
