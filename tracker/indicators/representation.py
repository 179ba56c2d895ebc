"""Workforce representation: indicator 1, race disparity ratio, aspirational targets.

All functions take the pack's aggregated workforce table (band, category, group,
headcount).
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from tracker.indicators.bands import (
    CATEGORIES,
    CLINICAL,
    DEFAULT_CLUSTERS,
    DISPARITY_CLUSTERS,
    MEDICAL,
    NON_CLINICAL,
    OTHER_PAY_SCALE,
    SENIOR_BANDS,
    Cluster,
    band_label,
    band_rank,
)
from tracker.indicators.ethnicity import BME, UNKNOWN, WHITE
from tracker.indicators.ratios import disparity_ratio
from tracker.indicators.results import AspirationalTarget, DisparityRatios, Share, WorkforceProfile

NON_MEDICAL = "non-medical"
TARGET_POPULATIONS = (NON_MEDICAL, CLINICAL, NON_CLINICAL)
NOT_IN_A_CLUSTER = "Not in a cluster"


def share(rows: pd.DataFrame, key: str, label: str | None = None) -> Share:
    """BME / White / Unknown headcount of some workforce rows."""
    totals = rows.groupby("group")["headcount"].sum()
    count = {group: int(totals.get(group, 0)) for group in (BME, WHITE, UNKNOWN)}
    return Share(key, label or key, count[BME], count[WHITE], count[UNKNOWN])


def non_medical(workforce: pd.DataFrame) -> pd.DataFrame:
    """The workforce without medical and dental staff."""
    return workforce[workforce["category"] != MEDICAL]


def _by_band(rows: pd.DataFrame) -> tuple[Share, ...]:
    """One share per band present, in reporting order."""
    present = sorted(rows["band"].unique(), key=band_rank)
    return tuple(share(rows[rows["band"] == band], band, band_label(band)) for band in present)


def _cluster_names(workforce: pd.DataFrame, clusters: Sequence[Cluster]) -> pd.Series:
    """The cluster of each workforce row (first cluster that holds it).

    Staff on other pay scales that no cluster names form their own "Other pay scale" cluster,
    so the clusters still add up to the whole workforce.
    """
    def name(band: str, category: str) -> str:
        fallback = OTHER_PAY_SCALE if band == OTHER_PAY_SCALE else NOT_IN_A_CLUSTER
        return next((c.name for c in clusters if c.holds(band, category)), fallback)

    return pd.Series([name(b, c) for b, c in zip(workforce["band"], workforce["category"])],
                     index=workforce.index, dtype=object)


def by_cluster(workforce: pd.DataFrame, clusters: Sequence[Cluster]) -> tuple[Share, ...]:
    """One share per cluster in the order given, plus other pay scales and staff in no cluster if there are any."""
    names = _cluster_names(workforce, clusters)
    order = [cluster.name for cluster in clusters]
    for extra in (OTHER_PAY_SCALE, NOT_IN_A_CLUSTER):
        if extra not in order and (names == extra).any():
            order.append(extra)
    return tuple(share(workforce[names == name], name) for name in order)


def workforce_profile(workforce: pd.DataFrame, clusters: Sequence[Cluster] = DEFAULT_CLUSTERS) -> WorkforceProfile:
    """Indicator 1 with all its breakdowns."""
    categories = [c for c in CATEGORIES if (workforce["category"] == c).any()]
    return WorkforceProfile(
        overall=share(workforce, "all", "Overall"),
        non_medical=share(non_medical(workforce), NON_MEDICAL, "Overall excluding medical"),
        by_band=_by_band(workforce),
        by_cluster=by_cluster(workforce, clusters),
        by_category=tuple(share(workforce[workforce["category"] == c], c) for c in categories),
        by_category_band=tuple(
            (c, _by_band(workforce[workforce["category"] == c])) for c in categories),
    )


def race_disparity(workforce: pd.DataFrame) -> DisparityRatios:
    """Race disparity ratios of non-medical staff (lower = <1-5, middle = 6-7, upper = 8a-VSM).

    lower_to_middle = (White middle / White lower) / (BME middle / BME lower); 1.00 is
    proportionate, above 1 means BME staff are under-represented higher up.
    """
    lower, middle, upper = by_cluster(non_medical(workforce), DISPARITY_CLUSTERS)[:3]

    def ratio(high: Share, low: Share):
        return disparity_ratio(high.white, low.white, high.bme, low.bme,
                               upper_label=high.key, lower_label=low.key)

    return DisparityRatios(lower, middle, upper, ratio(middle, lower), ratio(upper, middle),
                           ratio(upper, lower))


def target_headcount(target_percent: float, headcount: int) -> int:
    """round-half-up(target % × headcount): 11.17% of 26 → 3."""
    exact = Decimal(str(target_percent)) * headcount / 100
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def aspirational_targets(
    workforce: pd.DataFrame, target_percent: float, population: str = NON_MEDICAL,
) -> tuple[AspirationalTarget, ...]:
    """Target BME headcount and gap for each senior band (8a-8d, 9, VSM).

    `population` chooses whose bands count: all non-medical staff, clinical or non-clinical only.
    """
    if population not in TARGET_POPULATIONS:
        raise ValueError(f"population must be one of {', '.join(TARGET_POPULATIONS)}, not '{population}'")
    rows = non_medical(workforce) if population == NON_MEDICAL else workforce[workforce["category"] == population]
    targets = []
    for band in SENIOR_BANDS:
        counted = share(rows[rows["band"] == band], band)
        targets.append(AspirationalTarget(band, counted.headcount, counted.bme, counted.white,
                                          target_headcount(target_percent, counted.headcount)))
    return tuple(targets)
