"""The action page shows the latest 20 progress updates and audit events, and all on request."""
import re
from datetime import date

import pytest

from tracker.actions.models import Action
from tracker.actions.service import UpdateData, post_update
from tracker.audit.service import record
from tracker.extensions import db


def _busy_action(make_user, make_action, updates: int, edits: int):
    owner = make_user("owner", name="Dawn Ainsworth")
    action = make_action(owners=[owner])
    for n in range(1, updates + 1):
        post_update(db.session.get(Action, action.id), UpdateData("PROGRESS MADE", "green", f"Update number {n}.",
                                                                  as_at=date(2024, 1, 1)), owner, historical=True)
    for n in range(1, edits + 1):
        record(owner, action, "updated", {"outcome": [f"outcome {n - 1}", f"outcome {n}"]})
    db.session.commit()
    return action


def _numbers(page: str, pattern: str) -> list[int]:
    return [int(n) for n in re.findall(pattern, page)]


def test_a_long_timeline_shows_the_latest_20_and_links_to_all(client, make_user, make_action, sign_in):
    action = _busy_action(make_user, make_action, updates=25, edits=0)
    sign_in(make_user("viewer"))
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert _numbers(page, r"Update number (\d+)\.") == list(range(25, 5, -1))
    assert "The latest 20 of 25 updates." in page and '<ol class="app-timeline" reversed start="25">' in page
    assert f'href="/actions/{action.id}?history=all#timeline">Show all 25 updates</a>' in page
    everything = client.get(f"/actions/{action.id}", query_string={"history": "all"}).get_data(as_text=True)
    assert _numbers(everything, r"Update number (\d+)\.") == list(range(25, 0, -1))
    assert "The latest" not in everything


def test_a_long_audit_trail_shows_the_latest_20_changes_to_reviewers(client, make_user, make_action, sign_in):
    action = _busy_action(make_user, make_action, updates=0, edits=30)
    sign_in(make_user("reviewer"))
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    # The action's creation is an audit event too: 31 in all.
    assert "The latest 20 of 31 changes." in page and "Show all 31 changes" in page
    assert _numbers(page, r"→ outcome (\d+)") == list(range(30, 10, -1))
    everything = client.get(f"/actions/{action.id}", query_string={"history": "all"}).get_data(as_text=True)
    assert _numbers(everything, r"→ outcome (\d+)") == list(range(30, 0, -1))


def test_a_short_history_has_no_show_all_link(client, make_user, make_action, sign_in):
    action = _busy_action(make_user, make_action, updates=3, edits=2)
    sign_in(make_user("reviewer"))
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert _numbers(page, r"Update number (\d+)\.") == [3, 2, 1]
    assert "Show all" not in page and "The latest" not in page


def test_fields_blank_before_and_after_are_not_shown_as_changes(client, make_user, make_action, sign_in):
    from tracker.audit.service import diff

    assert diff({"outcome": None, "owners": None, "ref": "3.6"},
                {"outcome": "", "owners": [], "ref": "3.7", "forums": ["Inclusion Council"], "priority": None}) == {
        "ref": ["3.6", "3.7"], "forums": [None, ["Inclusion Council"]]}
    owner = make_user("owner", name="Kerry Smith")
    action = make_action(owners=[owner], indicators=[5, 6, 8])
    record(owner, action, "updated", {"cancelled_reason": [None, ""], "lead_text": ["Kerry", "Kerry Smith"]})
    db.session.commit()
    sign_in(make_user("admin"))
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    trail = page[page.index('id="audit"'):]
    assert "<strong>lead text</strong>: Kerry → Kerry Smith" in trail
    assert "<strong>owners</strong>: — → Kerry Smith" in trail and "<strong>measures</strong>: — → WRES 5, WRES 6, WRES 8" in trail
    for blank_both in ("cancelled reason", "outcome", "supporting leads", "forums", "RAG"):
        assert f"<strong>{blank_both}</strong>" not in trail


def test_audit_values_are_escaped(app):
    from tracker.templating import audit_changes

    assert str(audit_changes({"text": [None, "<script>x</script>"], "ref": ["", None]})) == \
        "<strong>text</strong>: — → &lt;script&gt;x&lt;/script&gt;"


def test_audit_values_read_as_words_and_zero_is_not_blank(app):
    from tracker.templating import audit_changes

    assert str(audit_changes({"rag": ["blue", "red"]})) == "<strong>RAG</strong>: Blue (complete) → Red"
    assert str(audit_changes({"active": [True, False], "stale_days": [0, 60], "owners": [["Ama Owusu", "Ben Ode"], []]})) == \
        "<strong>active</strong>: Yes → No<br><strong>stale days</strong>: 0 → 60<br><strong>owners</strong>: Ama Owusu, Ben Ode → —"


# --- Where the page ends: the totals and numbering come from stored counts, the rows from the index ---------

@pytest.mark.parametrize(("updates", "shown", "partial"), [(19, 19, False), (20, 20, False), (21, 20, True)])
def test_the_timeline_ends_at_twenty_and_says_so_only_when_there_are_more(client, make_user, make_action, sign_in,
                                                                           updates, shown, partial):
    action = _busy_action(make_user, make_action, updates=updates, edits=0)
    sign_in(make_user("viewer"))
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert _numbers(page, r"Update number (\d+)\.") == list(range(updates, updates - shown, -1))
    assert f'<ol class="app-timeline" reversed start="{updates}">' in page
    assert (f"The latest 20 of {updates} updates." in page) is partial
    assert (f"Show all {updates} updates</a>" in page) is partial


@pytest.mark.parametrize(("edits", "partial"), [(19, False), (20, True)])
def test_the_audit_trail_ends_at_twenty_and_says_so_only_when_there_are_more(client, make_user, make_action, sign_in,
                                                                             edits, partial):
    action = _busy_action(make_user, make_action, updates=0, edits=edits)
    sign_in(make_user("reviewer"))
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    changes = edits + 1  # and the action's creation
    assert len(re.findall(r"<tr><td>", page[page.index('id="audit"'):])) == 20
    assert (f"The latest 20 of {changes} changes." in page) is partial
    assert (f"Show all {changes} changes</a>" in page) is partial


def test_asking_for_all_of_a_short_history_or_for_an_unknown_length_shows_what_there_is(client, make_user, make_action,
                                                                                         sign_in):
    action = _busy_action(make_user, make_action, updates=4, edits=3)
    sign_in(make_user("reviewer"))
    for history in ("all", "ten-thousand", ""):
        page = client.get(f"/actions/{action.id}", query_string={"history": history}).get_data(as_text=True)
        assert _numbers(page, r"Update number (\d+)\.") == [4, 3, 2, 1]
        assert _numbers(page, r"→ outcome (\d+)") == [3, 2, 1]
        assert '<ol class="app-timeline" reversed start="4">' in page
        assert "The latest" not in page and "Show all" not in page


def test_an_action_with_no_updates_and_a_page_posted_to_since_show_the_new_totals(client, make_user, make_action,
                                                                                  sign_in):
    action = _busy_action(make_user, make_action, updates=0, edits=0)
    sign_in(make_user("reviewer"))
    assert "No progress updates yet." in client.get(f"/actions/{action.id}").get_data(as_text=True)
    owner = db.session.get(Action, action.id).owners[0]
    for n in range(1, 23):
        post_update(db.session.get(Action, action.id), UpdateData("PROGRESS MADE", "green", f"Update number {n}.",
                                                                  as_at=date(2024, 1, 1)), owner, historical=True)
    db.session.commit()
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert _numbers(page, r"Update number (\d+)\.") == list(range(22, 2, -1))
    assert "The latest 20 of 22 updates." in page and "The latest 20 of 23 changes." in page
