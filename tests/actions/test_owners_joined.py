"""owners_joined(): an action's owners' names read in the statement that reads the action, in the
order owner_names gives them (by name, then by id), on SQLite and on PostgreSQL."""
from __future__ import annotations

from sqlalchemy import select

from tests.support import counting_queries
from tracker.actions.models import Action
from tracker.actions.queries import owner_names, owners_joined, split_owners
from tracker.extensions import db


def _joined(action_ids: list[int]) -> dict[int, tuple[str, ...]]:
    rows = db.session.execute(select(Action.id, owners_joined(Action.id)).where(Action.id.in_(action_ids)))
    return {action_id: split_owners(joined) for action_id, joined in rows}


def test_names_come_by_name_whatever_order_the_owners_were_given_in(make_action, make_user):
    zoe, adam, ann, second_adam = (make_user(name=name) for name in ("Zoe Able", "Adam Baker", "Ann O'Neill",
                                                                   "Adam Baker"))
    shared = make_action(owners=[zoe, second_adam, ann, adam])
    alone = make_action(plan=shared.plan, owners=[zoe])
    nobody = make_action(plan=shared.plan)

    joined = _joined([shared.id, alone.id, nobody.id])

    assert joined[shared.id] == ("Adam Baker", "Adam Baker", "Ann O'Neill", "Zoe Able")
    assert joined[alone.id] == ("Zoe Able",)
    assert joined[nobody.id] == ()
    assert {key: value for key, value in joined.items() if value} == owner_names([shared.id, alone.id, nobody.id])


def test_the_names_are_read_for_each_action_in_one_statement(make_action, make_user):
    owners = [make_user(name=f"Owner {letter}") for letter in "DCBA"]
    action_ids = [make_action(owners=owners[n:]).id for n in range(4)]

    with counting_queries() as statements:
        joined = _joined(action_ids)

    assert statements[0] == 1
    assert [joined[action_id] for action_id in action_ids] == [
        ("Owner A", "Owner B", "Owner C", "Owner D"), ("Owner A", "Owner B", "Owner C"), ("Owner A", "Owner B"),
        ("Owner A",)]
