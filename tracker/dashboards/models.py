"""What My actions reads: each action a person owns or supports, with the columns it groups and orders by."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, bindparam, text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.database import bulk_marks, triggers_off
from tracker.extensions import db
from tracker.rag import CLOSED_STATUSES


class PersonAction(db.Model):
    """One action a person owns or supports (one row however many of the two links there are), with what
    decides whether My actions lists it, in which group and where.

    Written only by database triggers (migration 0022_person_actions), in the same transaction as the
    change to the links, the action or its plan, whatever made it. My actions reads it through
    ix_person_actions_listed, so the page counts and picks a person's actions without reading each
    action's row from the large actions table."""

    __tablename__ = "person_actions"
    __table_args__ = (Index("ix_person_actions_action_id", "action_id"), Index("ix_person_actions_plan_id", "plan_id"),
                      {"sqlite_with_rowid": False})

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False)
    plan_id: Mapped[int]
    plan_year: Mapped[str] = mapped_column(String(7))
    #: My actions lists it: its plan is neither closed nor archived (Plan.is_live) and no later plan holds a
    #: copy of it (an action whose carried_from_id is this one; the copy is listed instead).
    listed: Mapped[bool]
    #: tracker.rag.is_closed(status, rag): complete or closed, never overdue, due soon or stale.
    closed: Mapped[bool]
    due_on: Mapped[date | None]
    #: due_on IS NULL: undated actions come after dated ones, and the index orders by it.
    undated: Mapped[bool]
    ref_order: Mapped[str] = mapped_column(String(200))
    last_update_at: Mapped[datetime | None]


#: A person's listed actions, open then closed, each in My actions' order: plan by plan, newest year first,
#: then by due date (undated last), reference and id; with the last update, which decides whether an open
#: action is stale, so the page picks each group's first rows by walking it and counts from it.
Index("ix_person_actions_listed", PersonAction.user_id, PersonAction.listed, PersonAction.closed,
      PersonAction.plan_year.desc(), PersonAction.plan_id.desc(), PersonAction.undated, PersonAction.due_on,
      PersonAction.ref_order, PersonAction.action_id, PersonAction.last_update_at)


_INSERT_TRIGGERS = (("action_owners", "person_actions_action_owners_insert"),
                    ("action_supporting_leads", "person_actions_action_supporting_leads_insert"),
                    ("actions", "person_actions_actions_copy_insert"))
_LISTED = ("(p.status <> 'closed' AND p.archived_at IS NULL) "
           "AND NOT EXISTS (SELECT 1 FROM actions c WHERE c.carried_from_id = {id})")
#: The new actions' people, each once, with what the insert triggers would have written.
_FILL = (
    "INSERT INTO person_actions (user_id, action_id, plan_id, plan_year, listed, closed, due_on, undated, ref_order, "
    "last_update_at) "
    f"SELECT l.user_id, a.id, a.plan_id, p.year, {_LISTED.format(id='a.id')}, "
    "(coalesce(a.rag, '') = 'blue' OR coalesce(a.status, '') IN :closed_statuses), "
    "a.due_on, a.due_on IS NULL, a.ref_order, a.last_update_at "
    "FROM (SELECT action_id, user_id FROM action_owners WHERE action_id > :actions "
    "UNION SELECT action_id, user_id FROM action_supporting_leads WHERE action_id > :actions) l "
    "JOIN actions a ON a.id = l.action_id JOIN plans p ON p.id = a.plan_id")
#: Actions that a new action copies are no longer listed.
_RECHECK = (f"UPDATE person_actions SET listed = (SELECT {_LISTED.format(id='person_actions.action_id')} "
            "FROM plans p WHERE p.id = person_actions.plan_id) "
            "WHERE action_id IN (SELECT carried_from_id FROM actions WHERE id > :actions)")


@contextmanager
def listed_in_bulk() -> Iterator[None]:
    """Insert new actions and their owners and supporting leads inside; their person_actions rows are
    written on the way out, in one statement instead of a trigger run per link, holding what the
    insert triggers would have written.

    Meant for loads that add actions with their people (not people of actions stored before). The
    triggers are off inside (`tracker.database.triggers_off`, in the caller's transaction: if the block
    raises, the caller's rollback restores them)."""
    marks = bulk_marks()
    with triggers_off(_INSERT_TRIGGERS):
        yield
        db.session.execute(text(_FILL).bindparams(bindparam("closed_statuses", expanding=True)),
                           {**marks, "closed_statuses": sorted(CLOSED_STATUSES)})
        db.session.execute(text(_RECHECK), marks)
