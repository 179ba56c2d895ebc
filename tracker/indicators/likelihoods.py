"""Indicators 2, 3 and 4: relative likelihoods from the pack's aggregated tables."""
from __future__ import annotations

import pandas as pd

from tracker.indicators.bands import MEDICAL, NOT_GIVEN
from tracker.indicators.ethnicity import BME, WHITE
from tracker.indicators.ratios import likelihood_from_percents, not_calculable, relative_likelihood
from tracker.indicators.representation import non_medical
from tracker.indicators.results import LikelihoodIndicator

NO_WORKFORCE = "no workforce file, so there is no headcount to compare with"


def _total(table: pd.DataFrame, column: str, group: str) -> float:
    """Sum of `column` for one group."""
    return float(table.loc[table["group"] == group, column].sum())


def recruitment_likelihood(recruitment: pd.DataFrame | None) -> LikelihoodIndicator:
    """Indicator 2: (White appointed / White shortlisted) / (BME appointed / BME shortlisted)."""
    if recruitment is None:
        return LikelihoodIndicator(not_calculable("no recruitment file"))
    return LikelihoodIndicator(relative_likelihood(
        _total(recruitment, "appointed", WHITE), _total(recruitment, "shortlisted", WHITE),
        _total(recruitment, "appointed", BME), _total(recruitment, "shortlisted", BME),
        group_a=WHITE, group_b=BME, count_label="appointed", total_label="shortlisted"))


def _split(events: pd.DataFrame, column: str, workforce: pd.DataFrame, *, first: str, second: str,
           count_label: str):
    """Relative likelihood of `first` vs `second`: events per head of the workforce."""
    return relative_likelihood(
        _total(events, column, first), _total(workforce, "headcount", first),
        _total(events, column, second), _total(workforce, "headcount", second),
        group_a=first, group_b=second, count_label=count_label, total_label="staff")


def _excluding_medical(events: pd.DataFrame, column: str, workforce: pd.DataFrame, kind: str, **names):
    """The same likelihood without medical staff, when the file says who is medical."""
    if (events["category"] == NOT_GIVEN).any():
        return not_calculable(
            f"the {kind} file gives no staff group or category, so medical staff cannot be excluded",
            names["first"], names["second"])
    return _split(events[events["category"] != MEDICAL], column, non_medical(workforce), **names)


def _from_percents(training: pd.DataFrame):
    """White % / BME % from a percentage training file."""
    for group in (WHITE, BME):
        if not (training["group"] == group).any():
            return not_calculable(f"the training file has no {group} percentage")
    return likelihood_from_percents(_total(training, "percent", WHITE), _total(training, "percent", BME))


def disciplinary_likelihood(disciplinary: pd.DataFrame | None, workforce: pd.DataFrame | None) -> LikelihoodIndicator:
    """Indicator 3: (BME cases / BME headcount) / (White cases / White headcount)."""
    names = {"first": BME, "second": WHITE, "count_label": "disciplinary cases"}
    if disciplinary is None or workforce is None:
        reason = "no disciplinary file" if disciplinary is None else NO_WORKFORCE
        return LikelihoodIndicator(not_calculable(reason, BME, WHITE), not_calculable(reason, BME, WHITE))
    return LikelihoodIndicator(
        _split(disciplinary, "cases", workforce, **names),
        _excluding_medical(disciplinary, "cases", workforce, "disciplinary", **names))


def training_likelihood(training: pd.DataFrame | None, workforce: pd.DataFrame | None) -> LikelihoodIndicator:
    """Indicator 4: (White accessed / White headcount) / (BME accessed / BME headcount).

    A training file of percentages per group gives White % / BME % (no CI, and no
    figure without medical staff).
    """
    names = {"first": WHITE, "second": BME, "count_label": "accessing training"}
    if training is not None and "percent" in training:
        return LikelihoodIndicator(_from_percents(training), not_calculable(
            "training percentages give no staff group breakdown: supply counts "
            "(group, accessed, category) to exclude medical staff"))
    if training is None or workforce is None:
        reason = "no training file" if training is None else NO_WORKFORCE
        return LikelihoodIndicator(not_calculable(reason), not_calculable(reason))
    return LikelihoodIndicator(
        _split(training, "accessed", workforce, **names),
        _excluding_medical(training, "accessed", workforce, "training", **names))
