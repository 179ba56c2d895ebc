"""Year-on-year (or trust-against-national) judgement: better, worse or the same."""
from __future__ import annotations

from typing import Literal

from tracker.indicators.definitions import DIRECTIONS
from tracker.indicators.ratios import round_half_up

Judgement = Literal["better", "worse", "same"]
PRECISION = 2


def _distance(value: float, direction: str, target: float | None) -> float:
    """How far a value is from ideal; smaller is better."""
    if direction == "lower":
        return value
    if direction == "higher":
        return -value
    if direction == "closer_to_1":
        return abs(value - 1.0)
    # Representation (indicators 1 and 9): the gap below the target, e.g. the local population %.
    # Reaching the target is the aim; being above it is not counted as worse.
    return max(0.0, round_half_up(target, PRECISION) - value)


def judge(direction: str, reference: float | None, value: float | None, *,
          target: float | None = None) -> Judgement | None:
    """Is `value` better, worse or the same as `reference` (last year, or national)?

    Values equal at the display precision (2 dp) are the same. None when either value
    is missing, or the direction is closer_to_target and no target is set. For representation
    (closer_to_target) the gap below the target counts; when both years are at or above it,
    higher is better.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction '{direction}': use one of {', '.join(DIRECTIONS)}")
    if reference is None or value is None or (direction == "closer_to_target" and target is None):
        return None
    if direction == "closer_to_target" and min(reference, value) >= target:
        direction = "higher"  # both at or above the target: more representation still counts as better
    before = _distance(round_half_up(reference, PRECISION), direction, target)
    after = _distance(round_half_up(value, PRECISION), direction, target)
    before, after = round_half_up(before, PRECISION), round_half_up(after, PRECISION)
    if after == before:
        return "same"
    return "better" if after < before else "worse"
