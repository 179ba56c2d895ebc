"""Time a whole WDES import beside the WRES one: one 1,500,000-row ESR extract with both columns.

The workforce extract is `wdes_compute.py`'s (`wres_import.py`'s pack with a Disability column).
WRES alone: read_datapack + compute_wres. Together: read_datapack_with_disability (the workforce
file read once, tallied by ethnic group and by disability), the WDES pack's own files
(recruitment, capability, survey, board) read by `wdes_pack.read_wdes_datapack`, then compute_wres
and compute_wdes. Both ways run alternately `--repeat` times in the same process; the ratio of
the medians is printed (issue 18 asks for together within 1.5 times WRES alone).

Run: PYTHONPATH=. .venv/bin/python benchmarks/wdes_import.py [--rows 1500000] [--repeat 3] [--seed 1]
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from wdes_compute import add_disability, wres_alone  # noqa: E402
from wres_import import write_pack  # noqa: E402

from tracker.indicators.wdes import compute_wdes  # noqa: E402
from tracker.indicators.wdes_pack import read_wdes_datapack  # noqa: E402
from tracker.indicators.wdes_readers import read_datapack_with_disability  # noqa: E402
from tracker.indicators.wres import compute_wres  # noqa: E402

WDES_FILES = {
    "recruitment.csv": "group,shortlisted,appointed\nDisabled,90,24\nNon-disabled,1800,520\nNot declared,60,11\n",
    "capability.csv": "group,entries,year\nDisabled,9,2025\nNon-disabled,80,2025\nDisabled,7,2024\nNon-disabled,95,2024\n",
    "survey.csv": "metric,group,percent,responses\n" + "".join(
        f"{metric},Disabled,{20 + n},900\n{metric},Non-disabled,{15 + n},4000\n"
        for n, metric in enumerate(("4a(i)", "4a(ii)", "4a(iii)", "4b", "5", "6", "7"))) + "8,Disabled,72,900\n",
    "board.csv": "Disability,role,voting\n" + "No,non-executive,yes\n" * 7 + "Yes,executive,yes\n" + "No,executive,yes\n" * 4,
}


def together(folder: Path, wdes_folder: Path) -> tuple[tuple[float, float], object]:
    """Seconds (wall clock, CPU): the workforce read once for both standards, the WDES files, both computed."""
    start, cpu = time.perf_counter(), time.process_time()
    packs = read_datapack_with_disability(folder, year=2025)
    wdes = read_wdes_datapack(wdes_folder, year=2025)
    compute_wres(packs.wres, target_percent=11.17)
    result = compute_wdes(dataclasses.replace(wdes.inputs(), workforce=packs.workforce_by_disability))
    return (time.perf_counter() - start, time.process_time() - cpu), result


def main() -> None:
    """Generate the pack, time both ways alternately, print the figures and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_500_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder, wdes_folder = Path(name) / "wres", Path(name) / "wdes"
        folder.mkdir()
        wdes_folder.mkdir()
        write_pack(folder, args.rows, args.seed)
        add_disability(folder, args.seed)
        for file, text in WDES_FILES.items():
            (wdes_folder / file).write_text(text, encoding="utf-8")
        alone, both, result = [], [], None
        for _ in range(args.repeat):
            alone.append(wres_alone(folder))
            seconds, result = together(folder, wdes_folder)
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
              + f" (median {statistics.median(first):.2f}); WRES + WDES import together "
              + ", ".join(f"{s:.2f}" for s in second) + f" (median {statistics.median(second):.2f}); "
              f"together / alone = {ratio:.2f} ({verdict} the 1.5 target)")
    print(f"metric 1: {overall.disabled_percent:.2f}% Disabled of {overall.headcount:,}; metric 2 "
          f"{result.recruitment.value:.2f}; metric 3 {result.capability.value:.2f}")


if __name__ == "__main__":
    main()
