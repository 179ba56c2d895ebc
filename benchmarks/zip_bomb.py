"""Time refusing a zip bomb against reading an ordinary upload, and against what openpyxl alone did with it.

Builds (in memory, in a moment) a workbook and a Word document of about 1 MB that would unpack to
378 MB, and an ordinary data pack (the test pack, its workforce file as .xlsx) and an ordinary
300-action plan workbook. Prints the median time to refuse each bomb, to read each ordinary file,
and, in a separate Python with only openpyxl loaded (no fix applied), how long opening the bomb
took before (stopped at --before-timeout seconds).

Run: PYTHONPATH=. .venv/bin/python benchmarks/zip_bomb.py [--megabytes 378] [--repeat 5] [--before-timeout 60]
"""
from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from tests import zip_bombs
from tracker.indicators.datapack import read_datapack
from tracker.plans.file_reader import TransferError, read_plan
from tracker.reports.docx_reader import DocxReadError, read_plan_tables
from tracker.spreadsheets import Unreadable, read_table

PACK = Path(__file__).resolve().parent.parent / "tests" / "indicators" / "data" / "pack_2024"
BEFORE = """
import io, sys, time
from openpyxl import load_workbook
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
book = load_workbook(io.BytesIO(data), read_only=True)
opened = time.perf_counter() - start
rows = sum(1 for _ in zip(range(5001), book.worksheets[0].iter_rows()))
print(f"{opened:.2f} {time.perf_counter() - start:.2f}")
"""


def median_seconds(work, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def refused(work) -> None:
    try:
        work()
    except (Unreadable, DocxReadError, TransferError):
        return
    raise SystemExit("the bomb was not refused")


def ordinary_pack() -> dict[str, bytes]:
    files = {path.name: path.read_bytes() for path in sorted(PACK.iterdir())}
    workforce = pd.read_csv(io.BytesIO(files.pop("workforce.csv")), dtype=str)
    buffer = io.BytesIO()
    workforce.to_excel(buffer, index=False)
    files["workforce.xlsx"] = buffer.getvalue()
    return files


def ordinary_plan(actions: int = 300) -> bytes:
    header = ["ref", "theme", "action", "indicators", "owners", "by_when", "progress"]
    rows = [[f"{1 + n // 50}.{1 + n % 50}", f"{1 + n // 50}. Theme {1 + n // 50}", f"Action number {n} " * 5, "2, 3",
             "Lesley Faux; Kerry Jones", "Q3 2024-25", "Progress made this quarter " * 4] for n in range(actions)]
    return zip_bombs.small_workbook([header, *rows])


def before(bomb: bytes, timeout: float) -> str:
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
        file.write(bomb)
        file.flush()
        try:
            done = subprocess.run([sys.executable, "-c", BEFORE, file.name], capture_output=True, text=True,
                                  timeout=timeout, check=True)
        except subprocess.TimeoutExpired:
            return f"more than {timeout:.0f} s (stopped)"
    opened, read = done.stdout.split()
    return f"{float(opened):.1f} s to open, {float(read):.1f} s to read the first 5,001 rows"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=378, help="What each bomb would unpack to.")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before-timeout", type=float, default=60, help="Seconds before openpyxl alone is stopped.")
    options = parser.parse_args()

    workbook, document = zip_bombs.workbook_bomb(options.megabytes), zip_bombs.document_bomb(options.megabytes)
    pack, plan, word = ordinary_pack(), ordinary_plan(), zip_bombs.small_document()
    rows = [
        (f"refuse a {len(workbook) / 1e6:.1f} MB workbook declaring {options.megabytes} MB (plan import)",
         median_seconds(lambda: refused(lambda: read_plan(workbook, "plan.xlsx")), options.repeat)),
        ("refuse the same workbook as a data-pack file",
         median_seconds(lambda: refused(lambda: read_table("workforce.xlsx", workbook)), options.repeat)),
        (f"refuse a {len(document) / 1e6:.1f} MB Word document declaring {options.megabytes} MB",
         median_seconds(lambda: refused(lambda: read_plan_tables(document, name="plan.docx")), options.repeat)),
        (f"read the test data pack, workforce as .xlsx ({len(pack['workforce.xlsx']) / 1e3:.0f} KB)",
         median_seconds(lambda: read_datapack(pack, year=2024), options.repeat)),
        (f"read a 300-action plan workbook ({len(plan) / 1e3:.0f} KB)",
         median_seconds(lambda: read_plan(plan, "plan.xlsx"), options.repeat)),
        ("read a one-table Word plan", median_seconds(lambda: read_plan_tables(word, name="plan.docx"),
                                                      options.repeat)),
    ]
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1000:9.2f} ms")
    ratio = rows[3][1] / rows[1][1]
    print(f"refusing the workbook bomb takes 1/{ratio:,.0f} of the time of reading the ordinary pack")
    print(f"before (openpyxl alone on the workbook bomb): {before(workbook, options.before_timeout)}")


if __name__ == "__main__":
    main()
