"""The indicator summary table (seed 001 Table 1) and its charts."""
from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from io import BytesIO

import docx
import pytest
from docx.image.image import Image
from docx.oxml.ns import qn
from sqlalchemy import delete

from tracker.extensions import db
from tracker.indicators import charts
from tracker.indicators import service as indicator_service
from tracker.indicators.definitions import load_national
from tracker.indicators.models import NationalValue
from tracker.indicators.queries import chart_for, indicator_table
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
                                     "National (year)", "Compared with national", "Trend"]


def test_values_formatted_by_unit_with_the_national_figure_and_its_year(built):
    rows = table_texts(built)
    assert rows[1] == ["1", "W/F ethnic diverse profile", "8.20%", "9.10%", "9.90%", "11.11%",
                       "26.40% (2023)", "Below national", "better ↑"]
    assert rows[2] == ["2", "Recruitment measure*", "1.30", "1.27", "1.14", "1.21", "1.59 (2023)",
                       "Better than national", "worse ↓"]
    assert rows[3][2:] == ["4.35", "0.00", "–", "1.83", "1.03 (2023)", "Worse than national",
                           "worse ↓"]
    assert rows[6][-3:] == ["–", "–", "same →"]


def test_survey_rows_compare_each_group_with_its_own_national_figure(built):
    rows = table_texts(built)
    assert rows[4][-3:] == ["31.40% (2024)", "Better than national", "better ↑"]
    assert rows[5][-3:] == ["22.70% (2024)", "Worse than national", "better ↑"]


def test_the_table_has_a_caption_above_it(built):
    table = built.tables[0]._tbl
    caption = table.getprevious()
    assert caption.tag == qn("w:p")
    paragraph = next(p for p in built.paragraphs if p._p is caption)
    assert (paragraph.style.name, paragraph.text) == (
        "Caption", "Table 1: WRES indicators by year, with the national average and the trend")
    assert " SEQ Table \\* ARABIC " in [t.text for t in caption.iter(qn("w:instrText"))]


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


def test_key_explains_lower_is_better_and_the_national_columns(built):
    texts = [p.text for p in built.paragraphs]
    start = texts.index("Table 1: WRES indicators by year, with the national average and the trend")
    key = texts[start + 1:start + 3]
    assert key[0].startswith("* a lower score is better. Rows compare Global Majority and White")
    assert key[1].startswith("National: NHS England's average for all trusts in the year in brackets")
    assert "Compared with national and Trend judge the latest year against that figure and against the year " \
        "before, by the indicator's direction" in key[1]


def test_one_chart_per_indicator_sized_two_to_a_page(built):
    shapes = built.inline_shapes
    assert len(shapes) == 2
    for shape in shapes:
        assert round(shape.height.mm) == 74
        assert shape.width.mm <= 267
    # two charts and their captions fit in the 180 mm of an A4 landscape page's text height
    assert 2 * (max(shape.height.mm for shape in shapes) + 12) <= 180
    heading = next(p for p in built.paragraphs if p.text == "Trend charts")
    assert heading.style.name == "Heading 2"
    assert heading.paragraph_format.page_break_before


def test_charts_have_captions_and_alt_text_with_every_figure(built):
    captions = [p.text for p in built.paragraphs if p.style.name == "Caption"][1:]
    assert captions == ["Chart 1: Indicator 2 – Recruitment measure",
                        "Chart 2: Indicator 5 – HBA from patients / public"]
    descriptions = [e.get("descr") for e in built.element.body.iter(qn("wp:docPr"))]
    assert descriptions == [
        "Line chart of indicator 2, Recruitment measure, by year. Trust: 1.30 in 2021, 1.27 in 2022, "
        "1.14 in 2023, 1.21 in 2024. National: 1.59 in 2023.",
        "Line chart of indicator 5, HBA from patients / public, by year. Trust Global Majority: 27.30% in "
        "2021, 30.10% in 2022, 40.50% in 2023, 30.21% in 2024. National Global Majority: 31.40% in 2024. "
        "Trust White: 27.60% in 2021, 29.00% in 2022, 26.00% in 2023, 24.60% in 2024. National White: "
        "22.70% in 2024."]


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


def test_bad_comparison_word_is_refused():
    with pytest.raises(ValueError, match="indicator 2: versus_national must be one of better, worse, same"):
        IndicatorLine(2, "Recruitment", None, (), "ratio", 1.5, None, True, 2023, "higher")


def test_bad_unit_is_refused():
    with pytest.raises(ValueError, match="indicator 2: unit must be one of percent, ratio"):
        IndicatorLine(2, "Recruitment", None, (), "per cent", None, None, True)


def test_same_input_gives_identical_bytes_with_pictures(summary):
    def build() -> bytes:
        return to_bytes(build_indicator_summary(summary, bme_label="BAME",
                                                generated_on=GENERATED_ON))
    assert build() == build()


SURVEY_SERIES = (
    charts.Series("Trust Global Majority", ((2021, 27.3), (2022, 30.1), (2023, 40.5), (2024, 30.21)), "bme"),
    charts.Series("National Global Majority", ((2021, 30.0), (2022, 29.5), (2023, 30.5), (2024, 31.43)), "bme",
                  True),
    charts.Series("Trust White", ((2021, 27.6), (2022, 29.0), (2023, 26.0), (2024, 24.6)), "white"),
    charts.Series("National White", ((2021, 27.0), (2022, 26.5), (2023, 25.5), (2024, 25.0)), "white", True),
)


def test_a_single_stored_year_draws_an_axis_around_that_year():
    chart = charts.Chart("Indicator 9: Board", "percent", (charts.Series("Trust", ((2024, 21.43),)),))
    axes = charts.figure(chart, charts.WORD_SIZE_INCHES).axes[0]
    assert axes.get_xlim() == (2023.5, 2024.5)
    assert list(axes.get_xticks()) == [2024]


def test_several_years_get_a_tick_each_and_half_a_year_either_side():
    chart = charts.Chart("Indicator 5", "percent", SURVEY_SERIES)
    axes = charts.figure(chart, charts.WORD_SIZE_INCHES).axes[0]
    assert axes.get_xlim() == (2020.5, 2024.5)
    assert list(axes.get_xticks()) == [2021, 2022, 2023, 2024]


def test_figure_labels_cover_no_marker_and_no_other_label():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = charts.figure(charts.Chart("Indicator 5", "percent", SURVEY_SERIES), charts.WORD_SIZE_INCHES)
    renderer = FigureCanvasAgg(figure).get_renderer()
    axes = figure.axes[0]
    labels = [text.get_window_extent(renderer) for text in axes.texts]
    assert len(labels) == 8
    radius = charts.MARKER_SIZE / 2 * figure.dpi / 72
    markers = [axes.transData.transform(point) for line in axes.lines for point in line.get_xydata()
               if line.get_marker() not in (None, "None", "")]
    assert len(markers) == 16
    for box in labels:
        for x, y in markers:
            assert not (box.x0 - radius < x < box.x1 + radius and box.y0 - radius < y < box.y1 + radius), (box, x, y)
    for first, second in itertools.combinations(labels, 2):
        assert not first.overlaps(second)


def test_word_charts_are_drawn_at_their_printed_size():
    png = charts.to_png(charts.Chart("Indicator 5", "percent", SURVEY_SERIES), size=charts.WORD_SIZE_INCHES)
    image = Image.from_blob(png)
    assert (image.px_width, image.px_height) == (9.6 * charts.PNG_DPI, 3.1 * charts.PNG_DPI)


def test_one_stored_year_still_charts_the_national_figure_it_is_compared_with(app):
    db.session.execute(delete(NationalValue))
    db.session.add_all(NationalValue(standard="wres", year=year, indicator=number, measure=measure, value=value)
                       for year, indicators in load_national().items() for number, measures in indicators.items()
                       for measure, value in measures.items())
    indicator_service.enter_values(2024, {(2, "value"): 1.21, (5, "bme"): 30.21, (5, "white"): 24.6}, None)
    db.session.commit()
    table = indicator_table()
    recruitment = chart_for(2, table, "Global Majority")
    assert [(s.label, s.points) for s in recruitment.series] == [("Trust", ((2024, 1.21),)),
                                                                ("National", ((2023, 1.59),))]
    assert charts.figure(recruitment).axes[0].get_xlim() == (2022.5, 2024.5)
    harassment = chart_for(5, table, "Global Majority")
    assert [s.points for s in harassment.series if s.national] == [((2024, 31.43),), ((2024, 22.66),)]
    summary = indicator_service.summary_for_report()
    line = next(line for line in summary.lines if line.number == 2)
    assert (line.national, line.national_year, line.versus_national) == (1.59, 2023, "better")
    built = reopen(build_indicator_summary(summary, bme_label="Global Majority", generated_on=GENERATED_ON))
    assert len(built.inline_shapes) == 9
    assert {round(shape.height.mm) for shape in built.inline_shapes} == {74}


def test_with_one_year_the_national_marker_sits_beside_the_trust_marker_not_on_it():
    chart = charts.Chart("Indicator 6", "percent", (
        charts.Series("Trust", ((2024, 20.83),)), charts.Series("National", ((2024, 20.98),), national=True)))
    trust, national = charts.figure(chart, charts.WORD_SIZE_INCHES).axes[0].lines
    assert list(trust.get_xdata()) == [2024]
    assert list(national.get_xdata()) == [2024 + charts.SINGLE_YEAR_SHIFT]


def test_one_year_summary_is_titled_with_that_year_and_its_year_column_stays_narrow(summary):
    one = IndicatorSummary(years=(2024,), lines=tuple(
        replace(line, values=line.values[-1:]) for line in summary.lines), charts=())
    built = reopen(build_indicator_summary(one, bme_label="BAME", generated_on=GENERATED_ON))
    assert built.paragraphs[0].text == "WRES indicator summary 2024"
    widths = [column.width.mm for column in built.tables[0].columns]
    assert round(widths[2]) == 24 and round(sum(widths)) == 267


def seed_chart(line_values: dict, number: int, unit: str) -> bytes:
    """A real Word-sized chart of the seed figures (the trust's lines only)."""
    kinds = {None: "all", "White": "white"}
    series = tuple(charts.Series(f"Trust {group or ''}".strip(), values, kinds.get(group, "bme"))
                   for group, values in line_values.items())
    return charts.to_png(charts.Chart(f"Indicator {number}", unit, series), size=charts.WORD_SIZE_INCHES)


@pytest.mark.skipif(any(shutil.which(tool) is None for tool in ("soffice", "pdftotext")),
                    reason="needs LibreOffice and poppler to render the summary")
def test_rendered_summary_has_its_table_on_one_page_then_two_charts_a_page(tmp_path, summary):
    from tests.reports.test_docx_pdf import page_texts

    by_number: dict[int, dict] = {}
    for line in summary.lines:
        by_number.setdefault(line.number, {})[line.group] = line.values
    units = {line.number: line.unit for line in summary.lines}
    pictures = tuple((n, seed_chart(values, n, units[n])) for n, values in by_number.items())
    source = tmp_path / "summary.docx"
    source.write_bytes(to_bytes(build_indicator_summary(replace(summary, charts=pictures),
                                                        bme_label="Global Majority", generated_on=GENERATED_ON)))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    pages = page_texts(tmp_path / "summary.pdf")
    captions = [[c.split(" – ")[0] for c in re.findall(r"Chart \d: Indicator \d[^\n]*", page)] for page in pages]
    assert "Table 1: WRES indicators by year" in pages[0] and "Board membership" in pages[0]
    assert captions == [[], ["Chart 1: Indicator 1", "Chart 2: Indicator 2"],
                        ["Chart 3: Indicator 3", "Chart 4: Indicator 5"], ["Chart 5: Indicator 9"]]
    assert pages[1].lstrip().startswith("Trend charts")
