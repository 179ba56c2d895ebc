"""Result types of the WRES calculation: frozen, plain, each with a JSON-ready to_dict().

Percentages in to_dict() are rounded half up to 2 dp (11.11); ratios are unrounded.
"""
from __future__ import annotations

from dataclasses import dataclass

from tracker.indicators.ratios import RelativeLikelihood, percent, round_half_up


def pct(value: float | None) -> float | None:
    """A percentage for display: 2 dp, half up; None stays None."""
    return None if value is None else round_half_up(value, 2)


@dataclass(frozen=True)
class NotCalculable:
    """A result that could not be produced, and why."""

    reason: str

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data."""
        return {"value": None, "reason": self.reason}


@dataclass(frozen=True)
class Share:
    """BME, White and Unknown headcount of one slice of the workforce (or board)."""

    key: str
    label: str
    bme: int
    white: int
    unknown: int

    @property
    def headcount(self) -> int:
        """Everyone, Unknown included."""
        return self.bme + self.white + self.unknown

    @property
    def percent(self) -> float | None:
        """BME as a percentage of everyone (Unknown in the denominator)."""
        return percent(self.bme, self.headcount)

    @property
    def percent_known(self) -> float | None:
        """BME as a percentage of those whose ethnicity is known."""
        return percent(self.bme, self.bme + self.white)

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data."""
        return {
            "key": self.key, "label": self.label, "value": pct(self.percent),
            "value_known": pct(self.percent_known), "bme": self.bme, "white": self.white,
            "unknown": self.unknown, "headcount": self.headcount,
            "white_percent": pct(percent(self.white, self.headcount)),
            "unknown_percent": pct(percent(self.unknown, self.headcount)),
        }


@dataclass(frozen=True)
class WorkforceProfile:
    """Indicator 1: BME share overall, without medical staff, by band, cluster and category."""

    overall: Share
    non_medical: Share
    by_band: tuple[Share, ...]
    by_cluster: tuple[Share, ...]
    by_category: tuple[Share, ...]
    by_category_band: tuple[tuple[str, tuple[Share, ...]], ...]

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data; 'value' is the overall BME %."""
        return {
            **self.overall.to_dict(), "non_medical": self.non_medical.to_dict(),
            "by_band": [share.to_dict() for share in self.by_band],
            "by_cluster": [share.to_dict() for share in self.by_cluster],
            "by_category": [share.to_dict() for share in self.by_category],
            "by_category_band": {
                category: [share.to_dict() for share in shares]
                for category, shares in self.by_category_band
            },
        }


@dataclass(frozen=True)
class LikelihoodIndicator:
    """Indicators 2-4: the relative likelihood, and without medical staff where possible."""

    overall: RelativeLikelihood
    non_medical: RelativeLikelihood | None = None

    @property
    def value(self) -> float | None:
        """The overall relative likelihood."""
        return self.overall.value

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data; 'value' unrounded."""
        data = self.overall.to_dict()
        if self.non_medical is not None:
            data["non_medical"] = self.non_medical.to_dict()
        return data


@dataclass(frozen=True)
class SurveyPair:
    """Indicators 5-8: the staff survey percentage for BME and White staff."""

    bme: float | None
    white: float | None
    bme_responses: int | None = None
    white_responses: int | None = None
    reason: str | None = None

    @property
    def gap(self) -> float | None:
        """BME minus White, in percentage points."""
        return None if self.bme is None or self.white is None else self.bme - self.white

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data."""
        return {"bme": pct(self.bme), "white": pct(self.white), "gap": pct(self.gap),
                "bme_responses": self.bme_responses, "white_responses": self.white_responses,
                "reason": self.reason}


@dataclass(frozen=True)
class BoardProfile:
    """Indicator 9: BME board membership, split by role and voting, against the workforce."""

    overall: Share
    executive: Share
    non_executive: Share
    voting: Share
    non_voting: Share
    workforce_percent: float | None

    @property
    def difference(self) -> float | None:
        """Board BME % minus overall workforce BME %, in percentage points."""
        if self.overall.percent is None or self.workforce_percent is None:
            return None
        return self.overall.percent - self.workforce_percent

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data; 'value' is the board BME %."""
        parts = ("executive", "non_executive", "voting", "non_voting")
        return {
            **self.overall.to_dict(), **{part: getattr(self, part).to_dict() for part in parts},
            "workforce_value": pct(self.workforce_percent),
            "difference_from_workforce": pct(self.difference),
        }


@dataclass(frozen=True)
class DisparityRatios:
    """Race disparity ratio (non-medical staff, lower / middle / upper clusters)."""

    lower: Share
    middle: Share
    upper: Share
    lower_to_middle: RelativeLikelihood
    middle_to_upper: RelativeLikelihood
    lower_to_upper: RelativeLikelihood

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data: the three ratios as numbers, details alongside."""
        names = ("lower_to_middle", "middle_to_upper", "lower_to_upper")
        return {
            **{name: getattr(self, name).value for name in names},
            "details": {name: getattr(self, name).to_dict() for name in names},
            "clusters": [share.to_dict() for share in (self.lower, self.middle, self.upper)],
        }


@dataclass(frozen=True)
class AspirationalTarget:
    """One senior band against the aspirational (Model Employer) target."""

    band: str
    headcount: int
    bme: int
    white: int
    target: int

    @property
    def gap(self) -> int:
        """BME appointments still needed: target minus BME headcount, never below 0."""
        return max(0, self.target - self.bme)

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data."""
        return {"band": self.band, "headcount": self.headcount, "bme": self.bme,
                "white": self.white, "target": self.target, "gap": self.gap}
