"""Ethnic origin → group, pay band text → band, staff group → category, clusters."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.indicators.bands import (
    DEFAULT_CLUSTERS,
    band_label,
    category_of_staff_group,
    make_clusters,
    normalise_band,
)
from tracker.indicators.ethnicity import GROUPS, classify, classify_series, recognise


@pytest.mark.parametrize(("value", "group"), [
    ("A White - British", "White"), ("B White - Irish", "White"), ("C", "White"), ("c", "White"),
    ("CA White English", "White"), ("D Mixed - White & Black Caribbean", "BME"),
    ("N Black or Black British - African", "BME"), ("PC Black Nigerian", "BME"), ("S Any Other Ethnic Group", "BME"),
    ("Z Not Stated", "Unknown"), ("", "Unknown"), ("   ", "Unknown"), (None, "Unknown"),
    ("0", "White"), ("1", "BME"), ("8", "BME"), ("9", "Unknown"),
    ("White", "White"), ("bme", "BME"), ("Unknown", "Unknown"), ("NA", "Unknown"), ("NK", "Unknown"),
    ("Asian or Asian British - Indian", "BME"), ("Global Majority", "BME"), ("T", "Unknown"),
    ("Asian Other", "Unknown"), ("British", "Unknown"),
])
def test_classify(value, group):
    assert classify(value) == group


def test_recognise_refuses_labels_that_are_not_configured():
    assert recognise("People of colour") is None
    assert recognise("people  of colour", ["People of Colour"]) == "BME"
    assert recognise("Not disclosed") == "Unknown"


@given(st.text(max_size=30))
def test_every_value_lands_in_one_group(text):
    assert classify(text) in GROUPS


def test_classify_series_maps_each_value():
    values = pd.Series(["A White - British", "N Black or Black British - African", "Z Not Stated", "A White - British"])
    assert classify_series(values).tolist() == ["White", "BME", "Unknown", "White"]


@pytest.mark.parametrize(("text", "band"), [
    ("Band 5", "5"), ("band 5", "5"), ("5", "5"), ("AfC Band 5", "5"), ("Band 8 - Range A", "8a"),
    ("Band 8a", "8a"), ("BAND 8B", "8b"), ("Band 8 Range D", "8d"), ("Band 9", "9"), ("VSM", "VSM"),
    ("VSM (exclg NEDs)", "VSM"), ("Very Senior Manager", "VSM"), ("Under Band 1", "<1"), ("Band <1", "<1"),
    ("Band 1", "1"), ("Medical Consultant", "Medical Consultant"), ("Medical Career grade", "Medical Career Grade"),
    ("Medical Trainee(s)", "Medical Trainee"), ("Medical Specialty Doctor", "Medical Career Grade"),
    ("Medical", "Medical"), ("Band 8", None), ("Band 11", None), ("Band 5a", None), ("", None), ("Nurse", None),
])
def test_normalise_band(text, band):
    assert normalise_band(text) == band


@pytest.mark.parametrize(("code", "label"), [("<1", "Under Band 1"), ("8a", "Band 8a"), ("5", "Band 5"),
                                             ("VSM", "VSM"), ("Medical Trainee", "Medical Trainee")])
def test_band_label(code, label):
    assert band_label(code) == label


@pytest.mark.parametrize(("text", "category"), [
    ("Medical and Dental", "medical"), ("Administrative and Clerical", "non-clinical"),
    ("Admin & Clerical", "non-clinical"), ("Estates and Ancillary", "non-clinical"),
    ("Nursing and Midwifery Registered", "clinical"), ("Additional Clinical Services", "clinical"),
    ("Allied Health Professionals", "clinical"), ("Add Prof Scientific and Technic", "clinical"),
    ("Healthcare Scientists", "clinical"), ("Students", "clinical"), ("Non-Clinical", "non-clinical"),
    ("Porters", None),
])
def test_staff_group_category(text, category):
    assert category_of_staff_group(text) == category


def test_default_clusters_hold_the_right_staff():
    def cluster(band, category):
        return next(c.name for c in DEFAULT_CLUSTERS if c.holds(band, category))

    assert [cluster("<1", "clinical"), cluster("4", "non-clinical"), cluster("5", "clinical"),
            cluster("8a", "clinical"), cluster("9", "clinical"), cluster("VSM", "non-clinical"),
            cluster("Medical Consultant", "medical"), cluster("7", "medical")] == [
        "Band <1-4", "Band <1-4", "Band 5-7", "Band 8a-9", "Band 8a-9", "VSM", "Medical", "Medical"]


def test_make_clusters_from_a_setting():
    clusters = make_clusters({"Bands 1-5": ["Under Band 1", "Band 1", "2", "3", "4", "Band 5"],
                              "Senior": ["Band 8 - Range A", "8b", "VSM"], "Doctors": ["medical"]})
    assert [(c.name, sorted(c.bands), c.medical) for c in clusters] == [
        ("Bands 1-5", ["1", "2", "3", "4", "5", "<1"], False),
        ("Senior", ["8a", "8b", "VSM"], False), ("Doctors", [], True)]


def test_make_clusters_rejects_unknown_and_repeated_bands():
    with pytest.raises(ValueError, match="cluster 'Low': 'Band 11' is not a pay band"):
        make_clusters({"Low": ["Band 11"]})
    with pytest.raises(ValueError, match="band Band 5 is in both 'Low' and 'Mid'"):
        make_clusters({"Low": ["Band 5"], "Mid": ["5"]})
