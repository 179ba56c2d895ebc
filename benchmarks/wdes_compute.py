"""Time WRES and WDES together against WRES alone, on one synthetic 1,500,000-row ESR extract with both columns.

The pack is `wres_import.py`'s, with a Disability column added to the workforce extract
(Yes about 4%, No about 80%, the rest Not Declared, Prefer Not To Answer, Unspecified or blank).
WRES alone: read_datapack + compute_wres. Together: read_datapack_with_disability (the workforce
file read once, tallied by ethnic group and by disability) + compute_wres + compute_wdes.
The two are run alternately `--repeat` times in the same process; the ratio of the medians is
printed (issue 18 asks for together within 1.5 times WRES alone).

Run: PYTHONPATH=. .venv/bin/python benchmarks/wdes_compute.py [--rows 1500000] [--repeat 3] [--seed 1]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from wres_import import pick, write_pack  # noqa: E402

from tracker.indicators.datapack import read_datapack  # noqa: E402
from tracker.indicators.wdes import CapabilityYear, Recruitment, WdesInputs, compute_wdes  # noqa: E402
from tracker.indicators.wdes_readers import read_datapack_with_disability  # noqa: E402
from tracker.indicators.wres import compute_wres  # noqa: E402

DISABILITY = {"Yes": 4.0, "No": 80.0, "Not Declared": 8.0, "Prefer Not To Answer": 2.0, "Unspecified": 4.0,
              "": 1.5, "YES": 0.2, "no ": 0.3}


def add_disability(folder: Path, seed: int) -> None:
    """Add a Disability column to the pack's workforce extract."""
    path = folder / "workforce.csv"
    staff = pd.read_csv(path, dtype=str, keep_default_na=False)
    staff.insert(3, "Disability", pick(np.random.default_rng(seed + 7), DISABILITY, len(staff)))
    staff.to_csv(path, index=False)


def wres_alone(folder: Path) -> tuple[float, float]:
    """Seconds (wall clock, CPU) to read, validate and compute the WRES."""
    start, cpu = time.perf_counter(), time.process_time()
    compute_wres(read_datapack(folder, year=2025), target_percent=11.17)
    return time.perf_counter() - start, time.process_time() - cpu


def together(folder: Path) -> tuple[tuple[float, float], object]:
    """Seconds (wall clock, CPU) to read the pack once for both standards and compute both."""
    start, cpu = time.perf_counter(), time.process_time()
    packs = read_datapack_with_disability(folder, year=2025)
    compute_wres(packs.wres, target_percent=11.17)
    result = compute_wdes(WdesInputs(
        2025, packs.workforce_by_disability,
        Recruitment({"non-disabled": 1800, "Disabled": 90}, {"non-disabled": 520, "Disabled": 24}),
        (CapabilityYear(2025, 9, 80), CapabilityYear(2024, 7, 95))))
    return (time.perf_counter() - start, time.process_time() - cpu), result


def main() -> None:
    """Generate the pack, time both ways alternately, print the figures and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_500_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write_pack(folder, args.rows, args.seed)
        add_disability(folder, args.seed)
        alone, both, result = [], [], None
        for _ in range(args.repeat):
            alone.append(wres_alone(folder))
            seconds, result = together(folder)
            both.append(seconds)
    overall = result.workforce.overall
    print(f"{args.rows:,} workforce rows, {args.repeat} alternate runs each (seconds; CPU time is steadier "
          "than the wall clock on a shared machine)")
    for label, index in (("wall clock", 0), ("CPU", 1)):
        first = [run[index] for run in alone]
        second = [run[index] for run in both]
        ratio = statistics.median(second) / statistics.median(first)
        verdict = "within" if ratio <= 1.5 else "OVER"
        print(f"{label}: WRES alone " + ", ".join(f"{s:.2f}" for s in first)
              + f" (median {statistics.median(first):.2f}); WRES + WDES together "
              + ", ".join(f"{s:.2f}" for s in second) + f" (median {statistics.median(second):.2f}); "
              f"together / alone = {ratio:.2f} ({verdict} the 1.5 target)")
    print(f"metric 1: {overall.disabled_percent:.2f}% Disabled, declaration rate "
          f"{result.workforce.declaration_rate:.2f}% of {overall.headcount:,}")

if __name__ == "__main__":
    main()
