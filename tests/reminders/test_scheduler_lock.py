"""The scheduler: one lock holder at a time, jobs that obey the lock, and the jobs it is built with."""
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import delete, func, select, update

from tracker.extensions import db
from tracker.reminders import jobs, locks
from tracker.reminders.models import OutboxMessage, ReminderSettings, SchedulerLock, scheduler_jobs
from tracker.reminders.service import RunReport

NOW = datetime(2024, 12, 17, 9)
TUESDAY = date(2024, 12, 17)


@pytest.fixture
def unbound(monkeypatch):
    """Job functions bound to nothing until the test binds them."""
    monkeypatch.setattr(jobs, "_bound", {"app": None, "holder": None, "scheduler": None})


def test_only_one_holder_until_the_lock_expires(app):
    assert locks.acquire("host-a", now=NOW) is True
    assert locks.acquire("host-b", now=NOW) is False
    assert locks.acquire("host-a", now=NOW + timedelta(seconds=60)) is True   # heartbeat renews
    assert locks.acquire("host-b", now=NOW + timedelta(seconds=179)) is False
    assert locks.holder_of(now=NOW + timedelta(seconds=179)) == "host-a"
    assert locks.acquire("host-b", now=NOW + timedelta(seconds=181)) is True
    assert locks.acquire("host-a", now=NOW + timedelta(seconds=182)) is False
    assert locks.holder_of(now=NOW + timedelta(seconds=182)) == "host-b"


def test_release_lets_another_holder_in_at_once(app):
    assert locks.acquire("host-a", now=NOW)
    locks.release("host-b", now=NOW)
    assert locks.acquire("host-b", now=NOW) is False
    locks.release("host-a", now=NOW)
    assert locks.holder_of(now=NOW) is None
    assert locks.acquire("host-b", now=NOW) is True


def test_the_lock_row_is_created_when_missing(app):
    db.session.execute(delete(SchedulerLock))
    db.session.commit()
    assert locks.acquire("host-a", now=NOW) is True
    assert db.session.scalar(select(SchedulerLock.holder)) == "host-a"


def test_two_schedulers_racing_for_the_lock_only_one_wins(app):
    holders = [f"host-{n}" for n in range(8)]
    start, results = threading.Barrier(len(holders)), {}

    def race(holder: str) -> None:
        with app.app_context():
            start.wait()
            results[holder] = locks.acquire(holder, now=NOW)

    threads = [threading.Thread(target=race, args=(holder,)) for holder in holders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [holder for holder, won in results.items() if won]
    assert len(results) == 8 and len(winners) == 1
    assert locks.holder_of(now=NOW) == winners[0]


def test_a_job_run_without_the_lock_does_nothing(app, smtp, world, make_action, fixed_today, unbound):
    make_action(world.plan, "1.1", owners=[world.ama], by_when="31/12/2024")
    fixed_today(TUESDAY)
    assert locks.acquire("other-host", now=NOW)
    jobs.bind(app, "this-host")
    assert jobs.daily_reminders_job() is None
    assert jobs.outbox_job() is None
    assert jobs.heartbeat_job() is False
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert smtp.received == []

    locks.release("other-host", now=NOW)
    report = jobs.daily_reminders_job()
    assert isinstance(report, RunReport)
    assert [r.rcpt_tos for r in smtp.to("ama@example.org")] == [["ama@example.org"]]
    assert locks.holder_of(now=NOW) == "this-host"
    assert jobs.daily_reminders_job().queued == []
    assert len(smtp.to("ama@example.org")) == 1


def test_the_scheduler_is_built_with_its_jobs_in_the_database(app, unbound):
    db.session.add(ReminderSettings(send_hour=6))
    db.session.commit()
    scheduler = jobs.build_scheduler(app, "this-host")
    assert isinstance(scheduler, BlockingScheduler)
    assert str(scheduler.timezone) == "Europe/London"
    store = scheduler._jobstores["default"]
    assert isinstance(store, SQLAlchemyJobStore)
    assert store.jobs_t.name == "scheduler_jobs"
    assert store.engine.url.render_as_string(hide_password=False) == app.config["SQLALCHEMY_DATABASE_URI"]
    daily, outbox_retry, heartbeat = (scheduler.get_job(job_id) for job_id in
                                      (jobs.DAILY_JOB, jobs.OUTBOX_JOB, jobs.HEARTBEAT_JOB))
    assert daily.func is jobs.daily_reminders_job and outbox_retry.func is jobs.outbox_job
    assert isinstance(daily.trigger, CronTrigger) and str(daily.trigger) == "cron[hour='6', minute='0']"
    assert isinstance(outbox_retry.trigger, IntervalTrigger) and outbox_retry.trigger.interval == timedelta(minutes=5)
    assert str(daily.trigger.timezone) == str(outbox_retry.trigger.timezone) == "Europe/London"
    assert isinstance(heartbeat.trigger, IntervalTrigger) and heartbeat.trigger.interval == timedelta(seconds=30)
    assert (daily.coalesce, daily.misfire_grace_time, daily.max_instances) == (True, 23 * 3600, 1)
    assert (outbox_retry.coalesce, outbox_retry.misfire_grace_time, outbox_retry.max_instances) == (True, 240, 1)
    assert [job.id for job in scheduler.get_jobs(jobstore="default")] == [jobs.DAILY_JOB, jobs.OUTBOX_JOB]
    assert [job.id for job in scheduler.get_jobs(jobstore="local")] == [jobs.HEARTBEAT_JOB]


def _stored_next_runs() -> dict[str, float]:
    db.session.expire_all()
    return dict(db.session.execute(select(scheduler_jobs.c.id, scheduler_jobs.c.next_run_time)).all())


def test_a_daily_run_missed_while_down_is_kept_so_it_runs_once(app, unbound):
    first = jobs.build_scheduler(app, "this-host", scheduler_class=BackgroundScheduler)
    first.start(paused=True)
    first.remove_job(jobs.HEARTBEAT_JOB)
    first.shutdown()
    assert set(_stored_next_runs()) == {jobs.DAILY_JOB, jobs.OUTBOX_JOB}
    missed = datetime.now(UTC) - timedelta(hours=3)
    db.session.execute(update(scheduler_jobs).where(scheduler_jobs.c.id == jobs.DAILY_JOB)
                       .values(next_run_time=missed.timestamp()))
    db.session.commit()
    second = jobs.build_scheduler(app, "this-host", scheduler_class=BackgroundScheduler)
    daily = second.get_job(jobs.DAILY_JOB)
    assert daily.next_run_time == missed
    assert (daily.coalesce, daily.misfire_grace_time) == (True, 23 * 3600)
    coming = missed + timedelta(hours=6)
    db.session.execute(update(scheduler_jobs).values(next_run_time=coming.timestamp()))
    db.session.commit()
    third = jobs.build_scheduler(app, "this-host", scheduler_class=BackgroundScheduler)
    assert not hasattr(third.get_job(jobs.DAILY_JOB), "next_run_time")  # worked out from the trigger at start


def test_the_heartbeat_follows_a_change_of_hour(app, unbound):
    scheduler = jobs.build_scheduler(app, "this-host", scheduler_class=BackgroundScheduler)
    scheduler.start(paused=True)
    try:
        db.session.add(ReminderSettings(send_hour=18))
        db.session.commit()
        assert jobs.heartbeat_job() is True
        assert str(scheduler.get_job(jobs.DAILY_JOB).trigger) == "cron[hour='18', minute='0']"
        assert locks.holder_of() == "this-host"
    finally:
        scheduler.shutdown(wait=False)
