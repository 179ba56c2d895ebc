"""The form fields of the plan's Word documents page, the plan edit page, the bulk change page and the
agenda's "add an action" form keep the NHS.UK markup: each field labelled, hints and errors tied to it with
aria-describedby, errors listed in the error summary with a link to their field, conditional radios that
reveal their fields."""
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from tracker.extensions import db
from tracker.governance.models import Meeting
from tracker.governance.service import create_forum


class _Page(HTMLParser):
    """Every element's tag and attributes, and the text inside each element with an id."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text_of: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag not in ("input", "br", "meta", "link", "img", "hr", "path"):
            self._open.append((tag, attributes.get("id")))
            if attributes.get("id"):
                self.text_of.setdefault(attributes["id"], "")

    def handle_endtag(self, tag):
        while self._open:
            opened, _id = self._open.pop()
            if opened == tag:
                break

    def handle_data(self, data):
        for _tag, element_id in self._open:
            if element_id:
                self.text_of[element_id] += data

    def ids(self) -> set[str]:
        return {attributes["id"] for _tag, attributes in self.elements if attributes.get("id")}

    def labels_for(self) -> list[str]:
        return [attributes["for"] for tag, attributes in self.elements if tag == "label" and "for" in attributes]

    def fields(self) -> list[dict]:
        return [attributes for tag, attributes in self.elements
                if tag in ("input", "select", "textarea") and attributes.get("type") != "hidden"]

    def element(self, element_id: str) -> tuple[str, dict]:
        return next((tag, attributes) for tag, attributes in self.elements if attributes.get("id") == element_id)


def _check_fields(page: _Page) -> None:
    """Each visible field has an id, exactly one label for it, and its aria-describedby names elements on the page."""
    labels = page.labels_for()
    ids = page.ids()
    assert page.fields()
    for field in page.fields():
        assert field.get("id"), field
        assert labels.count(field["id"]) == 1, field
        for described in field.get("aria-describedby", "").split():
            assert described in ids, (field, described)


@pytest.fixture
def lead(make_user, sign_in):
    user = make_user("admin", name="Edi Lead")
    sign_in(user)
    return user


@pytest.fixture
def plan(make_plan, make_action, make_user, fixed_today):
    fixed_today(date(2024, 11, 1))
    plan = make_plan(themes=("Recruitment",))
    owner = make_user("owner", name="Laura Reynolds")
    for n in (1, 2):
        make_action(plan, f"1.{n}", owners=[owner], text=f"Action 1.{n}")
    return plan


def test_the_word_documents_page_labels_every_field_and_ties_its_hint_to_it(client, lead, plan):
    response = client.get(f"/plans/{plan.id}/documents")
    page = _Page(response.get_data(as_text=True))
    assert response.status_code == 200
    _check_fields(page)
    tag, as_at = page.element("appendix1-as_at")
    assert (tag, as_at["type"], as_at["value"]) == ("input", "date", "2024-11-01")
    assert as_at["class"] == "nhsuk-input nhsuk-input--width-10"
    assert as_at["aria-describedby"] == "appendix1-as_at-hint"
    assert "like 2024-09-30" in page.text_of["appendix1-as_at-hint"]
    assert page.element("appendix1-title")[1]["value"].startswith("Appendix 1: Progress Report")
    downloads = [attributes for tag, attributes in page.elements
                 if tag == "button" and attributes.get("class") == "nhsuk-button"]
    assert len(downloads) == 5
    assert all(button["type"] == "submit" and button["data-module"] == "nhsuk-button" for button in downloads)


def test_a_plan_saved_without_its_year_lists_the_error_and_marks_the_field(client, lead, plan):
    form = client.get(f"/plans/{plan.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    response = client.post(f"/plans/{plan.id}/edit", data={"year": "", "title": plan.title, "status": plan.status,
                                                           "standard": plan.standard, "approved_by": "0",
                                                           "version": version})
    html = response.get_data(as_text=True)
    page = _Page(html)
    assert response.status_code == 200
    _check_fields(page)
    assert re.search(r'<a href="#year"[^>]*>\s*Enter the plan year, like 2024-25\s*</a>', html)
    tag, year = page.element("year")
    assert "nhsuk-input--error" in year["class"].split()
    assert year["aria-describedby"] == "year-hint year-error"
    assert "Enter the plan year, like 2024-25" in page.text_of["year-error"]
    assert "nhsuk-form-group--error" in html


def test_the_bulk_change_page_reveals_the_fields_of_the_chosen_change(client, lead, plan):
    selection = [f"{action.id}:{action.version}" for action in plan.actions]
    response = client.post(f"/plans/{plan.id}/actions/bulk", data={"selected": selection, "back": ""})
    page = _Page(response.get_data(as_text=True))
    assert response.status_code == 200
    _check_fields(page)
    kinds = [attributes for tag, attributes in page.elements if tag == "input" and attributes.get("name") == "kind"]
    assert [kind["id"] for kind in kinds][:2] == ["kind", "kind-2"]
    for kind in kinds:
        tag, conditional = page.element(kind["data-aria-controls"])
        assert conditional["class"] == "nhsuk-radios__conditional nhsuk-radios__conditional--hidden"
    assert page.element("conditional-kind")[1] and "by_when" in page.ids()

    unknown = client.post(f"/plans/{plan.id}/actions/bulk/confirm",
                          data={"selected": selection, "kind": "owners", "owners": "Nobody Known", "back": ""})
    html = unknown.get_data(as_text=True)
    page = _Page(html)
    assert unknown.status_code == 400
    _check_fields(page)
    owners_kind = next(a for tag, a in page.elements if tag == "input" and a.get("value") == "owners")
    assert "checked" in owners_kind
    assert page.element(owners_kind["data-aria-controls"])[1]["class"] == "nhsuk-radios__conditional"
    assert page.element("owners")[1]["aria-describedby"] == "owners-hint owners-error"
    assert 'href="#owners"' in html and "Nobody Known" in page.text_of["owners-error"]


def test_the_agenda_form_to_add_an_action_is_labelled(client, lead, plan):
    forum = create_forum("Inclusion Council", None)
    meeting = Meeting(forum=forum, held_on=date(2024, 11, 20))
    db.session.add(meeting)
    db.session.commit()
    response = client.get(f"/forums/{forum.id}/meetings/{meeting.id}")
    page = _Page(response.get_data(as_text=True))
    assert response.status_code == 200
    _check_fields(page)
    assert page.element("ref")[1]["class"] == "nhsuk-input nhsuk-input--width-10"
    assert [o for tag, o in page.elements if tag == "option"][1]["value"] == str(plan.id)
    assert f"{plan.year}: {plan.title}" in page.text_of["plan"]
