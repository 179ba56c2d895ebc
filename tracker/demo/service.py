"""Loading the demo: the trust's published plans, moved onto the current financial year, with a year
in progress: dated updates, forum members, meetings with agendas and reviews, and published WRES figures;
beside them an illustrative WDES plan and WDES year (the trust's WDES report is not among the sources).

Everything goes through the services the app uses; the caller commits once.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from tracker import clock, standards
from tracker.actions.models import Action
from tracker.actions.service import ActionData, UpdateData, create_action, post_update
from tracker.admin.service import update_settings
from tracker.auth.models import User
from tracker.auth.service import create_user
from tracker.demo.calendar import financial_year_start, move_date, move_years, year_bounds, year_label, years_moved
from tracker.demo.figures import enter_published_figures
from tracker.demo.meetings import TRUST_BOARD, add_forums, hold_council_meetings
from tracker.demo.story import STUCK, Story, updates_so_far
from tracker.demo.wdes import load_wdes_year
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.plans.models import Plan, PlanStatus
from tracker.plans.service import PlanData, add_theme, create_plan, note_demo_data

DEMO_FILE = Path(__file__).parent / "data" / "demo.json"
SIGN_IN_ROLES = ("admin", "owner", "reviewer", "viewer")
#: The plan is approved at the Trust Board's last meeting before its year starts, and at least this
#: many days before the demo is loaded, so the Inclusion Council has met on it since.
APPROVED_DAYS_AGO = 60


@dataclass
class DemoYear:
    """Where the demo's plans land: today, and how many years the published dates move."""

    today: date
    years: int

    @property
    def start(self) -> int:
        """The calendar year the current financial year starts in."""
        return financial_year_start(self.today)


def demo_loaded() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Plan)))


def load_demo(password: str, path: Path = DEMO_FILE, today: date | None = None) -> list[User]:
    """Load users, forums, plans with their year so far, meetings, WRES figures and the WDES year;
    returns the users who can sign in (one per role)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    today = today or clock.today()
    year = DemoYear(today, years_moved(data["plans"][0]["year"], today))
    update_settings(data["organisation"], actor=None)
    users = _load_users(data["users"], password)
    forums = add_forums(data["forums"], users, today)
    stuck: list[Action] = []
    for plan_data in data["plans"]:
        _load_plan(plan_data, users, forums, year, stuck)
    hold_council_meetings(forums, _named(users, data["users"], "reviewer"), today, escalate=stuck)
    enter_published_figures()
    load_wdes_year()
    return [users[row["name"]] for row in data["users"] if row.get("sign_in")]


def _named(users: dict[str, User], rows: list[dict], role: str) -> User:
    """The sign-in user with this role."""
    return next(users[row["name"]] for row in rows if row.get("sign_in") and row["role"] == role)


def _load_users(rows: list[dict], password: str) -> dict[str, User]:
    """Everyone the plans name; only the sign-in users get the password (others are sent a link)."""
    return {row["name"]: create_user(
        email=row.get("email"), name=row["name"], role=row.get("role") or "owner", job_title=row.get("job_title"),
        password=password if row.get("sign_in") else None, active=row.get("active", True), actor=None,
    ) for row in rows}


def _approved_on(row: dict, forums: dict[str, Forum], year: DemoYear) -> date | None:
    """The approved plan: the Trust Board's last meeting before its year starts (and 60 days ago)."""
    if row["status"] != PlanStatus.APPROVED.value:
        return date.fromisoformat(row["approved_on"]) if row.get("approved_on") else None
    latest = min(year_bounds(year.start)[0], year.today - timedelta(days=APPROVED_DAYS_AGO))
    meetings = [m.held_on for m in forums[TRUST_BOARD].meetings if m.held_on <= latest]
    return max(meetings, default=latest)


def _load_plan(row: dict, users: dict[str, User], forums: dict[str, Forum], year: DemoYear,
               stuck: list[Action]) -> Plan:
    start = int(row["year"][:4]) + year.years
    label = year_label(start)
    plan = create_plan(PlanData(
        year=label, title=row["title"].replace(row["year"], label), status=row["status"],
        approved_on=_approved_on(row, forums, year), approved_by=forums.get(row.get("approved_by") or ""),
        equality_objectives_key=_numbered(row.get("equality_objectives_key", [])),
        edi_goals_key=_numbered(row.get("edi_goals_key", [])), standard=row.get("standard", standards.WRES),
    ), actor=None)
    note_demo_data(plan, _note(row, label, year.years))
    last_day = year_bounds(start)[1]
    for theme_row in row["themes"]:
        theme = add_theme(plan, theme_row["number"], theme_row["title"], None, notes=theme_row.get("notes") or "")
        for action_row in theme_row["actions"]:
            action = _load_action(plan, theme, action_row, users, forums, year, last_day)
            if "story" in action_row:
                _live_the_year(action, Story.from_dict(action_row["story"]), users, year, plan.approved_on)
                if action_row["story"]["kind"] == STUCK:
                    stuck.append(action)
    return plan


def _note(row: dict, label: str, years: int) -> str:
    """What the plan's overview says: that it is demo data, and how its dates were moved."""
    if years:
        moved = (f"with its dates moved {abs(years)} year{'s' if abs(years) != 1 else ''} "
                 f"{'later' if years > 0 else 'earlier'} so that it runs in {label}")
    else:
        moved = "with its dates as published"
    if row.get("illustrative"):
        return (f"Demo data: an illustrative {row['year']} WDES plan, not the trust's (the demo's sources are the "
                f"trust's WRES reports), written in the style of published WDES action plans, {moved}. Its actions, "
                "progress updates, forum reviews and meetings are illustrative.")
    if row["status"] == PlanStatus.CLOSED.value:
        return (f"Demo data: the trust's published {row['year']} priorities and their progress, {moved}; "
                "the progress is dated the last day of the year and the texts are as published.")
    return (f"Demo data: the trust's published {row['year']} plan, {moved} (its year, title and by-when dates; "
            "the action texts are as published). The progress updates, forum reviews and meetings are "
            "illustrative, not the trust's.")


def _moved_day(text: str | None, year: DemoYear, last_day: date) -> date | None:
    """A date of the published plan, moved; a closed plan's dates fall no later than its last day."""
    return min(move_date(date.fromisoformat(text), year.years), last_day) if text else None


def _load_action(plan: Plan, theme, row: dict, users: dict[str, User], forums: dict[str, Forum],
                 year: DemoYear, last_day: date) -> Action:
    action = create_action(plan, ActionData(
        ref=row["ref"], text=row["text"], theme=theme, category=row.get("category"),
        outcome=row.get("outcome") or "", lead_text=row.get("lead_text") or "",
        by_when=move_years(row.get("by_when") or "", year.years),
        priority=row.get("priority"), equality_objectives=row.get("equality_objectives") or "",
        edi_goals=row.get("edi_goals") or "", status=row.get("status"), rag=row.get("rag"),
        rag_as_at=_moved_day(row.get("rag_as_at"), year, last_day),
        indicators=row.get("indicators", []), measures=row.get("measures", []),
        high_impact_actions=row.get("high_impact_actions", []),
        owners=[users[name] for name in row.get("owners", [])],
        supporting_leads=[users[name] for name in row.get("supporting_leads", [])],
        forums=[forums[name] for name in row.get("forums", [])],
    ), actor=None)
    for update in sorted(row.get("updates", []), key=lambda u: u["on"]):
        post_update(action, UpdateData(status=update.get("status"), rag=update.get("rag"), narrative=update["text"],
                                       as_at=_moved_day(update["on"], year, last_day)),
                    users.get(update.get("author") or ""), historical=True)
    return action


def _live_the_year(action: Action, story: Story, users: dict[str, User], year: DemoYear, approved_on: date) -> None:
    """Post the story's updates so far, by its first owner who can sign in or be reminded (else the EDI lead)."""
    author = next((person for person in [*action.owners, *action.supporting_leads] if person.active and person.email),
                  next(user for user in users.values() if user.role == "admin"))
    for planned in updates_so_far(story, action.due_on, year.today, approved_on + timedelta(days=1), action.position):
        post_update(action, UpdateData(status=planned.status, rag=planned.rag, narrative=planned.text,
                                       as_at=planned.on), author, historical=True)


def _numbered(lines: list[str]) -> str:
    return "\n".join(f"{number}. {text}" for number, text in enumerate(lines, start=1))
