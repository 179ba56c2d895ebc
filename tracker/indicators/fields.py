"""Column names and coded fields shared by the data-pack files."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from tracker.indicators import bands, ethnicity
from tracker.indicators.cells import map_values, rows_count, rows_of, rows_text
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
        def described(value: str) -> str | None:
            if ethnicity.recognise(value, labels) is None:
                return f"{ethnicity.UNKNOWN} (not recognised)"
            return ethnicity.reading(value, labels)

        codes, names, problems = map_values(sheet, origin, lambda v: ethnicity.classify(v, labels), str, described)
        return (codes, names), problems
    accepted = "White, BME (or BAME, Global Majority, Ethnic minority), Unknown" + "".join(
        f", '{label}'" for label in labels)
    codes, names, problems = map_values(
        sheet, sheet.has(*GROUP), lambda v: ethnicity.recognise(v, labels),
        lambda v: (f"group '{v}' is not recognised: use {accepted}, an ethnic code (e.g. A, N, Z) "
                   "or an ethnic category (e.g. 'N Black or Black British - African' or 'White - British')"),
        lambda v: ethnicity.reading(v, labels),
    )
    return (codes, names), problems


def band_field(sheet: Sheet, category: Coded | None = None) -> tuple[Coded, list[Problem]]:
    """Band code per row; unknown band text is a problem.

    With the rows' categories, a medical row's pay band text is read as a medical grade whatever it says
    (`bands.medical_grade`); other rows need an AfC band, VSM, another pay scale or "Medical …".
    """
    column = sheet.has(*PAY_BAND)
    raw_codes, raw_values = sheet.codes(column)
    medical = np.zeros(len(raw_codes), dtype=np.int64)
    if category is not None:
        category_codes, category_names = category
        is_medical = np.array([name == bands.MEDICAL for name in category_names], dtype=bool)
        medical = is_medical[category_codes].astype(np.int64) if len(category_names) else medical
    keys, pair_codes = np.unique(raw_codes * 2 + medical, return_inverse=True)
    pair_codes = pair_codes.reshape(-1)
    pairs = [(str(raw_values[key // 2]), bool(key % 2)) for key in keys]
    converted = [bands.normalise_band(value, medical=is_med) for value, is_med in pairs]
    _note_band_readings(sheet, pair_codes, pairs, converted)
    codes, names = pd.factorize(pd.Series(converted, dtype=object), use_na_sentinel=False)
    bad = np.array([i for i, result in enumerate(converted) if result is None], dtype=np.int64)
    problems = [
        Problem(sheet.file, int(at[0]), sheet.header(column),
                _band_message(pairs[position][0], category is not None) + rows_text(at))
        for position, at in rows_of(pair_codes, bad, sheet.frame.index.to_numpy())
    ]
    return (codes[pair_codes], list(names)), problems


def _note_band_readings(sheet: Sheet, pair_codes: np.ndarray, pairs: list[tuple[str, bool]],
                        converted: list[str | None]) -> None:
    """"read 'Consultant' as Medical: consultant, 24 rows" for medical grades and other pay scales, by first row."""
    if not len(pair_codes):
        return
    counts = np.bincount(pair_codes, minlength=len(pairs))
    _, first = np.unique(pair_codes, return_index=True)
    merged: dict[tuple[str, str], int] = {}
    for position in np.argsort(first, kind="stable"):
        read_as = bands.READ_AS.get(converted[position] or "")
        if read_as:
            key = (pairs[position][0], read_as)
            merged[key] = merged.get(key, 0) + int(counts[position])
    for (value, read_as), count in merged.items():
        sheet.note(f"read '{value}' as {read_as}, {rows_count(count)}")


def _band_message(value: str, staff_group_known: bool) -> str:
    """Why pay band text could not be read."""
    if value == "":
        return "pay band is blank"
    medical = ""
    if bands.medical_grade(value) != bands.MEDICAL_NOT_GIVEN:
        medical = ("; a medical grade such as this is read only for staff whose staff group is Medical and Dental"
                   if staff_group_known else
                   "; a medical grade needs a staff group column saying Medical and Dental, or 'Medical' "
                   "before it ('Medical Consultant')")
    return (f"unknown pay band '{value}': expected e.g. 'Band 5', 'Band 8 - Range A', "
            f"'Band 8a', 'VSM', 'Under Band 1', 'Non AfC', 'Medical Consultant'{medical}")


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
