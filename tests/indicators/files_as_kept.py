"""Data-pack files built the way trusts keep them: title rows above the header, a Notes sheet first,
Windows-1252 CSV, medical grades by staff group, "Non AfC", ethnic names without codes, "BAME"."""
from __future__ import annotations

import io

from openpyxl import Workbook

WORKFORCE_HEADER = ["Assignment Number", "Ethnic Origin", "Pay Band", "Staff Group", "Job Role"]

#: (count, ethnic origin as written, pay band as written, staff group) for the workforce extract.
WORKFORCE_ROWS = (
    (14, "White - British", "Consultant", "Medical and Dental"),
    (10, "Asian or Asian British - Indian", "Consultant", "Medical and Dental"),
    (6, "Black or Black British - African", "Specialty Registrar", "Medical and Dental"),
    (4, "White - British", "Specialty Doctor", "Medical and Dental"),
    (2, "Mixed - White & Asian", "Foundation Year 1", "Medical and Dental"),
    (3, "Chinese", "M&D", "Medical and Dental"),
    (5, "White - British", "Non AfC", "Administrative and Clerical"),
    (2, "Any other ethnic group", "Non AfC", "Estates and Ancillary"),
    (20, "White - British", "Band 5", "Nursing and Midwifery Registered"),
    (8, "Black or Black British - African", "Band 5", "Nursing and Midwifery Registered"),
    (3, "Not stated", "Band 6", "Allied Health Professionals"),
    (1, "White - Irish", "Band 8 - Range A", "Administrative and Clerical"),
)


def workbook(sheets: dict[str, list[list]], formats: dict[tuple[str, str], str] | None = None) -> bytes:
    """An .xlsx workbook with these sheets in this order; `formats` sets number formats by (sheet, cell)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for (title, coordinate), number_format in (formats or {}).items():
        book[title][coordinate].number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workforce_rows() -> list[list]:
    """The extract's data rows, one per person."""
    rows, number = [], 1000
    for count, origin, band, group in WORKFORCE_ROWS:
        for _ in range(count):
            number += 1
            rows.append([f"{number}-1", origin, band, group, "Staff"])
    return rows


def workforce_workbook() -> bytes:
    """An ESR extract saved as a workbook: a Notes sheet first, then two title rows and a blank row above the header."""
    return workbook({
        "Notes": [["About this extract"], ["Run from ESR on 31 March 2024 by the workforce information team."],
                  ["Ethnic origin is as recorded by each member of staff."]],
        "Workforce": [["North Staffs Combined - WRES staff in post"], ["As at 31 March 2024"], [],
                      WORKFORCE_HEADER, *workforce_rows()],
    })


def board_csv_cp1252() -> bytes:
    """A board register kept as CSV by Excel on Windows: Windows-1252 text, '£' and 'é', a title row."""
    text = ("Board register 2024 (remuneration in £),,,,\r\n"
            "Name,Title,Ethnic Origin,Role,Voting\r\n"
            "Renée Okafor,Chief Executive,Black or Black British - African,Executive,Yes\r\n"
            "José Martins,Director of Finance,White - British,Executive,Yes\r\n"
            "Zoë Clarke,Chair,White - British,Non-executive,Yes\r\n"
            "Amélie Shah,Non-executive Director,Asian or Asian British - Indian,Non-executive,Yes\r\n"
            "Chloé Brown,Director of People,Not stated,Executive,No\r\n")
    return text.encode("cp1252")


def survey_workbook(values: list[float | str]) -> bytes:
    """Staff survey results, indicators 5 to 8 for BME then White, as a workbook with a title row."""
    rows = [["Staff survey 2023: WRES questions"],
            ["Indicator", "Group", "Percent", "Responses"]]
    groups = [(number, group) for number in (5, 6, 7, 8) for group in ("BAME", "White")]
    rows += [[number, group, value, 100] for (number, group), value in zip(groups, values)]
    return workbook({"Survey": rows})
