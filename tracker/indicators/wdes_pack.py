"""One WDES year's data pack: find the files, read and validate them all, summarise (pure).

A pack is a folder, a mapping of file name → bytes (uploads), or either holding a .zip of the
files, with any of:

- workforce: the ESR extract with a Disability column (the same file the WRES reads), or counts
  (band, category, disability, headcount): `wdes_readers.read_workforce_disability`;
- recruitment: group (Disabled / non-disabled / not declared), shortlisted, appointed; or one row
  per shortlisted applicant with Disability and appointed (yes / no); or group, percent appointed
  (the published rates, as some reports give only those);
- capability: entries into the formal capability process on performance grounds: group, entries
  and an optional year (last year's entries give the guidance's two-year rolling average); or one
  row per case with Disability and a date or year, and optionally grounds: cases on ill-health
  grounds are left out, and the preview says how many;
- survey: metric (4a_i … 8, written "4a(ii)", "4a ii", "Metric 5"), group, percent, responses;
  9a engagement scores (group Disabled / non-disabled / overall, the score as the value);
  9b answer yes / no as the value, narrative in a narrative column;
- board: one row per member with Disability, role, voting (`wdes_readers.read_board_disability`).

Every problem in every file is collected (file, row, column, what is wrong); if there is any,
DataPackError is raised and nothing is returned (all or nothing).

Metric 3's year: a case dated 1 April of one year to 31 March of the next counts for the WDES
year ending that 31 March (the WDES data year, NHS England WDES 2023 technical guidance).
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath

import numpy as np
import pandas as pd

from tracker.indicators import disability
from tracker.indicators.cells import (
    count_column,
    map_values,
    missing_columns,
    optional_count_column,
    percent_column,
    rows_count,
)
from tracker.indicators.readers import FileSummary, Parsed, no_rows_problem
from tracker.indicators.survey_board import voting_of
from tracker.indicators.tables import DataPackError, Sheet, read_sheet
from tracker.indicators.wdes import CapabilityYear, Recruitment, WdesInputs
from tracker.indicators.wdes_readers import (
    DISABILITY,
    WANTED_BOTH,
    read_board_disability,
    read_workforce_disability,
)
from tracker.indicators.wdes_results import Voices
from tracker.spreadsheets import Problem
from tracker.zip_limits import DEFAULT as DEFAULT_LIMITS
from tracker.zip_limits import ArchiveRefused, Kind, UnpackLimits, check_archive

KINDS = ("workforce", "recruitment", "capability", "survey", "board")
EXTENSIONS = (".csv", ".xlsx")
GROUPED = (*DISABILITY, "group")
EXPECTED = {
    "workforce": "Disability, Pay Band, Staff Group (or band, category, disability, headcount)",
    "recruitment": "group, shortlisted, appointed (or Disability and appointed, one row per applicant)",
    "capability": "group, entries, year (or Disability and date, one row per case)",
    "survey": "metric, group, percent, responses",
    "board": "Disability, role, voting",
}
WANTED = frozenset(WANTED_BOTH | {
    "group", "shortlisted", "appointed", "percent appointed", "entries", "cases", "year", "date",
    "date entered", "start date", "grounds", "reason", "metric", "percent", "value", "score", "responses",
    "narrative", "text", "answer", "role", "voting"})
ZIP = Kind("zip file", "Zip only the data pack's files (workforce, recruitment, capability, survey, board).")
ILL_HEALTH = re.compile(r"ill[\s-]*health|sickness|attendance", re.IGNORECASE)
_METRIC = re.compile(r"^(?:wdes\s*)?(?:metric\s*)?(4a|4b|5|6|7|8|9a|9b)\s*[\s(_.-]*\s*(iii|ii|i)?\s*\)?$",
                     re.IGNORECASE)
D, ND = "Disabled", "non-disabled"
OVERALL = "overall"


@dataclass(frozen=True)
class WdesPackSummary:
    """What the pack held, for the preview and the stored year."""

    files: tuple[FileSummary, ...]
    missing: tuple[str, ...]
    ignored: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """Plain JSON-serialisable data."""
        return {"files": [item.to_dict() for item in self.files], "missing": list(self.missing),
                "ignored": list(self.ignored)}


@dataclass(frozen=True)
class WdesPack:
    """The validated tables of one WDES year (None / empty for a file not supplied)."""

    summary: WdesPackSummary
    year: int | None = None
    workforce: pd.DataFrame | None = None
    recruitment: Recruitment | None = None
    capability: tuple[CapabilityYear, ...] = ()
    survey: dict[str, dict[str, float | None]] = field(default_factory=dict)
    engagement: dict[str, float | None] | None = None
    voices: Voices | None = None
    board: pd.DataFrame | None = None

    def inputs(self) -> WdesInputs:
        """The plain inputs `wdes.compute_wdes` takes."""
        return WdesInputs(year=self.year, workforce=self.workforce, recruitment=self.recruitment,
                          capability=self.capability, survey=self.survey, engagement=self.engagement,
                          voices=self.voices, board=self.board)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))


def _groups(sheet: Sheet, column: str, *, overall: bool = False) -> tuple[pd.Series, list[Problem]]:
    """Each row's disability group (Disabled, Non-disabled, Not declared; 'overall' when allowed)."""
    def convert(value: str) -> str | None:
        if overall and value.strip().lower() in {"overall", "all", "all staff", "trust", "organisation"}:
            return OVERALL
        return disability.recognise(value)

    codes, labels, problems = map_values(
        sheet, column, convert,
        lambda v: f"group '{v}' is not recognised: use Disabled, non-disabled or not declared"
        + (" (or overall)" if overall else ""), disability.reading)
    return pd.Series(np.array(labels, dtype=object)[codes] if len(labels) else [], index=sheet.frame.index,
                     dtype=object), problems


def _totals(groups: pd.Series, weights: pd.Series | None = None) -> dict[str, float]:
    values = weights if weights is not None else pd.Series(1, index=groups.index)
    sums = values.groupby(groups).sum()
    return {g: _plain(sums[g]) for g in disability.GROUPS if g in sums.index}


def _plain(value) -> int | float:
    value = float(value)
    return int(value) if value.is_integer() else value


def _summary(kind: str, sheet: Sheet, layout: str, groups: dict, readings: list[str] | None = None) -> FileSummary:
    return FileSummary(kind, sheet.file, layout, len(sheet.frame), groups,
                       tuple(dict.fromkeys(sheet.readings + (readings or []))))


def read_recruitment(sheet: Sheet) -> tuple[Recruitment | None, FileSummary | None, list[Problem]]:
    """Metric 2's file: counts by group, one row per shortlisted applicant, or percentages appointed."""
    group_column = sheet.has(*GROUPED)
    if group_column is None:
        return None, None, missing_columns(sheet, {"group": GROUPED}, "a recruitment file (" + EXPECTED["recruitment"] + ")")
    groups, problems = _groups(sheet, group_column)
    problems += no_rows_problem(sheet)
    if sheet.has("shortlisted"):
        if sheet.has("appointed") is None:
            return None, None, missing_columns(sheet, {"appointed": ("appointed",)}, "a recruitment file")
        shortlisted, found = count_column(sheet, "shortlisted", what="shortlisted")
        appointed, more = count_column(sheet, "appointed", what="appointed")
        problems += found + more
        for row in appointed.index[appointed > shortlisted]:
            problems.append(Problem(sheet.file, int(row), sheet.header("appointed"),
                                    f"appointed ({_plain(appointed[row])}) is more than shortlisted "
                                    f"({_plain(shortlisted[row])})"))
        if problems:
            return None, None, _sorted(problems)
        by_s, by_a = shortlisted.groupby(groups).sum(), appointed.groupby(groups).sum()
        recruitment = Recruitment(
            shortlisted={D: float(by_s.get(disability.DISABLED, 0)), ND: float(by_s.get(disability.NON_DISABLED, 0))},
            appointed={D: float(by_a.get(disability.DISABLED, 0)), ND: float(by_a.get(disability.NON_DISABLED, 0))})
        return recruitment, _summary("recruitment", sheet, "aggregate", _totals(groups, shortlisted)), []
    percent_name = sheet.has("percent appointed", "percent")
    if percent_name is not None:
        percents, found = percent_column(sheet, percent_name)
        problems += found
        if problems:
            return None, None, _sorted(problems)
        rates = {g: float(p) for g, p in zip(groups, percents) if g in (disability.DISABLED, disability.NON_DISABLED)}
        recruitment = Recruitment(percent_appointed={
            D: rates.get(disability.DISABLED), ND: rates.get(disability.NON_DISABLED)})
        return recruitment, _summary("recruitment", sheet, "percent appointed", {}), []
    if sheet.has("appointed") is None:
        return None, None, missing_columns(sheet, {"appointed": ("appointed",)},
                                           "a recruitment file (" + EXPECTED["recruitment"] + ")")
    codes, labels, found = map_values(
        sheet, "appointed", voting_of,
        lambda v: f"appointed must be yes or no, not '{v}'" if v else "appointed is blank")
    problems += found
    if problems:
        return None, None, _sorted(problems)
    appointed = pd.Series(np.array(labels, dtype=object)[codes] if len(labels) else [], index=sheet.frame.index,
                          dtype=object).astype(bool)
    counts = {g: (int((groups == g).sum()), int(((groups == g) & appointed).sum()))
              for g in (disability.DISABLED, disability.NON_DISABLED)}
    recruitment = Recruitment(shortlisted={D: counts[disability.DISABLED][0], ND: counts[disability.NON_DISABLED][0]},
                              appointed={D: counts[disability.DISABLED][1], ND: counts[disability.NON_DISABLED][1]})
    return recruitment, _summary("recruitment", sheet, "row-level", _totals(groups)), []


def _year_of(text: str) -> int | None:
    """A WDES year from a year ('2024', '2023/24', '2023-24') or a date (1 April-31 March → the year ending)."""
    text = text.strip()
    if re.fullmatch(r"\d{4}(\.0+)?", text):
        return int(float(text))
    match = re.fullmatch(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})", text)
    if match:
        first, second = int(match.group(1)), match.group(2)
        end = int(second) if len(second) == 4 else (first // 100) * 100 + int(second)
        return end if end == first + 1 else None
    try:
        day = pd.to_datetime(text, dayfirst=True, errors="raise").date()
    except (ValueError, TypeError, OverflowError):
        return None
    if not isinstance(day, date):
        return None
    return day.year + 1 if day.month >= 4 else day.year


def read_capability(sheet: Sheet, year: int | None) -> tuple[tuple[CapabilityYear, ...], FileSummary | None,
                                                                list[Problem]]:
    """Metric 3's file: group, entries[, year]; or one row per case with Disability, date or year[, grounds]."""
    group_column = sheet.has(*GROUPED)
    if group_column is None:
        return (), None, missing_columns(sheet, {"group": GROUPED}, "a capability file (" + EXPECTED["capability"] + ")")
    groups, problems = _groups(sheet, group_column)
    problems += no_rows_problem(sheet)
    entries_column = sheet.has("entries", "cases")
    when = sheet.has("year", "date", "date entered", "start date")
    readings: list[str] = []
    keep = pd.Series(True, index=sheet.frame.index)
    grounds = sheet.has("grounds", "reason")
    if grounds is not None and entries_column is None:
        ill = sheet.cells(grounds).str.contains(ILL_HEALTH)
        if ill.any():
            readings.append(f"left out {rows_count(int(ill.sum()))} of cases on ill-health grounds: metric 3 counts "
                            "performance grounds only")
        keep = ~ill
    if when is not None:
        cells = sheet.cells(when)
        distinct = {text: _year_of(text) for text in cells.unique()}
        years = cells.map(distinct)
        for row in cells.index[years.isna() & keep]:
            problems.append(Problem(sheet.file, int(row), sheet.header(when),
                                    f"'{cells[row]}' is not a year or a date (like 2024, 2023/24 or 15/06/2023)"))
    else:
        if year is None:
            problems.append(Problem(sheet.file, None, None, "give a year column, or the pack's year"))
        years = pd.Series(year, index=sheet.frame.index, dtype=object)
    weights = None
    if entries_column is not None:
        weights, found = count_column(sheet, entries_column, what=entries_column)
        problems += found
    if problems:
        return (), None, _sorted(problems)
    weights = weights if weights is not None else pd.Series(1.0, index=sheet.frame.index)
    frame = pd.DataFrame({"group": groups, "year": years, "entries": weights})[keep]
    if year is not None:
        old = frame["year"].astype(int) < year - 1
        if old.any():
            readings.append(f"left out {rows_count(int(old.sum()))} from before {year - 1}: the guidance averages "
                            "this year and last")
        later = frame["year"].astype(int) > year
        if later.any():
            readings.append(f"left out {rows_count(int(later.sum()))} after the {year} WDES year")
        frame = frame[~old & ~later]
    result = []
    for item_year, rows in frame.groupby("year", sort=True):
        sums = rows.groupby("group")["entries"].sum()
        result.append(CapabilityYear(int(item_year), float(sums.get(disability.DISABLED, 0)),
                                     float(sums.get(disability.NON_DISABLED, 0))))
    layout = "aggregate" if entries_column else "row-level"
    return tuple(result), _summary("capability", sheet, layout, _totals(frame["group"], frame["entries"]),
                                   readings), []


def metric_key(text: str) -> str | None:
    """'4a(ii)', '4a ii', '4a_ii', 'Metric 5', '9a' → the metric's key ('4a_ii', '5', '9a'); None when not one."""
    match = _METRIC.match(" ".join(str(text).split()))
    if not match:
        return None
    number, part = match.group(1).lower(), (match.group(2) or "").lower()
    if number == "4a":
        return f"4a_{part}" if part else None
    return None if part else number


def read_survey(sheet: Sheet) -> tuple[dict, dict | None, Voices | None, FileSummary | None, list[Problem]]:
    """Metrics 4a(i)-8 percentages, 9a scores and the 9b answer from one file."""
    required = {"metric": ("metric",), "group": GROUPED}
    value_column = sheet.has("percent", "value", "score", "answer")
    problems = missing_columns(sheet, required, "a survey file (" + EXPECTED["survey"] + ")")
    if value_column is None:
        problems += missing_columns(sheet, {"percent": ("percent",)}, "a survey file (" + EXPECTED["survey"] + ")")
    if problems:
        return {}, None, None, None, problems
    metrics = sheet.cells("metric")
    keys = metrics.map({text: metric_key(text) for text in metrics.unique()})
    for row in metrics.index[keys.isna()]:
        problems.append(Problem(sheet.file, int(row), sheet.header("metric"),
                                f"metric must be one of 4a(i), 4a(ii), 4a(iii), 4b, 5, 6, 7, 8, 9a or 9b, "
                                f"not '{metrics[row]}'"))
    group_column = sheet.has(*GROUPED)
    raw_groups = sheet.cells(group_column)
    is_voice = keys == "9b"
    groups, group_problems = _groups(sheet, group_column, overall=True)
    problems += [p for p in group_problems if not _is_9b_row(p, is_voice)] + no_rows_problem(sheet)
    values = sheet.cells(value_column)
    numbers = pd.to_numeric(values.str.rstrip("%").str.strip(), errors="coerce")
    responses, response_problems = optional_count_column(sheet, sheet.has("responses"), "responses")
    problems += response_problems
    survey: dict[str, dict] = {}
    engagement: dict[str, float | None] | None = None
    voices: Voices | None = None
    seen: dict[tuple[str, str], int] = {}
    narrative_column = sheet.has("narrative", "text")
    for row in sheet.frame.index:
        key = keys[row]
        if not isinstance(key, str):
            continue
        if key == "9b":
            answer = voting_of(values[row])
            if answer is None:
                problems.append(Problem(sheet.file, int(row), sheet.header(value_column),
                                        f"metric 9b's answer must be yes or no, not '{values[row]}'"))
                continue
            if voices is not None:
                problems.append(Problem(sheet.file, int(row), sheet.header("metric"), "metric 9b is given more than once"))
            text = sheet.cells(narrative_column)[row] if narrative_column else ""
            voices = Voices(answer, text)
            continue
        group = groups[row]
        if group is None:
            continue
        name = {disability.DISABLED: "disabled", disability.NON_DISABLED: "non_disabled", OVERALL: "overall"}.get(group)
        if name is None or (name == "overall" and key != "9a") or (key == "8" and name != "disabled"):
            problems.append(Problem(sheet.file, int(row), sheet.header(group_column),
                                    f"metric {key.replace('_', '(') + (')' if '_' in key else '')} has no figure for "
                                    f"'{raw_groups[row]}'" + (": metric 8 is for Disabled staff only" if key == "8" else "")))
            continue
        number = numbers[row]
        high, what = (10, "a score from 0 to 10") if key == "9a" else (100, "a percentage from 0 to 100")
        if pd.isna(number) or not 0 <= number <= high:
            message = "the figure is blank" if values[row] == "" else f"'{values[row]}' is not {what}"
            problems.append(Problem(sheet.file, int(row), sheet.header(value_column), message))
            continue
        if (key, name) in seen:
            problems.append(Problem(sheet.file, int(row), sheet.header(group_column),
                                    f"metric {key} {raw_groups[row]} is given more than once "
                                    f"(first in row {seen[(key, name)]})"))
            continue
        seen[(key, name)] = int(row)
        if key == "9a":
            engagement = {**(engagement or {}), name: float(number)}
        else:
            entry = survey.setdefault(key, {})
            entry[name] = float(number)
            if not pd.isna(responses[row]):
                entry[f"{name}_responses"] = int(responses[row])
    if problems:
        return {}, None, None, None, _sorted(problems)
    counted = groups[~is_voice & groups.isin(disability.GROUPS)]
    return survey, engagement, voices, _summary("survey", sheet, "aggregate", _totals(counted)), []


def _is_9b_row(problem: Problem, is_voice: pd.Series) -> bool:
    """9b rows need no group: their group problems are dropped."""
    return problem.row is not None and bool(is_voice.get(problem.row, False))


def _expand(files: Mapping[str, bytes], unpack: UnpackLimits) -> tuple[dict[str, bytes], list[Problem]]:
    """Zip files replaced by the data files inside them (checked first against the unpack limits)."""
    out, problems = {}, []
    for name, data in files.items():
        if PurePath(name).suffix.lower() != ".zip":
            out[name] = data
            continue
        try:
            check_archive(PurePath(name).name, data, unpack, ZIP)
        except ArchiveRefused as error:
            problems.append(Problem(PurePath(name).name, None, None, error.rest))
            continue
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for member in package.infolist():
                inner = PurePath(member.filename)
                if member.is_dir() or inner.name.startswith((".", "~$")) or "__MACOSX" in inner.parts:
                    continue
                out[inner.name] = package.read(member) if inner.stem.strip().lower() in KINDS else b""
    return out, problems


def _choose(files: Mapping[str, bytes]) -> tuple[dict[str, tuple[str, bytes]], list[str], list[Problem]]:
    """Match file names to kinds (the stem decides, any case); report clashes and bad extensions."""
    chosen, ignored, problems = {}, [], []
    for name, data in files.items():
        path = PurePath(name.replace("\\", "/"))
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


def read_wdes_datapack(source: str | Path | Mapping[str, bytes], *, year: int | None = None,
                       unpack: UnpackLimits = DEFAULT_LIMITS) -> WdesPack:
    """Read and validate a WDES data pack; raises DataPackError listing every problem in every file."""
    files = source if isinstance(source, Mapping) else _folder(Path(source))
    files, problems = _expand(files, unpack)
    chosen, ignored, choice_problems = _choose(files)
    problems += choice_problems
    if not chosen and not problems:
        problems.append(Problem("data pack", None, None,
                                "no data files found: expected " + ", ".join(KINDS) + " as .csv or .xlsx"))
    tables: dict = {}
    summaries = []
    for kind in KINDS:
        if kind not in chosen:
            continue
        name, data = chosen[kind]
        sheet, sheet_problems = read_sheet(name, data, set(WANTED), EXPECTED[kind], unpack=unpack)
        if sheet is None:
            problems += sheet_problems
            continue
        summary = None
        if kind in ("workforce", "board"):
            parsed: Parsed = (read_workforce_disability if kind == "workforce" else read_board_disability)(sheet)
            found, summary = parsed.problems, parsed.summary
            tables[kind] = parsed.table
        elif kind == "recruitment":
            tables[kind], summary, found = read_recruitment(sheet)
        elif kind == "capability":
            tables[kind], summary, found = read_capability(sheet, year)
        else:
            survey, engagement, voices, summary, found = read_survey(sheet)
            tables.update(survey=survey, engagement=engagement, voices=voices)
        problems += found
        if summary is not None:
            summaries.append(summary)
    if problems:
        raise DataPackError(problems)
    summary = WdesPackSummary(tuple(summaries), tuple(kind for kind in KINDS if kind not in chosen), tuple(ignored))
    return WdesPack(summary, year, **{key: value for key, value in tables.items() if value is not None})


def _folder(folder: Path) -> dict[str, bytes]:
    """A folder's files (only data files and zips are read), or a zip file itself."""
    if folder.is_file() and folder.suffix.lower() == ".zip":
        return {folder.name: folder.read_bytes()}
    if not folder.is_dir():
        raise DataPackError([Problem(str(folder), None, None, "this folder does not exist")])
    return {path.name: path.read_bytes() if path.stem.strip().lower() in KINDS or path.suffix.lower() == ".zip"
            else b"" for path in sorted(folder.iterdir()) if path.is_file()}
