"""Importing a plan from Word in the app: upload, preview, "Create plan", and who may do it."""
from __future__ import annotations

import os
import time
from io import BytesIO

import docx
import pytest
from sqlalchemy import func, select

from tracker.actions.models import Action
from tracker.extensions import db
from tracker.plans.models import Plan

HEADERS = ("Action", "Links to Equality Objectives 24-28", "Links to 24-25 EDI Goals", "Must / Should / Could",
           "Action Lead", "RAG rating (as at 09.24)")


def word_file(*rows: tuple[str, ...]) -> bytes:
    """A .docx with one table; a row of a single text is one merged cell across the table (a theme row)."""
    document = docx.Document()
    if rows:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for row, texts in zip(table.rows, rows):
            if len(texts) == 1:
                row.cells[0].merge(row.cells[-1]).text = texts[0]
                continue
            for cell, text in zip(row.cells, texts):
                cell.text = text
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PLAN_2024 = word_file(
    HEADERS,
    ("1. Deliver an inclusive recruitment programme",),
    ("1.1 Develop the Inclusive Recruitment Toolkit", "4", "1", "Must", "Kerry Smith", "Green\nOct 2024"),
    ("1.2 Analyse shortlisting for band 8A and above", "4", "1", "Should", "People Team", "Dec 2024"),
)


@pytest.fixture
def folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DOCX_IMPORT_FOLDER", str(tmp_path))
    return tmp_path


@pytest.fixture
def admin(make_user, sign_in):
    user = make_user("admin")
    sign_in(user)
    return user


def _upload(client, content: bytes, name: str = "plan-2024.docx"):
    return client.post("/plans/import-docx", data={"file": (BytesIO(content), name)},
                       content_type="multipart/form-data")


def _plans() -> int:
    return db.session.scalar(select(func.count()).select_from(Plan))


def test_upload_preview_then_create(client, folder, admin, make_user):
    make_user("owner", name="Kerry Smith")
    response = _upload(client, PLAN_2024)
    assert response.status_code == 302 and response.location.startswith("/plans/import-docx/")
    assert len(list(folder.iterdir())) == 2
    preview = client.get(response.location)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "<h1>Check the plan found in plan-2024.docx</h1>" in page
    assert "2 actions in 1 group. 1 thing to check below. Nothing has been stored yet." in page
    assert "No user matches these &#39;By who&#39; names" in page and "People Team" in page
    assert "1. Deliver an inclusive recruitment programme" in page
    assert "Analyse shortlisting for band 8A and above" in page and "People Team" in page and "Dec 2024" in page
    assert _plans() == 0
    created = client.post(response.location, data={"year": "2024-25", "title": "Inclusion and Belonging"})
    plan = db.session.scalar(select(Plan))
    assert created.status_code == 302 and created.location == f"/plans/{plan.id}"
    assert (plan.year, plan.title, plan.status) == ("2024-25", "Inclusion and Belonging", "draft")
    actions = sorted(plan.actions, key=lambda a: a.position)
    assert [(a.ref, a.lead_text, [u.name for u in a.owners], a.priority, a.rag) for a in actions] == [
        ("1.1", "Kerry Smith", ["Kerry Smith"], "Must", "green"), ("1.2", "People Team", [], "Should", None)]
    assert list(folder.iterdir()) == []
    page = client.get(created.location).get_data(as_text=True)
    assert "Imported 2 actions in 1 theme" in page and "People Team" in page
    assert client.get(response.location).location == "/plans/import-docx"


def test_bad_year_keeps_the_upload_for_another_try(client, folder, admin):
    location = _upload(client, PLAN_2024).location
    response = client.post(location, data={"year": "2024-2026"})
    assert response.status_code == 400
    assert "is not a plan year: write it like 2024-25" in response.get_data(as_text=True)
    assert _plans() == 0
    assert client.post(location, data={"year": "2024-25"}).status_code == 302
    assert _plans() == 1


@pytest.mark.parametrize("content, name, message", [
    (b"Action, By who\n1.1 Something, Kerry\n", "plan.docx", "plan.docx is not a Word .docx document"),
    (word_file(), "letter.docx", "letter.docx holds no tables; expected an action plan table"),
    (word_file(HEADERS), "empty.docx", "empty.docx, the action table has a header row but no action rows under it"),
    (word_file(HEADERS, ("1.1 One", "", "", "", "", ""), ("1.1 Two", "", "", "", "", "")), "twice.docx",
     "twice.docx, table 1, row 3: action 1.1 appears twice (also table 1, row 2)"),
    (PLAN_2024, "plan.pdf", "The file must be a Word document (.docx)"),
])
def test_bad_files_are_refused_with_a_clear_message(client, folder, admin, content, name, message):
    response = _upload(client, content, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: Import a plan from Word" in page and "There is a problem" in page
    assert message in page.replace("&#39;", "'")
    assert list(folder.iterdir()) == [] and _plans() == 0


def test_missing_file_is_asked_for(client, folder, admin):
    response = client.post("/plans/import-docx", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose the Word document to import" in response.get_data(as_text=True)


def test_another_admins_upload_and_made_up_tokens_are_not_found(client, folder, admin, make_user, sign_in):
    location = _upload(client, PLAN_2024).location
    client.post("/sign-out")
    sign_in(make_user("admin"))
    for url in (location, "/plans/import-docx/" + "A" * 32, "/plans/import-docx/..~tmp~1-x.docx"):
        response = client.post(url, data={"year": "2024-25"})
        assert response.status_code == 302 and response.location == "/plans/import-docx"
    assert client.post("/plans/import-docx/..%2F..%2Fetc", data={"year": "2024-25"}).status_code == 404
    assert _plans() == 0 and len(list(folder.iterdir())) == 2


def test_uploads_older_than_a_day_expire(client, folder, admin):
    location = _upload(client, PLAN_2024).location
    day_ago = time.time() - 24 * 3600 - 60
    for path in folder.iterdir():
        os.utime(path, (day_ago, day_ago))
    response = client.get(location)
    assert response.status_code == 302 and response.location == "/plans/import-docx"
    assert "That upload has expired" in client.get(response.location).get_data(as_text=True)
    assert list(folder.iterdir()) == []


def test_stale_uploads_are_cleared_on_the_next_upload(client, folder, admin):
    old = folder / "1-old.docx"
    old.write_bytes(b"x")
    day_ago = time.time() - 24 * 3600 - 60
    os.utime(old, (day_ago, day_ago))
    _upload(client, PLAN_2024)
    assert not old.exists() and len(list(folder.iterdir())) == 2


@pytest.mark.parametrize("role", ["reviewer", "owner", "viewer"])
def test_only_admins_import(client, folder, make_user, sign_in, role):
    sign_in(make_user(role))
    token_url = "/plans/import-docx/" + "A" * 32
    assert client.get("/plans/import-docx").status_code == 403
    assert _upload(client, PLAN_2024).status_code == 403
    assert client.get(token_url).status_code == 403
    assert client.post(token_url, data={"year": "2024-25"}).status_code == 403
    assert list(folder.iterdir()) == [] and _plans() == 0
    assert db.session.scalar(select(func.count()).select_from(Action)) == 0


def test_signed_out_users_are_sent_to_sign_in(client, folder):
    for response in (client.get("/plans/import-docx"), _upload(client, PLAN_2024),
                     client.post("/plans/import-docx/" + "A" * 32, data={"year": "2024-25"})):
        assert response.status_code == 302 and response.location.startswith("/sign-in")
