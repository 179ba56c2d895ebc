"""The stored JSON shape, indicator definitions, national series and trend judgements."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from tracker.indicators.datapack import DataPack, DataPackSummary
from tracker.indicators.definitions import load_definitions, load_national, national_value, standards
from tracker.indicators.trend import judge
from tracker.indicators.wres import compute_wres, to_json


def test_json_shape(result_2024):
    data = json.loads(to_json(result_2024))
    assert data["year"] == 2024
    assert list(data["indicators"]) == [str(n) for n in range(1, 10)]
    indicators = data["indicators"]
    assert indicators["1"]["value"] == 11.11
    assert round(indicators["2"]["value"], 2) == 1.21 and indicators["2"]["value"] != 1.21
    assert round(indicators["3"]["value"], 2) == 1.83
    assert indicators["4"]["value"] is None and indicators["4"]["reason"] == "no training file"
    assert {key: indicators["5"][key] for key in ("bme", "white")} == {"bme": 30.21, "white": 24.6}
    assert {key: indicators["8"][key] for key in ("bme", "white")} == {"bme": 15.96, "white": 4.76}
    assert indicators["9"]["value"] == 21.43
    assert set(data["race_disparity_ratio"]) >= {"lower_to_middle", "middle_to_upper", "lower_to_upper"}
    assert isinstance(data["race_disparity_ratio"]["lower_to_middle"], float)
    assert data["aspirational_targets"][:4] == [
        {"band": "8a", "headcount": 26, "bme": 2, "white": 24, "target": 3, "gap": 1},
        {"band": "8b", "headcount": 10, "bme": 0, "white": 10, "target": 1, "gap": 1},
        {"band": "8c", "headcount": 6, "bme": 1, "white": 5, "target": 1, "gap": 0},
        {"band": "8d", "headcount": 8, "bme": 1, "white": 7, "target": 1, "gap": 0},
    ]
    assert [t["band"] for t in data["aspirational_targets"]] == ["8a", "8b", "8c", "8d", "9", "VSM"]


def test_json_of_an_empty_pack_is_all_null_with_reasons():
    pack = DataPack(DataPackSummary((), ("workforce",)))
    data = json.loads(to_json(compute_wres(pack, target_percent=11.17, year=2025)))
    assert data["year"] == 2025
    assert data["indicators"]["1"] == {"value": None, "reason": "no workforce file"}
    assert data["indicators"]["3"]["reason"] == "no disciplinary file"
    assert data["indicators"]["6"]["bme"] is None and data["indicators"]["6"]["reason"] == "no survey file"
    assert data["indicators"]["9"] == {"value": None, "reason": "no board file"}
    assert data["race_disparity_ratio"]["lower_to_middle"] is None
    assert data["aspirational_targets"] == []


def test_zero_bme_disciplinary_cases_are_not_calculable(pack_2024):
    cases = pd.DataFrame({"group": ["BME", "White"], "category": ["not given"] * 2, "cases": [0, 11]})
    result = compute_wres(DataPack(pack_2024.summary, 2023, workforce=pack_2024.workforce, disciplinary=cases))
    data = result.to_dict()["indicators"]["3"]
    assert data["value"] is None
    assert data["reason"] == ("no BME disciplinary cases (0 of 215): "
                              "the ratio is 0 and its confidence interval cannot be estimated")


def test_disciplinary_without_medical_staff_when_categories_are_given(pack_2024):
    cases = pd.DataFrame({"group": ["BME", "BME", "White"], "category": ["medical", "clinical", "clinical"],
                          "cases": [1, 2, 13]})
    result = compute_wres(DataPack(pack_2024.summary, 2024, workforce=pack_2024.workforce, disciplinary=cases))
    non_medical = result.disciplinary.non_medical
    assert (non_medical.count_a, non_medical.total_a, non_medical.count_b, non_medical.total_b) == (2, 171, 13, 1678)


def test_definitions_describe_the_nine_indicators():
    definitions = load_definitions("wres")
    assert [d.number for d in definitions] == list(range(1, 10))
    assert [d.kind for d in definitions] == ["bme_percent"] + ["relative_likelihood"] * 3 + ["survey_pair"] * 4 + [
        "board_percent"]
    assert [d.number for d in definitions if d.lower_is_better] == [2, 3, 4, 5, 6, 8]
    assert definitions[6].direction == "higher" and definitions[1].unit == "ratio"
    assert standards() == ("wres",)


def test_a_new_standard_needs_only_data(tmp_path):
    entry = {"number": 1, "key": "k", "title": "t", "short_title": "s", "unit": "percent",
             "kind": "bme_percent", "direction": "lower", "source": "workforce"}
    path = tmp_path / "definitions.json"
    path.write_text(json.dumps({"wdes": {"indicators": [entry]}}))
    assert load_definitions("wdes", path)[0].key == "k"
    with pytest.raises(ValueError, match="unknown standard 'wres': defined are wdes"):
        load_definitions("wres", path)
    path.write_text(json.dumps({"wdes": {"indicators": [entry | {"unit": "pounds"}]}}))
    with pytest.raises(ValueError, match="wdes indicator 1: unit 'pounds' is not one of percent, ratio"):
        load_definitions("wdes", path)


def test_national_series_from_table_2_and_the_2024_survey_charts():
    national = load_national("wres")
    assert sorted(national) == list(range(2016, 2025))
    assert national[2023][1] == {"value": 26.4, "vsm": 11.2}
    assert national_value(national, 2016, 2) == 1.57
    assert national_value(national, 2023, 3) == 1.03
    assert national[2023][5] == {"bme": 30.5, "white": 26.9}
    assert 7 not in national[2017]
    assert national[2024] == {5: {"bme": 31.43, "white": 22.66}, 6: {"bme": 20.98, "white": 16.78},
                              7: {"bme": 50.5, "white": 61.82}, 8: {"bme": 13.9, "white": 5.99}}
    assert national_value(national, 2024, 9) is None


@pytest.mark.parametrize(("direction", "before", "after", "expected"), [
    ("lower", 1.14, 1.21, "worse"), ("lower", 1.21, 1.14, "better"), ("lower", 1.211, 1.214, "same"),
    ("higher", 67.44, 62.77, "worse"), ("higher", 62.77, 67.44, "better"),
    ("closer_to_1", 0.83, 1.10, "better"), ("closer_to_1", 1.10, 0.85, "worse"), ("closer_to_1", 0.9, 1.1, "same"),
    ("lower", None, 1.0, None),
])
def test_judge(direction, before, after, expected):
    assert judge(direction, before, after) == expected


def test_judge_closer_to_target():
    assert judge("closer_to_target", 9.9, 11.11, target=11.17) == "better"
    assert judge("closer_to_target", 11.11, 14.0, target=11.17) == "better"
    assert judge("closer_to_target", 14.29, 21.43, target=11.17) == "better"
    assert judge("closer_to_target", 21.43, 14.29, target=11.17) == "worse"
    assert judge("closer_to_target", 21.43, 9.0, target=11.17) == "worse"
    assert judge("closer_to_target", 9.9, 11.11) is None
    with pytest.raises(ValueError, match="unknown direction 'up'"):
        judge("up", 1, 2)


def small_pack(**files: str):
    """A pack from CSV texts given by kind."""
    from tracker.indicators.datapack import read_datapack

    return read_datapack({f"{kind}.csv": text.encode() for kind, text in files.items()})


WORKFORCE = "band,category,group,headcount\n5,clinical,White,100\n5,clinical,BME,50\nMedical Consultant,medical,BME,50\n"


def test_training_counts_with_and_without_medical_staff():
    pack = small_pack(workforce=WORKFORCE, training=(
        "Ethnic Origin,Staff Group\n" + "A,Students\n" * 40 + "N,Students\n" * 10 + "N,Medical and Dental\n" * 50))
    training = compute_wres(pack).training
    assert training.value == pytest.approx((40 / 100) / (60 / 100))
    assert training.non_medical.value == pytest.approx((40 / 100) / (10 / 50))
    assert (training.non_medical.count_b, training.non_medical.total_b) == (10, 50)


def test_board_roles_and_voting_words():
    pack = small_pack(board="group,role,voting\nBME,Chair,Y\nWhite,NED,no\nWhite,Chief Executive,TRUE\n")
    board = compute_wres(pack).board
    assert (board.non_executive.headcount, board.executive.headcount) == (2, 1)
    assert (board.voting.bme, board.voting.headcount, board.non_voting.headcount) == (1, 2, 1)
    assert board.workforce_percent is None and board.difference is None
