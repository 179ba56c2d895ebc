"""The year rollover: carry an approved plan's unfinished actions into next year's draft plan.

Carried actions keep a link to their origin (`Action.carried_from`), so last year's full
history stays one click away; the origin gets the status CARRIED FORWARD. An action that
already has a copy in the target plan is never copied again.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import subqueryload

from tracker.actions.models import Action
from tracker.actions.refs import ref_key
from tracker.actions.service import ActionData, create_action
from tracker.audit.service import record
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.plans.models import Plan, PlanStatus, Theme
from tracker.plans.service import PlanData, add_theme, check_year, create_plan
from tracker.rag import ACHIEVED_STATUSES

CARRIED_FORWARD = "CARRIED FORWARD"
#: Status words of actions left behind unless the EDI lead ticks them.
NOT_CARRIED_BY_DEFAULT = ACHIEVED_STATUSES | {"CANCELLED", CARRIED_FORWARD}


class RolloverError(DomainError):
    """The rollover or closing could not be done; the message says why."""


@dataclass
class RolloverResult:
    """The next year's plan, the (origin, copy) pairs made, and the actions skipped as already carried."""

    target: Plan
    created_plan: bool
    carried: list[tuple[Action, Action]] = field(default_factory=list)
    skipped: list[Action] = field(default_factory=list)

    def summary(self) -> str:
        """'2 actions carried forward to the 2025-26 draft plan (1.1, 1.3). Skipped 2.1: …'."""
        refs = ", ".join(origin.ref for origin, _ in self.carried)
        made = "new" if self.created_plan else "existing"
        text = (f"{len(self.carried)} action{'' if len(self.carried) == 1 else 's'} carried forward to the "
                f"{made} {self.target.year} draft plan{f' ({refs})' if refs else ''}.")
        if self.skipped:
            text += (f" Skipped {', '.join(a.ref for a in self.skipped)}: already carried forward to "
                     f"{self.target.year}, so not copied again.")
        return text


def next_year(year: str) -> str:
    """'2024-25' → '2025-26'."""
    start = int(check_year(year)[:4]) + 1
    return f"{start}-{(start + 1) % 100:02d}"


def previous_year(year: str) -> str:
    """'2024-25' → '2023-24'."""
    start = int(check_year(year)[:4]) - 1
    return f"{start}-{(start + 1) % 100:02d}"


def check_can_roll_over(plan: Plan) -> None:
    """Only an approved plan rolls over."""
    if plan.status == PlanStatus.DRAFT.value:
        raise RolloverError(f"The {plan.year} plan is still a draft: only an approved plan can be rolled over. "
                            "Record its approval (Edit plan and themes) first.")
    if plan.status == PlanStatus.CLOSED.value:
        raise RolloverError(f"The {plan.year} plan is closed: it cannot be rolled over again.")


def carried_by_default(action: Action) -> bool:
    """Everything not achieved, cancelled or already carried forward."""
    return (action.status or "") not in NOT_CARRIED_BY_DEFAULT


def choice_label(action: Action, target_year: str) -> str:
    """'1.3 Develop… (PROGRESS MADE, amber)', noting a copy already in next year's plan."""
    text = action.text if len(action.text) <= 120 else action.text[:117].rstrip() + "…"
    state = ", ".join(part for part in (action.status, action.rag) if part) or "no status"
    copies = [c for c in action.carried_to if c.plan.year == target_year]
    note = f" – already carried forward to {target_year} as {copies[0].ref}" if copies else ""
    return f"{action.ref} {text} ({state}){note}"


def plan_actions(plan: Plan) -> list[Action]:
    """The plan's actions in reference order, with what a copy needs and the copies already made."""
    actions = db.session.scalars(
        select(Action).where(Action.plan_id == plan.id).options(
            subqueryload(Action.carried_to).joinedload(Action.plan), subqueryload(Action.owners),
            subqueryload(Action.supporting_leads), subqueryload(Action.forums),
            subqueryload(Action.indicator_links),
        )
    ).all()
    return sorted(actions, key=lambda a: ref_key(a.ref))


def target_plan(plan: Plan) -> Plan | None:
    """Next year's draft plan, if one exists (the rollover reuses it)."""
    return db.session.scalar(select(Plan).where(Plan.year == next_year(plan.year),
                                                Plan.status == PlanStatus.DRAFT.value).order_by(Plan.id))


def roll_over(plan: Plan, action_ids: list[int], actor) -> RolloverResult:
    """Copy the chosen actions into next year's draft plan (made if needed), once each.

    Everything is checked before anything is written; the caller commits.
    """
    check_can_roll_over(plan)
    chosen = [a for a in plan_actions(plan) if a.id in set(action_ids)]
    if len(chosen) != len(set(action_ids)):
        raise RolloverError("Some of the chosen actions are not in this plan: reload the page and choose again.")
    target = target_plan(plan)
    _check_target_year(plan, target)
    already = _already_carried(target, chosen)
    to_copy = [a for a in chosen if a.id not in already]
    _check_refs_free(target, to_copy)
    result = RolloverResult(target=target or _new_plan(plan, actor), created_plan=target is None)
    themes = _themes(plan, result.target, actor)
    for origin in to_copy:
        result.carried.append((origin, _carry(origin, result.target, themes, actor)))
    result.skipped = [a for a in chosen if a.id in already]
    record(actor, plan, "rolled over", {"to plan": [None, result.target.year],
                                        "carried": [None, [o.ref for o, _ in result.carried]],
                                        "skipped": [None, [a.ref for a in result.skipped]]},
           summary=result.summary())
    db.session.flush()
    return result


def close_plan(plan: Plan, actor) -> Plan:
    """Close an approved plan once its year is over."""
    if plan.status != PlanStatus.APPROVED.value:
        raise RolloverError(f"Only an approved plan can be closed: the {plan.year} plan is {plan.status}.")
    plan.status = PlanStatus.CLOSED.value
    db.session.flush()
    record(actor, plan, "closed", {"status": [PlanStatus.APPROVED.value, PlanStatus.CLOSED.value]},
           summary=f"Plan {plan.year} closed")
    return plan


def _check_target_year(plan: Plan, target: Plan | None) -> None:
    if target is not None:
        return
    year = next_year(plan.year)
    other = db.session.scalar(select(Plan).where(Plan.year == year))
    if other is not None:
        raise RolloverError(f"The {year} plan is already {other.status}: actions can only be carried into a draft "
                            f"plan. Set the {year} plan back to draft to carry more actions into it.")


def _already_carried(target: Plan | None, chosen: list[Action]) -> set[int]:
    if target is None or not chosen:
        return set()
    return set(db.session.scalars(select(Action.carried_from_id).where(
        Action.plan_id == target.id, Action.carried_from_id.in_([a.id for a in chosen]))))


def _check_refs_free(target: Plan | None, to_copy: list[Action]) -> None:
    if target is None or not to_copy:
        return
    taken = set(db.session.scalars(select(Action.ref).where(
        Action.plan_id == target.id, Action.ref.in_([a.ref for a in to_copy]))))
    if taken:
        raise RolloverError(f"The {target.year} draft plan already has actions numbered {', '.join(sorted(taken))} "
                            "that were not carried from this plan. Renumber them first; nothing has been copied.")


def _new_plan(plan: Plan, actor) -> Plan:
    year = next_year(plan.year)
    title = plan.title.replace(plan.year, year) if plan.year in plan.title else f"WRES action plan {year}"
    return create_plan(PlanData(year=year, title=title, equality_objectives_key=plan.equality_objectives_key,
                                edi_goals_key=plan.edi_goals_key), actor)


def _themes(plan: Plan, target: Plan, actor) -> dict[int, Theme]:
    """This plan's theme ids → the target's themes with the same numbers (added when missing)."""
    by_number = {theme.number: theme for theme in target.themes}
    for theme in plan.themes:
        if theme.number not in by_number:
            by_number[theme.number] = add_theme(target, theme.number, theme.title, actor, notes=theme.notes)
    return {theme.id: by_number[theme.number] for theme in plan.themes}


def _carry(origin: Action, target: Plan, themes: dict[int, Theme], actor) -> Action:
    copy = create_action(target, ActionData(
        ref=origin.ref, text=origin.text, theme=themes.get(origin.theme_id), category=origin.category,
        outcome=origin.outcome, lead_text=origin.lead_text, by_when=origin.by_when, priority=origin.priority,
        equality_objectives=origin.equality_objectives, edi_goals=origin.edi_goals,
        indicators=list(origin.indicators), owners=list(origin.owners),
        supporting_leads=list(origin.supporting_leads), forums=list(origin.forums),
    ), actor)
    copy.carried_from = origin
    before = origin.status
    origin.status = CARRIED_FORWARD
    db.session.flush()
    label = f"{target.year} action {copy.ref}"
    record(actor, origin, "carried forward", {"status": [before, CARRIED_FORWARD], "carried to": [None, label]},
           summary=f"Action {origin.ref} carried forward to {label}")
    record(actor, copy, "carried forward", {"carried from": [None, f"{origin.plan.year} action {origin.ref}"]},
           summary=f"Carried forward from {origin.plan.year} action {origin.ref}")
    return copy
