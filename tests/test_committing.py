"""committing(): the one way views, commands and jobs save. It commits once when the block ends,
rolls back when the block raises, and turns a unique key broken at commit into the form error
given as `conflict`."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tracker.database import committing
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.forms import ButtonForm, show_error
from tracker.governance.models import Forum


def _forums() -> list[str]:
    db.session.rollback()
    return sorted(db.session.scalars(select(Forum.name)))


def test_what_the_block_changed_is_committed_when_it_ends(app):
    with committing():
        db.session.add(Forum(name="Inclusion Council"))
    assert _forums() == ["Inclusion Council"]


def test_a_refusal_inside_the_block_stores_nothing(app):
    with pytest.raises(DomainError, match="not today"):
        with committing():
            db.session.add(Forum(name="Inclusion Council"))
            db.session.flush()
            raise DomainError("not today")
    assert _forums() == []


def test_a_broken_unique_key_becomes_the_conflict_given_and_the_session_is_usable_after(app):
    with committing():
        db.session.add(Forum(name="Inclusion Council"))
    taken = DomainError("There is already a forum called Inclusion Council", field="name")
    with pytest.raises(DomainError) as raised:
        with committing(conflict=taken):
            db.session.add(Forum(name="Inclusion Council"))
    assert raised.value is taken
    assert db.session.scalar(select(func.count(Forum.id))) == 1


def test_without_a_conflict_a_broken_unique_key_goes_on_up(app):
    from sqlalchemy.exc import IntegrityError

    with committing():
        db.session.add(Forum(name="Inclusion Council"))
    with pytest.raises(IntegrityError):
        with committing():
            db.session.add(Forum(name="Inclusion Council"))
    assert _forums() == ["Inclusion Council"]


def test_show_error_puts_the_message_against_the_field_it_names_else_above_the_form(app):
    from wtforms import StringField

    class NameForm(ButtonForm):
        name = StringField("Name")

    with app.test_request_context():
        form = NameForm(meta={"csrf": False})
        show_error(form, DomainError("Taken", field="name"))
        show_error(form, DomainError("Unknown field", field="colour"))
        show_error(form, DomainError("Needs a default", field="colour"), default_field="name")
        assert list(form.name.errors) == ["Taken", "Needs a default"]
        assert form.form_errors == ["Unknown field"]
