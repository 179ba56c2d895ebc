"""The board pack carries the plan's RAG by theme and RAG over time charts, each with its figures table."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from tracker.actions.models import ProgressUpdate
from tracker.extensions import db
from tracker.reports import service

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "reports"


@pytest.fixture
def pack_bytes(app, make_plan, make_action, fixed_today, monkeypatch) -> bytes:
    fixed_today(date(2024, 10, 2))
    monkeypatch.setattr(service, "indicator_summary", lambda: service.EMPTY_SUMMARY)
    plan = make_plan(themes=("Inclusive recruitment", "Disciplinary disparity"))
    recruitment, discipline = plan.themes
    first = make_action(plan, "1.1", theme=recruitment, rag="green", rag_as_at=date(2024, 8, 1))
    make_action(plan, "1.2", theme=recruitment, rag="red", rag_as_at=date(2024, 9, 10))
    make_action(plan, "2.1", theme=discipline)
    db.session.add(ProgressUpdate(action_id=first.id, as_at=date(2024, 5, 2), rag="amber", narrative="Started",
                                  posted_at=datetime(2024, 5, 2, 9)))
    db.session.commit()
    return service.export_document(service.load_plan(plan.id),
                                   service.ExportOptions("pack", as_at=date(2024, 9, 30))).content


def _cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_pack_has_both_charts_with_alt_text_giving_every_figure(pack_bytes):
    document = docx.Document(BytesIO(pack_bytes))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "Action plan 2024-25: RAG by theme and over time") in headings
    assert ("Heading 2", "Actions by theme and RAG on 30 September 2024") in headings
    assert ("Heading 2", "Actions at each RAG at the end of each month") in headings
    pictures = {doc_pr.get("title"): doc_pr.get("descr") for doc_pr in document.element.body.iter(qn("wp:docPr"))}
    assert "1. Inclusive recruitment: Red 1, Green 1." in pictures["Actions by theme and RAG on 30 September 2024"]
    over_time = pictures["Actions at each RAG at the end of each month"]
    assert "Apr 2024: Not rated 3." in over_time
    assert "May 2024: Amber 1, Not rated 2." in over_time
    assert "Sep 2024: Red 1, Green 1, Not rated 1." in over_time
    assert len(document.inline_shapes) == 2


def test_each_chart_is_followed_by_its_figures(pack_bytes):
    document = docx.Document(BytesIO(pack_bytes))
    by_theme, by_month = document.tables[:2]
    assert _cells(by_theme) == [
        ["Theme", "Red", "Amber", "Green", "Blue (complete)", "Not rated", "Total"],
        ["1. Inclusive recruitment", "1", "0", "1", "0", "0", "2"],
        ["2. Disciplinary disparity", "0", "0", "0", "0", "1", "1"],
    ]
    assert [row[0] for row in _cells(by_month)[1:]] == ["Apr 2024", "May 2024", "Jun 2024", "Jul 2024", "Aug 2024",
                                                       "Sep 2024"]
    assert _cells(by_month)[5] == ["Aug 2024", "0", "0", "1", "0", "2", "3"]


@pytest.mark.skipif(any(shutil.which(tool) is None for tool in ("soffice", "pdftotext", "pdftoppm")),
                    reason="needs LibreOffice and poppler to render the pack")
def test_the_chart_pages_render_with_the_figures_beneath(pack_bytes, tmp_path):
    source = tmp_path / "pack.docx"
    source.write_bytes(pack_bytes)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    pages = subprocess.run(["pdftotext", "-layout", str(tmp_path / "pack.pdf"), "-"], check=True,
                           capture_output=True, text=True).stdout.split("\f")
    theme_page = next(n for n, text in enumerate(pages) if "Chart 1: Actions by theme and RAG" in text)
    assert "2. Disciplinary disparity" in pages[theme_page]
    assert "Actions at each RAG at the end of each month" in pages[theme_page + 1]
    assert "Sep 2024" in pages[theme_page + 1]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(theme_page + 1), "-l", str(theme_page + 2),
                    str(tmp_path / "pack.pdf"), str(ARTIFACTS / "pack-plan-charts")], check=True, timeout=120)
    assert sorted(ARTIFACTS.glob("pack-plan-charts-*.png"))
