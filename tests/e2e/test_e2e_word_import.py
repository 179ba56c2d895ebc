"""The EDI lead checks a trust's own Word plan or plan file before creating it (every field, and every
guess or loss listed in a warning callout above "Create plan"), and keeps the people aliases."""
from __future__ import annotations

import io
import re

import pytest
from browser_support import ADMIN, check_accessibility, describe, sign_in
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HEADERS = ("Ref", "Action", "Relates to WRES indicator(s)", "By who", "By when", "Comments / progress to date",
           "RAG")


def trust_plan() -> bytes:
    document = Document()
    document.add_paragraph("Appendix 2: WRES Action Plan")
    rows = [HEADERS, ("1. Fair recruitment",),
            ("1.1", "Put a Global Majority member on every band 8a+ interview panel", "All", "LF / Head of Nursing and Midwifery",
             "Q3", "PROGRESS MADE\nPanel members trained.\n12/05/2024 - First panels held", ""),
            ("1.2", "Publish shortlisting outcomes by ethnicity each quarter", "2", "PG & LF", "Dec",
             "", "Green - on track")]
    table = document.add_table(rows=len(rows), cols=len(HEADERS))
    for row, texts in zip(table.rows, rows):
        if len(texts) == 1:
            row.cells[0].merge(row.cells[-1]).text = texts[0]
            continue
        for cell, text in zip(row.cells, texts):
            cell.text = text
    table.cell(2, 6)._tc.get_or_add_tcPr().append(
        parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="FFC000"/>'))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_edi_lead_previews_a_trust_word_plan_with_its_warnings(page, live_server):
    sign_in(page, ADMIN)
    page.get_by_role("link", name="Plans", exact=True).click()
    page.get_by_role("link", name="Import a plan from Word").click()
    page.locator("input[type=file][name=file]").set_input_files(files=[{
        "name": "trust-appendix-2.docx", "buffer": trust_plan(),
        "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}])
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url(re.compile(r"/plans/import-docx/[A-Za-z0-9_-]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the plan found in trust-appendix-2.docx")
    callout = page.locator(".nhsuk-warning-callout")
    expect(callout).to_contain_text("Check before you create the plan")
    expect(callout).to_contain_text("Head of Nursing and Midwifery")
    expect(callout).to_contain_text("RAG Amber taken from the cell's shading (#FFC000)")
    first = page.locator(".nhsuk-card", has_text="Put a Global Majority member")
    expect(first).to_contain_text("1, 2, 3, 4, 5, 6, 7, 8, 9")
    expect(first).to_contain_text("PROGRESS MADE")
    second = page.locator(".nhsuk-card", has_text="Publish shortlisting outcomes")
    expect(second).to_contain_text("Green")
    expect(second).to_contain_text("on track")
    problems = check_accessibility(page, "word-import-preview")
    assert not problems, describe(problems)
    assert callout.bounding_box()["y"] < page.get_by_role("button", name="Create plan").bounding_box()["y"]


def test_edi_lead_sees_a_plan_files_guesses_before_create_plan(page, live_server):
    sign_in(page, ADMIN)
    page.goto("/plans/import")
    page.get_by_label("Year").fill("2039-40")
    content = ("ref,action,owners,status,progress,Budget\r\n"
               "1.1,Run a pilot,LF / Head of Nursing and Midwifery,CANCELLED,Replaced by the regional programme,£5k\r\n")
    page.locator("input[type=file][name=file]").set_input_files(files=[{
        "name": "plan.csv", "buffer": content.encode("cp1252"), "mimeType": "text/csv"}])
    page.get_by_role("button", name="Import plan").click()
    page.wait_for_url(re.compile(r"/plans/import/[A-Za-z0-9_-]+$"))
    callout = page.locator(".nhsuk-warning-callout")
    expect(callout).to_contain_text("the progress text is kept as the reason")
    expect(callout).to_contain_text("Budget: This column is not one the import reads")
    expect(page.locator("table")).to_contain_text("Cancelled: Replaced by the regional programme")
    expect(page.get_by_label("Year")).to_have_value("2039-40")
    problems = check_accessibility(page, "plan-file-import-preview")
    assert not problems, describe(problems)


def test_edi_lead_adds_a_people_alias(page, live_server):
    sign_in(page, ADMIN)
    page.get_by_role("link", name="Admin", exact=True).click()
    page.get_by_role("link", name="People aliases").click()
    page.get_by_role("link", name="Add an alias").click()
    page.get_by_label("Text used in plans").fill("Workforce Directors")
    page.get_by_label("Who it stands for").fill("Kerry Smith\nLesley Faux")
    page.get_by_role("button", name="Save alias").click()
    page.wait_for_url(re.compile(r"/admin/aliases$"))
    expect(page.locator("table")).to_contain_text("Workforce Directors")
    expect(page.locator("table")).to_contain_text("Kerry Smith, Lesley Faux")
    problems = check_accessibility(page, "admin-people-aliases")
    assert not problems, describe(problems)
