"""`flask demo scale`: exact volumes, values as the services would store them, same data for the same seed."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from tests.support import rating_after_audit_chain
from tracker.actions.by_when import parse_by_when
from tracker.actions.models import Action, ProgressUpdate, action_owners
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.extensions import db
from tracker.governance.models import Forum, Meeting
from tracker.plans.models import Plan, Theme

PASSWORD = "scale-password-1"
UNTIL = "2025-03-31"
SMALL = ["demo", "scale", "--plans", "2", "--actions", "50", "--updates", "200", "--users", "20",
         "--seed", "7", "--until", UNTIL, "--password", PASSWORD]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _printed(output: str) -> dict[str, int]:
    """The 'created' lines of the command's output: {'users': 20, …}."""
    return {name.strip(): int(count.replace(",", ""))
            for name, count in re.findall(r"^  ([a-z][a-z ]+?)\s+([\d,]+)$", output, re.MULTILINE)}


def _fingerprint() -> list[tuple]:
    """Everything generated, without database ids."""
    actions = db.session.scalars(select(Action).order_by(Action.id)).all()
    return [(a.plan.title, a.ref, a.text, a.by_when, a.due_on, a.status, a.rag, a.priority, a.indicators,
             [u.email or u.name for u in a.owners], [f.name for f in a.forums],
             [(u.posted_at, u.status, u.rag, u.narrative, u.author.email if u.author else None) for u in a.updates])
            for a in actions]


def _empty_database() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def test_small_scale_creates_exactly_what_was_asked(runner):
    result = runner.invoke(args=SMALL)
    assert result.exit_code == 0, result.output
    assert (_count(Plan), _count(Action), _count(ProgressUpdate), _count(User)) == (2, 50, 200, 20)
    assert _count(Forum) == 7  # each trust's council, committee and board, and the ICS People Board
    printed = _printed(result.output)
    assert printed["plans"] == 2 and printed["actions"] == 50 and printed["progress updates"] == 200
    assert printed["users"] == 20 and printed["forums"] == 7
    assert printed["themes"] == _count(Theme) and 6 <= printed["themes"] <= 12
    assert printed["meetings"] == _count(Meeting) > 0
    assert printed["audit events"] == _count(AuditEvent) == 20 + 50 + 200 + 7 + printed["meetings"] + 2 + printed["themes"] + 1
    assert re.search(r"Created [\d,]+ rows in [\d.]+ s, committed \([\d,]+ rows a second\)", result.output)
    assert f"password for all: {PASSWORD}" in result.output


def test_each_actions_audit_trail_records_what_each_update_replaced(runner):
    assert runner.invoke(args=SMALL).exit_code == 0
    changes_by_action = {}
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "progress update")
                                    .order_by(AuditEvent.at, AuditEvent.id)):
        changes_by_action.setdefault(event.subject_id, []).append(event.changes)
    assert len(changes_by_action) > 10
    chains = {action_id: rating_after_audit_chain(changes) for action_id, changes in changes_by_action.items()}
    for action in db.session.scalars(select(Action).where(Action.id.in_(chains))):
        assert (action.status, action.rag) == (chains[action.id]["status"], chains[action.id]["rag"])


def test_each_action_carries_its_latest_update_like_post_update_leaves_it(runner):
    assert runner.invoke(args=SMALL).exit_code == 0
    for action in db.session.scalars(select(Action)):
        if not action.updates:
            assert (action.status, action.rag, action.last_update_at, action.version) == (None, None, None, 1)
            continue
        latest = action.updates[0]  # newest first, as the timeline shows them
        assert (action.status, action.rag, action.rag_as_at) == (latest.status, latest.rag, latest.as_at)
        assert action.last_update_at == latest.posted_at and action.version == 1 + len(action.updates)
        if action.status == "CANCELLED":
            assert action.cancelled_reason and action.rag is None


def test_by_when_is_read_as_the_action_form_reads_it_and_updates_span_two_years(runner):
    assert runner.invoke(args=SMALL).exit_code == 0
    kinds = set()
    for action in db.session.scalars(select(Action)):
        parsed = parse_by_when(action.by_when, plan_year=action.plan.year)
        assert (action.by_when_kind, action.due_on, action.starts_on) == (parsed.kind.value, parsed.due, parsed.starts)
        kinds.add(action.by_when_kind)
    assert {"month", "quarter", "ongoing"} <= kinds
    first, last = db.session.execute(select(func.min(ProgressUpdate.as_at), func.max(ProgressUpdate.as_at))).one()
    assert date(2023, 3, 31) <= first and last <= date(2025, 3, 31) and last - first > timedelta(days=300)
    plan_years = set(db.session.scalars(select(Plan.year)))
    assert plan_years == {"2024-25", "2023-24"}
    owners = db.session.scalar(select(func.count(func.distinct(action_owners.c.user_id))))
    assert owners > 5


def test_same_seed_gives_the_same_data_and_another_seed_does_not(runner):
    assert runner.invoke(args=SMALL).exit_code == 0
    first = _fingerprint()
    _empty_database()
    assert runner.invoke(args=SMALL).exit_code == 0
    assert _fingerprint() == first
    _empty_database()
    assert runner.invoke(args=[*SMALL[:-6], "--seed", "8", "--until", UNTIL, "--password", PASSWORD]).exit_code == 0
    assert _fingerprint() != first


def test_adds_to_the_demo_and_to_an_earlier_run(runner):
    assert runner.invoke(args=["demo", "load", "--password", PASSWORD]).exit_code == 0
    demo = (_count(Plan), _count(Action), _count(User), _count(Forum))
    assert runner.invoke(args=SMALL).exit_code == 0
    again = runner.invoke(args=SMALL)
    assert again.exit_code == 0, again.output
    assert (_count(Plan), _count(Action), _count(User), _count(Forum)) == (
        demo[0] + 4, demo[1] + 100, demo[2] + 40, demo[3] + 14)
    boards = set(db.session.scalars(select(Forum.name).where(Forum.name.like("Riverside and Northgate ICS%"))))
    assert boards == {"Riverside and Northgate ICS People Board", "Riverside and Northgate ICS People Board 2"}
    assert db.session.scalar(select(Plan).where(Plan.title.like("Inclusion and Belonging Action Plan%"))) is not None


def test_the_printed_sign_ins_work(runner, client):
    result = runner.invoke(args=SMALL)
    emails = dict(re.findall(r"^  (admin|reviewer|owner|viewer)\s+(\S+@\S+)", result.output, re.MULTILINE))
    assert set(emails) == {"admin", "reviewer", "owner", "viewer"}
    for role, email in emails.items():
        assert db.session.scalar(select(User.role).where(User.email == email)) == role
    response = client.post("/sign-in", data={"email": emails["admin"], "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/plans/")
    assert page.status_code == 200 and "Riverside University Hospitals NHS Foundation Trust WRES action plan" in page.text


def test_impossible_sizes_are_refused_with_the_reason_and_nothing_stored(runner):
    result = runner.invoke(args=["demo", "scale", "--plans", "1", "--actions", "0", "--updates", "5", "--users", "3",
                                 "--password", PASSWORD])
    assert result.exit_code == 2 and "--updates needs at least one action" in result.output
    short = runner.invoke(args=["demo", "scale", "--plans", "1", "--actions", "1", "--updates", "1", "--users", "1",
                                "--password", "short"])
    assert short.exit_code == 2 and "Password must be at least 10 characters" in short.output
    assert (_count(User), _count(Plan), _count(Forum)) == (0, 0, 0)


def test_postgresql_has_statistics_of_the_filled_tables_straight_away(runner):
    """Without ANALYZE after the bulk load, the planner takes the new tables as empty until autovacuum runs."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite keeps no planner statistics unless asked")
    result = runner.invoke(args=SMALL)
    assert result.exit_code == 0, result.output
    estimated = dict(db.session.execute(text(
        "SELECT relname, reltuples FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
        "AND relname IN ('actions', 'progress_updates', 'users')")).all())
    assert estimated == {"actions": 50, "progress_updates": 200, "users": 20}
