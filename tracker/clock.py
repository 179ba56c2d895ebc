"""The current time, in one place so services can be given another 'today'."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """Current UTC time, naive, as stored in every database column (a callable for defaults)."""
    return datetime.now(UTC).replace(tzinfo=None)


def wall_time() -> datetime:
    """The real current UTC time, naive, for how long sign-in sessions and sign-in waits last.

    Kept apart from `utcnow` so that tests which set "today" (and move it days on with one
    signed-in browser) do not time sessions out; tests of timeouts set this one."""
    return datetime.now(UTC).replace(tzinfo=None)


def uk_time(moment: datetime) -> datetime:
    """`moment`, a naive UTC time as stored, as the time in the UK (aware)."""
    return moment.replace(tzinfo=UTC).astimezone(UK)


def uk_date(moment: datetime) -> date:
    """The date in the UK at `moment`, a naive UTC time: 23:30 UTC in British Summer Time is
    already the next day there.

    Since 1847 the UK's clock has never been behind UTC nor more than two hours ahead of it (double
    summer time in the 1940s), so before 22:00 UTC the date is UTC's: lists write a date for every
    row, and that saves them the time zone arithmetic."""
    if moment.hour < 22 and moment.year >= 1848:
        return moment.date()
    return uk_time(moment).date()


def today() -> date:
    """Today's date in the UK, which decides what is due, overdue and 'as at'."""
    return uk_date(utcnow())
