"""Relative likelihoods with 95% confidence intervals, small-number flags and rounding.

Nothing here raises, returns inf or NaN: a ratio that cannot be calculated says why.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

Z_95 = 1.959963984540054
SMALL_NUMBER = 10
NON_ADVERSE_RANGE = (0.80, 1.25)


def round_half_up(value: float, places: int = 0) -> float:
    """Round as people do by hand: 2.5 → 3, 0.125 → 0.13 (at `places` decimals)."""
    step = Decimal(1).scaleb(-places)
    return float(Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP))


def percent(part: float, whole: float) -> float | None:
    """part as a percentage of whole (unrounded); None when whole is 0."""
    return 100.0 * part / whole if whole else None


def number(value: float) -> int | float | None:
    """A count as a plain int when whole, else a plain float; None when not finite (JSON-friendly)."""
    value = float(value)
    if not math.isfinite(value):
        return None
    return int(value) if value.is_integer() else value


@dataclass(frozen=True)
class RelativeLikelihood:
    """(count_a / total_a) / (count_b / total_b), kept with its numerators and denominators."""

    value: float | None
    group_a: str
    group_b: str
    count_a: float | None = None
    total_a: float | None = None
    count_b: float | None = None
    total_b: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    small_numbers: bool = False
    reason: str | None = None
    note: str | None = None

    @property
    def calculable(self) -> bool:
        """Whether there is a value."""
        return self.value is not None

    @property
    def position(self) -> str | None:
        """"below", "within" or "above" the non-adverse range 0.80-1.25 (as displayed, 2 dp)."""
        if self.value is None:
            return None
        shown = round_half_up(self.value, 2)
        low, high = NON_ADVERSE_RANGE
        return "below" if shown < low else ("above" if shown > high else "within")

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data."""
        data = asdict(self)
        for key in ("count_a", "total_a", "count_b", "total_b"):
            if data[key] is not None:
                data[key] = number(data[key])
        return data | {"position": self.position, "calculable": self.calculable}


def not_calculable(reason: str, group_a: str = "White", group_b: str = "BME") -> RelativeLikelihood:
    """A relative likelihood with no value, only the reason."""
    return RelativeLikelihood(None, group_a, group_b, reason=reason)


def _interval(value: float, variance: float) -> tuple[float | None, float | None]:
    """95% interval around `value` from the variance of its logarithm."""
    if not variance > 0 or not math.isfinite(variance):
        return (value, value) if variance == 0 else (None, None)
    spread = Z_95 * math.sqrt(variance)
    return value * math.exp(-spread), value * math.exp(spread)


def _zero_reason(
    count_a: float, total_a: float, count_b: float, total_b: float,
    group_a: str, group_b: str, count_label: str, total_label: str,
) -> str | None:
    """Why the ratio cannot be calculated, or None when it can."""
    for count, total, group in ((count_a, total_a, group_a), (count_b, total_b, group_b)):
        if min(count, total) < 0 or not all(map(math.isfinite, (count, total))):
            return f"{group} figures are not valid counts ({count} {count_label}, {total} {total_label})"
        if total == 0:
            return f"no {group} {total_label} (0), so the {group} rate cannot be calculated"
    if count_b == 0:
        return (f"no {group_b} {count_label} (0 of {number(total_b)}): "
                "the ratio would divide by zero and is undefined")
    if count_a == 0:
        return (f"no {group_a} {count_label} (0 of {number(total_a)}): "
                "the ratio is 0 and its confidence interval cannot be estimated")
    return None


def relative_likelihood(
    count_a: float, total_a: float, count_b: float, total_b: float, *,
    group_a: str = "White", group_b: str = "BME",
    count_label: str = "cases", total_label: str = "staff",
) -> RelativeLikelihood:
    """Likelihood of group a relative to group b, 95% CI by the log method.

    SE of ln RR = sqrt(1/a - 1/n1 + 1/c - 1/n2). The small-numbers flag is set
    when any cell of the 2×2 table (a, n1-a, c, n2-c) is under 10.
    """
    counts = tuple(float(x) for x in (count_a, total_a, count_b, total_b))
    a, n1, c, n2 = counts
    reason = _zero_reason(a, n1, c, n2, group_a, group_b, count_label, total_label)
    if reason:
        return RelativeLikelihood(None, group_a, group_b, *counts, reason=reason,
                                  small_numbers=_small(a, n1, c, n2))
    value = (a / n1) / (c / n2)
    low, high, note = None, None, f"no confidence interval: more {count_label} than {total_label}"
    if a <= n1 and c <= n2:
        low, high = _interval(value, 1 / a - 1 / n1 + 1 / c - 1 / n2)
        note = None
    return RelativeLikelihood(value, group_a, group_b, *counts, low, high,
                              _small(a, n1, c, n2), note=note)


def _small(a: float, n1: float, c: float, n2: float) -> bool:
    """Whether any cell of the 2×2 table is below the small-number threshold."""
    return min(a, n1 - a, c, n2 - c) < SMALL_NUMBER


def disparity_ratio(
    upper_a: float, lower_a: float, upper_b: float, lower_b: float, *,
    group_a: str = "White", group_b: str = "BME",
    upper_label: str = "upper", lower_label: str = "lower",
) -> RelativeLikelihood:
    """(upper_a / lower_a) / (upper_b / lower_b): an odds-type ratio, so its CI uses
    SE = sqrt(1/upper_a + 1/lower_a + 1/upper_b + 1/lower_b) and every count is a cell."""
    counts = tuple(float(x) for x in (upper_a, lower_a, upper_b, lower_b))
    ua, la, ub, lb = counts
    small = min(counts) < SMALL_NUMBER
    for count, label, group in ((la, lower_label, group_a), (lb, lower_label, group_b),
                                (ub, upper_label, group_b), (ua, upper_label, group_a)):
        if count <= 0 or not math.isfinite(count):
            why = ("the ratio would divide by zero and is undefined"
                   if (label, group) != (upper_label, group_a)
                   else "the ratio is 0 and its confidence interval cannot be estimated")
            return RelativeLikelihood(None, group_a, group_b, *counts, small_numbers=small,
                                      reason=f"no {group} staff in the {label} cluster: {why}")
    value = (ua / la) / (ub / lb)
    low, high = _interval(value, 1 / ua + 1 / la + 1 / ub + 1 / lb)
    return RelativeLikelihood(value, group_a, group_b, *counts, low, high, small)


def likelihood_from_percents(
    percent_a: float, percent_b: float, *, group_a: str = "White", group_b: str = "BME",
) -> RelativeLikelihood:
    """percent_a / percent_b when only published percentages are known (no CI: no counts)."""
    if percent_b <= 0:
        return RelativeLikelihood(None, group_a, group_b, percent_a, 100.0, percent_b, 100.0,
                                  reason=f"{group_b} percentage is 0: the ratio is undefined")
    if percent_a <= 0:
        return RelativeLikelihood(None, group_a, group_b, percent_a, 100.0, percent_b, 100.0,
                                  reason=f"{group_a} percentage is 0: the ratio is 0")
    return RelativeLikelihood(percent_a / percent_b, group_a, group_b, percent_a, 100.0,
                              percent_b, 100.0,
                              note="from percentages only: no confidence interval without counts")
