"""Sign-in limits that stop password guessing without locking people out.

Failed sign-ins are counted in the database (`sign_in_failures`), so every app server and worker
sees the same counts. Two counts:

- per account (the email tried, whether or not it names a user): its failures count until a
  successful sign-in or until SIGN_IN_ACCOUNT_QUIET_MINUTES (60) pass with none. From the
  SIGN_IN_ACCOUNT_FAILURES-th (5th) on, the account waits 1 minute after its newest failure,
  doubling with each further failure (2, 4, 8) up to SIGN_IN_FAILURE_WINDOW_MINUTES (15). While it
  waits every attempt is refused with the same message, saying when to try again, without the
  password being checked, so a right guess is worth nothing; attempts refused this way are not
  counted. (A count over a 15-minute window alone would forget the first failures during the waits
  1 + 2 + 4 + 8 minutes, and the doubling would start again; a guesser is held to one guess a
  quarter of an hour instead.)
- per address: after SIGN_IN_ADDRESS_FAILURES (50) failures from one address within
  SIGN_IN_FAILURE_WINDOW_MINUTES (15), that address is refused until the oldest of them leaves the
  window. The limit is far above the account's, so many people behind one proxy are not refused
  because a few of them mistyped.

Two workers counting at the same moment may each let one more attempt through; the limits are
about guesses per quarter hour, so that does not matter.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from tracker import clock
from tracker.audit.service import record
from tracker.auth import service, sessions
from tracker.auth.models import SignInFailure, User
from tracker.clock import uk_time
from tracker.extensions import db

GENERIC_FAILURE = "Email address or password is not right"
BREAK_GLASS_FAILURE = "Only an admin can sign in with a password here, with the right email address and password"
FIRST_WAIT = timedelta(minutes=1)
#: An account's newest failures read to work out its wait (the waits let through a few hundred a day at most).
ACCOUNT_FAILURES_READ = 500
#: Failures are kept this long (the audit trail keeps the history).
KEEP_FAILURES = timedelta(days=1)


@dataclass(frozen=True)
class Wait:
    """A refusal: who must wait ("account" or "address") and until when (naive UTC)."""

    scope: str
    until: datetime

    def message(self, now: datetime) -> str:
        minutes = max(1, -(-int((self.until - now).total_seconds()) // 60))
        when = f"in {minutes} minute{'s' if minutes != 1 else ''} (after {uk_time(self.until):%H:%M})"
        if self.scope == "account":
            return f"Too many failed sign-ins for this email address. Try again {when}."
        return f"Too many failed sign-ins from your network. Try again {when}."


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["SIGN_IN_FAILURE_WINDOW_MINUTES"])


def account_wait(failures: list[datetime], allowed: int, cap: timedelta, quiet: timedelta) -> datetime | None:
    """Until when an account must wait, given its failure times (any order): the failures since the
    last quiet period (`quiet` with none) count; from the `allowed`th on, the wait after the newest
    is 1 minute, doubling with each further one, at most `cap`."""
    counted = 0
    later = None
    for moment in sorted(failures, reverse=True):
        if later is not None and later - moment > quiet:
            break
        counted, later = counted + 1, moment
    if counted < allowed:
        return None
    newest = max(failures)
    return newest + min(FIRST_WAIT * 2 ** min(counted - allowed, 20), cap)


def refusal(email: str, address: str, now: datetime) -> Wait | None:
    """The wait this attempt meets, if any (two indexed queries)."""
    config = current_app.config
    quiet = timedelta(minutes=config["SIGN_IN_ACCOUNT_QUIET_MINUTES"])
    failures = db.session.scalars(
        select(SignInFailure.at).where(SignInFailure.email == email[:254], SignInFailure.at > now - KEEP_FAILURES)
        .order_by(SignInFailure.at.desc()).limit(ACCOUNT_FAILURES_READ)
    ).all()
    until = account_wait(list(failures), config["SIGN_IN_ACCOUNT_FAILURES"], _window(), quiet) if failures else None
    if until is not None and until > now:
        return Wait("account", until)
    since = now - _window()
    limit = current_app.config["SIGN_IN_ADDRESS_FAILURES"]
    oldest_counted = db.session.scalar(
        select(SignInFailure.at).where(SignInFailure.address == address[:64], SignInFailure.at > since)
        .order_by(SignInFailure.at.desc()).offset(limit - 1).limit(1)
    )
    if oldest_counted is not None and oldest_counted + _window() > now:
        return Wait("address", oldest_counted + _window())
    return None


def note_failure(email: str, address: str, now: datetime) -> None:
    """Count a failed sign-in against the account and the address; forget failures older than a day."""
    db.session.add(SignInFailure(at=now, email=email[:254], address=address[:64]))
    db.session.execute(delete(SignInFailure).where(SignInFailure.at < now - KEEP_FAILURES)
                       .execution_options(synchronize_session=False))
    db.session.flush()


def clear_account(email: str) -> None:
    """A successful sign-in: the account's failures no longer count, for the account or its address
    (they were its owner's typos); the address's other failures still do."""
    db.session.execute(delete(SignInFailure).where(SignInFailure.email == email[:254])
                       .execution_options(synchronize_session=False))


@dataclass(frozen=True)
class SignInResult:
    """A password sign-in's outcome: the user signed in, or the message to show (and whether it is a wait)."""

    user: User | None = None
    message: str = ""
    waiting: bool = False


def password_sign_in(email: str, password: str, address: str, admins_only: bool = False) -> SignInResult:
    """Check the sign-in limits, then the password; start a session when both pass. Every refusal is
    counted and audited with the email tried, the address and the reason (never the password). The
    caller commits whatever the result.

    `admins_only` is the break-glass sign-in while password sign-in is off (LOCAL_SIGN_IN=false):
    anyone but an admin is refused with the same message whether their password was right or not."""
    email = (service.normalise_email(email) or "")[:254]
    address = (address or "unknown")[:64]
    now = clock.wall_time()
    wait = refusal(email, address, now)
    if wait is not None:
        user = service.find_by_email(email) if email else None
        reason = "account waiting after failed sign-ins" if wait.scope == "account" else "too many failures from address"
        _record_failure(user, email, address, reason)
        return SignInResult(message=wait.message(now), waiting=True)
    user, reason = service.check_sign_in(email, password)
    if not reason and admins_only and not user.is_admin:
        reason = "not an admin (password sign-in is for admins only)"
    if reason:
        note_failure(email, address, now)
        _record_failure(user, email, address, reason)
        return SignInResult(message=BREAK_GLASS_FAILURE if admins_only else GENERIC_FAILURE)
    clear_account(email)
    sessions.start_session(user, sessions.BREAK_GLASS if admins_only else sessions.PASSWORD)
    return SignInResult(user=user)


def _record_failure(user: User | None, email: str, address: str, reason: str) -> None:
    """'sign-in failed' in the audit trail; an email that names no user is kept on the event itself."""
    record(None, user, "sign-in failed", {"email": [None, email], "address": [None, address], "reason": [None, reason]},
           summary=f"Sign-in failed for {email or '(no email)'} from {address}: {reason}", subject_type="sign_in")
    db.session.flush()
