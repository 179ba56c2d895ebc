"""The database goes away mid-run: clear 503 pages, never a 500 or a stack trace; back by itself after.

The served app reaches PostgreSQL through a TCP proxy the test cuts and restores, which is what
users see when the database server stops and starts again.
"""
from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.faults.live import Browser, LiveServer, engine_for, fresh_database, migrate_and_seed, via_port
from tests.faults.proxy import TcpProxy

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="needs PostgreSQL (set TEST_DATABASE_URL): a SQLite file cannot become unreachable",
)

PASSWORD = "outage-password-1"
UNAVAILABLE = "Sorry, the service is unavailable"
INTERNALS = ("Traceback", "OperationalError", "psycopg", "sqlalchemy", "connection refused", 'File "')


def _seed() -> dict:
    from tracker.actions.service import ActionData, create_action
    from tracker.auth.service import create_user
    from tracker.plans.service import PlanData, create_plan

    admin = create_user(email="edi.lead@example.org", name="Edi Lead", role="admin", password=PASSWORD, actor=None)
    plan = create_plan(PlanData(year="2024-25", title="WRES action plan"), actor=None)
    action = create_action(plan, ActionData(ref="1.1", text="Reciprocal mentoring", by_when="Ongoing",
                                            owners=[admin]), actor=None)
    return {"plan_id": plan.id, "action_id": action.id}


def _pages(seeded: dict) -> list[str]:
    return ["/healthz", "/my-actions", "/plans/", f"/plans/{seeded['plan_id']}", f"/plans/{seeded['plan_id']}/overview",
            f"/actions/{seeded['action_id']}", "/forums/"]


def _update(browser: Browser, seeded: dict, token: str, narrative: str):
    return browser.post(f"/actions/{seeded['action_id']}/update", {
        "csrf_token": token, "status": "PROGRESS MADE", "rag": "green", "rag_reason": "On track",
        "narrative": narrative})


def _wait_for_recovery(browser: Browser, seconds: float = 20) -> float:
    """Seconds until /healthz answers 200 again (`seconds` if it never does)."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if browser.get("/healthz").status == 200:
            return time.monotonic() - started
        time.sleep(0.25)
    return seconds


@pytest.fixture(scope="module")
def outage(tmp_path_factory) -> dict:
    """Pages before, during and after the database is cut off from a served app."""
    folder = tmp_path_factory.mktemp("outage")
    with fresh_database(folder) as url:
        seeded = migrate_and_seed(url, _seed)
        real = make_url(url)
        proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432).start()
        server = LiveServer(via_port(url, proxy.port), folder / "server.log").start()
        try:
            browser = Browser(server.base).sign_in("edi.lead@example.org", PASSWORD)
            before = [(page, browser.get(page).status) for page in _pages(seeded)]
            token = browser.form_token(f"/actions/{seeded['action_id']}/update")
            proxy.stop()
            down = [(page, browser.get(page)) for page in _pages(seeded) * 3]
            down.append(("update", _update(browser, seeded, token, "Posted while the database was down")))
            proxy.start()
            recovered_in = _wait_for_recovery(browser)
            after = [(page, browser.get(page).status) for page in _pages(seeded) * 3]
            stored = _update(browser, seeded, token, "Posted after the database came back")
        finally:
            server.stop()
            proxy.stop()
        engine = engine_for(url)
        with engine.connect() as connection:
            narratives = connection.execute(text("SELECT narrative FROM progress_updates")).scalars().all()
        engine.dispose()
    return {"before": before, "down": down, "recovered_in": recovered_in, "after": after, "stored": stored,
            "narratives": narratives, "log": server.log_text()}


def test_while_the_database_is_down_every_page_is_a_clear_503(outage):
    assert [(page, response.status) for page, response in outage["down"]] == \
        [(page, 503) for page, _response in outage["down"]], outage["log"][-3000:]
    for page, response in outage["down"]:
        assert UNAVAILABLE in response.text and "The database cannot be reached" in response.text, page
        assert not any(word.lower() in response.text.lower() for word in INTERNALS), page


def test_the_app_recovers_by_itself_when_the_database_is_back(outage):
    assert outage["before"] == [(page, 200) for page, _status in outage["before"]]
    assert all(response.status != 200 for _page, response in outage["down"])
    assert outage["recovered_in"] < 20
    assert outage["after"] == [(page, 200) for page, _status in outage["after"]]
    assert outage["stored"].status == 302
    assert outage["narratives"] == ["Posted after the database came back"]
