"""The outbox: every email is stored first, then sent; failures are retried with back-off.

Each message is claimed with one UPDATE that pushes its next attempt into the future and
counts the attempt, committed before the server is contacted. Two senders never claim the
same message, and a message whose sender stopped mid-send is tried again after the back-off.
Every change of state is committed on its own, so a stop at any point loses nothing.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, select, update

from tracker import clock
from tracker.admin.service import organisation_settings
from tracker.audit.service import record
from tracker.auth.models import User
from tracker.database import committing
from tracker.extensions import db
from tracker.reminders.mail import DeliveryError, MailSettings, SmtpSender, build_message
from tracker.reminders.models import OutboxMessage

QUEUED, SENT, FAILED = "queued", "sent", "failed"
STATUSES = (QUEUED, SENT, FAILED)
#: Wait after the 1st, 2nd, 3rd and 4th failed attempt; the 5th failure is final.
BACKOFF = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=12))
MAX_ATTEMPTS = len(BACKOFF) + 1
BATCH_SIZE = 500


@dataclass
class SendReport:
    """What one pass over the outbox did."""

    sent: list[OutboxMessage] = field(default_factory=list)
    retrying: list[OutboxMessage] = field(default_factory=list)
    failed: list[OutboxMessage] = field(default_factory=list)
    stopped: str = ""

    def summary(self) -> str:
        text = f"Sent {len(self.sent)}, will retry {len(self.retrying)}, failed {len(self.failed)}."
        return text + (f" Stopped: {self.stopped}" if self.stopped else "")


def backoff_after(attempts: int) -> timedelta:
    """How long to wait after `attempts` failed attempts."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def mail_settings() -> MailSettings:
    """The mail settings of the app; the trust name (for the sender's name) is read only when
    MAIL_DEFAULT_SENDER is not set."""
    config = current_app.config
    trust_name = "" if config.get("MAIL_DEFAULT_SENDER") else organisation_settings().trust_name
    return MailSettings.from_config(config, trust_name=trust_name)


def sender_from_app() -> SmtpSender:
    return SmtpSender(mail_settings())


def queue_message(*, key: str, recipient: User, to: str, cc: list[str], subject: str, text: str, html: str,
                  now: datetime) -> OutboxMessage:
    """Add a message to the outbox, due now (flushes; the caller commits)."""
    message = OutboxMessage(key=key, recipient_id=recipient.id, to_address=to, cc_addresses=", ".join(cc),
                            subject=subject[:300], body_text=text, body_html=html, status=QUEUED, attempts=0,
                            next_attempt_at=now, created_at=now, last_error="")
    db.session.add(message)
    db.session.flush()
    return message


def message_id_header(message: OutboxMessage, sender: str) -> str:
    """The same Message-ID on every attempt, so a repeat can be recognised by mail systems."""
    domain = sender.rpartition("@")[2].strip(">") or "localhost"
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:16]
    return f"<wres-{message.id}-{digest}@{domain}>"


def _claim(message: OutboxMessage, now: datetime) -> bool:
    """Take the message for one attempt; False when another sender took it first."""
    attempts = message.attempts + 1
    with committing():
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id, OutboxMessage.status == QUEUED,
                   OutboxMessage.attempts == message.attempts, OutboxMessage.next_attempt_at <= now)
            .values(attempts=attempts, last_attempt_at=now, next_attempt_at=now + backoff_after(attempts))
            .execution_options(synchronize_session=False)
        )
    db.session.refresh(message)
    return result.rowcount == 1


def _record_result(message: OutboxMessage, now: datetime, error: DeliveryError | None) -> None:
    with committing():
        if error is None:
            message.status, message.sent_at, message.last_error = SENT, now, ""
        else:
            message.last_error = str(error)[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = FAILED


def _give_up_abandoned(now: datetime) -> None:
    """Messages whose last attempt was interrupted (the app stopped) are marked failed."""
    with committing():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == QUEUED, OutboxMessage.attempts >= MAX_ATTEMPTS,
                   OutboxMessage.next_attempt_at <= now)
            .values(status=FAILED, last_error="The last attempt was interrupted; it may not have been delivered")
            .execution_options(synchronize_session=False)
        )


def attempt(message: OutboxMessage, sender: SmtpSender, now: datetime) -> tuple[str, DeliveryError | None]:
    """Claim and send one message, committing its state: ("sent" | "retrying" | "failed" | "taken", error)."""
    if not _claim(message, now):
        return "taken", None
    mail = sender.settings
    email = build_message(sender=mail.sender, to=message.to_address,
                          cc=[a.strip() for a in message.cc_addresses.split(",") if a.strip()],
                          subject=message.subject, text=message.body_text, html=message.body_html,
                          message_id=message_id_header(message, mail.envelope_sender), sent_at=now)
    try:
        sender.send(email)
    except DeliveryError as error:
        _record_result(message, now, error)
        return ("failed" if message.status == FAILED else "retrying"), error
    _record_result(message, now, None)
    return "sent", None


def send_due(now: datetime | None = None, *,
             sender_factory: Callable[[], AbstractContextManager[SmtpSender]] | None = None) -> SendReport:
    """Send every queued message that is due; stop early when the mail server cannot be reached."""
    now = now or clock.utcnow()
    db.session.commit()  # end the caller's transaction: read the outbox as it is now
    _give_up_abandoned(now)
    due = list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(BATCH_SIZE)
    ))
    report = SendReport()
    if not due:
        return report
    with (sender_factory or sender_from_app)() as sender:
        for message in due:
            outcome, error = attempt(message, sender, now)
            {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}.get(outcome, []).append(message)
            if error is not None and error.connection:
                report.stopped = str(error)
                break
    return report


def retry_now(message: OutboxMessage, actor: User, *, sender_factory=None) -> DeliveryError | None:
    """Queue a message again with a fresh set of attempts, and try it straight away (commits)."""
    if message.status == SENT:
        return None
    now = clock.utcnow()
    with committing():
        record(actor, message, "retry", {"status": [message.status, QUEUED], "attempts": [message.attempts, 0]},
               summary=f"Retry of the email '{message.subject[:200]}'", subject_type="outbox message")
        message.status, message.attempts, message.next_attempt_at = QUEUED, 0, now
    with (sender_factory or sender_from_app)() as sender:
        return attempt(message, sender, now)[1]


def messages_query(status: str | None) -> Select:
    """The outbox, newest first, optionally one status."""
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    return query.where(OutboxMessage.status == status) if status in STATUSES else query
