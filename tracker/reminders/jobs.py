"""The scheduler process (`flask --app wsgi scheduler`): APScheduler 3 with its jobs in the database.

Jobs: the daily reminders at the hour set on the settings page (UK time), the outbox retry
every 5 minutes, and a heartbeat that renews this process's lock. Every job first takes
(or renews) the lock and does nothing without it, so a second scheduler on another host
waits, and takes over within two minutes if the first stops. A daily run missed while the
scheduler was down is run once when it starts again (coalesce, and a grace time just under a
day); runs are idempotent per day anyway, through the outbox keys.

Every trigger is in UK time (Europe/London), and each run works out the UK date itself, so a
run at 00:30 on a Monday in British Summer Time (23:30 UTC on the Sunday) is a Monday run.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy import select

from tracker.extensions import db
from tracker.reminders import locks
from tracker.reminders.models import scheduler_jobs
from tracker.reminders.settings import reminder_settings

log = logging.getLogger(__name__)

TIMEZONE = "Europe/London"
JOBS_TABLE = "scheduler_jobs"
DAILY_JOB = "daily-reminders"
OUTBOX_JOB = "outbox-retry"
HEARTBEAT_JOB = "scheduler-heartbeat"
DAILY_GRACE_SECONDS = 23 * 3600
OUTBOX_GRACE_SECONDS = 4 * 60
HEARTBEAT_SECONDS = 30
OUTBOX_MINUTES = 5

_bound: dict = {"app": None, "holder": None, "scheduler": None}


def bind(app: Flask, holder: str, scheduler: BaseScheduler | None = None) -> None:
    """Tell the job functions which app and lock holder they run as."""
    _bound.update(app=app, holder=holder, scheduler=scheduler)


def _app() -> Flask:
    if _bound["app"] is None:
        from tracker import create_app

        _bound["app"] = create_app()
    return _bound["app"]


def _holder() -> str:
    if _bound["holder"] is None:
        _bound["holder"] = locks.new_holder()
    return _bound["holder"]


class UkCronTrigger(CronTrigger):
    """A CronTrigger on the UK clock that always moves forward, firing each clock time once a day.

    On the night the clocks go back, APScheduler 3.11's CronTrigger can return the time it was
    given again, or an earlier one, for a time in the repeated hour (01:00-01:59): the scheduler
    then computes run times for ever. Here a time no later than the previous one, or showing the
    same clock time, is skipped: a daily run at 01:00 runs at the first 01:00 of that night.
    """

    __slots__ = ()

    def get_next_fire_time(self, previous_fire_time, now):
        fire = super().get_next_fire_time(previous_fire_time, now)
        if previous_fire_time is None:
            return fire
        before, clock_time = previous_fire_time.timestamp(), previous_fire_time.astimezone(self.timezone)
        later = previous_fire_time.astimezone(UTC)
        for _ in range(48):
            if fire is None or (fire.timestamp() > before
                                and fire.astimezone(self.timezone).replace(tzinfo=None) != clock_time.replace(tzinfo=None)):
                return fire
            later += timedelta(hours=1)
            fire = super().get_next_fire_time(None, later)
        return fire


def daily_trigger(hour: int) -> CronTrigger:
    return UkCronTrigger(hour=hour, minute=0, timezone=TIMEZONE)


def outbox_trigger() -> IntervalTrigger:
    """Every 5 minutes, counted in elapsed time (no clock time to go wrong when the clocks change)."""
    return IntervalTrigger(minutes=OUTBOX_MINUTES, timezone=TIMEZONE)


def daily_reminders_job():
    """Run every reminder rule for today and send; nothing without the lock."""
    from tracker.reminders.service import run_reminders

    with _app().app_context():
        if not locks.acquire(_holder()):
            log.info("Daily reminders skipped: another scheduler holds the lock")
            return None
        report = run_reminders()
        log.info("Daily reminders: %d people, %s", len(report.queued), report.sent.summary() if report.sent else "")
        return report


def outbox_job():
    """Send queued emails that are due (retries with back-off); nothing without the lock."""
    from tracker.reminders.outbox import send_due

    with _app().app_context():
        if not locks.acquire(_holder()):
            return None
        return send_due()


def heartbeat_job() -> bool:
    """Renew the lock, and follow a change of the daily hour on the settings page."""
    with _app().app_context():
        held = locks.acquire(_holder())
        scheduler = _bound["scheduler"]
        if held and scheduler is not None:
            _follow_daily_hour(scheduler, reminder_settings().send_hour)
        return held


def _follow_daily_hour(scheduler: BaseScheduler, hour: int) -> None:
    job = scheduler.get_job(DAILY_JOB)
    if job is not None and str(job.trigger) != str(daily_trigger(hour)):
        scheduler.reschedule_job(DAILY_JOB, trigger=daily_trigger(hour))
        log.info("Daily reminders now run at %02d:00", hour)


def missed_run(job_id: str, now: datetime) -> datetime | None:
    """The stored next run of a job when it is already past (missed while no scheduler ran)."""
    stamp = db.session.execute(select(scheduler_jobs.c.next_run_time).where(scheduler_jobs.c.id == job_id)).scalar()
    if stamp is None:
        return None
    when = datetime.fromtimestamp(stamp, tz=UTC)
    return when if when < now else None


def build_scheduler(app: Flask, holder: str | None = None,
                    scheduler_class: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    """The scheduler with its jobs; call inside an app context, then `start()` it."""
    scheduler = scheduler_class(
        timezone=TIMEZONE,
        jobstores={"default": SQLAlchemyJobStore(engine=db.engine, tablename=JOBS_TABLE), "local": MemoryJobStore()},
        job_defaults={"coalesce": True, "max_instances": 1},
    )
    bind(app, holder or locks.new_holder(), scheduler)
    now = datetime.now(UTC)
    missed = missed_run(DAILY_JOB, now)
    scheduler.add_job(daily_reminders_job, daily_trigger(reminder_settings().send_hour), id=DAILY_JOB,
                      name="Daily reminders", replace_existing=True, coalesce=True, max_instances=1,
                      misfire_grace_time=DAILY_GRACE_SECONDS, **({"next_run_time": missed} if missed else {}))
    scheduler.add_job(outbox_job, outbox_trigger(), id=OUTBOX_JOB, name="Outbox retry", replace_existing=True,
                      coalesce=True, max_instances=1, misfire_grace_time=OUTBOX_GRACE_SECONDS)
    scheduler.add_job(heartbeat_job, IntervalTrigger(seconds=HEARTBEAT_SECONDS), id=HEARTBEAT_JOB,
                      name="Scheduler lock heartbeat", jobstore="local", coalesce=True,
                      misfire_grace_time=HEARTBEAT_SECONDS, next_run_time=now)
    return scheduler
