"""Plans and themes: creating, editing, archiving, restoring and deleting them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import aliased

from tracker import clock, standards
from tracker.actions.by_when import plan_year_bounds
from tracker.actions.models import Action, ActionMeasure, ProgressUpdate
from tracker.audit.service import diff, record
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.plans.models import Plan, PlanStatus, Theme
from tracker.reviews.models import AgendaItem, ForumReview

#: The audit verb of the note the demo loader leaves on each plan it loads: the overview shows it.
DEMO_DATA = "demo data"
PLAN_FIELDS = ("year", "title", "standard", "status", "approved_on", "approved_by", "equality_objectives_key", "edi_goals_key")
YEAR_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


class PlanError(DomainError):
    """The plan could not be saved; the message says why."""


class PlanChanged(PlanError):
    def __init__(self) -> None:
        super().__init__("This plan changed since you opened it: someone else saved it in the meantime. "
                         "Your changes have not been saved. Check the plan as it is now and make your changes again.")


@dataclass
class PlanData:
    year: str
    title: str
    status: str = PlanStatus.DRAFT.value
    #: "wres", "wdes" or "combined" (`tracker.standards.PLAN_STANDARDS`).
    standard: str = standards.WRES
    approved_on: date | None = None
    approved_by: Forum | None = None
    equality_objectives_key: str = ""
    edi_goals_key: str = ""


def check_year(year: str) -> str:
    """'2024-25' is a valid plan year; '2024-26' and '24-25' are not."""
    year = (year or "").strip()
    match = YEAR_PATTERN.match(year)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise PlanError(f"'{year}' is not a plan year: write it like 2024-25")
    plan_year_bounds(year)
    return year


def _snapshot(plan: Plan) -> dict:
    values = {name: getattr(plan, name) for name in PLAN_FIELDS if name not in ("approved_by", "standard")}
    values["approved_by"] = plan.approved_by.name if plan.approved_by else None
    values["standard"] = standards.PLAN_STANDARDS.get(plan.standard, plan.standard)
    return values


def _apply(plan: Plan, data: PlanData) -> None:
    if not data.title.strip():
        raise PlanError("Enter the plan's title")
    if data.status not in {s.value for s in PlanStatus}:
        raise PlanError("Status must be draft, approved or closed")
    if data.standard not in standards.PLAN_STANDARDS:
        raise PlanError("Choose whether it is a WRES plan, a WDES plan or a combined EDI plan", field="standard")
    if plan.id is not None and data.standard != plan.standard:
        _check_standard_change(plan, data.standard)
    plan.year = check_year(data.year)
    plan.title = data.title.strip()
    plan.standard = data.standard
    plan.status = data.status
    plan.approved_on = data.approved_on
    plan.approved_by = data.approved_by
    plan.equality_objectives_key = (data.equality_objectives_key or "").strip()
    plan.edi_goals_key = (data.edi_goals_key or "").strip()


def _check_standard_change(plan: Plan, standard: str) -> None:
    """Refuse a kind of plan whose standards leave out measures the plan's actions link to, naming them."""
    allowed = standards.standards_of_plan(standard)
    rows = db.session.execute(
        select(Action.ref, ActionMeasure.standard, ActionMeasure.measure)
        .join(ActionMeasure, ActionMeasure.action_id == Action.id)
        .where(Action.plan_id == plan.id, ActionMeasure.standard.not_in(allowed))
        .order_by(Action.ref_order, Action.id)).all()
    if not rows:
        return
    refs = list(dict.fromkeys(ref for ref, _standard, _key in rows))
    kinds = " and ".join(f"{standards.abbreviation(s)} {'indicators' if s == standards.WRES else 'metrics'}"
                         for s in sorted({s for _ref, s, _key in rows}))
    which = f"action {refs[0]} links" if len(refs) == 1 else f"actions {', '.join(refs)} link"
    raise PlanError(f"The plan cannot become a {standards.PLAN_STANDARDS[standard]}: {which} to {kinds}, which "
                    f"it would not allow. Remove those links from the actions first, or make it a combined EDI plan.",
                    field="standard")



def default_title(year: str, standard: str = standards.WRES) -> str:
    """ "WRES action plan 2025-26", "WDES action plan 2025-26" or "EDI action plan 2025-26"."""
    return f"{standards.plan_word(standard)} action plan {year}"

def create_plan(data: PlanData, actor) -> Plan:
    plan = Plan()
    _apply(plan, data)
    db.session.add(plan)
    db.session.flush()
    record(actor, plan, "created", diff({}, _snapshot(plan)), summary=f"Plan {plan.year} created")
    return plan


def note_demo_data(plan: Plan, note: str) -> None:
    """Say in the plan's audit trail that it is demo data, and how (the overview shows `note`)."""
    record(None, plan, DEMO_DATA, {}, summary=note)


def update_plan(plan: Plan, data: PlanData, actor, expected_version: int) -> Plan:
    if plan.version != expected_version:
        raise PlanChanged()
    before = _snapshot(plan)
    _apply(plan, data)
    changes = diff(before, _snapshot(plan))
    if changes:
        db.session.flush()
        record(actor, plan, "updated", changes, summary=f"Plan {plan.year} edited")
    return plan


def add_theme(plan: Plan, number: str, title: str, actor, notes: str = "") -> Theme:
    number, title = (number or "").strip().rstrip("."), " ".join((title or "").split())
    if not number or not title:
        raise PlanError("Enter the theme's number and title")
    if any(theme.number == number for theme in plan.themes):
        raise PlanError(f"This plan already has a theme {number}")
    theme = Theme(plan=plan, number=number, title=title, notes=notes, position=len(plan.themes))
    db.session.add(theme)
    db.session.flush()
    record(actor, plan, "theme added", {"theme": [None, f"{number}. {title}"]})
    return theme


def update_theme(theme: Theme, number: str, title: str, actor) -> Theme:
    number, title = (number or "").strip().rstrip("."), " ".join((title or "").split())
    if not number or not title:
        raise PlanError("Enter the theme's number and title")
    if any(other.number == number and other.id != theme.id for other in theme.plan.themes):
        raise PlanError(f"This plan already has a theme {number}")
    before = theme.label
    theme.number, theme.title = number, title
    if before != theme.label:
        record(actor, theme.plan, "theme edited", {"theme": [before, theme.label]})
    return theme


#: What to do instead of deleting, at the end of every refusal.
ARCHIVE_INSTEAD = "Archive it instead: an archived plan is hidden from lists and reminders, and can be restored."


def archive_plan(plan: Plan, actor) -> Plan:
    """Hide the plan from lists, My actions, forums, agendas, reminders and calendars; nothing is removed."""
    if plan.is_archived:
        raise PlanError(f"The {plan.year} plan is already archived.")
    plan.archived_at = clock.utcnow()
    plan.archived_by_id = getattr(actor, "id", None)
    db.session.flush()
    record(actor, plan, "archived", {"archived": [False, True]}, summary=f"Plan {plan.year} archived: {plan.title}")
    return plan


def restore_plan(plan: Plan, actor) -> Plan:
    """Undo archive_plan: the plan is listed, reviewed and reminded of again."""
    if not plan.is_archived:
        raise PlanError(f"The {plan.year} plan is not archived, so there is nothing to restore.")
    plan.archived_at = None
    plan.archived_by_id = None
    db.session.flush()
    record(actor, plan, "restored", {"archived": [True, False]}, summary=f"Plan {plan.year} restored: {plan.title}")
    return plan


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _refs(refs: list[str], limit: int = 5) -> str:
    shown = ", ".join(refs[:limit])
    return shown + (f" and {len(refs) - limit} more" if len(refs) > limit else "")


def _its_actions(rows) -> str:
    """'its action 1.1 was', 'its actions 1.1, 1.2 were' (each action once)."""
    refs = list(dict.fromkeys(ref for ref, _year in rows))
    return f"its action {refs[0]} was" if len(refs) == 1 else f"its actions {_refs(refs)} were"


def _years(rows) -> str:
    """'the 2024-25 plan', 'the 2024-25 and 2025-26 plans'."""
    years = sorted({year for _ref, year in rows})
    return f"the {' and '.join(years)} plan{'' if len(years) == 1 else 's'}"


def _count_on_actions(model, plan: Plan) -> int:
    return db.session.scalar(select(func.count()).select_from(model).join(Action, Action.id == model.action_id)
                             .where(Action.plan_id == plan.id))


def deletion_blockers(plan: Plan) -> list[str]:
    """Why the plan cannot be deleted ([] when it can): only a draft whose deletion loses no history.

    Progress updates, forum reviews and agenda items are the record of work and meetings, and an
    action carried forward links two years' plans: any of them means archive, not delete."""
    reasons = []
    if plan.status != PlanStatus.DRAFT.value:
        reasons.append(f"it is {plan.status}, and only a draft plan can be deleted")
    updates = _count_on_actions(ProgressUpdate, plan)
    if updates:
        reasons.append(f"{_plural(updates, 'progress update')} {'has' if updates == 1 else 'have'} "
                       "been posted on its actions")
    reviews = _count_on_actions(ForumReview, plan)
    if reviews:
        reasons.append(f"a forum has recorded {_plural(reviews, 'review')} of its actions")
    items = _count_on_actions(AgendaItem, plan)
    if items:
        reasons.append(f"its actions are on meeting agendas ({_plural(items, 'agenda item')})")
    other = aliased(Action)
    carried_from = db.session.execute(
        select(Action.ref, Plan.year).join(other, other.id == Action.carried_from_id)
        .join(Plan, Plan.id == other.plan_id).where(Action.plan_id == plan.id).order_by(Action.ref_order)).all()
    if carried_from:
        reasons.append(f"{_its_actions(carried_from)} carried forward from {_years(carried_from)}")
    carried_to = db.session.execute(
        select(Action.ref, Plan.year).join(other, other.carried_from_id == Action.id)
        .join(Plan, Plan.id == other.plan_id)
        .where(Action.plan_id == plan.id, other.plan_id != plan.id).order_by(Action.ref_order)).all()
    if carried_to:
        reasons.append(f"{_its_actions(carried_to)} carried forward to {_years(carried_to)}")
    return reasons


def deletion_refusal(plan: Plan, reasons: list[str]) -> str:
    """'The 2024-25 plan cannot be deleted: it is approved, …; and …. Archive it instead: …'."""
    listed = reasons[0] if len(reasons) == 1 else "; ".join(reasons[:-1]) + "; and " + reasons[-1]
    return f"The {plan.year} plan cannot be deleted: {listed}. {ARCHIVE_INSTEAD}"


@dataclass(frozen=True)
class DeletedPlan:
    """What was deleted, for the message that says so."""

    year: str
    title: str
    actions: int
    themes: int


def delete_plan(plan: Plan, actor) -> DeletedPlan:
    """Delete a draft plan, its themes and its actions (with their owners, forums and indicators).

    The plan's actions are locked first, so an update posted meanwhile either lands before the
    check (and refuses the deletion) or waits and fails. The audit event is written before the
    rows go; it keeps the plan's id, year, title and size (ids are never reused, see migration
    0008)."""
    action_ids = list(db.session.scalars(select(Action.id).where(Action.plan_id == plan.id).with_for_update()))
    reasons = deletion_blockers(plan)
    if reasons:
        raise PlanError(deletion_refusal(plan, reasons))
    deleted = DeletedPlan(plan.year, plan.title, len(action_ids),
                          db.session.scalar(select(func.count()).select_from(Theme).where(Theme.plan_id == plan.id)))
    record(actor, plan, "deleted",
           {"year": [deleted.year, None], "title": [deleted.title, None], "actions": [deleted.actions, None],
            "themes": [deleted.themes, None]},
           summary=f"Plan {deleted.year} deleted with its {_plural(deleted.actions, 'action')} and "
                   f"{_plural(deleted.themes, 'theme')}: {deleted.title}")
    db.session.flush()
    db.session.execute(delete(Action).where(Action.plan_id == plan.id))
    db.session.execute(delete(Theme).where(Theme.plan_id == plan.id))
    db.session.expire(plan, ["themes", "actions"])
    db.session.delete(plan)
    db.session.flush()
    return deleted
