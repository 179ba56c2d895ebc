"""Creating and changing actions, and posting progress updates.

Services change models, write audit events and flush; the caller commits once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache

from sqlalchemy import Select, bindparam, func, literal, or_, select, union_all, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from tracker.actions.by_when import parse_by_when
from tracker.actions.models import Action, ProgressUpdate, action_forums, action_owners, action_supporting_leads
from tracker.actions.rag_rules import Proposal, propose_rag
from tracker.audit.service import diff, latest_events, record
from tracker.auth.models import User
from tracker import clock
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.plans.models import Plan, Theme
from tracker.rag import normalise_rag, normalise_status

AUDITED_FIELDS = (
    "ref", "theme", "text", "category", "outcome", "lead_text", "by_when", "priority",
    "equality_objectives", "edi_goals", "status", "rag", "rag_as_at", "cancelled_reason",
    "indicators", "owners", "supporting_leads", "forums",
)


class ActionError(ValueError):
    """The change could not be made; the message says why."""


class ActionChanged(ActionError):
    """Someone else saved the action after this user opened it."""

    def __init__(self) -> None:
        super().__init__(
            "This action changed since you opened it: someone else saved it in the meantime. "
            "Your changes have not been saved. Check the action as it is now and make your changes again."
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


def _apply(action: Action, data: ActionData, plan: Plan) -> None:
    parsed = parse_by_when(data.by_when, plan_year=plan.year)
    action.ref = data.ref.strip()
    action.text = data.text.strip()
    action.theme = data.theme
    action.category = data.category or None
    action.outcome = (data.outcome or "").strip()
    action.lead_text = (data.lead_text or "").strip()
    action.by_when = parsed.text
    action.by_when_kind = parsed.kind.value
    action.due_on = parsed.due
    action.starts_on = parsed.starts
    action.priority = data.priority or None
    action.equality_objectives = (data.equality_objectives or "").strip()
    action.edi_goals = (data.edi_goals or "").strip()
    action.status = normalise_status(data.status)
    action.rag = normalise_rag(data.rag)
    action.rag_as_at = data.rag_as_at
    action.cancelled_reason = (data.cancelled_reason or "").strip()
    action.indicators = data.indicators
    action.owners = list(dict.fromkeys(data.owners))
    action.supporting_leads = list(dict.fromkeys(data.supporting_leads))
    action.forums = list(dict.fromkeys(data.forums))


def _check(plan: Plan, data: ActionData, action: Action | None) -> None:
    if not data.ref.strip():
        raise ActionError("Enter the action's reference, for example 1.1")
    if not data.text.strip():
        raise ActionError("Enter what the action is")
    clash = db.session.scalar(
        select(Action.id).where(Action.plan_id == plan.id, Action.ref == data.ref.strip())
    )
    if clash is not None and (action is None or clash != action.id):
        raise ActionError(f"This plan already has an action {data.ref.strip()}")
    if data.theme is not None and data.theme.plan_id != plan.id:
        raise ActionError("The theme belongs to another plan")
    if any(n not in range(1, 10) for n in data.indicators):
        raise ActionError("WRES indicators are numbered 1 to 9")
    if (normalise_status(data.status) or "") == "CANCELLED" and not (data.cancelled_reason or "").strip():
        raise ActionError("Give the reason the action was cancelled")


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


def post_update(action: Action, data: UpdateData, actor: User, *, today: date | None = None,
                historical: bool = False) -> ProgressUpdate:
    """Add a dated, attributed update; it becomes the action's current status and RAG.

    The action row is changed with one UPDATE statement (not a read-modify-write) that only
    moves forward in time, so updates posted at the same moment are all kept and the action
    shows the one posted last, whatever order the transactions commit in.
    `historical` is for imported and demo updates written on an earlier date: they are
    stored as at that date and no RAG is proposed for them.
    """
    day = today or clock.today()
    status = normalise_status(data.status)
    rag = normalise_rag(data.rag)
    if not data.narrative.strip():
        raise ActionError("Describe the progress made")
    proposed = None
    if not historical:
        proposal = proposal_for(action, day)
        proposed = proposal.rag
        if rag != proposal.rag and not data.rag_reason.strip():
            raise ActionError(f"Say why you chose {rag or 'no rating'} rather than the proposed {proposal.rag}")
    as_at = data.as_at or day
    posted_at = datetime.combine(as_at, time(12, 0)) if historical else clock.utcnow()
    progress = ProgressUpdate(
        action_id=action.id, author_id=actor.id if actor else None, posted_at=posted_at, as_at=as_at,
        status=status, rag=rag, proposed_rag=proposed, rag_reason=data.rag_reason.strip(),
        narrative=data.narrative.strip(), evidence_url=data.evidence_url.strip(),
    )
    db.session.add(progress)
    db.session.flush()
    db.session.execute(
        update(Action)
        .where(Action.id == action.id)
        .where(or_(Action.last_update_at.is_(None), Action.last_update_at <= posted_at))
        .values(status=status, rag=rag, rag_as_at=progress.as_at, last_update_at=posted_at,
                version=Action.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(action)
    record(actor, action, "progress update",
           {"status": [None, status], "rag": [None, rag]},
           summary=f"Progress update on {action.ref}: {status or 'no status'}, {rag or 'not rated'}")
    return progress


@cache
def _action_query() -> Select:
    return (select(Action).where(Action.id == bindparam("action_id"))
            .options(joinedload(Action.plan), joinedload(Action.theme), joinedload(Action.indicator_links),
                     joinedload(Action.carried_from).joinedload(Action.plan)))


@cache
def _people_query() -> Select:
    """The action's owners and supporting leads, each row labelled with which it is."""
    links = union_all(
        select(action_owners.c.user_id, literal("owner").label("part"))
        .where(action_owners.c.action_id == bindparam("action_id")),
        select(action_supporting_leads.c.user_id, literal("supporting").label("part"))
        .where(action_supporting_leads.c.action_id == bindparam("action_id")),
    ).subquery()
    return select(User, links.c.part).join(links, links.c.user_id == User.id).order_by(User.name, User.id)


@cache
def _forums_query() -> Select:
    return (select(Forum).join(action_forums, action_forums.c.forum_id == Forum.id)
            .where(action_forums.c.action_id == bindparam("action_id")).order_by(Forum.name, Forum.id))


def load_action(action_id: int) -> Action | None:
    """One action with what its page shows beside the timeline, in three queries.

    Owners and supporting leads come in one query and forums in another, set on the action as
    if loaded: four selectinloads cost the page more than everything else it reads."""
    params = {"action_id": action_id}
    action = db.session.scalars(_action_query(), params).unique().one_or_none()
    if action is None:
        return None
    people = db.session.execute(_people_query(), params).all()
    set_committed_value(action, "owners", [user for user, part in people if part == "owner"])
    set_committed_value(action, "supporting_leads", [user for user, part in people if part == "supporting"])
    set_committed_value(action, "forums", list(db.session.scalars(_forums_query(), params)))
    return action


@dataclass(frozen=True)
class CarriedCopy:
    id: int
    ref: str
    plan_year: str


@cache
def _carried_copies_query() -> Select:
    return (select(Action.id, Action.ref, Plan.year).join(Plan, Plan.id == Action.plan_id)
            .where(Action.carried_from_id == bindparam("action_id")).order_by(Plan.year, Action.id))


def carried_copies(action_id: int) -> list[CarriedCopy]:
    """Where the action was carried forward to (usually nowhere: one light query)."""
    return [CarriedCopy(*row) for row in db.session.execute(_carried_copies_query(), {"action_id": action_id})]


#: The action page shows this many progress updates and audit events until asked for all.
HISTORY_LENGTH = 20


@dataclass
class History:
    """The latest entries of a long list, and how many there are in all."""

    entries: list
    total: int

    @property
    def partial(self) -> bool:
        return len(self.entries) < self.total


@cache
def _updates_query(limited: bool) -> Select:
    query = (select(ProgressUpdate.posted_at, ProgressUpdate.as_at, ProgressUpdate.status, ProgressUpdate.rag,
                    ProgressUpdate.proposed_rag, ProgressUpdate.rag_reason, ProgressUpdate.narrative,
                    ProgressUpdate.evidence_url, User.name.label("author_name"), func.count().over().label("total"))
             .outerjoin(User, User.id == ProgressUpdate.author_id)
             .where(ProgressUpdate.action_id == bindparam("action_id"))
             .order_by(ProgressUpdate.posted_at.desc(), ProgressUpdate.id.desc()))
    return query.limit(bindparam("limit")) if limited else query


def latest_updates(action_id: int, limit: int | None = HISTORY_LENGTH) -> History:
    """The action's progress updates as rows (with author_name), newest first (limit None: all of them).

    One query, counted in it; plain rows cost the page less than ProgressUpdate objects."""
    rows = db.session.execute(_updates_query(limit is not None), {"action_id": action_id, "limit": limit}).all()
    return History(rows, rows[0].total if rows else 0)


def latest_audit(action_id: int, limit: int | None = HISTORY_LENGTH) -> History:
    """The action's audit events as rows (with actor_name), newest first (limit None: all of them)."""
    return History(*latest_events("action", action_id, limit))
