"""The equality standards a plan works to, their measures, and the EDI Improvement Plan's high impact actions.

Pure (no Flask, no database): everything comes from `standards.json`, so a measure is data, not code.

- A *standard* is the WRES (indicators 1-9) or the WDES (metrics 1, 2, 3, 4a(i)-(iii), 4b, 5-8, 9a, 9b, 10:
  NHS England, "NHS WDES 2023: metrics", "Summary of metrics").
- A *measure* is one indicator or metric, named by a code that is stored with the action it links to:
  "wres:2", "wdes:4a_ii". People read it as "WRES 2" and "WDES 4a(ii)".
- A *plan* is a WRES plan, a WDES plan or a combined EDI plan (`PLAN_STANDARDS`); a combined plan's
  actions may link to measures of both standards.
- The six high impact actions (HIA 1-6) are those of NHS England's "NHS equality, diversity and
  inclusion improvement plan" (June 2023); an action can serve several.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

STANDARDS_FILE = Path(__file__).with_name("standards.json")

WRES = "wres"
WDES = "wdes"
COMBINED = "combined"
#: What a plan can be, and how the plan's pages name it.
PLAN_STANDARDS = {WRES: "WRES plan", WDES: "WDES plan", COMBINED: "Combined EDI plan (WRES and WDES)"}
#: The word that names an action's plan kind in reminders and calendars: "WDES action D1.2", "EDI action 1.3".
PLAN_WORDS = {WRES: "WRES", WDES: "WDES", COMBINED: "EDI"}


@dataclass(frozen=True)
class Measure:
    """One WRES indicator or WDES metric."""

    standard: str
    key: str
    label: str
    short_title: str
    abbreviation: str
    order: int

    @property
    def code(self) -> str:
        """How links store it: "wres:2", "wdes:4a_ii"."""
        return f"{self.standard}:{self.key}"

    @property
    def name(self) -> str:
        """How people read it: "WRES 2", "WDES 4a(ii)"."""
        return f"{self.abbreviation} {self.label}"


@dataclass(frozen=True)
class HighImpactAction:
    """One of the EDI Improvement Plan's six high impact actions."""

    number: int
    title: str

    @property
    def name(self) -> str:
        """ "HIA 2"."""
        return f"HIA {self.number}"


@cache
def _data() -> dict:
    return json.loads(STANDARDS_FILE.read_text(encoding="utf-8"))


@cache
def all_measures() -> tuple[Measure, ...]:
    """Every measure of every standard, WRES first, each in its published order."""
    found: list[Measure] = []
    for standard, entry in _data()["standards"].items():
        for item in entry["measures"]:
            found.append(Measure(standard, item["key"], item["label"], item["short_title"],
                                 entry["abbreviation"], len(found)))
    return tuple(found)


@cache
def _by_code() -> dict[str, Measure]:
    return {measure.code: measure for measure in all_measures()}


def standard_name(standard: str) -> str:
    """ "Workforce Race Equality Standard"."""
    return _data()["standards"][standard]["name"]


def abbreviation(standard: str) -> str:
    """ "WRES" / "WDES"."""
    return _data()["standards"][standard]["abbreviation"]


def plan_word(plan_standard: str | None) -> str:
    """ "WRES", "WDES" or "EDI" (a combined plan); a plan with no kind recorded is a WRES plan."""
    return PLAN_WORDS.get(plan_standard or WRES, PLAN_WORDS[WRES])


def standards_of_plan(plan_standard: str) -> tuple[str, ...]:
    """The standards whose measures a plan's actions may link to."""
    if plan_standard == COMBINED:
        return (WRES, WDES)
    if plan_standard in (WRES, WDES):
        return (plan_standard,)
    raise ValueError(f"unknown plan standard '{plan_standard}': one of {', '.join(PLAN_STANDARDS)}")


def measures(standard: str | None = None) -> tuple[Measure, ...]:
    """The measures of one standard (or all), in order."""
    return tuple(m for m in all_measures() if standard is None or m.standard == standard)


def measures_for_plan(plan_standard: str) -> tuple[Measure, ...]:
    """The measures a plan of this kind may link to, in order."""
    allowed = standards_of_plan(plan_standard)
    return tuple(m for m in all_measures() if m.standard in allowed)


def measure(code: str) -> Measure:
    """The measure of a code; KeyError names an unknown code."""
    try:
        return _by_code()[code]
    except KeyError:
        raise KeyError(f"no measure '{code}'") from None


def is_measure(code: str) -> bool:
    return code in _by_code()


def code_of(standard: str, key: str | int) -> str:
    """ "wres:2" from ("wres", 2)."""
    return f"{standard}:{key}"


def sort_codes(codes: Iterable[str]) -> list[str]:
    """Codes in the registry's order (WRES 1-9, then WDES 1-10), duplicates dropped."""
    return sorted(set(codes), key=lambda code: measure(code).order)


def names(codes: Iterable[str]) -> list[str]:
    """ ["WRES 2", "WDES 4a(ii)"] for the codes, in order."""
    return [measure(code).name for code in sort_codes(codes)]


_ABBREVIATIONS = {"wres": WRES, "wdes": WDES}
_WORDS = re.compile(r"\b(?:indicators?|metrics?|no\.?|number)\b", re.IGNORECASE)
_TOKEN = re.compile(r"(wres|wdes)?\s*(\d{1,2}\s*[a-z]?(?:\s*\(?\s*(?:iii|ii|i)\s*\)?(?![a-z]))?)", re.IGNORECASE)


def _key(raw: str) -> str:
    """ "4a(ii)", "4a ii", "4A(II)" → "4a_ii"; "2" → "2"."""
    compact = re.sub(r"[\s()]", "", raw.lower())
    match = re.fullmatch(r"(\d{1,2}[a-z]?)(iii|ii|i)?", compact)
    if not match:
        return compact
    head, roman = match.groups()
    return f"{head}_{roman}" if roman else head


def parse_measures(text: str, plan_standard: str = WRES) -> tuple[list[str], list[str]]:
    """Read measure references as people write them, e.g. "WRES 2; WDES 4a(ii)", "2, 5", "Metric 4b".

    A reference without WRES or WDES belongs to the plan's standard; in a combined plan a bare
    reference is read as the WRES indicator (the product's plans were WRES-only before), unless only
    the WDES has it ("4a(ii)", "9b", "10"). Returns (codes in order, the parts that are not a measure).
    """
    allowed = standards_of_plan(plan_standard)
    codes: list[str] = []
    unreadable: list[str] = []
    for part in re.split(r"[;,/&\n]|\band\b", _WORDS.sub(" ", text or "")):
        part = part.strip(" .")
        if not part:
            continue
        match = _TOKEN.fullmatch(part)
        if not match:
            unreadable.append(part)
            continue
        named, raw = match.groups()
        key = _key(raw)
        candidates = [_ABBREVIATIONS[named.lower()]] if named else list(allowed)
        found = [code_of(s, key) for s in candidates if is_measure(code_of(s, key)) and s in allowed]
        if found:
            codes.append(found[0])
        else:
            unreadable.append(part)
    return sort_codes(codes), unreadable


@cache
def high_impact_actions() -> tuple[HighImpactAction, ...]:
    """HIA 1-6, in order."""
    return tuple(HighImpactAction(item["number"], item["title"]) for item in _data()["high_impact_actions"])


def high_impact_action(number: int) -> HighImpactAction:
    """One HIA; KeyError for a number that is not 1-6."""
    for hia in high_impact_actions():
        if hia.number == number:
            return hia
    raise KeyError(f"no high impact action {number}")


def parse_high_impact_actions(text: str) -> tuple[list[int], list[str]]:
    """Read "HIA 1; HIA 6", "1, 6" or "High impact action 2" → ([1, 6], unreadable parts)."""
    numbers: list[int] = []
    unreadable: list[str] = []
    cleaned = re.sub(r"high\s+impact\s+actions?|\bhias?\b", " ", text or "", flags=re.IGNORECASE)
    for part in re.split(r"[;,/&\n]|\band\b", cleaned):
        part = part.strip(" .")
        if not part:
            continue
        if part.isdigit() and 1 <= int(part) <= len(high_impact_actions()):
            numbers.append(int(part))
        else:
            unreadable.append(part)
    return sorted(set(numbers)), unreadable
