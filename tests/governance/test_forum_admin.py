"""Creating, editing, deactivating and reactivating forums (admin only)."""
from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.governance.models import Forum


def _events(forum: Forum) -> list[tuple[str, dict]]:
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "forum",
                                                       AuditEvent.subject_id == forum.id).order_by(AuditEvent.id))
    return [(event.verb, event.changes) for event in rows]


def _forum_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Forum))


def test_admin_creates_a_forum(admin_client, make_forum):
    board = make_forum("Trust Board")
    response = admin_client.post("/forums/new", data={
        "name": "  People and Culture   Development Committee ", "short_name": " PCDC ",
        "description": "Receives the WRES report.", "parent": str(board.id)})
    forum = db.session.scalar(select(Forum).where(Forum.short_name == "PCDC"))
    assert response.status_code == 302 and response.location == f"/forums/{forum.id}"
    assert (forum.name, forum.description, forum.parent_id, forum.active) == (
        "People and Culture Development Committee", "Receives the WRES report.", board.id, True)
    assert _events(forum) == [("created", {"name": [None, "People and Culture Development Committee"]})]
    page = admin_client.get(response.location).get_data(as_text=True)
    assert "People and Culture Development Committee added." in page and "Receives the WRES report." in page


def test_create_without_a_name_shows_the_error_and_stores_nothing(admin_client):
    page = admin_client.post("/forums/new", data={"name": " ", "short_name": "X", "parent": "0"}).get_data(as_text=True)
    assert "<title>Error: Add a forum" in page
    assert "There is a problem" in page and 'href="#name"' in page and "Enter the forum&#39;s name" in page
    assert _forum_count() == 0


def test_create_with_a_taken_name_or_short_name_is_refused(admin_client, make_forum):
    make_forum("Inclusion Council", short_name="IC")
    page = admin_client.post("/forums/new", data={"name": "inclusion council", "parent": "0"}).get_data(as_text=True)
    assert "There is already a forum called inclusion council" in page
    page = admin_client.post("/forums/new", data={"name": "Inclusion Committee", "short_name": "ic",
                                                  "parent": "0"}).get_data(as_text=True)
    assert "The short name ic is already used by Inclusion Council" in page and 'href="#short_name"' in page
    assert _forum_count() == 1


def test_create_with_an_unknown_parent_or_too_long_name_is_refused(admin_client):
    page = admin_client.post("/forums/new", data={"name": "Board", "parent": "999"}).get_data(as_text=True)
    assert "Choose a forum from the list" in page and 'href="#parent"' in page
    page = admin_client.post("/forums/new", data={"name": "x" * 201, "parent": "0"}).get_data(as_text=True)
    assert "The name must be 200 characters or fewer" in page
    page = admin_client.post("/forums/new", data={"name": "Board", "short_name": "y" * 41,
                                                  "parent": "0"}).get_data(as_text=True)
    assert "The short name must be 40 characters or fewer" in page
    assert _forum_count() == 0


def test_admin_edits_a_forum(admin_client, make_forum):
    board = make_forum("Trust Board")
    pcdc = make_forum("PCD Committee", short_name="PCDC")
    form = admin_client.get(f"/forums/{pcdc.id}/edit").get_data(as_text=True)
    assert 'value="PCD Committee"' in form and f'<option value="{pcdc.id}"' not in form
    response = admin_client.post(f"/forums/{pcdc.id}/edit", data={
        "name": "People and Culture Development Committee", "short_name": "PCDC",
        "description": "Board committee", "parent": str(board.id)})
    assert response.status_code == 302 and response.location == f"/forums/{pcdc.id}"
    db.session.expire_all()
    assert (pcdc.name, pcdc.description, pcdc.parent.name) == (
        "People and Culture Development Committee", "Board committee", "Trust Board")
    assert _events(pcdc)[-1] == ("updated", {
        "description": ["", "Board committee"], "escalates_to": [None, "Trust Board"],
        "name": ["PCD Committee", "People and Culture Development Committee"]})


def test_renaming_to_another_forums_name_is_refused(admin_client, make_forum):
    make_forum("Trust Board")
    council = make_forum("Inclusion Council")
    page = admin_client.post(f"/forums/{council.id}/edit",
                             data={"name": "Trust Board", "parent": "0"}).get_data(as_text=True)
    assert "There is already a forum called Trust Board" in page
    db.session.expire_all()
    assert council.name == "Inclusion Council" and len(_events(council)) == 1


def test_saving_without_changes_writes_no_audit_event(admin_client, make_forum):
    council = make_forum("Inclusion Council", short_name="IC")
    response = admin_client.post(f"/forums/{council.id}/edit", data={"name": "Inclusion Council", "short_name": "IC",
                                                                      "parent": "0"})
    assert response.status_code == 302 and [verb for verb, _ in _events(council)] == ["created"]


def test_a_forum_cannot_escalate_to_itself(admin_client, make_forum):
    council = make_forum("Inclusion Council")
    page = admin_client.post(f"/forums/{council.id}/edit", data={"name": "Inclusion Council",
                                                                  "parent": str(council.id)}).get_data(as_text=True)
    assert "There is a problem" in page and "Inclusion Council cannot escalate to itself" in page
    db.session.expire_all()
    assert council.parent_id is None


def test_a_forum_cannot_escalate_to_a_forum_that_escalates_to_it(admin_client, make_forum):
    board = make_forum("Trust Board")
    pcdc = make_forum("People and Culture Development Committee", short_name="PCDC", parent=board)
    council = make_forum("Inclusion Council", parent=pcdc)
    page = admin_client.post(f"/forums/{board.id}/edit", data={"name": "Trust Board", "description": "changed",
                                                                "parent": str(council.id)}).get_data(as_text=True)
    assert "There is a problem" in page and 'href="#parent"' in page
    assert ("Trust Board cannot escalate to Inclusion Council, because Inclusion Council already escalates to "
            "Trust Board (Inclusion Council → PCDC → Trust Board)") in page
    db.session.expire_all()
    assert (board.parent_id, board.description) == (None, "")
    assert [verb for verb, _ in _events(board)] == ["created"]


def test_moving_a_forum_elsewhere_in_the_chain_is_allowed(admin_client, make_forum):
    board = make_forum("Trust Board")
    pcdc = make_forum("PCDC", parent=board)
    council = make_forum("Inclusion Council", parent=pcdc)
    response = admin_client.post(f"/forums/{council.id}/edit",
                                 data={"name": "Inclusion Council", "parent": str(board.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert council.parent_id == board.id


def test_deactivate_and_reactivate(admin_client, make_forum):
    council = make_forum("Inclusion Council")
    assert "Deactivate forum" in admin_client.get(f"/forums/{council.id}/edit").get_data(as_text=True)
    response = admin_client.post(f"/forums/{council.id}/deactivate")
    assert response.status_code == 302 and response.location == f"/forums/{council.id}"
    db.session.expire_all()
    assert council.active is False
    page = admin_client.get(f"/forums/{council.id}").get_data(as_text=True)
    assert "Inclusion Council is now inactive." in page and "Inactive" in page
    page = admin_client.post(f"/forums/{council.id}/deactivate", follow_redirects=True).get_data(as_text=True)
    assert "Inclusion Council is already inactive." in page
    assert "Reactivate forum" in admin_client.get(f"/forums/{council.id}/edit").get_data(as_text=True)
    admin_client.post(f"/forums/{council.id}/reactivate")
    db.session.expire_all()
    assert council.active is True
    assert [verb for verb, _ in _events(council)] == ["created", "deactivated", "reactivated"]
    assert _events(council)[1][1] == {"active": [True, False]}
