"""The latest indicator figures an action's page shows beside the indicators it is meant to move.

The indicators feature sits above actions and knows how to read its figures; create_app hands
its reader in with `provide_indicator_figures`, so this package never imports indicators.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import Flask, current_app

IndicatorFigures = Callable[[Sequence[int]], list]
EXTENSION_KEY = "tracker.indicator_figures"


def provide_indicator_figures(app: Flask, reader: IndicatorFigures) -> None:
    """Use `reader(numbers)` for the figures of an action's indicators."""
    app.extensions[EXTENSION_KEY] = reader


def indicator_figures(numbers: Sequence[int]) -> list:
    """The latest figures of these indicators, as the indicators feature reads them ([] without one)."""
    reader = current_app.extensions.get(EXTENSION_KEY)
    return reader(numbers) if reader is not None else []
