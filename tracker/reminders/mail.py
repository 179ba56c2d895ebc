"""Sending email over SMTP (MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, MAIL_USERNAME, MAIL_PASSWORD,
MAIL_DEFAULT_SENDER), one connection reused for a batch of messages."""
from __future__ import annotations

import ipaddress
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, getaddresses, parseaddr
from types import TracebackType
from urllib.parse import urlsplit

from tracker.clock import UK

#: The mailbox name of the sender worked out when MAIL_DEFAULT_SENDER is not set.
SENDER_MAILBOX = "wres-tracker"
#: The display name of that sender, after the trust's name.
SENDER_NAME = "WRES and WDES tracker"

#: Errors that mean the server cannot be reached or used at all: stop the batch there.
CONNECTION_ERRORS = (OSError, smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, smtplib.SMTPHeloError,
                     smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError)


class DeliveryError(Exception):
    """A message was not accepted; `connection` says the server itself is the problem."""

    def __init__(self, message: str, *, connection: bool) -> None:
        super().__init__(message)
        self.connection = connection


@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int
    use_tls: bool
    username: str | None
    password: str | None
    sender: str
    timeout: float = 30.0

    @classmethod
    def from_config(cls, config: Mapping, *, trust_name: str = "") -> MailSettings:
        """From the app's configuration (read from the environment in config.py); the sender is
        MAIL_DEFAULT_SENDER, or when it is not set, `default_sender(trust_name, BASE_URL)`."""
        sender = config.get("MAIL_DEFAULT_SENDER") or default_sender(trust_name, config.get("BASE_URL") or "")
        return cls(server=config.get("MAIL_SERVER") or "localhost", port=int(config.get("MAIL_PORT") or 25),
                   use_tls=bool(config.get("MAIL_USE_TLS")), username=config.get("MAIL_USERNAME") or None,
                   password=config.get("MAIL_PASSWORD") or None, sender=sender)

    @property
    def envelope_sender(self) -> str:
        return parseaddr(self.sender)[1] or self.sender


def _mail_domain(base_url: str) -> str:
    """The host name of the address people use; 'localhost' when it is missing or an IP address."""
    host = (urlsplit(base_url).hostname or "").rstrip(".")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host or "localhost"
    return "localhost"


def default_sender(trust_name: str, base_url: str) -> str:
    """'North Staffordshire Combined Healthcare NHS Trust WRES and WDES tracker <wres-tracker@wres.example.nhs.uk>'.

    Used when MAIL_DEFAULT_SENDER is not set: the trust's name from the organisation settings,
    at the host of BASE_URL. Real deployments set MAIL_DEFAULT_SENDER to an address their mail
    server accepts mail from (and which receives bounces).
    """
    name = f"{trust_name.strip()} {SENDER_NAME}" if trust_name and trust_name.strip() else SENDER_NAME
    return formataddr((name, f"{SENDER_MAILBOX}@{_mail_domain(base_url)}"))


def build_message(*, sender: str, to: str, cc: list[str], subject: str, text: str, html: str,
                  message_id: str, sent_at: datetime | None = None) -> EmailMessage:
    """A multipart/alternative email: the plain-text part first, then HTML."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject
    # UK time with its offset: '+0100' in summer, so the day shown is the day in the UK.
    message["Date"] = format_datetime((sent_at or datetime.now(UTC).replace(tzinfo=None)).replace(tzinfo=UTC)
                                      .astimezone(UK))
    message["Message-ID"] = message_id
    # Automatic mail: out-of-office replies should not come back to the tracker.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def recipients_of(message: EmailMessage) -> list[str]:
    """Every To and Cc address, for the SMTP envelope."""
    pairs = getaddresses(message.get_all("To", []) + message.get_all("Cc", []))
    return list(dict.fromkeys(address for _name, address in pairs if address))


def address(name: str, email: str) -> str:
    """'Ama Owusu <ama@example.org>'."""
    return formataddr((name, email))


class SmtpSender:
    """Sends messages over one SMTP connection, opened when first needed and reopened after an error."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(self, kind: type | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.settings.server, self.settings.port, timeout=self.settings.timeout)
        try:
            if self.settings.use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if self.settings.username:
                smtp.login(self.settings.username, self.settings.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Hand the message to the server; raises DeliveryError when it is not accepted."""
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            refused = self._smtp.send_message(message, from_addr=self.settings.envelope_sender,
                                              to_addrs=recipients_of(message))
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryError(f"The mail server refused every recipient: {_codes(error.recipients)}",
                                connection=False) from None
        except smtplib.SMTPResponseException as error:
            self.close()
            raise DeliveryError(f"The mail server answered {error.smtp_code}: {_text(error.smtp_error)}",
                                connection=isinstance(error, CONNECTION_ERRORS)) from None
        except CONNECTION_ERRORS as error:
            self.close()
            raise DeliveryError(f"Cannot send through {self.settings.server}:{self.settings.port}: "
                                f"{error.__class__.__name__}: {error}", connection=True) from None
        if refused and len(refused) == len(recipients_of(message)):
            raise DeliveryError(f"The mail server refused every recipient: {_codes(refused)}", connection=False)

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._smtp.close()
        self._smtp = None


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _codes(recipients: dict) -> str:
    return "; ".join(f"{address} ({code} {_text(reason)})" for address, (code, reason) in recipients.items())
