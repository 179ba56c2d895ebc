"""Render a board pack with LibreOffice and read the PDF back (skipped without the tools)."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest

from tracker.reports.word import build_board_pack, to_bytes

TOOLS = ("soffice", "pdftotext", "pdfinfo")
pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in TOOLS),
    reason="needs LibreOffice (soffice) and poppler (pdftotext, pdfinfo) to render the pack; "
           "apt-get install libreoffice-writer-nogui poppler-utils",
)


@pytest.fixture
def pdf(tmp_path, cover, summary, progress_plan, plan_2024):
    source = tmp_path / "pack.docx"
    source.write_bytes(to_bytes(build_board_pack(
        cover, summary, progress_plan, plan_2024, style="2024", include_history=True,
        generated_on=date(2024, 9, 5))))
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return tmp_path / "pack.pdf"


def pdf_info(path) -> dict[str, str]:
    output = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                            text=True).stdout
    return dict(line.split(":", 1) for line in output.splitlines() if ":" in line)


def page_texts(path) -> list[str]:
    output = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                            capture_output=True, text=True).stdout
    return output.split("\f")[:-1]


def test_pack_renders_landscape_pages_with_page_numbers(pdf):
    info = pdf_info(pdf)
    pages = int(info["Pages"])
    width, height = (float(v) for v in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (round(width), round(height)) == (842, 595)
    texts = page_texts(pdf)
    assert len(texts) == pages >= 4
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {pages}" in text
        assert "Generated 5 September 2024" in text
    assert info["Title"].strip() == "Workforce Race Equality Standard (WRES) Report 2024"


def test_pack_text_in_order(pdf):
    text = " ".join(" ".join(page_texts(pdf)[1:]).split())
    markers = ["WRES indicator summary 2021-2024", "Global Majority",
               "Appendix 1: Progress Report", "PART ACHIEVED AND ONGOING",
               "Appendix 2: Inclusion and Belonging", "Action lead",
               "4. Educate for Inclusion"]
    positions = [text.find(marker) for marker in markers]
    assert -1 not in positions, dict(zip(markers, positions))
    assert positions == sorted(positions)


def test_each_part_starts_on_its_own_page(pdf):
    texts = page_texts(pdf)
    starts = [next(i for i, t in enumerate(texts) if i and heading in t) for heading in (
        "WRES indicator summary 2021-2024", "Appendix 1: Progress Report",
        "Appendix 2: Inclusion and Belonging")]
    assert starts == sorted(set(starts))
    assert all(texts[start].lstrip().startswith(heading) for start, heading in zip(starts, (
        "WRES indicator summary", "Appendix 1", "Appendix 2")))
    assert "Lead director: Director of People" in texts[0]
