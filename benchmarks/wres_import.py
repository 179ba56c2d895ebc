"""Time reading, validating and computing a WRES data pack: 1,500,000 and 20,000 workforce rows.

Generates a synthetic ESR-style pack (seedable) into a temporary folder: a wide row-level
workforce extract, row-level disciplinary and training files, recruitment, survey and
board files. Then times read_datapack + compute_wres and prints rows per second.

Run: PYTHONPATH=. .venv/bin/python benchmarks/wres_import.py [--rows 1500000] [--small 20000] [--seed 1]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from tracker.indicators.datapack import read_datapack
from tracker.indicators.wres import compute_wres

ORIGINS = {
    "A White - British": 66.0, "B White - Irish": 1.5, "C White - Any other White background": 5.0,
    "CA White English": 1.0, "C3 White Unspecified": 0.5,
    "D Mixed - White & Black Caribbean": 0.6, "F Mixed - White & Asian": 0.5, "G Mixed - Any other mixed background": 0.5,
    "H Asian or Asian British - Indian": 6.0, "J Asian or Asian British - Pakistani": 2.0,
    "K Asian or Asian British - Bangladeshi": 0.7, "L Asian or Asian British - Any other Asian background": 2.5,
    "M Black or Black British - Caribbean": 1.5, "N Black or Black British - African": 5.0,
    "P Black or Black British - Any other Black background": 0.5, "PC Black Nigerian": 0.5,
    "R Chinese": 0.7, "S Any Other Ethnic Group": 1.5, "Z Not Stated": 3.0, "": 0.5,
}
AFC_BANDS = {
    "Under Band 1": 0.5, "Band 2": 9.0, "Band 3": 17.0, "Band 4": 10.0, "Band 5": 20.0, "Band 6": 20.0,
    "Band 7": 13.0, "Band 8 - Range A": 5.0, "Band 8 - Range B": 2.0, "Band 8 - Range C": 1.0,
    "Band 8 - Range D": 0.6, "Band 9": 0.3, "VSM": 0.2,
}
MEDICAL_GRADES = {"Medical Consultant": 45.0, "Medical Career grade": 20.0, "Medical Trainee(s)": 35.0}
STAFF_GROUPS = {
    "Nursing and Midwifery Registered": 26.0, "Additional Clinical Services": 24.0,
    "Allied Health Professionals": 7.0, "Additional Professional Scientific and Technical": 4.0,
    "Healthcare Scientists": 2.0, "Students": 0.5, "Administrative and Clerical": 22.0,
    "Estates and Ancillary": 6.0, "Medical and Dental": 8.5,
}


def pick(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    """`size` values drawn with the given relative weights."""
    values = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()))
    return rng.choice(values, size=size, p=p / p.sum())


def workforce_frame(rows: int, rng: np.random.Generator) -> pd.DataFrame:
    """A wide ESR-style extract; medical staff get medical grades, everyone else AfC bands."""
    staff_group = pick(rng, STAFF_GROUPS, rows)
    medical = staff_group == "Medical and Dental"
    band = pick(rng, AFC_BANDS, rows)
    band[medical] = pick(rng, MEDICAL_GRADES, int(medical.sum()))
    return pd.DataFrame({
        "Employee Number": np.arange(10_000_000, 10_000_000 + rows),
        "Organisation": "RLY North Staffordshire Combined Healthcare",
        "Ethnic Origin": pick(rng, ORIGINS, rows),
        "Pay Band": band,
        "Staff Group": staff_group,
        "Assignment Category": rng.choice(np.array(["Permanent", "Fixed Term Temp"], dtype=object), rows),
        "FTE": rng.choice(np.array(["1.0", "0.8", "0.6"], dtype=object), rows),
    })


def write_pack(folder: Path, rows: int, seed: int) -> None:
    """Write all six files of a synthetic pack."""
    rng = np.random.default_rng(seed)
    staff = workforce_frame(rows, rng)
    staff.to_csv(folder / "workforce.csv", index=False)
    cases = staff.sample(n=max(rows // 500, 1), random_state=seed)
    cases[["Ethnic Origin", "Staff Group"]].to_csv(folder / "disciplinary.csv", index=False)
    trained = staff.sample(frac=0.3, random_state=seed + 1)
    trained[["Employee Number", "Ethnic Origin", "Staff Group"]].to_csv(folder / "training.csv", index=False)
    scale = max(rows // 2000, 1)
    pd.DataFrame({"group": ["White", "BME", "Unknown"], "applications": [2931 * scale, 3843 * scale, 124 * scale],
                  "shortlisted": [1422 * scale, 612 * scale, 40 * scale],
                  "appointed": [418 * scale, 149 * scale, 34 * scale]}).to_csv(folder / "recruitment.csv", index=False)
    pd.DataFrame({"indicator": [5, 5, 6, 6, 7, 7, 8, 8], "group": ["BME", "White"] * 4,
                  "percent": ["30.21%", "24.60%", 20.83, 16.13, 62.77, 67.33, 15.96, 4.76],
                  "responses": [96, 1100, 98, 1116, 94, 1108, 94, 1114]}).to_csv(folder / "survey.csv", index=False)
    pd.DataFrame({"Ethnic Origin": ["N", "A", "A", "H", "A", "A"], "role": ["Executive"] * 3 + ["Non-executive"] * 3,
                  "voting": ["yes", "yes", "no", "yes", "yes", "yes"]}).to_csv(folder / "board.csv", index=False)


def timed_run(folder: Path) -> tuple[float, object]:
    """Seconds to read, validate and compute the pack in `folder`."""
    start = time.perf_counter()
    pack = read_datapack(folder, year=2024)
    result = compute_wres(pack, target_percent=11.17)
    return time.perf_counter() - start, result


def measure(rows: int, seed: int) -> float:
    """Generate a pack of `rows` workforce rows, time it, print the figures; returns seconds."""
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        write_pack(Path(folder), rows, seed)
        generated = time.perf_counter() - started
        megabytes = sum(p.stat().st_size for p in Path(folder).iterdir()) / 1e6
        seconds, result = timed_run(Path(folder))
    overall = result.workforce.overall
    print(f"{rows:>10,} workforce rows ({megabytes:,.1f} MB pack, generated in {generated:.1f} s): "
          f"read + validate + compute {seconds:.2f} s = {rows / seconds:,.0f} rows/s; "
          f"indicator 1 = {overall.percent:.2f}% of {overall.headcount:,}")
    return seconds


def main() -> None:
    """Parse arguments, run both sizes, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_500_000)
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    large = measure(args.rows, args.seed)
    small = measure(args.small, args.seed)
    verdict = "within" if small < 2 else "OVER"
    print(f"{args.small:,}-row extract: {small:.3f} s ({verdict} the 2 s target); "
          f"{small / large:.3f} of the {args.rows:,}-row time for {args.small / args.rows:.3f} of the rows")


if __name__ == "__main__":
    main()
