"""Reminder settings and outbox pages (admins only) and each user's reminder preferences."""
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.reminders import outbox
from tracker.reminders.models import OutboxMessage, ReminderSettings

SETTINGS = {"enabled": "y", "deadline_days": "3; 21, 7", "overdue_copy_after_days": "45", "stale_days": "90",
            "update_request_days": "12", "nudge_days": "4", "weekly_day": "2", "digest_to_reviewers": "y",
            "send_hour": "6"}


def _message(recipient, status: str = "failed", **values) -> OutboxMessage:
    message = outbox.queue_message(
        key=f"reminders:user{recipient.id}:2024-12-17", recipient=recipient, to="Ama Owusu <ama@example.org>", cc=[],
        subject="WRES action plan: 1 action due soon", text="Dear Ama Owusu,\n", html="<p>Dear Ama Owusu,</p>",
        now=datetime(2024, 12, 17, 9))
    message.status, message.attempts = status, 5 if status == "failed" else 0
    message.last_error = "Cannot send through 127.0.0.1:2525: ConnectionRefusedError" if status == "failed" else ""
    for name, value in values.items():
        setattr(message, name, value)
    db.session.commit()
    return message


@pytest.fixture
def admin(make_user, sign_in):
    lead = make_user("admin", name="Lesley Lead", email="lead@example.org")
    sign_in(lead)
    return lead


def test_settings_page_shows_the_defaults(client, admin):
    page = client.get("/reminders/settings").get_data(as_text=True)
    assert "<h1>Reminder settings</h1>" in page
    assert 'name="deadline_days" type="text" value="14, 3"' in page
    assert 'name="stale_days" type="number" value="60"' in page
    assert "No scheduler is running" in page and "Reminders have not run yet." in page


def test_saving_settings_stores_them_and_records_the_change(client, admin):
    response = client.post("/reminders/settings", data=SETTINGS)
    assert response.status_code == 302 and response.headers["Location"] == "/reminders/settings"
    settings = db.session.scalar(select(ReminderSettings))
    assert (settings.enabled, settings.deadline_days, settings.overdue_copy_after_days, settings.stale_days,
            settings.update_request_days, settings.nudge_days, settings.weekly_day, settings.digest_to_reviewers,
            settings.send_hour) == (True, "21, 7, 3", 45, 90, 12, 4, 2, True, 6)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_type == "reminder settings"))
    assert event.actor_id == admin.id and event.changes["deadline_days"] == ["14, 3", "21, 7, 3"]
    page = client.get("/reminders/settings").get_data(as_text=True)
    assert "Reminder settings saved." in page
    assert "<strong>deadline days</strong>: 14, 3 → 21, 7, 3<br><strong>digest to reviewers</strong>: No → Yes" in page


@pytest.mark.parametrize("field,value,message", [
    ("deadline_days", "14, two", "&#39;two&#39; is not a number of days from 1 to 365: enter numbers like 14, 3"),
    ("deadline_days", "", "Enter the number of days before the due date, like 14, 3"),
    ("stale_days", "0", "Enter the days without an update as a whole number from 1 to 365"),
    ("send_hour", "24", "Enter the hour as a whole number from 0 to 23"),
    ("nudge_days", "12", "The second nudge must come nearer the meeting than the first request"),
])
def test_bad_settings_are_explained_and_nothing_is_saved(client, admin, field, value, message):
    response = client.post("/reminders/settings", data={**SETTINGS, field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: Reminder settings" in page and message in page
    assert db.session.scalar(select(func.count()).select_from(ReminderSettings)) == 0


def test_outbox_lists_messages_by_status(client, admin, make_user):
    ama = make_user("owner", name="Ama Owusu", email="ama@example.org")
    _message(ama, "failed")
    _message(admin, "sent", key="reminders:user1:2024-12-16", to_address="Lesley Lead <lead@example.org>",
             sent_at=datetime(2024, 12, 16, 9))
    page = client.get("/reminders/outbox?status=failed").get_data(as_text=True)
    assert "Failed emails, newest first" in page
    assert "Ama Owusu &lt;ama@example.org&gt;" in page and "lead@example.org" not in page.split("<table")[1]
    assert "Cannot send through 127.0.0.1:2525: ConnectionRefusedError" in page
    assert "Retry now" in page
    everything = client.get("/reminders/outbox").get_data(as_text=True)
    assert "0 queued, 1 sent, 1 failed." in everything
    assert "Lesley Lead &lt;lead@example.org&gt;" in everything


def test_retry_now_sends_a_failed_message(client, admin, smtp, make_user):
    ama = make_user("owner", name="Ama Owusu", email="ama@example.org")
    message = _message(ama, "failed")
    response = client.post(f"/reminders/outbox/{message.id}/retry?status=failed")
    assert response.status_code == 302 and response.headers["Location"] == "/reminders/outbox?status=failed"
    db.session.refresh(message)
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
    assert [r.rcpt_tos for r in smtp.received] == [["ama@example.org"]]
    assert "The email to Ama Owusu &lt;ama@example.org&gt; has been sent." in \
        client.get("/reminders/outbox").get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent.verb).where(AuditEvent.subject_type == "outbox message")) == "retry"
    client.post(f"/reminders/outbox/{message.id}/retry")
    assert len(smtp.received) == 1


def test_retry_now_with_the_server_down_keeps_the_message_queued(client, admin, smtp, make_user):
    ama = make_user("owner", name="Ama Owusu", email="ama@example.org")
    message = _message(ama, "failed")
    smtp.stop()
    page = client.post(f"/reminders/outbox/{message.id}/retry", follow_redirects=True).get_data(as_text=True)
    assert "could not be sent: Cannot send through 127.0.0.1" in page and "It stays queued" in page
    db.session.refresh(message)
    assert (message.status, message.attempts) == ("queued", 1)


def test_retry_of_an_unknown_message_is_404(client, admin):
    assert client.post("/reminders/outbox/999/retry").status_code == 404
    assert client.get("/reminders/outbox/999").status_code == 404


def test_message_page_shows_the_text(client, admin, make_user):
    message = _message(make_user("owner", name="Ama Owusu", email="ama@example.org"))
    page = client.get(f"/reminders/outbox/{message.id}").get_data(as_text=True)
    assert "<h1>Email to Ama Owusu &lt;ama@example.org&gt;</h1>" in page
    assert "Dear Ama Owusu," in page and "reminders:user" in page


ADMIN_PAGES = [("GET", "/reminders/settings"), ("POST", "/reminders/settings"), ("GET", "/reminders/outbox"),
               ("GET", "/reminders/outbox/{id}"), ("POST", "/reminders/outbox/{id}/retry")]


@pytest.mark.parametrize("role", ["reviewer", "owner", "viewer"])
@pytest.mark.parametrize("method,url", ADMIN_PAGES)
def test_settings_and_outbox_are_for_admins_only(client, smtp, make_user, sign_in, role, method, url):
    message = _message(make_user("owner", name="Ama Owusu", email="ama@example.org"))
    sign_in(make_user(role))
    response = client.open(url.format(id=message.id), method=method, data=SETTINGS if method == "POST" else None)
    assert response.status_code == 403
    assert "You do not have permission to do this" in response.get_data(as_text=True)
    db.session.refresh(message)
    assert (message.status, message.attempts) == ("failed", 5)
    assert db.session.scalar(select(func.count()).select_from(ReminderSettings)) == 0
    assert smtp.received == []


@pytest.mark.parametrize("method,url", ADMIN_PAGES + [("GET", "/reminders/preferences"),
                                                      ("POST", "/reminders/preferences"),
                                                      ("POST", "/reminders/preferences/calendar"),
                                                      ("POST", "/reminders/preferences/calendar/revoke")])
def test_anonymous_users_are_sent_to_sign_in(client, method, url):
    response = client.open(url.format(id=1), method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_any_signed_in_user_chooses_weekly_or_immediate_reminders(client, make_user, sign_in):
    viewer = make_user("viewer", name="Val Viewer")
    sign_in(viewer)
    page = client.get("/reminders/preferences").get_data(as_text=True)
    assert "<h1>Your reminders</h1>" in page and 'value="immediate" checked' in page
    assert "the weekly email goes on Mondays." in page
    response = client.post("/reminders/preferences", data={"delivery": "digest"})
    assert response.status_code == 302 and response.headers["Location"] == "/reminders/preferences"
    db.session.refresh(viewer)
    assert viewer.reminder_delivery == "digest"
    assert 'value="digest" checked' in client.get("/reminders/preferences").get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "reminder delivery"))
    assert event.changes == {"reminder_delivery": ["immediate", "digest"]}


def test_a_bad_delivery_choice_is_explained(client, make_user, sign_in):
    owner = make_user("owner")
    sign_in(owner)
    response = client.post("/reminders/preferences", data={"delivery": "hourly"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error: Your reminders" in page
    assert "Choose how you want your reminders" in page
    db.session.refresh(owner)
    assert owner.reminder_delivery == "immediate"


def test_last_run_and_scheduler_show_on_the_settings_page(client, admin, runner, smtp):
    from tracker.reminders import locks

    runner.invoke(args=["reminders", "run", "--today", date(2024, 12, 17).isoformat()])
    assert locks.acquire("host-a:123:abcd")
    page = client.get("/reminders/settings").get_data(as_text=True)
    assert "The scheduler is running (host-a:123:abcd)." in page
    assert "Reminders last ran for 17 December 2024." in page
