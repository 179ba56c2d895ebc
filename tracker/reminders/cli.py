"""`flask reminders ...` and `flask scheduler`."""
from __future__ import annotations

import signal
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.dates import long_date
from tracker.extensions import db
from tracker.reminders import jobs, locks
from tracker.reminders.facts import DAY_NAMES
from tracker.reminders.outbox import SendReport, send_due
from tracker.reminders.service import RunReport, run_reminders
from tracker.reminders.settings import reminder_settings


@click.group("reminders", help="Email reminders to action owners.")
def reminders_cli():
    pass


def _day(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date: write it as YYYY-MM-DD, like 2024-11-04") from None


def _print_run(report: RunReport) -> None:
    day = report.today
    click.echo(f"Reminders for {DAY_NAMES[day.weekday()]} {long_date(day)}"
               + (" (dry run: nothing is sent or recorded)" if report.dry_run else ""))
    for label in report.agendas_built:
        click.echo(f"{'Would build' if report.dry_run else 'Built'} the agenda of {label}")
    if not report.enabled:
        click.echo("Reminders are turned off in the reminder settings: no rule was run.")
    verb = "Would queue" if report.dry_run else "Queued"
    for queued in report.queued:
        if queued.sent_now:
            click.echo(f"{verb} for {queued.recipient}:")
            for line in queued.sent_now:
                click.echo(f"  {line}")
            if queued.cc:
                click.echo(f"  copied to {', '.join(queued.cc)}")
        if queued.held:
            click.echo(f"Held for the weekly email of {queued.recipient}:")
            for line in queued.held:
                click.echo(f"  {line}")
    for line in report.skipped:
        click.echo(f"Skipped {line}")
    if report.enabled and not any(q.sent_now or q.held for q in report.queued):
        click.echo("Nothing new to queue.")
    if report.sent is not None:
        _print_sent(report.sent)


def _print_sent(report: SendReport) -> None:
    for message in report.sent:
        click.echo(f"Sent to {message.to_address}: {message.subject}")
    for message in report.retrying:
        click.echo(f"Not sent to {message.to_address} (attempt {message.attempts}, will retry at "
                   f"{message.next_attempt_at:%H:%M} UTC): {message.last_error}")
    for message in report.failed:
        click.echo(f"Failed for {message.to_address} after {message.attempts} attempts: {message.last_error}")
    click.echo(report.summary())


@reminders_cli.command("run")
@click.option("--today", callback=_day, default=None, metavar="YYYY-MM-DD",
              help="Run the rules as on this day (default: today).")
@click.option("--dry-run", is_flag=True, help="Print what would be queued; send and record nothing.")
@with_appcontext
def run_command(today: date | None, dry_run: bool):
    """Run every reminder rule once for the day, then send what is queued."""
    report = run_reminders(today, dry_run=dry_run)
    _print_run(report)


@reminders_cli.command("send")
@with_appcontext
def send_command():
    """Send queued emails that are due now (retries included)."""
    _print_sent(send_due())


@click.command("scheduler", help="Run the reminder scheduler (one process per deployment).")
@with_appcontext
def scheduler_command():
    app = current_app._get_current_object()
    holder = locks.new_holder()
    scheduler = jobs.build_scheduler(app, holder)
    hour = reminder_settings().send_hour
    db.session.remove()
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    click.echo(f"Scheduler {holder}: daily reminders at {hour:02d}:00 {jobs.TIMEZONE}, outbox every 5 minutes. "
               "Jobs run only while this process holds the lock. Stop with Ctrl+C.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        locks.release(holder)
        click.echo("Scheduler stopped.")
