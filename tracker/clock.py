"""The current time, in one place so services can be given another 'today'."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """Current UTC time, naive, as stored in every database column (a callable for defaults)."""
    return datetime.now(UTC).replace(tzinfo=None)


def uk_date(moment: datetime) -> date:
    """The date in the UK at `moment`, a naive UTC time: 23:30 UTC in British Summer Time is
    already the next day there."""
    return moment.replace(tzinfo=UTC).astimezone(UK).date()


def today() -> date:
    """Today's date in the UK, which decides what is due, overdue and 'as at'."""
    return uk_date(utcnow())
