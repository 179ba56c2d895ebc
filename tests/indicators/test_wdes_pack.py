"""Reading a WDES data pack: messy files, the worked checks from published reports, all or nothing."""
from __future__ import annotations

import io
import zipfile

import pytest

from tests.indicators.wdes_packs import DISABLED, HEADCOUNT, NON_DISABLED, NOT_DECLARED, pack, workforce_xlsx
from tracker.indicators.tables import DataPackError
from tracker.indicators.wdes import compute_wdes
from tracker.indicators.wdes_pack import metric_key, read_wdes_datapack
from tracker.indicators.wdes_show import metrics_dict


def figures(files, year=2025) -> dict:
    return metrics_dict(compute_wdes(read_wdes_datapack(files, year=year).inputs()))["metrics"]


def test_a_messy_esr_extract_with_both_columns_gives_metric_1_as_worked_out_by_hand():
    read = read_wdes_datapack(pack(), year=2025)
    workforce = read.summary.files[0]
    assert workforce.rows == HEADCOUNT
    assert workforce.groups == {"Disabled": DISABLED, "Non-disabled": NON_DISABLED, "Not declared": NOT_DECLARED}
    assert any("read sheet 'Staff', header on row 4" in reading for reading in workforce.readings)
    assert "read 'Y' as Disabled, 1 row" in workforce.readings
    one = figures(pack())["1"]
    assert one["disabled"] == pytest.approx(100 * 5 / 42)
    assert one["non_disabled"] == pytest.approx(100 * 30 / 42)
    assert one["not_declared"] == pytest.approx(100 * 7 / 42)
    assert one["declaration_rate"] == pytest.approx(100 * 35 / 42)


def test_the_other_files_give_metrics_2_3_survey_and_board_as_worked_out_by_hand():
    metrics = figures(pack())
    assert metrics["2"]["value"] == pytest.approx(0.25 / 0.2)
    assert metrics["3"]["value"] == pytest.approx((1 / 5) / (3 / 30))
    assert metrics["4a_i"] == {"disabled": 30.5, "non_disabled": 25.25}
    assert metrics["4a_ii"] == {"disabled": 15.0, "non_disabled": 10.0}
    assert metrics["8"] == {"disabled": 71.2}
    assert metrics["9a"] == {"disabled": 6.5, "non_disabled": 7.0}
    assert metrics["4b"]["disabled"] is None and "4b" in metrics["4b"]["reason"]
    # KMPT: 13 voting members, none Disabled: 0 minus the workforce's Disabled %.
    assert metrics["10"]["voting"] == pytest.approx(-100 * 5 / 42)
    assert metrics["10"]["executive"] == pytest.approx(-100 * 5 / 42)


def test_metric_1_ncic_2025_from_counts():
    workforce = b"band,category,disability,headcount\n5,clinical,Disabled,496\n5,clinical,Non-disabled,8674\n" \
                b"5,clinical,Not declared,830\n"
    one = figures({"workforce.csv": workforce})["1"]
    assert (round(one["disabled"], 2), round(one["non_disabled"], 2), round(one["not_declared"], 2)) == \
        (4.96, 86.74, 8.30)


@pytest.mark.parametrize(("non_disabled", "disabled", "expected"), [
    ("21.8%", "20.9%", 1.04),  # Coventry and Warwickshire Partnership Trust, WDES 2025
    ("19.1", "5.9", 3.24),  # NHS Resolution 2021/22
    ("50.0", "15.0", 3.33),  # NHS Resolution 2020/21
])
def test_metric_2_from_published_percentages_appointed(non_disabled, disabled, expected):
    recruitment = f"group,percent appointed\nNon-disabled,{non_disabled}\nDisabled,{disabled}\n".encode()
    assert round(figures({"recruitment.csv": recruitment})["2"]["value"], 2) == expected


def test_row_level_recruitment_and_capability_files():
    recruitment = ("Disability,Appointed\n" + "Yes,Yes\n" * 2 + "Yes,No\n" * 8 + "No,Y\n" * 8 + "No,N\n" * 12
                   + "Not Declared,Yes\n").encode()
    capability = (b"Disability,Date,Grounds\nYes,15/06/2024,Performance\nNo,01/02/2025,Performance\n"
                  b"No,01/05/2023,Performance\nYes,01/05/2024,Ill health\n")
    read = read_wdes_datapack(pack(**{"recruitment.csv": recruitment, "capability.csv": capability}), year=2025)
    assert dict(read.recruitment.shortlisted) == {"Disabled": 10, "non-disabled": 20}
    assert dict(read.recruitment.appointed) == {"Disabled": 2, "non-disabled": 8}
    # 15/06/2024 and 01/02/2025 are in the 2025 WDES year (April to March), 01/05/2023 in 2024.
    assert [(item.year, item.disabled, item.non_disabled) for item in read.capability] == [(2024, 0, 1), (2025, 1, 1)]
    capability_summary = next(item for item in read.summary.files if item.kind == "capability")
    assert any("ill-health" in reading for reading in capability_summary.readings)
    metrics = metrics_dict(compute_wdes(read.inputs()))["metrics"]
    assert metrics["2"]["value"] == pytest.approx((8 / 20) / (2 / 10))
    assert metrics["3"]["value"] == pytest.approx((0.5 / 5) / (1 / 30))


def test_every_problem_in_every_file_is_listed_and_nothing_is_returned():
    bad_workforce = workforce_xlsx(
        ["Yes", "Maybe", "No"])
    files = pack(**{
        "workforce.xlsx": bad_workforce,
        "recruitment.csv": b"group,shortlisted,appointed\nDisabled,10,12\nNon-disabled,x,1\n",
        "survey.csv": b"metric,group,percent\n11,Disabled,20\n5,Disabled,abc\n8,Non-disabled,40\n",
        "capability.csv": b"group,entries,year\nDisabled,1,last year\n",
    })
    with pytest.raises(DataPackError) as caught:
        read_wdes_datapack(files, year=2025)
    problems = {(p.file, p.row, p.column): p.message for p in caught.value.problems}
    assert "disability 'Maybe' is not recognised" in problems[("workforce.xlsx", 6, "Disability")]
    assert problems[("recruitment.csv", 2, "appointed")] == "appointed (12) is more than shortlisted (10)"
    assert problems[("recruitment.csv", 3, "shortlisted")] == "'x' is not a number"
    assert "not '11'" in problems[("survey.csv", 2, "metric")]
    assert problems[("survey.csv", 3, "percent")] == "'abc' is not a percentage from 0 to 100"
    assert "Disabled staff only" in problems[("survey.csv", 4, "group")]
    assert "'last year' is not a year or a date" in problems[("capability.csv", 2, "year")]


def test_a_zip_of_the_files_is_read_like_the_files():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in pack().items():
            package.writestr(f"wdes 2025/{name}", data)
        package.writestr("wdes 2025/readme.txt", "notes")
    read = read_wdes_datapack({"pack.zip": buffer.getvalue()}, year=2025)
    assert [item.kind for item in read.summary.files] == [
        "workforce by disability", "recruitment", "capability", "survey", "board by disability"]
    assert read.summary.ignored == ("readme.txt",)


@pytest.mark.parametrize(("text", "key"), [("4a(ii)", "4a_ii"), ("4a ii", "4a_ii"), ("4a_iii", "4a_iii"),
                                           ("Metric 5", "5"), ("9a", "9a"), ("4A(I)", "4a_i"), ("4a", None),
                                           ("11", None), ("5(ii)", None)])
def test_metric_names_as_people_write_them(text, key):
    assert metric_key(text) == key


def test_survey_9b_answer_and_narrative_and_responses_left_blank():
    survey = (b"Metric,Group,Value,Responses,Narrative\n"
              b"Metric 5,Disabled,45.5,300,\nMetric 5,Non-disabled,55.25,,\n"
              b"9b,,Yes,,Our Disabled staff network reports to the board twice a year.\n")
    read = read_wdes_datapack({"survey.csv": survey}, year=2025)
    assert read.survey == {"5": {"disabled": 45.5, "disabled_responses": 300, "non_disabled": 55.25}}
    assert read.voices.answer is True
    assert read.voices.text == "Our Disabled staff network reports to the board twice a year."
    bad = b"Metric,Group,Value,Responses\n5,Disabled,45.5,many\n9b,,perhaps,\n"
    with pytest.raises(DataPackError) as caught:
        read_wdes_datapack({"survey.csv": bad}, year=2025)
    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [
        (2, "Responses", "'many' is not a number"),
        (3, "Value", "metric 9b's answer must be yes or no, not 'perhaps'")]
