"""The iCalendar feed: RFC 5545 text written by hand, behind a secret, revocable link."""
from datetime import date, datetime

from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.reminders.ical import CalendarEvent, calendar_text, escape_text, fold

STAMP = datetime(2024, 11, 4, 9)


def test_escaping_of_text_values():
    assert escape_text("Review, then report; see C:\\plans\nnext line\r\nlast") == \
        "Review\\, then report\\; see C:\\\\plans\\nnext line\\nlast"


def test_lines_longer_than_75_octets_are_folded():
    line = "DESCRIPTION:" + "x" * 70
    assert fold(line) == "DESCRIPTION:" + "x" * 63 + "\r\n " + "x" * 7
    assert fold("SUMMARY:short") == "SUMMARY:short"
    assert fold("x" * 75) == "x" * 75


def test_folding_never_splits_a_utf8_character():
    folded = fold("SUMMARY:" + "é" * 80)
    pieces = folded.split("\r\n")
    assert [len(piece.encode("utf-8")) for piece in pieces] == [74, 75, 21]
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert "".join(piece[1:] if i else piece for i, piece in enumerate(pieces)) == "SUMMARY:" + "é" * 80


def test_a_whole_calendar_exactly():
    event = CalendarEvent("action-7@wres.example.nhs.uk", date(2024, 12, 31), "WRES action 1.3 due",
                          "Develop a toolkit, then train; panels", "https://wres.example.nhs.uk/actions/7")
    assert calendar_text("WRES and WDES actions: Ama Owusu", [event], STAMP) == (
        "BEGIN:VCALENDAR\r\n"
        "VERSION:2.0\r\n"
        "PRODID:-//WRES and WDES action plan tracker//Calendar feed//EN\r\n"
        "CALSCALE:GREGORIAN\r\n"
        "METHOD:PUBLISH\r\n"
        "X-WR-CALNAME:WRES and WDES actions: Ama Owusu\r\n"
        "BEGIN:VEVENT\r\n"
        "UID:action-7@wres.example.nhs.uk\r\n"
        "DTSTAMP:20241104T090000Z\r\n"
        "DTSTART;VALUE=DATE:20241231\r\n"
        "DTEND;VALUE=DATE:20250101\r\n"
        "SUMMARY:WRES action 1.3 due\r\n"
        "DESCRIPTION:Develop a toolkit\\, then train\\; panels\r\n"
        "URL:https://wres.example.nhs.uk/actions/7\r\n"
        "TRANSP:TRANSPARENT\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )


def _feed_world(world, make_action, make_plan, make_forum, add_meeting):
    council = make_forum("Inclusion Council", members=[world.ama])
    board = make_forum("Trust Board")
    owned = make_action(world.plan, "1.3", owners=[world.ama], by_when="31/12/2024",
                        text="Develop a toolkit, then train panels")
    supported = make_action(world.plan, "2.1", owners=[world.ben], supporting_leads=[world.ama], by_when="Q4 2024-25")
    make_action(world.plan, "2.2", owners=[world.ama], by_when="Ongoing")
    make_action(world.plan, "2.3", owners=[world.ama], by_when="31/10/2024", status="ACHIEVED")
    make_action(world.plan, "2.4", owners=[world.ben], by_when="31/10/2024")
    closed_plan = make_plan(year="2023-24")
    make_action(closed_plan, "1.1", owners=[world.ama], by_when="31/03/2024")
    closed_plan.status = "closed"
    db.session.commit()
    meeting = add_meeting(council, date(2024, 11, 14))
    add_meeting(board, date(2024, 11, 28))
    return owned, supported, meeting, council


def test_the_feed_has_open_action_deadlines_and_forum_meetings(
        client, smtp, world, make_action, make_plan, make_forum, add_meeting, sign_in, fixed_today):
    owned, supported, meeting, council = _feed_world(world, make_action, make_plan, make_forum, add_meeting)
    sign_in(world.ama)
    client.post("/reminders/preferences/calendar")
    token = world.ama.calendar_token
    assert len(token) == 43
    client.post("/sign-out")
    fixed_today(date(2024, 11, 4))
    response = client.get(f"/reminders/calendar/{token}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    host, base = "wres.example.nhs.uk", "https://wres.example.nhs.uk"
    assert response.get_data(as_text=True) == "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//WRES and WDES action plan tracker//Calendar feed//EN",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:WRES and WDES actions: Ama Owusu",
        "BEGIN:VEVENT", f"UID:meeting-{meeting.id}@{host}", "DTSTAMP:20241104T090000Z",
        "DTSTART;VALUE=DATE:20241114", "DTEND;VALUE=DATE:20241115", "SUMMARY:Inclusion Council meeting",
        "DESCRIPTION:Meeting of the Inclusion Council\\, which reviews actions",
        f"URL:{base}/forums/{council.id}", "TRANSP:TRANSPARENT", "END:VEVENT",
        "BEGIN:VEVENT", f"UID:action-{owned.id}@{host}", "DTSTAMP:20241104T090000Z",
        "DTSTART;VALUE=DATE:20241231", "DTEND;VALUE=DATE:20250101", "SUMMARY:WRES action 1.3 due",
        "DESCRIPTION:Develop a toolkit\\, then train panels\\nBy when: 31/12/2024\\nPla",
        " n 2024-25", f"URL:{base}/actions/{owned.id}", "TRANSP:TRANSPARENT", "END:VEVENT",
        "BEGIN:VEVENT", f"UID:action-{supported.id}@{host}", "DTSTAMP:20241104T090000Z",
        "DTSTART;VALUE=DATE:20250331", "DTEND;VALUE=DATE:20250401", "SUMMARY:WRES action 2.1 due",
        "DESCRIPTION:Develop an inclusive recruitment toolkit\\nBy when: Q4 2024-25\\n",
        " Plan 2024-25", f"URL:{base}/actions/{supported.id}", "TRANSP:TRANSPARENT", "END:VEVENT",
        "END:VCALENDAR", ""])


def test_a_revoked_or_replaced_link_is_404(client, smtp, world, sign_in):
    sign_in(world.ama)
    client.post("/reminders/preferences/calendar")
    first = world.ama.calendar_token
    assert client.get(f"/reminders/calendar/{first}.ics").status_code == 200
    response = client.post("/reminders/preferences/calendar", follow_redirects=True)
    assert "A new calendar link has been created; the old one no longer works." in response.get_data(as_text=True)
    second = world.ama.calendar_token
    assert second != first
    assert client.get(f"/reminders/calendar/{first}.ics").status_code == 404
    page = client.get("/reminders/preferences").get_data(as_text=True)
    assert f"https://wres.example.nhs.uk/reminders/calendar/{second}.ics" in page
    response = client.post("/reminders/preferences/calendar/revoke", follow_redirects=True)
    assert "Your calendar link has been revoked" in response.get_data(as_text=True)
    assert world.ama.calendar_token is None
    missing = client.get(f"/reminders/calendar/{second}.ics")
    assert missing.status_code == 404 and "Page not found" in missing.get_data(as_text=True)
    assert "You have no calendar link." in client.get("/reminders/preferences").get_data(as_text=True)
    verbs = db.session.scalars(select(AuditEvent.summary).where(AuditEvent.subject_id == world.ama.id,
                                                                AuditEvent.verb == "calendar link")).all()
    assert sorted(verbs) == ["Calendar feed link created", "Calendar feed link created", "Calendar feed link revoked"]


def test_unknown_tokens_and_inactive_users_get_404(client, world):
    world.gone.calendar_token = "gone-token"
    db.session.commit()
    assert client.get("/reminders/calendar/gone-token.ics").status_code == 404
    assert client.get("/reminders/calendar/not-a-token.ics").status_code == 404
    assert client.get("/reminders/calendar/.ics").status_code == 404
