"""The nine WRES indicators, race disparity ratio and aspirational targets for one year."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from tracker.indicators.bands import DEFAULT_CLUSTERS, Cluster
from tracker.indicators.datapack import DataPack
from tracker.indicators.ethnicity import BME, WHITE
from tracker.indicators.likelihoods import (
    disciplinary_likelihood,
    recruitment_likelihood,
    training_likelihood,
)
from tracker.indicators.representation import (
    NON_MEDICAL,
    aspirational_targets,
    race_disparity,
    share,
    workforce_profile,
)
from tracker.indicators.results import (
    AspirationalTarget,
    BoardProfile,
    DisparityRatios,
    LikelihoodIndicator,
    NotCalculable,
    SurveyPair,
    WorkforceProfile,
)
from tracker.indicators.survey_board import EXECUTIVE, NON_EXECUTIVE, SURVEY_INDICATORS

NO_WORKFORCE = "no workforce file"


@dataclass(frozen=True)
class WresResult:
    """Everything computed from one year's data pack."""

    year: int | None
    workforce: WorkforceProfile | NotCalculable
    recruitment: LikelihoodIndicator
    disciplinary: LikelihoodIndicator
    training: LikelihoodIndicator
    survey: dict[int, SurveyPair]
    board: BoardProfile | NotCalculable
    race_disparity: DisparityRatios | NotCalculable
    aspirational_targets: tuple[AspirationalTarget, ...] = ()
    target_percent: float | None = None
    target_population: str = NON_MEDICAL
    clusters: tuple[Cluster, ...] = field(default=DEFAULT_CLUSTERS)

    def indicator(self, number: int):
        """The result of indicator 1-9."""
        results = {1: self.workforce, 2: self.recruitment, 3: self.disciplinary,
                   4: self.training, **self.survey, 9: self.board}
        return results[number]

    def to_dict(self) -> dict:
        """The JSON shape stored and served: indicators keyed "1"-"9", ratios unrounded."""
        disparity = self.race_disparity.to_dict()
        if isinstance(self.race_disparity, NotCalculable):
            disparity = {"lower_to_middle": None, "middle_to_upper": None, "lower_to_upper": None,
                         "reason": self.race_disparity.reason}
        return {
            "year": self.year,
            "indicators": {str(n): self.indicator(n).to_dict() for n in range(1, 10)},
            "race_disparity_ratio": disparity,
            "aspirational_targets": [target.to_dict() for target in self.aspirational_targets],
            "aspirational_target_percent": self.target_percent,
            "aspirational_population": self.target_population,
        }


def to_json(result: WresResult, **options) -> str:
    """The result as JSON text (see WresResult.to_dict for the shape)."""
    return json.dumps(result.to_dict(), allow_nan=False, **options)


def survey_pairs(survey: pd.DataFrame | None) -> dict[int, SurveyPair]:
    """Indicators 5-8 straight from the survey file."""
    pairs = {}
    for number in SURVEY_INDICATORS:
        if survey is None:
            pairs[number] = SurveyPair(None, None, reason="no survey file")
            continue
        rows = survey[survey["indicator"] == number]
        found = {row.group: row for row in rows.itertuples()}
        missing = [group for group in (BME, WHITE) if group not in found]
        pairs[number] = SurveyPair(
            *(_survey_value(found.get(group), "percent") for group in (BME, WHITE)),
            *(_survey_value(found.get(group), "responses") for group in (BME, WHITE)),
            reason=(f"the survey file has no {' or '.join(missing)} row for indicator {number}"
                    if missing else None),
        )
    return pairs


def _survey_value(row, name: str):
    """A percent (float) or responses (int) from a survey row; None when absent."""
    value = None if row is None else getattr(row, name)
    if value is None or pd.isna(value):
        return None
    return float(value) if name == "percent" else int(value)


def board_profile(board: pd.DataFrame | None, workforce_percent: float | None) -> BoardProfile | NotCalculable:
    """Indicator 9: BME share of the board, by role and by voting rights."""
    if board is None:
        return NotCalculable("no board file")
    members = board.rename(columns={"members": "headcount"})
    return BoardProfile(
        overall=share(members, "board", "Total board members"),
        executive=share(members[members["role"] == EXECUTIVE], EXECUTIVE, "Executive"),
        non_executive=share(members[members["role"] == NON_EXECUTIVE], NON_EXECUTIVE, "Non-executive"),
        voting=share(members[members["voting"].astype(bool)], "voting", "Voting"),
        non_voting=share(members[~members["voting"].astype(bool)], "non_voting", "Non-voting"),
        workforce_percent=workforce_percent,
    )


def compute_wres(
    pack: DataPack, *, target_percent: float | None = None, clusters: Sequence[Cluster] = DEFAULT_CLUSTERS,
    target_population: str = NON_MEDICAL, year: int | None = None,
) -> WresResult:
    """All nine indicators, the race disparity ratio and (given a target %) aspirational targets.

    `clusters` are the trust's reporting clusters for indicator 1; `target_population`
    is "non-medical", "clinical" or "non-clinical".
    """
    workforce = pack.workforce
    profile = workforce_profile(workforce, clusters) if workforce is not None else NotCalculable(NO_WORKFORCE)
    targets = ()
    if workforce is not None and target_percent is not None:
        targets = aspirational_targets(workforce, target_percent, target_population)
    workforce_percent = profile.overall.percent if workforce is not None else None
    return WresResult(
        year=year if year is not None else pack.year,
        workforce=profile,
        recruitment=recruitment_likelihood(pack.recruitment),
        disciplinary=disciplinary_likelihood(pack.disciplinary, workforce),
        training=training_likelihood(pack.training, workforce),
        survey=survey_pairs(pack.survey),
        board=board_profile(pack.board, workforce_percent),
        race_disparity=race_disparity(workforce) if workforce is not None else NotCalculable(NO_WORKFORCE),
        aspirational_targets=targets,
        target_percent=target_percent,
        target_population=target_population,
        clusters=tuple(clusters),
    )
