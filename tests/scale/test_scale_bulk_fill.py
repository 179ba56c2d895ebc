"""`flask demo scale` fills the search index in one statement per kind, after the bulk inserts:
the entries are exactly those the row triggers would have written, and the generated data is
the same, row for row, as it was when every row was indexed by its trigger."""
from __future__ import annotations

import contextlib
import hashlib
import json

from sqlalchemy import func, insert, select, text

from tracker.actions.models import Action, ProgressUpdate
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.demo import scale
from tracker.extensions import db
from tracker.governance.models import Forum, Meeting
from tracker.search.models import SearchEntry, indexed_in_bulk

PASSWORD = "scale-password-1"
SIZE = ["demo", "scale", "--plans", "3", "--actions", "90", "--updates", "700", "--users", "40",
        "--seed", "3", "--until", "2025-03-31", "--password", PASSWORD]
#: The digest of `_generated()` for SIZE, from the generator as it was when per-row triggers
#: indexed every row (commit 8097d56). Any change to what a seed generates changes it.
GENERATED_FOR_SEED_3 = "24ae3bedec432a9ed5205c5b6f52dde4e1eced32c0a6cbb4de7ec068f00f89e3"


def _generated() -> tuple[dict[str, int], str]:
    """Row counts, and a digest of every generated value with database ids left out."""
    counts = {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in scale._COUNTED.items()}
    users = db.session.execute(select(User.email, User.name, User.role, User.active, User.job_title,
                                      User.password_hash.is_not(None)).order_by(User.id)).all()
    email = {row[0]: row[1] for row in db.session.execute(select(User.id, func.coalesce(User.email, User.name)))}
    actions = db.session.scalars(select(Action).order_by(Action.id)).all()
    where = {a.id: (a.plan.title, a.ref) for a in actions}
    rows = [(a.plan.title, a.theme.title if a.theme else None, a.position, a.ref, a.ref_order, a.text, a.outcome,
             a.by_when, a.by_when_kind, a.due_on, a.starts_on, a.priority, a.equality_objectives, a.edi_goals,
             a.status, a.rag, a.rag_as_at, a.cancelled_reason, a.last_update_at, a.created_at, a.version,
             sorted(a.indicators), [email[u.id] for u in a.owners], [email[u.id] for u in a.supporting_leads],
             sorted(f.name for f in a.forums),
             [(u.as_at, u.posted_at, u.status, u.rag, u.narrative, u.evidence_url, email.get(u.author_id))
              for u in a.updates]) for a in actions]
    # Events the services add (settings, forums, meetings, plans, themes) carry the clock's time.
    events = [(e.at if e.subject_type in ("user", "action") else None, email.get(e.actor_id), e.subject_type, where.get(e.subject_id) if e.subject_type == "action"
               else None, e.verb, e.summary, json.dumps(e.changes, sort_keys=True))
              for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    meetings = sorted(db.session.execute(select(Forum.name, Meeting.held_on).join(Meeting.forum)).tuples())
    digest = hashlib.sha256(repr((users, rows, events, meetings)).encode()).hexdigest()
    return counts, digest


def _words(people: str) -> str:
    """The people's names as a sorted bag of words: the aggregate that joins them has no defined
    order (PostgreSQL's plan for it differs between a trigger run and the bulk fill), and search
    reads them as words."""
    return " ".join(sorted(people.split()))


def _entries() -> list[tuple]:
    """search_entries in id order, each id given relative to the first of its kind, so that two runs compare."""
    first = {kind: db.session.scalar(select(func.min(model.id))) or 0 for kind, model in
             (("action", Action), ("update", ProgressUpdate), ("forum", Forum), ("meeting", Meeting))}
    lowest = db.session.scalar(select(func.min(SearchEntry.id))) or 0
    return [(e.id - lowest, e.kind, e.source_id - first[e.kind], None if e.action_id is None else
             e.action_id - first["action"], e.ref, e.title, _words(e.people), e.body)
            for e in db.session.scalars(select(SearchEntry).order_by(SearchEntry.id))]


def _stored() -> list[tuple]:
    """The updates and audit events as stored (SQLite: the text of dates, times and JSON), ids left out."""
    updates = db.session.execute(text(
        "SELECT as_at, posted_at, status, rag, proposed_rag, rag_reason, narrative, evidence_url "
        "FROM progress_updates ORDER BY id")).all()
    events = db.session.execute(text(
        "SELECT CASE WHEN subject_type IN ('user', 'action') THEN at END, actor_id IS NULL, subject_type, verb, "
        "summary, changes FROM audit_events ORDER BY id")).all()
    return [*map(tuple, updates), *map(tuple, events)]


def _empty_database() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def test_a_seed_generates_the_same_data_as_before(runner):
    result = runner.invoke(args=SIZE)
    assert result.exit_code == 0, result.output
    counts, digest = _generated()
    assert counts["actions"] == 90 and counts["progress updates"] == 700 and counts["users"] == 40
    assert digest == GENERATED_FOR_SEED_3


def _triggers() -> set[str]:
    if db.engine.dialect.name == "sqlite":
        return set(db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    return set(db.session.scalars(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'")))


def _as_before(table, rows) -> None:
    """The generator's inserts as they were: SQLAlchemy's executemany of the dicts."""
    if rows:
        db.session.execute(insert(table), rows)


def test_the_search_entries_and_stored_values_are_those_of_row_by_row_indexing(runner, monkeypatch):
    triggers = _triggers()
    assert runner.invoke(args=SIZE).exit_code == 0
    filled, stored = _entries(), _stored()
    assert _triggers() == triggers
    assert len(filled) == 90 + 700 + db.session.scalar(select(func.count()).select_from(Forum)) + \
        db.session.scalar(select(func.count()).select_from(Meeting))
    assert sum(1 for entry in filled if entry[1] == "action" and entry[6]) > 80  # owners' names
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)"))
        matched = db.session.scalar(text("SELECT count(*) FROM search_index WHERE search_index MATCH 'manager'"))
        assert matched > 0
    _empty_database()
    monkeypatch.setattr(scale, "indexed_in_bulk", contextlib.nullcontext)  # every row indexed by its trigger
    monkeypatch.setattr(scale, "_insert_many", _as_before)
    assert runner.invoke(args=SIZE).exit_code == 0
    assert _entries() == filled
    assert _stored() == stored
    if db.engine.dialect.name == "sqlite":
        assert db.session.scalar(text("SELECT count(*) FROM search_index WHERE search_index MATCH 'manager'")) == matched


def test_a_load_that_fails_part_way_leaves_the_triggers_and_the_index_as_they_were(app, make_user, make_plan,
                                                                                   make_action, monkeypatch):
    make_action(text="Stored before the load")
    db.session.commit()
    triggers, entries = _triggers(), _entries()

    def failing(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(scale, "_add_updates", failing)
    plan = make_plan(title="Loaded plan")
    db.session.commit()
    with contextlib.suppress(RuntimeError):
        scale.add_actions(plan, 5, 20, [make_user("owner")], [])
    db.session.rollback()
    assert _triggers() == triggers and _entries() == entries
    with indexed_in_bulk():
        pass
    assert _triggers() == triggers
