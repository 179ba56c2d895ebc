"""Small, messy WDES data packs for the import tests, with their figures worked out by hand; the 20-staff
extract (each row explained in tests/indicators/test_wdes.py) and the two years the page, Word and
browser tests store."""
from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook

from tracker.indicators.wdes import CapabilityYear, Recruitment, WdesInputs, WdesResult, compute_wdes
from tracker.indicators.wdes_readers import read_datapack_with_disability
from tracker.indicators.wdes_results import Voices, WdesWorkforce

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


#: Staff group, pay band, ethnic origin, disability: 5 Disabled, 9 non-disabled, 6 not declared.
ROWS = [
    ("Administrative and Clerical", "Band 2", "A White - British", "Yes"),
    ("Administrative and Clerical", "Band 3", "N Black or Black British - African", "No"),
    ("Administrative and Clerical", "Band 4", "A White - British", "Not Declared"),
    ("Administrative and Clerical", "Band 5", "H Asian or Asian British - Indian", "no"),
    ("Administrative and Clerical", "Band 8 - Range A", "A White - British", " YES "),
    ("Administrative and Clerical", "Band 8 - Range C", "Z Not Stated", ""),
    ("Estates and Ancillary", "Band 2", "C White - Any other White background", "Prefer Not To Answer"),
    ("Administrative and Clerical", "VSM", "A White - British", "No"),
    ("Nursing and Midwifery Registered", "Band 5", "A White - British", "Y Yes"),
    ("Nursing and Midwifery Registered", "Band 5", "N Black or Black British - African", "N No"),
    ("Nursing and Midwifery Registered", "Band 6", "A White - British", "Unspecified"),
    ("Nursing and Midwifery Registered", "Band 7", "R Chinese", "No"),
    ("Allied Health Professionals", "Band 8 - Range B", "A White - British", "No"),
    ("Additional Clinical Services", "Band 3", "M Black or Black British - Caribbean", "Yes"),
    ("Additional Clinical Services", "Band 2", "A White - British", "not declared"),
    ("Medical and Dental", "Consultant", "H Asian or Asian British - Indian", "No"),
    ("Medical and Dental", "Consultant", "A White - British", "Yes"),
    ("Medical and Dental", "Specialty Doctor", "J Asian or Asian British - Pakistani", "No"),
    ("Medical and Dental", "Specialty Registrar", "A White - British", "Prefer not to answer"),
    ("Medical and Dental", "Foundation Year 1", "N Black or Black British - African", "No"),
]
#: Six board members: executives (voting Disabled, voting non-disabled, non-voting non-disabled);
#: non-executives (non-disabled, not declared, non-disabled).
BOARD_MEMBERS = pd.DataFrame({
    "disability": ["Disabled", "Non-disabled", "Non-disabled", "Non-disabled", "Not declared", "Non-disabled"],
    "role": ["executive"] * 3 + ["non-executive"] * 3,
    "voting": [True, True, False, True, True, True], "members": [1] * 6,
})


def extract_csv(rows=ROWS) -> bytes:
    """The rows as an ESR CSV, with the extra columns a real extract has."""
    frame = pd.DataFrame(rows, columns=["Staff Group", "Pay Band", "Ethnic Origin", "Disability"])
    frame.insert(0, "Employee Number", range(1001, 1001 + len(frame)))
    frame["Assignment Category"] = "Permanent"
    return frame.to_csv(index=False).encode()


def workforce(rows, year: int) -> WdesWorkforce:
    """The WDES workforce of the rows, read as the import reads an extract."""
    return read_datapack_with_disability({"workforce.csv": extract_csv(rows)}, year=year).workforce_by_disability


def two_results() -> list[WdesResult]:
    """2024 (the first 10 staff) and 2025 (all 20), worked by hand in tests/indicators/test_wdes_pages.py."""
    return [compute_wdes(WdesInputs(
        year=2024, workforce=workforce(ROWS[:10], 2024),
        recruitment=Recruitment({"non-disabled": 300, "Disabled": 50}, {"non-disabled": 60, "Disabled": 5}),
        survey={"4a_i": {"disabled": 35.0, "non_disabled": 24.0}, "8": {"disabled": 72.0}},
        engagement={"disabled": 6.2, "non_disabled": 7.1, "overall": 6.9},
    )), compute_wdes(WdesInputs(
        year=2025, workforce=workforce(ROWS, 2025),
        recruitment=Recruitment({"non-disabled": 400, "Disabled": 45}, {"non-disabled": 100, "Disabled": 9}),
        capability=(CapabilityYear(2025, 2, 3), CapabilityYear(2024, 0, 5)),
        survey={"4a_i": {"disabled": 30.5, "non_disabled": 25.1, "disabled_responses": 180}, "8": {"disabled": 70.2}},
        engagement={"disabled": 6.5, "non_disabled": 7.0, "overall": 6.9},
        voices=Voices(True, "Disability network chair sits on the People Committee."),
        board=BOARD_MEMBERS,
    ))]
