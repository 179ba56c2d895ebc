"""The year rollover: carry an approved plan's unfinished actions into a draft plan, ready for the year.

The EDI lead chooses the target: a new draft plan for the next financial year, or any draft plan
that exists. Each carried action gets its own next-year "by when" (by default the same date,
month or quarter a year later), owners and forums, and starts with an opening progress update
that keeps its origin's status and RAG, so nothing starts blank or overdue. Copies keep a link to
their origin (`Action.carried_from`), whose history shows on the copy's page; the origin gets the
status CARRIED FORWARD and is closed to updates while its copy exists. An action that already has
a copy is never copied again. Everything is checked before anything is written.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import subqueryload

from tracker import clock, standards
from tracker.actions.by_when import ByWhen, ByWhenKind, YearLater, a_year_later, parse_by_when
from tracker.actions.models import Action, ProgressUpdate
from tracker.actions.rag_rules import propose_rag
from tracker.actions.refs import ref_key
from tracker.actions.service import ActionData, UpdateData, create_action, post_opening_update
from tracker.audit.service import record
from tracker.auth.people import PeopleDirectory, resolve_people, split_people
from tracker.dates import long_date
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.plans.models import Plan, PlanStatus, Theme
from tracker.plans.service import PlanData, add_theme, check_year, create_plan, default_title
from tracker.rag import ACHIEVED_STATUSES, RAG_LABELS

CARRIED_FORWARD = "CARRIED FORWARD"
#: Status words of actions left behind unless the EDI lead ticks them.
NOT_CARRIED_BY_DEFAULT = ACHIEVED_STATUSES | {"CANCELLED"}
#: The opening status of a copy whose origin never had one.
NO_STATUS_YET = "NOT STARTED"
#: As Action.by_when.
BY_WHEN_LENGTH = 200


class RolloverError(DomainError):
    """The rollover or closing could not be done; the message says why."""


@dataclass(frozen=True)
class Problem:
    """Why one row of the rollover table (action_id None: the choice of plan) was refused."""

    action_id: int | None
    field: str
    message: str


class RolloverProblems(RolloverError):
    """Some rows (or the chosen plan) were refused; nothing was copied."""

    def __init__(self, problems: list[Problem]) -> None:
        count = len(problems)
        super().__init__(f"There {'is a problem' if count == 1 else f'are {count} problems'} to put right: "
                         "nothing has been copied.")
        self.problems = problems


@dataclass
class CarryRow:
    """One ticked action and what its copy gets, as typed: owners as names or emails separated by ';'."""

    action_id: int
    by_when: str = ""
    owners: str = ""
    forum_ids: list[int] = field(default_factory=list)


@dataclass
class RolloverResult:
    """The target plan, the (origin, copy) pairs made, and the actions skipped as already carried."""

    target: Plan
    created_plan: bool
    carried: list[tuple[Action, Action]] = field(default_factory=list)
    skipped: list[Action] = field(default_factory=list)

    def summary(self) -> str:
        """'2 actions carried forward to the new 2025-26 draft plan (1.1, 1.3). Skipped 2.1: …'."""
        refs = ", ".join(origin.ref for origin, _ in self.carried)
        made = "new" if self.created_plan else "existing"
        text = (f"{len(self.carried)} action{'' if len(self.carried) == 1 else 's'} carried forward to the "
                f"{made} {self.target.year} draft plan{f' ({refs})' if refs else ''}.")
        by_year: dict[str, list[str]] = defaultdict(list)
        for action in self.skipped:
            by_year[live_copy(action).plan.year].append(action.ref)
        for year, skipped in by_year.items():
            text += f" Skipped {', '.join(skipped)}: already carried forward to {year}, so not copied again."
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
    """Only an approved plan that is not archived rolls over."""
    if plan.is_archived:
        raise RolloverError(f"The {plan.year} plan is archived: restore it before rolling it over.")
    if plan.status == PlanStatus.DRAFT.value:
        raise RolloverError(f"The {plan.year} plan is still a draft: only an approved plan can be rolled over. "
                            "Record its approval (Edit plan and themes) first.")
    if plan.status == PlanStatus.CLOSED.value:
        raise RolloverError(f"The {plan.year} plan is closed: it cannot be rolled over again.")


def live_copy(action: Action) -> Action | None:
    """The copy the action continues as (loaded with plan_actions), if one exists."""
    return action.carried_to[-1] if action.carried_to else None


def carried_by_default(action: Action) -> bool:
    """Ticked at first: not achieved or cancelled, and not carried forward already."""
    return (action.status or "") not in NOT_CARRIED_BY_DEFAULT and live_copy(action) is None


@lru_cache(maxsize=4096)
def _year_later(text: str | None, plan_year: str) -> YearLater:
    """a_year_later, remembered: a plan's by-whens repeat ("Ongoing", "March 2026"), and reading one is
    costly, so the rollover table of a large plan reads each distinct text once."""
    return a_year_later(text, plan_year=plan_year)


def suggested_by_when(action: Action) -> YearLater:
    """The action's by-when a year later, as the table suggests it."""
    return _year_later(action.by_when, action.plan.year)


def suggested_row(action: Action) -> CarryRow:
    """The table row as first shown: by-when a year later, the origin's owners and forums."""
    return CarryRow(action.id, suggested_by_when(action).text, "; ".join(owner.name for owner in action.owners),
                    [forum.id for forum in action.forums])


def plan_actions(plan: Plan, for_table: bool = False) -> list[Action]:
    """The plan's actions in reference order, with what a copy needs and the copies already made
    (for_table: only what the rollover table shows, its owners, forums and copies)."""
    loads = [subqueryload(Action.carried_to).joinedload(Action.plan), subqueryload(Action.owners),
             subqueryload(Action.forums)]
    if not for_table:
        loads += [subqueryload(Action.supporting_leads), subqueryload(Action.measure_links),
                  subqueryload(Action.high_impact_action_links)]
    actions = db.session.scalars(select(Action).where(Action.plan_id == plan.id).options(*loads)).all()
    return sorted(actions, key=lambda a: ref_key(a.ref))


def draft_targets(plan: Plan) -> list[tuple[Plan, int]]:
    """Every draft plan the actions of this plan can be carried into, by year, with its number of actions."""
    size = select(func.count()).where(Action.plan_id == Plan.id).correlate(Plan).scalar_subquery()
    return [(draft, count or 0) for draft, count in db.session.execute(
        select(Plan, size)
        .where(Plan.status == PlanStatus.DRAFT.value, Plan.archived_at.is_(None), Plan.id != plan.id)
        .order_by(Plan.year, Plan.id))]


def default_target(plan: Plan, drafts: list[Plan]) -> Plan | None:
    """Next year's draft plan, when one exists; else None (a new one)."""
    return next((draft for draft in drafts if draft.year == next_year(plan.year)), None)


@lru_cache(maxsize=4096)
def _parsed(text: str, plan_year: str) -> ByWhen:
    return parse_by_when(text, plan_year=plan_year)


def by_when_note(text: str, plan_year: str, today: date) -> str | None:
    """What the table says under a by-when it will not chase as the lead may expect, or None."""
    parsed = _parsed(text, plan_year)
    if parsed.kind == ByWhenKind.UNPARSED:
        return "Not recognised: kept as written, so the action is not chased by deadline. Check it."
    if parsed.kind == ByWhenKind.EMPTY:
        return "No by when: the action is not chased by deadline."
    if parsed.due is not None and parsed.due < today:
        return f"Already past (due {long_date(parsed.due)}): the action would show as overdue."
    return None


def new_plan_refusal(plan: Plan) -> str | None:
    """Why a new draft for next year cannot be made (a plan for that year exists), or None."""
    year = next_year(plan.year)
    other = db.session.scalar(select(Plan).where(Plan.year == year).order_by(Plan.id))
    if other is None:
        return None
    if other.status == PlanStatus.DRAFT.value:
        return (f"There is already a {year} draft plan ({other.title}): choose it rather than making another "
                f"{year} plan.")
    return (f"The {year} plan is already {other.status}: actions can only be carried into a draft plan. "
            f"Set the {year} plan back to draft to carry more actions into it, or choose another draft plan.")


def roll_over(plan: Plan, rows: list[CarryRow], actor, target_id: int | None = None) -> RolloverResult:
    """Copy the ticked actions into the chosen draft plan (target_id None: a new one for next year), once each.

    Every row and the choice of plan are checked before anything is written: any problem
    raises RolloverProblems listing them all. The caller commits.
    """
    check_can_roll_over(plan)
    actions = {action.id: action for action in plan_actions(plan)}
    if any(row.action_id not in actions for row in rows):
        raise RolloverError("Some of the chosen actions are not in this plan: reload the page and choose again.",
                            field="rows")
    if not rows:
        raise RolloverError("Tick the actions to carry forward", field="rows")
    skipped = [actions[row.action_id] for row in rows if live_copy(actions[row.action_id])]
    to_copy = [row for row in rows if not live_copy(actions[row.action_id])]
    problems, data = _check_rows(to_copy, actions)
    target = None
    try:
        target = _target(plan, target_id)
        _check_refs_free(target, [actions[row.action_id] for row in to_copy])
        _check_measures_fit(target, [actions[row.action_id] for row in to_copy])
    except RolloverError as error:
        problems.insert(0, Problem(None, "target", str(error)))
    if problems:
        raise RolloverProblems(problems)
    statuses = _statuses_before(actions[row.action_id] for row in to_copy)
    result = RolloverResult(target=target or _new_plan(plan, actor), created_plan=target is None, skipped=skipped)
    themes = _themes(plan, result.target, actor)
    for row in to_copy:
        origin = actions[row.action_id]
        result.carried.append((origin, _carry(origin, data[row.action_id], statuses[origin.id], result.target,
                                              themes, actor)))
    record(actor, plan, "rolled over", {"to plan": [None, f"{result.target.year}: {result.target.title}"],
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


@dataclass
class _CopyData:
    by_when: str
    owners: list
    forums: list[Forum]


def _check_rows(rows: list[CarryRow], actions: dict[int, Action]) -> tuple[list[Problem], dict[int, _CopyData]]:
    """Each row's problems, and what each copy gets (owners matched to users, forums found)."""
    forums = {forum.id: forum for forum in db.session.scalars(select(Forum))}
    directory = PeopleDirectory() if any(row.owners for row in rows) else None
    problems, data = [], {}
    for row in rows:
        ref = actions[row.action_id].ref
        by_when = (row.by_when or "").strip()
        if len(by_when) > BY_WHEN_LENGTH:
            problems.append(Problem(row.action_id, "by_when", f"The by when for {ref} must be {BY_WHEN_LENGTH} "
                                                               f"characters or fewer (it has {len(by_when)})"))
        owners, unknown = resolve_people(split_people(row.owners), directory)
        if unknown:
            names = ", ".join(f"'{name}'" for name in unknown)
            problems.append(Problem(row.action_id, "owners", f"No user is called {names} (owners of {ref}). "
                                                              "Add them in Admin, Users first, or check the spelling"))
        if any(forum_id not in forums for forum_id in row.forum_ids):
            problems.append(Problem(row.action_id, "forums", f"Choose the forums for {ref} from the list"))
        data[row.action_id] = _CopyData(by_when, owners, [forums[i] for i in dict.fromkeys(row.forum_ids)
                                                          if i in forums])
    return problems, data


def _target(plan: Plan, target_id: int | None) -> Plan | None:
    """The chosen draft plan, or None for a new one (refused when next year's plan exists)."""
    if target_id is None:
        refusal = new_plan_refusal(plan)
        if refusal:
            raise RolloverError(refusal, field="target")
        return None
    target = db.session.get(Plan, target_id)
    if target is None or target.id == plan.id or target.is_archived:
        raise RolloverError("Choose a draft plan from the list, or a new one.", field="target")
    if target.status != PlanStatus.DRAFT.value:
        raise RolloverError(f"The {target.year} plan is already {target.status}: actions can only be carried into a "
                            f"draft plan. Set the {target.year} plan back to draft to carry more actions into it.",
                            field="target")
    return target


def _check_refs_free(target: Plan | None, to_copy: list[Action]) -> None:
    if target is None or not to_copy:
        return
    taken = set(db.session.scalars(select(Action.ref).where(
        Action.plan_id == target.id, Action.ref.in_([a.ref for a in to_copy]))))
    if taken:
        raise RolloverError(f"The {target.year} draft plan already has actions numbered {', '.join(sorted(taken))} "
                            "that were not carried from this plan. Renumber them first; nothing has been copied.",
                            field="target")


def _check_measures_fit(target: Plan | None, to_copy: list[Action]) -> None:
    """A draft plan of another kind must allow the measures the carried actions link to (a new plan is of
    this plan's kind, so always does)."""
    if target is None:
        return
    allowed = standards.standards_of_plan(target.standard)
    misfits = [action.ref for action in to_copy
               if any(standards.measure(code).standard not in allowed for code in action.measures)]
    if misfits:
        raise RolloverError(f"The {target.year} draft plan is a {target.standard_label}, and actions "
                            f"{', '.join(misfits)} link to measures it does not allow. Choose another plan, or change "
                            f"the {target.year} plan's kind first; nothing has been copied.", field="target")


def _statuses_before(origins) -> dict[int, str | None]:
    """Each origin's status as the copy should start with it.

    An origin marked CARRIED FORWARD by hand (or whose copy was deleted) brings the last other
    status its updates gave it: one query for all of them."""
    origins = list(origins)
    statuses = {origin.id: origin.status for origin in origins}
    marked = [origin.id for origin in origins if origin.status == CARRIED_FORWARD]
    if marked:
        statuses.update(dict.fromkeys(marked))
        rows = db.session.execute(
            select(ProgressUpdate.action_id, ProgressUpdate.status)
            .where(ProgressUpdate.action_id.in_(marked), ProgressUpdate.status.is_not(None),
                   ProgressUpdate.status != CARRIED_FORWARD)
            .order_by(ProgressUpdate.posted_at, ProgressUpdate.id))
        statuses.update({action_id: status for action_id, status in rows})
    return statuses


def _new_plan(plan: Plan, actor) -> Plan:
    year = next_year(plan.year)
    title = plan.title.replace(plan.year, year) if plan.year in plan.title else default_title(year, plan.standard)
    return create_plan(PlanData(year=year, title=title, standard=plan.standard,
                                equality_objectives_key=plan.equality_objectives_key,
                                edi_goals_key=plan.edi_goals_key), actor)


def _themes(plan: Plan, target: Plan, actor) -> dict[int, Theme]:
    """This plan's theme ids → the target's themes with the same numbers (added when missing)."""
    by_number = {theme.number: theme for theme in target.themes}
    for theme in plan.themes:
        if theme.number not in by_number:
            by_number[theme.number] = add_theme(target, theme.number, theme.title, actor, notes=theme.notes)
    return {theme.id: by_number[theme.number] for theme in plan.themes}


def _carry(origin: Action, data: _CopyData, status: str | None, target: Plan, themes: dict[int, Theme],
           actor) -> Action:
    copy = create_action(target, ActionData(
        ref=origin.ref, text=origin.text, theme=themes.get(origin.theme_id), category=origin.category,
        outcome=origin.outcome, lead_text=origin.lead_text, by_when=data.by_when, priority=origin.priority,
        equality_objectives=origin.equality_objectives, edi_goals=origin.edi_goals,
        measures=list(origin.measures), high_impact_actions=list(origin.high_impact_actions), owners=data.owners,
        supporting_leads=list(origin.supporting_leads), forums=data.forums,
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
    post_opening_update(copy, opening_update(origin, status, copy.due_on, clock.today()), actor)
    return copy


def opening_update(origin: Action, status: str | None, due_on: date | None, today: date) -> UpdateData:
    """The copy's first update: the origin's status and RAG (as at the origin's RAG date).

    With no status it starts NOT STARTED; with no RAG the rules propose one for the new due date."""
    lines = [f"Carried forward from {origin.plan.year} action {origin.ref}."]
    opening_status = status or NO_STATUS_YET
    as_at = origin.rag_as_at if origin.rag and origin.rag_as_at else today
    if origin.rag:
        rag = origin.rag
        when = f" (as at {long_date(origin.rag_as_at)})" if origin.rag_as_at else ""
        rated = f"{RAG_LABELS[rag]}{when}"
    else:
        proposal = propose_rag(status=opening_status, current_rag=None, due_on=due_on, last_update_on=None,
                               today=today)
        rag = proposal.rag
        rated = None
        unrated = f"It had no RAG rating, so the rules propose {RAG_LABELS[rag]} ({proposal.reason.lower()})."
    if status and rated:
        lines.append(f"Status and RAG kept from there: {status}, {rated}.")
    else:
        lines.append(f"Status kept from there: {status}." if status else
                     f"It had no status, so it starts as {NO_STATUS_YET}.")
        lines.append(f"RAG kept from there: {rated}." if rated else unrated)
    return UpdateData(status=opening_status, rag=rag, narrative=" ".join(lines), as_at=as_at)
