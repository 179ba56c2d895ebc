"""Two people edit one action: the second sees what the first changed beside what they typed, and can
re-apply their changes on the new version."""
from __future__ import annotations

import html
import re

import pytest

from tracker.actions import edit_conflict
from tracker.actions.models import Action
from tracker.actions.service import ActionData, update_action
from tracker.extensions import db

OPENED = {"text": "Build a toolkit", "by_when": "Dec 2024", "rag": "", "wres_indicators": ["wres:1"]}


def test_changes_list_each_field_either_person_changed_in_the_forms_order():
    now = {**OPENED, "text": "Build an inclusive recruitment toolkit"}
    yours = {**OPENED, "by_when": "Mar 2025", "wres_indicators": ["wres:1", "wres:2"]}
    found = edit_conflict.changes(OPENED, now, yours)
    assert [(c.name, c.changed_by_them, c.changed_by_you) for c in found] == [
        ("text", True, False), ("wres_indicators", False, True), ("by_when", False, True)]


def test_reapplying_keeps_their_changes_where_you_changed_nothing_and_yours_where_you_did():
    now = {**OPENED, "text": "Theirs", "rag": "amber"}
    yours = {**OPENED, "rag": "red", "by_when": "Mar 2025"}
    merged = edit_conflict.reapplied(OPENED, now, yours)
    assert (merged["text"], merged["rag"], merged["by_when"], merged["wres_indicators"]) == (
        "Theirs", "red", "Mar 2025", ["wres:1"])
    assert [c.name for c in edit_conflict.changes(OPENED, now, yours) if c.clash] == ["rag"]


def _hidden(page: str, name: str) -> str:
    return html.unescape(re.search(rf'name="{name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="{name}"', page)
                         .group(1))


def _form_fields(page: str) -> dict:
    """The edit form's values as the browser would send them (text inputs, textareas, selects, checkboxes)."""
    form = page[page.index("<form method=\"post\""):]
    data: dict = {}
    for match in re.finditer(r"<input([^>]*)>", form):
        attributes = match.group(1)
        name = re.search(r'name="([^"]+)"', attributes)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', attributes)
        value = html.unescape(value.group(1)) if value else ""
        if 'type="checkbox"' in attributes:
            if "checked" in attributes:
                data.setdefault(name.group(1), []).append(value)
        else:
            data[name.group(1)] = value
    for match in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[match.group(1)] = html.unescape(match.group(2)).lstrip("\n")
    for match in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', match.group(2))
        data[match.group(1)] = html.unescape(chosen.group(1)) if chosen else ""
    return data


@pytest.fixture
def opened(client, make_user, make_action, sign_in):
    """An admin has opened an action's edit form; another admin then saves a change to its text."""
    action = make_action(ref="1.1", by_when="Dec 2024", text="Build a toolkit")
    editor = make_user("admin", name="Lesley Faux")
    other = make_user("admin", name="Priya Shah")
    sign_in(editor)
    form = _form_fields(client.get(f"/actions/{action.id}/edit").get_data(as_text=True))
    _other_saves(action, other, text="Build an inclusive recruitment toolkit")
    return action, form, other


def _other_saves(action, user, **changes):
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    values = {name: getattr(action, name) for name in (
        "ref", "text", "theme", "outcome", "lead_text", "by_when", "priority", "equality_objectives", "edi_goals",
        "status", "rag", "rag_as_at", "cancelled_reason")}
    values.update(changes)
    update_action(action, ActionData(**values, indicators=action.indicators, owners=list(action.owners),
                                     supporting_leads=list(action.supporting_leads), forums=list(action.forums)),
                  user, action.version)
    db.session.commit()


def test_the_conflict_page_shows_their_change_beside_what_you_typed(client, opened):
    action, form, _other = opened
    response = client.post(f"/actions/{action.id}/edit", data={**form, "by_when": "Mar 2025"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this action while you were editing it" in page
    assert "updated by Priya Shah at" in page
    table = page[page.index('id="conflict-table"'):page.index("</table>", page.index('id="conflict-table"'))]
    assert re.search(r"Action</th>\s*<td[^>]*>Build a toolkit</td>\s*<td[^>]*>Build an inclusive recruitment toolkit</td>"
                     r"\s*<td[^>]*><span[^>]*>Not changed</span>", table)
    assert re.search(r"By when</th>\s*<td[^>]*>Dec 2024</td>\s*<td[^>]*><span[^>]*>Not changed</span></td>"
                     r"\s*<td[^>]*>Mar 2025</td>", table)
    db.session.expire_all()
    assert db.session.get(Action, action.id).by_when == "Dec 2024"


def test_the_conflict_page_form_holds_your_changes_on_theirs_and_the_new_version(client, opened):
    action, form, _other = opened
    page = client.post(f"/actions/{action.id}/edit", data={**form, "by_when": "Mar 2025"}).get_data(as_text=True)
    again = _form_fields(page)
    db.session.expire_all()
    assert again["version"] == str(db.session.get(Action, action.id).version) != form["version"]
    assert (again["text"], again["by_when"]) == ("Build an inclusive recruitment toolkit", "Mar 2025")


def test_reapplying_saves_on_the_new_version_keeping_both_changes(client, opened):
    action, form, _other = opened
    page = client.post(f"/actions/{action.id}/edit", data={**form, "by_when": "Mar 2025"}).get_data(as_text=True)
    response = client.post(f"/actions/{action.id}/edit", data=_form_fields(page))
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Action, action.id)
    assert (saved.text, saved.by_when) == ("Build an inclusive recruitment toolkit", "Mar 2025")


def test_a_third_change_in_between_shows_the_conflict_page_again(client, opened):
    action, form, other = opened
    page = client.post(f"/actions/{action.id}/edit", data={**form, "by_when": "Mar 2025"}).get_data(as_text=True)
    _other_saves(action, other, outcome="Every panel is diverse")
    response = client.post(f"/actions/{action.id}/edit", data=_form_fields(page))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Every panel is diverse" in page
    assert _form_fields(page)["outcome"] == "Every panel is diverse"
    db.session.expire_all()
    assert db.session.get(Action, action.id).by_when == "Dec 2024"


def test_a_form_without_its_opened_values_still_shows_the_page(client, opened):
    action, form, _other = opened
    response = client.post(f"/actions/{action.id}/edit", data={**form, "opened": "tampered", "by_when": "Mar 2025"})
    assert response.status_code == 409
    assert "Mar 2025" in response.get_data(as_text=True)
