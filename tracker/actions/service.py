"""Creating and changing actions, and posting progress updates.

Services change models, write audit events and flush; the caller commits once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache

from sqlalchemy import Select, Table, bindparam, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from tracker import clock, standards
from tracker.actions.by_when import ByWhenKind, parse_by_when
from tracker.actions.models import (
    Action,
    ActionHighImpactAction,
    ActionMeasure,
    ProgressUpdate,
    action_forums,
    action_owners,
    action_supporting_leads,
)
from tracker.actions.queries import CarriedCopy, carried_copies
from tracker.actions.rag_rules import Proposal, propose_rag
from tracker.actions.refs import ref_order
from tracker.audit.service import diff, event_values, record, record_many
from tracker.auth.models import User
from tracker.database import insert_rows
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.plans.models import Plan, Theme
from tracker.rag import normalise_rag, normalise_status
from tracker.standards import WRES

AUDITED_FIELDS = (
    "ref", "theme", "text", "category", "outcome", "lead_text", "by_when", "priority",
    "equality_objectives", "edi_goals", "status", "rag", "rag_as_at", "cancelled_reason",
    "indicators", "owners", "supporting_leads", "forums",
)


class ActionError(DomainError):
    """The change could not be made; the message says why."""


class ActionChanged(ActionError):
    """Someone else saved the action after this user opened it."""

    def __init__(self) -> None:
        super().__init__(
            "This action changed since you opened it: someone else saved it in the meantime. "
            "Your changes have not been saved. Check the action as it is now and make your changes again."
        )


class PlanArchived(ActionError):
    """The action's plan is archived, so it takes no progress updates."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(
            f"The {plan.year} plan is archived, so its actions take no new progress updates. "
            "If work on this action goes on, ask the EDI lead to restore the plan."
        )


@dataclass
class ActionData:
    """Everything an action can say, as plain values (from a form or an import row)."""

    ref: str
    text: str
    theme: Theme | None = None
    category: str | None = None
    outcome: str = ""
    lead_text: str = ""
    by_when: str = ""
    priority: str | None = None
    equality_objectives: str = ""
    edi_goals: str = ""
    status: str | None = None
    rag: str | None = None
    rag_as_at: date | None = None
    cancelled_reason: str = ""
    indicators: list[int] = field(default_factory=list)
    #: Codes of every measure ("wres:2", "wdes:4a_ii") and the high impact actions (1-6); an import's
    #: `create_actions` stores these when given (else the WRES `indicators`).
    measures: list[str] = field(default_factory=list)
    high_impact_actions: list[int] = field(default_factory=list)
    owners: list[User] = field(default_factory=list)
    supporting_leads: list[User] = field(default_factory=list)
    forums: list[Forum] = field(default_factory=list)


def snapshot(action: Action) -> dict:
    """The audited fields as plain values, for before/after comparison."""
    return {
        **{name: getattr(action, name) for name in AUDITED_FIELDS
           if name not in {"theme", "indicators", "owners", "supporting_leads", "forums"}},
        "theme": action.theme.number if action.theme else None,
        "indicators": list(action.indicators),
        "owners": [user.name for user in action.owners],
        "supporting_leads": [user.name for user in action.supporting_leads],
        "forums": [forum.name for forum in action.forums],
    }


def _column_values(data: ActionData, plan: Plan) -> dict:
    """The action's own columns (not plan, position, version or dates of updates) as `data` sets them."""
    parsed = parse_by_when(data.by_when, plan_year=plan.year)
    ref = data.ref.strip()
    return {
        "ref": ref, "ref_order": ref_order(ref), "text": data.text.strip(),
        "theme_id": data.theme.id if data.theme is not None else None, "category": data.category or None,
        "outcome": (data.outcome or "").strip(), "lead_text": (data.lead_text or "").strip(),
        "by_when": parsed.text, "by_when_kind": parsed.kind.value, "due_on": parsed.due, "starts_on": parsed.starts,
        "priority": data.priority or None, "equality_objectives": (data.equality_objectives or "").strip(),
        "edi_goals": (data.edi_goals or "").strip(), "status": normalise_status(data.status),
        "rag": normalise_rag(data.rag), "rag_as_at": data.rag_as_at,
        "cancelled_reason": (data.cancelled_reason or "").strip(),
    }


def _snapshot_of(values: dict, data: ActionData) -> dict:
    """What `snapshot` gives for an action just given `values` and `data`'s people, forums and indicators."""
    return {
        **{name: values[name] for name in AUDITED_FIELDS
           if name not in {"theme", "indicators", "owners", "supporting_leads", "forums"}},
        "theme": data.theme.number if data.theme is not None else None,
        "indicators": sorted(set(data.indicators)),
        "owners": [user.name for user in dict.fromkeys(data.owners)],
        "supporting_leads": [user.name for user in dict.fromkeys(data.supporting_leads)],
        "forums": [forum.name for forum in dict.fromkeys(data.forums)],
    }


def _apply(action: Action, data: ActionData, plan: Plan) -> None:
    values = _column_values(data, plan)
    del values["theme_id"], values["ref_order"]  # set by the theme relationship and by the ref
    for name, value in values.items():
        setattr(action, name, value)
    action.theme = data.theme
    action.indicators = data.indicators
    action.owners = list(dict.fromkeys(data.owners))
    action.supporting_leads = list(dict.fromkeys(data.supporting_leads))
    action.forums = list(dict.fromkeys(data.forums))


def _check(plan: Plan, data: ActionData, action: Action | None, *, taken: set[str] | None = None) -> None:
    """Refuse data an action cannot have; `taken` (the plan's refs, for a new action) saves a query."""
    if not data.ref.strip():
        raise ActionError("Enter the action's reference, for example 1.1", field="ref")
    if not data.text.strip():
        raise ActionError("Enter what the action is", field="text")
    if taken is not None:
        clash = -1 if data.ref.strip() in taken else None
    else:
        clash = db.session.scalar(
            select(Action.id).where(Action.plan_id == plan.id, Action.ref == data.ref.strip())
        )
    if clash is not None and (action is None or clash != action.id):
        raise ActionError(f"This plan already has an action {data.ref.strip()}", field="ref")
    if data.theme is not None and data.theme.plan_id != plan.id:
        raise ActionError("The theme belongs to another plan", field="theme")
    if any(n not in range(1, 10) for n in data.indicators):
        raise ActionError("WRES indicators are numbered 1 to 9", field="indicators")
    if (normalise_status(data.status) or "") == "CANCELLED" and not (data.cancelled_reason or "").strip():
        raise ActionError("Give the reason the action was cancelled", field="cancelled_reason")


def create_action(plan: Plan, data: ActionData, actor: User | None, *, audit: bool = True) -> Action:
    """Add an action at the end of the plan.

    It is linked by plan_id rather than appended to `plan.actions`, so creating hundreds in
    one transaction (imports, rollover) does not re-examine a growing collection at each flush.
    """
    _check(plan, data, None)
    position = db.session.scalar(select(func.count()).select_from(Action).where(Action.plan_id == plan.id))
    action = Action(plan_id=plan.id, position=position)
    _apply(action, data, plan)
    db.session.add(action)
    db.session.flush()
    if "actions" in plan.__dict__:
        db.session.expire(plan, ["actions"])
    if audit:
        record(actor, action, "created", diff({}, snapshot(action)), summary=f"Action {action.ref} created")
    return action


@dataclass(frozen=True)
class CreatedAction:
    """An action `create_actions` stored: its id and what an import reports of it."""

    id: int
    ref: str
    by_when_kind: str


def create_actions(plan: Plan, items: list[tuple[ActionData, list[UpdateData]]],
                   actor: User | None) -> list[CreatedAction]:
    """Add many actions at the end of a plan, each with its historical updates, oldest first (an import).

    Stores and audits exactly what `create_action`, then `post_update(..., historical=True)` for
    each of its updates, store for each item, in order (an update's `author`, when given, is kept as
    who wrote it), but in a few statements whatever the number: the actions, their owners,
    supporting leads, forums and indicators, their updates and the audit events each in one bulk
    insert. Raises ActionError, naming the action, before anything is stored. Actions of the plan
    already loaded in the session are not refreshed: read them again.
    """
    if plan.is_archived:
        raise PlanArchived(plan)
    start = db.session.scalar(select(func.count()).select_from(Action).where(Action.plan_id == plan.id))
    taken = set(db.session.scalars(select(Action.ref).where(Action.plan_id == plan.id)))
    rows, snapshots = [], []
    for offset, (data, progress) in enumerate(items):
        _check(plan, data, None, taken=taken)
        taken.add(data.ref.strip())
        if any(not posted.narrative.strip() for posted in progress):
            raise ActionError(f"Action {data.ref.strip()}: describe the progress made", field="narrative")
        values = {**_column_values(data, plan), "plan_id": plan.id, "position": start + offset,
                  "last_update_at": None, "version": 1}
        snapshots.append(_snapshot_of(values, data))
        rows.append(values)
    if not rows:
        return []
    # Each update in turn, as post_update: the latest by date gives the action its status and RAG.
    events_of, stored_of = [], []
    for values, before, (_data, progress) in zip(rows, snapshots, items, strict=True):
        events = [event_values(actor, None, "created", diff({}, before), summary=f"Action {values['ref']} created",
                               subject_type="action")]
        stored = []
        for posted in progress:
            row = _historical_update(posted, posted.author or actor)
            stored.append(row)
            latest = values["last_update_at"] is None or values["last_update_at"] <= row["posted_at"]
            changes = diff({"status": values["status"], "rag": values["rag"]},
                           {"status": row["status"], "rag": row["rag"]}) if latest else {}
            events.append(event_values(actor, None, "progress update", changes, subject_type="action",
                                       summary=f"Progress update on {values['ref']}: {row['status'] or 'no status'}, "
                                               f"{row['rag'] or 'not rated'}"
                                               + ("" if latest else " (dated before the latest, so the action "
                                                                    "keeps its rating)")))
            if latest:
                values.update(status=row["status"], rag=row["rag"], rag_as_at=row["as_at"],
                              last_update_at=row["posted_at"], version=values["version"] + 1)
        events_of.append(events)
        stored_of.append(stored)
    insert_rows(Action.__table__, rows)
    ids = dict(db.session.execute(select(Action.ref, Action.id).where(Action.plan_id == plan.id)).all())  # refs are unique
    links: dict[Table, list[dict]] = {action_owners: [], action_supporting_leads: [], action_forums: [],
                                      ActionMeasure.__table__: [], ActionHighImpactAction.__table__: []}
    all_events, all_updates, created = [], [], []
    for values, before, (data, _progress), events, stored in zip(rows, snapshots, items, events_of, stored_of,
                                                                  strict=True):
        action_id = ids[values["ref"]]
        created.append(CreatedAction(action_id, values["ref"], values["by_when_kind"]))
        links[action_owners] += [{"action_id": action_id, "user_id": u.id} for u in dict.fromkeys(data.owners)]
        links[action_supporting_leads] += [{"action_id": action_id, "user_id": u.id}
                                           for u in dict.fromkeys(data.supporting_leads)]
        links[action_forums] += [{"action_id": action_id, "forum_id": f.id} for f in dict.fromkeys(data.forums)]
        codes = data.measures or [standards.code_of(WRES, n) for n in before["indicators"]]
        links[ActionMeasure.__table__] += [{"action_id": action_id, "standard": standards.measure(code).standard,
                                            "measure": standards.measure(code).key}
                                           for code in standards.sort_codes(codes)]
        links[ActionHighImpactAction.__table__] += [{"action_id": action_id, "number": n}
                                                    for n in sorted(set(data.high_impact_actions))]
        all_events += [{**event, "subject_id": action_id} for event in events]
        all_updates += [{**row, "action_id": action_id} for row in stored]
    for table, link_rows in links.items():
        insert_rows(table, link_rows)
    insert_rows(ProgressUpdate.__table__, all_updates)
    record_many(all_events)
    for loaded in (plan, *(data.theme for data, _progress in items if data.theme is not None)):
        if "actions" in loaded.__dict__:
            db.session.expire(loaded, ["actions"])
    return created


def _historical_update(data: UpdateData, actor: User | None) -> dict:
    """The columns of the update post_update(..., historical=True) stores, but its action's id."""
    as_at = data.as_at or clock.today()
    return {"author_id": actor.id if actor else None, "posted_at": datetime.combine(as_at, time(12, 0)),
            "as_at": as_at, "status": normalise_status(data.status), "rag": normalise_rag(data.rag),
            "proposed_rag": None, "rag_reason": data.rag_reason.strip(), "narrative": data.narrative.strip(),
            "evidence_url": data.evidence_url.strip()}


def update_action(action: Action, data: ActionData, actor: User, expected_version: int) -> Action:
    """Save an edit, refusing it if the action changed since the form was opened."""
    if action.version != expected_version:
        raise ActionChanged()
    _check(action.plan, data, action)
    before = snapshot(action)
    _apply(action, data, action.plan)
    changes = diff(before, snapshot(action))
    if changes:
        db.session.flush()  # version_id_col makes this UPDATE … WHERE version = expected
        record(actor, action, "updated", changes, summary=f"Action {action.ref} edited")
    return action


def proposal_for(action: Action, today: date | None = None) -> Proposal:
    last = action.last_update_at.date() if action.last_update_at else None
    return propose_rag(status=action.status, current_rag=action.rag, due_on=action.due_on,
                       last_update_on=last, today=today or clock.today())


@dataclass
class UpdateData:
    status: str | None
    rag: str | None
    narrative: str
    rag_reason: str = ""
    evidence_url: str = ""
    as_at: date | None = None
    #: Who wrote it, when not the person storing it (historical updates read from an imported plan).
    author: User | None = None


class ActionClosedToUpdates(ActionError):
    """The action was carried forward into a later plan, whose copy is where updates now go."""

    def __init__(self, action: Action, copy: CarriedCopy) -> None:
        super().__init__(f"Action {action.ref} continued as {copy.ref} in {copy.plan_year}: it no longer takes "
                         f"progress updates. Post your update on action {copy.ref} of the {copy.plan_year} plan.",
                         field="narrative")
        self.copy = copy


def continued_as(copies: list[CarriedCopy]) -> CarriedCopy | None:
    """Of an action's copies in later plans (queries.carried_copies), the one it continues as.

    An action carried forward is closed to updates while a copy of it exists: its status is then
    CARRIED FORWARD, and the copy (the latest, should there be several) is the one its owners
    update. With the copy deleted it is open again, whatever its status.
    """
    return copies[-1] if copies else None


def check_open_to_updates(action: Action) -> None:
    """Refuse updates to an action that continues in a later plan."""
    copy = continued_as(carried_copies(action.id))
    if copy is not None:
        raise ActionClosedToUpdates(action, copy)


def post_update(action: Action, data: UpdateData, actor: User, *, today: date | None = None,
                historical: bool = False) -> ProgressUpdate:
    """Add a dated, attributed update; it becomes the action's current status and RAG.

    Refused when the action continues in a later plan (ActionClosedToUpdates).
    The action row is changed with one UPDATE statement (not a read-modify-write) that only
    moves forward in time, so updates posted at the same moment are all kept and the action
    shows the one posted last, whatever order the transactions commit in.
    `historical` is for imported and demo updates written on an earlier date: they are
    stored as at that date and no RAG is proposed for them.
    """
    day = today or clock.today()
    check_open_to_updates(action)
    status = normalise_status(data.status)
    rag = normalise_rag(data.rag)
    if action.plan.is_archived:
        raise PlanArchived(action.plan)
    if not data.narrative.strip():
        raise ActionError("Describe the progress made", field="narrative")
    proposed = None
    if not historical:
        proposal = proposal_for(action, day)
        proposed = proposal.rag
        if rag != proposal.rag and not data.rag_reason.strip():
            raise ActionError(f"Say why you chose {rag or 'no rating'} rather than the proposed {proposal.rag}",
                              field="rag_reason")
    as_at = data.as_at or day
    posted_at = datetime.combine(as_at, time(12, 0)) if historical else clock.utcnow()
    return _store_update(action, data, actor, status=status, rag=rag, proposed=proposed, as_at=as_at,
                         posted_at=posted_at)


def post_opening_update(action: Action, data: UpdateData, actor: User) -> ProgressUpdate:
    """The first update of an action carried forward: posted now by `actor`, bringing the status
    and RAG its origin had (as at data.as_at, the origin's RAG date), so it does not start blank.

    No RAG is proposed and no reason asked: the rating is the origin's, not a new judgement.
    """
    if not data.narrative.strip():
        raise ActionError("Describe the progress made", field="narrative")
    return _store_update(action, data, actor, status=normalise_status(data.status), rag=normalise_rag(data.rag),
                         proposed=None, as_at=data.as_at or clock.today(), posted_at=clock.utcnow())


def _store_update(action: Action, data: UpdateData, actor: User | None, *, status: str | None, rag: str | None,
                  proposed: str | None, as_at: date, posted_at: datetime) -> ProgressUpdate:
    """Insert the update, make it the action's rating if it is the latest, and audit it."""
    progress = ProgressUpdate(
        action_id=action.id, author_id=actor.id if actor else None, posted_at=posted_at, as_at=as_at,
        status=status, rag=rag, proposed_rag=proposed, rag_reason=data.rag_reason.strip(),
        narrative=data.narrative.strip(), evidence_url=data.evidence_url.strip(),
    )
    db.session.add(progress)
    db.session.flush()
    current = db.session.execute(_current_rating_for_update(), {"action_id": action.id}).one()
    db.session.execute(
        update(Action)
        .where(Action.id == action.id)
        .where(or_(Action.last_update_at.is_(None), Action.last_update_at <= posted_at))
        .values(status=status, rag=rag, rag_as_at=progress.as_at, last_update_at=posted_at,
                version=Action.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(action)
    is_latest = current.last_update_at is None or current.last_update_at <= posted_at
    changes = diff({"status": current.status, "rag": current.rag}, {"status": status, "rag": rag}) if is_latest else {}
    record(actor, action, "progress update", changes,
           summary=f"Progress update on {action.ref}: {status or 'no status'}, {rag or 'not rated'}"
                   + ("" if is_latest else " (dated before the latest, so the action keeps its rating)"))
    return progress


@cache
def _current_rating_for_update() -> Select:
    """The action's status and RAG as they stand, locked until this transaction ends, so the
    audit trail records what the update replaced even when owners post at the same moment.
    FOR NO KEY UPDATE, as the UPDATE itself takes: it does not wait on the key-share lock
    that inserting the update took, so two posts cannot deadlock."""
    return (select(Action.status, Action.rag, Action.last_update_at)
            .where(Action.id == bindparam("action_id"))
            .with_for_update(key_share=True))


# Bulk changes: one field of many actions of a plan changed at once (the plan page's "Change selected actions").

#: What a bulk change may set, with the words the pages use for it.
BULK_KINDS = {
    "by_when": "By when", "owners": "Owners", "supporting_leads": "Supporting leads", "forums": "Forum",
    "priority": "Must, Should or Could", "theme": "Theme",
}


class PlanArchivedToChanges(ActionError):
    """The plan is archived, so its actions cannot be changed."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(f"The {plan.year} plan is archived, so its actions cannot be changed. "
                         "Restore the plan first if they must change.")


@dataclass(frozen=True)
class BulkChange:
    """One change for many actions: `kind` (a key of BULK_KINDS) names the field; for owners, supporting
    leads and forums `replace` False adds to those already there, True puts the given ones in their place."""

    kind: str
    by_when: str = ""
    people: tuple[User, ...] = ()
    forums: tuple[Forum, ...] = ()
    replace: bool = False
    priority: str | None = None
    theme: Theme | None = None


@dataclass(frozen=True)
class BulkRow:
    """One selected action as the confirmation page shows it: the field's value now and after the change."""

    id: int
    ref: str
    before: str
    after: str


@dataclass
class BulkPreview:
    """What a bulk change would do: the actions it changes, those that already have the value, and
    those changed by someone else since they were selected (which it will skip)."""

    changing: list[BulkRow] = field(default_factory=list)
    unchanged: list[BulkRow] = field(default_factory=list)
    stale: list[BulkRow] = field(default_factory=list)


@dataclass
class BulkResult:
    """What a bulk change did: actions changed, already as asked, and skipped because they changed meanwhile."""

    changed: list[BulkRow] = field(default_factory=list)
    unchanged: list[BulkRow] = field(default_factory=list)
    skipped: list[BulkRow] = field(default_factory=list)


def _check_bulk(plan: Plan, selected: dict[int, int], change: BulkChange) -> None:
    if plan.is_archived:
        raise PlanArchivedToChanges(plan)
    if not selected:
        raise ActionError("Select at least one action to change", field="selected")
    if change.kind not in BULK_KINDS:
        raise ActionError("Choose what to change", field="kind")
    if change.kind == "by_when":
        parsed = parse_by_when(change.by_when, plan_year=plan.year)
        if parsed.kind == ByWhenKind.EMPTY:
            raise ActionError("Enter the new by when, like 31/03/2025, Dec 2024 or Q3 2024-25", field="by_when")
        if parsed.kind == ByWhenKind.UNPARSED:
            raise ActionError(f"'{change.by_when.strip()}' is not a by when the tracker can read: enter a date like "
                              "31/03/2025, a month like Dec 2024, a quarter like Q3 2024-25 or Ongoing", field="by_when")
    if change.kind in ("owners", "supporting_leads") and not change.people:
        raise ActionError("Enter at least one name", field=change.kind)
    if change.kind == "forums" and not change.forums:
        raise ActionError("Choose a forum", field="forum")
    if change.kind == "priority" and change.priority not in (None, "Must", "Should", "Could"):
        raise ActionError("Choose Must, Should, Could or Not set", field="priority")
    if change.kind == "theme" and change.theme is not None and change.theme.plan_id != plan.id:
        raise ActionError("Choose one of this plan's themes", field="theme")


def _bulk_values(action: Action, change: BulkChange, plan: Plan) -> dict:
    """The attributes `change` gives the action, as they would be set on it."""
    if change.kind == "by_when":
        parsed = parse_by_when(change.by_when, plan_year=plan.year)
        return {"by_when": parsed.text, "by_when_kind": parsed.kind.value, "due_on": parsed.due,
                "starts_on": parsed.starts}
    if change.kind in ("owners", "supporting_leads", "forums"):
        given = list(change.forums if change.kind == "forums" else change.people)
        return {change.kind: list(dict.fromkeys(given if change.replace else [*getattr(action, change.kind), *given]))}
    if change.kind == "priority":
        return {"priority": change.priority or None}
    return {"theme": change.theme}


def _shown(change: BulkChange, values: dict) -> str:
    """The changed field as the confirmation page shows it."""
    if change.kind == "by_when":
        return values["by_when"] or "Not set"
    if change.kind in ("owners", "supporting_leads", "forums"):
        return "; ".join(item.name for item in values[change.kind]) or "None"
    if change.kind == "priority":
        return values["priority"] or "Not set"
    return values["theme"].label if values["theme"] is not None else "No theme"


def _same(action: Action, values: dict) -> bool:
    return all(getattr(action, name) == value for name, value in values.items())


def _bulk_actions(plan: Plan, ids) -> list[Action]:
    return list(db.session.scalars(
        select(Action).where(Action.plan_id == plan.id, Action.id.in_(list(ids)))
        .options(joinedload(Action.theme), selectinload(Action.owners), selectinload(Action.supporting_leads),
                 selectinload(Action.forums), selectinload(Action.measure_links))
        .order_by(Action.ref_order, Action.id)))


def _bulk_row(action: Action, change: BulkChange, values: dict) -> BulkRow:
    now = {name: getattr(action, name) for name in values}
    return BulkRow(action.id, action.ref, _shown(change, now), _shown(change, values))


def preview_bulk_change(plan: Plan, selected: dict[int, int], change: BulkChange) -> BulkPreview:
    """What `bulk_change` would do to the selected actions ({id: version as selected}); changes nothing."""
    _check_bulk(plan, selected, change)
    preview = BulkPreview()
    for action in _bulk_actions(plan, selected):
        values = _bulk_values(action, change, plan)
        row = _bulk_row(action, change, values)
        if action.version != selected[action.id]:
            preview.stale.append(row)
        else:
            (preview.unchanged if _same(action, values) else preview.changing).append(row)
    return preview


def bulk_change(plan: Plan, selected: dict[int, int], change: BulkChange, actor: User) -> BulkResult:
    """Make one change to the selected actions ({id: version as selected}), with one audit entry for each
    action changed, as an edit writes. An action saved by someone else since it was selected is skipped, not
    overwritten; those that already have the value are left as they are."""
    _check_bulk(plan, selected, change)
    result = BulkResult()
    for action in _bulk_actions(plan, selected):
        values = _bulk_values(action, change, plan)
        row = _bulk_row(action, change, values)
        if action.version != selected[action.id]:
            result.skipped.append(row)
            continue
        if _same(action, values):
            result.unchanged.append(row)
            continue
        before = snapshot(action)
        for name, value in values.items():
            setattr(action, name, value)
        changes = diff(before, snapshot(action))
        db.session.flush()  # version_id_col: UPDATE … WHERE version = the version read above
        record(actor, action, "updated", changes, summary=f"Action {action.ref} edited in a bulk change "
                                                          f"({BULK_KINDS[change.kind].lower()})")
        result.changed.append(row)
    return result
