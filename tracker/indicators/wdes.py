"""The ten WDES metrics for one year, from plain data: pure, like wres.py (no Flask, no database).

Sources. NHS England, "NHS Workforce Disability Equality Standard (WDES) 2023: technical
guidance", version 5, updated March 2023, publication gateway 00231, its metric definitions
(england.nhs.uk/long-read/nhs-wdes-2023-technical-guidance/); NHS England, "NHS WDES 2023:
metrics", publication B1710-ii, "Changes for 2023" and "Summary of metrics"
(england.nhs.uk/long-read/nhs-wdes-2023-metrics/).

- Metric 1 ("Summary of metrics", metric 1): the percentage of staff in AfC pay bands, medical
  and dental subgroups and VSM (including executive board members) against the overall
  workforce, done separately for non-clinical and clinical staff; bank staff are excluded and
  VSM means what it means in the WRES ("Changes for 2023"). Clusters (`WDES_CLUSTERS`):
  1 = AfC bands under 1 to 4; 2 = bands 5-7; 3 = bands 8a-8b; 4 = bands 8c-9 and VSM; medical
  and dental staff (clinical) in 5 = consultants, 6 = non-consultant career grades, 7 = trainee
  grades. Disabled, non-disabled and not-declared shares side by side, and the declaration
  rate (declared / headcount): NHS Employers, "Understanding the WDES metrics", finds about 3%
  of staff Disabled in ESR against about 18% in the Staff Survey.
- Metric 2: relative likelihood of non-disabled staff compared to Disabled staff being
  appointed from shortlisting across all posts:
  (non-disabled appointed / non-disabled shortlisted) / (Disabled appointed / Disabled shortlisted).
  1.00 is parity; above 1 favours non-disabled applicants. Some trusts' reports word it the
  other way round (NCIC's 2025 metric list); the guidance's direction is the one used.
- Metric 3: relative likelihood of Disabled staff compared to non-disabled staff entering the
  formal capability process, as measured by entry into the formal capability procedure, on the
  grounds of performance (not ill health), from a two-year rolling average of this year's and
  last year's entries: (Disabled entries / Disabled headcount) / (non-disabled entries /
  non-disabled headcount), the entries averaged and the headcount this year's.
- Metrics 4a(i)-(iii), 4b, 5, 6, 7: NHS Staff Survey percentages for Disabled and
  non-disabled staff; 8: Disabled staff only (adequate adjustments); 9a: the staff
  engagement score (0-10) for Disabled and non-disabled staff, and the trust's overall;
  9b: yes / no and the narrative.
- Metric 10: percentage difference between the organisation's board voting membership and
  its overall workforce, disaggregated by voting membership and by executive membership of
  the board: Disabled % of those members minus Disabled % of the overall workforce, in
  percentage points. Executive members are counted whether or not they vote.

Where WDES.md differs from the guidance: it leaves metric 3's rolling average to be checked
(applied here when last year's entries are given; its absence is noted when they are not).

Relative likelihoods use `ratios.relative_likelihood`: the 95% confidence interval by the log
method and the small-number flag (a cell of the 2×2 table under 10), as the WRES does.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from tracker import standards
from tracker.indicators import bands
from tracker.indicators.disability import DISABLED, NON_DISABLED, NOT_DECLARED
from tracker.indicators.ratios import likelihood_from_percents, not_calculable, relative_likelihood
from tracker.indicators.results import NotCalculable
from tracker.indicators.survey_board import EXECUTIVE
from tracker.indicators.wdes_results import (
    BoardDifference,
    DisabilityShare,
    EngagementScores,
    LikelihoodMetric,
    SurveyMetric,
    Voices,
    WdesWorkforce,
)

D, ND = "Disabled", "non-disabled"
SURVEY_METRICS = ("4a_i", "4a_ii", "4a_iii", "4b", "5", "6", "7", "8")
METRICS = ("1", "2", "3", *SURVEY_METRICS, "9a", "9b", "10")
NO_WORKFORCE = "no workforce figures by disability"
#: (cluster, AfC bands) for non-clinical and clinical staff (technical guidance, metric 1).
WDES_CLUSTERS = (
    ("Cluster 1: AfC bands under 1 to 4", frozenset({"<1", "1", "2", "3", "4"})),
    ("Cluster 2: AfC bands 5 to 7", frozenset({"5", "6", "7"})),
    ("Cluster 3: AfC bands 8a and 8b", frozenset({"8a", "8b"})),
    ("Cluster 4: AfC bands 8c to 9 and VSM", frozenset({"8c", "8d", "9", bands.VSM})),
)
#: (cluster, medical grade) for medical and dental staff, counted as clinical.
MEDICAL_CLUSTERS = (
    ("Cluster 5: Medical and dental consultants", bands.MEDICAL_CONSULTANT),
    ("Cluster 6: Medical and dental non-consultant career grades", bands.MEDICAL_CAREER),
    ("Cluster 7: Medical and dental trainee grades", bands.MEDICAL_TRAINEE),
)


@dataclass(frozen=True)
class Recruitment:
    """Metric 2's inputs, per group ("Disabled", "non-disabled"): counts, or published percentages appointed."""

    shortlisted: Mapping[str, float] = field(default_factory=dict)
    appointed: Mapping[str, float] = field(default_factory=dict)
    #: Percentage of shortlisted applicants appointed, when only the published rates are known.
    percent_appointed: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class CapabilityYear:
    """Metric 3's inputs for one year: staff entering the formal capability process on performance grounds."""

    year: int | None
    disabled: float
    non_disabled: float


@dataclass(frozen=True)
class WdesInputs:
    """One year's WDES data as plain values.

    workforce: band, category, disability, headcount (`wdes_readers.read_workforce_disability`)
    · survey: metric ("4a_i" … "8") → {"disabled": %, "non_disabled": %, "disabled_responses": n,
    "non_disabled_responses": n} · engagement: {"disabled": score, "non_disabled": score,
    "overall": score} · board: disability, role (executive / non-executive), voting, members.
    """

    year: int | None = None
    workforce: pd.DataFrame | None = None
    recruitment: Recruitment | None = None
    capability: Sequence[CapabilityYear] = ()
    #: Headcount per group for metric 3 when no workforce table is given.
    capability_headcount: Mapping[str, float] | None = None
    survey: Mapping[str, Mapping[str, float | None]] = field(default_factory=dict)
    engagement: Mapping[str, float | None] | None = None
    voices: Voices | None = None
    board: pd.DataFrame | None = None


@dataclass(frozen=True)
class WdesResult:
    """Everything computed for one year."""

    year: int | None
    workforce: WdesWorkforce | NotCalculable
    recruitment: LikelihoodMetric
    capability: LikelihoodMetric
    survey: dict[str, SurveyMetric]
    engagement: EngagementScores
    voices: Voices
    board: BoardDifference

    def to_dict(self) -> dict:
        """Every breakdown, figures unrounded."""
        return {"year": self.year, "metrics": {
            "1": self.workforce.to_dict(), "2": self.recruitment.to_dict(), "3": self.capability.to_dict(),
            **{key: self.survey[key].to_dict() for key in SURVEY_METRICS},
            "9a": self.engagement.to_dict(), "9b": self.voices.to_dict(), "10": self.board.to_dict()}}


def _share(rows: pd.DataFrame, key: str, label: str | None = None) -> DisabilityShare:
    """Disabled / non-disabled / not declared headcount of some workforce rows."""
    totals = rows.groupby("disability")["headcount"].sum()
    count = {group: int(totals.get(group, 0)) for group in (DISABLED, NON_DISABLED, NOT_DECLARED)}
    return DisabilityShare(key, label or key, count[DISABLED], count[NON_DISABLED], count[NOT_DECLARED])


def workforce_metric(workforce: pd.DataFrame) -> WdesWorkforce:
    """Metric 1 with its breakdowns: by band, by cluster for non-clinical and clinical staff, by category."""
    category, band = workforce["category"], workforce["band"]
    present = sorted(band.unique(), key=bands.band_rank)
    non_clinical = workforce[category == bands.NON_CLINICAL]
    clinical = workforce[category == bands.CLINICAL]
    medical = workforce[category == bands.MEDICAL]
    afc = frozenset().union(*(codes for _, codes in WDES_CLUSTERS))
    grades = {grade for _, grade in MEDICAL_CLUSTERS}
    held = (category.isin([bands.CLINICAL, bands.NON_CLINICAL]) & band.isin(afc)) \
        | ((category == bands.MEDICAL) & band.isin(grades))
    rest = workforce[~held]
    reasons = pd.Series([_outside(b, c) for b, c in zip(rest["band"], rest["category"])], index=rest.index,
                        dtype=object)
    outside = tuple(_share(rest[reasons == label], key, label) for key, label in OUTSIDE
                    if (reasons == label).any() and rest.loc[reasons == label, "headcount"].sum())
    return WdesWorkforce(
        overall=_share(workforce, "all", "Overall workforce"),
        by_band=tuple(_share(workforce[band == code], code, bands.band_label(code)) for code in present),
        non_clinical=tuple(_share(non_clinical[non_clinical["band"].isin(codes)], name)
                           for name, codes in WDES_CLUSTERS),
        clinical=(*(_share(clinical[clinical["band"].isin(codes)], name) for name, codes in WDES_CLUSTERS),
                  *(_share(medical[medical["band"] == grade], name) for name, grade in MEDICAL_CLUSTERS)),
        by_category=(_share(non_clinical, "non-clinical", "Non-clinical"),
                     _share(pd.concat([clinical, medical]), "clinical", "Clinical (medical and dental included)"),
                     _share(medical, "medical", "of which medical and dental")),
        outside_clusters=outside,
    )


#: (key, label) of the staff no cluster holds, in the order shown.
OUTSIDE = (
    ("category not given", "Staff group not given (neither clinical nor non-clinical)"),
    ("other pay scale", "Other pay scale (outside the AfC clusters)"),
    ("medical grade not given", "Medical and dental, grade not given"),
    ("not in a cluster", "Not in a cluster"),
)


def _outside(band: str, category: str) -> str:
    """Why a workforce row is in no cluster (its OUTSIDE label)."""
    labels = dict(OUTSIDE)
    if category == bands.NOT_GIVEN:
        return labels["category not given"]
    if band == bands.OTHER_PAY_SCALE:
        return labels["other pay scale"]
    if band == bands.MEDICAL_NOT_GIVEN:
        return labels["medical grade not given"]
    return labels["not in a cluster"]


def _group(mapping: Mapping[str, float], group: str) -> float | None:
    """A group's figure, accepting "Disabled"/"disabled" and "non-disabled"/"Non-disabled"/"non_disabled"."""
    for key in (group, group.lower(), group.capitalize(), group.replace("-", "_")):
        if key in mapping and mapping[key] is not None:
            return float(mapping[key])
    return None


def recruitment_metric(recruitment: Recruitment | None) -> LikelihoodMetric:
    """Metric 2: (non-disabled appointed / shortlisted) / (Disabled appointed / shortlisted)."""
    if recruitment is None:
        return LikelihoodMetric(not_calculable("no recruitment figures by disability", ND, D))
    if recruitment.percent_appointed and not recruitment.shortlisted:
        rates = [_group(recruitment.percent_appointed, group) for group in (ND, D)]
        if None in rates:
            missing = " or ".join(g for g, r in zip((ND, D), rates) if r is None)
            return LikelihoodMetric(not_calculable(f"no {missing} percentage appointed from shortlisting", ND, D))
        return LikelihoodMetric(likelihood_from_percents(*rates, group_a=ND, group_b=D))
    counts = [_group(source, group) for group in (ND, D) for source in (recruitment.appointed, recruitment.shortlisted)]
    if None in counts:
        return LikelihoodMetric(not_calculable(
            "the recruitment figures need shortlisted and appointed for both Disabled and non-disabled applicants",
            ND, D))
    return LikelihoodMetric(relative_likelihood(*counts, group_a=ND, group_b=D,
                                                count_label="appointed", total_label="shortlisted"))


def capability_metric(years: Sequence[CapabilityYear], headcount: Mapping[str, float] | None,
                      year: int | None) -> LikelihoodMetric:
    """Metric 3: two-year rolling average of entries per head, Disabled against non-disabled.

    Uses this year's entries and the previous year's when given (the average of the two);
    headcount is this year's Disabled and non-disabled headcount.
    """
    if not years:
        return LikelihoodMetric(not_calculable("no capability process figures by disability", D, ND))
    if headcount is None:
        return LikelihoodMetric(not_calculable(NO_WORKFORCE + ", so there is no headcount to compare with", D, ND))
    ordered = sorted(years, key=lambda item: (item.year is not None, item.year or 0))
    year = ordered[-1].year if year is None else year
    repeated = sorted({item.year for item in ordered if sum(other.year == item.year for other in ordered) > 1},
                      key=str)
    if repeated:
        return LikelihoodMetric(not_calculable(
            f"capability process figures for {', '.join(map(str, repeated))} are given more than once", D, ND))
    current = [item for item in ordered if item.year == year]
    if not current:
        return LikelihoodMetric(not_calculable(f"no capability process figures for {year}", D, ND))
    previous = [item for item in ordered if year is not None and item.year == year - 1]
    used = tuple(previous + current)
    entries_d = sum(item.disabled for item in used) / len(used)
    entries_nd = sum(item.non_disabled for item in used) / len(used)
    note = None if len(used) == 2 else (
        "one year's entries only: the guidance uses a two-year rolling average (this year and last)")
    likelihood = relative_likelihood(entries_d, _group(headcount, D) or 0, entries_nd, _group(headcount, ND) or 0,
                                     group_a=D, group_b=ND, count_label="entering the formal capability process",
                                     total_label="staff")
    return LikelihoodMetric(likelihood, tuple(item.year for item in used), note)


def _number(value: object, low: float, high: float, what: str) -> tuple[float | None, str | None]:
    """A figure between `low` and `high`, or None with why (None given is None without a reason)."""
    if value is None:
        return None, None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None, f"'{value}' is not a number"
    if not math.isfinite(number) or not low <= number <= high:
        return None, f"{value} is not {what}"
    return number, None


def _percent(value: object) -> tuple[float | None, str | None]:
    """A survey percentage, or None with why."""
    return _number(value, 0, 100, "a percentage between 0 and 100")


def survey_metrics(survey: Mapping[str, Mapping[str, float | None]]) -> dict[str, SurveyMetric]:
    """Metrics 4a(i)-8 straight from the staff survey figures (8 is Disabled staff only)."""
    results = {}
    for key in SURVEY_METRICS:
        given = survey.get(key)
        if not given:
            results[key] = SurveyMetric(key, None, None, reason=f"no staff survey figures for metric {_name(key)}")
            continue
        disabled, bad_d = _percent(given.get("disabled"))
        non_disabled, bad_nd = _percent(given.get("non_disabled")) if key != "8" else (None, None)
        wanted = ("disabled",) if key == "8" else ("disabled", "non_disabled")
        missing = [name.replace("_", "-") for name in wanted if given.get(name) is None]
        reasons = [why for why in (bad_d, bad_nd) if why]
        if missing:
            reasons.append(f"no {' or '.join(missing)} figure for metric {_name(key)}")
        results[key] = SurveyMetric(
            key, disabled, non_disabled, _count(given.get("disabled_responses")),
            _count(given.get("non_disabled_responses")), "; ".join(reasons) or None)
    return results


def _count(value: object) -> int | None:
    return None if value is None else int(value)


def _name(key: str) -> str:
    """"4a_ii" → "4a(ii)", the metric's label in the standards registry."""
    return standards.measure(standards.code_of(standards.WDES, key)).label


def engagement_metric(engagement: Mapping[str, float | None] | None) -> EngagementScores:
    """Metric 9a: the engagement scores as given (0-10)."""
    if not engagement:
        return EngagementScores(None, None, reason="no staff engagement scores")
    scores, reasons = {}, []
    for name in ("disabled", "non_disabled", "overall"):
        scores[name], bad = _number(engagement.get(name), 0, 10, "a score between 0 and 10")
        if bad:
            reasons.append(f"{name.replace('_', '-')} score: {bad}")
    missing = [name.replace("_", "-") for name in ("disabled", "non_disabled") if engagement.get(name) is None]
    reasons += [f"no {' or '.join(missing)} engagement score"] if missing else []
    return EngagementScores(scores["disabled"], scores["non_disabled"], scores["overall"],
                            "; ".join(reasons) or None)


def board_metric(board: pd.DataFrame | None, workforce_percent: float | None) -> BoardDifference:
    """Metric 10: Disabled % of voting members and of executive members, each minus the workforce's Disabled %."""
    if board is None:
        return BoardDifference(None, None, workforce_percent, reason="no board membership by disability")
    members = board.rename(columns={"members": "headcount"})
    voting = members[members["voting"].astype(bool)]
    executive = members[members["role"] == EXECUTIVE]
    return BoardDifference(_share(voting, "voting", "Voting members"),
                           _share(executive, "executive", "Executive members"),
                           workforce_percent, _share(members, "board", "All board members"))


def compute_wdes(inputs: WdesInputs) -> WdesResult:
    """All WDES metrics for one year; anything not calculable is None with a reason."""
    workforce = inputs.workforce
    profile = workforce_metric(workforce) if workforce is not None else NotCalculable(NO_WORKFORCE)
    headcount = inputs.capability_headcount
    if headcount is None and isinstance(profile, WdesWorkforce):
        headcount = {D: profile.overall.disabled, ND: profile.overall.non_disabled}
    workforce_percent = profile.overall.disabled_percent if isinstance(profile, WdesWorkforce) else None
    return WdesResult(
        year=inputs.year,
        workforce=profile,
        recruitment=recruitment_metric(inputs.recruitment),
        capability=capability_metric(inputs.capability, headcount, inputs.year),
        survey=survey_metrics(inputs.survey),
        engagement=engagement_metric(inputs.engagement),
        voices=inputs.voices or Voices(None, reason="metric 9b has not been answered"),
        board=board_metric(inputs.board, workforce_percent),
    )
