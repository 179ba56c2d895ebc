"""One WRES year's data pack: find the files, read and validate them all, summarise.

A pack is a folder, or a mapping of file name → bytes (uploads), holding any of
workforce, recruitment, disciplinary, training, survey, board as .csv or .xlsx.
Every problem in every file is collected; if there is any, DataPackError is
raised and nothing partial is returned.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath

import pandas as pd

from tracker.indicators import fields
from tracker.indicators.readers import (
    FileSummary,
    Parsed,
    read_disciplinary,
    read_recruitment,
    read_training,
    read_workforce,
)
from tracker.indicators.survey_board import read_board, read_survey
from tracker.indicators.tables import DataPackError, read_sheet
from tracker.spreadsheets import Problem
from tracker.zip_limits import DEFAULT as DEFAULT_LIMITS
from tracker.zip_limits import UnpackLimits

KINDS = ("workforce", "recruitment", "disciplinary", "training", "survey", "board")
EXTENSIONS = (".csv", ".xlsx")
READERS: dict[str, Callable[..., Parsed]] = {
    "workforce": read_workforce, "recruitment": read_recruitment,
    "disciplinary": read_disciplinary, "training": read_training,
    "survey": read_survey, "board": read_board,
}
#: The columns each kind of file needs, for the problem when no sheet has a header row.
EXPECTED = {
    "workforce": "Ethnic Origin, Pay Band, Staff Group (or band, category, group, headcount)",
    "recruitment": "group, applications, shortlisted, appointed",
    "disciplinary": "group, cases (or Ethnic Origin, one row per case)",
    "training": "group, accessed or percent (or Ethnic Origin, one row per person)",
    "survey": "indicator, group, percent, responses",
    "board": "Ethnic Origin (or group), role, voting",
}
#: Normalised header names any reader may use; other columns of wide extracts are skipped.
WANTED = {
    *fields.ETHNIC_ORIGIN, *fields.GROUP, *fields.PAY_BAND, *fields.STAFF_GROUP,
    *fields.HEADCOUNT, *fields.EMPLOYEE_NUMBER, "applications", "shortlisted", "appointed",
    "cases", "accessed", "percent", "indicator", "responses", "role", "voting",
}


@dataclass(frozen=True)
class DataPackSummary:
    """What the pack held, for the preview screen."""

    files: tuple[FileSummary, ...]
    missing: tuple[str, ...]
    ignored: tuple[str, ...] = ()

    @property
    def rows(self) -> dict[str, int]:
        """Data rows per file kind."""
        return {item.kind: item.rows for item in self.files}

    @property
    def groups_found(self) -> dict[str, dict[str, float]]:
        """Per file kind: people (row-level) or the file's main count (aggregate) per group."""
        return {item.kind: dict(item.groups) for item in self.files}

    @property
    def unknown(self) -> dict[str, float]:
        """Per file kind: how many are of Unknown ethnicity."""
        return {item.kind: item.unknown for item in self.files}

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data."""
        return {"files": [item.to_dict() for item in self.files], "missing": list(self.missing),
                "ignored": list(self.ignored)}


@dataclass(frozen=True)
class DataPack:
    """The validated, aggregated tables of one WRES year (None for a file not supplied).

    workforce: band, category, group, headcount · recruitment: group, applications,
    shortlisted, appointed · disciplinary: group, category, cases · training: group,
    category, accessed (or group, percent) · survey: indicator, group, percent,
    responses · board: group, role, voting, members.
    """

    summary: DataPackSummary
    year: int | None = None
    workforce: pd.DataFrame | None = None
    recruitment: pd.DataFrame | None = None
    disciplinary: pd.DataFrame | None = None
    training: pd.DataFrame | None = None
    survey: pd.DataFrame | None = None
    board: pd.DataFrame | None = None


def _choose(files: Mapping[str, bytes]) -> tuple[dict[str, tuple[str, bytes]], list[str], list[Problem]]:
    """Match file names to kinds (stem decides, any case); report clashes and bad extensions."""
    chosen, ignored, problems = {}, [], []
    for name, data in files.items():
        path = PurePath(name)
        kind, extension = path.stem.strip().lower(), path.suffix.lower()
        if kind not in KINDS:
            ignored.append(path.name)
        elif extension not in EXTENSIONS:
            problems.append(Problem(path.name, None, None,
                                    f"{extension or 'no extension'} files cannot be read: save it as .csv or .xlsx"))
        elif kind in chosen:
            problems.append(Problem(path.name, None, None,
                                    f"there is already a {kind} file ({chosen[kind][0]}): keep only one"))
        else:
            chosen[kind] = (path.name, data)
    return chosen, ignored, problems


def read_datapack(
    source: str | Path | Mapping[str, bytes], *, year: int | None = None, bme_labels: Iterable[str] = (),
    unpack: UnpackLimits = DEFAULT_LIMITS,
) -> DataPack:
    """Read and validate a data pack; raises DataPackError listing every problem.

    `bme_labels` are the trust's own names for the BME group (e.g. "Global Majority"),
    accepted in `group` columns alongside White / BME / Unknown. A workbook that would unpack
    beyond `unpack` is refused unread (`tracker.zip_limits`).
    """
    labels = tuple(bme_labels)
    files = source if isinstance(source, Mapping) else _folder(Path(source))
    chosen, ignored, problems = _choose(files)
    if not chosen and not problems:
        problems.append(Problem("data pack", None, None,
                                "no data files found: expected " + ", ".join(KINDS) + " as .csv or .xlsx"))
    tables, summaries = {}, []
    for kind in KINDS:
        if kind not in chosen:
            continue
        name, data = chosen[kind]
        sheet, sheet_problems = read_sheet(name, data, WANTED, EXPECTED[kind], unpack=unpack)
        parsed = READERS[kind](sheet, labels) if sheet is not None else Parsed(None, None, sheet_problems)
        problems += parsed.problems
        if parsed.summary is not None:
            tables[kind] = parsed.table
            summaries.append(parsed.summary)
    if problems:
        raise DataPackError(problems)
    missing = tuple(kind for kind in KINDS if kind not in chosen)
    summary = DataPackSummary(tuple(summaries), missing, tuple(ignored))
    return DataPack(summary, year, **tables)


def _folder(folder: Path) -> dict[str, bytes]:
    """Files of a folder (only data files are read); a missing folder is a DataPackError."""
    if not folder.is_dir():
        raise DataPackError([Problem(str(folder), None, None, "this folder does not exist")])
    return {
        path.name: path.read_bytes() if path.stem.strip().lower() in KINDS else b""
        for path in sorted(folder.iterdir()) if path.is_file()
    }
