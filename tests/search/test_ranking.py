"""The order of results on every page, against the ranking rule written out here in Python: current
plans' rows (and forums' and meetings') first, then closed plans', then (when asked for) archived
plans'; within each, on SQLite, the words all in an action's reference or text (or a forum's name)
first, those also all in its owners' and supporting leads' names before the others; then the words
all in those names; then the rest; newest first within those. Only the RANKED newest matches are ranked (archived plans' rows skipped unless asked for)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tracker.auth.models import User
from tracker.extensions import db
from tracker.governance.service import add_meeting, create_forum
from tracker.search import queries
from tracker.search.models import SearchEntry
from tracker.search.text import read_search


@pytest.fixture
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL ranks by ts_rank_cd within each plan group")


@pytest.fixture
def mixed(make_user, make_plan, make_action, post_update):
    """Rows holding "harbour" in every tier and plan group, their entries' ids interleaved.
    Returns {entry id: (group, tier)}: tier 0 in text and people, 1 in text, 2 in people, 3 elsewhere."""
    from tracker.plans.service import archive_plan

    admin = make_user("admin", name="Edi Lead")
    harbour = make_user("owner", name="Sam Harbour")
    other = make_user("owner", name="Kim Jones")
    plans = {0: make_plan(year="2025-26", status="approved"), 1: make_plan(year="2023-24", status="closed"),
             2: make_plan(year="2022-23", status="approved")}
    rows: dict[tuple[str, int], tuple[int, int]] = {}
    forum = create_forum("Harbour Council", None, description="Meets monthly")
    db.session.commit()
    rows[("forum", forum.id)] = (0, 1)
    for round_ in range(4):
        for group, plan in plans.items():
            titled = make_action(plan, f"{round_ + 1}.1", text=f"Harbour pathway {round_}", owners=[other])
            rows[("action", titled.id)] = (group, 1)
            both = make_action(plan, f"{round_ + 1}.2", text=f"Harbour mentors {round_}", owners=[harbour])
            rows[("action", both.id)] = (group, 0)
            owned = make_action(plan, f"{round_ + 1}.3", text=f"Reciprocal mentoring {round_}", owners=[harbour],
                                by_when="Ongoing")
            rows[("action", owned.id)] = (group, 2)
            outcome = make_action(plan, f"{round_ + 1}.4", text=f"Staff networks {round_}", owners=[other],
                                  outcome="Every harbour ward has a network chair")
            rows[("action", outcome.id)] = (group, 3)
            make_action(plan, f"{round_ + 1}.5", text=f"Unrelated {round_}", owners=[other])
            update = post_update(owned, f"Harbour session {round_} held.", other)
            rows[("update", update.id)] = (group, 3)
        meeting = add_meeting(forum, date(2025, 1, round_ + 1), None, notes=f"Harbour review {round_}")
        db.session.commit()
        rows[("meeting", meeting.id)] = (0, 3)
    archive_plan(plans[2], admin)
    db.session.commit()
    ids = {(kind, source_id): id_ for id_, kind, source_id in
           db.session.execute(select(SearchEntry.id, SearchEntry.kind, SearchEntry.source_id))}
    return {ids[key]: rank for key, rank in rows.items()}


def _expected(mixed, include_archived: bool, ranked: int) -> tuple[list[int], bool]:
    candidates = sorted((id_ for id_, (group, _tier) in mixed.items() if include_archived or group < 2), reverse=True)
    newest = candidates[:ranked]
    return sorted(newest, key=lambda id_: (mixed[id_][0], mixed[id_][1], -id_)), len(candidates) > ranked


def _shown(include_archived: bool) -> tuple[list[int], bool]:
    ids = {(kind, source_id): id_ for id_, kind, source_id in
           db.session.execute(select(SearchEntry.id, SearchEntry.kind, SearchEntry.source_id))}
    first = queries.search(read_search("harbour"), include_archived, 1)
    shown = []
    for number in range(1, first.pages + 1):
        page = queries.search(read_search("harbour"), include_archived, number)
        assert page.page == number and page.total == first.total
        shown += [ids[(result.kind, result.source_id)] for result in page.results]
    assert len(shown) == first.total
    return shown, first.more


@pytest.mark.parametrize("include_archived", [False, True])
def test_every_page_follows_the_ranking(sqlite_only, mixed, include_archived):
    shown, more = _shown(include_archived)
    assert (shown, more) == _expected(mixed, include_archived, queries.RANKED)
    assert {mixed[id_][1] for id_ in shown} == {0, 1, 2, 3}
    assert {mixed[id_][0] for id_ in shown} == ({0, 1, 2} if include_archived else {0, 1})


@pytest.mark.parametrize("include_archived", [False, True])
@pytest.mark.parametrize("ranked", [7, 20, 33])
def test_only_the_newest_matches_are_ranked_on_every_page(sqlite_only, mixed, monkeypatch, include_archived, ranked):
    monkeypatch.setattr(queries, "RANKED", ranked)
    shown, more = _shown(include_archived)
    assert more
    assert (shown, more) == _expected(mixed, include_archived, ranked)


@pytest.mark.parametrize("ranked", [7, 20, 33, 1000])
def test_the_ranking_holds_with_no_plan_archived(sqlite_only, mixed, monkeypatch, ranked):
    """With no plan archived the count reads the index alone; the archived plan's rows are current again."""
    from tracker.plans.models import Plan
    from tracker.plans.service import restore_plan

    admin = db.session.scalars(select(User).where(User.name == "Edi Lead")).one()
    for plan in db.session.scalars(select(Plan).where(Plan.archived_at.is_not(None))).all():
        restore_plan(plan, admin)
    db.session.commit()
    restored = {id_: (0 if group == 2 else group, tier) for id_, (group, tier) in mixed.items()}
    monkeypatch.setattr(queries, "RANKED", ranked)
    shown, more = _shown(False)
    assert (shown, more) == _expected(restored, False, ranked)


@pytest.mark.parametrize("archived", [False, True])
def test_words_in_older_titles_only_leave_the_newest_updates_in_date_order(
        sqlite_only, make_user, make_plan, make_action, post_update, monkeypatch, archived):
    """The tiers' walks are skipped when no ranked row holds the words in a reference, text or names:
    an older action holding them in its text is below the ranked rows and not shown."""
    from tracker.plans.service import archive_plan

    admin = make_user("admin", name="Edi Lead")
    owner = make_user("owner", name="Kim Jones")
    plan = make_plan(year="2025-26", status="approved")
    titled = make_action(plan, "1.1", text="Lantern scheme for night shifts", owners=[owner])
    updates = [post_update(make_action(plan, f"2.{number}", text=f"Staff networks {number}", owners=[owner],
                                       by_when="Ongoing"),
                           f"Lantern walk {number} held.", owner) for number in range(5)]
    if archived:
        old = make_plan(year="2022-23", status="approved")
        post_update(make_action(old, "1.1", text="Reverse mentoring", owners=[owner], by_when="Ongoing"),
                    "Lantern walk held.", owner)
        archive_plan(old, admin)
        db.session.commit()
    monkeypatch.setattr(queries, "RANKED", 3)
    page = queries.search(read_search("lantern"), False, 1)
    assert [(result.kind, result.source_id) for result in page.results] == [
        ("update", update.id) for update in reversed(updates[-3:])]
    assert page.more and page.total == 3
    monkeypatch.setattr(queries, "RANKED", 1000)
    page = queries.search(read_search("lantern"), False, 1)
    assert [(result.kind, result.source_id) for result in page.results][0] == ("action", titled.id)
    assert not page.more and page.total == 6


def test_plan_groups_come_in_order_on_both_databases(mixed):
    groups = [mixed[id_][0] for id_ in _shown(True)[0]]
    assert groups == sorted(groups) and set(groups) == {0, 1, 2}


def test_rows_of_no_plan_come_with_the_current_plans_on_both_databases(mixed):
    """Forums and meetings belong to no plan: they are shown with the current plans' rows, before the
    closed plans', and archived plans' rows are left out."""
    shown, more = _shown(False)
    groups = [mixed[id_][0] for id_ in shown]
    assert groups == sorted(groups) and set(groups) == {0, 1} and not more
    assert set(shown) == {id_ for id_, (group, _tier) in mixed.items() if group < 2}
    no_plan = set(db.session.scalars(select(SearchEntry.id).where(SearchEntry.plan_id.is_(None))))
    assert len(no_plan) == 5  # the forum and its four meetings
    assert max(shown.index(id_) for id_ in no_plan) < groups.index(1)


def test_a_page_past_the_end_shows_the_last_page(sqlite_only, mixed, monkeypatch):
    monkeypatch.setattr(queries, "RANKED", 33)
    last = queries.search(read_search("harbour"), False, 2)
    past = queries.search(read_search("harbour"), False, 9)
    assert past.page == last.page == 2 and past.results == last.results and len(past.results) == 13
