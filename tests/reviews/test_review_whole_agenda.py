"""The whole agenda on one page: a row per item, the filled rows saved together or not at all."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.reviews.helpers import item_of, row, text
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.reviews.models import ForumReview


@pytest.fixture
def agenda(world, council_action, post_update, build):
    """Three actions on the 12 November agenda, built on 1 November (today)."""
    actions = {ref: council_action(ref, rag=rag, text=f"Action {ref} text") for ref, rag in
               (("1.1", "red"), ("1.2", "amber"), ("1.3", "red"))}
    post_update(actions["1.2"], date(2024, 10, 20), "Panels trained", rag="amber")
    build(world.meeting)
    return {ref: item_of(world.meeting, action) for ref, action in actions.items()}


def _url(world) -> str:
    return world.agenda_url() + "/reviews"


def _form(client, world) -> dict[str, str]:
    """The hidden fields of the page as served (each row's latest review it showed)."""
    html = client.get(_url(world)).get_data(as_text=True)
    return dict(re.findall(r'<input id="(item-\d+-seen)" name="[^"]+" type="hidden" value="(\d+)">', html))


def _row(item, **values) -> dict[str, str]:
    return {f"item-{item.id}-{name}": value for name, value in values.items()}


def _reviews() -> list[tuple[str, str, str]]:
    return [(r.action.ref, r.reviewed_rag, r.decision)
            for r in db.session.scalars(select(ForumReview).order_by(ForumReview.id))]


def test_the_page_lists_every_item_under_its_section_with_the_owners_rating(client, sign_in, world, agenda):
    html = sign_in(world.reviewer).get(_url(world)).get_data(as_text=True)

    page = text(html)
    assert "<h1>Record the forum's reviews</h1>" in page
    assert page.index("Rated Red by their owners") < page.index("Rated Amber by their owners")
    assert "reviews recorded now are shown as recorded before the meeting" in page
    amber = row(html, agenda["1.2"].id)
    assert "1.2 (2024-25) Action 1.2 text" in amber and "Panels trained" in amber
    assert "rated as at 20 October 2024" in amber and "Not reviewed yet" in amber
    assert f'name="item-{agenda["1.2"].id}-reviewed_rag"' in amber and f'name="item-{agenda["1.2"].id}-comment"' in amber


def test_the_filled_rows_are_recorded_together_each_audited(client, sign_in, world, agenda):
    sign_in(world.reviewer)
    data = {**_form(client, world),
            **_row(agenda["1.1"], reviewed_rag="red", decision="more_evidence", comment="Bring the figures"),
            **_row(agenda["1.2"], reviewed_rag="amber", decision="noted")}

    response = client.post(_url(world), data=data, follow_redirects=True)

    assert "2 reviews recorded." in response.get_data(as_text=True)
    assert _reviews() == [("1.1", "red", "more_evidence"), ("1.2", "amber", "noted")]
    summaries = [e.summary for e in db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "forum review")
                                                       .order_by(AuditEvent.id))]
    assert summaries == ["IC review of 1.1 (12 November 2024) (before the meeting): red, more evidence requested",
                         "IC review of 1.2 (12 November 2024) (before the meeting): amber, noted"]
    cells = row(client.get(world.agenda_url()).get_data(as_text=True), agenda["1.1"].id)
    assert "Bring the figures" in cells and "Rita Reviewer, 1 November 2024, before the meeting" in cells


def test_one_wrong_row_stores_nothing_and_says_which_row_and_field(client, sign_in, world, agenda):
    sign_in(world.reviewer)
    data = {**_form(client, world),
            **_row(agenda["1.1"], reviewed_rag="red", decision="noted"),
            **_row(agenda["1.3"], reviewed_rag="green", decision="agree_completion", comment="All done")}

    response = client.post(_url(world), data=data)

    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in html
    assert (f'<a href="#item-{agenda["1.3"].id}-reviewed_rag" > Action 1.3: The forum agreed completion, so choose '
            "Blue (complete) as its RAG rating </a>") in text(html)
    assert "All done" in row(html, agenda["1.3"].id), "what was typed is kept"
    assert _reviews() == []


def test_a_review_recorded_by_someone_else_meanwhile_stops_the_save_and_shows_it(client, sign_in, world, agenda,
                                                                               make_user):
    sign_in(world.reviewer)
    opened = _form(client, world)
    other = make_user("reviewer", name="Other Reviewer")
    client.post("/sign-out")
    sign_in(other).post(f"{world.agenda_url()}/items/{agenda['1.1'].id}/review",
                        data={"reviewed_rag": "amber", "decision": "noted", "comment": "Seen by the chair"})
    client.post("/sign-out")
    sign_in(world.reviewer)
    data = {**opened, **_row(agenda["1.1"], reviewed_rag="red", decision="noted"),
            **_row(agenda["1.2"], reviewed_rag="amber", decision="noted")}

    response = client.post(_url(world), data=data)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert ("Action 1.1: Other Reviewer recorded a review of this action after you opened the page: it is shown here "
            "now. Check it, then record yours again if it is still needed") in text(html).replace("&#39;", "'")
    assert "Seen by the chair" in row(html, agenda["1.1"].id)
    assert _reviews() == [("1.1", "amber", "noted")]

    shown = dict(re.findall(r'name="(item-\d+-seen)" type="hidden" value="(\d+)"', html))
    again = client.post(_url(world), data={**shown, **_row(agenda["1.1"], reviewed_rag="red", decision="noted"),
                                           **_row(agenda["1.2"], reviewed_rag="amber", decision="noted")})
    assert again.status_code == 302
    assert _reviews() == [("1.1", "amber", "noted"), ("1.1", "red", "noted"), ("1.2", "amber", "noted")]


def test_a_form_with_every_row_blank_asks_for_one_review(client, sign_in, world, agenda):
    sign_in(world.reviewer)
    response = client.post(_url(world), data=_form(client, world))
    assert response.status_code == 400
    assert "Record at least one review: every row was left blank" in response.get_data(as_text=True)
    assert _reviews() == []


def test_each_wrong_field_is_marked_on_its_row_with_what_was_typed_kept(client, sign_in, world, agenda):
    sign_in(world.reviewer)
    one, three = agenda["1.1"].id, agenda["1.3"].id
    data = {**_form(client, world),
            **_row(agenda["1.1"], reviewed_rag="purple", decision="agree_cancellation", comment=""),
            **_row(agenda["1.3"], reviewed_rag="green", decision="agree_completion", comment="All <done>")}

    response = client.post(_url(world), data=data)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    links = re.findall(r'<a href="#(item-\d+-\w+)"', html)
    assert links == [f"item-{one}-reviewed_rag", f"item-{one}-comment", f"item-{three}-reviewed_rag"], \
        "the summary lists the rows in the agenda's order and each row's fields in the page's"
    first = row(html, one)
    assert (f'<fieldset class="nhsuk-fieldset" aria-describedby="item-{one}-reviewed_rag-error">' in first
            and f'<span class="nhsuk-error-message" id="item-{one}-reviewed_rag-error"><span '
                'class="nhsuk-u-visually-hidden">Error: </span>Choose the forum&#39;s RAG rating</span>' in first)
    assert (f'<textarea class="nhsuk-textarea nhsuk-textarea--error" id="item-{one}-comment" name="item-{one}-comment" '
            f'rows="3" aria-describedby="item-{one}-comment-error"></textarea>') in first
    assert '<option value="agree_cancellation" selected>Agree cancellation</option>' in first
    assert "checked" not in first and f'class="nhsuk-select" id="item-{one}-decision"' in first
    third = row(html, three)
    assert f'id="item-{three}-reviewed_rag-3" name="item-{three}-reviewed_rag" type="radio" value="green" checked>' \
        in third
    assert "All &lt;done&gt;</textarea>" in third and "nhsuk-form-group--error" in third
    assert third.count("nhsuk-form-group--error") == 1
    second = row(html, agenda["1.2"].id)
    assert "nhsuk-form-group--error" not in second and "checked" not in second
    assert '<option value="" selected>Choose the decision</option>' in second
    assert _reviews() == []


def test_a_page_sent_without_its_csrf_token_saves_nothing(app, client, sign_in, world, agenda):
    sign_in(world.reviewer)
    data = {**_form(client, world), **_row(agenda["1.1"], reviewed_rag="red", decision="noted")}
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(_url(world), data=data)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    assert response.status_code == 400
    assert _reviews() == []


def test_each_row_offers_the_decisions_with_escalation_to_the_forum_above(client, sign_in, world, agenda):
    html = sign_in(world.reviewer).get(_url(world)).get_data(as_text=True)

    options = re.findall(r'<option value="(\w*)"[^>]*>([^<]*)<', row(html, agenda["1.1"].id))

    assert options == [("", "Choose the decision"), ("noted", "Noted"), ("escalate", "Escalate to Trust Board"),
                       ("more_evidence", "Request more evidence"), ("agree_completion", "Agree completion"),
                       ("agree_cancellation", "Agree cancellation")]
