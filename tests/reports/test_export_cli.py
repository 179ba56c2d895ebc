"""`flask plan export-docx`: writes the document, prints its path, and fails clearly."""
from __future__ import annotations

from datetime import date

import docx
import pytest

from tracker.actions.service import ActionData, UpdateData, create_action, post_update
from tracker.extensions import db
from tracker.plans.service import PlanData, add_theme, create_plan
from tracker.reports import service

TODAY = date(2024, 9, 5)


@pytest.fixture
def plan(app, make_user, fixed_today, monkeypatch):
    fixed_today(TODAY)
    monkeypatch.setattr(service, "indicator_summary", lambda: service.EMPTY_SUMMARY)
    plan = create_plan(PlanData(year="2024-25", title="WRES action plan 2024-25"), None)
    theme = add_theme(plan, "1", "Inclusive recruitment", None)
    action = create_action(plan, ActionData(ref="1.1", text="Debias shortlisting", theme=theme, lead_text="AS",
                                            by_when="Oct 2024", priority="Should"), None)
    post_update(action, UpdateData(status="ACHIEVED", rag="blue", narrative="Toolkit launched",
                                   as_at=date(2024, 8, 1)), make_user("admin", name="Lesley Faux"), historical=True)
    db.session.commit()
    return plan


def _first_row(path) -> list[str]:
    """The first action row (after the header and theme rows), one text per cell."""
    return ["\n".join(p.text for p in cell.paragraphs) for cell in docx.Document(str(path)).tables[0].rows[2].cells]


def test_appendix1_with_history(runner, plan, tmp_path):
    out = tmp_path / "a1.docx"
    result = runner.invoke(args=["plan", "export-docx", "--plan", str(plan.id), "--document", "appendix1",
                                 "--as-at", "2024-09-30", "--history", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out)
    document = docx.Document(str(out))
    assert document.paragraphs[0].text == "Appendix 1: Progress Report: WRES action plan 2024-25"
    assert document.paragraphs[2].text == "As at 30 September 2024"
    assert _first_row(out)[3] == "ACHIEVED\nToolkit launched\n1 Aug 2024 – Toolkit launched (Lesley Faux)"
    assert _first_row(out)[5] == "Blue (complete)"


def test_appendix2_styles_and_default_as_at(runner, plan, tmp_path):
    for style, last_header in (("2021", "Where reported / monitored"), ("2024", "RAG rating (as at 08.24)")):
        out = tmp_path / f"a2-{style}.docx"
        result = runner.invoke(args=["plan", "export-docx", "--plan", str(plan.id), "--document", "appendix2",
                                     "--style", style, "--out", str(out)])
        assert result.exit_code == 0, result.output
        document = docx.Document(str(out))
        assert document.tables[0].rows[0].cells[-1].text == last_header
        assert document.paragraphs[2].text == "As at 5 September 2024"


def test_indicators_and_pack(runner, plan, tmp_path):
    for document_name, heading in (("indicators", "WRES indicator summary"),
                                   ("pack", "Workforce Race Equality Standard (WRES) Report 2024-25")):
        out = tmp_path / f"{document_name}.docx"
        result = runner.invoke(args=["plan", "export-docx", "--plan", str(plan.id), "--document", document_name,
                                     "--no-history", "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert docx.Document(str(out)).paragraphs[0].text == heading


def test_same_command_twice_gives_identical_files(runner, plan, tmp_path):
    outputs = []
    for name in ("one.docx", "two.docx"):
        runner.invoke(args=["plan", "export-docx", "--plan", str(plan.id), "--document", "pack",
                            "--as-at", "2024-09-30", "--out", str(tmp_path / name)])
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1] and len(outputs[0]) > 10_000


def test_unknown_plan_fails_with_a_clear_message(runner, plan, tmp_path):
    out = tmp_path / "x.docx"
    result = runner.invoke(args=["plan", "export-docx", "--plan", "999999", "--document", "appendix1",
                                 "--out", str(out)])
    assert result.exit_code == 1
    assert "There is no plan with id 999999" in result.output
    assert not out.exists()


def test_bad_options_fail(runner, plan, tmp_path):
    out = tmp_path / "x.docx"
    bad_document = runner.invoke(args=["plan", "export-docx", "--plan", str(plan.id), "--document", "appendix3",
                                       "--out", str(out)])
    assert bad_document.exit_code == 2 and "'appendix3' is not one of" in bad_document.output
    bad_date = runner.invoke(args=["plan", "export-docx", "--plan", str(plan.id), "--document", "appendix1",
                                   "--as-at", "30/09/2024", "--out", str(out)])
    assert bad_date.exit_code == 2 and "'30/09/2024' does not match the format '%Y-%m-%d'" in bad_date.output
    unwritable = runner.invoke(args=["plan", "export-docx", "--plan", str(plan.id), "--document", "appendix1",
                                     "--out", str(tmp_path / "missing" / "x.docx")])
    assert unwritable.exit_code == 1 and "Could not write" in unwritable.output
    assert not out.exists()


def test_appendix1_style_2024_gives_train_retain_reform_and_2021_stays_the_default(runner, plan, tmp_path):
    headers = {}
    for style in ("2024", None):
        out = tmp_path / f"a1-{style}.docx"
        result = runner.invoke(args=["plan", "export-docx", "--plan", str(plan.id), "--document", "appendix1",
                                     "--as-at", "2024-09-30", *(["--style", style] if style else []),
                                     "--out", str(out)])
        assert result.exit_code == 0, result.output
        headers[style] = [cell.text for cell in docx.Document(str(out)).tables[0].rows[0].cells]
    assert headers["2024"] == ["WRES Priority Areas", "Train", "Retain", "Reform", "Other actions"]
    assert headers[None][:2] == ["Action", "By who"] and headers[None][5] == "RAG rating (as at 08.24)"


def test_the_pack_takes_its_appendix1_layout_from_appendix1_style(runner, plan, tmp_path):
    out = tmp_path / "pack.docx"
    result = runner.invoke(args=["plan", "export-docx", "--plan", str(plan.id), "--document", "pack",
                                 "--as-at", "2024-09-30", "--appendix1-style", "2024", "--out", str(out)])
    assert result.exit_code == 0, result.output
    first_rows = [[cell.text for cell in table.rows[0].cells] for table in docx.Document(str(out)).tables]
    assert ["WRES Priority Areas", "Train", "Retain", "Reform", "Other actions"] in first_rows


def test_hia_column_and_wdes_summary_from_the_command_line(runner, plan, tmp_path):
    plan.actions[0].high_impact_actions = [6, 2]
    db.session.commit()
    paths = {name: tmp_path / f"{name}.docx" for name in ("plain", "hia", "wdes")}
    for name, extra in (("plain", ["--document", "appendix2"]), ("hia", ["--document", "appendix2", "--hia"]),
                        ("wdes", ["--document", "wdes"])):
        result = runner.invoke(args=["plan", "export-docx", "--plan", str(plan.id), *extra, "--style", "2021",
                                     "--out", str(paths[name])])
        assert result.exit_code == 0, result.output
    headers = {name: [c.text for c in docx.Document(str(paths[name])).tables[0].rows[0].cells]
               for name in ("plain", "hia")}
    assert "HIA" not in headers["plain"] and headers["hia"][2] == "HIA"
    assert _first_row(paths["hia"])[2] == "HIA 2; HIA 6"
    assert [p.text for p in docx.Document(str(paths["wdes"])).paragraphs] == [
        "WDES summary", "No WDES figures are stored yet, so there is no summary to show."]
