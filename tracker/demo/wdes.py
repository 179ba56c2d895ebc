"""The demo's WDES year: an illustrative data pack for the trust's 2024 year, stored by the WDES import.

The pack is `data/wdes_2024/`, in the files a trust uploads at /wdes/import: `workforce.csv` (the
trust's published 2024 headcount per band, split by disability as ESR records it), `recruitment.csv`,
`capability.csv` (this year and last), `survey.csv` (staff survey results, engagement scores and
metric 9b) and `board.csv`; `about.json` gives the year and says the figures are illustrative, not
the trust's: the demo's sources hold no WDES report of the trust (see `data/README.md`).
"""
from __future__ import annotations

import json
from pathlib import Path

from tracker.audit.service import record
from tracker.indicators.models import WdesYear
from tracker.indicators.wdes_pack import KINDS, WdesPack
from tracker.indicators.wdes_service import import_pack, read_wdes_pack
from tracker.plans.service import DEMO_DATA

WDES_PACK = Path(__file__).parent / "data" / "wdes_2024"
ABOUT_FILE = "about.json"
#: The year's audit note (the full note, in about.json, is kept in the pack summary).
ILLUSTRATIVE_NOTE = "Demo data: illustrative WDES figures, not the trust's (the demo's sources hold no WDES report of it)"


def pack_about(folder: Path = WDES_PACK) -> dict:
    """The pack's year, whether it is illustrative, and the note saying so."""
    return json.loads((folder / ABOUT_FILE).read_text(encoding="utf-8"))


def pack_files(folder: Path = WDES_PACK) -> dict[str, bytes]:
    """The pack's data files, name → bytes, as an upload of them would give them."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())
            if path.is_file() and path.stem in KINDS}


def read_demo_pack(folder: Path = WDES_PACK) -> WdesPack:
    """The demo's pack read as the import reads it; raises DataPackError listing every problem."""
    return read_wdes_pack(pack_files(folder), int(pack_about(folder)["year"]))


def load_wdes_year(folder: Path = WDES_PACK, actor=None) -> WdesYear:
    """Store the demo's WDES year through the WDES import, then mark it as illustrative.

    `wdes_service.import_pack` reads, computes and stores the pack (replacing a stored year) and
    records the import, exactly as an upload at /wdes/import does. The demo then adds the
    illustrative flag and its note to the year's pack summary and records the note in the year's
    audit trail ("demo data", as the demo notes its plans).
    """
    about = pack_about(folder)
    imported = import_pack(pack_files(folder), int(about["year"]), actor)
    row = imported.year
    row.pack_summary = {**row.pack_summary, "illustrative": bool(about.get("illustrative")),
                        "note": about.get("note", "")}
    if about.get("illustrative"):
        record(actor, row, DEMO_DATA, {}, summary=ILLUSTRATIVE_NOTE, subject_type="wdes_year")
    return row
