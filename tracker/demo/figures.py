"""The trust's published WRES figures, typed in as past years so the indicator pages have trends."""
from __future__ import annotations

import json
from pathlib import Path

from tracker.indicators.models import IndicatorYear
from tracker.indicators.service import enter_values

FIGURES_FILE = Path(__file__).parent / "data" / "wres_figures.json"


def published_figures(path: Path = FIGURES_FILE) -> dict[int, dict[tuple[int, str], float]]:
    """{year: {(indicator, measure): value}}: 'value' for indicators 1-4 and 9, 'bme' and 'white' for 5-8."""
    years = json.loads(path.read_text(encoding="utf-8"))["years"]
    return {int(year): {(int(number), measure): float(value)
                        for number, figure in row["values"].items()
                        for measure, value in (figure.items() if isinstance(figure, dict) else [("value", figure)])}
            for year, row in years.items()}


def enter_published_figures(path: Path = FIGURES_FILE) -> list[IndicatorYear]:
    """Store each published year as entered values, as the EDI lead would type them in."""
    return [enter_values(year, values, None) for year, values in sorted(published_figures(path).items())]
