"""The headline figures of a WDES year, as stored one per row in `wdes_values`: pure, from a WdesResult.

Each figure names its metric ("1", "4a_ii", "10") and measure (see `models.WdesValue`). A figure that
cannot be calculated has value None and a reason, never 0.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from tracker.indicators.ratios import SMALL_NUMBER
from tracker.indicators.wdes import SURVEY_METRICS, WdesResult
from tracker.indicators.wdes_results import WdesWorkforce

NOTHING_COUNTED = "nobody is counted in this group"


@dataclass(frozen=True)
class WdesHeadline:
    """One headline figure of a WDES year."""

    metric: str
    measure: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    small_numbers: bool = False
    reason: str | None = None

    def to_dict(self) -> dict:
        """Plain data (the column names of `wdes_values`, reason as not_calculable_reason)."""
        data = asdict(self)
        data["not_calculable_reason"] = data.pop("reason")
        return data


def _workforce(result: WdesResult) -> list[WdesHeadline]:
    profile = result.workforce
    if not isinstance(profile, WdesWorkforce):
        return [WdesHeadline("1", measure, None, reason=profile.reason)
                for measure in ("disabled", "non_disabled", "not_declared", "declaration_rate")]
    share = profile.overall
    reason = None if share.headcount else NOTHING_COUNTED
    return [
        WdesHeadline("1", "disabled", share.disabled_percent, share.disabled, share.headcount, reason=reason),
        WdesHeadline("1", "non_disabled", share.non_disabled_percent, share.non_disabled, share.headcount,
                     reason=reason),
        WdesHeadline("1", "not_declared", share.not_declared_percent, share.not_declared, share.headcount,
                     reason=reason),
        WdesHeadline("1", "declaration_rate", share.declaration_rate, share.disabled + share.non_disabled,
                     share.headcount, reason=reason),
    ]


def _rate(count: float | None, total: float | None) -> float | None:
    return count / total if count is not None and total else None


def _likelihoods(result: WdesResult) -> list[WdesHeadline]:
    rows = []
    for metric, outcome in (("2", result.recruitment), ("3", result.capability)):
        ratio = outcome.likelihood
        rows.append(WdesHeadline(metric, "value", ratio.value, _rate(ratio.count_a, ratio.total_a),
                                 _rate(ratio.count_b, ratio.total_b), ratio.ci_low, ratio.ci_high,
                                 ratio.small_numbers, None if ratio.value is not None else outcome.reason))
    return rows


def _survey(result: WdesResult) -> list[WdesHeadline]:
    rows = []
    for metric in SURVEY_METRICS:
        outcome = result.survey[metric]
        groups = (("disabled", outcome.disabled, outcome.disabled_responses),)
        if metric != "8":
            groups += (("non_disabled", outcome.non_disabled, outcome.non_disabled_responses),)
        for measure, percent, responses in groups:
            small = responses is not None and responses < SMALL_NUMBER
            rows.append(WdesHeadline(metric, measure, percent, None, responses, small_numbers=small,
                                     reason=None if percent is not None else outcome.reason or "not given"))
    return rows


def _engagement_voices_board(result: WdesResult) -> list[WdesHeadline]:
    engagement = result.engagement
    rows = [WdesHeadline("9a", measure, score, reason=None if score is not None else engagement.reason or "not given")
            for measure, score in (("disabled", engagement.disabled), ("non_disabled", engagement.non_disabled),
                                   ("overall", engagement.overall))]
    voices = result.voices
    answer = None if voices.answer is None else float(voices.answer)
    rows.append(WdesHeadline("9b", "answer", answer, reason=None if answer is not None else voices.reason or "not given"))
    board = result.board
    for measure, members, difference in (("voting", board.voting, board.voting_difference),
                                         ("executive", board.executive, board.executive_difference)):
        reason = None if difference is not None else board.why(measure) or board.reason or "not calculable"
        rows.append(WdesHeadline("10", measure, difference,
                                 members.disabled if members else None, members.headcount if members else None,
                                 reason=reason))
    return rows


def wdes_headlines(result: WdesResult) -> list[WdesHeadline]:
    """Every headline figure of the year, metric by metric in the published order."""
    return [*_workforce(result), *_likelihoods(result), *_survey(result), *_engagement_voices_board(result)]
