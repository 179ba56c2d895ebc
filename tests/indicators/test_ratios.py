"""Relative likelihoods: properties, zero cases, small numbers, the non-adverse range."""
from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.indicators.ratios import (
    disparity_ratio,
    likelihood_from_percents,
    relative_likelihood,
    round_half_up,
)


@st.composite
def two_by_two(draw, low: int = 1):
    """(a, n1, c, n2) with low <= a <= n1 and low <= c <= n2."""
    n1 = draw(st.integers(low, 100_000))
    n2 = draw(st.integers(low, 100_000))
    return draw(st.integers(low, n1)), n1, draw(st.integers(low, n2)), n2


@given(two_by_two())
def test_swapping_groups_inverts_the_ratio_and_its_interval(cells):
    a, n1, c, n2 = cells
    forward = relative_likelihood(a, n1, c, n2)
    backward = relative_likelihood(c, n2, a, n1, group_a="BME", group_b="White")
    assert backward.value == pytest.approx(1 / forward.value, rel=1e-9)
    if forward.ci_low is not None:
        assert backward.ci_low == pytest.approx(1 / forward.ci_high, rel=1e-9)
        assert backward.ci_high == pytest.approx(1 / forward.ci_low, rel=1e-9)
    assert backward.small_numbers == forward.small_numbers


@given(two_by_two(), st.integers(2, 1000))
def test_scaling_every_count_leaves_the_ratio_unchanged(cells, k):
    a, n1, c, n2 = cells
    assert relative_likelihood(k * a, k * n1, k * c, k * n2).value == pytest.approx(
        relative_likelihood(a, n1, c, n2).value, rel=1e-9)


@given(st.tuples(*[st.integers(1, 100_000)] * 4))
def test_disparity_ratio_swaps_and_scales(counts):
    ua, la, ub, lb = counts
    value = disparity_ratio(ua, la, ub, lb).value
    assert disparity_ratio(ub, lb, ua, la).value == pytest.approx(1 / value, rel=1e-9)
    assert disparity_ratio(3 * ua, 3 * la, 3 * ub, 3 * lb).value == pytest.approx(value, rel=1e-9)


@given(st.tuples(*[st.integers(0, 50)] * 4))
def test_never_raises_inf_or_nan(counts):
    result = relative_likelihood(*counts)
    assert (result.value is None) == (result.reason is not None)
    if result.value is not None:
        assert math.isfinite(result.value) and result.value > 0
    json.dumps(result.to_dict(), allow_nan=False)
    json.dumps(disparity_ratio(*counts).to_dict(), allow_nan=False)


def test_zero_cases_in_the_first_group_is_not_calculable():
    result = relative_likelihood(0, 215, 13, 1705, group_a="BME", group_b="White",
                                 count_label="disciplinary cases")
    assert result.value is None and not result.calculable
    assert result.reason == ("no BME disciplinary cases (0 of 215): "
                             "the ratio is 0 and its confidence interval cannot be estimated")
    assert result.position is None


def test_zero_cases_in_the_second_group_is_undefined():
    result = relative_likelihood(3, 215, 0, 1705, group_a="BME", group_b="White",
                                 count_label="disciplinary cases")
    assert result.reason == "no White disciplinary cases (0 of 1705): the ratio would divide by zero and is undefined"


def test_zero_denominator_is_not_calculable():
    result = relative_likelihood(0, 0, 5, 50, count_label="appointed", total_label="shortlisted")
    assert result.reason == "no White shortlisted (0), so the White rate cannot be calculated"


def test_negative_count_is_not_calculable():
    assert relative_likelihood(-1, 10, 2, 10).reason.startswith("White figures are not valid counts")


def test_small_numbers_flag_uses_every_cell_of_the_table():
    assert relative_likelihood(10, 20, 10, 20).small_numbers is False
    assert relative_likelihood(9, 20, 10, 20).small_numbers is True
    assert relative_likelihood(15, 20, 10, 20).small_numbers is True  # only 5 not appointed


@pytest.mark.parametrize(("a", "expected"), [(79, "below"), (80, "within"), (125, "within"), (126, "above")])
def test_position_against_the_non_adverse_range(a, expected):
    assert relative_likelihood(a, 1000, 100, 1000).position == expected


def test_position_uses_the_displayed_value():
    value = relative_likelihood(12504, 100000, 10000, 100000)
    assert value.value > 1.25 and value.position == "within"


def test_more_cases_than_staff_has_a_value_but_no_interval():
    result = relative_likelihood(30, 10, 1, 10)
    assert result.value == 30 and (result.ci_low, result.ci_high) == (None, None)
    assert result.note == "no confidence interval: more cases than staff"


def test_percentages_give_a_ratio_without_interval():
    assert likelihood_from_percents(26, 39).value == pytest.approx(2 / 3)
    assert likelihood_from_percents(26, 0).reason == "BME percentage is 0: the ratio is undefined"


def test_disparity_ratio_zero_cluster():
    assert disparity_ratio(10, 20, 0, 5).reason == (
        "no BME staff in the upper cluster: the ratio would divide by zero and is undefined")


@pytest.mark.parametrize(("value", "places", "expected"), [(2.5, 0, 3), (0.125, 2, 0.13), (11.1111, 2, 11.11),
                                                          (1.005, 2, 1.01), (-0.5, 0, -1)])
def test_round_half_up(value, places, expected):
    assert round_half_up(value, places) == expected
