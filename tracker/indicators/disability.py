"""ESR Disability → the three WDES groups: Disabled, non-disabled, not declared.

NHS England, "NHS Workforce Disability Equality Standard (WDES) 2023: technical guidance"
(version 5, March 2023), "Definitions of disability and improving the Disability Declaration
Rate": staff are Disabled when they have declared a disability in ESR; those who have declared
none are non-disabled, and the rest are not declared (unknown), shown as their own share.

ESR's Disability field: "Yes" → Disabled; "No" → non-disabled; "Not Declared", "Prefer Not To
Answer", "Unspecified" and blank → not declared. Case, spacing and punctuation do not matter,
and a short code in front of the words is read past as ethnicity.py reads "A White - British"
("Y Yes", "N - No", "Z Not Declared"), provided the code does not contradict the words
("N Yes" is not guessed). Group names in aggregate files ("Disabled", "Non-disabled",
"Not disabled", "Not declared", "Unknown") are read too.

Anything else (a typo such as "Yess", "Maybe", a long-term condition's name) is not guessed:
`recognise` returns None, so the reader reports the value and the rows holding it.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

DISABLED = "Disabled"
NON_DISABLED = "Non-disabled"
NOT_DECLARED = "Not declared"
GROUPS = (DISABLED, NON_DISABLED, NOT_DECLARED)

#: Written forms (as words, see `_words`) → group.
_NAMES = {
    **dict.fromkeys(("yes", "y", "disabled", "disabled staff", "yes disabled", "disability",
                     "has a disability", "yes i have a disability"), DISABLED),
    **dict.fromkeys(("no", "n", "non disabled", "nondisabled", "not disabled", "non disabled staff",
                     "no disability", "no disabled", "no i do not have a disability"), NON_DISABLED),
    **dict.fromkeys(("", "not declared", "undeclared", "prefer not to answer", "prefer not to say",
                     "unspecified", "not specified", "not stated", "not known", "unknown", "not disclosed",
                     "undisclosed", "not given", "declined", "declined to answer", "u", "z", "nk", "ns",
                     "na", "n a", "n k", "not declared unknown"), NOT_DECLARED),
}
#: A code in front of the words: one or two letters or digits, then a space or a dash.
_CODE = re.compile(r"^([a-z0-9]{1,2})\s*(?:-|–|:|\s)\s*(\S.*)$")


def _words(text: str) -> str:
    """Lower case, punctuation and dashes as single spaces ("Non-Disabled" → "non disabled")."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def recognise(value: object) -> str | None:
    """The group of an ESR Disability value or group name; None when not recognised (never guessed)."""
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()
    words = _words(text)
    if words in _NAMES:
        return _NAMES[words]
    match = _CODE.match(" ".join(text.lower().split()))
    if match is None:
        return None
    code, rest = match.groups()
    group = _NAMES.get(_words(rest))
    coded = _NAMES.get(code)
    if group is None or (coded is not None and coded != group):
        return None
    return group


def reading(value: object) -> str | None:
    """How a value was read when it is not written plainly ("Y Yes" → "Disabled"); None for plain forms."""
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()
    words = _words(text)
    if words in {"yes", "no", "not declared", "prefer not to answer", "unspecified", ""} \
            or words in {_words(group) for group in GROUPS}:
        return None
    return recognise(value)


def classify_series(values: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """Each row's group, and the values not recognised with their row counts (rows left as None).

    Each distinct value is classified once, so a 1.5 million-row extract costs one pass.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    groups = np.array([recognise(value) for value in uniques], dtype=object)
    counts = np.bincount(codes, minlength=len(uniques)) if len(codes) else np.zeros(len(uniques), int)
    unknown = {str(value): int(count) for value, group, count in zip(uniques, groups, counts)
               if group is None and count}
    return pd.Series(groups[codes] if len(uniques) else [], index=values.index, dtype=object), unknown
