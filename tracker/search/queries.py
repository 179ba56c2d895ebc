"""Search results, read with the database's own full-text index. On SQLite two queries a page: the
page's ids with the count, then their details. On PostgreSQL one, the page's rows with the count and
their details, after one that sets how the search is planned.

PostgreSQL: the generated tsvector `search_entries.document` (GIN index, English configuration),
plainto_tsquery, ranked by ts_rank_cd, highlighted by ts_headline. SQLite: the FTS5 table
`search_index` (porter stemming), highlighted by highlight() and snippet(). Both find rows holding
every word.

A page costs the same however many rows hold the words: a search looks at no more than the
RANKED newest matches (by entry id, which both indexes walk newest first and stop early) and
ranks only those, so a word thousands of updates hold reads as "more than 1,000 results" with the
best of the 1,000 newest, while a rare word is found whatever its age. Within them, current plans'
results come first, then closed plans', then (when asked for) archived plans'; forums and meetings
belong to no plan and sort with the current ones. Then the best match first: on PostgreSQL by
ts_rank_cd (the words in an action's reference or text weigh most, then its owners' names, then
other text); on SQLite the words all in an action's reference or text (or a forum's name) first,
then all in its owners' names, then the rest, newest first. (FTS5's bm25 is not used: it counts
every row holding each word before ranking even one, so its cost grows with the matches.)
Archived plans' rows, when left out, are skipped during SQLite's walk; PostgreSQL walks the newest
matches by @@ alone (so that its planner can tell a common word from a rare one) and leaves them out
of those, so there "more than 1,000" counts archived plans' rows too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup
from sqlalchemy import bindparam, select, text

from tracker.actions.models import Action
from tracker.actions.refs import ref_order
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.search.text import CLOSE, OPEN, Search, fts5_match, marked, plain_query, typed_ref

PAGE_SIZE = 20
#: The newest matches a search ranks and counts; more are "more than RANKED".
RANKED = 1000
#: Text this long or shorter is shown whole, highlighted; longer text as the passages that match.
WHOLE_BODY = 300


@dataclass(frozen=True)
class Result:
    kind: str  # action / update / forum / meeting
    source_id: int
    action_id: int | None
    action_ref: str | None
    action_text: str | None
    plan_id: int | None
    plan_year: str | None
    plan_title: str | None
    plan_state: str | None  # None (current), "closed" or "archived"
    forum_id: int | None
    forum_name: str | None
    held_on: date | None
    title: Markup
    people: Markup
    snippet: Markup


@dataclass(frozen=True)
class ResultPage:
    results: list[Result]
    #: Results found, at most RANKED (then `more` says there are more).
    total: int
    page: int
    pages: int
    #: More than `ranked` rows hold the words: the page shows the best of the `ranked` newest.
    more: bool = False
    ranked: int = RANKED

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * PAGE_SIZE, self.total)

    def numbers(self) -> list[int | None]:
        """Page links: the first, the last and two either side of this one; None where some are left out."""
        shown = sorted({1, self.pages, *range(max(1, self.page - 2), min(self.pages, self.page + 2) + 1)})
        out: list[int | None] = []
        for number in shown:
            if out and number - (out[-1] or 0) > 1:
                out.append(None)
            out.append(number)
        return out


_JOINS = """
    LEFT JOIN actions a ON a.id = e.action_id
    LEFT JOIN plans p ON p.id = a.plan_id"""
#: A candidate's plan, kept on its entry: no look-up of its action.
_PLAN = """
    LEFT JOIN plans p ON p.id = e.plan_id"""
_GROUP = "CASE WHEN p.archived_at IS NOT NULL THEN 2 WHEN p.status = 'closed' THEN 1 ELSE 0 END"
_DETAILS = """
    e.id, e.kind, e.source_id, e.action_id, a.ref AS action_ref, a.text AS action_text,
    p.id AS plan_id, p.year AS plan_year, p.title AS plan_title,
    CASE WHEN p.archived_at IS NOT NULL THEN 'archived' WHEN p.status = 'closed' THEN 'closed' END AS plan_state,
    f.id AS forum_id, f.name AS forum_name, m.held_on"""
_DETAIL_JOINS = _JOINS + """
    LEFT JOIN meetings m ON e.kind = 'meeting' AND m.id = e.source_id
    LEFT JOIN forums f ON f.id = CASE e.kind WHEN 'forum' THEN e.source_id WHEN 'meeting' THEN m.forum_id END"""


#: A rowid above every row's: a walk of the index from here up finds nothing.
_ABOVE_ALL = 1 << 62


#: Whether any plan is archived.
_ANY_ARCHIVED = "EXISTS (SELECT 1 FROM plans WHERE archived_at IS NOT NULL)"

#: The tiers of a plan group, best first: the words all in an action's reference or text (or a
#: forum's name) and all in its people's names; in the first only; in the second only; the rest.
_TIERS = ("in_both", "in_titles", "in_people", "match")


def _archived_filter(include_archived: bool) -> str:
    return "" if include_archived else " AND p.archived_at IS NULL"


def _sqlite_statements(include_archived: bool):
    # The newest matches first: FTS5 walks its index in rowid order and the LIMIT stops it.
    newest = ("FROM search_index JOIN search_entries e ON e.id = search_index.rowid" + _PLAN +
              " WHERE search_index MATCH :match" + _archived_filter(include_archived) +
              " ORDER BY search_index.rowid DESC LIMIT :ranked")
    count = text(f"SELECT count(*) AS found, count(*) AS shown FROM (SELECT 1 {newest})")
    # The page in two steps, in one statement. First one walk of the index for the count: up to one
    # more than RANKED newest candidates; the one more (the oldest) only says there are more, and is
    # not ranked, so the ranked rows are the matches from `floor` up. Then the page is read in rank
    # order with no sort: one arm per plan group and tier, each walking the index newest first from
    # `floor` up, in the order the ranking puts them, and the LIMIT stops the walks as soon as the
    # page is full, so a first page reads the rows it shows and little more however many are ranked.
    floor = "CASE WHEN count(*) = 0 THEN {above} WHEN count(*) > :ranked THEN min(id) + 1 ELSE min(id) END"
    # The count's walk reads the index alone, no candidate's entry or plan (a look-up each, which
    # would cost several times the walk), unless archived plans' rows are to be skipped and there
    # are some: then a second walk, which looks up each candidate's entry and plan, counts instead
    # (each walk asked for a word no row holds when it is not the one counting, so it ends at once).
    fts_only, joined = (":match", ":nothing") if include_archived else (
        f"CASE WHEN {_ANY_ARCHIVED} THEN :nothing ELSE :match END",
        f"CASE WHEN {_ANY_ARCHIVED} THEN :match ELSE :nothing END")
    walks = [f"SELECT search_index.rowid AS id, NULL AS titled FROM search_index WHERE search_index MATCH {fts_only} "
             "ORDER BY search_index.rowid DESC LIMIT :candidates"]
    if not include_archived:
        walks.append(f"SELECT e.id AS id, e.kind IN ('action', 'forum') AS titled "
                     f"FROM search_index JOIN search_entries e ON e.id = search_index.rowid{_PLAN} "
                     f"WHERE search_index MATCH {joined} AND p.archived_at IS NULL "
                     "ORDER BY search_index.rowid DESC LIMIT :candidates")
    # Only actions and forums have a reference, text or people, so when the candidates hold none the
    # tiers' walks start above every row (`titled_floor`) and find nothing at once. The walk that
    # looks up the candidates' entries reads their kinds; otherwise the index is asked whether any
    # row from the floor up holds the words in those columns (it stops at the first).
    bound = (
        f"counted AS MATERIALIZED (SELECT count(*) AS found, {floor.format(above=_ABOVE_ALL)} AS floor, "
        f"max(titled) AS titled FROM ({' UNION ALL '.join(f'SELECT * FROM ({walk})' for walk in walks)})), "
        "bound AS MATERIALIZED (SELECT found, floor, CASE WHEN coalesce(titled, EXISTS (SELECT 1 FROM search_index "
        "WHERE search_index MATCH :titled AND search_index.rowid >= counted.floor)) "
        f"THEN floor ELSE {_ABOVE_ALL} END AS titled_floor FROM counted)")

    def walk(name: str) -> str:
        """A tier's words, or (with no action or forum among the candidates) a word no row holds:
        an index walk for a common word costs as much to start as to read a page of rows."""
        titled = f"(SELECT titled_floor FROM bound) < {_ABOVE_ALL}"
        if name == "match":
            return f"CASE WHEN {titled} THEN :in_neither ELSE :match END"
        return f"CASE WHEN {titled} THEN :{name} ELSE :nothing END"

    arms = []
    for group in ((0, 1, 2) if include_archived else (0, 1)):
        for tier in _TIERS:
            arms.append(
                "SELECT id FROM (SELECT search_index.rowid AS id "
                f"FROM search_index JOIN search_entries e ON e.id = search_index.rowid{_PLAN} "
                f"WHERE search_index MATCH {walk(tier)} "
                f"AND search_index.rowid >= (SELECT {'floor' if tier == 'match' else 'titled_floor'} FROM bound) "
                f"AND {_GROUP} = {group} ORDER BY search_index.rowid DESC LIMIT :candidates)")
    page = text(
        f"WITH {bound} SELECT ranked.id, (SELECT found FROM bound) AS found, (SELECT found FROM bound) AS shown "
        f"FROM ({' UNION ALL '.join(arms)}) AS ranked LIMIT :limit OFFSET :offset")
    # Highlighted in one walk of the index from the page's oldest row up (no further than the
    # candidates), the page's rows picked out with "+rowid IN", which the index is not asked to
    # seek: a seek per row costs more the more rows hold the words.
    details = text(
        "WITH marked AS MATERIALIZED (SELECT search_index.rowid AS id, "
        "highlight(search_index, 1, :open, :close) AS title_hl, "
        "highlight(search_index, 2, :open, :close) AS people_hl, "
        f"CASE WHEN length(search_index.body) <= {WHOLE_BODY} THEN highlight(search_index, 3, :open, :close) "
        "ELSE snippet(search_index, 3, :open, :close, '…', 32) END AS body_hl "
        "FROM search_index WHERE search_index MATCH :match AND search_index.rowid >= :oldest "
        "AND +search_index.rowid IN :ids) "
        f"SELECT {_DETAILS}, marked.title_hl, marked.people_hl, marked.body_hl "
        f"FROM marked JOIN search_entries e ON e.id = marked.id {_DETAIL_JOINS}"
    ).bindparams(bindparam("ids", expanding=True))
    return count, page, details


_TITLE_OPTIONS = f"StartSel={OPEN}, StopSel={CLOSE}, HighlightAll=true"
_BODY_OPTIONS = f'StartSel={OPEN}, StopSel={CLOSE}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "'


def _postgresql_statements(include_archived: bool):
    query = "plainto_tsquery('english', :match)"
    # The newest matches first: through the primary key backwards, each row checked with @@, when
    # the words are common; through the GIN index and a top-N sort when they are rarer (the planner
    # picks by how many rows the index's statistics say hold the words, so nothing else is asked of
    # the walk, and the statement is planned for its own words: see _CUSTOM_PLAN). The chosen rows
    # are then joined to their plans (kept on their entries): one hash of the few plans, not a
    # subquery run for each row, which cost about a fifth of the statement. A row with no plan (a
    # forum or meeting) finds none, and so sorts with the current plans' rows. Archived plans' rows
    # are left out of the newest, not walked past.
    newest = ("SELECT e.id, e.plan_id, e.document FROM search_entries e "
              f"WHERE e.document @@ {query} ORDER BY e.id DESC LIMIT :ranked")
    group = _GROUP
    plans = "LEFT JOIN plans p ON p.id = n.plan_id"
    shown = "true" if include_archived else "grp < 2"
    count = text(f"SELECT count(*) AS found, count(*) FILTER (WHERE {shown}) AS shown "
                 f"FROM (SELECT {group} AS grp FROM ({newest}) AS n {plans}) AS c")
    # One walk for the page and the count, as on SQLite. Ranked once the newest are chosen, from the
    # document the walk read (so ts_rank_cd reads no more than RANKED + 1 documents, and none twice).
    # The page's rows come with their details and highlights (only theirs: ts_headline runs for the
    # rows left after the LIMIT), so a page is one statement, planned once for its words.
    chosen = (
        f"SELECT c.id, c.grp, c.rank, found.found, found.shown FROM c CROSS JOIN found "
        f"WHERE {shown.replace('grp', 'c.grp')} AND (found.found <= :ranked OR c.id > found.oldest) "
        "ORDER BY c.grp, c.rank DESC, c.id DESC LIMIT :limit OFFSET :offset")
    page = text(
        f"WITH c AS MATERIALIZED (SELECT n.id, ts_rank_cd(n.document, {query}) AS rank, {group} AS grp "
        f"FROM ({newest.replace(':ranked', ':candidates')}) AS n {plans}), "
        f"found AS (SELECT count(*) AS found, count(*) FILTER (WHERE {shown}) AS shown, min(id) AS oldest FROM c), "
        f"chosen AS ({chosen}) "
        f"SELECT chosen.found, chosen.shown, {_DETAILS}, ts_headline('english', e.title, {query}, :title_options) AS title_hl, "
        f"ts_headline('english', e.people, {query}, :title_options) AS people_hl, "
        f"CASE WHEN length(e.body) <= {WHOLE_BODY} THEN ts_headline('english', e.body, {query}, :title_options) "
        f"ELSE ts_headline('english', e.body, {query}, :body_options) END AS body_hl "
        f"FROM chosen JOIN search_entries e ON e.id = chosen.id {_DETAIL_JOINS} "
        "ORDER BY chosen.grp, chosen.rank DESC, chosen.id DESC")
    return count, page, None


#: A plan for the words searched, never the generic plan of a prepared statement: psycopg prepares a
#: statement run five times on a connection, and PostgreSQL may then plan it once for any words,
#: with a guess at how many rows hold them (0.5%). That plan takes the GIN index for every search,
#: reading every row a common word is in (133,816 at ten times the ICS volume: 460 ms for that walk,
#: against 2 ms backwards through the primary key).
#: For the rest of the request's transaction only.
_CUSTOM_PLAN = text("SET LOCAL plan_cache_mode = force_custom_plan")


#: An FTS5 query for a word no row holds (the highlight markers, which searches and highlights
#: never leave in text), so that a walk asked for nothing starts and ends at once.
_NOTHING = fts5_match((OPEN + CLOSE,))


def _in_columns(columns: str, match: str) -> str:
    """An FTS5 MATCH expression finding rows with every word in the given columns."""
    return f"{{{columns}}} : ({match})"


def search(search_for: Search, include_archived: bool = False, page: int = 1) -> ResultPage:
    """One page of results, best first among the RANKED newest matches: the page's ids with the count
    (of up to one more than RANKED), then their details (two queries; one on PostgreSQL, which reads
    the details with the page). A page past the end is told by its empty answer: the count alone,
    then the last page (two more)."""
    if search_for.empty:
        return ResultPage(results=[], total=0, page=1, pages=0)
    postgres = db.engine.dialect.name == "postgresql"
    count, page_ids, details = (_postgresql_statements if postgres else _sqlite_statements)(include_archived)
    if postgres:
        db.session.execute(_CUSTOM_PLAN)
        params = {"match": plain_query(search_for.words), "title_options": _TITLE_OPTIONS,
                  "body_options": _BODY_OPTIONS}
    else:
        match = fts5_match(search_for.words)
        titles, people = _in_columns("ref title", match), _in_columns("people", match)
        params = {"match": match, "in_both": f"({titles}) AND ({people})", "in_titles": f"({titles}) NOT ({people})",
                  "in_people": f"({people}) NOT ({titles})",
                  "titled": _in_columns("ref title people", match), "in_neither": f"(({match}) NOT ({titles})) NOT ({people})",
                  "nothing": _NOTHING}
    params |= {"ranked": RANKED, "candidates": RANKED + 1, "limit": PAGE_SIZE}
    number = max(page, 1)
    found_rows = db.session.execute(page_ids, {**params, "offset": (number - 1) * PAGE_SIZE}).all()
    if found_rows:
        found, shown = found_rows[0].found, found_rows[0].shown
    elif number == 1 and not postgres:
        found = shown = 0  # none on SQLite, where archived plans' rows are skipped during the walk
    else:
        found, shown = db.session.execute(count, {**params, "ranked": RANKED + 1}).one()
    total = min(shown, RANKED)
    pages = -(-total // PAGE_SIZE)
    if not found_rows and total:
        number = pages
        found_rows = db.session.execute(page_ids, {**params, "offset": (number - 1) * PAGE_SIZE}).all()
    number = min(number, max(pages, 1))
    ids = [row.id for row in found_rows]
    if details is None:  # PostgreSQL: the page's rows came with their details
        rows = {row.id: row for row in found_rows}
    elif ids:
        rows = {row.id: row for row in db.session.execute(
            details, {**params, "open": OPEN, "close": CLOSE, "oldest": min(ids), "ids": ids})}
    else:
        rows = {}
    results = [_result(rows[id_]) for id_ in ids if id_ in rows]
    return ResultPage(results=results, total=total, page=number, pages=pages, more=found > RANKED, ranked=RANKED)


def _result(row) -> Result:
    held_on = row.held_on
    if isinstance(held_on, str):  # SQLite through text(): an ISO date
        held_on = date.fromisoformat(held_on)
    return Result(
        kind=row.kind, source_id=row.source_id, action_id=row.action_id, action_ref=row.action_ref,
        action_text=row.action_text, plan_id=row.plan_id, plan_year=row.plan_year, plan_title=row.plan_title,
        plan_state=row.plan_state, forum_id=row.forum_id, forum_name=row.forum_name, held_on=held_on,
        title=marked(row.title_hl), people=marked(row.people_hl),
        snippet=marked(row.body_hl) if OPEN in (row.body_hl or "") or row.kind in ("update", "meeting") else Markup(""),
    )


def action_for_ref(search_for: Search) -> int | None:
    """The id of the one current plans' action whose reference the search is, else None (one query)."""
    ref = typed_ref(search_for)
    if ref is None:
        return None
    ids = list(db.session.scalars(
        select(Action.id).join(Plan, Plan.id == Action.plan_id)
        .where(Action.ref_order == ref_order(ref), Plan.is_live).limit(2)))
    return ids[0] if len(ids) == 1 else None
