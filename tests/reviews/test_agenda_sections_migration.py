"""Migration 0021 gives the items of existing agendas the section their stored reasons put them in."""
import json

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tracker import create_app
from tracker.extensions import db
from tracker.reviews import agenda_rules as rules

REASONS = [["overdue", "red"], ["amber", "due_before_next_meeting"], ["escalated"], ["escalated", "red"],
           ["due_within_60_days", "updated_since_last_meeting"], ["updated_within_60_days"], ["added"], [],
           ["added", "updated_since_last_meeting"], ["due_before_next_meeting", "escalated", "added"]]


@pytest.fixture
def before_sections(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'existing.sqlite'}"})
    with app.app_context():
        upgrade(revision="0020_forum_links")
        yield
        db.session.remove()


def _existing_items() -> None:
    """An agenda item for each list of reasons, as agendas built before sections were kept hold them."""
    run = db.session.execute
    run(text("INSERT INTO plans (id, year, title, status, equality_objectives_key, edi_goals_key, version, standard) "
             "VALUES (1, '2024-25', 'Plan', 'draft', '', '', 1, 'wres')"))
    run(text("INSERT INTO forums (id, name, description, active) VALUES (1, 'Council', '', 1)"))
    run(text("INSERT INTO meetings (id, forum_id, held_on, notes) VALUES (1, 1, '2024-11-12', '')"))
    for number, reasons in enumerate(REASONS, start=1):
        run(text("INSERT INTO actions (id, plan_id, ref, ref_order, position, text, outcome, lead_text, by_when, "
                 "by_when_kind, equality_objectives, edi_goals, cancelled_reason, created_at, version) VALUES "
                 "(:id, 1, :ref, :ref, 0, 'An action', '', '', '', 'empty', '', '', '', '2024-01-01 00:00:00', 1)"),
            {"id": number, "ref": f"1.{number}"})
        run(text("INSERT INTO agenda_items (meeting_id, action_id, position, reasons, created_at) "
                 "VALUES (1, :id, :id, :reasons, '2024-11-01 00:00:00')"), {"id": number, "reasons": json.dumps(reasons)})
    db.session.commit()


def test_existing_items_get_the_section_their_reasons_give_and_the_downgrade_drops_it(before_sections):
    _existing_items()

    upgrade(revision="0021_agenda_sections")

    sections = db.session.execute(text("SELECT section FROM agenda_items ORDER BY action_id")).scalars().all()
    assert [rules.SECTIONS[section] for section in sections] == [rules.group_of(reasons) for reasons in REASONS]
    indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("agenda_items")}
    assert {"ix_agenda_items_meeting_section", "ix_agenda_items_meeting_rated"} <= indexes
    db.session.commit()
    downgrade(revision="0020_forum_links")
    assert "section" not in {column["name"] for column in inspect(db.engine).get_columns("agenda_items")}
    assert db.session.execute(text("SELECT count(*) FROM agenda_items")).scalar() == len(REASONS)


def test_the_migration_knows_the_sections_in_the_order_the_rules_have_them():
    from importlib import import_module
    migration = import_module("migrations.versions.0021_agenda_sections")
    assert migration.SECTIONS == rules.SECTIONS
