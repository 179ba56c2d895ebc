"""The worked checks of DOMAIN.md, reproduced from data packs built from the seeds' tables."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from tracker.indicators.datapack import read_datapack
from tracker.indicators.ratios import round_half_up
from tracker.indicators.wres import compute_wres

DATA = Path(__file__).parent / "data"


def shown(value: float) -> float:
    """As displayed: 2 dp, half up."""
    return round_half_up(value, 2)


def test_indicator_1_is_215_of_1935(result_2024):
    overall = result_2024.workforce.overall
    assert (overall.bme, overall.white, overall.unknown, overall.headcount) == (215, 1705, 15, 1935)
    assert shown(overall.percent) == 11.11
    assert shown(overall.percent_known) == 11.2  # 215 / 1920, Unknown excluded


def test_indicator_1_clusters_match_table_3(result_2024):
    clusters = {c.key: (c.bme, c.white, c.unknown, shown(c.percent)) for c in result_2024.workforce.by_cluster}
    assert clusters == {
        "Band <1-4": (75, 680, 5, 9.87),
        "Band 5-7": (88, 812, 9, 9.68),
        "Band 8a-9": (7, 180, 0, 3.74),
        "VSM": (1, 6, 0, 14.29),
        "Medical": (44, 27, 1, 61.11),
    }


def test_indicator_1_without_medical_and_by_category(result_2024):
    profile = result_2024.workforce
    assert (profile.non_medical.bme, profile.non_medical.headcount) == (171, 1863)
    categories = {c.key: (c.bme, c.white, c.unknown) for c in profile.by_category}
    assert categories == {"clinical": (152, 1256, 12), "non-clinical": (19, 422, 2), "medical": (44, 27, 1)}
    clinical_bands = dict(profile.by_category_band)["clinical"]
    assert [(s.key, s.bme, s.headcount) for s in clinical_bands][:3] == [("<1", 1, 16), ("2", 1, 16), ("3", 57, 316)]


def test_indicator_2_recruitment_is_1_21(result_2024):
    ratio = result_2024.recruitment.overall
    assert ratio.value == pytest.approx((418 / 1422) / (149 / 612))
    assert shown(ratio.value) == 1.21
    assert (ratio.count_a, ratio.total_a, ratio.count_b, ratio.total_b) == (418, 1422, 149, 612)
    spread = 1.959963984540054 * math.sqrt(1 / 418 - 1 / 1422 + 1 / 149 - 1 / 612)
    assert ratio.ci_low == pytest.approx(ratio.value * math.exp(-spread))
    assert ratio.ci_high == pytest.approx(ratio.value * math.exp(spread))
    assert (ratio.small_numbers, ratio.position) == (False, "within")


def test_indicator_3_disciplinary_is_1_83_and_flagged_small(result_2024):
    ratio = result_2024.disciplinary.overall
    assert ratio.value == pytest.approx((3 / 215) / (13 / 1705))
    assert shown(ratio.value) == 1.83
    assert (ratio.small_numbers, ratio.position) == (True, "above")
    assert ratio.ci_low < 1 < ratio.ci_high
    assert result_2024.disciplinary.non_medical.reason == (
        "the disciplinary file gives no staff group or category, so medical staff cannot be excluded")


def test_indicator_4_missing_training_file_is_not_calculable(result_2024):
    assert result_2024.training.value is None
    assert result_2024.training.overall.reason == "no training file"


def test_indicators_5_to_8_come_straight_from_the_survey(result_2024):
    pairs = {n: (p.bme, p.white, p.bme_responses, p.white_responses) for n, p in result_2024.survey.items()}
    assert pairs == {5: (30.21, 24.6, 96, None), 6: (20.83, 16.13, 98, 1116),
                     7: (62.77, 67.33, 94, 1108), 8: (15.96, 4.76, 94, 1114)}


def test_indicator_9_board_matches_table_8(result_2024):
    board = result_2024.board
    assert (board.overall.bme, board.overall.headcount, shown(board.overall.percent)) == (3, 14, 21.43)
    assert shown(board.executive.percent) == 28.57
    assert shown(board.non_executive.percent) == 14.29
    assert (board.voting.bme, board.voting.headcount) == (3, 11)
    assert (board.non_voting.bme, board.non_voting.headcount) == (0, 3)
    assert shown(board.difference) == shown(300 / 14 - 21500 / 1935)


def test_aspirational_targets_match_table_5(result_2024):
    targets = {t.band: (t.headcount, t.bme, t.target, t.gap) for t in result_2024.aspirational_targets}
    assert targets["8a"] == (26, 2, 3, 1)
    assert targets["8b"] == (10, 0, 1, 1)
    assert targets["8c"] == (6, 1, 1, 0)
    assert targets["8d"] == (8, 1, 1, 0)
    assert targets["9"] == (0, 0, 0, 0)
    assert sum(t.gap for t in result_2024.aspirational_targets if t.band.startswith("8")) == 2


def test_aspirational_population_defaults_to_all_non_medical(pack_2024):
    result = compute_wres(pack_2024, target_percent=11.17)
    targets = {t.band: (t.headcount, t.bme, t.target, t.gap) for t in result.aspirational_targets}
    assert targets["8a"] == (112, 3, 13, 10)  # 86 clinical + 26 non-clinical; 11.17% of 112 = 12.51 → 13


def test_row_level_and_aggregate_workforce_agree(result_2024):
    aggregate = read_datapack(DATA / "pack_2024_aggregate", year=2024)
    result = compute_wres(aggregate, target_percent=11.17, target_population="non-clinical")
    assert result.to_dict() == result_2024.to_dict()


def test_2021_training_is_0_67_from_percentages(result_2021):
    ratio = result_2021.training.overall
    assert ratio.value == pytest.approx(26 / 39)
    assert shown(ratio.value) == 0.67
    assert (ratio.ci_low, ratio.ci_high) == (None, None)
    assert ratio.note == "from percentages only: no confidence interval without counts"


def test_2021_race_disparity_lower_to_middle(result_2021):
    """(520/796)/(27/68) = 1.6453: the appendix prints 1.64 (the tool appears to truncate)."""
    ratios = result_2021.race_disparity
    assert (ratios.lower.white, ratios.lower.bme, ratios.middle.white, ratios.middle.bme) == (796, 68, 520, 27)
    assert ratios.lower_to_middle.value == pytest.approx(35360 / 21492)
    assert math.floor(ratios.lower_to_middle.value * 100) / 100 == 1.64
    assert (ratios.upper.white, ratios.upper.bme) == (140, 8)
    assert ratios.middle_to_upper.value == pytest.approx((140 / 520) / (8 / 27))
    assert ratios.middle_to_upper.small_numbers is True


def test_2021_indicator_1_uses_band_table(result_2021):
    overall = result_2021.workforce.overall
    assert (overall.bme, overall.white, overall.unknown) == (136, 1480, 44)
    assert shown(overall.percent) == 8.19
    medical = {c.key: c for c in result_2021.workforce.by_category}["medical"]
    assert (medical.bme, medical.white, medical.unknown) == (33, 24, 4)
