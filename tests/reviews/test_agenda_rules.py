"""The agenda rules and review checks as plain functions: each reason fires, and does not, on chosen dates."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from tracker.reviews import agenda_rules as rules
from tracker.reviews.agenda_rules import AgendaCandidate, MeetingDates

TODAY = date(2024, 11, 1)
DATES = MeetingDates(held_on=date(2024, 11, 12), previous_on=date(2024, 10, 8), next_on=date(2025, 1, 14))
ALONE = MeetingDates(held_on=date(2024, 11, 12))


def candidate(*, due_on=date(2025, 3, 31), rag="green", status="PROGRESS MADE", updated=None) -> AgendaCandidate:
    return AgendaCandidate(action_id=1, status=status, rag=rag, due_on=due_on, last_update_at=updated)


@pytest.mark.parametrize("kwargs,dates,expected", [
    ({}, DATES, ()),
    ({"due_on": date(2024, 10, 31)}, DATES, (rules.OVERDUE,)),
    ({"due_on": date(2024, 11, 1)}, DATES, (rules.DUE_BEFORE_NEXT,)),
    ({"due_on": date(2024, 10, 31), "status": "ACHIEVED"}, DATES, ()),
    ({"due_on": date(2024, 10, 31), "rag": "blue"}, DATES, ()),
    ({"rag": "red"}, DATES, (rules.RED,)),
    ({"rag": "amber"}, DATES, (rules.AMBER,)),
    ({"rag": "red", "status": "CANCELLED"}, DATES, ()),
    ({"due_on": date(2025, 1, 13)}, DATES, (rules.DUE_BEFORE_NEXT,)),
    ({"due_on": date(2025, 1, 14)}, DATES, ()),
    ({"due_on": date(2025, 1, 13), "status": "ACHIEVED"}, DATES, ()),
    ({"due_on": None}, DATES, ()),
    ({"due_on": date(2025, 1, 11)}, ALONE, (rules.DUE_WITHIN_DAYS,)),
    ({"due_on": date(2025, 1, 12)}, ALONE, ()),
    ({"updated": datetime(2024, 10, 8, 9, 0)}, DATES, (rules.UPDATED_SINCE_LAST,)),
    ({"updated": datetime(2024, 10, 7, 23, 59)}, DATES, ()),
    ({"updated": datetime(2024, 10, 20, 12), "status": "ACHIEVED", "rag": "blue"}, DATES, (rules.UPDATED_SINCE_LAST,)),
    ({"updated": datetime(2024, 9, 13, 12)}, ALONE, (rules.UPDATED_WITHIN_DAYS,)),
    ({"updated": datetime(2024, 9, 12, 12)}, ALONE, ()),
    ({"due_on": date(2024, 6, 30), "rag": "red", "updated": datetime(2024, 10, 9)}, DATES,
     (rules.OVERDUE, rules.RED, rules.UPDATED_SINCE_LAST)),
], ids=["nothing", "overdue", "due today", "achieved not overdue", "blue not overdue", "red", "amber",
        "cancelled red", "due day before next", "due on next meeting day", "achieved due soon", "ongoing",
        "due within 60 days", "due on day 61", "updated on previous meeting day", "updated before previous",
        "achieved and updated", "updated within 60 days", "updated 61 days before", "several"])
def test_each_reason_fires_only_on_its_dates(kwargs, dates, expected):
    assert rules.agenda_reasons(candidate(**kwargs), dates, TODAY) == expected


def test_build_agenda_keeps_only_actions_with_a_reason():
    found = rules.build_agenda([AgendaCandidate(1, None, "red", None, None),
                                AgendaCandidate(2, None, "green", None, None)], DATES, TODAY)
    assert found == {1: (rules.RED,)}


def test_reason_words_are_in_a_fixed_order_with_the_forum_escalated_from():
    words = rules.reason_words([rules.ADDED, rules.ESCALATED, rules.AMBER, "unknown"], "Inclusion Council")
    assert words == ["Rated Amber by its owner", "Escalated from Inclusion Council", "Added by the EDI lead"]
    assert rules.reason_words([rules.DUE_WITHIN_DAYS]) == ["Due within 60 days (no next meeting planned)"]


def test_agenda_order_is_newest_plan_then_reference_as_numbers():
    keys = [("2023-24", "1.1"), ("2024-25", "1.10"), ("2024-25", "1.2"), ("2024-25", "2.1")]
    ordered = sorted(keys, key=lambda k: rules.agenda_order(*k))
    assert ordered == [("2024-25", "1.2"), ("2024-25", "1.10"), ("2024-25", "2.1"), ("2023-24", "1.1")]


def test_a_short_text_is_kept_whole_and_a_long_one_cut_at_its_last_sentence_end():
    assert rules.cut_at_sentence("Done. All of it.", 20) == "Done. All of it."
    assert rules.cut_at_sentence("Panels met. Toolkit out. More to come soon", 30) == \
        "Panels met. Toolkit out. (continued on the action page)"
    assert rules.cut_at_sentence("First line\nsecond line goes on and on", 25) == \
        "First line (continued on the action page)"


def test_without_a_sentence_end_the_cut_falls_between_words():
    assert rules.cut_at_sentence("word " * 20, 32) == "word word word word word word (continued on the action page)"


def test_fold_shows_the_first_lines_and_keeps_the_rest():
    assert rules.fold("One\nTwo") == ("One\nTwo", "")
    assert rules.fold("1\n2\n3\n4\n5\n6", lines=4) == ("1\n2\n3\n4", "5\n6")
    shown, rest = rules.fold("word " * 200, characters=50)
    assert shown == " ".join(["word"] * 10) and rest.startswith("word")
    assert (shown + " " + rest).split() == ["word"] * 200


def test_each_item_sits_under_its_first_reason_in_section_order():
    assert rules.group_of(["updated_since_last_meeting", "red"]) == "red"
    assert rules.group_of(["added", "escalated"]) == "escalated"
    assert rules.group_of(["due_before_next_meeting", "updated_since_last_meeting"]) == "due_before_next_meeting"
    assert rules.group_of([]) == "added"


@pytest.mark.parametrize("kwargs,expected", [
    ({"decision": "noted", "reviewed_rag": "amber", "comment": ""}, {}),
    ({"decision": None, "reviewed_rag": None, "comment": ""},
     {"reviewed_rag": "Choose the forum's RAG rating", "decision": "Choose what the forum decided"}),
    ({"decision": "escalate", "reviewed_rag": "red", "comment": "", "escalates_to": None},
     {"decision": "This forum has no forum to escalate to: the EDI lead sets one on the forum's page (Escalates to)"}),
    ({"decision": "agree_completion", "reviewed_rag": "green", "comment": ""},
     {"reviewed_rag": "The forum agreed completion, so choose Blue (complete) as its RAG rating"}),
    ({"decision": "agree_cancellation", "reviewed_rag": "red", "comment": "  "},
     {"comment": "Give the reason the forum agreed to cancel the action (it is kept as the reason)"}),
    ({"decision": "noted", "reviewed_rag": "purple", "comment": "x" * 5001},
     {"reviewed_rag": "Choose the forum's RAG rating", "comment": "The comment must be 5000 characters or fewer"}),
], ids=["fine", "nothing chosen", "no escalation forum", "completion not blue", "cancellation without reason",
        "bad rag and long comment"])
def test_review_problems_say_what_is_wrong(kwargs, expected):
    kwargs.setdefault("escalates_to", "Trust Board")
    assert rules.review_problems(**kwargs) == expected


def _review(**kwargs) -> rules.ReviewRow:
    values = dict(forum="Inclusion Council", meeting_on=date(2024, 11, 12), reviewed_rag="red", owner_rag="green",
                  owner_rag_as_at=None, decision="more_evidence", comment="Send the panel data", reviewer="Rita",
                  recorded_at=datetime(2024, 11, 12, 15))
    return rules.ReviewRow(**{**values, **kwargs})


def test_decision_text_says_where_an_escalation_went_or_that_it_waits():
    assert _review().decision_text == "More evidence requested"
    placed = _review(decision="escalate", escalated_to="Trust Board", escalated_to_meeting_on=date(2024, 11, 26))
    assert placed.decision_text == "Escalated to Trust Board: on the agenda of its meeting on 26 November 2024"
    waiting = _review(decision="escalate", escalated_to="Trust Board")
    assert waiting.decision_text == ("Escalated to Trust Board: Trust Board has no meeting planned, so the action "
                                     "goes on the agenda of its next meeting once one is added")


def test_reminder_comment_names_the_forum_meeting_and_decision():
    assert rules.reminder_comment(_review()) == (
        "Inclusion Council, 12 November 2024 (more evidence requested): Send the panel data")
    assert rules.reminder_comment(_review(decision="escalate", escalated_to="Trust Board")) == (
        "Inclusion Council, 12 November 2024 (escalated to Trust Board): Send the panel data")


def test_an_agenda_row_as_typed_reads_its_own_fields_only():
    from werkzeug.datastructures import MultiDict

    from tracker.reviews.forms import AgendaRowEntry

    typed = AgendaRowEntry(7, MultiDict([("item-7-reviewed_rag", "red"), ("item-7-reviewed_rag", "amber"),
                                         ("item-7-comment", "  "), ("item-7-seen", "12"), ("item-8-decision", "noted")]))
    assert (typed.reviewed_rag, typed.decision, typed.comment, typed.seen_review_id()) == ("red", "", "  ", 12)
    assert not typed.is_blank
    assert AgendaRowEntry(8, MultiDict([("item-7-reviewed_rag", "red"), ("item-8-comment", " ")])).is_blank
    assert AgendaRowEntry(9).seen_review_id() is None
    for seen in ("0", "", "x1", "-3"):
        assert AgendaRowEntry(9, MultiDict([("item-9-seen", seen)])).seen_review_id() is None


def test_an_agenda_rows_errors_are_listed_in_the_order_its_fields_are_shown():
    from tracker.reviews.forms import AgendaRowEntry

    typed = AgendaRowEntry(3)
    typed.add_error("comment", "Give the reason")
    typed.add_error("reviewed_rag", "Choose the RAG")
    typed.add_error("comment", "Too long")

    assert typed.problems == [("item-3-reviewed_rag", "Choose the RAG"), ("item-3-comment", "Give the reason"),
                              ("item-3-comment", "Too long")]
