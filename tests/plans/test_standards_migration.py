"""Migration 0015 turns every WRES indicator link into a measure link, makes every plan a WRES plan,
and can be undone keeping the WRES links (on the database the tests run on)."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tracker import create_app
from tracker.extensions import db


def _rows(sql: str) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(text(sql)).all()]


def _fill() -> None:
    for statement in (
        "INSERT INTO plans (id, year, title, status, equality_objectives_key, edi_goals_key, version) "
        "VALUES (1, '2024-25', 'Plan', 'approved', '', '', 1)",
        "INSERT INTO actions (id, plan_id, ref, ref_order, position, text, outcome, lead_text, by_when, "
        "by_when_kind, equality_objectives, edi_goals, cancelled_reason, created_at, version) VALUES "
        "(1, 1, '1.1', '', 0, 'Panels', '', '', '', 'empty', '', '', '', '2024-01-01 00:00:00', 1), "
        "(2, 1, '1.2', '', 1, 'Board', '', '', '', 'empty', '', '', '', '2024-01-01 00:00:00', 1)",
        "INSERT INTO action_indicators (action_id, indicator) VALUES (1, 2), (1, 9), (2, 9)",
    ):
        db.session.execute(text(statement))
    db.session.commit()


def test_indicator_links_become_measure_links_and_come_back_on_downgrade(app):
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    fresh = create_app({"SQLALCHEMY_DATABASE_URI": database})
    with fresh.app_context():
        downgrade(revision="0014_search")
        try:
            _fill()
            upgrade(revision="0015_standards")
            assert _rows("SELECT action_id, standard, measure FROM action_measures ORDER BY 1, 3") == [
                (1, "wres", "2"), (1, "wres", "9"), (2, "wres", "9")]
            assert _rows("SELECT standard FROM plans") == [("wres",)]
            assert "action_indicators" not in inspect(db.engine).get_table_names()
            db.session.execute(text("INSERT INTO action_measures (action_id, standard, measure) "
                                    "VALUES (2, 'wdes', '4a_ii')"))
            db.session.commit()
            downgrade(revision="0014_search")
            assert _rows("SELECT action_id, indicator FROM action_indicators ORDER BY 1, 2") == [(1, 2), (1, 9), (2, 9)]
            assert _rows("SELECT count(*) FROM actions") == [(2,)]
            assert "standard" not in {c["name"] for c in inspect(db.engine).get_columns("plans")}
        finally:
            db.session.rollback()
            db.session.execute(text("DELETE FROM actions"))
            db.session.execute(text("DELETE FROM plans"))
            db.session.commit()
            upgrade()
            db.session.remove()
