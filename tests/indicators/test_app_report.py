"""What other features take from the indicators: the Word summary, an action's indicators, the charts."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import render_template
from sqlalchemy import delete

from tracker.admin.service import update_settings
from tracker.extensions import db
from tracker.indicators import charts, queries, service
from tracker.indicators.definitions import load_national
from tracker.indicators.models import NationalValue
from tracker.indicators.queries import chart_for, indicator_table
from tracker.reports.documents import IndicatorLine, IndicatorSummary

PACK = Path(__file__).parent / "data" / "pack_2024"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def stored(app):
    """National series, 2023 entered, 2024 computed; the trust says "Global Majority"."""
    db.session.execute(delete(NationalValue))
    db.session.add_all(NationalValue(standard="wres", year=year, indicator=number, measure=measure, value=value)
                       for year, indicators in load_national().items() for number, measures in indicators.items()
                       for measure, value in measures.items())
    update_settings({"bme_label": "Global Majority", "local_population_bme_percent": 11.17}, None)
    service.enter_values(2023, {(1, "value"): 9.9, (2, "value"): 1.14, (5, "bme"): 40.5, (5, "white"): 26.0}, None)
    service.import_pack(PACK, 2024, None)
    db.session.commit()


def test_summary_for_report_has_a_line_per_row_of_the_table_and_png_charts(stored):
    summary = service.summary_for_report()
    assert isinstance(summary, IndicatorSummary)
    assert summary.years == (2023, 2024)
    assert [(line.number, line.group) for line in summary.lines] == [
        (1, None), (2, None), (3, None), (4, None), (5, "Global Majority"), (5, "White"), (6, "Global Majority"),
        (6, "White"), (7, "Global Majority"), (7, "White"), (8, "Global Majority"), (8, "White"), (9, None)]
    lines = {(line.number, line.group): line for line in summary.lines}
    assert lines[(2, None)] == IndicatorLine(number=2, title="Recruitment", group=None,
                                             values=((2023, 1.14), (2024, 1.21)), unit="ratio", national=1.59,
                                             trend="worse", lower_is_better=True, national_year=2023,
                                             versus_national="better")
    assert lines[(1, None)].title == "Workforce Global Majority %"
    assert (lines[(1, None)].values, lines[(1, None)].trend) == (((2023, 9.9), (2024, 11.11)), "better")
    assert (lines[(5, "Global Majority")].values, lines[(5, "Global Majority")].national) == (
        ((2023, 40.5), (2024, 30.21)), 31.43)
    assert lines[(4, None)].values == ((2023, None), (2024, None)) and lines[(4, None)].trend is None
    assert [number for number, _png in summary.charts] == list(range(1, 10))
    assert all(png.startswith(PNG_SIGNATURE) for _number, png in summary.charts)


def test_summary_for_report_is_the_same_every_time(stored):
    assert service.summary_for_report() == service.summary_for_report()


def test_summary_for_report_without_results_has_no_years_and_no_charts(app):
    summary = service.summary_for_report()
    assert (summary.years, summary.charts) == ((), ())
    assert all(line.values == () for line in summary.lines)


def test_charts_are_deterministic_svg_and_png(stored):
    table = indicator_table()
    chart = chart_for(5, table, "Global Majority")
    svg = charts.to_svg(chart, "Indicator 5 by year")
    assert svg.startswith('<svg role="img" aria-label="Indicator 5 by year" class="app-chart"')
    assert svg == charts.to_svg(chart, "Indicator 5 by year")
    assert "Trust Global Majority" in svg and "National White" in svg and "<dc:date>" not in svg
    assert charts.to_png(chart) == charts.to_png(chart)
    assert [series.label for series in chart.series] == ["Trust Global Majority", "National Global Majority",
                                                         "Trust White", "National White"]
    assert chart.series[1].points == ((2023, 30.5), (2024, 31.43))


def test_latest_for_indicators_gives_each_indicator_latest_value_and_trend(stored):
    latest = queries.latest_for_indicators([5, 2, 2, 12])
    assert [(item.number, item.short_title, item.year, item.source) for item in latest] == [
        (2, "Recruitment", 2024, "computed"), (5, "Harassment from patients / public", 2024, "computed")]
    (recruitment,) = latest[0].values
    assert (recruitment.group, round(recruitment.value, 2), recruitment.trend, recruitment.previous_year) == (
        None, 1.21, "worse", 2023)
    assert [(v.group, v.value, v.trend) for v in latest[1].values] == [
        ("Global Majority", 30.21, "better"), ("White", 24.6, "better")]
    assert queries.latest_for_indicators([]) == []


def test_the_action_page_partial_lists_the_indicators_with_links(stored, app):
    with app.test_request_context():
        html = render_template("indicators/_action_indicators.html",
                               indicator_latest=queries.latest_for_indicators([2, 5]), bme_label="Global Majority")
    assert '<a href="/indicators/2">Indicator 2: Recruitment</a>' in html
    assert "1.21 (<span aria-hidden=\"true\">↓</span> worse than 2023)" in html
    assert "Global Majority: 30.21% (<span aria-hidden=\"true\">↑</span> better than 2023)" in html
    assert "2024, computed from the data pack" in html


def test_the_partial_says_when_nothing_is_stored(app):
    with app.test_request_context():
        html = render_template("indicators/_action_indicators.html",
                               indicator_latest=queries.latest_for_indicators([3]), bme_label="BME")
    assert "Indicator 3: Disciplinary" in html and "No results stored yet." in html
