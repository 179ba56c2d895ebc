"""The shape `flask wdes show --json` prints (issue 18 item 4): one entry per metric, figures unrounded.

{"year": 2025, "metrics": {"1": {"disabled": %, "non_disabled": %, "not_declared": %, "declaration_rate": %},
"2": {"value": RL, "ci_low", "ci_high", "small_numbers"}, "3": {…the same}, "4a_i": {"disabled": %,
"non_disabled": %}, … "7": {…}, "8": {"disabled": %}, "9a": {"disabled": score, "non_disabled": score},
"9b": {"answer": "yes" | "no", "text": …}, "10": {"voting": pp, "executive": pp}}}

A figure that cannot be calculated is null, and its entry then has a "reason" field; never 0.
"""
from __future__ import annotations

import json

from tracker.indicators.wdes import SURVEY_METRICS, WdesResult
from tracker.indicators.wdes_results import WdesWorkforce


def _with_reason(figures: dict, reason: str | None) -> dict:
    """The figures, with a reason field when any of them is None."""
    if any(value is None for value in figures.values()):
        return {**figures, "reason": reason or "not calculable"}
    return figures


def metrics_dict(result: WdesResult) -> dict:
    """The shape `wdes show --json` prints: one entry per metric, figures unrounded, None with a reason."""
    profile = result.workforce
    if isinstance(profile, WdesWorkforce):
        overall = profile.overall
        one = _with_reason({"disabled": overall.disabled_percent, "non_disabled": overall.non_disabled_percent,
                            "not_declared": overall.not_declared_percent,
                            "declaration_rate": profile.declaration_rate}, "the workforce has no staff")
    else:
        one = {"disabled": None, "non_disabled": None, "not_declared": None, "declaration_rate": None,
               "reason": profile.reason}
    metrics = {"1": one}
    for key, metric in (("2", result.recruitment), ("3", result.capability)):
        rl = metric.likelihood
        entry = _with_reason({"value": rl.value}, rl.reason)
        metrics[key] = {**entry, "ci_low": rl.ci_low, "ci_high": rl.ci_high, "small_numbers": rl.small_numbers}
    for key in SURVEY_METRICS:
        survey = result.survey[key]
        figures = {"disabled": survey.disabled} if key == "8" else {
            "disabled": survey.disabled, "non_disabled": survey.non_disabled}
        metrics[key] = _with_reason(figures, survey.reason)
    engagement = result.engagement
    metrics["9a"] = _with_reason({"disabled": engagement.disabled, "non_disabled": engagement.non_disabled},
                                 engagement.reason)
    voices = result.voices.to_dict()
    metrics["9b"] = _with_reason({"answer": voices["answer"], "text": voices["text"]}, voices["reason"])
    board = result.board
    ten = {"voting": board.voting_difference, "executive": board.executive_difference}
    reasons = [f"{part}: {board.why(part)}" for part in ten if ten[part] is None and board.why(part)]
    metrics["10"] = _with_reason(ten, board.reason or "; ".join(reasons) or None)
    return {"year": result.year, "metrics": metrics}


def to_json(result: WdesResult, **options) -> str:
    """`metrics_dict` as JSON text (no NaN or infinity)."""
    return json.dumps(metrics_dict(result), allow_nan=False, **options)
