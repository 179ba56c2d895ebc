"""Rebuild the row-level fixtures from the published tables (run by hand, not by pytest).

pack_2024/workforce.csv expands Table 4 of the 2024 report (seeds/001…, headcount at
31.3.24 by band × clinical / non-clinical / medical × group) into one ESR-style row
per staff member; pack_2024_aggregate/workforce.csv is the same table as counts.
"""
from __future__ import annotations

import csv
import random
from itertools import cycle
from pathlib import Path

HERE = Path(__file__).parent

#: Table 4, 2024: (category, ESR pay band text, BME, White, Unknown).
TABLE_4_2024 = [
    ("clinical", "Under Band 1", 1, 15, 0), ("clinical", "Band 2", 1, 15, 0),
    ("clinical", "Band 3", 57, 257, 2), ("clinical", "Band 4", 7, 131, 1),
    ("clinical", "Band 5", 42, 154, 3), ("clinical", "Band 6", 26, 333, 4),
    ("clinical", "Band 7", 15, 217, 2), ("clinical", "Band 8 - Range A", 1, 85, 0),
    ("clinical", "Band 8 - Range B", 1, 26, 0), ("clinical", "Band 8 - Range C", 1, 21, 0),
    ("clinical", "Band 8 - Range D", 0, 2, 0),
    ("medical", "Medical Career grade", 11, 13, 1), ("medical", "Medical Consultant", 16, 8, 0),
    ("medical", "Medical Trainee(s)", 17, 6, 0),
    ("non-clinical", "Under Band 1", 0, 5, 0), ("non-clinical", "Band 1", 0, 3, 0),
    ("non-clinical", "Band 2", 5, 83, 0), ("non-clinical", "Band 3", 1, 116, 1),
    ("non-clinical", "Band 4", 3, 55, 1), ("non-clinical", "Band 5", 2, 57, 0),
    ("non-clinical", "Band 6", 3, 31, 0), ("non-clinical", "Band 7", 0, 20, 0),
    ("non-clinical", "Band 8 - Range A", 2, 24, 0), ("non-clinical", "Band 8 - Range B", 0, 10, 0),
    ("non-clinical", "Band 8 - Range C", 1, 5, 0), ("non-clinical", "Band 8 - Range D", 1, 7, 0),
    ("non-clinical", "VSM", 1, 6, 0),
]
STAFF_GROUPS = {
    "clinical": ["Nursing and Midwifery Registered", "Additional Clinical Services",
                 "Allied Health Professionals", "Additional Professional Scientific and Technical"],
    "non-clinical": ["Administrative and Clerical", "Estates and Ancillary"],
    "medical": ["Medical and Dental"],
}
ORIGINS = {
    "BME": ["N Black or Black British - African", "H Asian or Asian British - Indian",
            "J Asian or Asian British - Pakistani", "M Black or Black British - Caribbean",
            "L Asian or Asian British - Any other Asian background", "R Chinese",
            "D Mixed - White & Black Caribbean", "S Any Other Ethnic Group", "PC Black Nigerian"],
    "White": ["A White - British", "A White - British", "A White - British", "B White - Irish",
              "C White - Any other White background", "CA White English"],
    "Unknown": ["Z Not Stated", ""],
}


def expand() -> list[dict[str, str]]:
    """One row per person, in a shuffled but fixed order."""
    rows, origins = [], {group: cycle(values) for group, values in ORIGINS.items()}
    for category, band, *counts in TABLE_4_2024:
        groups = cycle(STAFF_GROUPS[category])
        for group, count in zip(("BME", "White", "Unknown"), counts):
            rows += [{"Pay Band": band, "Staff Group": next(groups), "Ethnic Origin": next(origins[group])}
                     for _ in range(count)]
    random.Random(2024).shuffle(rows)
    return [{"Employee Number": str(10000001 + i), **row} for i, row in enumerate(rows)]


def write(path: Path, header: list[str], rows: list) -> None:
    """A CSV with a header row."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    """Write both workforce fixtures."""
    people = expand()
    header = ["Employee Number", "Ethnic Origin", "Pay Band", "Staff Group"]
    write(HERE / "pack_2024" / "workforce.csv", header, [[row[h] for h in header] for row in people])
    aggregate = [[band, category, group, count]
                 for category, band, *counts in TABLE_4_2024
                 for group, count in zip(("BME", "White", "Unknown"), counts) if count]
    write(HERE / "pack_2024_aggregate" / "workforce.csv", ["band", "category", "group", "headcount"], aggregate)


if __name__ == "__main__":
    main()
