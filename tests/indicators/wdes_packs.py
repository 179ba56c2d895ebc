"""Small, messy WDES data packs for the import tests, with their figures worked out by hand."""
from __future__ import annotations

import io

from openpyxl import Workbook

#: The workforce: 5 Disabled ("Yes" ×4, "Y"), 30 non-disabled ("No"), 7 not declared
#: ("Not Declared" ×3, "Prefer Not To Answer", "Unspecified", blank ×2): 42 staff.
DISABILITY_VALUES = ["Yes"] * 4 + ["Y"] + ["No"] * 30 + ["Not Declared"] * 3 + \
    ["Prefer Not To Answer", "Unspecified", None, None]
DISABLED, NON_DISABLED, NOT_DECLARED, HEADCOUNT = 5, 30, 7, 42


def workforce_xlsx(values=DISABILITY_VALUES) -> bytes:
    """An ESR extract as kept: a notes sheet first, then title rows, a blank row, the header and the staff."""
    book = Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["This workbook is the ESR extract for the WRES and the WDES."])
    notes.append(["Run on 1 April 2025."])
    sheet = book.create_sheet("Staff")
    sheet.append(["Example NHS Trust: staff in post at 31 March 2025"])
    sheet.append(["Source: ESR"])
    sheet.append([])
    sheet.append(["Employee Number", "Ethnic Origin", "Disability", "Pay Band", "Staff Group"])
    for number, value in enumerate(values, start=1):
        ethnic = "A White - British" if number % 3 else "H Indian"
        band, group = ("Band 5", "Nursing and Midwifery Registered") if number % 2 else \
            ("Band 3", "Administrative and Clerical")
        sheet.append([number, ethnic, value, band, group])
        if number == 20:
            sheet.append([])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


#: Capability entries, this year and last: Disabled (2 + 0) / 2 = 1, non-disabled (4 + 2) / 2 = 3 a year;
#: metric 3 = (1 / 5) / (3 / 30) = 2.0.
CAPABILITY = b"group,entries,year\nDisabled,2,2025\nNon-disabled,4,2025\nDisabled,0,2024\nNon-disabled,2,2024\n"
#: Recruitment by group: non-disabled 100 / 400 = 0.25, Disabled 20 / 100 = 0.2; metric 2 = 1.25.
RECRUITMENT = b"Group,Shortlisted,Appointed\nDisabled,100,20\nNon-disabled,400,100\nNot declared,10,1\n"
SURVEY = (
    b"WDES staff survey results 2024\n\n"
    b"Metric,Group,Percent,Responses\n"
    b"4a(i),Disabled,30.5%,210\n4a(i),Non-disabled,25.25%,900\n"
    b"4a ii,Disabled,15,210\n4a ii,Non-disabled,10,900\n"
    b"8,Disabled,71.2,210\n"
    b"9a,Disabled,6.5,\n9a,Non-disabled,7.0,\n9a,overall,6.9,\n"
)
#: KMPT's board: 13 voting members (8 non-executive, 5 executive), none declared Disabled.
BOARD = ("Disability,Role,Voting\n" + "No,Non-executive,Yes\n" * 8 + "No,Executive,Yes\n" * 5).encode()


def pack(**replace: bytes) -> dict[str, bytes]:
    files = {"workforce.xlsx": workforce_xlsx(), "recruitment.csv": RECRUITMENT, "capability.csv": CAPABILITY,
             "survey.csv": SURVEY, "board.csv": BOARD}
    files.update(replace)
    return {name: data for name, data in files.items() if data is not None}
