"""Migration 0006 fills the sortable ref for actions that already exist, and can be undone."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tracker import create_app
from tracker.extensions import db

ACTION = ("INSERT INTO actions (plan_id, ref, position, text, outcome, lead_text, by_when, by_when_kind, "
          "equality_objectives, edi_goals, cancelled_reason, created_at, version) VALUES "
          "(1, :ref, 0, 'An action', '', '', '', 'empty', '', '', '', '2024-01-01 00:00:00', 1)")


def test_existing_actions_get_their_sortable_ref_and_the_downgrade_keeps_them(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'existing.sqlite'}"})
    with app.app_context():
        upgrade(revision="0005_rollover")
        db.session.execute(text("INSERT INTO plans (year, title, status, equality_objectives_key, edi_goals_key, "
                                "version) VALUES ('2024-25', 'Plan', 'draft', '', '', 1)"))
        for ref in ("1.10", "1.2", "2-1", "3a"):
            db.session.execute(text(ACTION), {"ref": ref})
        db.session.commit()
        upgrade(revision="0006_action_ref_order")
        rows = db.session.execute(text("SELECT ref FROM actions ORDER BY ref_order")).scalars().all()
        assert rows == ["1.2", "1.10", "2-1", "3a"]
        assert "ix_actions_plan_id_ref_order" in {ix["name"] for ix in inspect(db.engine).get_indexes("actions")}
        db.session.commit()
        downgrade(revision="0005_rollover")
        assert "ref_order" not in {column["name"] for column in inspect(db.engine).get_columns("actions")}
        assert db.session.execute(text("SELECT count(*) FROM actions")).scalar() == 4
        db.session.remove()
