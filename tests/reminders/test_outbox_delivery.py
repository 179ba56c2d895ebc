"""The outbox: stored before sending, retried with back-off, delivered once, failed after the last retry."""
from datetime import date, datetime, timedelta

from sqlalchemy import select

from tracker.extensions import db
from tracker.reminders import outbox
from tracker.reminders.models import OutboxMessage, ReminderSettings
from tracker.reminders.service import run_reminders

TUESDAY = date(2024, 12, 17)
NINE = datetime(2024, 12, 17, 9)


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _three_owners_due(world, make_user, make_action):
    """Ama, Ben and Cleo each have an action due in 14 days; the weekly day is Sunday (no digest)."""
    db.session.add(ReminderSettings(weekly_day=6))
    db.session.commit()
    cleo = make_user("owner", name="Cleo Dee", email="cleo@example.org")
    for ref, owner in (("1.1", world.ama), ("1.2", world.ben), ("1.3", cleo)):
        make_action(world.plan, ref, owners=[owner], by_when="31/12/2024")


class StopsAfterFirst:
    """A sender factory whose SMTP server goes down right after the first message is accepted."""

    def __init__(self, smtp) -> None:
        self.smtp = smtp

    def __call__(self):
        sender = outbox.sender_from_app()
        send = sender.send

        def send_then_stop(message):
            send(message)
            self.smtp.stop()

        sender.send = send_then_stop
        return sender


def test_smtp_server_stopped_mid_run_then_restarted_delivers_each_message_once(
        smtp, world, make_user, make_action, fixed_today):
    _three_owners_due(world, make_user, make_action)
    fixed_today(TUESDAY)
    report = run_reminders(TUESDAY, sender_factory=StopsAfterFirst(smtp))
    assert [m.to_address for m in report.sent.sent] == ["Ama Owusu <ama@example.org>"]
    assert [m.to_address for m in report.sent.retrying] == ["Ben Cole <ben@example.org>"]
    assert report.sent.stopped.startswith(f"Cannot send through 127.0.0.1:{smtp.port}")
    first, second, third = messages()
    assert (first.status, first.attempts, first.sent_at) == ("sent", 1, NINE)
    assert (second.status, second.attempts, second.next_attempt_at) == ("queued", 1, NINE + timedelta(minutes=5))
    assert second.last_error.startswith(f"Cannot send through 127.0.0.1:{smtp.port}")
    assert (third.status, third.attempts, third.last_error) == ("queued", 0, "")
    assert [r.rcpt_tos for r in smtp.received] == [["ama@example.org"]]

    smtp.start()
    assert [m.to_address for m in outbox.send_due(NINE + timedelta(minutes=1)).sent] == ["Cleo Dee <cleo@example.org>"]
    assert [m.to_address for m in outbox.send_due(NINE + timedelta(minutes=5)).sent] == ["Ben Cole <ben@example.org>"]
    assert outbox.send_due(NINE + timedelta(days=1)).sent == []
    assert run_reminders(TUESDAY).queued == []
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == ["ama@example.org", "ben@example.org", "cleo@example.org"]
    assert len({r.message["Message-ID"] for r in smtp.received}) == 3
    assert [(m.status, m.attempts) for m in messages()] == [("sent", 1), ("sent", 2), ("sent", 1)]


def test_failed_sends_back_off_then_are_marked_failed_after_the_last_retry(smtp, world, make_action, fixed_today):
    db.session.add(ReminderSettings(weekly_day=6))
    db.session.commit()
    make_action(world.plan, "1.1", owners=[world.ama], by_when="31/12/2024")
    smtp.stop()
    fixed_today(TUESDAY)
    run_reminders(TUESDAY)
    [message] = messages()
    waits, when = [], NINE
    while message.status == "queued":
        waits.append(message.next_attempt_at - when)
        when = message.next_attempt_at
        assert outbox.send_due(when - timedelta(seconds=1)).retrying == []
        outbox.send_due(when)
        [message] = messages()
    assert waits == [timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=12)]
    assert (message.status, message.attempts) == ("failed", 5)
    assert message.last_error.startswith("Cannot send through 127.0.0.1")
    smtp.start()
    assert outbox.send_due(when + timedelta(days=2)).sent == []
    assert smtp.received == []


def test_a_refused_recipient_stays_queued_and_the_others_are_sent(smtp, world, make_user, make_action, fixed_today):
    _three_owners_due(world, make_user, make_action)
    smtp.collector.refuse.add("ben@example.org")
    fixed_today(TUESDAY)
    report = run_reminders(TUESDAY)
    assert report.sent.stopped == ""
    assert [m.to_address for m in report.sent.sent] == ["Ama Owusu <ama@example.org>", "Cleo Dee <cleo@example.org>"]
    ben = messages()[1]
    assert (ben.status, ben.attempts) == ("queued", 1)
    assert ben.last_error == "The mail server refused every recipient: ben@example.org (550 5.1.1 No such mailbox)"


def test_a_message_is_claimed_by_one_sender_only(app, world, make_action):
    message = outbox.queue_message(key="reminders:user1:2024-12-17", recipient=world.ama, to="ama@example.org", cc=[],
                                   subject="S", text="T", html="<p>T</p>", now=NINE)
    db.session.commit()
    assert outbox._claim(message, NINE) is True
    assert outbox._claim(message, NINE) is False
    assert (message.attempts, message.next_attempt_at) == (1, NINE + timedelta(minutes=5))


def test_a_send_interrupted_on_its_last_attempt_is_marked_failed(app, world):
    message = outbox.queue_message(key="reminders:user1:2024-12-17", recipient=world.ama, to="ama@example.org", cc=[],
                                   subject="S", text="T", html="<p>T</p>", now=NINE)
    message.attempts, message.next_attempt_at = outbox.MAX_ATTEMPTS, NINE + timedelta(hours=12)
    db.session.commit()
    assert outbox.send_due(NINE + timedelta(hours=12)).sent == []
    [message] = messages()
    assert message.status == "failed"
    assert message.last_error == "The last attempt was interrupted; it may not have been delivered"


def test_backoff_schedule():
    assert [outbox.backoff_after(n) for n in range(1, 6)] == [
        timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=12), timedelta(hours=12)]
    assert outbox.MAX_ATTEMPTS == 5
