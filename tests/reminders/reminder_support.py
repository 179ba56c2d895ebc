"""A real SMTP server for reminder tests (aiosmtpd), and the addresses the tests use."""
from __future__ import annotations

import re
import socket
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.controller import Controller

BASE_URL = "https://wres.example.nhs.uk"
SENDER = "WRES tracker <wres@trust.example>"
TRUST = "North Staffordshire Combined Healthcare NHS Trust"
#: Phrases a person would not write: empty values, lower-case or upper-case months, RAG codes.
MACHINE_WORDS = re.compile(
    r"no status|\bNone\b|Not rated|\brag\b|RAG: (red|amber|green|blue)|"
    r"\d (january|february|march|april|may|june|july|august|september|october|november|december)\b|"
    r"[A-Z]{4,} [0-9]{4}")
FOOTER = ("--\nYou get these emails from the WRES and WDES action plan tracker of North Staffordshire Combined Healthcare "
          f"NHS Trust. Choose immediate reminders or one email a week: {BASE_URL}/reminders/preferences\n")


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content().replace("\r\n", "\n")

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content().replace("\r\n", "\n")

    @property
    def subject(self) -> str:
        return self.message["Subject"]

    def as_reading_copy(self) -> str:
        """The headers a person sees, then the plain-text body."""
        headers = "".join(f"{name}: {self.message[name]}\n" for name in ("From", "To", "Cc", "Date", "Subject")
                          if self.message[name])
        return headers + "\n" + self.text


@dataclass
class Collector:
    """An aiosmtpd handler that keeps every message it accepts."""

    received: list[Received] = field(default_factory=list)
    #: Addresses refused at RCPT TO with a permanent error.
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.collector = Collector()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        return self.collector.received

    def to(self, address: str) -> list[Received]:
        """Messages whose envelope includes this address."""
        return [r for r in self.received if address in r.rcpt_tos]

    def addressed_to(self, address: str) -> list[Received]:
        """Messages whose To header is this address (copies to it left out)."""
        return [r for r in self.received if r.message["To"].endswith(f"<{address}>")]


def assert_reads_like_a_person(*texts: str) -> None:
    """None of the texts has a phrase of MACHINE_WORDS."""
    for text in texts:
        found = MACHINE_WORDS.search(text)
        assert found is None, f"{found.group(0)!r} in {text[max(found.start() - 80, 0):found.end() + 80]!r}"


def post(action, actor, *, status, rag, narrative, at: datetime):
    """A progress update posted at `at` (UTC), committed."""
    from tracker.actions.service import UpdateData, post_update
    from tracker.extensions import db

    update = post_update(action, UpdateData(status=status, rag=rag, narrative=narrative,
                                            rag_reason="" if rag else "Too early to rate"), actor, today=at.date())
    update.posted_at = at
    action.last_update_at = at
    db.session.commit()
    return update
