"""The demo's WDES year: an illustrative data pack for the trust's 2024 year, computed and stored.

The pack is `data/wdes_2024/`: the workforce by disability (the trust's published 2024 headcount
per band, split by disability as ESR records it), the board register by disability, and
`figures.json` (recruitment, capability entries for this year and last, staff survey results,
engagement scores and metric 9b). The figures are illustrative, not the trust's: the demo's sources
hold no WDES report of the trust (see `data/README.md`); the stored pack summary says so.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from tracker.audit.service import record
from tracker.extensions import db
from tracker.indicators.models import COMPUTED, WdesValue, WdesYear
from tracker.indicators.readers import FileSummary
from tracker.indicators.tables import DataPackError, read_sheet
from tracker.indicators.wdes import CapabilityYear, Recruitment, WdesInputs, compute_wdes
from tracker.indicators.wdes_headlines import wdes_headlines
from tracker.indicators.wdes_readers import WANTED_BOTH, read_board_disability, read_workforce_disability
from tracker.indicators.wdes_results import Voices

WDES_PACK = Path(__file__).parent / "data" / "wdes_2024"
WORKFORCE_FILE, BOARD_FILE, FIGURES_FILE = "workforce_by_disability.csv", "board.csv", "figures.json"
ILLUSTRATIVE = "Illustrative"


@dataclass(frozen=True)
class DemoWdesPack:
    """The demo pack read: the inputs for `compute_wdes` and what each file held."""

    inputs: WdesInputs
    summary: dict


def read_demo_pack(folder: Path = WDES_PACK) -> DemoWdesPack:
    """Read the demo's WDES pack; raises DataPackError listing every problem in its two tables."""
    figures = json.loads((folder / FIGURES_FILE).read_text(encoding="utf-8"))
    parsed = []
    for name, wanted, reader in ((WORKFORCE_FILE, set(WANTED_BOTH), read_workforce_disability),
                                 (BOARD_FILE, {"disability", "role", "voting"}, read_board_disability)):
        sheet, problems = read_sheet(name, (folder / name).read_bytes(), wanted)
        parsed.append(reader(sheet) if sheet is not None else None)
        if problems or parsed[-1].problems:
            raise DataPackError(problems or parsed[-1].problems)
    workforce, board = parsed
    recruitment = figures["recruitment"]
    voices = figures["voices"]
    inputs = WdesInputs(
        year=int(figures["year"]), workforce=workforce.table,
        recruitment=Recruitment(shortlisted=recruitment["shortlisted"], appointed=recruitment["appointed"]),
        capability=tuple(CapabilityYear(row["year"], row["disabled"], row["non_disabled"])
                         for row in figures["capability"]),
        survey=figures["survey"], engagement=figures["engagement"],
        voices=Voices(voices["answer"], voices["text"]), board=board.table,
    )
    other = FileSummary("recruitment, capability, staff survey and 9b", FIGURES_FILE, "figures", 1)
    summary = {"files": [workforce.summary.to_dict(), board.summary.to_dict(), other.to_dict()],
               "missing": [], "ignored": [], "illustrative": bool(figures.get("illustrative")),
               "note": figures.get("note", "")}
    return DemoWdesPack(inputs, summary)


def load_wdes_year(folder: Path = WDES_PACK, actor=None) -> WdesYear:
    """Compute the demo's WDES year from its pack and store it as a computed year with its headline figures.

    Stores one `WdesYear` (source "computed", the whole result, the pack summary marked
    illustrative) and one `WdesValue` per `wdes_headlines` row, and records the import in the
    audit trail. Once the WDES import service is in place this calls it instead.
    """
    pack = read_demo_pack(folder)
    result = compute_wdes(pack.inputs)
    stored = db.session.scalar(select(WdesYear).where(WdesYear.year == result.year))
    if stored is not None:
        db.session.delete(stored)
        db.session.flush()
    row = WdesYear(year=result.year, source=COMPUTED, pack_summary=pack.summary, result=result.to_dict(),
                   imported_by_id=getattr(actor, "id", None))
    row.values = [WdesValue(**headline.to_dict(), year=result.year, source=COMPUTED)
                  for headline in wdes_headlines(result)]
    db.session.add(row)
    db.session.flush()
    record(actor, row, "imported", {"source": [None, COMPUTED]},
           summary=f"WDES {result.year} results computed from the demo's data pack ({ILLUSTRATIVE.lower()} figures)",
           subject_type="wdes_year")
    return row
