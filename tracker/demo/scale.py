"""Filling a database with the volume of an integrated care system (ICS) of ten trusts.

Settings, forums, meetings, plans and themes go through the same services as the app. Users,
actions with their owners, forums and indicators, progress updates and audit events are
inserted in bulk, with the values the services would store: by-when read by `parse_by_when`,
each action's status, RAG and version set by its latest update, an audit event for each
update. Everything is drawn from one seeded random generator, so a seed and an end date
always give the same data. Each plan's actions, links and updates are inserted inside
`tracker.search.models.indexed_in_bulk`, which indexes them for search in one statement per kind
instead of one trigger run per row; so are the action counts, plan revisions and indicator links that
other features' triggers keep (`kept_in_bulk`). Nothing is committed here.
"""
from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.dialects.sqlite import DATE as SQLiteDate
from sqlalchemy.dialects.sqlite import DATETIME as SQLiteDateTime
from werkzeug.security import generate_password_hash

from tracker import clock
from tracker.actions.by_when import parse_by_when, plan_year_bounds
from tracker.actions.models import (
    Action,
    ActionMeasure,
    ProgressUpdate,
    action_forums,
    action_owners,
    action_supporting_leads,
    history_counted_in_bulk,
)
from tracker.actions.refs import ref_order
from tracker.admin.models import OrganisationSettings
from tracker.admin.service import update_settings
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.auth.service import UserError, check_password_rules
from tracker.dashboards.models import listed_in_bulk
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.governance.models import Forum, Meeting, forum_members
from tracker.governance.models import counted_in_bulk as forum_links_counted_in_bulk
from tracker.governance.service import add_meetings, create_forum
from tracker.indicators.models import linked_in_bulk
from tracker.plans.models import Plan, Theme
from tracker.plans.models import counted_in_bulk as plan_actions_counted_in_bulk
from tracker.plans.service import PlanData, add_theme, create_plan
from tracker.search.models import indexed_in_bulk
from tracker.standards import WRES

ICS = "Riverside and Northgate ICS"
PLACES = ("Riverside", "Northgate", "Eastfield", "Westbrook", "Southmoor", "Hillcrest", "Lakeside", "Oakwood",
          "Kingsmead", "Ashworth")
KINDS = ("University Hospitals NHS Foundation Trust", "Community Healthcare NHS Trust",
         "Mental Health NHS Foundation Trust", "Hospitals NHS Trust", "Ambulance Service NHS Trust")
FIRST = ("Amara Ben Chloe Deepa Emeka Fatima Grace Hassan Ioana James Kwame Li Maria Nadia Olu Priya Rachel Sanjay "
         "Tomasz Uche Vikram Wei Yasmin Zainab Aisha David Helen Joseph Kerry Laura Mohammed Niamh Paul Rosa").split()
LAST = ("Adeyemi Begum Chen Davies Evans Fernandes Green Hussain Iqbal Jones Khan Lewis Mensah Nowak Okafor Patel "
        "Quinn Rahman Smith Taylor Udeh Vaughan Williams Xu Yusuf Zhang Owusu Murphy Singh Ali").split()
JOBS = ("Head of Recruitment", "Director of Nursing", "Deputy Chief People Officer", "Medical Director",
        "Head of Learning and Development", "Freedom to Speak Up Guardian", "Race Equality Network Chair",
        "Head of Employee Relations", "Associate Director of OD", "Service Manager", "Divisional Director")
THEMES = ("Inclusive recruitment and promotion", "Reducing disparity in formal disciplinary processes",
          "Equal access to training and career development", "Tackling bullying, harassment and abuse",
          "Leadership accountability and board diversity", "Listening to staff: networks and speaking up",
          "Data, reporting and transparency", "Educate for inclusion")
VERBS = ("Develop", "Launch", "Review", "Embed", "Deliver", "Pilot", "Roll out", "Evaluate", "Publish")
OBJECTS = ("an inclusive recruitment toolkit for recruiting managers", "diverse interview panels for band 8a and above",
           "a de-biasing check of every case before formal disciplinary action", "the Ethnicity Pay Gap report",
           "reciprocal mentoring between board members and Global Majority staff", "a Civility and Respect campaign",
           "bystander training for teams with high harassment scores", "a talent programme for bands 5 to 7",
           "exit interviews analysed by ethnicity", "cultural competence training for line managers",
           "a zero-tolerance approach to racist abuse from patients and the public",
           "career conversations for Global Majority staff", "the quality of ethnicity records in ESR")
PLACES_IN = ("", " across all divisions", " in the community directorate", " with the Race Equality Network",
             ", reporting quarterly to the Inclusion Council", " for medical staff")
OUTCOMES = ("80% of band 8a+ interview panels include a BME member", "Ethnicity recorded for 95% of staff in ESR",
            "Relative likelihood of appointment from shortlisting below 1.25", "All board members mentored",
            "Disciplinary relative likelihood within 0.80 to 1.25", "Equal access to non-mandatory training",
            "5 point fall in harassment from staff reported by BME staff", "")
NARRATIVES = ("Draft shared with the staff networks for comment.",
              "Pilot completed in two divisions; evaluation under way.",
              "Delayed by the recruitment freeze; revised plan goes to the next Inclusion Council.",
              "Quarterly data analysed: the appointment ratio improved.", "Sessions delivered to {n} managers.",
              "Awaiting sign-off at the People and Culture Committee.", "Paper presented to the Trust Board.",
              "Network chairs consulted and their feedback included.", "No progress this month: the lead is on leave.",
              "Audit of {n} cases completed; findings shared with HR business partners.")
#: RAG of an action's latest update, and the status words that go with each.
FINAL_RAGS = (("green", 35), ("amber", 22), ("red", 10), ("blue", 18), (None, 12), ("cancelled", 3))
STATUSES = {"green": ("PROGRESS MADE", "ON TRACK"), "amber": ("DELAYED BUT PROGRESSING", "PART ACHIEVED"),
            "red": ("DELAYED", "NOT STARTED"), "blue": ("ACHIEVED", "ACHIEVED AND ONGOING"),
            None: ("NOT STARTED",), "cancelled": ("CANCELLED",)}
ROLES = (("owner", 80), ("reviewer", 10), ("viewer", 10))
MEETING_EVERY = {"Inclusion Council": 42, "People and Culture Committee": 61, "Trust Board": 91}
HISTORY_DAYS = 730


class ScaleError(DomainError):
    """The requested size cannot be generated; the message says why."""


@dataclass(frozen=True)
class ScaleSize:
    """How much to create."""

    plans: int = 10
    actions: int = 3000
    updates: int = 60000
    users: int = 2000


@dataclass
class ScaleResult:
    """What was created (rows by kind), how long it took, and who can sign in."""

    created: dict[str, int]
    seconds: float
    sign_ins: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.created.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class Trust:
    name: str
    slug: str
    people: list[int] = field(default_factory=list)
    admin: int | None = None


def check_size(size: ScaleSize) -> None:
    """Refuse sizes that cannot make sense, with the reason."""
    for name in ("plans", "actions", "updates", "users"):
        if getattr(size, name) < 0:
            raise ScaleError(f"--{name} cannot be negative")
    if size.plans < 1 and size.actions:
        raise ScaleError("--actions needs at least one plan: give --plans 1 or more")
    if size.actions < 1 and size.updates:
        raise ScaleError("--updates needs at least one action: give --actions 1 or more")


def generate(size: ScaleSize, *, password: str, seed: int = 1, until: date | None = None) -> ScaleResult:
    """Add `size` worth of trusts' users, forums, plans, actions and updates; the caller commits."""
    check_size(size)
    try:
        check_password_rules(password)
    except UserError as error:
        raise ScaleError(str(error)) from None
    started, until, rng = time.perf_counter(), until or clock.today(), random.Random(seed)
    before = _counts()
    runs = _count(select(Forum.id).where(Forum.name.like(f"{ICS} People Board%")).subquery())
    suffix = f" {runs + 1}" if runs else ""
    trusts = _trusts(size.plans, suffix)
    if db.session.scalar(select(func.count()).select_from(OrganisationSettings)) == 0:
        update_settings({"trust_name": ICS.replace("ICS", "Integrated Care System"),
                         "bme_label": "Global Majority"}, actor=None)
    first_user = _add_users(trusts, size.users, rng, generate_password_hash(password, method="scrypt"))
    board, forums = _add_forums(trusts, suffix, rng, until)
    per_plan = _spread(size.actions, size.plans, rng)
    per_plan_updates = _spread(size.updates, size.plans, rng, weights=per_plan)
    everyone = [person for trust in trusts for person in trust.people]
    for index, trust in enumerate(trusts):
        plan = _add_plan(trust, index, rng, until, forums[index][-1])
        _add_actions(plan, per_plan[index], per_plan_updates[index], trust.people or everyone,
                     [*forums[index], board], rng, until, trust.admin)
    db.session.flush()
    after = _counts()
    created = {name: after[name] - before[name] for name in after}
    return ScaleResult(created, time.perf_counter() - started, _sign_ins(first_user))


def add_actions(plan: Plan, actions: int, updates: int, people: list[User], forums: list[Forum], *,
                seed: int = 1, until: date | None = None) -> None:
    """Bulk-add actions (owned by `people`, reporting to `forums`) and their updates to a plan."""
    check_size(ScaleSize(plans=1, actions=actions, updates=updates, users=len(people)))
    _add_actions(plan, actions, updates, [p.id for p in people], forums, random.Random(seed),
                 until or clock.today(), people[0].id if people else None)
    db.session.flush()


def refresh_statistics() -> None:
    """Have PostgreSQL gather planner statistics on every table now, after a bulk load.

    Until autovacuum gets to them (a minute or more), freshly filled tables look nearly empty
    to the planner: it estimates 2 actions in a 458-action plan and picks plans that cost about
    twice as much. PostgreSQL's advice after a bulk load is to run ANALYZE. SQLite keeps no
    statistics unless asked, and its plans for these pages are better without them."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        db.session.execute(text(f'ANALYZE "{table.name}"'))


_COUNTED = {"users": User, "forums": Forum, "forum members": forum_members, "meetings": Meeting, "plans": Plan,
            "themes": Theme, "actions": Action, "owner links": action_owners,
            "supporting lead links": action_supporting_leads, "forum links": action_forums,
            "indicator links": ActionMeasure, "progress updates": ProgressUpdate, "audit events": AuditEvent}


def _insert(model):
    """A Core INSERT on the model's table: one executemany for thousands of rows (ORM bulk inserts split them)."""
    return insert(model.__table__)


def _insert_many(table: Table, rows: list[dict]) -> None:
    """One executemany of `rows` (dicts with the same keys) into `table`.

    On SQLite the values are turned into what SQLAlchemy stores (`_sqlite_values`) and handed to the
    driver as tuples: for the 600,000 updates and 650,000 audit events of the 10x size, SQLAlchemy's
    per-row parameter handling cost more than SQLite's inserts. Rows that leave out a column with a
    default (which SQLAlchemy would fill in) go through SQLAlchemy."""
    if not rows:
        return
    session = db.session
    dialect = session.get_bind().dialect
    names = list(rows[0])
    if dialect.name != "sqlite" or any(column.default is not None and column.name not in rows[0]
                                       for column in table.c if not column.primary_key):
        session.execute(insert(table), rows)
        return
    columns = []
    for name in names:
        values = [row[name] for row in rows]
        process = _sqlite_values(table.c[name].type, dialect)
        columns.append(list(map(process, values)) if process else values)
    session.connection().exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", list(zip(*columns)))


#: SQLAlchemy's default storage formats for SQLite's dates and times, which `isoformat` writes too.
_SQLITE_DATETIME = "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"
_SQLITE_DATE = "%(year)04d-%(month)02d-%(day)02d"


def _sqlite_values(column_type, dialect):
    """The column type's bind processor for SQLite (None when values go as they are); for dates and times in
    SQLAlchemy's default format, one that writes the same text with `isoformat` (a third of the time)."""
    impl = column_type.dialect_impl(dialect)
    process = impl.bind_processor(dialect)
    if process is None:
        return None
    storage = getattr(impl, "_storage_format", None)
    if isinstance(impl, SQLiteDateTime) and storage == _SQLITE_DATETIME:
        def stored_datetime(value, _datetime=datetime, _process=process):
            return value.isoformat(" ", "microseconds") if type(value) is _datetime else _process(value)
        return stored_datetime
    if isinstance(impl, SQLiteDate) and storage == _SQLITE_DATE:
        def stored_date(value, _date=date, _process=process):
            return value.isoformat() if type(value) is _date else _process(value)
        return stored_date
    return process


def _insert_returning_ids(model, rows: list[dict]) -> list[int]:
    """Insert the rows; their new ids in the same order.

    SQLite sends an INSERT … RETURNING with ids in the rows' order one row at a time (50,000 statements
    for the 10x size's users and actions), so there the rows go in one executemany and their ids are read
    after: the transaction holds SQLite's one write lock from that insert to the commit, and SQLite gives
    the rows of one insert ids that rise in the rows' order, above every id before."""
    if not rows:
        return []
    table = model.__table__
    if db.session.get_bind().dialect.name != "sqlite":
        return list(db.session.scalars(_insert(model).returning(table.c.id, sort_by_parameter_order=True), rows))
    _insert_many(table, rows)
    ids = list(db.session.scalars(select(table.c.id).order_by(table.c.id.desc()).limit(len(rows))))
    return ids[::-1]


def _count(selectable) -> int:
    return db.session.scalar(select(func.count()).select_from(selectable)) or 0


def _counts() -> dict[str, int]:
    return {name: _count(model) for name, model in _COUNTED.items()}


def _trusts(count: int, suffix: str) -> list[Trust]:
    trusts = []
    for n in range(count):
        place = PLACES[n % len(PLACES)] + (f" {n // len(PLACES) + 1}" if n >= len(PLACES) else "") + suffix
        trusts.append(Trust(f"{place} {KINDS[n % len(KINDS)]}", place.lower().replace(" ", "-")))
    return trusts


def _spread(total: int, parts: int, rng: random.Random, weights: list[int] | None = None) -> list[int]:
    """`total` split into `parts` uneven shares that add up exactly."""
    if parts < 1:
        return []
    weights = weights or [rng.uniform(0.6, 1.4) for _ in range(parts)]
    if not any(weights):
        weights = [1] * parts
    shares = [0] * parts
    for index in rng.choices(range(parts), weights=weights, k=total):
        shares[index] += 1
    return shares


def _add_users(trusts: list[Trust], count: int, rng: random.Random, password_hash: str) -> int:
    """Bulk-add users spread over the trusts, the first of each being its EDI lead; returns the first id."""
    start = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    rows = []
    for n in range(count):
        slug = trusts[n % len(trusts)].slug if trusts else "ics"
        first, last = rng.choice(FIRST), rng.choice(LAST)
        role = "admin" if n < len(trusts) else rng.choices(*zip(*ROLES))[0]
        signs_in = role == "admin" or rng.random() > 0.05
        email = f"{first}.{last}.{start + n}@{slug}.example.org".lower() if signs_in else None
        rows.append({"email": email, "name": f"{first} {last}", "role": role,
                     "active": role == "admin" or rng.random() > 0.04,
                     "job_title": "Diversity & Inclusion Lead" if role == "admin" else rng.choice(JOBS),
                     "password_hash": password_hash if email else None, "created_at": datetime(2023, 1, 1, 9)})
    ids = _insert_returning_ids(User, rows)
    for n, (user_id, row) in enumerate(zip(ids, rows)):
        trust = trusts[n % len(trusts)] if trusts else None
        if trust is not None and row["role"] != "viewer":
            trust.people.append(user_id)
            trust.admin = trust.admin or user_id
    _audit([{"at": row["created_at"], "subject_type": "user", "subject_id": user_id, "verb": "created",
             "summary": "", "changes": {"email": [None, row["email"]], "role": [None, row["role"]]}}
            for user_id, row in zip(ids, rows)])
    return ids[0] if ids else start


def _add_forums(trusts: list[Trust], suffix: str, rng: random.Random,
                until: date) -> tuple[Forum, list[list[Forum]]]:
    """The ICS People Board, and each trust's Inclusion Council → committee → board, with meetings."""
    board = create_forum(f"{ICS} People Board{suffix}", None)
    first, forums, members = until - timedelta(days=HISTORY_DAYS), [], []
    _add_meetings(board, first, until, 91, rng)
    for trust in trusts:
        parent, chain = None, []
        for name, every in reversed(MEETING_EVERY.items()):
            parent = create_forum(f"{trust.name} {name}", None, parent=parent)
            _add_meetings(parent, first, until, every, rng)
            chain.insert(0, parent)
        forums.append(chain)
        members += [{"forum_id": chain[0].id, "user_id": person} for person in trust.people[:12]]
    if members:
        db.session.execute(insert(forum_members), members)
    return board, forums


def _add_meetings(forum: Forum, first: date, until: date, every: int, rng: random.Random) -> None:
    day, days = first + timedelta(days=rng.randrange(every)), []
    while day <= until + timedelta(days=120):
        days.append(day - timedelta(days=day.weekday() - 1 if day.weekday() > 1 else 0))
        day += timedelta(days=every)
    add_meetings(forum, days, None)


def _add_plan(trust: Trust, index: int, rng: random.Random, until: date, board: Forum) -> Plan:
    start = until.year - (1 if until.month < 4 else 0) - index % 2
    year = f"{start}-{(start + 1) % 100:02d}"
    approved_on = date(start, 6, 30)
    approved = approved_on <= until
    plan = create_plan(PlanData(
        year=year, title=f"{trust.name} WRES action plan {year}", status="approved" if approved else "draft",
        approved_on=approved_on if approved else None, approved_by=board,
        equality_objectives_key="1. Fair recruitment\n2. Safe workplaces\n3. Fair development",
        edi_goals_key="1. Representative leadership\n2. Belonging"), actor=None)
    for number, title in enumerate(rng.sample(THEMES, rng.randint(3, 6)), start=1):
        add_theme(plan, str(number), title, None)
    return plan


def _by_when(start: int, rng: random.Random) -> str:
    y, y2, q = start % 100, (start + 1) % 100, rng.randint(1, 4)
    return rng.choice((f"Dec {start}", f"Q{q} {start}-{y2:02d}", f"31/03/{start + 1}", f"Throughout {start}-{y2:02d}",
                       "Ongoing", f"From Sept {start}", f"Mar {y2:02d}", f"end March {start + 1}", "TBC",
                       f"Phase thru' {y:02d}-{y2:02d}", f"08.{y:02d} 09.{y:02d} 10.{start}", f"Autumn {start}", "",
                       f"{rng.randint(1, 28)}/{rng.randint(1, 12):02d}/{start + rng.randint(0, 1)}", f"Jun {y2:02d}"))


def _add_actions(plan: Plan, count: int, updates: int, people: list[int], forums: list[Forum],
                 rng: random.Random, until: date, admin: int | None) -> None:
    """Actions dealt round the plan's themes (refs 1.1, 2.1, … 1.2), with uneven numbers of updates."""
    start_day = plan_year_bounds(plan.year)[0]
    earliest = max(until - timedelta(days=HISTORY_DAYS), start_day - timedelta(days=60))
    per_action = _spread(updates, count, rng, weights=[0 if rng.random() < 0.05 else rng.gammavariate(3, 1)
                                                       for _ in range(count)])
    themes = plan.themes
    offset = db.session.scalar(select(func.max(Action.position)).where(Action.plan_id == plan.id)) or 0
    owner_weights = [1 / (k + 1) ** 0.8 for k in range(len(people))]
    actions, links = [], []
    for n in range(offset, offset + count):
        theme = themes[n % len(themes)] if themes else None
        ref = f"{theme.number if theme else 0}.{n // max(len(themes), 1) + 1}"
        owners = list(dict.fromkeys(rng.choices(people, owner_weights, k=rng.choice((1, 1, 1, 2, 2, 3))))) \
            if people else []
        leads = [p for p in rng.sample(people, min(len(people), rng.choice((0, 0, 1, 2)))) if p not in owners]
        history = _history(per_action[n - offset], earliest, until, rng, [*owners, *leads] or [admin])
        actions.append(_action_row(plan, theme, ref, n + 1, rng, history, start_day.year))
        links.append((owners, leads, rng.sample(forums, min(len(forums), rng.randint(1, 2))), history))
    with kept_in_bulk():
        ids = _insert_returning_ids(Action, actions)
        _add_links(ids, links, rng)
        _add_updates(ids, actions, links)


#: Each feature's bulk-load block for the tables its triggers keep from new actions, links and updates.
KEPT_IN_BULK = (indexed_in_bulk, plan_actions_counted_in_bulk, forum_links_counted_in_bulk, linked_in_bulk,
                listed_in_bulk, history_counted_in_bulk)


@contextmanager
def kept_in_bulk() -> Iterator[None]:
    """Every block of KEPT_IN_BULK at once: new actions, then their links and updates, are inserted
    inside with the insert triggers off, and each feature fills its own tables on the way out."""
    with ExitStack() as blocks:
        for block in KEPT_IN_BULK:
            blocks.enter_context(block())
        yield


def _history(count: int, first: date, until: date, rng: random.Random, authors: list[int | None]) -> list[dict]:
    final = rng.choices(*zip(*FINAL_RAGS))[0]
    span = max((until - first).days, 1)
    days = sorted(first + timedelta(days=rng.randrange(span + 1)) for _ in range(count))
    history = []
    for k, day in enumerate(days):
        rag = final if k == count - 1 else rng.choice(("green", "green", "amber", "amber", "red", None))
        text = " ".join(rng.sample(NARRATIVES, rng.randint(1, 3))).replace("{n}", str(rng.randint(5, 120)))
        history.append({"as_at": day, "posted_at": datetime.combine(day, datetime.min.time()) + timedelta(
            minutes=rng.randint(8 * 60, 18 * 60)), "status": rng.choice(STATUSES[rag]),
            "rag": None if rag == "cancelled" else rag, "author_id": rng.choice(authors), "narrative": text,
            "evidence_url": "https://intranet.example.org/wres/evidence" if rng.random() < 0.1 else ""})
    return history


def _action_row(plan: Plan, theme: Theme | None, ref: str, position: int, rng: random.Random, history: list[dict],
                start: int) -> dict:
    parsed = parse_by_when(_by_when(start, rng), plan_year=plan.year)
    last = history[-1] if history else {"status": None, "rag": None, "as_at": None, "posted_at": None}
    return {"plan_id": plan.id, "theme_id": theme.id if theme else None, "position": position, "ref": ref, "ref_order": ref_order(ref),
            "text": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}{rng.choice(PLACES_IN)}", "category": None,
            "outcome": rng.choice(OUTCOMES), "lead_text": "", "by_when": parsed.text,
            "by_when_kind": parsed.kind.value, "due_on": parsed.due, "starts_on": parsed.starts,
            "priority": rng.choice(("Must", "Should", "Could", None)),
            "equality_objectives": str(rng.randint(1, 3)), "edi_goals": str(rng.randint(1, 2)),
            "status": last["status"], "rag": last["rag"], "rag_as_at": last["as_at"],
            "cancelled_reason": "Superseded by the ICS-wide programme" if last["status"] == "CANCELLED" else "",
            "last_update_at": last["posted_at"], "created_at": datetime(start, 4, 1, 9), "version": 1 + len(history)}


def _add_links(ids: list[int], histories: list[tuple], rng: random.Random) -> None:
    owners, leads, forums, indicators = [], [], [], []
    for action_id, (owner_ids, lead_ids, action_forum_list, _history) in zip(ids, histories):
        owners += [{"action_id": action_id, "user_id": u} for u in owner_ids]
        leads += [{"action_id": action_id, "user_id": u} for u in lead_ids]
        forums += [{"action_id": action_id, "forum_id": f.id} for f in action_forum_list]
        indicators += [{"action_id": action_id, "standard": WRES, "measure": str(n)} for n in rng.sample(range(1, 10), rng.randint(1, 3))]
    for table, rows in ((action_owners, owners), (action_supporting_leads, leads), (action_forums, forums),
                        (ActionMeasure.__table__, indicators)):
        _insert_many(table, rows)


def _add_updates(ids: list[int], actions: list[dict], histories: list[tuple]) -> None:
    updates, events = [], []
    for action_id, action, (_owners, _leads, _forums, history) in zip(ids, actions, histories):
        events.append({"at": action["created_at"], "subject_type": "action", "subject_id": action_id,
                       "verb": "created", "summary": f"Action {action['ref']} created",
                       "changes": {"ref": [None, action["ref"]], "by_when": [None, action["by_when"]]}})
        rating = {"status": None, "rag": None}
        for entry in history:
            updates.append({**entry, "action_id": action_id, "proposed_rag": None, "rag_reason": ""})
            summary = f"Progress update on {action['ref']}: {entry['status']}, {entry['rag'] or 'not rated'}"
            events.append({"at": entry["posted_at"], "actor_id": entry["author_id"], "subject_type": "action",
                           "subject_id": action_id, "verb": "progress update", "summary": summary,
                           "changes": _rating_changes(rating, entry)})
            rating = entry
    _insert_many(ProgressUpdate.__table__, updates)
    _audit(events)


def _rating_changes(before: dict, after: dict) -> dict[str, list]:
    """`tracker.audit.service.diff` of the status and RAG (each a word or None), without its general cases."""
    changes = {}
    for key in ("rag", "status"):
        old, new = before[key], after[key]
        if old != new and (old or new):
            changes[key] = [old, new]
    return changes


def _audit(events: list[dict]) -> None:
    _insert_many(AuditEvent.__table__, [{"actor_id": None, **event} for event in events])


def _sign_ins(first_user: int) -> list[tuple[str, str, str]]:
    """(role, email, name) of the first new active user of each role who can sign in."""
    found = []
    for role in ("admin", "reviewer", "owner", "viewer"):
        user = db.session.scalar(select(User).where(
            User.id >= first_user, User.role == role, User.active.is_(True), User.email.is_not(None),
        ).order_by(User.id).limit(1))
        if user is not None:
            found.append((role, user.email, user.name))
    return found
