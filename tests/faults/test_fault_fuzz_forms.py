"""Very long strings, NUL bytes and unusual unicode in form fields: clear errors, never a 500.

The action form, the progress update form and sign-in are checked in detail; every other form
page in the URL map gets the same input in all its text fields.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.faults.conftest import assert_no_internals, count_rows, page_text
from tracker.actions.models import Action, ProgressUpdate
from tracker.extensions import db

LONG = "x" * 100_000
NUL = "before\x00after"
UNICODE = "Zoë Łukasz – 🎉 مرحبا \u202egnirts\u202c ﷽ e\u0301 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
ACTION_FIELDS = ("ref", "text", "owners", "supporting_leads", "lead_text", "by_when", "outcome",
                 "equality_objectives", "edi_goals", "cancelled_reason")
UPDATE_FIELDS = ("narrative", "rag_reason", "evidence_url")



def _action_form(**values) -> dict:
    return {"ref": "1.9", "text": "Reciprocal mentoring", "theme": "0", "by_when": "Dec 2024", "status": "",
            "rag": "", "priority": "", **values}


def _update_form(**values) -> dict:
    return {"narrative": "Panels now include a BME member", "status": "PROGRESS MADE", "rag": "green",
            "rag_reason": "", **values}


def _refused(response, before: dict, *messages: str, on_the_form: bool = True) -> str:
    """Refused: the form again with its errors (or, off the form, a 400 page), and nothing stored."""
    text = page_text(response)
    assert response.status_code in (200, 400), response.status_code
    assert "There is a problem" in text and ("<title>Error:" in text or not on_the_form)
    assert all(message in text for message in messages), [m for m in messages if m not in text]
    assert_no_internals(text)
    assert count_rows() == before
    return text


def test_every_action_field_too_long_at_once_is_refused(client, edi_lead, plan_with_action):
    before = count_rows()
    response = client.post(f"/plans/{plan_with_action['plan'].id}/actions/new",
                           data=_action_form(**{name: LONG for name in ACTION_FIELDS}, rag_as_at=LONG))
    _refused(response, before, "Field cannot be longer than 20 characters.", "Not a valid date value.")


@pytest.mark.parametrize("field", ACTION_FIELDS)
def test_one_long_action_field_is_refused_or_kept_whole(client, edi_lead, plan_with_action, field):
    before = count_rows()
    response = client.post(f"/plans/{plan_with_action['plan'].id}/actions/new", data=_action_form(**{field: LONG}))
    if response.status_code == 302:
        stored = db.session.scalar(select(Action).where(Action.id == int(response.location.rsplit("/", 1)[1])))
        assert getattr(stored, field) == LONG, f"{field} was cut short"
    else:
        _refused(response, before)


@pytest.mark.parametrize("field", UPDATE_FIELDS)
def test_long_update_fields_are_refused(client, plan_with_action, sign_in, field):
    sign_in(plan_with_action["owner"])
    before = count_rows()
    response = client.post(f"/actions/{plan_with_action['action'].id}/update", data=_update_form(**{field: LONG}))
    _refused(response, before, "Field cannot be longer than")


def test_every_update_field_too_long_at_once_is_refused(client, plan_with_action, sign_in):
    sign_in(plan_with_action["owner"])
    before = count_rows()
    response = client.post(f"/actions/{plan_with_action['action'].id}/update",
                           data=_update_form(**{name: LONG for name in UPDATE_FIELDS}, status=LONG, rag=LONG))
    _refused(response, before, "Not a valid choice.", "Field cannot be longer than 10000 characters.")


def test_nul_bytes_in_an_update_are_refused(client, plan_with_action, sign_in):
    sign_in(plan_with_action["owner"])
    before = count_rows()
    response = client.post(f"/actions/{plan_with_action['action'].id}/update", data=_update_form(narrative=NUL))
    _refused(response, before, on_the_form=False)


def test_nul_bytes_in_an_action_are_refused(client, edi_lead, plan_with_action):
    before = count_rows()
    response = client.post(f"/plans/{plan_with_action['plan'].id}/actions/new", data=_action_form(text=NUL))
    _refused(response, before, on_the_form=False)


def test_unicode_is_stored_and_shown_exactly(client, plan_with_action, sign_in, fixed_today):
    fixed_today(date(2024, 11, 1))
    sign_in(plan_with_action["owner"])
    action_id = plan_with_action["action"].id
    response = client.post(f"/actions/{action_id}/update", data=_update_form(narrative=UNICODE))
    assert response.status_code == 302
    assert db.session.scalar(select(ProgressUpdate.narrative).where(ProgressUpdate.action_id == action_id)) == UNICODE
    assert UNICODE in page_text(client.get(f"/actions/{action_id}"))


@pytest.mark.parametrize("email,password,message", [
    (LONG, LONG, "Email address or password is not right"), (UNICODE, UNICODE, "Email address or password is not right"),
    ("", LONG, "Enter your email address"), (LONG, "", "Enter your password"),
    (NUL, NUL, "There is a problem"),
], ids=["long", "unicode", "no email", "no password", "nul"])
def test_sign_in_with_strange_input_says_what_is_wrong(client, make_user, email, password, message):
    make_user("owner", email="real.person@example.org")
    before = count_rows()
    response = client.post("/sign-in", data={"email": email, "password": password})
    text = page_text(response)
    assert response.status_code in (200, 400) and message in text
    assert "<title>Error:" in text or response.status_code == 400
    assert_no_internals(text)
    added = {table: count - before[table] for table, count in count_rows().items() if count != before[table]}
    # A refused password is counted for the sign-in limits and audited; nothing else is stored.
    assert added == ({"sign_in_failures": 1, "audit_events": 1} if message == "Email address or password is not right" else {})


def _form_pages(app, world: dict) -> list[str]:
    """Every GET+POST page whose arguments the world can fill."""
    pages = []
    for rule in app.url_map.iter_rules():
        if {"GET", "POST"} <= rule.methods and set(rule.arguments) <= set(world) and \
                not rule.endpoint.startswith("auth."):
            url = rule.rule
            for name in rule.arguments:
                url = re.sub(rf"<(?:[^<>]+:)?{name}>", str(world[name]), url)
            pages.append(url)
    return sorted(pages)


def _text_fields(page: str) -> list[str]:
    inputs = re.findall(r'<input[^>]*type="(?:text|email|url|search|password|tel|number|date)"[^>]*>', page)
    names = [re.search(r'name="([^"]+)"', tag) for tag in inputs]
    return [m.group(1) for m in names if m] + re.findall(r'<textarea[^>]*name="([^"]+)"', page)


@pytest.mark.parametrize("value", [LONG, NUL, UNICODE], ids=["long", "nul", "unicode"])
def test_every_form_page_survives_strange_input_in_every_text_field(app, client, edi_lead, plan_with_action, value):
    from tracker.governance.service import add_meeting, create_forum
    forum = create_forum("Inclusion Council", None)
    meeting = add_meeting(forum, date(2030, 1, 8), None)
    db.session.commit()
    world = {"plan_id": plan_with_action["plan"].id, "action_id": plan_with_action["action"].id,
             "theme_id": plan_with_action["plan"].themes[0].id, "forum_id": forum.id, "meeting_id": meeting.id,
             "user_id": plan_with_action["owner"].id}
    pages = _form_pages(app, world)
    assert {f"/plans/{world['plan_id']}/actions/new", f"/actions/{world['action_id']}/update"} <= set(pages)
    for url in pages:
        fields = _text_fields(page_text(client.get(url)))
        if not fields:
            continue
        before = count_rows()
        response = client.post(url, data={name: value for name in fields})
        text = page_text(response)
        assert response.status_code in (200, 302, 400, 403, 404, 409, 413, 422), (url, response.status_code)
        assert_no_internals(text)
        if value == NUL:
            assert response.status_code != 302 and count_rows() == before, url
        elif value == LONG and response.status_code != 302:
            assert count_rows() == before, url
