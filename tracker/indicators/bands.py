"""Pay bands, staff groups and the reporting clusters built from them.

Bands are held as short codes: "<1", "1" … "7", "8a" … "8d", "9", "VSM", "Other pay scale"
(non-medical staff outside Agenda for Change, e.g. "Non AfC"), and the medical grades
"Medical Consultant", "Medical Career Grade", "Medical Trainee", "Medical" (shown as
"Medical (grade not given)").

Medical staff by staff group. A row whose staff group is Medical and Dental is a medical
grade whatever its pay band text says; the grade is read from the words, first match wins:

=====================================================  ===========================
pay band text holds                                    read as
=====================================================  ===========================
"non consultant", "NCCG", "SAS"                        Medical: career grade
"consultant" (e.g. "Consultant", "Locum Consultant")   Medical: consultant
"trainee", "training", "foundation", "registrar",      Medical: trainee
"SpR", "StR", "house officer", "SHO", "FY1", "FY2",
"F1", "F2", "CT1"-"CT3", "ST1"-"ST8", "core"
"career", "specialty doctor", "specialist" (also       Medical: career grade
"Associate Specialist"), "staff grade", "trust grade",
"clinical fellow", "clinical assistant", "hospital
practitioner", "locally employed", "trust doctor"
anything else ("M&D", "Non AfC", "Medical", blank)     Medical (grade not given)
=====================================================  ===========================

Without a staff group (an aggregate file with no category column) only band text that
starts "Medical" or "Dental" is a medical grade ("Medical Consultant").

Other pay scales. Non-medical staff on a pay scale outside Agenda for Change ("Non AfC",
"Non-Agenda for Change", "Other", "Other pay scale", "Local pay", "Spot salary",
"Personal salary") count in the overall workforce as "Other pay scale": they are shown
as their own band, form their own cluster unless the trust's clusters name them, and
are left out of the race disparity ratio and the aspirational targets, which are
defined on AfC bands only.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

AFC_BANDS = ("<1", "1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9")
VSM = "VSM"
OTHER_PAY_SCALE = "Other pay scale"
MEDICAL_CONSULTANT = "Medical Consultant"
MEDICAL_CAREER = "Medical Career Grade"
MEDICAL_TRAINEE = "Medical Trainee"
MEDICAL_NOT_GIVEN = "Medical"
MEDICAL_BANDS = (MEDICAL_CONSULTANT, MEDICAL_CAREER, MEDICAL_TRAINEE, MEDICAL_NOT_GIVEN)
BAND_ORDER = (*AFC_BANDS, VSM, OTHER_PAY_SCALE, *MEDICAL_BANDS)
#: How a band code is described when the preview says how a pay band was read.
READ_AS = {MEDICAL_CONSULTANT: "Medical: consultant", MEDICAL_CAREER: "Medical: career grade",
           MEDICAL_TRAINEE: "Medical: trainee", MEDICAL_NOT_GIVEN: "Medical (grade not given)",
           OTHER_PAY_SCALE: "Other pay scale"}
SENIOR_BANDS = ("8a", "8b", "8c", "8d", "9", VSM)

CLINICAL = "clinical"
NON_CLINICAL = "non-clinical"
MEDICAL = "medical"
NOT_GIVEN = "not given"
CATEGORIES = (CLINICAL, NON_CLINICAL, MEDICAL, NOT_GIVEN)

_AFC = re.compile(r"(?:band )?([1-9])(?: range)? ?([a-d])?")
_UNDER_1 = re.compile(r"(?:(?:under|below|pre) (?:band )?1|(?:band )?<1)")
#: (words, grade), tried in order on the pay band text of medical staff; see the module docstring.
_MEDICAL_GRADES = tuple((re.compile(rf"\b(?:{words})\b"), grade) for words, grade in (
    (r"non consultant|nccg|sas", MEDICAL_CAREER),
    (r"consultants?", MEDICAL_CONSULTANT),
    (r"trainees?|training|foundation|registrars?|spr|str|house officers?|sho|fy[12]|f[12]|ct[1-3]|st[1-8]|core",
     MEDICAL_TRAINEE),
    (r"career|specialty doctors?|specialists?|staff grade|trust grade|clinical fellows?|clinical assistants?"
     r"|hospital practitioners?|locally employed|trust doctors?", MEDICAL_CAREER),
))
_OTHER_PAY_SCALES = re.compile(
    r"(?:non afc|non agenda for change|other|other pay scales?|local pay|local terms|spot salary|spot rate"
    r"|personal salary)(?: pay)?(?: scales?| bands?)?")
_STAFF_GROUPS = {
    "medical and dental": MEDICAL, "medical": MEDICAL,
    "administrative and clerical": NON_CLINICAL, "admin and clerical": NON_CLINICAL,
    "estates and ancillary": NON_CLINICAL, "non clinical": NON_CLINICAL,
    "nursing and midwifery registered": CLINICAL, "nursing and midwifery unregistered": CLINICAL,
    "additional clinical services": CLINICAL, "allied health professionals": CLINICAL,
    "additional professional scientific and technical": CLINICAL,
    "add prof scientific and technic": CLINICAL, "healthcare scientists": CLINICAL,
    "students": CLINICAL, "clinical": CLINICAL,
}
STAFF_GROUP_NAMES = (
    "Medical and Dental", "Nursing and Midwifery Registered", "Additional Clinical Services",
    "Allied Health Professionals", "Additional Professional Scientific and Technical",
    "Healthcare Scientists", "Students", "Administrative and Clerical", "Estates and Ancillary",
)


def _words(text: object) -> str:
    """Lower case, '&' as 'and', punctuation as spaces, single spaces."""
    lowered = str(text).lower().replace("&", " and ").replace("< ", "<")
    return " ".join(re.sub(r"[^a-z0-9<]+", " ", lowered).split())


def medical_grade(text: object) -> str:
    """The medical grade of a medical staff member's pay band text ("Specialty Registrar" → trainee)."""
    words = _words(text)
    return next((grade for pattern, grade in _MEDICAL_GRADES if pattern.search(words)), MEDICAL_NOT_GIVEN)


def normalise_band(text: object, *, medical: bool = False) -> str | None:
    """The band code for pay band text such as "Band 8 - Range A"; None when not a band.

    `medical` says the row's staff group is Medical and Dental: any text is then a medical grade.
    """
    if medical:
        return medical_grade(text)
    words = _words(text)
    if not words:
        return None
    if words.startswith("vsm") or "very senior manager" in words:
        return VSM
    if words.startswith(("medical", "dental")):
        return medical_grade(words)
    if _OTHER_PAY_SCALES.fullmatch(words):
        return OTHER_PAY_SCALE
    words = re.sub(r"^(?:agenda for change |afc )?(?:pay )?", "", words)
    if _UNDER_1.fullmatch(words):
        return "<1"
    match = _AFC.fullmatch(words)
    if not match:
        return None
    number, letter = match.groups()
    if (number == "8") != bool(letter):
        return None
    return number + (letter or "")


def band_label(code: str) -> str:
    """How a band code is shown: "Under Band 1", "Band 8a", "VSM", "Medical Consultant"."""
    if code == "<1":
        return "Under Band 1"
    if code == MEDICAL_NOT_GIVEN:
        return READ_AS[code]
    return f"Band {code}" if code in AFC_BANDS else code


def band_rank(code: str) -> int:
    """Position of a band in reporting order."""
    return BAND_ORDER.index(code) if code in BAND_ORDER else len(BAND_ORDER)


def is_medical_band(code: str) -> bool:
    """True for the medical and dental grades."""
    return code in MEDICAL_BANDS


def category_of_staff_group(text: object) -> str | None:
    """clinical / non-clinical / medical for an ESR staff group; None when not recognised."""
    return _STAFF_GROUPS.get(_words(text))


@dataclass(frozen=True)
class Cluster:
    """A named set of bands; a medical cluster holds every medical staff member."""

    name: str
    bands: frozenset[str] = field(default_factory=frozenset)
    medical: bool = False

    def holds(self, band: str, category: str) -> bool:
        """Whether a staff member of this band and category belongs to the cluster."""
        if category == MEDICAL:
            return self.medical
        return band in self.bands


def _span(first: str, last: str) -> frozenset[str]:
    """The AfC bands from `first` to `last` inclusive (VSM counts as after band 9)."""
    order = (*AFC_BANDS, VSM)
    return frozenset(order[order.index(first): order.index(last) + 1])


DEFAULT_CLUSTERS = (
    Cluster("Band <1-4", _span("<1", "4")),
    Cluster("Band 5-7", _span("5", "7")),
    Cluster("Band 8a-9", _span("8a", "9")),
    Cluster(VSM, frozenset({VSM})),
    Cluster("Medical", medical=True),
)
DISPARITY_CLUSTERS = (
    Cluster("lower", _span("<1", "5")),
    Cluster("middle", _span("6", "7")),
    Cluster("upper", _span("8a", VSM)),
)


def make_clusters(settings: Mapping[str, Iterable[str]]) -> tuple[Cluster, ...]:
    """Clusters from a trust setting {name: [band text, …]}; the word "medical" marks the medical cluster.

    Raises ValueError naming an unknown band or a band placed in two clusters.
    """
    clusters, seen = [], {}
    for name, entries in settings.items():
        bands, medical = set(), False
        for entry in entries:
            if _words(entry) == "medical":
                medical = True
                continue
            code = normalise_band(entry)
            if code is None:
                raise ValueError(f"cluster '{name}': '{entry}' is not a pay band")
            if code in seen:
                raise ValueError(f"band {band_label(code)} is in both '{seen[code]}' and '{name}'")
            seen[code] = name
            bands.add(code)
        clusters.append(Cluster(name, frozenset(bands), medical))
    return tuple(clusters)
