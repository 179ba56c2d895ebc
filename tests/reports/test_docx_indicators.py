"""The indicator summary table (seed 001 Table 1) and its charts."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from io import BytesIO

import docx
import pytest
from docx.oxml.ns import qn

from tracker.reports.documents import IndicatorLine, IndicatorSummary
from tracker.reports.word import build_indicator_summary, to_bytes

GENERATED_ON = date(2024, 9, 5)


def reopen(document):
    """Save and open again, as a reader of the file would."""
    return docx.Document(BytesIO(to_bytes(document)))


def table_texts(document) -> list[list[str]]:
    """Cell texts of the first table, row by row."""
    return [[cell.text for cell in row.cells] for row in document.tables[0].rows]


@pytest.fixture
def built(summary):
    return reopen(build_indicator_summary(summary, bme_label="Global Majority",
                                          generated_on=GENERATED_ON))


def test_header_has_a_column_per_year(built):
    assert table_texts(built)[0] == ["Ind", "Indicator", "2021", "2022", "2023", "2024",
                                     "National (latest)", "Trend"]


def test_values_formatted_by_unit(built):
    rows = table_texts(built)
    assert rows[1] == ["1", "W/F ethnic diverse profile", "8.20%", "9.10%", "9.90%", "11.11%",
                       "26.40%", "better ↑"]
    assert rows[2] == ["2", "Recruitment measure*", "1.30", "1.27", "1.14", "1.21", "1.59",
                       "worse ↓"]
    assert rows[3][2:] == ["4.35", "0.00", "–", "1.83", "1.03", "worse ↓"]
    assert rows[6][-2:] == ["–", "same →"]


def test_survey_indicator_has_bme_label_and_white_rows(built):
    rows = table_texts(built)
    assert rows[4][:3] == ["5", "HBA from patients / public*\nGlobal Majority", "27.30%"]
    assert rows[5][:3] == ["", "White", "27.60%"]


def test_bme_label_comes_from_the_argument(summary):
    document = reopen(build_indicator_summary(summary, bme_label="Ethnically diverse",
                                              generated_on=GENERATED_ON))
    text = document.element.xml
    assert "Ethnically diverse" in text
    assert "BME" not in text
    assert "Global Majority" not in text


def test_key_explains_lower_is_better(built):
    key = built.paragraphs[1].text
    assert key.startswith("* a lower score is better. Rows compare Global Majority and White")


def test_charts_fit_the_page_with_captions_and_alt_text(built):
    shapes = built.inline_shapes
    assert len(shapes) == 2
    assert all(shape.width.mm <= 267 and shape.height.mm <= 180 for shape in shapes)
    captions = [p.text for p in built.paragraphs if p.style.name == "Caption"]
    assert captions == ["Chart 1: indicator 2 – Recruitment measure",
                        "Chart 2: indicator 5 – HBA from patients / public"]
    descriptions = [e.get("descr") for e in built.element.body.iter(qn("wp:docPr"))]
    assert descriptions == ["Trend chart for indicator 2: Recruitment measure",
                            "Trend chart for indicator 5: HBA from patients / public"]


def test_empty_summary_says_no_results(summary):
    empty = IndicatorSummary(years=(), lines=(), charts=())
    document = reopen(build_indicator_summary(empty, bme_label="BAME",
                                              generated_on=GENERATED_ON))
    assert document.tables == []
    assert [p.text for p in document.paragraphs] == [
        "WRES indicator summary",
        "No indicator results are stored yet, so there is no summary to show."]


def test_bad_chart_names_its_indicator(summary):
    broken = replace(summary, charts=((4, b"not an image"),))
    with pytest.raises(ValueError, match="chart for indicator 4 is not a PNG or JPEG image"):
        build_indicator_summary(broken, bme_label="BAME", generated_on=GENERATED_ON)


def test_bad_unit_is_refused():
    with pytest.raises(ValueError, match="indicator 2: unit must be one of percent, ratio"):
        IndicatorLine(2, "Recruitment", None, (), "per cent", None, None, True)


def test_same_input_gives_identical_bytes_with_pictures(summary):
    def build() -> bytes:
        return to_bytes(build_indicator_summary(summary, bme_label="BAME",
                                                generated_on=GENERATED_ON))
    assert build() == build()
