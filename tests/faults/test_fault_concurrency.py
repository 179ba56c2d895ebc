"""Twenty owners post progress updates to the same action at the same moment, on a real server.

gunicorn runs 2 worker processes of 8 threads each, so the posts really overlap: on SQLite the
busy timeout must make the writers queue (no "database is locked"), on PostgreSQL the row lock
on the action must. Every update is kept, and the action shows the latest one.
"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from tests.faults.live import Browser, LiveServer, engine_for, fresh_database, migrate_and_seed
from tests.support import rating_after_audit_chain

OWNERS = 20
PASSWORD = "concurrency-password-1"
RAGS = ("red", "amber", "green", "blue")
STATUSES = ("DELAYED", "PROGRESS MADE", "ON TRACK", "ACHIEVED")


def _seed() -> dict:
    from tracker.actions.service import ActionData, create_action
    from tracker.auth.service import create_user
    from tracker.plans.service import PlanData, add_theme, create_plan

    owners = [create_user(email=f"owner{n}@example.org", name=f"Owner {n:02d}", role="owner", password=PASSWORD,
                          actor=None) for n in range(OWNERS)]
    plan = create_plan(PlanData(year="2024-25", title="WRES action plan"), actor=None)
    theme = add_theme(plan, "1", "Inclusive recruitment", None)
    action = create_action(plan, ActionData(ref="1.1", text="Diverse interview panels for band 8a and above",
                                            theme=theme, by_when="Ongoing", owners=owners), actor=None)
    return {"action_id": action.id, "emails": [owner.email for owner in owners]}


def _post_together(browsers: list[Browser], action_id: int) -> list:
    """Each browser posts one update; all posts leave at the same moment."""
    path = f"/actions/{action_id}/update"
    tokens = [browser.form_token(path) for browser in browsers]
    start = threading.Barrier(len(browsers))
    results: list = [None] * len(browsers)

    def post(n: int) -> None:
        form = {"csrf_token": tokens[n], "status": STATUSES[n % 4], "rag": RAGS[n % 4],
                "rag_reason": "Agreed at the Inclusion Council", "narrative": f"Update number {n} from owner {n}"}
        start.wait()
        results[n] = browsers[n].post(path, form)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture(scope="module")
def twenty_updates(tmp_path_factory) -> dict:
    """Twenty owners post at once to one action on a served app; what they got and what was stored."""
    folder = tmp_path_factory.mktemp("concurrency")
    with fresh_database(folder) as url:
        seeded = migrate_and_seed(url, _seed)
        server = LiveServer(url, folder / "server.log").start()
        try:
            browsers = [Browser(server.base).sign_in(email, PASSWORD) for email in seeded["emails"]]
            results = _post_together(browsers, seeded["action_id"])
            timeline = browsers[0].get(f"/actions/{seeded['action_id']}")
        finally:
            server.stop()
        engine = engine_for(url)
        with engine.connect() as connection:
            updates = connection.execute(text(
                "SELECT u.narrative, u.rag, u.status, users.email FROM progress_updates u "
                "JOIN users ON users.id = u.author_id WHERE u.action_id = :id ORDER BY u.posted_at DESC, u.id DESC"),
                {"id": seeded["action_id"]}).all()
            action = connection.execute(text("SELECT rag, status, version FROM actions WHERE id = :id"),
                                        {"id": seeded["action_id"]}).one()
            audited = connection.execute(text(
                "SELECT changes FROM audit_events WHERE subject_type = 'action' AND verb = 'progress update' "
                "ORDER BY id")).scalars().all()
        engine.dispose()
    return {**seeded, "results": results, "timeline": timeline, "updates": updates, "action": action,
            "audited": audited, "log": server.log_text()}


def test_every_simultaneous_update_is_stored_and_none_errors(twenty_updates):
    statuses = [page.status if page else None for page in twenty_updates["results"]]
    assert statuses == [302] * OWNERS, (statuses, twenty_updates["log"][-3000:])
    action_id = twenty_updates["action_id"]
    assert all(page.location.endswith(f"/actions/{action_id}#timeline") for page in twenty_updates["results"])
    updates = twenty_updates["updates"]
    assert len(updates) == OWNERS and len(twenty_updates["audited"]) == OWNERS
    assert sorted(u.narrative for u in updates) == sorted(f"Update number {n} from owner {n}" for n in range(OWNERS))
    assert sorted(u.email for u in updates) == sorted(twenty_updates["emails"])
    assert twenty_updates["action"].version > 1
    timeline = twenty_updates["timeline"]
    assert timeline.status == 200
    assert all(f"Update number {n} from owner {n}" in timeline.text for n in range(OWNERS))


def test_the_action_shows_the_latest_of_the_simultaneous_updates(twenty_updates):
    latest = twenty_updates["updates"][0]
    assert (twenty_updates["action"].rag, twenty_updates["action"].status) == (latest.rag, latest.status)


def test_the_audit_trail_of_the_simultaneous_updates_is_one_unbroken_chain(twenty_updates):
    """Each update's "before" is what the one committed just ahead of it left: none read a stale rating."""
    current = rating_after_audit_chain(twenty_updates["audited"])
    assert (current["rag"], current["status"]) == (twenty_updates["action"].rag, twenty_updates["action"].status)
