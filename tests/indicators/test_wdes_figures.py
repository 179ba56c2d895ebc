"""Which way each WDES metric is better, the trend words, the rounding shown, and the chart's drawing (pure)."""
from __future__ import annotations

import pytest

from tracker.indicators import wdes_charts
from tracker.indicators.wdes_figures import SHAPES, judge, national_values, shown
from tracker.indicators.wdes_queries import KEYS


def test_every_metric_has_a_shape():
    assert set(SHAPES) == set(KEYS)


@pytest.mark.parametrize("metric, before, after, word", [
    ("2", 1.40, 1.10, "Better than last year"),      # closer to 1.00
    ("2", 0.90, 0.70, "Worse than last year"),
    ("3", 0.80, 1.20, "No change"),                 # both 0.20 from parity
    ("4a_i", 30.0, 28.0, "Better than last year"),  # lower for Disabled staff is better
    ("6", 20.0, 22.5, "Worse than last year"),
    ("5", 50.0, 52.0, "Better than last year"),     # higher is better
    ("1", 70.04, 69.96, "No change"),               # both 70.0% as shown
    ("10", -5.0, 3.0, "Better than last year"),     # closer to 0
    ("10", 2.0, -4.0, "Worse than last year"),
    ("9a", 6.2, None, "Not comparable"),
    ("9b", 1.0, 0.0, "Not comparable"),
])
def test_trend_words_follow_each_metrics_direction(metric, before, after, word):
    assert judge(metric, before, after) == word


def test_figures_are_shown_rounded_half_up_in_their_unit():
    assert shown(24.95, "percent") == "25.0%"
    assert shown(1.245, "ratio") == "1.25"
    assert shown(6.5, "score") == "6.50"
    assert shown(-4.96, "points") == "-5.0 pp" and shown(8.333, "points") == "+8.3 pp" and shown(-0.01, "points") == "0.0 pp"
    assert shown(1.0, "answer") == "Yes" and shown(0.0, "answer") == "No"
    assert shown(None, "percent") == ""


def test_every_national_figure_names_its_source():
    assert national_values()
    assert all(item.source and item.metric in KEYS for item in national_values())


def test_the_chart_names_every_figure_and_draws_below_zero():
    chart = wdes_charts.WdesChart("WDES 10: Board Disabled %", "Percentage points", (
        wdes_charts.Line("Voting members", ((2024, 2.0), (2025, -5.0))),
        wdes_charts.Line("Executive members", ((2024, None), (2025, 8.3)))), 0.0)

    def show(value):
        return shown(value, "points")

    description = wdes_charts.describe(chart, show)
    assert description == ("WDES 10: Board Disabled %, by year. Voting members: 2024 +2.0 pp, 2025 -5.0 pp; "
                           "Executive members: 2024 no figure, 2025 +8.3 pp.")
    svg = wdes_charts.to_svg(chart, description, show)
    assert svg.startswith("<svg") and 'role="img"' in svg and f"<desc id=\"wdes-chart-desc\">{description}</desc>" in svg
    assert ">-5.0 pp</text>" in svg and 'stroke-dasharray="6 4"' in svg and "style=" not in svg
