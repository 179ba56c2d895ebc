"""ESR ethnic origin → the three WRES groups: White, BME, Unknown.

White = codes A, B, C; BME = codes D to S; Unknown = Z, blank or anything else.
Old ESR codes: 0 White, 1-8 BME, 9 not given. ESR values look like
"A White - British" or "N Black or Black British - African"; sub-codes such as
"CA White - English" follow their first letter.

The NHS data dictionary names of the 2001 census categories, written without their code
letter, read as the coded forms do: "White - British" is A, "Black or Black British -
African" is N, "Mixed - White & Asian" is F, "Chinese" is R, "Not stated" is Z. Case,
"&" for "and", and the spacing and dash between the heading and the name do not matter,
and the heading may be shortened ("White British", "Black African", "Asian Indian") or left
out ("Indian", "Any other ethnic group"). A name under one of the headings that is not in
the list ("White - Polish", "Asian - Sri Lankan") follows its heading.

Group names in aggregate files: "White", "BME", and the other names people use for the
BME group: "BAME", "Global Majority", "Ethnic minority", "Minority ethnic", "Black and
minority ethnic", "Black, Asian and minority ethnic" (plural forms and "staff"/"groups"
endings too), besides the trust's own label from the settings.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

WHITE = "White"
BME = "BME"
UNKNOWN = "Unknown"
GROUPS = (WHITE, BME, UNKNOWN)

_CODE = re.compile(r"^([A-Z][A-Z0-9]?|[0-9])(?:\s|$)")
_BARE_LETTER = re.compile(r"^[a-z]$")
_NOT_KNOWN = {
    "", "unknown", "not known", "not stated", "not disclosed", "not given",
    "prefer not to say", "undefined", "unspecified", "nk", "ns", "na", "n/a", "n/k",
}
_GROUP_WORDS = {"white": WHITE, "bme": BME}
#: Other names for the BME group, as words (see `_words`).
_BME_NAMES = {
    "bme", "bame", "global majority", "ethnic minority", "ethnic minorities", "minority ethnic",
    "black and minority ethnic", "black and minority ethnics", "black and ethnic minority",
    "black and ethnic minorities", "black asian and minority ethnic", "black asian and ethnic minority",
    "black and minority ethnic bme", "black asian and minority ethnic bame", "global majority gm",
}
_GROUP_ENDINGS = re.compile(r" (?:staff|groups?|people|colleagues|background)$")

#: The NHS data dictionary's 2001 census categories: code → (heading, name).
CATEGORIES_2001 = {
    "A": ("White", "British"), "B": ("White", "Irish"), "C": ("White", "Any other White background"),
    "D": ("Mixed", "White and Black Caribbean"), "E": ("Mixed", "White and Black African"),
    "F": ("Mixed", "White and Asian"), "G": ("Mixed", "Any other mixed background"),
    "H": ("Asian or Asian British", "Indian"), "J": ("Asian or Asian British", "Pakistani"),
    "K": ("Asian or Asian British", "Bangladeshi"), "L": ("Asian or Asian British", "Any other Asian background"),
    "M": ("Black or Black British", "Caribbean"), "N": ("Black or Black British", "African"),
    "P": ("Black or Black British", "Any other Black background"),
    "R": ("Other Ethnic Groups", "Chinese"), "S": ("Other Ethnic Groups", "Any other ethnic group"),
    "Z": ("", "Not stated"),
}
_HEADINGS = {
    "White": ("white",),
    "Mixed": ("mixed", "mixed multiple ethnic groups", "mixed or multiple ethnic groups", "mixed ethnic groups"),
    "Asian or Asian British": ("asian or asian british", "asian", "asian british"),
    "Black or Black British": ("black or black british", "black", "black british",
                               "black african caribbean or black british"),
    "Other Ethnic Groups": ("other ethnic groups", "other ethnic group", "other"),
}
_HEADING_GROUP = {word: (WHITE if heading == "White" else BME)
                  for heading, words in _HEADINGS.items() for word in words}
#: Names that are too loose on their own ("British" might be anyone).
_NOT_ALONE = {"british"}


def _words(text: str) -> str:
    """Lower case, '&' as 'and', punctuation and dashes as single spaces."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ")).split())


def _name_table() -> dict[str, str]:
    """Written forms of each 2001 category name (as words) → code."""
    table: dict[str, str] = {}
    for code, (heading, name) in CATEGORIES_2001.items():
        name_words = _words(name)
        if name_words not in _NOT_ALONE:
            table.setdefault(name_words, code)
        for heading_words in _HEADINGS.get(heading, ()):
            table.setdefault(f"{heading_words} {name_words}", code)
    return table


_NAMES = _name_table()
_HEADED = re.compile(r"^(" + "|".join(sorted(map(re.escape, _HEADING_GROUP), key=len, reverse=True))
                     + r")\s*(?:-|–|:|/)\s*\S")


def code_of_name(text: str) -> str | None:
    """The 2001 category code of a name written without its code ("White - British" → "A"); None if not one."""
    return _NAMES.get(_words(text))


def group_name(text: str) -> str | None:
    """White or BME for a group name ("BAME", "Global Majority", "White staff"); None if not one."""
    words = _GROUP_ENDINGS.sub("", _words(text))
    if words == "white":
        return WHITE
    return BME if words in _BME_NAMES else None


def _group_of_heading(text: str) -> str | None:
    """White or BME for a name under a census heading not in the list ("White - Polish")."""
    match = _HEADED.match(" ".join(text.lower().replace("&", " and ").split()))
    return _HEADING_GROUP[match.group(1)] if match else None


def group_of_code(code: str) -> str:
    """The group of one ESR ethnic code ("A", "CA", "N", or an old digit code)."""
    first = code[:1].upper()
    if first.isdigit():
        return WHITE if first == "0" else (UNKNOWN if first == "9" else BME)
    if "A" <= first <= "C":
        return WHITE
    if "D" <= first <= "S":
        return BME
    return UNKNOWN


def recognise(value: object, bme_labels: Iterable[str] = ()) -> str | None:
    """The group of a group label, ethnic code, ESR ethnic origin or category name; None when not recognised.

    The common names for the BME group ("BAME", "Global Majority", …) are always accepted; a
    trust's own name counts when passed in `bme_labels`. Anything else is None, so a
    mislabelled aggregate is caught rather than silently counted as Unknown.
    """
    text = "" if value is None or pd.isna(value) else str(value).strip()
    lowered = " ".join(text.lower().split())
    if lowered in _GROUP_WORDS:
        return _GROUP_WORDS[lowered]
    if lowered in _NOT_KNOWN:
        return UNKNOWN
    if lowered in {" ".join(label.lower().split()) for label in bme_labels}:
        return BME
    if _BARE_LETTER.match(lowered):
        return group_of_code(lowered)
    match = _CODE.match(text)
    if match:
        return group_of_code(match.group(1))
    code = code_of_name(text)
    if code is not None:
        return group_of_code(code)
    return group_name(text) or _group_of_heading(text)


def reading(value: object, bme_labels: Iterable[str] = ()) -> str | None:
    """How a value was read when it is not written as White / BME / Unknown or with its code.

    "White - British" → "White (code A)"; "BAME" → "BME"; None for the plain forms.
    """
    text = "" if value is None or pd.isna(value) else str(value).strip()
    lowered = " ".join(text.lower().split())
    labels = {" ".join(label.lower().split()) for label in bme_labels}
    if lowered in _GROUP_WORDS or lowered in _NOT_KNOWN or lowered in labels or _BARE_LETTER.match(lowered) \
            or _CODE.match(text):
        return None
    code = code_of_name(text)
    if code is not None:
        return f"{group_of_code(code)} (code {code})"
    group = group_name(text) or _group_of_heading(text)
    return group


def classify(value: object, bme_labels: Iterable[str] = ()) -> str:
    """The group of a row-level ethnic origin: anything not recognised is Unknown."""
    return recognise(value, bme_labels) or UNKNOWN


def classify_series(values: pd.Series, bme_labels: Iterable[str] = ()) -> pd.Series:
    """Vectorised `classify`: each distinct value is classified once."""
    labels = tuple(bme_labels)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    groups = np.array([classify(value, labels) for value in uniques], dtype=object)
    return pd.Series(groups[codes] if len(uniques) else [], index=values.index, dtype=object)
