"""The current time, in one place so services can be given another 'today'."""
from datetime import date, datetime, timezone


def utcnow() -> datetime:
    """Current UTC time, naive, as stored in every database column (a callable for defaults)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def today() -> date:
    """Today's date in the UK (UTC is close enough for due dates)."""
    return utcnow().date()
