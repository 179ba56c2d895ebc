"""Reading the ESR Disability column, from the same workforce sheet the WRES reads.

One ESR extract with both `Ethnic Origin` and `Disability` columns feeds both standards: the
file is read once (`tables.read_sheet`, keeping the WRES columns and the disability ones), then
`readers.read_workforce` tallies it by ethnic group and `read_workforce_disability` by
disability, each from the same pandas frame. `read_datapack_with_disability` does this for a
whole data pack: the WRES DataPack exactly as `datapack.read_datapack` gives it, plus the
workforce by disability, with every problem in every file listed together (all or nothing).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath

import numpy as np
import pandas as pd

from tracker.indicators import disability
from tracker.indicators.cells import count_column, map_values, missing_columns, tally
from tracker.indicators.datapack import (
    EXPECTED,
    KINDS,
    WANTED,
    DataPack,
    DataPackSummary,
    _choose,
    _folder,
    read_datapack,
)
from tracker.indicators.fields import HEADCOUNT, PAY_BAND, STAFF_GROUP, Coded, band_field, category_field
from tracker.indicators.readers import FileSummary, Parsed, no_rows_problem, read_workforce
from tracker.indicators.survey_board import role_of, voting_of
from tracker.indicators.tables import DataPackError, Sheet, read_sheet
from tracker.spreadsheets import Problem
from tracker.zip_limits import DEFAULT as DEFAULT_LIMITS
from tracker.zip_limits import UnpackLimits

DISABILITY = ("disability", "disability status", "disabled")
#: The workforce file's columns for both standards.
WANTED_BOTH = frozenset(WANTED | set(DISABILITY))
#: How the notes about the file itself (not its values) begin; see `tables.read_sheet`.
FILE_NOTES = ("read sheet '", "header on row", "read as ")
ACCEPTED = "Yes, No, Not Declared, Prefer Not To Answer, Unspecified or blank (or Disabled, Non-disabled, Not declared)"


def disability_field(sheet: Sheet) -> tuple[Coded, list[Problem]]:
    """Disability group per row; a value not recognised is a problem at its first row (never guessed)."""
    def message(value: str) -> str:
        return f"disability '{value}' is not recognised: use {ACCEPTED}"

    codes, names, problems = map_values(sheet, sheet.has(*DISABILITY), disability.recognise, message,
                                        disability.reading)
    return (codes, names), problems


def _group_totals(table: pd.DataFrame) -> dict[str, int]:
    """Headcount per disability group, in Disabled, non-disabled, not declared order, groups present only."""
    sums = table.groupby("disability")["headcount"].sum()
    return {group: int(sums[group]) for group in disability.GROUPS if group in sums.index}


def read_workforce_disability(sheet: Sheet) -> Parsed:
    """Row-level ESR extract (Disability, Pay Band, Staff Group) or aggregate (band, category, disability, headcount).

    The table has columns band, category, disability, headcount, with the same band codes and
    categories as the WRES workforce table (`fields.band_field`, `fields.category_field`).
    """
    aggregate = sheet.has(*HEADCOUNT) is not None
    if aggregate:
        required = {"band": PAY_BAND, "disability": DISABILITY, "headcount": HEADCOUNT}
        layout = "an aggregate workforce file by disability (band, category, disability, headcount)"
    else:
        required = {"Disability": DISABILITY, "Pay Band": PAY_BAND, "Staff Group": STAFF_GROUP}
        layout = ("a row-level workforce file with a Disability column (Disability, Pay Band, Staff Group; "
                  "or give an aggregate: band, category, disability, headcount)")
    problems = missing_columns(sheet, required, layout)
    if problems:
        return Parsed(None, None, problems)
    start = len(sheet.readings)
    group, group_problems = disability_field(sheet)
    if sheet.has(*STAFF_GROUP):
        category, category_problems = category_field(sheet)
        band, band_problems = band_field(sheet, category)
    else:
        band, band_problems = band_field(sheet)
        category, category_problems = category_field(sheet, band)
    problems = no_rows_problem(sheet) + group_problems + band_problems + category_problems
    weights = None
    if aggregate:
        headcount, count_problems = count_column(sheet, sheet.has(*HEADCOUNT), what="headcount")
        weights, problems = headcount.fillna(0).to_numpy(float), problems + count_problems
    table = tally({"band": band, "category": category, "disability": group}, weights)
    table = table.rename(columns={"count": "headcount"}).astype({"headcount": np.int64})
    if problems:
        return Parsed(None, None, sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    file_notes = [note for note in sheet.readings[:start] if note.startswith(FILE_NOTES)]
    readings = tuple(dict.fromkeys(file_notes + sheet.readings[start:]))
    sheet.readings[:] = list(dict.fromkeys(sheet.readings))  # a band read for both standards is noted once
    summary = FileSummary("workforce by disability", sheet.file, "aggregate" if aggregate else "row-level",
                          len(sheet.frame), _group_totals(table), readings)
    return Parsed(table, summary, [])


def read_workforce_both(sheet: Sheet, bme_labels: Iterable[str] = ()) -> tuple[Parsed, Parsed | None]:
    """The WRES workforce table and, when the sheet has a Disability column, the WDES one, from one sheet."""
    wres = read_workforce(sheet, bme_labels)
    if sheet.has(*DISABILITY) is None:
        return wres, None
    return wres, read_workforce_disability(sheet)


@dataclass(frozen=True)
class Packs:
    """A WRES data pack and, from its workforce file, the workforce by disability (None without the column)."""

    wres: DataPack
    workforce_by_disability: pd.DataFrame | None
    disability_summary: FileSummary | None = None


def read_datapack_with_disability(
    source: str | Path | Mapping[str, bytes], *, year: int | None = None, bme_labels: Iterable[str] = (),
    unpack: UnpackLimits = DEFAULT_LIMITS,
) -> Packs:
    """`read_datapack`, reading the workforce file once for both standards; raises DataPackError listing every problem.

    Without a workforce file, or without a Disability column in it, the WDES table is None and
    the WRES pack is what `read_datapack` would give.
    """
    labels = tuple(bme_labels)
    files = source if isinstance(source, Mapping) else _folder(Path(source))
    chosen, _, choice_problems = _choose(files)
    if "workforce" not in chosen:
        return Packs(read_datapack(files, year=year, bme_labels=labels, unpack=unpack), None)
    name, data = chosen["workforce"]
    others = {key: value for key, value in files.items() if not _is_workforce(key)}
    problems = [problem for problem in choice_problems if _is_workforce(problem.file)]
    sheet, sheet_problems = read_sheet(name, data, set(WANTED_BOTH), EXPECTED["workforce"], unpack=unpack)
    wres_workforce, wdes_workforce = (Parsed(None, None, sheet_problems), None)
    if sheet is not None:
        wres_workforce, wdes_workforce = read_workforce_both(sheet, labels)
    problems += wres_workforce.problems + (wdes_workforce.problems if wdes_workforce else [])
    rest, other_chosen, ignored, other_problems = None, *_choose(others)
    if other_chosen or other_problems:
        try:
            rest = read_datapack(others, year=year, bme_labels=labels, unpack=unpack)
        except DataPackError as error:
            problems += error.problems
    if problems:
        raise DataPackError(problems)
    summary = DataPackSummary(
        (wres_workforce.summary, *(rest.summary.files if rest else ())),
        tuple(kind for kind in (rest.summary.missing if rest else KINDS) if kind != "workforce"),
        rest.summary.ignored if rest else tuple(ignored))
    tables = {kind: getattr(rest, kind) for kind in ("recruitment", "disciplinary", "training", "survey", "board")} \
        if rest else {}
    pack = DataPack(summary, year, workforce=wres_workforce.table, **tables)
    if wdes_workforce is None:
        return Packs(pack, None)
    return Packs(pack, wdes_workforce.table, wdes_workforce.summary)


def _is_workforce(name: str) -> bool:
    """Whether a file of the pack is a workforce file (by its name, as `datapack` matches kinds)."""
    return PurePath(name).stem.strip().lower() == "workforce"


def read_board_disability(sheet: Sheet) -> Parsed:
    """Metric 10's board register: one row per member with Disability, role (executive / non-executive), voting.

    The table (disability, role, voting, members) is what `wdes.board_metric` takes.
    """
    required = {"Disability": DISABILITY, "role": ("role",), "voting": ("voting",)}
    problems = missing_columns(sheet, required, "a board file (Disability, role, voting)")
    if problems:
        return Parsed(None, None, problems)
    group, problems = disability_field(sheet)
    role_codes, roles, role_problems = map_values(
        sheet, "role", role_of, lambda v: f"unknown role '{v}': use executive or non-executive" if v else "role is blank")
    voting_codes, votes, voting_problems = map_values(
        sheet, "voting", voting_of, lambda v: f"voting must be yes or no, not '{v}'" if v else "voting is blank")
    problems += no_rows_problem(sheet) + role_problems + voting_problems
    if problems:
        return Parsed(None, None, sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    table = tally({"disability": group, "role": (role_codes, roles), "voting": (voting_codes, votes)})
    table = table.rename(columns={"count": "members"}).astype({"members": np.int64})
    totals = table.groupby("disability")["members"].sum()
    summary = FileSummary("board by disability", sheet.file, "row-level", len(sheet.frame),
                          {g: int(totals[g]) for g in disability.GROUPS if g in totals.index}, tuple(sheet.readings))
    return Parsed(table, summary, [])
