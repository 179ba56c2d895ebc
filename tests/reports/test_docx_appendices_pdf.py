"""Appendices rendered by LibreOffice and read back from the PDF: no header word broken across lines,
and a row taller than a page splits rather than losing text (skipped without the tools)."""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date

import pytest

from tests.reports.test_docx_appendix_ratings import long_history
from tracker.reports.word import build_appendix1, build_appendix2, to_bytes

TOOLS = ("soffice", "pdftotext")
pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in TOOLS),
    reason="needs LibreOffice (soffice) and poppler (pdftotext) to render the appendices; "
           "apt-get install libreoffice-writer-nogui poppler-utils",
)
GENERATED_ON = date(2024, 9, 5)


def render(tmp_path, documents: dict[str, object]) -> dict[str, str]:
    """Each document converted to PDF in one LibreOffice run; the PDFs' words, one per line."""
    for name, document in documents.items():
        (tmp_path / f"{name}.docx").write_bytes(to_bytes(document))
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), *[str(tmp_path / f"{name}.docx") for name in documents]],
        check=True, capture_output=True, timeout=300,
    )
    return {name: subprocess.run(["pdftotext", str(tmp_path / f"{name}.pdf"), "-"], check=True,
                                 capture_output=True, text=True).stdout for name in documents}


@pytest.fixture
def rated_with_long_history(progress_plan):
    first, second = progress_plan.themes
    long = replace(first.actions[0], history=long_history(), rag="amber", rag_as_at=date(2021, 9, 1),
                   category="Train")
    after = replace(first.actions[1], rag="green", rag_as_at=date(2021, 9, 1), category="Retain")
    return replace(progress_plan, themes=(replace(first, actions=(long, after)), second))


def test_long_history_is_printed_in_full_across_pages(tmp_path, rated_with_long_history):
    expected = {word for update in long_history() for word in update.text.split()}
    pdfs = render(tmp_path, {
        style: build_appendix1(rated_with_long_history, include_history=True, generated_on=GENERATED_ON,
                               style=style) for style in ("2021", "2024")})
    for style, text in pdfs.items():
        words = set(text.split())
        assert expected - words == set(), style
        assert len(text.split("\f")) > 3, style
        assert "Alumni 'Check In' session 4.11.20." in " ".join(text.split()), style


def test_no_header_word_is_broken_across_lines(tmp_path, rated_with_long_history, plan_2024):
    documents = {
        "a1-2021": build_appendix1(rated_with_long_history, include_history=False, generated_on=GENERATED_ON),
        "a1-2024": build_appendix1(rated_with_long_history, include_history=False, generated_on=GENERATED_ON,
                                   style="2024"),
        "a2-2021": build_appendix2(plan_2024, style="2021", generated_on=GENERATED_ON),
        "a2-2024": build_appendix2(plan_2024, style="2024", generated_on=GENERATED_ON),
    }
    headers = {name: [cell.text for cell in document.tables[0].rows[0].cells]
               for name, document in documents.items()}
    pdfs = render(tmp_path, documents)
    for name, text in pdfs.items():
        words = set(text.split())
        header_words = {word for header in headers[name] for word in header.split()}
        assert header_words - words == set(), (name, headers[name])
    assert "09.21)" in headers["a1-2021"][5]
