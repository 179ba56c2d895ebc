"""Weekly reminders go on the weekly day of the UK calendar, whatever the time of day and the clocks.

The scheduler's daily job is run at each moment its trigger fires, with the clock set to that
moment (UTC): "today" is worked out from it, as in production.
"""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

import tracker.clock as clock
from tracker.extensions import db
from tracker.reminders import jobs
from tracker.reminders.facts import date_text
from tracker.reminders.models import ReminderSettings

UK = ZoneInfo("Europe/London")


@pytest.fixture
def at(monkeypatch):
    """Set the clock to a moment in UTC (naive, as stored); 'today' is its UK date."""

    def set_clock(moment: datetime) -> datetime:
        monkeypatch.setattr(clock, "utcnow", lambda: moment)
        return moment

    return set_clock


@pytest.fixture
def unbound(monkeypatch):
    monkeypatch.setattr(jobs, "_bound", {"app": None, "holder": None, "scheduler": None})


def _weekly_world(world, make_action, due_in_14_days_on: date) -> None:
    """Ama chose one email a week and has an action due 14 days after `due_in_14_days_on`; Ben has
    an overdue action; Lesley, the EDI lead, gets the digest. The weekly day is Monday; runs at 00:00."""
    db.session.add(ReminderSettings(send_hour=0))
    world.ama.reminder_delivery = "digest"
    db.session.commit()
    due = due_in_14_days_on + timedelta(days=14)
    make_action(world.plan, "1.1", owners=[world.ama], by_when=due.strftime("%d/%m/%Y"))
    make_action(world.plan, "1.2", owners=[world.ben], by_when="01/02/2025")


def _run_daily_job_at_each_firing(app, at, after: datetime, runs: int) -> list[datetime]:
    """The scheduler's daily job, run at each time its trigger fires after `after`; returns the UTC moments."""
    trigger, fired, moments = jobs.daily_trigger(reminder_settings_hour()), None, []
    jobs.bind(app, "this-host")
    for _ in range(runs):
        fired = trigger.get_next_fire_time(fired, fired or after)
        moments.append(at(fired.astimezone(UTC).replace(tzinfo=None)))
        jobs.daily_reminders_job()
    return moments


def reminder_settings_hour() -> int:
    from tracker.reminders.settings import reminder_settings

    return reminder_settings().send_hour


def test_after_the_clocks_go_forward_weekly_emails_go_at_00_00_on_monday_not_on_sunday(
        app, smtp, world, make_action, at, unbound):
    _weekly_world(world, make_action, date(2025, 3, 29))
    moments = _run_daily_job_at_each_firing(app, at, datetime(2025, 3, 27, 12, tzinfo=UK), 5)
    assert moments == [datetime(2025, 3, 28, 0), datetime(2025, 3, 29, 0), datetime(2025, 3, 30, 0),
                       datetime(2025, 3, 30, 23), datetime(2025, 3, 31, 23)]   # 00:00 UK, GMT then BST
    assert sorted((r.message["To"], r.subject, r.message["Date"]) for r in smtp.received) == [
        ("Ama Owusu <ama@example.org>", "WRES action plan: 1 action due soon", "Mon, 31 Mar 2025 00:00:00 +0100"),
        ("Ben Cole <ben@example.org>", "WRES action plan: 1 action overdue", "Mon, 31 Mar 2025 00:00:00 +0100"),
        ("Lesley Lead <lead@example.org>", "WRES action plan: weekly digest, 31 March 2025",
         "Mon, 31 Mar 2025 00:00:00 +0100"),
    ]
    [ama] = smtp.to("ama@example.org")
    assert "  Due on 12 April 2025: 12 days to go.\n" in ama.text


def test_after_the_clocks_go_back_weekly_emails_go_at_00_00_on_monday_not_on_sunday(
        app, smtp, world, make_action, at, unbound):
    _weekly_world(world, make_action, date(2025, 10, 25))
    moments = _run_daily_job_at_each_firing(app, at, datetime(2025, 10, 23, 12, tzinfo=UK), 5)
    assert moments == [datetime(2025, 10, 23, 23), datetime(2025, 10, 24, 23), datetime(2025, 10, 25, 23),
                       datetime(2025, 10, 27, 0), datetime(2025, 10, 28, 0)]   # 00:00 UK, BST then GMT
    assert sorted((r.message["To"], r.subject, r.message["Date"]) for r in smtp.received) == [
        ("Ama Owusu <ama@example.org>", "WRES action plan: 1 action due soon", "Mon, 27 Oct 2025 00:00:00 +0000"),
        ("Ben Cole <ben@example.org>", "WRES action plan: 1 action overdue", "Mon, 27 Oct 2025 00:00:00 +0000"),
        ("Lesley Lead <lead@example.org>", "WRES action plan: weekly digest, 27 October 2025",
         "Mon, 27 Oct 2025 00:00:00 +0000"),
    ]


def test_a_run_at_00_30_uk_time_on_a_summer_monday_is_a_monday_run(app, smtp, world, make_action, at):
    from tracker.reminders.service import run_reminders

    make_action(world.plan, "1.2", owners=[world.ben], by_when="01/02/2025")
    at(datetime(2025, 7, 6, 22, 59))   # 23:59 on Sunday 6 July in the UK
    assert run_reminders().today == date(2025, 7, 6)
    assert smtp.received == []
    at(datetime(2025, 7, 6, 23, 30))   # still Sunday in UTC, 00:30 on Monday 7 July in the UK
    assert run_reminders().today == date(2025, 7, 7)
    assert sorted((r.message["To"], r.subject) for r in smtp.received) == [
        ("Ben Cole <ben@example.org>", "WRES action plan: 1 action overdue"),
        ("Lesley Lead <lead@example.org>", "WRES action plan: weekly digest, 7 July 2025"),
    ]
    assert {r.message["Date"] for r in smtp.received} == {"Mon, 07 Jul 2025 00:30:00 +0100"}


def test_nothing_weekly_goes_on_a_sunday_when_monday_is_set(app, smtp, world, make_user, make_action, at):
    from tracker.reminders.service import run_reminders

    make_action(world.plan, "1.2", owners=[world.ben], by_when="01/02/2025")
    for day in range(3, 10):   # Monday 3 to Sunday 9 November 2025, at 07:00 UK time
        if day == 8:
            make_user("admin", name="New Lead", email="new@example.org")   # added on the Saturday
        at(datetime(2025, 11, day, 7))
        run_reminders()
    assert sorted((r.message["To"], r.message["Date"][:16]) for r in smtp.received) == [
        ("Ben Cole <ben@example.org>", "Mon, 03 Nov 2025"), ("Lesley Lead <lead@example.org>", "Mon, 03 Nov 2025")]
    at(datetime(2025, 11, 10, 7))
    run_reminders()
    assert [r.subject for r in smtp.addressed_to("new@example.org")] == [
        "WRES action plan: weekly digest, 10 November 2025"]


def test_a_monday_missed_by_the_scheduler_is_caught_up_on_tuesday_once(app, smtp, world, make_action, at):
    from tracker.reminders.service import run_reminders

    make_action(world.plan, "1.2", owners=[world.ben], by_when="01/02/2025")
    at(datetime(2025, 11, 9, 7))   # Sunday
    run_reminders()
    at(datetime(2025, 11, 11, 7))   # Tuesday: no run on the Monday
    run_reminders()
    at(datetime(2025, 11, 12, 7))
    run_reminders()
    assert sorted((r.message["To"], r.subject) for r in smtp.received) == [
        ("Ben Cole <ben@example.org>", "WRES action plan: 1 action overdue"),
        ("Lesley Lead <lead@example.org>", "WRES action plan: weekly digest, 11 November 2025"),
    ]


def test_runs_while_reminders_are_off_count_so_turning_them_on_later_in_the_week_sends_nothing_weekly(
        app, smtp, world, make_action, at):
    from tracker.reminders.service import run_reminders

    settings = ReminderSettings(enabled=False)
    db.session.add(settings)
    db.session.commit()
    make_action(world.plan, "1.2", owners=[world.ben], by_when="01/02/2025")
    for day in (9, 10, 11):   # Sunday, Monday, Tuesday: off
        at(datetime(2025, 11, day, 7))
        run_reminders()
    settings.enabled = True
    db.session.commit()
    at(datetime(2025, 11, 16, 7))   # turned on, first run on a Sunday
    run_reminders()
    assert smtp.received == []
    at(datetime(2025, 11, 17, 7))
    run_reminders()
    assert len(smtp.received) == 2


def test_stored_times_are_written_as_their_uk_date():
    assert date_text(datetime(2025, 6, 30, 23, 30)) == "1 July 2025"
    assert date_text(datetime(2025, 12, 31, 23, 30)) == "31 December 2025"
    assert date_text(date(2025, 3, 31)) == "31 March 2025"


@pytest.mark.parametrize("hour", range(24))
@pytest.mark.parametrize("first_day", [date(2025, 3, 28), date(2025, 10, 24)], ids=["spring", "autumn"])
def test_the_daily_trigger_fires_once_each_uk_day_at_its_hour_across_the_clock_change(hour, first_day):
    trigger, fired, fires = jobs.daily_trigger(hour), None, []
    start = datetime.combine(first_day, time(0), tzinfo=UK) - timedelta(seconds=1)
    for _ in range(5):
        fired = trigger.get_next_fire_time(fired, fired or start)
        fires.append(fired.timestamp())
    # The first 01:00 when the clocks go back; 01:00 that does not exist (clocks forward) is 02:00 BST.
    expected = [datetime.combine(first_day + timedelta(days=n), time(hour), tzinfo=UK).timestamp() for n in range(5)]
    assert fires == expected


def test_the_outbox_retry_runs_every_five_minutes_through_the_repeated_hour():
    trigger = jobs.outbox_trigger()
    fired = datetime(2025, 10, 26, 0, 50, tzinfo=UTC).astimezone(UK)   # 01:50 BST, ten minutes before 01:00 GMT
    gaps = []
    for _ in range(30):
        later = trigger.get_next_fire_time(fired, fired)
        gaps.append(later.timestamp() - fired.timestamp())
        fired = later
    assert gaps == [300.0] * 30
    assert str(fired.tzinfo) == "Europe/London"
