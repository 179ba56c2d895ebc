"""A daily run: work out every reminder due, write one message per person to the outbox, send.

Each person's items and message are committed together, in their own transaction. An
item whose key is already recorded is never queued again; if another run records the same
key first, this run's transaction for that person fails on the unique key and is skipped.
Every run is recorded for its day, also while reminders are turned off, so a later run only
catches up days on which no run happened at all.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from tracker import clock
from tracker.admin.service import organisation_settings
from tracker.auth.models import User
from tracker.database import committing
from tracker.dates import long_date
from tracker.extensions import db
from tracker.reminders import queries
from tracker.reminders.describe import describe_items
from tracker.reminders.digest import FIRST_DIGEST_DAYS, digest_items
from tracker.reminders.facts import DueItem, Person, Rules, iso_week
from tracker.reminders.mail import address
from tracker.reminders.models import OutboxMessage, ReminderItem, ReminderRun
from tracker.reminders.outbox import SendReport, queue_message, send_due
from tracker.reminders.payload import from_payload, to_payload
from tracker.reminders.render import render_email
from tracker.reminders.rules import DIGEST, Delivery, owner_items, plan_deliveries, weekly_day_due
from tracker.reminders.settings import reminder_settings, rules_from
from tracker.reviews.agendas import agenda_record, agendas_to_prepare, prepare_agenda


@dataclass
class Queued:
    """One person's part of a run."""

    recipient: str
    sent_now: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)


@dataclass
class RunReport:
    today: date
    dry_run: bool = False
    enabled: bool = True
    queued: list[Queued] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    sent: SendReport | None = None
    #: "Inclusion Council on 12 November 2024" for each agenda built by this run.
    agendas_built: list[str] = field(default_factory=list)


@dataclass
class _Context:
    today: date
    now: datetime
    rules: Rules
    people: dict[int, Person]
    open_ids: set[int]
    base_url: str
    trust_name: str


def _due_items(today: date, now: datetime, rules: Rules, people: dict[int, Person],
               last_run: date | None) -> tuple[list[DueItem], set[int]]:
    actions = queries.load_actions(people)
    meetings = queries.load_meetings(today, max(rules.update_request_days, rules.nudge_days))
    last_digest = queries.last_digests()
    earliest = min([*last_digest.values(), now - timedelta(days=FIRST_DIGEST_DAYS)])
    items = owner_items(actions, meetings, people, rules, today, last_run=last_run,
                        first_requests=queries.first_requests())
    items += digest_items(actions, people, queries.load_updates(earliest), rules, today, now, last_digest, last_run)
    return items, {a.id for a in actions if a.is_open}


def run_reminders(today: date | None = None, *, dry_run: bool = False, send: bool = True,
                  sender_factory=None) -> RunReport:
    """Run every rule once for `today` (the UK date); queue one email per person; then send what is due.

    `dry_run` works out the same emails but records and sends nothing.
    """
    today = today or clock.today()
    now = clock.utcnow()
    rules = rules_from(reminder_settings())
    report = RunReport(today=today, dry_run=dry_run, enabled=rules.enabled)
    _prepare_agendas(today, rules.update_request_days, report)
    if rules.enabled:
        people = queries.load_people()
        last_run = queries.last_run_before(today)
        items, open_ids = _due_items(today, now, rules, people, last_run)
        known = queries.existing_keys([item.key for item in items])
        week = weekly_day_due(today, rules.weekly_day, last_run)
        deliveries = plan_deliveries([i for i in items if i.key not in known], people, rules, today,
                                     held=queries.held_recipients(), last_run=last_run,
                                     weekly_sent=queries.weekly_sent(iso_week(week)) if week else set())
        context = _Context(today, now, rules, people, open_ids, current_app.config["BASE_URL"],
                           organisation_settings().trust_name)
        for delivery in deliveries:
            _deliver(delivery, context, report)
    if not dry_run:
        _record_run(today, now, len(report.queued))
    if send and not dry_run:
        report.sent = send_due(sender_factory=sender_factory)
    return report


def _prepare_agendas(today: date, update_request_days: int, report: RunReport) -> None:
    """Build the agenda of each meeting whose update requests go out now, and keep the owners' ratings on
    the agendas of meetings still to come up to date; one meeting a transaction."""
    for meeting in agendas_to_prepare(today, update_request_days):
        label = f"{meeting.forum.name} on {long_date(meeting.held_on)}"
        if report.dry_run:
            if agenda_record(meeting) is None:
                report.agendas_built.append(label)
            continue
        try:
            with committing():
                if prepare_agenda(meeting, today):
                    report.agendas_built.append(label)
        except IntegrityError:
            continue  # another run built it at the same moment


def _deliver(delivery: Delivery, context: _Context, report: RunReport) -> None:
    person = context.people[delivery.recipient_id]
    if report.dry_run:
        sending = (_held_items(person.id) if delivery.release_held else []) + list(delivery.send)
        report.queued.append(Queued(address(person.name, person.email), describe_items(sending),
                                    describe_items(list(delivery.hold)), _addresses(_copied(sending, person, context))))
        return
    try:
        with committing():
            queued = _write(delivery, person, context)
    except IntegrityError:
        report.skipped.append(f"{address(person.name, person.email)}: already queued by another run")
        return
    report.queued.append(queued)


def _held_items(person_id: int) -> list[DueItem]:
    return [from_payload(row.payload) for row in _held_rows(person_id)]


def _held_rows(person_id: int) -> list[ReminderItem]:
    return list(db.session.scalars(select(ReminderItem).where(
        ReminderItem.recipient_id == person_id, ReminderItem.released_on.is_(None)).order_by(ReminderItem.id)))


def _only_open(item: DueItem, open_ids: set[int]) -> DueItem:
    """Held reminders about actions closed since are left out of the email."""
    if item.rule == DIGEST:
        return item
    return DueItem(item.rule, item.recipient_id, item.key, tuple(line for line in item.lines if line.action_id in open_ids),
                   item.meeting, item.copy_admins, item.digest)


def _copied(items: list[DueItem], person: Person, context: _Context) -> list[Person]:
    """The EDI lead (every active admin with an email) when an overdue action is long overdue;
    never the recipient (an EDI lead who owns the action is not copied on her own email)."""
    if not any(item.copy_admins and item.lines for item in items):
        return []
    return [p for p in sorted(context.people.values(), key=lambda p: p.id)
            if p.role == "admin" and p.can_receive and p.id != person.id]


def _addresses(people: list[Person]) -> list[str]:
    return [address(p.name, p.email) for p in people]


def _message_key(person_id: int, today: date) -> str:
    """'reminders:user42:2024-11-04', then ':2', ':3' for later runs the same day."""
    base = f"reminders:user{person_id}:{today.isoformat()}"
    taken = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(or_(OutboxMessage.key == base, OutboxMessage.key.like(base + ":%"))))
    return base if not taken else f"{base}:{taken + 1}"


def _item_row(item: DueItem, context: _Context, *, released: bool) -> ReminderItem:
    return ReminderItem(key=item.key, rule=item.rule, recipient_id=item.recipient_id, payload=to_payload(item),
                        day=context.today, created_at=context.now, released_on=context.today if released else None)


def _write(delivery: Delivery, person: Person, context: _Context) -> Queued:
    held_rows = _held_rows(person.id) if delivery.release_held else []
    stored = [from_payload(row.payload) for row in held_rows]
    items = [_only_open(item, context.open_ids) for item in stored + list(delivery.send)]
    copied = _copied(items, person, context)
    email = render_email(person.name, items, base_url=context.base_url, trust_name=context.trust_name,
                         today=context.today, copy_after_days=context.rules.overdue_copy_after_days,
                         copied=[p.name for p in copied])
    cc = _addresses(copied)
    message = None
    if email is not None:
        message = queue_message(key=_message_key(person.id, context.today), recipient=db.session.get(User, person.id),
                                to=address(person.name, person.email), cc=cc, subject=email.subject,
                                text=email.text, html=email.html, now=context.now)
    rows = [_item_row(i, context, released=False) for i in delivery.hold]
    rows += [_item_row(i, context, released=True) for i in delivery.send]
    for row in held_rows:
        row.released_on = context.today
    for row in rows:
        db.session.add(row)
    for row in held_rows + rows:
        if row.released_on is not None:
            row.message = message
    db.session.flush()
    return Queued(address(person.name, person.email), describe_items(items) if message else [],
                  describe_items(list(delivery.hold)), cc if message else [])


def _record_run(today: date, now: datetime, queued: int) -> None:
    try:
        with committing():
            run = db.session.get(ReminderRun, today) or ReminderRun(day=today)
            run.finished_at, run.queued = now, queued
            db.session.add(run)
    except IntegrityError:
        pass

