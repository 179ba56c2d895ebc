from datetime import date

import pytest

from tracker.actions.rag_rules import is_overdue, is_stale, propose_rag
from tracker.rag import normalise_rag, normalise_status

TODAY = date(2024, 11, 1)


@pytest.mark.parametrize("status, current, due, last, expected", [
    ("ACHIEVED", "red", date(2024, 1, 1), None, "blue"),
    ("ACHIEVED AND ONGOING", None, None, None, "blue"),
    ("PROGRESS MADE", "green", date(2024, 10, 31), TODAY, "red"),
    ("PROGRESS MADE", "green", date(2024, 11, 20), date(2024, 8, 1), "amber"),
    ("PROGRESS MADE", "green", date(2024, 11, 20), date(2024, 10, 1), "green"),
    ("PROGRESS MADE", None, date(2024, 11, 20), None, "amber"),
    ("PROGRESS MADE", "amber", date(2025, 3, 31), date(2024, 1, 1), "amber"),
    (None, None, None, None, "green"),
    ("CANCELLED", None, date(2024, 1, 1), None, "green"),
    ("DELAYED", "blue", date(2025, 3, 31), TODAY, "green"),
])
def test_proposed_rag_follows_the_documented_rules(status, current, due, last, expected):
    assert propose_rag(status=status, current_rag=current, due_on=due, last_update_on=last, today=TODAY).rag == expected


def test_red_proposal_explains_the_due_date():
    proposal = propose_rag(status=None, current_rag=None, due_on=date(2024, 10, 31), last_update_on=None, today=TODAY)
    assert proposal.reason == "The action was due on 31 October 2024 and is not complete"


def test_due_today_is_not_overdue_and_closed_actions_never_are():
    assert not is_overdue(TODAY, None, None, TODAY)
    assert is_overdue(date(2024, 10, 31), "DELAYED", "amber", TODAY)
    assert not is_overdue(date(2024, 10, 31), "CARRIED FORWARD", "amber", TODAY)
    assert not is_overdue(date(2024, 10, 31), None, "blue", TODAY)


def test_stale_means_sixty_days_or_never_updated():
    assert is_stale(None, TODAY)
    assert is_stale(date(2024, 9, 2), TODAY)
    assert not is_stale(date(2024, 9, 3), TODAY)


@pytest.mark.parametrize("text, expected", [
    ("Red", "red"), (" amber ", "amber"), ("G", "green"), ("Blue (complete)", "blue"), ("complete", "blue"),
    ("", None), ("Not rated", None), (None, None),
])
def test_rag_words_are_normalised(text, expected):
    assert normalise_rag(text) == expected


def test_unknown_rag_word_says_what_is_allowed():
    with pytest.raises(ValueError, match="'Purple' is not a RAG rating: use Red, Amber, Green, Blue"):
        normalise_rag("Purple")


def test_status_words_are_capitals_with_and():
    assert normalise_status(" progress made & ongoing ") == "PROGRESS MADE AND ONGOING"
    assert normalise_status("  ") is None
