"""Plans and themes: creating, editing and listing them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tracker.actions.by_when import plan_year_bounds
from tracker.audit.service import diff, record
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.plans.models import Plan, PlanStatus, Theme

PLAN_FIELDS = ("year", "title", "status", "approved_on", "approved_by", "equality_objectives_key", "edi_goals_key")
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
    values = {name: getattr(plan, name) for name in PLAN_FIELDS if name != "approved_by"}
    values["approved_by"] = plan.approved_by.name if plan.approved_by else None
    return values


def _apply(plan: Plan, data: PlanData) -> None:
    if not data.title.strip():
        raise PlanError("Enter the plan's title")
    if data.status not in {s.value for s in PlanStatus}:
        raise PlanError("Status must be draft, approved or closed")
    plan.year = check_year(data.year)
    plan.title = data.title.strip()
    plan.status = data.status
    plan.approved_on = data.approved_on
    plan.approved_by = data.approved_by
    plan.equality_objectives_key = (data.equality_objectives_key or "").strip()
    plan.edi_goals_key = (data.edi_goals_key or "").strip()


def create_plan(data: PlanData, actor) -> Plan:
    plan = Plan()
    _apply(plan, data)
    db.session.add(plan)
    db.session.flush()
    record(actor, plan, "created", diff({}, _snapshot(plan)), summary=f"Plan {plan.year} created")
    return plan


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
