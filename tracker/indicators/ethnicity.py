"""ESR ethnic origin → the three WRES groups: White, BME, Unknown.

White = codes A, B, C; BME = codes D to S; Unknown = Z, blank or anything else.
Old ESR codes: 0 White, 1-8 BME, 9 not given. ESR values look like
"A White - British" or "N Black or Black British - African"; sub-codes such as
"CA White - English" follow their first letter.
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
    """The group of a group label, ethnic code or ESR ethnic origin; None when not recognised.

    The trust's own names for the BME group (e.g. "Global Majority") count only when
    passed in `bme_labels`, so a mislabelled aggregate is caught rather than
    silently counted as Unknown.
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
    return group_of_code(match.group(1)) if match else None


def classify(value: object, bme_labels: Iterable[str] = ()) -> str:
    """The group of a row-level ethnic origin: anything not recognised is Unknown."""
    return recognise(value, bme_labels) or UNKNOWN


def classify_series(values: pd.Series, bme_labels: Iterable[str] = ()) -> pd.Series:
    """Vectorised `classify`: each distinct value is classified once."""
    labels = tuple(bme_labels)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    groups = np.array([classify(value, labels) for value in uniques], dtype=object)
    return pd.Series(groups[codes] if len(uniques) else [], index=values.index, dtype=object)
