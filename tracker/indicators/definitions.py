"""Indicators as data: definitions.json (titles, units, kinds, directions) and national.csv.

A second standard (e.g. WDES) is added by adding its key to definitions.json and its
rows to national.csv; no code changes.
"""
from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).parent
DEFINITIONS_FILE = HERE / "definitions.json"
NATIONAL_FILE = HERE / "national.csv"
UNITS = ("percent", "ratio")
KINDS = ("bme_percent", "relative_likelihood", "survey_pair", "board_percent")
DIRECTIONS = ("lower", "higher", "closer_to_1", "closer_to_target")
MEASURES = ("value", "bme", "white", "vsm")


@dataclass(frozen=True)
class IndicatorDefinition:
    """One indicator of a standard, as described in definitions.json."""

    number: int
    key: str
    title: str
    short_title: str
    unit: str
    kind: str
    direction: str
    source: str

    @property
    def lower_is_better(self) -> bool:
        """True for indicators marked * in the published tables."""
        return self.direction == "lower"

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data."""
        return asdict(self)


def _definition(standard: str, entry: dict) -> IndicatorDefinition:
    """One checked definition; ValueError names the entry and the bad field."""
    fields = IndicatorDefinition.__dataclass_fields__
    missing = [name for name in fields if name not in entry]
    if missing:
        raise ValueError(f"{standard} indicator {entry.get('number', '?')}: missing {', '.join(missing)}")
    for name, allowed in (("unit", UNITS), ("kind", KINDS), ("direction", DIRECTIONS)):
        if entry[name] not in allowed:
            raise ValueError(f"{standard} indicator {entry['number']}: {name} '{entry[name]}' "
                             f"is not one of {', '.join(allowed)}")
    return IndicatorDefinition(**{name: entry[name] for name in fields})


def standards(path: Path = DEFINITIONS_FILE) -> tuple[str, ...]:
    """The standards defined (e.g. ("wres",))."""
    return tuple(json.loads(path.read_text(encoding="utf-8")))


def load_definitions(standard: str = "wres", path: Path = DEFINITIONS_FILE) -> tuple[IndicatorDefinition, ...]:
    """The indicators of a standard, in number order."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if standard not in data:
        raise ValueError(f"unknown standard '{standard}': defined are {', '.join(data)}")
    entries = data[standard]["indicators"]
    return tuple(sorted((_definition(standard, entry) for entry in entries), key=lambda d: d.number))


def load_national(standard: str = "wres", path: Path = NATIONAL_FILE) -> dict[int, dict[int, dict[str, float]]]:
    """National reference values: {year: {indicator: {measure: value}}}.

    2016-2023 are the national averages of all trusts (2024 WRES report, Table 2,
    itself from NHS England's 2023 data analysis); 2024 has only the staff survey
    indicators 5-8 (the mental health trust benchmark in that report's charts 6-9).
    Measures: value, bme, white, vsm (indicator 1's VSM row).
    """
    series: dict[int, dict[int, dict[str, float]]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["standard"] != standard:
                continue
            year, indicator = int(row["year"]), int(row["indicator"])
            series.setdefault(year, {}).setdefault(indicator, {})[row["measure"]] = float(row["value"])
    return series


def national_value(series: dict, year: int, indicator: int, measure: str = "value") -> float | None:
    """One national figure, or None when not published."""
    return series.get(year, {}).get(indicator, {}).get(measure)
