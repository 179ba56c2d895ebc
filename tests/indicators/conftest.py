"""Data packs built from the published report tables (see data/build_fixtures.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tracker.indicators.datapack import DataPack, read_datapack
from tracker.indicators.wres import WresResult, compute_wres

DATA = Path(__file__).parent / "data"
LOCAL_POPULATION_2021_CENSUS = 11.17


@pytest.fixture(scope="session")
def pack_2024() -> DataPack:
    """2024 report: row-level workforce (Table 4), recruitment, disciplinary, survey, board."""
    return read_datapack(DATA / "pack_2024", year=2024)


@pytest.fixture(scope="session")
def result_2024(pack_2024) -> WresResult:
    """The 2024 pack computed with the report's target (11.17%) on non-clinical staff, as in Table 5."""
    return compute_wres(pack_2024, target_percent=LOCAL_POPULATION_2021_CENSUS,
                        target_population="non-clinical")


@pytest.fixture(scope="session")
def result_2021() -> WresResult:
    """2021 report: band headcounts (aggregate, BME labelled 'BAME') and training percentages."""
    pack = read_datapack(DATA / "pack_2021", year=2021, bme_labels=["BAME"])
    return compute_wres(pack)
