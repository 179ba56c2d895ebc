"""The standards' measures and the high impact actions, as data (tracker/standards.py)."""
import pytest

from tracker import standards


def test_wres_has_nine_indicators_and_wdes_the_published_metrics():
    assert [m.label for m in standards.measures("wres")] == [str(n) for n in range(1, 10)]
    assert [m.label for m in standards.measures("wdes")] == [
        "1", "2", "3", "4a(i)", "4a(ii)", "4a(iii)", "4b", "5", "6", "7", "8", "9a", "9b", "10"]


def test_codes_are_stored_and_names_are_read():
    measure = standards.measure("wdes:4a_ii")
    assert (measure.code, measure.name) == ("wdes:4a_ii", "WDES 4a(ii)")
    assert standards.names(["wdes:4a_ii", "wres:2", "wres:2"]) == ["WRES 2", "WDES 4a(ii)"]
    with pytest.raises(KeyError, match="no measure 'wdes:11'"):
        standards.measure("wdes:11")


def test_a_plan_links_to_its_own_standards_only():
    assert {m.standard for m in standards.measures_for_plan("wres")} == {"wres"}
    assert {m.standard for m in standards.measures_for_plan("wdes")} == {"wdes"}
    assert len(standards.measures_for_plan("combined")) == 9 + 14
    with pytest.raises(ValueError, match="unknown plan standard 'wxyz'"):
        standards.measures_for_plan("wxyz")


@pytest.mark.parametrize(("text", "plan", "codes", "unreadable"), [
    ("WRES 2; WDES 4a(ii)", "combined", ["wres:2", "wdes:4a_ii"], []),
    ("2, 5", "wres", ["wres:2", "wres:5"], []),
    ("Indicator 2 and 9", "wres", ["wres:2", "wres:9"], []),
    ("4a(ii)", "wdes", ["wdes:4a_ii"], []),
    ("4A (III)", "wdes", ["wdes:4a_iii"], []),
    ("Metric 4b / 9a", "wdes", ["wdes:4b", "wdes:9a"], []),
    ("2", "combined", ["wres:2"], []),
    ("4a ii", "combined", ["wdes:4a_ii"], []),
    ("WDES 2", "wres", [], ["WDES 2"]),
    ("11; staff", "wres", [], ["11", "staff"]),
    ("", "wdes", [], []),
])
def test_measures_are_read_as_people_write_them(text, plan, codes, unreadable):
    assert standards.parse_measures(text, plan) == (codes, unreadable)


def test_the_six_high_impact_actions():
    assert [h.name for h in standards.high_impact_actions()] == [f"HIA {n}" for n in range(1, 7)]
    assert standards.high_impact_action(3).title.startswith("Eliminate pay gaps")
    assert standards.parse_high_impact_actions("HIA 6; HIA 1") == ([1, 6], [])
    assert standards.parse_high_impact_actions("High impact action 2, 7") == ([2], ["7"])
