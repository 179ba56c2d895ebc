"""Managing a forum's members and meeting dates (admin only)."""
from datetime import date

from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.governance.models import Meeting
from tracker.governance.service import add_meeting, add_member


def _verbs(forum) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.verb).where(
        AuditEvent.subject_type == "forum", AuditEvent.subject_id == forum.id).order_by(AuditEvent.id)))


def _meeting_dates(forum) -> list[date]:
    query = select(Meeting.held_on).where(Meeting.forum_id == forum.id).order_by(Meeting.held_on)
    return list(db.session.scalars(query))


def test_admin_adds_and_removes_a_member(admin_client, make_forum, make_user):
    council = make_forum("Inclusion Council")
    ama = make_user("reviewer", name="Ama Owusu", job_title="Chief People Officer")
    make_user("owner", name="Gone Person", active=False)
    form = admin_client.get(f"/forums/{council.id}/members").get_data(as_text=True)
    assert "Ama Owusu, Chief People Officer" in form and "Gone Person" not in form
    response = admin_client.post(f"/forums/{council.id}/members", data={"user": str(ama.id)})
    assert response.status_code == 302 and response.location == f"/forums/{council.id}/members"
    db.session.expire_all()
    assert [m.name for m in council.members] == ["Ama Owusu"]
    page = admin_client.get(response.location).get_data(as_text=True)
    assert "Ama Owusu added to Inclusion Council." in page and "Reviewer (forum member)" in page
    response = admin_client.post(f"/forums/{council.id}/members/{ama.id}/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert council.members == []
    assert "Ama Owusu removed from Inclusion Council." in admin_client.get(response.location).get_data(as_text=True)
    assert _verbs(council) == ["created", "member added", "member removed"]


def test_adding_someone_twice_is_a_clear_error(admin_client, make_forum, make_user):
    council = make_forum("Inclusion Council")
    ama = make_user("reviewer", name="Ama Owusu")
    add_member(council, ama, None)
    db.session.commit()
    page = admin_client.post(f"/forums/{council.id}/members", data={"user": str(ama.id)}).get_data(as_text=True)
    assert "There is a problem" in page and 'href="#user"' in page
    assert "Ama Owusu is already a member of Inclusion Council" in page
    assert _verbs(council) == ["created", "member added"]


def test_member_choice_must_be_an_active_user(admin_client, make_forum, make_user):
    council = make_forum("Inclusion Council")
    gone = make_user("owner", name="Gone Person", active=False)
    page = admin_client.post(f"/forums/{council.id}/members", data={"user": "0"}).get_data(as_text=True)
    assert "Choose the person to add" in page
    page = admin_client.post(f"/forums/{council.id}/members", data={"user": str(gone.id)}).get_data(as_text=True)
    assert "Choose an active user from the list" in page
    db.session.expire_all()
    assert council.members == [] and _verbs(council) == ["created"]


def test_removing_someone_who_is_not_a_member_is_404(admin_client, make_forum, make_user):
    council = make_forum("Inclusion Council")
    other = make_forum("Trust Board")
    ama = make_user("reviewer", name="Ama Owusu")
    add_member(other, ama, None)
    db.session.commit()
    assert admin_client.post(f"/forums/{council.id}/members/{ama.id}/remove").status_code == 404
    assert admin_client.post(f"/forums/{council.id}/members/9999/remove").status_code == 404
    db.session.expire_all()
    assert [m.name for m in other.members] == ["Ama Owusu"]


def test_admin_adds_a_meeting_with_notes(admin_client, make_forum):
    council = make_forum("Inclusion Council")
    response = admin_client.post(f"/forums/{council.id}/meetings", data={"held_on": "2024-10-08",
                                                                          "notes": " Quarterly review "})
    assert response.status_code == 302 and response.location == f"/forums/{council.id}/meetings"
    meeting = db.session.scalar(select(Meeting))
    assert (meeting.forum_id, meeting.held_on, meeting.notes) == (council.id, date(2024, 10, 8), "Quarterly review")
    page = admin_client.get(response.location).get_data(as_text=True)
    assert "Meeting on 8 October 2024 added." in page and "Quarterly review" in page
    assert _verbs(council) == ["created", "meeting added"]


def test_a_duplicate_meeting_date_is_refused(admin_client, make_forum):
    council = make_forum("Inclusion Council")
    add_meeting(council, date(2024, 10, 8), None)
    db.session.commit()
    page = admin_client.post(f"/forums/{council.id}/meetings", data={"held_on": "2024-10-08"}).get_data(as_text=True)
    assert "There is a problem" in page and 'href="#held_on"' in page
    assert "Inclusion Council already has a meeting on 8 October 2024" in page
    assert _meeting_dates(council) == [date(2024, 10, 8)]


def test_the_same_date_for_another_forum_is_fine(admin_client, make_forum):
    council = make_forum("Inclusion Council")
    board = make_forum("Trust Board")
    add_meeting(board, date(2024, 10, 8), None)
    db.session.commit()
    assert admin_client.post(f"/forums/{council.id}/meetings", data={"held_on": "2024-10-08"}).status_code == 302
    assert _meeting_dates(council) == [date(2024, 10, 8)]


def test_meeting_date_must_be_given_and_real(admin_client, make_forum):
    council = make_forum("Inclusion Council")
    cases = {"": "Enter the meeting date", "2024-02-30": "Enter a real date, for example 2024-10-08",
             "next Tuesday": "Enter a real date, for example 2024-10-08",
             "1899-10-08": "Enter a date between 2000 and 2099"}
    for typed, message in cases.items():
        page = admin_client.post(f"/forums/{council.id}/meetings", data={"held_on": typed}).get_data(as_text=True)
        assert "<title>Error: Meetings of Inclusion Council" in page, typed
        assert "There is a problem" in page and message in page, typed
    assert _meeting_dates(council) == []


def test_removing_meetings(admin_client, make_forum, fixed_today):
    fixed_today(date(2024, 11, 1))
    council = make_forum("Inclusion Council")
    future = add_meeting(council, date(2024, 12, 10), None, notes="Agenda drafted")
    past_empty = add_meeting(council, date(2024, 8, 13), None)
    past_with_notes = add_meeting(council, date(2024, 10, 8), None, notes="Reviewed theme 1")
    db.session.commit()
    page = admin_client.get(f"/forums/{council.id}/meetings").get_data(as_text=True)
    assert "Remove<span class=\"nhsuk-u-visually-hidden\"> meeting on 10 December 2024" in page
    assert "Kept: it has notes" in page
    for meeting in (future, past_empty):
        response = admin_client.post(f"/forums/{council.id}/meetings/{meeting.id}/remove")
        assert response.status_code == 302
    page = admin_client.post(f"/forums/{council.id}/meetings/{past_with_notes.id}/remove").get_data(as_text=True)
    assert "There is a problem" in page
    assert "The meeting on 8 October 2024 has taken place and has notes, so it is kept as a record" in page
    assert _meeting_dates(council) == [date(2024, 10, 8)]
    assert _verbs(council)[-2:] == ["meeting removed", "meeting removed"]


def test_a_meeting_of_another_forum_is_404(admin_client, make_forum):
    council = make_forum("Inclusion Council")
    board = make_forum("Trust Board")
    theirs = add_meeting(board, date(2024, 12, 10), None)
    db.session.commit()
    assert admin_client.post(f"/forums/{council.id}/meetings/{theirs.id}/remove").status_code == 404
    assert admin_client.post(f"/forums/{council.id}/meetings/9999/remove").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1
