"""Data packs as trusts keep them are read, the figures come out right, and every reading is said."""
from __future__ import annotations

import pandas as pd
import pytest

from tests.indicators.files_as_kept import (
    board_csv_cp1252,
    survey_workbook,
    workbook,
    workforce_rows,
    workforce_workbook,
)
from tracker.indicators.bands import medical_grade, normalise_band
from tracker.indicators.datapack import read_datapack
from tracker.indicators.ethnicity import recognise
from tracker.indicators.tables import DataPackError
from tracker.indicators.wres import compute_wres

FRACTIONS = [0.3021, 0.246, 0.2083, 0.1613, 0.4, 0.5, 0.1, 0.05]


def readings(pack, kind: str) -> tuple[str, ...]:
    return next(item.readings for item in pack.summary.files if item.kind == kind)


def problems_of(files: dict[str, bytes]) -> list[str]:
    with pytest.raises(DataPackError) as raised:
        read_datapack(files)
    return [str(problem) for problem in raised.value.problems]


def csv(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


# The ESR workforce extract as a workbook: Notes sheet first, title rows, medical grades, Non AfC, names

@pytest.fixture(scope="module")
def workforce_pack():
    return read_datapack({"workforce.xlsx": workforce_workbook()}, year=2024)


def test_the_workforce_sheet_is_found_after_a_notes_sheet_with_its_header_below_title_rows(workforce_pack):
    summary = workforce_pack.summary.files[0]
    assert (summary.file, summary.rows) == ("workforce.xlsx", 78)
    assert summary.readings[0] == "read sheet 'Workforce', header on row 4"


def test_medical_staff_are_medical_grades_by_staff_group_whatever_the_pay_band_says(workforce_pack):
    bands = workforce_pack.workforce.groupby("band")["headcount"].sum().to_dict()
    assert bands == {"Medical Consultant": 24, "Medical Trainee": 8, "Medical Career Grade": 4, "Medical": 3,
                     "Other pay scale": 7, "5": 28, "6": 3, "8a": 1}
    medical = workforce_pack.workforce[workforce_pack.workforce["category"] == "medical"]
    assert medical["headcount"].sum() == 39
    assert set(medical["band"]) == {"Medical Consultant", "Medical Trainee", "Medical Career Grade", "Medical"}


def test_the_preview_says_how_each_pay_band_was_read_grouped_and_counted(workforce_pack):
    said = readings(workforce_pack, "workforce")
    assert [line for line in said if "Medical" in line or "Other pay scale" in line] == [
        "read 'Consultant' as Medical: consultant, 24 rows",
        "read 'Specialty Registrar' as Medical: trainee, 6 rows",
        "read 'Specialty Doctor' as Medical: career grade, 4 rows",
        "read 'Foundation Year 1' as Medical: trainee, 2 rows",
        "read 'M&D' as Medical (grade not given), 3 rows",
        "read 'Non AfC' as Other pay scale, 7 rows",
    ]


def test_ethnic_names_without_codes_count_as_their_codes_and_the_preview_says_so(workforce_pack):
    assert workforce_pack.summary.groups_found["workforce"] == {"White": 44, "BME": 31, "Unknown": 3}
    said = readings(workforce_pack, "workforce")
    assert "read 'White - British' as White (code A), 43 rows" in said
    assert "read 'Black or Black British - African' as BME (code N), 14 rows" in said
    assert "read 'Mixed - White & Asian' as BME (code F), 2 rows" in said
    assert "read 'Asian or Asian British - Indian' as BME (code H), 10 rows" in said
    assert "read 'Chinese' as BME (code R), 3 rows" in said
    assert "read 'Any other ethnic group' as BME (code S), 2 rows" in said
    assert "read 'White - Irish' as White (code B), 1 row" in said
    assert not [line for line in said if "Not stated" in line]  # Z as the dictionary writes it: nothing to say


def test_indicator_1_counts_other_pay_scales_in_the_whole_workforce_and_keeps_totals_right(workforce_pack):
    profile = compute_wres(workforce_pack).workforce
    assert (profile.overall.bme, profile.overall.white, profile.overall.unknown) == (31, 44, 3)
    assert (profile.non_medical.bme, profile.non_medical.white, profile.non_medical.headcount) == (10, 26, 39)
    clusters = {share.key: (share.bme, share.white, share.unknown) for share in profile.by_cluster}
    assert clusters == {"Band <1-4": (0, 0, 0), "Band 5-7": (8, 20, 3), "Band 8a-9": (0, 1, 0), "VSM": (0, 0, 0),
                        "Medical": (21, 18, 0), "Other pay scale": (2, 5, 0)}
    assert sum(share.headcount for share in profile.by_cluster) == profile.overall.headcount == 78
    by_band = {share.label: share.headcount for share in profile.by_band}
    assert by_band == {"Band 5": 28, "Band 6": 3, "Band 8a": 1, "Other pay scale": 7, "Medical Consultant": 24,
                       "Medical Career Grade": 4, "Medical Trainee": 8, "Medical (grade not given)": 3}
    assert sum(by_band.values()) == 78


def test_other_pay_scales_are_left_out_of_the_race_disparity_ratio_and_the_targets(workforce_pack):
    result = compute_wres(workforce_pack, target_percent=20.0)
    disparity = result.race_disparity
    assert (disparity.lower.headcount, disparity.middle.headcount, disparity.upper.headcount) == (28, 3, 1)
    assert "Other pay scale" not in {target.band for target in result.aspirational_targets}


def test_a_trust_cluster_can_name_other_pay_scales():
    from tracker.indicators.bands import make_clusters
    from tracker.indicators.representation import by_cluster

    clusters = make_clusters({"AfC": ["5", "6", "8a"], "Non AfC": ["Other pay scale"], "Doctors": ["medical"]})
    table = read_datapack({"workforce.xlsx": workforce_workbook()}).workforce
    assert [(share.key, share.headcount) for share in by_cluster(table, clusters)] == [
        ("AfC", 32), ("Non AfC", 7), ("Doctors", 39)]


@pytest.mark.parametrize(("text", "grade"), [
    ("Consultant", "Medical Consultant"), ("Locum Consultant", "Medical Consultant"),
    ("Specialty Registrar", "Medical Trainee"), ("Foundation Year 1", "Medical Trainee"),
    ("FY2", "Medical Trainee"), ("Core Training", "Medical Trainee"), ("ST3", "Medical Trainee"),
    ("Senior House Officer", "Medical Trainee"), ("Specialty Doctor", "Medical Career Grade"),
    ("Associate Specialist", "Medical Career Grade"), ("Trust Grade", "Medical Career Grade"),
    ("Staff Grade", "Medical Career Grade"), ("Non-Consultant Career Grade", "Medical Career Grade"),
    ("Clinical Fellow", "Medical Career Grade"), ("M&D", "Medical"), ("Non AfC", "Medical"), ("", "Medical"),
    ("Band 6", "Medical"),
])
def test_medical_grades_are_read_from_the_words_of_the_pay_band(text, grade):
    assert medical_grade(text) == grade
    assert normalise_band(text, medical=True) == grade


@pytest.mark.parametrize("text", ["Non AfC", "Non-AfC", "NON AFC", "Non Agenda for Change", "Other",
                                  "Other pay scale", "Local Pay", "Spot Salary", "Personal Salary"])
def test_pay_scales_outside_agenda_for_change_are_other_pay_scale(text):
    assert normalise_band(text) == "Other pay scale"


def test_a_medical_grade_for_staff_who_are_not_medical_is_still_a_problem_naming_file_row_and_column():
    data = csv("Ethnic Origin,Pay Band,Staff Group", "A,Band 5,Nursing and Midwifery Registered",
               "A,Consultant,Nursing and Midwifery Registered", "N,Consultant,Nursing and Midwifery Registered",
               "N,Consultant,Medical and Dental")
    assert problems_of({"workforce.csv": data}) == [
        "workforce.csv, row 3, column 'Pay Band': unknown pay band 'Consultant': expected e.g. 'Band 5', "
        "'Band 8 - Range A', 'Band 8a', 'VSM', 'Under Band 1', 'Non AfC', 'Medical Consultant'; a medical grade "
        "such as this is read only for staff whose staff group is Medical and Dental (also in row 4)"]


def test_an_aggregate_without_staff_groups_needs_medical_grades_written_as_medical():
    data = csv("band,group,headcount", "Band 5,White,10", "Consultant,BME,4", "Medical Consultant,White,3",
               "Non AfC,BME,2")
    assert problems_of({"workforce.csv": data}) == [
        "workforce.csv, row 3, column 'band': unknown pay band 'Consultant': expected e.g. 'Band 5', "
        "'Band 8 - Range A', 'Band 8a', 'VSM', 'Under Band 1', 'Non AfC', 'Medical Consultant'; a medical grade "
        "needs a staff group column saying Medical and Dental, or 'Medical' before it ('Medical Consultant')"]
    pack = read_datapack({"workforce.csv": data.replace(b"Consultant,BME,4", b"Medical Consultant,BME,4")})
    assert pack.workforce.groupby("band")["headcount"].sum().to_dict() == {
        "5": 10, "Medical Consultant": 7, "Other pay scale": 2}


def test_medical_staff_in_an_aggregate_with_categories_are_medical_grades():
    data = csv("band,category,group,headcount", "Consultant,medical,BME,4", "Specialty Doctor,medical,White,3",
               "Non AfC,non-clinical,White,2")
    pack = read_datapack({"workforce.csv": data})
    assert sorted(map(tuple, pack.workforce[["band", "category", "headcount"]].to_numpy().tolist())) == [
        ("Medical Career Grade", "medical", 3), ("Medical Consultant", "medical", 4),
        ("Other pay scale", "non-clinical", 2)]
    assert readings(pack, "workforce") == ("read 'Consultant' as Medical: consultant, 1 row",
                                           "read 'Specialty Doctor' as Medical: career grade, 1 row",
                                           "read 'Non AfC' as Other pay scale, 1 row")


# Ethnic categories and group names as people write them

@pytest.mark.parametrize(("text", "group"), [
    ("White - British", "White"), ("White British", "White"), ("WHITE - IRISH", "White"),
    ("Any other White background", "White"), ("White - Any other White background", "White"),
    ("Mixed - White & Black Caribbean", "BME"), ("Mixed - White and Black African", "BME"),
    ("Mixed - White & Asian", "BME"), ("Mixed - Any other mixed background", "BME"),
    ("Asian or Asian British - Indian", "BME"), ("Asian or Asian British - Pakistani", "BME"),
    ("Bangladeshi", "BME"), ("Any other Asian background", "BME"), ("Black or Black British - Caribbean", "BME"),
    ("Black African", "BME"), ("Black or Black British - Any other Black background", "BME"),
    ("Chinese", "BME"), ("Other Ethnic Groups - Chinese", "BME"), ("Any other ethnic group", "BME"),
    ("Not stated", "Unknown"), ("White - Polish", "White"), ("Asian - Sri Lankan", "BME"),
    ("BAME", "BME"), ("Global Majority", "BME"), ("Ethnic minority", "BME"), ("Minority ethnic", "BME"),
    ("Black and minority ethnic", "BME"), ("Black, Asian and Minority Ethnic", "BME"), ("BAME staff", "BME"),
    ("Ethnic minorities", "BME"), ("Martian", None), ("British", None),
])
def test_ethnic_categories_and_group_names_as_people_write_them(text, group):
    assert recognise(text) == group


def test_aggregate_files_accept_bame_and_other_names_for_the_group_and_say_so():
    pack = read_datapack({
        "disciplinary.csv": csv("group,cases", "BAME,3", "White,13", "Not stated,1"),
        "recruitment.csv": csv("group,applications,shortlisted,appointed", "Black and minority ethnic,40,12,3",
                               "Global Majority,10,4,1", "White,60,20,8"),
    })
    assert pack.summary.groups_found["disciplinary"] == {"White": 13, "BME": 3, "Unknown": 1}
    assert pack.recruitment.set_index("group").loc["BME"].tolist() == [50, 16, 4]
    assert readings(pack, "disciplinary") == ("read 'BAME' as BME, 1 row",)
    assert readings(pack, "recruitment") == ("read 'Black and minority ethnic' as BME, 1 row",
                                             "read 'Global Majority' as BME, 1 row")


def test_ethnic_origin_that_is_not_recognised_is_unknown_and_the_preview_says_so():
    data = csv("Ethnic Origin,Pay Band,Staff Group", *["Asian Other,Band 5,Students"] * 3,
               "A White - British,Band 5,Students")
    pack = read_datapack({"workforce.csv": data})
    assert pack.summary.groups_found["workforce"] == {"White": 1, "Unknown": 3}
    assert readings(pack, "workforce") == ("read 'Asian Other' as Unknown (not recognised), 3 rows",)


# CSV as Excel on Windows saves it

def test_a_windows_1252_board_register_with_a_title_row_is_read_and_counted():
    pack = read_datapack({"board.csv": board_csv_cp1252()})
    board = compute_wres(pack).board
    assert (board.overall.bme, board.overall.white, board.overall.unknown) == (2, 2, 1)
    assert (board.executive.headcount, board.non_executive.headcount, board.voting.headcount) == (3, 2, 4)
    assert readings(pack, "board") == (
        "header on row 2", "read as Windows-1252 text",
        "read 'Black or Black British - African' as BME (code N), 1 row",
        "read 'White - British' as White (code A), 2 rows",
        "read 'Asian or Asian British - Indian' as BME (code H), 1 row")


def test_a_windows_1252_workforce_csv_with_accented_names_and_pound_signs():
    lines = ["Staff in post (salaries in £)", "", "Name,Ethnic Origin,Pay Band,Staff Group,Salary"]
    lines += [f"Hélène {number},White - British,Band 5,Nursing and Midwifery Registered,£28000"
              for number in range(3)]
    lines += ["Renée Diallo,Black or Black British - African,Consultant,Medical and Dental,£110000"]
    pack = read_datapack({"workforce.csv": csv(*lines, encoding="cp1252")})
    assert pack.summary.groups_found["workforce"] == {"White": 3, "BME": 1}
    assert readings(pack, "workforce")[:2] == ("header on row 3", "read as Windows-1252 text")
    assert "read 'Consultant' as Medical: consultant, 1 row" in readings(pack, "workforce")


# Workbooks as they are kept

def test_the_header_is_found_only_within_the_first_20_rows():
    rows = [[f"note {number}"] for number in range(20)] + [["group", "cases"], ["BME", 3], ["White", 4]]
    problems = problems_of({"disciplinary.xlsx": workbook({"Cases": rows})})
    assert problems == ["disciplinary.xlsx: the file has no header row in the first 20 rows of its sheet 'Cases': "
                        "expected the columns group, cases (or Ethnic Origin, one row per case)"]
    pack = read_datapack({"disciplinary.xlsx": workbook({"Cases": rows[1:]})})
    assert readings(pack, "disciplinary") == ("read sheet 'Cases', header on row 20",)
    assert pack.summary.groups_found["disciplinary"] == {"White": 4, "BME": 3}


def test_when_no_sheet_has_the_header_the_problem_names_the_sheets_and_the_columns_expected():
    data = workbook({"Notes": [["Read me"], ["Figures are on the other sheet"]],
                     "Summary": [["Total staff", 78], ["BME %", "39.7%"]]})
    assert problems_of({"workforce.xlsx": data}) == [
        "workforce.xlsx: the file has no header row in the first 20 rows of its sheets 'Notes', 'Summary': "
        "expected the columns Ethnic Origin, Pay Band, Staff Group (or band, category, group, headcount)"]


def test_the_sheet_read_is_the_one_whose_header_matches_best():
    data = workbook({
        "Notes": [["Columns used"], ["group", "what it means"]],  # names one column in passing
        "Data": [["Disciplinary cases 2023-24"], ["group", "cases"], ["BAME", 2], ["White", 9]],
    })
    pack = read_datapack({"disciplinary.xlsx": data})
    assert pack.summary.groups_found["disciplinary"] == {"White": 9, "BME": 2}
    assert readings(pack, "disciplinary") == ("read sheet 'Data', header on row 2", "read 'BAME' as BME, 1 row")


# Survey percentages given as fractions

def test_survey_percentages_all_between_0_and_1_are_read_as_fractions_and_the_preview_says_so():
    pack = read_datapack({"survey.xlsx": survey_workbook(FRACTIONS)})
    assert pack.survey["percent"].round(4).tolist() == [30.21, 24.6, 20.83, 16.13, 40.0, 50.0, 10.0, 5.0]
    pairs = compute_wres(pack).survey
    assert (pairs[5].bme, pairs[5].white) == pytest.approx((30.21, 24.6))
    assert readings(pack, "survey") == ("read sheet 'Survey', header on row 2", "read 'BAME' as BME, 4 rows",
                                        "read percentages given as fractions (e.g. 0.3021 as 30.21%), 8 rows")


def test_survey_fractions_in_a_csv_and_percent_formatted_cells_are_not_mistaken():
    pack = read_datapack({"survey.csv": csv("indicator,group,percent", "5,BME,0.25", "5,White,0.2")})
    assert pack.survey["percent"].tolist() == [25.0, 20.0]
    formatted = workbook({"Survey": [["indicator", "group", "percent"], [5, "BME", 0.3021], [5, "White", 0.246]]},
                         {("Survey", "C2"): "0.00%", ("Survey", "C3"): "0.00%"})
    pack = read_datapack({"survey.xlsx": formatted})
    assert pack.survey["percent"].tolist() == [30.21, 24.6]
    assert not [line for line in readings(pack, "survey") if "fraction" in line]


def test_a_survey_mixing_fractions_and_percentages_is_a_problem_naming_the_rows():
    mixed = [0.3021, 24.6, 0.2083, 16.13, 40, 50, 10, 5]
    assert problems_of({"survey.xlsx": survey_workbook(mixed)}) == [
        "survey.xlsx, row 3, column 'Percent': percent mixes fractions and percentages: rows 3 and 5 hold "
        "fractions between 0 and 1 (0.3021, 0.2083) but rows 4, 6, 7, 8, 9 and 10 hold percentages "
        "(24.6, 16.13, 40, 50, 10); write them all one way, e.g. 0.3021 or 30.21"]


def test_a_whole_trust_pack_kept_this_way_reads_in_one_go():
    pack = read_datapack({"workforce.xlsx": workforce_workbook(), "board.csv": board_csv_cp1252(),
                          "survey.xlsx": survey_workbook(FRACTIONS),
                          "disciplinary.csv": csv("group,cases", "BAME,3", "White,13")}, year=2024)
    result = compute_wres(pack)
    assert round(result.workforce.overall.percent, 2) == round(31 / 78 * 100, 2)
    assert result.board.workforce_percent == pytest.approx(31 / 78 * 100)
    assert isinstance(pack.workforce, pd.DataFrame) and len(workforce_rows()) == 78
