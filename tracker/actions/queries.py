"""What pages read about actions, as plain rows: the rows of a list (My actions, the plan page,
the overview and a forum's page) and pages of them, and what an action's own page shows.

List pages read these columns as plain rows (and owners' names in one more query) instead of
loading Action objects with their theme, plan and owners: for a page of 50 actions that is
several times cheaper, and a row has no relationships left to load one at a time. The
queries are built once and run with bound parameters: building a statement costs
SQLAlchemy more than the database takes to run these.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import Integer, Select, bindparam, func, literal, literal_column, null, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import ScalarSelect

from tracker.actions.models import (
    Action,
    ActionHistoryCount,
    ProgressUpdate,
    action_forums,
    action_owners,
    action_supporting_leads,
)
from tracker.audit.service import latest_events
from tracker.auth.models import User
from tracker.database import among, joined_in_order
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.plans.models import Plan, Theme, theme_label
from tracker.request_guards import query_int


@dataclass(slots=True)
class ActionRow:
    """One action as a list of actions shows it.

    Not a frozen dataclass: a frozen one's __init__ sets each field through object.__setattr__, which
    costs a list page about ten times as much a row; nothing changes a row once read."""

    id: int
    ref: str
    text: str
    plan_year: str
    theme_label: str | None
    lead_text: str
    owner_names: tuple[str, ...]
    by_when: str
    by_when_kind: str
    due_on: date | None
    status: str | None
    rag: str | None
    last_update_at: datetime | None
    #: The action's version when read: the plan page's bulk change skips an action saved since.
    version: int = 0

    @property
    def by_who(self) -> str:
        """As Action.by_who: the trust's own "By who" text, else the owners' names."""
        return self.lead_text or "; ".join(self.owner_names)


def row_select(themes: bool = True) -> Select:
    """SELECT of the list columns, with the plan and theme joined; add WHERE, ORDER BY and LIMIT.

    themes=False: for a list that shows no theme (My actions), NULL in its place and no join."""
    theme = (Theme.number, Theme.title) if themes else (null(), null())
    statement = (select(Action.id, Action.ref, Action.text, Plan.year, *theme, Action.lead_text,
                        Action.by_when, Action.by_when_kind, Action.due_on, Action.status, Action.rag,
                        Action.last_update_at, Action.version)
                 .select_from(Action).join(Plan, Plan.id == Action.plan_id))
    return statement.outerjoin(Theme, Theme.id == Action.theme_id) if themes else statement


def read_rows(statement: Select, params: dict | None = None) -> list[ActionRow]:
    """Run a row_select() statement: two queries whatever the number of rows."""
    return read_lists(statement, params=params)[0]


def read_lists(*statements: Select, params: dict | None = None) -> list[list[ActionRow]]:
    """Run several row_select() statements, then one query for all their owners' names."""
    found = [db.session.execute(statement, params).all() for statement in statements]
    owners = owner_names([row.id for rows in found for row in rows])
    return [[_action_row(row, owners) for row in rows] for rows in found]


def rows_of(found: list, connection: Connection | None = None) -> list[ActionRow]:
    """ActionRows for rows already read with a row_select() statement (one query for the owners' names),
    in the same order, for a caller that also reads columns of its own beside them.

    connection: read the owners' names through it (a read-only page's session connection: Core rows
    cost a fraction of the ORM's, and nothing is flushed first)."""
    owners = owner_names([row[0] for row in found], connection)
    return [_action_row(row, owners) for row in found]


def _action_row(row, owners: dict[int, tuple[str, ...]]) -> ActionRow:
    # By position, in row_select()'s order (callers add their own columns after): a Row's attribute costs a
    # failed lookup first, many times an index; and ActionRow's fields by position, which its __init__
    # takes for less than by keyword.
    (id_, ref, text, year, number, title, lead_text, by_when, by_when_kind, due_on, status, rag, last_update_at,
     version) = row[:14]
    return ActionRow(id_, ref, text, year, theme_label(number, title) if number is not None else None, lead_text,
                     owners.get(id_, ()), by_when, by_when_kind, due_on, status, rag, last_update_at, version)


#: Between the names `owners_joined` joins: a control character no name holds.
NAMES_APART = "\x1f"


def owners_joined(action_id: ColumnElement) -> ScalarSelect:
    """A column for a statement that reads actions: the owners' names of the action whose id is
    `action_id`, by name as `owner_names` gives them, joined by NAMES_APART (NULL when it has none).
    A page reading a few dozen actions reads their owners with them rather than in a query of its own."""
    names = (select(User.name, User.id).join(action_owners, action_owners.c.user_id == User.id)
             .where(action_owners.c.action_id == action_id).order_by(User.name, User.id)
             .correlate_except(User, action_owners).subquery())
    return select(joined_in_order(names.c.name, NAMES_APART, names.c.name, names.c.id)).scalar_subquery()


def split_owners(joined: str | None) -> tuple[str, ...]:
    """The names an `owners_joined` column holds, in its order."""
    return tuple(joined.split(NAMES_APART)) if joined else ()


@cache
def _owner_names_query() -> Select:
    return (select(action_owners.c.action_id, User.name).join(User, User.id == action_owners.c.user_id)
            .where(among(action_owners.c.action_id, "action_ids"))
            .order_by(User.name, User.id))


def owner_names(action_ids: list[int], connection: Connection | None = None) -> dict[int, tuple[str, ...]]:
    """{action id: its owners' names, by name} for the actions that have owners (one query)."""
    if not action_ids:
        return {}
    names: dict[int, list[str]] = defaultdict(list)
    for action_id, name in (connection or db.session).execute(_owner_names_query(), {"action_ids": action_ids}):
        names[action_id].append(name)
    return {action_id: tuple(people) for action_id, people in names.items()}


#: Rows on one page of a long list: a 450-action plan would otherwise be one 600 KB page.
PAGE_SIZE = 50


@dataclass
class ActionPage:
    """One page of a list of actions (size None: the whole list on one page)."""

    actions: list[ActionRow]
    total: int
    number: int
    size: int | None

    @property
    def count(self) -> int:
        return max(1, -(-self.total // self.size)) if self.size else 1

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1 if self.size else 1

    @property
    def last(self) -> int:
        return self.first + len(self.actions) - 1


def requested_page(args) -> tuple[int, int | None]:
    """(page number, page size) from a query string: ?page=3, or ?page=all for one long page."""
    if args.get("page") == "all":
        return 1, None
    return query_int("page", 1, args), PAGE_SIZE


def read_page(statement: Select, total: int, page: int = 1, size: int | None = PAGE_SIZE,
              params: dict | None = None) -> ActionPage:
    """One page of an ordered row_select() statement; a page number past the end gives the last page.

    The caller counts the rows with its own query: counting in the same query (count() over ())
    makes the database read every matching row instead of the page, which costs more."""
    number = 1
    if size:
        number = min(max(page, 1), max(1, -(-total // size)))
        statement = statement.limit(size).offset((number - 1) * size)
    return ActionPage(read_rows(statement, params), total, number, size)


@cache
def _action_query() -> Select:
    return (select(Action).where(Action.id == bindparam("action_id"))
            .options(joinedload(Action.plan), joinedload(Action.theme), joinedload(Action.measure_links),
                     joinedload(Action.high_impact_action_links), joinedload(Action.carried_from).joinedload(Action.plan),
                     joinedload(Action.history_count)))


@cache
def _people_query() -> Select:
    """The action's owners and supporting leads, each row labelled with which it is."""
    links = union_all(
        select(action_owners.c.user_id, literal("owner").label("part"))
        .where(action_owners.c.action_id == bindparam("action_id")),
        select(action_supporting_leads.c.user_id, literal("supporting").label("part"))
        .where(action_supporting_leads.c.action_id == bindparam("action_id")),
    ).subquery()
    return select(User, links.c.part).join(links, links.c.user_id == User.id).order_by(User.name, User.id)


@cache
def _forums_query() -> Select:
    return (select(Forum).join(action_forums, action_forums.c.forum_id == Forum.id)
            .where(action_forums.c.action_id == bindparam("action_id")).order_by(Forum.name, Forum.id))


def load_action(action_id: int) -> Action | None:
    """One action with what its page shows beside the timeline (and its counts of updates and audit events),
    in three queries.

    Owners and supporting leads come in one query and forums in another, set on the action as
    if loaded: four selectinloads cost the page more than everything else it reads."""
    params = {"action_id": action_id}
    action = db.session.scalars(_action_query(), params).unique().one_or_none()
    if action is None:
        return None
    people = db.session.execute(_people_query(), params).all()
    set_committed_value(action, "owners", [user for user, part in people if part == "owner"])
    set_committed_value(action, "supporting_leads", [user for user, part in people if part == "supporting"])
    set_committed_value(action, "forums", list(db.session.scalars(_forums_query(), params)))
    return action


@dataclass(frozen=True)
class CarriedCopy:
    id: int
    ref: str
    plan_year: str


@cache
def _carried_copies_query() -> Select:
    return (select(Action.id, Action.ref, Plan.year).join(Plan, Plan.id == Action.plan_id)
            .where(Action.carried_from_id == bindparam("action_id")).order_by(Plan.year, Action.id))


def carried_copies(action_id: int) -> list[CarriedCopy]:
    """Where the action was carried forward to (usually nowhere: one light query)."""
    return [CarriedCopy(*row) for row in db.session.execute(_carried_copies_query(), {"action_id": action_id})]


#: The action page shows this many progress updates and audit events until asked for all.
HISTORY_LENGTH = 20


@dataclass
class History:
    """The latest entries of a long list, and how many there are in all."""

    entries: list
    total: int

    @property
    def partial(self) -> bool:
        return len(self.entries) < self.total


#: How many plans back an action's timeline follows it (each rollover adds one).
EARLIER_PLANS = 20


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One progress update as the action's timeline shows it: depth is how many plans back its action is
    (0: the action's own), plan_year and ref say which action that is, group_total how many updates it has."""

    id: int
    author_id: int | None
    posted_at: datetime
    as_at: date
    status: str | None
    rag: str | None
    proposed_rag: str | None
    rag_reason: str
    narrative: str
    evidence_url: str
    author_name: str | None
    depth: int
    plan_year: str
    ref: str
    group_total: int


@cache
def _chain_query() -> Select:
    """The action and those it was carried forward from, and so on back (depth 0: the action itself), each
    with its plan's year, reference and number of updates (kept by triggers).

    A recursive CTE walks carried_from, so the chain is one query however far back it goes."""
    start = literal_column("0", Integer).label("depth")  # written inline: PostgreSQL types both CTE terms alike
    chain = (select(Action.id.label("action_id"), Action.carried_from_id.label("from_id"), start)
             .where(Action.id == bindparam("action_id")).cte("chain", recursive=True))
    earlier = aliased(Action)
    chain = chain.union_all(select(earlier.id, earlier.carried_from_id, chain.c.depth + 1)
                            .join(chain, earlier.id == chain.c.from_id).where(chain.c.depth < EARLIER_PLANS))
    return (select(chain.c.depth, chain.c.action_id, Plan.year, Action.ref, func.coalesce(ActionHistoryCount.updates, 0))
            .join(Action, Action.id == chain.c.action_id).join(Plan, Plan.id == Action.plan_id)
            .outerjoin(ActionHistoryCount, ActionHistoryCount.action_id == chain.c.action_id)
            .order_by(chain.c.depth))


_UPDATE_COLUMNS = (ProgressUpdate.id, ProgressUpdate.author_id, ProgressUpdate.posted_at, ProgressUpdate.as_at,
                   ProgressUpdate.status, ProgressUpdate.rag, ProgressUpdate.proposed_rag, ProgressUpdate.rag_reason,
                   ProgressUpdate.narrative, ProgressUpdate.evidence_url, User.name)
_NEWEST_FIRST = (ProgressUpdate.posted_at.desc(), ProgressUpdate.id.desc())


@cache
def _updates_query(limited: bool) -> Select:
    """One action's updates, newest first, read in order from its (action_id, posted_at) index."""
    query = (select(*_UPDATE_COLUMNS).outerjoin(User, User.id == ProgressUpdate.author_id)
             .where(ProgressUpdate.action_id == bindparam("action_id")).order_by(*_NEWEST_FIRST))
    return query.limit(bindparam("limit")) if limited else query


@cache
def _chain_updates_query(cut: bool) -> Select:
    """The updates of the actions :whole (all of them), newest first, each with its action's id; cut: then
    also the newest :rest of action :cut, read in order from its index and no further."""
    def of(*where) -> Select:
        return (select(*_UPDATE_COLUMNS, ProgressUpdate.action_id).outerjoin(User, User.id == ProgressUpdate.author_id)
                .where(*where))
    whole = of(among(ProgressUpdate.action_id, "whole"))
    if not cut:
        return whole.order_by(*_NEWEST_FIRST)
    newest = of(ProgressUpdate.action_id == bindparam("cut")).order_by(*_NEWEST_FIRST).limit(bindparam("rest")).subquery()
    both = union_all(whole, select(*newest.c)).subquery()
    return select(*both.c).order_by(both.c.posted_at.desc(), both.c.id.desc())


def _update_count(action: Action) -> int:
    return action.history_count.updates if action.history_count is not None else 0


def latest_updates(action: Action, limit: int | None = HISTORY_LENGTH) -> History:
    """The action's progress updates (TimelineEntry), newest first, then those of the actions it was carried
    forward from, each entry with its depth, plan_year and ref (limit None: all of them); total counts them
    all, group_total those of the entry's own action.

    The numbers come from the counts kept by triggers, and the updates are read from the index no further
    than the limit needs: the same work however many updates there are. An action not carried forward
    (most) takes one query, its count loaded with it (load_action); a copy two, however far back it goes:
    its chain with their counts, then the updates of the chain's actions the limit reaches, the last of
    them cut at the limit."""
    if action.carried_from_id is None:
        count = _update_count(action)
        params = {"action_id": action.id, "limit": limit}
        rows = db.session.execute(_updates_query(limit is not None), params)
        return History([TimelineEntry(*row, 0, action.plan.year, action.ref, count) for row in rows], count)
    chain = db.session.execute(_chain_query(), {"action_id": action.id}).all()
    whole, cut, rest = [], None, limit
    for _depth, action_id, _year, _ref, count in chain:
        if not count:
            continue
        if rest is not None and count >= rest:
            cut = action_id
            break
        whole.append(action_id)
        rest = None if rest is None else rest - count
    entries: list[TimelineEntry] = []
    if whole or cut is not None:
        params = {"whole": whole, "cut": cut, "rest": rest}
        found: dict[int, list] = defaultdict(list)
        for row in db.session.execute(_chain_updates_query(cut is not None), params):
            found[row[-1]].append(row[:-1])
        entries = [TimelineEntry(*row, depth, year, ref, count)
                   for depth, action_id, year, ref, count in chain for row in found.get(action_id, ())]
    return History(entries, sum(count for *_chain, count in chain))


def latest_audit(action: Action, limit: int | None = HISTORY_LENGTH) -> History:
    """The action's audit events as rows (with actor_name), newest first (limit None: all of them), and
    how many there are (kept by triggers, loaded with the action by load_action)."""
    total = action.history_count.events if action.history_count is not None else 0
    return History(latest_events("action", action.id, limit), total)


#: "1. Deliver…", "1) Deliver…", "1 - Deliver…": a numbered line of a plan's objectives or goals key.
_KEY_LINE = re.compile(r"^\s*(\d{1,3})\s*[.):–-]?\s+(.*\S)\s*$")
#: "4", "1 & 2", "3, 4", "1-4", "1 - 4" in an action's "Links to…" column.
_LINKED_NUMBERS = re.compile(r"(\d{1,3})\s*[-–]\s*(\d{1,3})|(\d{1,3})")
#: Ranges longer than this are typing slips ("1-400"), not lists of objectives.
_LONGEST_RANGE = 20


@dataclass(frozen=True, slots=True)
class KeyLink:
    """A number in an action's objectives or goals column and what the plan's key says it means."""

    number: int
    meaning: str | None


def key_entries(key: str) -> dict[int, str]:
    """A plan's key by number: numbered lines by their number, unnumbered ones by their position."""
    entries: dict[int, str] = {}
    for position, line in enumerate((line for line in key.splitlines() if line.strip()), start=1):
        match = _KEY_LINE.match(line)
        number, meaning = (int(match[1]), match[2]) if match else (position, line.strip())
        entries.setdefault(number, meaning)
    return entries


def linked_numbers(text: str) -> list[int]:
    """The numbers an action's "Links to…" column names, in order, ranges spelled out ('1-3' → 1, 2, 3)."""
    numbers: list[int] = []
    for low, high, single in _LINKED_NUMBERS.findall(text):
        span = range(int(low), int(high) + 1) if low and 0 <= int(high) - int(low) < _LONGEST_RANGE else (
            [int(single)] if single else [int(low), int(high)])
        numbers.extend(n for n in span if n not in numbers)
    return numbers


def key_links(text: str, key: str) -> list[KeyLink]:
    """Each number of an action's objectives or goals column with its meaning from the plan's key
    (None when the key has no such number); [] when the plan has no key or the column no number."""
    entries = key_entries(key or "")
    return [KeyLink(number, entries.get(number)) for number in linked_numbers(text or "")] if entries else []
