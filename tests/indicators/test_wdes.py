"""The WDES metrics from a row-level ESR extract carrying ethnicity and disability, checked by hand.

The extract (20 staff) and what each row is, for WDES (D = Disabled, ND = non-disabled,
U = not declared) and WRES (W = White, B = BME, ? = Unknown):

 row  staff group                       pay band            ethnic origin  disability             WDES cluster
   1  Administrative and Clerical        Band 2              A              Yes                    D  non-clinical 1
   2  Administrative and Clerical        Band 3              N              No                     ND non-clinical 1
   3  Administrative and Clerical        Band 4              A              Not Declared           U  non-clinical 1
   4  Administrative and Clerical        Band 5              H              no                     ND non-clinical 2
   5  Administrative and Clerical        Band 8 - Range A    A              " YES "                D  non-clinical 3
   6  Administrative and Clerical        Band 8 - Range C    Z              (blank)                U  non-clinical 4
   7  Estates and Ancillary              Band 2              C              Prefer Not To Answer   U  non-clinical 1
   8  Administrative and Clerical        VSM                 A              No                     ND non-clinical 4
   9  Nursing and Midwifery Registered   Band 5              A              Y Yes                  D  clinical 2
  10  Nursing and Midwifery Registered   Band 5              N              N No                   ND clinical 2
  11  Nursing and Midwifery Registered   Band 6              A              Unspecified            U  clinical 2
  12  Nursing and Midwifery Registered   Band 7              R              No                     ND clinical 2
  13  Allied Health Professionals        Band 8 - Range B    A              No                     ND clinical 3
  14  Additional Clinical Services       Band 3              M              Yes                    D  clinical 1
  15  Additional Clinical Services       Band 2              A              not declared           U  clinical 1
  16  Medical and Dental                 Consultant          H              No                     ND clinical 5
  17  Medical and Dental                 Consultant          A              Yes                    D  clinical 5
  18  Medical and Dental                 Specialty Doctor    J              No                     ND clinical 6
  19  Medical and Dental                 Specialty Registrar A              Prefer not to answer   U  clinical 7
  20  Medical and Dental                 Foundation Year 1   N              No                     ND clinical 7

By hand: D = rows 1, 5, 9, 14, 17 = 5; ND = 2, 4, 8, 10, 12, 13, 16, 18, 20 = 9; U = 3, 6, 7, 11, 15,
19 = 6; headcount 20. Metric 1: 5/20 = 25%, 9/20 = 45%, 6/20 = 30% (adds to 100); declaration
rate (5 + 9)/20 = 70%. WRES from the same file: W = A or C rows (1, 3, 5, 7, 8, 9, 11, 13, 15,
17, 19) = 11, B = 2, 4, 10, 12, 14, 16, 18, 20 = 8, Unknown = row 6 (Z) = 1; indicator 1 = 8/20 = 40%.
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pandas as pd
import pytest

from tests.indicators.wdes_packs import BOARD_MEMBERS, ROWS, extract_csv
from tracker.indicators.datapack import read_datapack
from tracker.indicators.ratios import round_half_up
from tracker.indicators.tables import DataPackError, read_sheet
from tracker.indicators.wdes import (
    METRICS,
    CapabilityYear,
    Recruitment,
    WdesInputs,
    capability_metric,
    compute_wdes,
    recruitment_metric,
)
from tracker.indicators.wdes_headlines import wdes_headlines
from tracker.indicators.wdes_readers import read_board_disability, read_datapack_with_disability
from tracker.indicators.wdes_results import Voices
from tracker.indicators.wdes_show import metrics_dict, to_json
from tracker.indicators.wres import compute_wres


def shown(value: float) -> float:
    """As published: 2 dp, half up."""
    return round_half_up(value, 2)


@pytest.fixture(scope="module")
def packs():
    """The extract read once for both standards."""
    return read_datapack_with_disability({"workforce.csv": extract_csv()}, year=2025)


@pytest.fixture(scope="module")
def result(packs):
    """The year's WDES: the extract, recruitment and capability counts, survey figures, the board."""
    return compute_wdes(WdesInputs(
        year=2025, workforce=packs.workforce_by_disability,
        recruitment=Recruitment({"non-disabled": 400, "Disabled": 45}, {"non-disabled": 100, "Disabled": 9}),
        capability=(CapabilityYear(2025, 2, 3), CapabilityYear(2024, 0, 5)),
        survey={"4a_i": {"disabled": 30.5, "non_disabled": 25.1, "disabled_responses": 180},
                "8": {"disabled": 70.2}},
        engagement={"disabled": 6.5, "non_disabled": 7.0, "overall": 6.9},
        voices=Voices(True, "Disability network chair sits on the People Committee."),
        board=BOARD_MEMBERS,
    ))


def test_one_extract_feeds_both_standards(packs):
    wres = compute_wres(packs.wres)
    overall = wres.workforce.overall
    assert (overall.bme, overall.white, overall.unknown) == (8, 11, 1)
    assert overall.percent == 40.0
    assert packs.disability_summary.groups == {"Disabled": 5, "Non-disabled": 9, "Not declared": 6}
    alone = compute_wres(read_datapack({"workforce.csv": extract_csv()}, year=2025))
    assert wres.to_dict() == alone.to_dict()


def test_metric_1_overall_shares_and_declaration_rate(result):
    overall = result.workforce.overall
    assert (overall.disabled, overall.non_disabled, overall.not_declared, overall.headcount) == (5, 9, 6, 20)
    assert (overall.disabled_percent, overall.non_disabled_percent, overall.not_declared_percent) == (25.0, 45.0, 30.0)
    assert result.workforce.declaration_rate == 70.0


def test_metric_1_clusters_for_non_clinical_and_clinical_staff(result):
    counts = [(s.disabled, s.non_disabled, s.not_declared) for s in result.workforce.non_clinical]
    # cluster 1: rows 1 D, 2 ND, 3 U, 7 U; 2: row 4 ND; 3: row 5 D; 4: rows 6 U, 8 ND (VSM)
    assert counts == [(1, 1, 2), (0, 1, 0), (1, 0, 0), (0, 1, 1)]
    clinical = {s.key: (s.disabled, s.non_disabled, s.not_declared) for s in result.workforce.clinical}
    # 1: rows 14 D, 15 U; 2: 9 D, 10 ND, 11 U, 12 ND; 3: 13 ND; 4: none; 5: 16 ND, 17 D; 6: 18 ND; 7: 19 U, 20 ND
    assert list(clinical.values()) == [(1, 0, 1), (1, 2, 1), (0, 1, 0), (0, 0, 0), (1, 1, 0), (0, 1, 0), (0, 1, 1)]
    assert list(clinical)[4:] == ["Cluster 5: Medical and dental consultants",
                                  "Cluster 6: Medical and dental non-consultant career grades",
                                  "Cluster 7: Medical and dental trainee grades"]
    assert result.workforce.non_clinical[0].disabled_percent == 25.0  # 1 of 4
    assert result.workforce.outside_clusters == ()


def test_metric_1_by_category_counts_medical_staff_as_clinical(result):
    categories = {s.key: (s.disabled, s.non_disabled, s.not_declared) for s in result.workforce.by_category}
    assert categories == {"non-clinical": (2, 3, 3), "clinical": (3, 6, 3), "medical": (1, 3, 1)}


def test_metric_2_non_disabled_against_disabled_with_its_confidence_interval(result):
    likelihood = result.recruitment.likelihood
    # (100 / 400) / (9 / 45) = 0.25 / 0.2 = 1.25
    assert likelihood.value == pytest.approx(1.25)
    assert (likelihood.group_a, likelihood.group_b) == ("non-disabled", "Disabled")
    # ln RR's SE = sqrt(1/100 - 1/400 + 1/9 - 1/45) = sqrt(0.0963889) = 0.3104656;
    # 1.96 × SE = 0.6084992, so the CI is 1.25 × e^∓0.6085 = 0.68021 to 2.29709
    assert likelihood.ci_low == pytest.approx(0.68021, abs=1e-5)
    assert likelihood.ci_high == pytest.approx(2.29709, abs=1e-5)
    assert likelihood.small_numbers  # 9 Disabled appointed: a cell under 10


def test_metric_2_confidence_interval_without_small_numbers():
    likelihood = recruitment_metric(Recruitment({"non-disabled": 400, "Disabled": 50},
                                                {"non-disabled": 100, "Disabled": 10})).likelihood
    # SE = sqrt(1/100 - 1/400 + 1/10 - 1/50) = sqrt(0.0875) = 0.2958040; CI 0.70004 to 2.23202
    assert (likelihood.value, likelihood.small_numbers) == (pytest.approx(1.25), False)
    assert (likelihood.ci_low, likelihood.ci_high) == (pytest.approx(0.70004, abs=1e-5),
                                                      pytest.approx(2.23202, abs=1e-5))
    assert likelihood.position == "within"


def test_metric_3_two_year_rolling_average_with_its_confidence_interval(result):
    metric = result.capability
    # entries averaged over 2024 and 2025: Disabled (0 + 2) / 2 = 1, non-disabled (5 + 3) / 2 = 4;
    # headcount 5 Disabled and 9 non-disabled: (1 / 5) / (4 / 9) = 0.45
    assert metric.value == pytest.approx(0.45)
    assert metric.years == (2024, 2025) and metric.note is None
    # SE = sqrt(1/1 - 1/5 + 1/4 - 1/9) = sqrt(0.9388889) = 0.9689628; CI 0.06736 to 3.00604
    assert metric.likelihood.ci_low == pytest.approx(0.06736, abs=1e-5)
    assert metric.likelihood.ci_high == pytest.approx(3.00604, abs=1e-5)
    assert metric.likelihood.small_numbers


def test_metric_3_with_one_year_only_says_the_guidance_averages_two():
    metric = capability_metric([CapabilityYear(2025, 2, 3)], {"Disabled": 5, "non-disabled": 9}, 2025)
    assert metric.value == pytest.approx((2 / 5) / (3 / 9))
    assert metric.note == "one year's entries only: the guidance uses a two-year rolling average (this year and last)"


def test_survey_metrics_keep_both_figures_and_their_difference(result):
    metric = result.survey["4a_i"]
    assert (metric.disabled, metric.non_disabled, metric.disabled_responses) == (30.5, 25.1, 180)
    assert metric.difference == pytest.approx(5.4)
    assert result.survey["8"].disabled == 70.2 and result.survey["8"].reason is None
    assert result.survey["5"].reason == "no staff survey figures for metric 5"


def test_metric_10_voting_and_executive_against_the_workforce(result):
    board = result.board
    # voting: 5 members (2 executive, 3 non-executive), 1 Disabled = 20%; 20 - 25 = -5 points
    assert (board.voting.disabled, board.voting.headcount) == (1, 5)
    assert board.voting_difference == pytest.approx(-5.0)
    # executive: 3 members (voting or not), 1 Disabled = 33.33%; 33.33 - 25 = 8.33 points
    assert board.executive_difference == pytest.approx(100 / 3 - 25)


def test_the_show_json_shape(result):
    data = json.loads(to_json(result))
    assert data["year"] == 2025 and list(data["metrics"]) == list(METRICS)
    metrics = data["metrics"]
    assert metrics["1"] == {"disabled": 25.0, "non_disabled": 45.0, "not_declared": 30.0, "declaration_rate": 70.0}
    assert metrics["2"]["value"] == pytest.approx(1.25) and "reason" not in metrics["2"]
    assert metrics["3"]["value"] == pytest.approx(0.45)  # unrounded
    assert metrics["4a_i"] == {"disabled": 30.5, "non_disabled": 25.1}
    assert metrics["4a_ii"] == {"disabled": None, "non_disabled": None,
                                "reason": "no staff survey figures for metric 4a(ii)"}
    assert metrics["8"] == {"disabled": 70.2}
    assert metrics["9a"] == {"disabled": 6.5, "non_disabled": 7.0}
    assert metrics["9b"] == {"answer": "yes", "text": "Disability network chair sits on the People Committee."}
    assert metrics["10"] == {"voting": pytest.approx(-5.0), "executive": pytest.approx(100 / 3 - 25)}


def test_nothing_given_is_null_with_a_reason_never_zero():
    data = metrics_dict(compute_wdes(WdesInputs(year=2025)))
    for key, entry in data["metrics"].items():
        assert entry.get("reason"), key
        figures = {name: value for name, value in entry.items()
                   if name not in ("reason", "ci_low", "ci_high", "small_numbers", "text")}
        assert all(value is None for value in figures.values()), key
    assert data["metrics"]["1"]["reason"] == "no workforce figures by disability"
    assert data["metrics"]["2"]["reason"] == "no recruitment figures by disability"
    assert data["metrics"]["10"]["reason"] == "no board membership by disability"
    json.dumps(data, allow_nan=False)


def test_no_disabled_applicants_shortlisted_is_not_calculable():
    likelihood = recruitment_metric(Recruitment({"non-disabled": 400, "Disabled": 0},
                                                {"non-disabled": 100, "Disabled": 0})).likelihood
    assert likelihood.value is None
    assert likelihood.reason == "no Disabled shortlisted (0), so the Disabled rate cannot be calculated"


def test_no_disabled_appointed_is_undefined_not_infinite():
    likelihood = recruitment_metric(Recruitment({"non-disabled": 400, "Disabled": 20},
                                                {"non-disabled": 100, "Disabled": 0})).likelihood
    assert likelihood.value is None
    assert likelihood.reason == "no Disabled appointed (0 of 20): the ratio would divide by zero and is undefined"


def test_zero_denominators_for_metric_3_and_10_are_not_calculable():
    no_staff = capability_metric([CapabilityYear(2025, 1, 3)], {"Disabled": 0, "non-disabled": 50}, 2025)
    assert no_staff.value is None
    assert no_staff.reason == "no Disabled staff (0), so the Disabled rate cannot be calculated"
    empty = pd.DataFrame({"band": ["5"], "category": ["clinical"], "disability": ["Disabled"], "headcount": [0]})
    result = compute_wdes(WdesInputs(2025, empty, board=BOARD_MEMBERS))
    data = metrics_dict(result)
    assert data["metrics"]["1"] == {"disabled": None, "non_disabled": None, "not_declared": None,
                                    "declaration_rate": None, "reason": "the workforce has no staff"}
    assert data["metrics"]["10"]["voting"] is None
    assert "no workforce figures" in data["metrics"]["10"]["reason"]


def test_a_survey_figure_out_of_range_is_refused_with_a_reason():
    result = compute_wdes(WdesInputs(2025, survey={"6": {"disabled": 130, "non_disabled": 20}}))
    assert result.survey["6"].disabled is None
    assert result.survey["6"].reason == "130 is not a percentage between 0 and 100"


# Worked checks of WDES.md, reproduced.

def test_worked_check_metric_2_coventry_and_warwickshire_2025():
    # appointed from shortlisting 21.8% non-disabled, 20.9% Disabled: 0.218 / 0.209 = 1.04
    likelihood = recruitment_metric(Recruitment(percent_appointed={"non-disabled": 21.8, "Disabled": 20.9})).likelihood
    assert shown(likelihood.value) == 1.04


@pytest.mark.parametrize(("non_disabled", "disabled", "expected"), [(19.1, 5.9, 3.24), (50.0, 15.0, 3.33)])
def test_worked_check_metric_2_nhs_resolution(non_disabled, disabled, expected):
    # 2021/22: 19.1 / 5.9 = 3.24; 2020/21: 50.0 / 15.0 = 3.33
    likelihood = recruitment_metric(Recruitment(
        percent_appointed={"non-disabled": non_disabled, "Disabled": disabled})).likelihood
    assert shown(likelihood.value) == expected
    assert likelihood.ci_low is None and "no confidence interval" in likelihood.note


def test_worked_check_metric_1_ncic_2025():
    # 4.96% Disabled, 86.74% non-disabled, 8.30% unknown; an illustrative workforce of 10,000
    # (the published headcount is not in WDES.md) with 496, 8,674 and 830 staff gives them exactly
    workforce = pd.DataFrame({"band": ["5"] * 3, "category": ["clinical"] * 3,
                              "disability": ["Disabled", "Non-disabled", "Not declared"],
                              "headcount": [496, 8674, 830]})
    data = metrics_dict(compute_wdes(WdesInputs(2025, workforce)))["metrics"]["1"]
    assert (shown(data["disabled"]), shown(data["non_disabled"]), shown(data["not_declared"])) == (4.96, 86.74, 8.3)
    assert data["disabled"] + data["non_disabled"] + data["not_declared"] == pytest.approx(100)
    assert shown(data["declaration_rate"]) == 91.7


def test_worked_check_metric_10_kmpt(result):
    # 13 voting members (8 non-executive, 5 executive), none declared Disabled: the board is 0% Disabled,
    # so the difference is 0 minus the workforce's Disabled % (25% in this extract): -25 points
    board = pd.DataFrame({"disability": ["Non-disabled"] * 8 + ["Non-disabled"] * 3 + ["Not declared"] * 2,
                          "role": ["non-executive"] * 8 + ["executive"] * 5, "voting": [True] * 13,
                          "members": [1] * 13})
    metric = compute_wdes(WdesInputs(2025, result_workforce(), board=board)).board
    assert (metric.voting.headcount, metric.voting.disabled_percent) == (13, 0.0)
    assert (metric.executive.headcount, metric.executive.disabled_percent) == (5, 0.0)
    assert metric.voting_difference == -25.0 and metric.executive_difference == -25.0


def result_workforce() -> pd.DataFrame:
    """The extract's workforce by disability."""
    return read_datapack_with_disability({"workforce.csv": extract_csv()}).workforce_by_disability


# Reading the pack once.

def test_problems_in_the_disability_column_and_other_files_are_listed_together():
    bad = extract_csv().replace(b",Unspecified,", b",Sometimes,")
    files = {"workforce.csv": bad, "recruitment.csv": b"group,shortlisted,appointed\nWhite,10,20\n"}
    with pytest.raises(DataPackError) as raised:
        read_datapack_with_disability(files, year=2025)
    messages = [problem.message for problem in raised.value.problems]
    assert any("disability 'Sometimes' is not recognised" in message for message in messages)
    assert any("appointed (20) is more than shortlisted (10)" in message for message in messages)


def test_a_pack_without_a_disability_column_gives_the_wres_pack_alone():
    csv = pd.DataFrame(ROWS, columns=["Staff Group", "Pay Band", "Ethnic Origin", "Disability"]) \
        .drop(columns="Disability").to_csv(index=False).encode()
    packs = read_datapack_with_disability({"workforce.csv": csv}, year=2025)
    assert packs.workforce_by_disability is None
    assert packs.wres.summary.rows == {"workforce": 20}


def test_wdes_modules_import_no_flask_or_database():
    folder = Path(__file__).resolve().parents[2] / "tracker" / "indicators"
    for name in ("wdes.py", "wdes_results.py", "wdes_readers.py", "disability.py"):
        tree = ast.parse((folder / name).read_text(encoding="utf-8"))
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module}
        assert not imported & {"flask", "flask_login", "flask_wtf", "flask_sqlalchemy", "sqlalchemy"}, name


def test_two_workforce_files_are_a_problem_not_a_choice():
    files = {"workforce.csv": extract_csv(), "Workforce.xlsx": b"", "survey.csv": b"indicator,group,percent\n5,BME,30\n"}
    with pytest.raises(DataPackError) as raised:
        read_datapack_with_disability(files, year=2025)
    assert [problem.file for problem in raised.value.problems] == ["Workforce.xlsx"]
    assert "there is already a workforce file (workforce.csv)" in raised.value.problems[0].message


def test_a_workforce_file_alone_lists_the_other_files_as_missing(packs):
    assert packs.wres.summary.missing == ("recruitment", "disciplinary", "training", "survey", "board")
    assert [item.kind for item in packs.wres.summary.files] == ["workforce"]


def test_capability_figures_given_twice_for_a_year_are_not_averaged():
    metric = capability_metric([CapabilityYear(2025, 2, 3), CapabilityYear(2025, 1, 3)],
                               {"Disabled": 5, "non-disabled": 9}, 2025)
    assert metric.value is None
    assert metric.reason == "capability process figures for 2025 are given more than once"


def test_a_bad_engagement_score_leaves_the_other_groups_score():
    scores = compute_wdes(WdesInputs(2025, engagement={"disabled": 6.4, "non_disabled": 12})).engagement
    assert (scores.disabled, scores.non_disabled) == (6.4, None)
    assert scores.reason == "non-disabled score: 12 is not a score between 0 and 10"


def test_a_board_register_by_disability_feeds_metric_10(result):
    csv = ("Name,Disability,role,voting\nA,Yes,Executive Director,yes\nB,No,Chief Executive,yes\n"
           "C,No,Executive,no\nD,No,Non-executive director,yes\nE,Prefer Not To Answer,NED,yes\nF,n,Chair,yes\n")
    sheet, _ = read_sheet("board.csv", csv.encode(), {"disability", "role", "voting"})
    parsed = read_board_disability(sheet)
    assert parsed.summary.groups == {"Disabled": 1, "Non-disabled": 4, "Not declared": 1}
    board = compute_wdes(WdesInputs(2025, result_workforce(), board=parsed.table)).board
    # the same six members as BOARD_MEMBERS: voting 1 of 5 Disabled, executive 1 of 3
    assert board.voting_difference == pytest.approx(-5.0)
    assert board.executive_difference == pytest.approx(100 / 3 - 25)


def test_a_board_register_with_an_unknown_role_is_a_problem():
    sheet, _ = read_sheet("board.csv", b"Disability,role,voting\nYes,Governor,yes\n", {"disability", "role", "voting"})
    parsed = read_board_disability(sheet)
    assert [(p.row, p.message) for p in parsed.problems] == [(2, "unknown role 'Governor': use executive or non-executive")]


@pytest.mark.parametrize("folder", ["pack_2024", "pack_2021", "pack_2024_aggregate"])
def test_the_wres_pack_is_the_same_read_either_way(folder):
    path = Path(__file__).parent / "data" / folder
    alone = read_datapack(path, year=2024, bme_labels=["BAME"])
    packs = read_datapack_with_disability(path, year=2024, bme_labels=["BAME"])
    assert packs.wres.summary == alone.summary
    assert compute_wres(packs.wres).to_dict() == compute_wres(alone).to_dict()
    assert packs.workforce_by_disability is None  # these workforce files have no Disability column


def test_staff_no_cluster_holds_are_shown_apart_so_the_clusters_and_they_add_up():
    workforce = pd.DataFrame({
        "band": ["5", "Other pay scale", "Medical", "3", "Medical Consultant"],
        "category": ["clinical", "non-clinical", "medical", "not given", "clinical"],
        "disability": ["Disabled", "Non-disabled", "Not declared", "Disabled", "Non-disabled"],
        "headcount": [10, 4, 2, 3, 1]})
    profile = compute_wdes(WdesInputs(2025, workforce)).workforce
    outside = {s.key: s.headcount for s in profile.outside_clusters}
    assert outside == {"category not given": 3, "other pay scale": 4, "medical grade not given": 2,
                       "not in a cluster": 1}
    in_clusters = sum(s.headcount for s in (*profile.non_clinical, *profile.clinical))
    assert in_clusters + sum(outside.values()) == profile.overall.headcount == 20


def test_headlines_are_one_row_per_stored_figure_with_the_shown_values(result):
    rows = {(row.metric, row.measure): row for row in wdes_headlines(result)}
    assert rows[("1", "disabled")].value == 25.0
    assert (rows[("1", "disabled")].numerator, rows[("1", "disabled")].denominator) == (5, 20)
    assert rows[("1", "declaration_rate")].value == 70.0
    assert rows[("2", "value")].value == pytest.approx((100 / 400) / (9 / 45))
    assert rows[("2", "value")].ci_low < rows[("2", "value")].value < rows[("2", "value")].ci_high
    assert rows[("4a_i", "disabled")].value == 30.5
    assert rows[("4a_i", "non_disabled")].value == 25.1
    assert ("8", "non_disabled") not in rows
    assert rows[("8", "disabled")].value == 70.2
    assert rows[("9a", "overall")].value == 6.9
    assert rows[("9b", "answer")].value == 1.0
    assert rows[("10", "voting")].value == pytest.approx(result.board.voting_difference)
    assert rows[("4b", "disabled")].value is None and rows[("4b", "disabled")].reason
    assert len(rows) == len(wdes_headlines(result))


def test_headlines_of_an_empty_year_are_all_null_with_reasons():
    for row in wdes_headlines(compute_wdes(WdesInputs(year=2025))):
        assert row.value is None and row.reason, (row.metric, row.measure)
