"""`flask demo scale` fills the search index, the action counts, the plan revisions and the indicator
links in one statement per table, after the bulk inserts: each holds exactly what the row triggers
would have written (also when a load adds to a database that already has actions), and the generated
data is the same, row for row, as it was when every row was indexed by its trigger. A load that fails
leaves everything, triggers included, as it was."""
from __future__ import annotations

import contextlib
import hashlib
import json
from datetime import date

from sqlalchemy import bindparam, func, insert, select, text

from tests.counts.test_action_counts import assert_in_step
from tests.counts.test_action_history_counts import assert_history_in_step
from tests.indicators.test_linked_tallies import _assert_tables_in_step as assert_links_in_step
from tracker.actions.models import Action, ActionMeasure, ProgressUpdate, action_forums
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.demo import scale
from tracker.extensions import db
from tracker.governance.models import Forum, Meeting
from tracker.plans.models import Plan, PlanMonthRevision, PlanRevision
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
    plan = db.session.scalar(select(func.min(Plan.id))) or 0
    return [(e.id - lowest, e.kind, e.source_id - first[e.kind], None if e.action_id is None else
             e.action_id - first["action"], None if e.plan_id is None else e.plan_id - plan, e.ref, e.title,
             _words(e.people), e.body)
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
    monkeypatch.setattr(scale, "KEPT_IN_BULK", ())  # every row indexed and counted by its triggers
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


# --- The tables other features' triggers keep ---------------------------------------------------------

#: The tables a load writes; none of their insert triggers may fire inside `kept_in_bulk`.
LOADED = ("actions", "action_owners", "action_supporting_leads", "action_forums", "action_measures",
          "progress_updates", "audit_events")
#: What the triggers keep from those tables, each read with its ids turned into names (plan title, forum
#: name, plan title and action reference) so that two loads compare.
KEPT = {
    "plan_action_counts": "SELECT plan_id, status, actions FROM plan_action_counts",
    "forum_action_counts": "SELECT forum_id, plan_id, actions FROM forum_action_counts",
    "forum_links": "SELECT forum_id, action_id, plan_id, ref_order FROM forum_links",
    "plan_revisions": "SELECT plan_id, revision FROM plan_revisions",
    "plan_month_revisions": "SELECT plan_id, month, revision FROM plan_month_revisions",
    "measure_links": "SELECT action_id, standard, measure, plan_id, attention, open, rag, due_order, ref_order "
                     "FROM measure_links",
    "measure_tallies": "SELECT plan_id, standard, measure, rag, open, due_month, actions FROM measure_tallies",
    "person_actions": "SELECT user_id, action_id, plan_id, plan_year, listed, closed, due_on, undated, ref_order, "
                      "last_update_at FROM person_actions",
    "action_history_counts": "SELECT action_id, updates, events FROM action_history_counts",
}


def _kept() -> dict[str, list[tuple]]:
    plans = dict(db.session.execute(text("SELECT id, title FROM plans")).all())
    forums = dict(db.session.execute(text("SELECT id, name FROM forums")).all())
    actions = {row.id: (plans[row.plan_id], row.ref) for row in db.session.execute(text("SELECT id, plan_id, ref FROM actions"))}
    # People by the order they were added: their emails carry numbers that differ between two loads.
    people = {id_: n for n, id_ in enumerate(db.session.scalars(text("SELECT id FROM users ORDER BY id")))}
    kept = {}
    for table, query in KEPT.items():
        rows = []
        for row in db.session.execute(text(query)).mappings():
            row = dict(row)
            if "action_id" in row:
                row["action_id"] = actions[row["action_id"]]
            if "forum_id" in row:
                row["forum_id"] = forums[row["forum_id"]]
            if "user_id" in row:
                row["user_id"] = people[row["user_id"]]
            if "plan_id" in row:
                row["plan_id"] = plans[row["plan_id"]]
            rows.append(tuple(row.items()))
        kept[table] = sorted(rows)
    return kept


def _loads(runner) -> None:
    """Two runs of `demo scale` (the second adding trusts, forums and plans to the first's), then actions and
    updates added to a plan of the first run, reporting to its forums, whose counts and tallies they add to."""
    assert runner.invoke(args=SIZE).exit_code == 0
    assert runner.invoke(args=[*SIZE[:-4], "--password", PASSWORD]).exit_code == 0
    plan = db.session.scalars(select(Plan).order_by(Plan.id)).first()
    forums = db.session.scalars(select(Forum).where(Forum.id.in_(
        select(action_forums.c.forum_id).join(Action, Action.id == action_forums.c.action_id)
        .where(Action.plan_id == plan.id)))).all()
    people = db.session.scalars(select(User).where(User.role == "owner").order_by(User.id).limit(5)).all()
    scale.add_actions(plan, 40, 300, people, forums, seed=5, until=date(2025, 3, 31))
    db.session.commit()


def test_the_kept_tables_hold_what_the_triggers_write_after_loads_that_add_to_each_other(runner, monkeypatch):
    _loads(runner)
    filled = _kept()
    assert {table: len(rows) > 3 for table, rows in filled.items()} == dict.fromkeys(KEPT, True)
    _empty_database()
    monkeypatch.setattr(scale, "KEPT_IN_BULK", ())  # every row counted by its triggers
    _loads(runner)
    assert _kept() == filled


def test_after_loads_every_kept_table_equals_a_recount(runner, fixed_today):
    fixed_today(date(2025, 3, 31))
    _loads(runner)
    assert_in_step()
    assert_links_in_step()
    assert_history_in_step()
    revisions = dict(db.session.execute(select(PlanRevision.plan_id, PlanRevision.revision)).all())
    recounted = dict.fromkeys(revisions, 1)  # the plan's own row
    for plan_id, in [*db.session.execute(select(Action.plan_id)),
                     *db.session.execute(select(Action.plan_id).join(ProgressUpdate.action)),
                     *db.session.execute(select(Action.plan_id).join(ActionMeasure, ActionMeasure.action_id == Action.id)),
                     *db.session.execute(select(Action.plan_id).join(action_forums))]:
        recounted[plan_id] += 1
    assert revisions == recounted
    months = dict(((plan_id, month), revision) for plan_id, month, revision in
                  db.session.execute(select(PlanMonthRevision.plan_id, PlanMonthRevision.month, PlanMonthRevision.revision)))
    marked: dict = {}
    for plan_id, day in [*db.session.execute(select(Action.plan_id, Action.rag_as_at).where(Action.rag.is_not(None))),
                         *db.session.execute(select(Action.plan_id, ProgressUpdate.as_at).join(ProgressUpdate.action)
                                             .where(ProgressUpdate.rag.is_not(None)))]:
        key = (plan_id, (day or date(1, 1, 1)).replace(day=1))
        marked[key] = marked.get(key, 0) + 1
    assert months == marked


def _insert_triggers_on_loaded_tables() -> set[str]:
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(text("SELECT name, tbl_name, upper(sql) FROM sqlite_master WHERE type = 'trigger'"))
        return {name for name, table, sql in rows if table in LOADED and " INSERT ON " in sql.split(" BEGIN ")[0]}
    return set(db.session.scalars(text(
        "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal "
        "AND t.tgenabled <> 'D' AND t.tgtype & 4 <> 0 AND c.relname IN :tables")
        .bindparams(bindparam("tables", expanding=True)), {"tables": LOADED}))


def test_no_insert_trigger_on_a_loaded_table_fires_inside_the_load(app):
    on = _insert_triggers_on_loaded_tables()
    assert {"action_counts_actions_insert", "plan_months_progress_updates_insert", "measure_links_link_insert",
            "plan_revisions_action_forums_insert", "action_counts_action_forums_insert", "forum_links_link_insert",
            "person_actions_action_owners_insert", "person_actions_actions_copy_insert",
            "action_history_updates_insert", "action_history_events_insert"} <= on
    with scale.kept_in_bulk():
        assert _insert_triggers_on_loaded_tables() == set()
    assert _insert_triggers_on_loaded_tables() == on
    db.session.rollback()


def test_a_failed_demo_scale_adds_nothing_and_leaves_the_triggers_working(runner, make_user, make_plan, monkeypatch):
    plan = make_plan(title="Stored before the load")
    people = [make_user("owner"), make_user("owner")]
    forum = Forum(name="Inclusion Council")
    db.session.add(forum)
    db.session.commit()
    scale.add_actions(plan, 12, 60, people, [forum], seed=2, until=date(2025, 3, 31))
    db.session.commit()
    triggers, kept, counts = _triggers(), _kept(), scale._counts()

    def failing(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(scale, "_audit", failing)  # the first plan's updates are in when it fails
    result = runner.invoke(args=SIZE)
    assert isinstance(result.exception, RuntimeError)
    db.session.rollback()
    assert _triggers() == triggers and _kept() == kept and scale._counts() == counts
    monkeypatch.undo()
    monkeypatch.setattr(scale, "KEPT_IN_BULK", ())  # every row counted by the triggers, which must be there
    scale.add_actions(plan, 12, 60, people, [forum], seed=3, until=date(2025, 3, 31))
    db.session.commit()
    assert_in_step()
    assert_links_in_step()
    assert_history_in_step()
    assert db.session.get(PlanRevision, plan.id).revision == 1 + 24 + 120 + \
        db.session.scalar(select(func.count()).select_from(ActionMeasure)) + \
        db.session.scalar(select(func.count()).select_from(action_forums))
