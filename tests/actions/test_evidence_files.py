"""Owners attach evidence files to progress updates: accepted by content, kept in the database in
chunks, downloaded as they were sent, shown in the timeline, and removed only by an admin."""
from __future__ import annotations

import hashlib
import io
from datetime import date
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from tests.actions import evidence_files as files
from tracker.actions.models import ProgressUpdate
from tracker.audit.models import AuditEvent
from tracker.evidence.models import CHUNK_BYTES, EvidenceFile, EvidenceFileChunk
from tracker.evidence.rules import content_disposition, safe_name
from tracker.extensions import db


def _form(*uploads, narrative="Toolkit drafted and shared with recruiting managers."):
    data = {"narrative": narrative, "status": "PROGRESS MADE", "rag": "green", "rag_reason": "", "evidence_url": ""}
    data["evidence"] = [(io.BytesIO(content), name) for name, content in uploads]
    return data


@pytest.fixture
def owned(make_user, make_action, sign_in, fixed_today):
    """An owner signed in on an action of theirs, today 1 October 2024."""
    fixed_today(date(2024, 10, 1))
    owner = make_user("owner", name="Dawn Ainsworth")
    action = make_action(owners=[owner], by_when="Mar 2025")
    sign_in(owner)
    return owner, action


def _post(client, action, *uploads, **kwargs):
    return client.post(f"/actions/{action.id}/update", data=_form(*uploads, **kwargs),
                       content_type="multipart/form-data")


def _stored_count() -> tuple[int, int, int]:
    return (db.session.scalar(select(func.count()).select_from(ProgressUpdate)),
            db.session.scalar(select(func.count()).select_from(EvidenceFile)),
            db.session.scalar(select(func.count()).select_from(EvidenceFileChunk)))


ACCEPTED = [
    ("Toolkit.pdf", files.pdf, "application/pdf", "PDF"),
    ("Toolkit.docx", files.docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "Word document"),
    ("Toolkit.doc", files.doc, "application/msword", "Word document (97-2003)"),
    ("Audit.xlsx", files.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel workbook"),
    ("Audit.xls", files.xls, "application/vnd.ms-excel", "Excel workbook (97-2003)"),
    ("Briefing.pptx", files.pptx, "application/vnd.openxmlformats-officedocument.presentationml.presentation",
     "PowerPoint presentation"),
    ("Briefing.ppt", files.ppt, "application/vnd.ms-powerpoint", "PowerPoint presentation (97-2003)"),
    ("Poster.png", files.png, "image/png", "PNG image"),
    ("Photo.JPG", files.jpeg, "image/jpeg", "JPEG image"),
    ("Photo.jpeg", files.jpeg, "image/jpeg", "JPEG image"),
]


@pytest.mark.parametrize("name, make, content_type, kind", ACCEPTED, ids=[row[0] for row in ACCEPTED])
def test_each_accepted_type_is_recognised_by_its_content_and_shown_in_the_timeline(client, owned, name, make,
                                                                                   content_type, kind):
    _owner, action = owned
    content = make()
    response = _post(client, action, (name, content))
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = db.session.scalars(select(EvidenceFile)).one()
    assert (stored.original_name, stored.content_type, stored.kind, stored.size) == (name, content_type, kind,
                                                                                    len(content))
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert name in page and kind in page and f'href="/evidence/{stored.id}"' in page


def test_a_renamed_windows_program_is_refused_and_nothing_is_stored(client, owned):
    _owner, action = owned
    response = _post(client, action, ("Minutes.pdf", files.windows_program()))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    refusal = "&#39;Minutes.pdf&#39; is named as a PDF but is really a Windows program, so it cannot be attached."
    assert page.count(refusal) == 2, "in the error summary and beside the file input"
    assert 'href="#evidence"' in page and "&amp;#39;" not in page
    assert _stored_count() == (0, 0, 0)


@pytest.mark.parametrize("name, make, really", [
    ("Poster.png", files.pdf, "is really a PDF. Rename it to end .pdf"),
    ("Toolkit.docx", files.xlsx, "is really a Excel workbook. Rename it to end .xlsx"),
    ("Toolkit.doc", files.xls, "is really a Excel workbook (97-2003). Rename it to end .xls"),
    ("Audit.xlsx", files.pdf, "is really a PDF"),
])
def test_a_name_that_disagrees_with_the_content_is_refused_saying_what_it_really_is(client, owned, name, make, really):
    _owner, action = owned
    page = _post(client, action, (name, make())).get_data(as_text=True)
    assert f"&#39;{name}&#39; is named as a" in page and really in page
    assert _stored_count() == (0, 0, 0)


def test_other_types_and_empty_files_are_refused_by_name(client, owned):
    _owner, action = owned
    page = _post(client, action, ("notes.txt", b"plain text"), ("blank.pdf", b"")).get_data(as_text=True)
    assert "&#39;notes.txt&#39; is not a file type that can be attached" in page
    assert "&#39;blank.pdf&#39; is empty" in page
    assert _stored_count() == (0, 0, 0)


def test_a_zip_bomb_named_as_a_word_document_is_refused_unread(client, owned):
    from tests.zip_bombs import document_bomb
    _owner, action = owned
    page = _post(client, action, ("Toolkit.docx", document_bomb())).get_data(as_text=True)
    assert "&#39;Toolkit.docx&#39;" in page and "refused unread" in page
    assert _stored_count() == (0, 0, 0)


def test_per_file_and_per_update_limits_come_from_the_settings(app, client, owned, monkeypatch):
    _owner, action = owned
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_MB", 0.01)  # 10 KB
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_UPDATE_MB", 0.015)
    big = files.compound_file("WordDocument", b"x" * 12_000)
    page = _post(client, action, ("Large.doc", big)).get_data(as_text=True)
    assert len(big) == 13_824
    assert "&#39;Large.doc&#39; is 14 KB. Each file must be 10 KB or smaller." in page
    small = files.compound_file("WordDocument", b"x" * 8_000)
    page = _post(client, action, ("One.doc", small), ("Two.doc", small)).get_data(as_text=True)
    assert len(small) == 9_728
    assert "The files add up to 19 KB. The files on one update must be 15 KB or smaller in all" in page
    assert _stored_count() == (0, 0, 0)
    assert _post(client, action, ("One.doc", small)).status_code == 302
    assert _stored_count()[:2] == (1, 1)


def test_a_request_over_the_update_limit_gets_the_too_large_page_and_other_pages_keep_theirs(app, client, owned,
                                                                                              monkeypatch):
    _owner, action = owned
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_UPDATE_MB", 0.05)  # requests up to 2.05 MB
    response = _post(client, action, ("Huge.pdf", b"%PDF-" + b"x" * 3 * 1024 * 1024))
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "The file is too large" in page and "the files on one update 51 KB or smaller in all" in page
    assert _stored_count() == (0, 0, 0)
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_UPDATE_MB", 50)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    assert _post(client, action, ("Big.pdf", files.pdf() + b"x" * 1_500_000)).status_code == 302
    other = client.post("/plans/import", data={"file": (io.BytesIO(b"x" * 1_500_000), "plan.csv")},
                        content_type="multipart/form-data")
    assert other.status_code == 413  # the plan import keeps MAX_CONTENT_LENGTH


def test_the_update_is_not_posted_when_one_of_its_files_is_refused(client, owned):
    _owner, action = owned
    page = _post(client, action, ("Toolkit.pdf", files.pdf()), ("Setup.pdf", files.windows_program())
                 ).get_data(as_text=True)
    assert "&#39;Setup.pdf&#39; is named as a PDF but is really a Windows program" in page
    assert "Toolkit.pdf&#39; is" not in page
    assert _stored_count() == (0, 0, 0)


def test_several_files_attach_to_one_update_and_are_audited(client, owned):
    owner, action = owned
    assert _post(client, action, ("Toolkit.pdf", files.pdf()), ("Poster.png", files.png())).status_code == 302
    update = db.session.scalars(select(ProgressUpdate)).one()
    assert [f.original_name for f in db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id))] == [
        "Toolkit.pdf", "Poster.png"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "evidence attached")).all()
    assert len(events) == 2 and all(event.actor_id == owner.id for event in events)
    assert "Attached 'Toolkit.pdf' (PDF, 9 KB) to the progress update of 2024-10-01" in [e.summary for e in events]
    assert update.narrative.startswith("Toolkit drafted")


def test_a_multi_chunk_file_downloads_streamed_with_its_exact_bytes_and_headers(client, owned):
    _owner, action = owned
    content = files.pdf() + bytes(range(256)) * (CHUNK_BYTES * 2 // 256 + 17)
    assert _post(client, action, ("Board paper.pdf", content)).status_code == 302
    stored = db.session.scalars(select(EvidenceFile)).one()
    assert db.session.scalar(select(func.count()).where(EvidenceFileChunk.file_id == stored.id)) == 3
    response = client.get(f"/evidence/{stored.id}")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Length"] == str(len(content))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Board paper.pdf\"; filename*=UTF-8''Board%20paper.pdf")
    assert response.get_data() == content


@pytest.mark.parametrize("given, kept", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\dawn\\Desktop\\Minutes.pdf", "Minutes.pdf"),
    ('Minutes "final".pdf', 'Minutes "final".pdf'),
    ("Réunion équipe – notes.pdf", "Réunion équipe – notes.pdf"),
    ("Min\x00ut\x1bes\x7f\r\n.pdf", "Minutes.pdf"),
    ("..pdf", "pdf"),
    ("/", "evidence"),
])
def test_names_are_made_safe_for_downloads(given, kept):
    assert safe_name(given) == kept


def test_download_names_are_quoted_and_non_ascii_names_use_rfc_5987():
    assert content_disposition('Minutes "final".pdf') == (
        "attachment; filename=\"Minutes _final_.pdf\"; filename*=UTF-8''Minutes%20%22final%22.pdf")
    header = content_disposition("Réunion – notes.pdf")
    assert header.startswith('attachment; filename="Reunion  notes.pdf"; ')
    assert header.endswith("filename*=UTF-8''" + quote("Réunion – notes.pdf", safe=""))


def test_a_file_with_a_path_and_control_characters_downloads_under_its_safe_name(client, owned):
    _owner, action = owned
    assert _post(client, action, ("../../etc/pass\x1bwd.pdf", files.pdf())).status_code == 302
    stored = db.session.scalars(select(EvidenceFile)).one()
    assert (stored.original_name, stored.safe_name) == ("../../etc/passwd.pdf", "passwd.pdf")
    response = client.get(f"/evidence/{stored.id}")
    assert response.headers["Content-Disposition"] == "attachment; filename=\"passwd.pdf\"; filename*=UTF-8''passwd.pdf"


def test_unknown_files_are_404_and_downloads_need_sign_in(client, owned):
    _owner, action = owned
    assert client.get("/evidence/999999").status_code == 404
    assert _post(client, action, ("Toolkit.pdf", files.pdf())).status_code == 302
    file_id = db.session.scalar(select(EvidenceFile.id))
    client.post("/sign-out")
    response = client.get(f"/evidence/{file_id}")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_every_role_that_sees_the_action_may_download(client, owned, make_user, sign_in):
    _owner, action = owned
    assert _post(client, action, ("Toolkit.pdf", files.pdf())).status_code == 302
    file_id = db.session.scalar(select(EvidenceFile.id))
    for role in ("viewer", "reviewer", "admin", "owner"):
        client.post("/sign-out")
        sign_in(make_user(role))
        assert client.get(f"/evidence/{file_id}").get_data() == files.pdf(), role


def test_a_viewer_cannot_attach_files(client, make_user, make_action, sign_in):
    action = make_action(owners=[make_user("owner")])
    sign_in(make_user("viewer"))
    assert _post(client, action, ("Toolkit.pdf", files.pdf())).status_code == 403
    assert _stored_count() == (0, 0, 0)


def test_the_update_form_keeps_the_file_input_optional_and_below_the_narrative(client, owned):
    _owner, action = owned
    page = client.get(f"/actions/{action.id}/update").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert page.index('name="narrative"') < page.index('type="file"')
    assert "Attach files as evidence (optional)" in page and "each up to 20 MB and 50 MB in all" in page
    assert _post(client, action).status_code == 302  # no files: an update as before
    assert _stored_count() == (1, 0, 0)


def _one_file(client, owned) -> EvidenceFile:
    _owner, action = owned
    assert _post(client, action, ("Toolkit.pdf", files.pdf())).status_code == 302
    return db.session.scalars(select(EvidenceFile)).one()


def test_owners_cannot_remove_files_even_their_own_nor_can_reviewers(client, owned, make_user, sign_in):
    stored = _one_file(client, owned)
    page = client.get(f"/actions/{stored.update.action_id}").get_data(as_text=True)
    assert f"/evidence/{stored.id}/remove" not in page
    assert client.get(f"/evidence/{stored.id}/remove").status_code == 403
    assert client.post(f"/evidence/{stored.id}/remove").status_code == 403
    client.post("/sign-out")
    sign_in(make_user("reviewer"))
    assert client.post(f"/evidence/{stored.id}/remove").status_code == 403
    assert _stored_count() == (1, 1, 1)


def test_an_admin_removes_a_file_after_confirming_and_the_removal_is_audited(client, owned, make_user, sign_in):
    stored = _one_file(client, owned)
    client.post("/sign-out")
    admin = make_user("admin", name="Edie Lead")
    sign_in(admin)
    action_page = client.get(f"/actions/{stored.update.action_id}").get_data(as_text=True)
    assert f'href="/evidence/{stored.id}/remove"' in action_page
    confirm = client.get(f"/evidence/{stored.id}/remove").get_data(as_text=True)
    assert "Remove &#39;Toolkit.pdf&#39;?" in confirm and "PDF, 9 KB" in confirm
    assert _stored_count() == (1, 1, 1)
    response = client.post(f"/evidence/{stored.id}/remove")
    assert response.status_code == 302 and response.location.endswith(f"/actions/{stored.update.action_id}#timeline")
    db.session.expire_all()
    removed = db.session.get(EvidenceFile, stored.id)
    assert removed.removed_by_id == admin.id and removed.removed_at is not None
    assert _stored_count() == (1, 1, 0)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "evidence removed")).one()
    assert event.actor_id == admin.id and event.changes == {"evidence file": ["'Toolkit.pdf' (PDF, 9 KB)", None]}
    page = client.get(f"/actions/{stored.update.action_id}").get_data(as_text=True)
    assert "File removed by Edie Lead on 1 October 2024" in page and f'href="/evidence/{stored.id}"' not in page
    assert client.get(f"/evidence/{stored.id}").status_code == 404
    again = client.get(f"/evidence/{stored.id}/remove").get_data(as_text=True)
    assert "was already removed" in again and "Remove this file" not in again


def test_the_action_page_reads_the_same_number_of_queries_with_no_files_and_with_many(client, owned, make_action):
    from tests.support import counting_queries
    owner, action = owned
    bare = make_action(owners=[owner], by_when="Mar 2025")

    def queries(action_id: int) -> tuple[int, str]:
        client.get(f"/actions/{action_id}")
        with counting_queries() as count:
            page = client.get(f"/actions/{action_id}").get_data(as_text=True)
        return count[0], page

    before, _page = queries(action.id)
    assert queries(bare.id)[0] == before
    for day in range(3):
        assert _post(client, action, (f"Toolkit {day}.pdf", files.pdf()), ("Poster.png", files.png()),
                     narrative=f"Step {day}").status_code == 302
    after, page = queries(action.id)
    assert after == before
    assert all(f"Toolkit {day}.pdf" in page for day in range(3)) and page.count('app-evidence-files__name">Poster.png<') == 3


def test_flask_backup_on_sqlite_copies_the_evidence_files_byte_for_byte(app, client, owned, runner, tmp_path):
    import sqlite3
    from contextlib import closing
    if db.engine.dialect.name != "sqlite":
        pytest.skip("flask backup copies SQLite databases (PostgreSQL: tests/admin/test_evidence_backup.py)")
    _owner, action = owned
    content = files.pdf() + b"\x00\xff" * CHUNK_BYTES  # three chunks
    assert _post(client, action, ("Board paper.pdf", content)).status_code == 302
    target = tmp_path / "backup.sqlite"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    with closing(sqlite3.connect(target)) as copy:
        name, digest = copy.execute("SELECT original_name, sha256 FROM evidence_files").fetchone()
        chunks = [row[0] for row in copy.execute("SELECT data FROM evidence_file_chunks ORDER BY sequence")]
    assert (name, digest) == ("Board paper.pdf", hashlib.sha256(content).hexdigest())
    assert len(chunks) == 3 and b"".join(chunks) == content


def _appendix1_text(plan_id: int, tmp_path=None) -> tuple[str, bytes]:
    import docx as python_docx

    from tracker.reports import service as reports
    content = reports.export_document(reports.load_plan(plan_id), reports.ExportOptions(
        document="appendix1", as_at=date(2024, 10, 1), include_history=True)).content
    document = python_docx.Document(io.BytesIO(content))
    return "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells), content


def test_appendix_1_with_history_names_each_updates_evidence_files_and_not_removed_ones(client, owned, make_user,
                                                                                      sign_in):
    _owner, action = owned
    assert _post(client, action, ("Toolkit – final.pdf", files.pdf()), ("Poster.png", files.png()),
                 narrative="Toolkit shared").status_code == 302
    text, _content = _appendix1_text(action.plan_id)
    assert "Toolkit shared (Dawn Ainsworth) Evidence: Toolkit – final.pdf; Poster.png." in text
    poster = db.session.scalars(select(EvidenceFile).where(EvidenceFile.safe_name == "Poster.png")).one()
    client.post("/sign-out")
    sign_in(make_user("admin"))
    assert client.post(f"/evidence/{poster.id}/remove").status_code == 302
    text, _content = _appendix1_text(action.plan_id)
    assert "Toolkit shared (Dawn Ainsworth) Evidence: Toolkit – final.pdf." in text and "Poster.png" not in text


def test_the_author_adds_files_to_their_update_on_the_day_it_was_posted(client, owned, app, monkeypatch):
    _owner, action = owned
    assert _post(client, action, ("Toolkit.pdf", files.pdf())).status_code == 302
    update = db.session.scalars(select(ProgressUpdate)).one()
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert f'href="/updates/{update.id}/evidence"' in page
    form = client.get(f"/updates/{update.id}/evidence").get_data(as_text=True)
    assert "Add files to your update" in form and 'type="file"' in form
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_UPDATE_MB", 0.015)  # 15 KB: the 9 KB PDF already counts
    refused = client.post(f"/updates/{update.id}/evidence", data={"evidence": [(io.BytesIO(files.pdf()), "Again.pdf")]},
                          content_type="multipart/form-data").get_data(as_text=True)
    assert "The files add up to 19 KB. The files on one update must be 15 KB or smaller in all" in refused
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_UPDATE_MB", 50)
    response = client.post(f"/updates/{update.id}/evidence", data={"evidence": [(io.BytesIO(files.png()), "Poster.png")]},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    names = db.session.scalars(select(EvidenceFile.safe_name).where(EvidenceFile.update_id == update.id)
                               .order_by(EvidenceFile.id)).all()
    assert names == ["Toolkit.pdf", "Poster.png"]


def test_files_cannot_be_added_to_an_update_the_next_day_or_by_someone_else(client, owned, fixed_today, make_user,
                                                                             sign_in):
    owner, action = owned
    assert _post(client, action).status_code == 302
    update = db.session.scalars(select(ProgressUpdate)).one()
    fixed_today(date(2024, 10, 2))
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert f"/updates/{update.id}/evidence" not in page
    assert "Post a new progress update with the files instead" in client.get(
        f"/updates/{update.id}/evidence").get_data(as_text=True)
    refused = client.post(f"/updates/{update.id}/evidence", data={"evidence": [(io.BytesIO(files.pdf()), "Late.pdf")]},
                          content_type="multipart/form-data").get_data(as_text=True)
    assert "Files can be added to an update only on the day it was posted (1 October 2024)" in refused
    fixed_today(date(2024, 10, 1))
    client.post("/sign-out")
    supporter = make_user("owner")
    action.supporting_leads = [supporter]
    db.session.commit()
    sign_in(supporter)
    assert client.get(f"/updates/{update.id}/evidence").status_code == 403
    assert client.post(f"/updates/{update.id}/evidence", data={"evidence": [(io.BytesIO(files.pdf()), "x.pdf")]},
                       content_type="multipart/form-data").status_code == 403
    assert _stored_count()[1] == 0
