"""Evidence files live in the database, so the one backup holds them: pg_dump and pg_restore give
back every file byte for byte (`flask backup` on SQLite: tests/actions/test_evidence_files.py)."""
from __future__ import annotations

import hashlib
import io
import subprocess

from flask_migrate import upgrade
from sqlalchemy import select, text

from tests.actions import evidence_files as files
from tests.admin.test_backup_restore_postgres import (  # noqa: F401  (demo_app is a fixture)
    SCHEMA,
    demo_app,
    everything,
    libpq_url,
    postgres_tool,
    pytestmark,
)
from tracker.actions.models import Action
from tracker.actions.service import ActionClosedToUpdates, UpdateData, check_open_to_updates, post_update
from tracker.auth.models import User
from tracker.database import committing
from tracker.demo.service import load_demo
from tracker.evidence import service
from tracker.evidence.models import CHUNK_BYTES, EvidenceFile
from tracker.extensions import db

#: A PDF of just over two stored chunks.
CONTENT = files.pdf() + bytes(range(256)) * (CHUNK_BYTES * 2 // 256 + 5)


def _attach_evidence() -> str:
    """A progress update with a three-chunk PDF on the first action of the demo, as its owner posts it."""
    action = next(action for action in db.session.scalars(select(Action).where(Action.owners.any()).order_by(Action.id))
                  if not action.plan.is_archived and not service_is_closed(action))
    owner = db.session.scalars(select(User).where(User.role == "admin")).first()
    upload = service.Upload("Board paper – evidence.pdf", io.BytesIO(CONTENT))
    with committing():
        checked = service.check_files([upload])
        update = post_update(action, UpdateData(status=action.status, rag=action.rag, narrative="Paper to the board",
                                                rag_reason="kept"), owner, historical=True)
        service.attach(update, checked, owner)
    return hashlib.sha256(CONTENT).hexdigest()


def service_is_closed(action: Action) -> bool:
    try:
        check_open_to_updates(action)
    except ActionClosedToUpdates:
        return True
    return False


def _downloaded(file_id: int, size: int) -> bytes:
    return b"".join(service.chunks(file_id, size))


def test_a_postgresql_dump_restored_gives_back_every_evidence_file_byte_for_byte(demo_app, tmp_path):  # noqa: F811
    pg_dump, pg_restore = postgres_tool("pg_dump"), postgres_tool("pg_restore")
    upgrade()
    with committing():
        load_demo("demo-password")
    digest = _attach_evidence()
    before = everything()
    assert len(before["tables"]["evidence_file_chunks"]) == 3
    db.session.remove()
    dump = tmp_path / "tracker.dump"
    subprocess.run([pg_dump, "--format=custom", f"--schema={SCHEMA}", f"--file={dump}", f"--dbname={libpq_url()}"],
                   check=True, capture_output=True, timeout=120)
    with db.engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{SCHEMA}" CASCADE'))
    db.engine.dispose()
    subprocess.run([pg_restore, "--clean", "--if-exists", "--no-owner", f"--dbname={libpq_url()}", str(dump)],
                   check=True, capture_output=True, timeout=120)
    upgrade()
    assert everything() == before
    stored = db.session.scalars(select(EvidenceFile)).one()
    assert stored.sha256 == digest and _downloaded(stored.id, stored.size) == CONTENT
