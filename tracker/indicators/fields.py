"""Column names and coded fields shared by the data-pack files."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from tracker.indicators import bands, ethnicity
from tracker.indicators.cells import map_values, rows_of
from tracker.indicators.tables import Sheet
from tracker.spreadsheets import Problem

ETHNIC_ORIGIN = ("ethnic origin", "ethnicity")
GROUP = ("group",)
PAY_BAND = ("pay band", "band")
STAFF_GROUP = ("staff group", "category")
HEADCOUNT = ("headcount",)
EMPLOYEE_NUMBER = ("employee number",)

Coded = tuple[np.ndarray, list]


def group_field(sheet: Sheet, bme_labels: Iterable[str]) -> tuple[Coded, list[Problem]]:
    """Ethnic group per row.

    An 'Ethnic Origin' column is ESR text: anything not recognised counts as Unknown.
    A 'group' column must hold White / BME / Unknown or an ethnic code, so a label
    such as "Global Majority" (unless it is the trust's configured label) is an error.
    """
    labels = tuple(bme_labels)
    origin = sheet.has(*ETHNIC_ORIGIN)
    if origin:
        codes, names, problems = map_values(sheet, origin, lambda v: ethnicity.classify(v, labels), str)
        return (codes, names), problems
    accepted = "White, BME or Unknown" + "".join(f", '{label}'" for label in labels)
    codes, names, problems = map_values(
        sheet, sheet.has(*GROUP), lambda v: ethnicity.recognise(v, labels),
        lambda v: (f"group '{v}' is not recognised: use {accepted}, an ethnic code (e.g. A, N, Z) "
                   "or an ESR ethnic origin (e.g. 'N Black or Black British - African')"),
    )
    return (codes, names), problems


def band_field(sheet: Sheet) -> tuple[Coded, list[Problem]]:
    """Band code per row; unknown band text is a problem."""
    def message(value: str) -> str:
        if value == "":
            return "pay band is blank"
        return (f"unknown pay band '{value}': expected e.g. 'Band 5', 'Band 8 - Range A', "
                "'Band 8a', 'VSM', 'Under Band 1', 'Medical Consultant'")

    codes, names, problems = map_values(sheet, sheet.has(*PAY_BAND), bands.normalise_band, message)
    return (codes, names), problems


def category_field(sheet: Sheet, band: Coded | None = None) -> tuple[Coded, list[Problem]]:
    """clinical / non-clinical / medical per row from the staff group (or category) column.

    Without such a column the category is inferred from the band: medical grades are
    medical, everything else 'not given'.
    """
    column = sheet.has(*STAFF_GROUP)
    if column is None:
        band_codes, band_names = band if band is not None else (np.zeros(len(sheet.frame), int), [""])
        inferred = [bands.MEDICAL if bands.is_medical_band(name or "") else bands.NOT_GIVEN
                    for name in band_names]
        codes, names = pd.factorize(pd.Series(inferred, dtype=object))
        return (codes[band_codes], list(names)), []

    def message(value: str) -> str:
        if value == "":
            return "staff group is blank"
        return (f"unknown staff group '{value}': expected an ESR staff group ("
                + ", ".join(bands.STAFF_GROUP_NAMES) + ") or clinical / non-clinical / medical")

    codes, names, problems = map_values(sheet, column, bands.category_of_staff_group, message)
    return (codes, names), problems


def duplicate_numbers(sheet: Sheet) -> list[Problem]:
    """A problem for each employee number found on more than one row (cells compared as written)."""
    column = sheet.has(*EMPLOYEE_NUMBER)
    if column is None:
        return []
    numbers = sheet.frame[column]
    repeated = numbers[numbers.duplicated(keep=False) & (numbers != "")]
    if repeated.empty:
        return []
    codes, values = pd.factorize(repeated)
    problems = []
    for position, rows in rows_of(codes, np.arange(len(values)), repeated.index.to_numpy()):
        listed = ", ".join(map(str, rows[:-1])) + f" and {rows[-1]}"
        problems.append(Problem(sheet.file, int(rows[1]), sheet.header(column),
                                f"employee number {values[position].strip()} appears more than once: rows {listed}"))
    return problems
