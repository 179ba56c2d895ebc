"""The action page names the equality objective and EDI goal behind each number, from the plan's key."""
import re

import pytest

from tracker.actions.queries import KeyLink, key_entries, key_links, linked_numbers

OBJECTIVES_KEY = ("1. Deliver overall continuous improvement in our EDI core annual responsibilities\n"
                  "2. Make demonstrable progress in significantly reducing health inequalities\n"
                  "3. Advance our position as a leading inclusive organisation\n"
                  "4. Deliver on our ambition to truly become an inclusive, anti-racist and anti-discriminatory "
                  "organisation by 2028")
GOALS_KEY = ("Debiasing our Trust recruitment processes\nReducing health inequalities for our service users and staff\n"
             "'High visibility' focus around anti-discriminatory approach\nEducating for inclusion")


def _text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_action_page_names_the_objective_and_goal_behind_each_number(client, make_user, make_plan, make_action,
                                                                     sign_in):
    plan = make_plan(equality_objectives_key=OBJECTIVES_KEY, edi_goals_key=GOALS_KEY)
    action = make_action(plan, "1.1", equality_objectives="4", edi_goals="1 & 3")
    sign_in(make_user("viewer"))
    page = _text(client.get(f"/actions/{action.id}").get_data(as_text=True))
    assert ("Links to equality objectives 4 – Deliver on our ambition to truly become an inclusive, anti-racist "
            "and anti-discriminatory organisation by 2028 Links to EDI goals 1 – Debiasing our Trust recruitment "
            "processes 3 – 'High visibility' focus around anti-discriminatory approach") in page.replace("&#39;", "'")


def test_numbers_missing_from_the_key_say_so_and_plans_without_a_key_show_the_numbers(
        client, make_user, make_plan, make_action, sign_in):
    keyed = make_plan(year="2024-25", equality_objectives_key="1. Improve\n2. Reduce")
    unkeyed = make_plan(year="2025-26")
    missing = make_action(keyed, "1.1", equality_objectives="2, 5", edi_goals="3")
    bare = make_action(unkeyed, "1.1", equality_objectives="4", edi_goals="")
    sign_in(make_user("viewer"))
    page = _text(client.get(f"/actions/{missing.id}").get_data(as_text=True)).replace("&#39;", "'")
    assert ("Links to equality objectives 2 – Reduce 5 (not in the plan's key of equality objectives) "
            "Links to EDI goals 3") in page
    page = _text(client.get(f"/actions/{bare.id}").get_data(as_text=True))
    assert "Links to equality objectives 4 Links to EDI goals Not given" in page


@pytest.mark.parametrize(("text", "numbers"), [
    ("4", [4]), ("1 & 2", [1, 2]), ("3, 4", [3, 4]), ("1-4", [1, 2, 3, 4]), ("1 - 4", [1, 2, 3, 4]),
    ("2 & 3", [2, 3]), ("", []), ("TBC", []), ("1-400", [1, 400]),
])
def test_linked_numbers(text, numbers):
    assert linked_numbers(text) == numbers


def test_key_entries_by_number_or_position():
    assert key_entries("1. Improve\n2) Reduce\n\nAdvance\n4 - Become\n2. Duplicate") == {
        1: "Improve", 2: "Reduce", 3: "Advance", 4: "Become"}
    assert key_links("1-2", "") == []
    assert key_links("2", "One\nTwo") == [KeyLink(2, "Two")]
