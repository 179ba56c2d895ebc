"""'Today' is the date in the UK, which is what due dates, overdue and 'as at' mean."""
from datetime import date, datetime, timedelta

import pytest

from tracker import clock


@pytest.mark.parametrize(("utc", "uk_day"), [
    (datetime(2024, 7, 1, 23, 30), date(2024, 7, 2)),    # British Summer Time: already tomorrow
    (datetime(2024, 7, 1, 22, 59), date(2024, 7, 1)),
    (datetime(2024, 12, 31, 23, 30), date(2024, 12, 31)),  # Greenwich Mean Time: still today
    (datetime(2024, 3, 31, 0, 30), date(2024, 3, 31)),    # the night the clocks go forward
    (datetime(2024, 10, 26, 23, 30), date(2024, 10, 27)),  # the last night of summer time
])
def test_the_uk_date_follows_british_summer_time(utc, uk_day):
    assert clock.uk_date(utc) == uk_day


def test_today_at_half_past_eleven_utc_in_summer_is_tomorrow(monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2025, 6, 30, 23, 30))
    assert clock.today() == date(2025, 7, 1)


def test_today_at_half_past_eleven_utc_in_winter_is_today(monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2025, 1, 31, 23, 30))
    assert clock.today() == date(2025, 1, 31)


def test_stored_times_are_shown_as_uk_clock_times(app):
    from tracker.templating import datetime_uk

    assert datetime_uk(datetime(2025, 3, 30, 0, 30)) == "30 Mar 2025 at 00:30"   # still GMT
    assert datetime_uk(datetime(2025, 3, 31, 0, 30)) == "31 Mar 2025 at 01:30"   # British Summer Time
    assert datetime_uk(datetime(2025, 7, 6, 23, 30)) == "7 Jul 2025 at 00:30"


@pytest.mark.parametrize("year", [1941, 1947, 1968, 1970, 1996, 2024, 2025, 2026])
def test_the_uk_date_of_every_hour_of_a_year_is_the_date_on_the_uk_clock(year):
    """uk_date skips the time zone arithmetic before 22:00 UTC; every hour of years with British Summer
    Time, double summer time (1941, 1947) and British Standard Time (1968-71) gives what the clock showed."""
    moment, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    while moment < end:
        assert clock.uk_date(moment) == clock.uk_time(moment).date(), moment
        moment += timedelta(minutes=30)


def test_late_evening_in_summer_is_already_tomorrow_in_the_uk():
    assert clock.uk_date(datetime(2025, 7, 1, 23, 30)) == date(2025, 7, 2)
    assert clock.uk_date(datetime(2025, 12, 1, 23, 30)) == date(2025, 12, 1)
    assert clock.uk_date(datetime(1944, 6, 6, 22, 30)) == date(1944, 6, 7)
