"""What a board gets unchanged: RAG in Appendix 1, the ratings' month in the headers, headers whose
words fit their columns, rows that split only when too tall for a page, the objectives and goals key
under Appendix 2 (2024), and Appendix 1 in the 2024 Train / Retain / Reform layout."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from io import BytesIO

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from tests.reports.conftest import action
from tracker.reports.documents import PlanDocument, PrintedUpdate, ThemeRow
from tracker.reports.word import build_appendix1, build_appendix2, to_bytes
from tracker.reports.word.metrics import longest_word_width
from tracker.reports.word.tables import CELL_MARGIN, header_size

GENERATED_ON = date(2024, 9, 5)
OBJECTIVES_KEY = ("1. Deliver overall continuous improvement in our EDI core annual responsibilities\n"
                  "2. Make demonstrable progress in reducing health inequalities\n"
                  "3. Advance our position as a leading inclusive organisation\n"
                  "4. Become an inclusive, anti-racist and anti-discriminatory organisation by 2028")
GOALS_KEY = ("1. Debiasing our Trust recruitment processes\n2. Reducing health inequalities\n"
             "3. 'High visibility' focus around anti-discriminatory approach\n4. Educating for inclusion")


def reopen(document):
    return docx.Document(BytesIO(to_bytes(document)))


def texts(tr) -> list[str]:
    return ["\n".join("".join(t.text for t in p.iter(qn("w:t"))) for p in tc.findall(qn("w:p")))
            for tc in tr.findall(qn("w:tc"))]


def rows(document, table: int = 0):
    return document.tables[table]._tbl.findall(qn("w:tr"))


def row_of(document, ref: str):
    return next(tr for tr in rows(document) if texts(tr)[0].startswith(ref + " "))


def fill_of(tc) -> str | None:
    shd = tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    return None if shd is None else shd.get(qn("w:fill"))


def kept_whole(tr) -> bool:
    return tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None


@pytest.fixture
def rated(progress_plan) -> PlanDocument:
    """Seed 000's progress report with ratings of three dates, an unrated action, and categories;
    reported as at 14 October 2021, the latest rating being of September."""
    first, second = progress_plan.themes
    amber = replace(first.actions[0], rag="amber", rag_as_at=date(2021, 9, 1), category="Train")
    green = replace(first.actions[1], rag="green", rag_as_at=date(2021, 6, 1), category="retain")
    blue = replace(second.actions[0], rag="blue", rag_as_at=date(2021, 3, 1), category="Reform")
    unrated = action("2.2", "Reverse mentoring cohort 2", by_who="D&I Lead", status="PROGRESS MADE",
                     category="Train")
    return replace(progress_plan, as_at=date(2021, 10, 14), themes=(
        replace(first, actions=(amber, green)), replace(second, actions=(blue, unrated))))


def test_appendix1_shows_each_actions_rag_word_on_its_shading(rated):
    document = reopen(build_appendix1(rated, include_history=False, generated_on=GENERATED_ON))
    rag = {ref: row_of(document, ref).findall(qn("w:tc"))[5] for ref in ("1.3", "1.4", "2.1", "2.2")}
    assert {ref: (texts(tc.getparent())[5], fill_of(tc)) for ref, tc in rag.items()} == {
        "1.3": ("Amber", "FFC000"),
        "1.4": ("Green\nas at 1 Jun 2021", "00B050"),
        "2.1": ("Blue (complete)\nas at 1 Mar 2021", "0070C0"),
        "2.2": ("Not rated", None),
    }
    word = document.tables[0].rows[2].cells[5].paragraphs[0].runs[0]
    assert (word.text, word.bold) == ("Amber", True)


def test_rag_header_gives_the_month_of_the_latest_rating_shown_not_the_report_or_export_date(rated):
    document = reopen(build_appendix1(rated, include_history=False, generated_on=GENERATED_ON))
    assert texts(rows(document)[0])[5] == "RAG rating (as at 09.21)"
    assert document.paragraphs[2].text == "As at 14 October 2021"
    later = replace(rated, themes=(rated.themes[0],))
    later_amber = replace(later.themes[0].actions[0], rag_as_at=date(2021, 10, 2))
    later = replace(later, themes=(replace(later.themes[0], actions=(later_amber,)),))
    assert texts(rows(reopen(build_appendix1(later, include_history=False, generated_on=GENERATED_ON)))[0])[5] == (
        "RAG rating (as at 10.21)")


def test_appendix2_2024_rag_header_is_the_month_of_the_ratings(plan_2024):
    dated = replace(plan_2024, as_at=date(2024, 11, 30))
    document = reopen(build_appendix2(dated, style="2024", generated_on=GENERATED_ON))
    assert texts(rows(document)[0])[5] == "RAG rating (as at 09.24)"
    unrated = replace(plan_2024, themes=(replace(plan_2024.themes[0], actions=plan_2024.themes[0].actions[1:]),))
    document = reopen(build_appendix2(unrated, style="2024", generated_on=GENERATED_ON))
    assert texts(rows(document)[0])[5] == "RAG rating"


def test_title_is_the_documents_own(rated):
    document = reopen(build_appendix1(rated, include_history=False, generated_on=GENERATED_ON))
    assert document.paragraphs[0].text == "Appendix 1: Progress Report: WRES Action Plan 2020-21"
    assert document.core_properties.title == "Appendix 1: Progress Report: WRES Action Plan 2020-21"


def test_2021_appendix2_has_no_priority_line(plan_2024):
    document = reopen(build_appendix2(plan_2024, style="2021", generated_on=GENERATED_ON))
    lines = [line for tr in rows(document) for text in texts(tr) for line in text.split("\n")]
    assert not [line for line in lines if line.startswith("Priority")]
    assert "Must" not in " ".join(lines)


@pytest.mark.parametrize("build", [
    lambda plan, p24: build_appendix1(plan, include_history=False, generated_on=GENERATED_ON),
    lambda plan, p24: build_appendix1(plan, include_history=False, generated_on=GENERATED_ON, style="2024"),
    lambda plan, p24: build_appendix2(p24, style="2021", generated_on=GENERATED_ON),
    lambda plan, p24: build_appendix2(p24, style="2024", generated_on=GENERATED_ON),
], ids=["appendix1-2021", "appendix1-2024", "appendix2-2021", "appendix2-2024"])
def test_every_header_word_fits_its_column_on_one_line(rated, plan_2024, build):
    table = reopen(build(rated, plan_2024)).tables[0]
    for cell, column in zip(table.rows[0].cells, table.columns):
        run = cell.paragraphs[0].runs[0]
        size = run.font.size.pt if run.font.size else 10
        room = column.width.pt - 2 * CELL_MARGIN.pt
        assert longest_word_width(cell.text, size, bold=True) <= room, (cell.text, size, column.width.mm)
        assert size >= 7


def test_a_header_too_long_for_its_column_shrinks_rather_than_breaking_a_word():
    assert header_size("Comments", Mm(40)).pt == 10
    size = header_size("Accountabilities", Mm(27))
    assert 7 <= size.pt < 10
    assert longest_word_width("Accountabilities", size.pt, bold=True) <= Mm(27).pt - 2 * CELL_MARGIN.pt


def long_history(count: int = 40, words: int = 60) -> tuple[PrintedUpdate, ...]:
    """Updates whose every word is unique ('h07w12'), so a reader can tell that none is lost."""
    return tuple(PrintedUpdate(date(2021, 1 + n % 9, 1 + n % 28), "D&I Lead", "PROGRESS MADE", "amber",
                               " ".join(f"h{n:02d}w{k:02d}" for k in range(words))) for n in range(count))


def test_rows_are_kept_whole_only_when_they_fit_on_a_page(rated):
    first = rated.themes[0]
    long = replace(first.actions[0], history=long_history())
    plan = replace(rated, themes=(replace(first, actions=(long, first.actions[1])), rated.themes[1]))
    document = reopen(build_appendix1(plan, include_history=True, generated_on=GENERATED_ON))
    assert not kept_whole(row_of(document, "1.3"))
    assert all(kept_whole(row_of(document, ref)) for ref in ("1.4", "2.1", "2.2"))
    assert kept_whole(rows(document)[0])
    short = reopen(build_appendix1(plan, include_history=False, generated_on=GENERATED_ON))
    assert kept_whole(row_of(short, "1.3"))


def test_appendix2_2024_prints_the_objectives_and_goals_key_under_the_table(plan_2024):
    keyed = replace(plan_2024, equality_objectives_key=OBJECTIVES_KEY, edi_goals_key=GOALS_KEY)
    document = reopen(build_appendix2(keyed, style="2024", generated_on=GENERATED_ON))
    body = document.element.body
    table = body.find(qn("w:tbl"))
    after = [p for p in document.paragraphs if body.index(p._p) > body.index(table)]
    assert [p.text for p in after] == [
        "Equality objectives and EDI goals",
        "The numbers in columns 2 and 3 in the table above relate to the below.",
        "Equality objectives", *OBJECTIVES_KEY.split("\n"), "EDI goals", *GOALS_KEY.split("\n")]
    assert after[0].style.name == "Heading 2"
    assert after[2].runs[0].bold and after[2].paragraph_format.keep_with_next


def test_no_key_without_keys_or_in_the_2021_layout(plan_2024):
    unkeyed = reopen(build_appendix2(plan_2024, style="2024", generated_on=GENERATED_ON))
    keyed_2021 = reopen(build_appendix2(replace(plan_2024, equality_objectives_key=OBJECTIVES_KEY),
                                        style="2021", generated_on=GENERATED_ON))
    only_goals = reopen(build_appendix2(replace(plan_2024, edi_goals_key=GOALS_KEY), style="2024",
                                        generated_on=GENERATED_ON))
    assert "Equality objectives and EDI goals" not in [p.text for p in unkeyed.paragraphs]
    assert "Equality objectives and EDI goals" not in [p.text for p in keyed_2021.paragraphs]
    texts_ = [p.text for p in only_goals.paragraphs]
    assert "EDI goals" in texts_ and "Equality objectives" not in texts_


def sections(document) -> dict[str, list[str]]:
    """Each theme row's cells after the first, keyed by theme heading."""
    return {texts(tr)[0]: texts(tr)[1:] for tr in rows(document)[1:]}


def test_appendix1_2024_layout_sorts_actions_into_train_retain_reform(rated):
    document = reopen(build_appendix1(rated, include_history=False, generated_on=GENERATED_ON, style="2024"))
    assert texts(rows(document)[0]) == ["WRES Priority Areas", "Train", "Retain", "Reform"]
    assert [round(c.width.mm) for c in document.tables[0].columns] == [57, 70, 70, 70]
    assert sections(document) == {
        "1. WRES action priorities 2020-21": [
            " Amber  1.3 Deliver a Cultural Development Programme on race inclusion across the Trust\n"
            "PART ACHIEVED AND ONGOING This project was agreed at system level to be divided into 2 phases for "
            "delivery in 2021-22.",
            " Green  (as at 1 Jun 2021) 1.4 To continue the support to the original 3 cohorts of Stepping Up "
            "Alumni\nACHIEVED AND ONGOING Alumni 'Check In' session 4.11.20.",
            ""],
        "2. Development": [
            "Not rated: 2.2 Reverse mentoring cohort 2\nPROGRESS MADE",
            "",
            " Blue (complete)  (as at 1 Mar 2021) 2.1 To develop a plan to deliver Wave 2 Staffordshire "
            "Stepping Up\nCANCELLED Reason: Superseded by the system-wide Stepping Up programme in 2021-22."],
    }
    assert "RAG rating (Red, Amber, Green, Blue (complete)) as at 1 September 2021" in document.paragraphs[3].text


def test_appendix1_2024_rag_words_are_shaded_runs_in_readable_colours(rated):
    document = reopen(build_appendix1(rated, include_history=False, generated_on=GENERATED_ON, style="2024"))
    shaded = {}
    for run in document.tables[0]._tbl.iter(qn("w:r")):
        shd = run.find(f"{qn('w:rPr')}/{qn('w:shd')}")
        if shd is not None:
            colour = run.find(f"{qn('w:rPr')}/{qn('w:color')}").get(qn("w:val"))
            shaded["".join(t.text for t in run.iter(qn("w:t"))).strip()] = (shd.get(qn("w:fill")), colour)
    assert shaded == {"Amber": ("FFC000", "000000"), "Green": ("00B050", "000000"),
                      "Blue (complete)": ("0070C0", "FFFFFF")}


def test_appendix1_2024_adds_other_actions_only_for_uncategorised_actions(rated):
    first = rated.themes[0]
    loose = replace(first.actions[1], category="")
    plan = replace(rated, themes=(replace(first, actions=(first.actions[0], loose)),))
    document = reopen(build_appendix1(plan, include_history=True, generated_on=GENERATED_ON, style="2024"))
    assert texts(rows(document)[0]) == ["WRES Priority Areas", "Train", "Retain", "Reform", "Other actions"]
    assert sections(document)["1. WRES action priorities 2020-21"][3].startswith(" Green  (as at 1 Jun 2021) 1.4")
    assert "1 Sep 2021 – 54 of the intended 94 VSLs attended (57.5%). (D&I Lead)" in (
        sections(document)["1. WRES action priorities 2020-21"][0])


def test_unknown_appendix1_style_is_refused(rated):
    with pytest.raises(ValueError, match="Appendix 1 style must be one of 2021, 2024, got '2019'"):
        build_appendix1(rated, include_history=False, generated_on=GENERATED_ON, style="2019")


def test_empty_plan_in_2024_layout_says_so(rated):
    document = reopen(build_appendix1(replace(rated, themes=(ThemeRow("1", "Empty", ()),)), include_history=False,
                                      generated_on=GENERATED_ON, style="2024"))
    assert "This plan has no actions yet." in [p.text for p in document.paragraphs]
    assert "No action has a RAG rating yet." in [p.text for p in document.paragraphs]
