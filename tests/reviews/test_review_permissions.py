"""Who may read agendas, record reviews, change agendas and download the meeting pack."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.reviews.conftest import MEETING
from tests.reviews.helpers import item_of
from tracker.extensions import db
from tracker.reviews.models import AgendaItem, ForumReview, MeetingAgenda

ROLES = ("admin", "reviewer", "owner", "viewer")


@pytest.fixture
def urls(world, council_action, client, sign_in, fixed_today, build):
    """Every review route for one agenda item; the agenda is built and today is the meeting day."""
    action = council_action("1.2", rag="red")
    council_action("1.6", rag="green")
    build(world.meeting)
    sign_in(world.admin).post(world.agenda_url() + "/items", data={"plan": world.plan.id, "ref": "1.6"})
    client.post("/sign-out")
    fixed_today(MEETING)
    base = world.agenda_url()
    item = item_of(world.meeting, action)
    added = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == world.meeting.id,
                                                       AgendaItem.action_id != action.id))
    return {"agenda": base, "review": f"{base}/items/{item.id}/review", "pack": f"{base}/pack.docx",
            "reviews": f"{base}/reviews", "refresh": f"{base}/refresh", "add": f"{base}/items",
            "remove": f"{base}/items/{added.id}/remove", "build": f"{world.agenda_url(world.previous)}/build"}


def _counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (AgendaItem, ForumReview, MeetingAgenda))


def test_anonymous_visitors_are_sent_to_sign_in(client, urls):
    before = _counts()
    for name in ("agenda", "review", "pack", "reviews"):
        response = client.get(urls[name])
        assert response.status_code == 302 and "/sign-in" in response.location, name
    for name in ("review", "reviews", "refresh", "add", "remove", "build"):
        response = client.post(urls[name], data={"reviewed_rag": "red", "decision": "noted"})
        assert response.status_code == 302 and "/sign-in" in response.location, name
    assert _counts() == before


@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_role_reads_the_agenda(client, sign_in, make_user, urls, role):
    response = sign_in(make_user(role)).get(urls["agenda"])
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h1>Meeting on 12 November 2024: agenda</h1>" in html
    assert ("Record the forum&#39;s review" in html) is (role in ("admin", "reviewer"))
    assert ("Download the meeting pack" in html) is (role in ("admin", "reviewer"))
    assert ("Refresh the agenda" in html) is (role == "admin")
    assert ("Add an action to the agenda" in html) is (role == "admin")


@pytest.mark.parametrize("role", ("owner", "viewer"))
def test_owners_and_viewers_cannot_review_or_download_the_pack(client, sign_in, make_user, urls, role):
    sign_in(make_user(role))
    before = _counts()
    for name in ("review", "pack", "reviews"):
        assert client.get(urls[name]).status_code == 403, name
    for name in ("review", "reviews", "build"):
        response = client.post(urls[name], data={"reviewed_rag": "red", "decision": "noted"})
        assert response.status_code == 403 and "You do not have permission to do this" in response.get_data(
            as_text=True), name
    assert _counts() == before


@pytest.mark.parametrize("role", ("reviewer", "owner", "viewer"))
def test_only_the_edi_lead_changes_the_agenda(client, sign_in, make_user, urls, role, world):
    sign_in(make_user(role))
    before = _counts()
    for name in ("refresh", "add", "remove"):
        assert client.post(urls[name], data={"plan": world.plan.id, "ref": "1.2"}).status_code == 403, name
    assert _counts() == before


@pytest.mark.parametrize("role", ("admin", "reviewer"))
def test_reviewers_and_admins_review_and_download(client, sign_in, make_user, urls, role):
    sign_in(make_user(role))
    assert client.get(urls["review"]).status_code == 200
    assert client.get(urls["pack"]).status_code == 200
    response = client.post(urls["review"], data={"reviewed_rag": "red", "decision": "noted"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ForumReview)) == 1
    assert client.get(urls["reviews"]).status_code == 200
    assert client.post(urls["build"]).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(MeetingAgenda)) == 2


def test_the_edi_lead_changes_the_agenda(client, sign_in, urls, world):
    sign_in(world.admin)
    assert client.post(urls["remove"]).status_code == 302
    assert client.post(urls["add"], data={"plan": world.plan.id, "ref": "1.6"}).status_code == 302
    assert client.post(urls["refresh"]).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == 2
