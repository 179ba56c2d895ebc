"""Loading the demo: the real 2024-25 plan and 2023-24 progress from the published report."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from tracker.actions.service import ActionData, UpdateData, create_action, post_update
from tracker.admin.service import update_settings
from tracker.auth.models import User
from tracker.auth.service import create_user
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.governance.service import add_meeting, create_forum
from tracker.plans.models import Plan
from tracker.plans.service import PlanData, add_theme, create_plan

DEMO_FILE = Path(__file__).parent / "data" / "demo.json"
SIGN_IN_ROLES = ("admin", "owner", "reviewer", "viewer")


def demo_loaded() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Plan)))


def load_demo(password: str, path: Path = DEMO_FILE) -> list[User]:
    """Load users, forums, plans and updates; returns the users who can sign in."""
    data = json.loads(path.read_text(encoding="utf-8"))
    update_settings(data["organisation"], actor=None)
    users = _load_users(data["users"], password)
    forums = _load_forums(data["forums"])
    for plan_data in data["plans"]:
        _load_plan(plan_data, users, forums)
    return [user for user in users.values() if user.email and user.active]


def _load_users(rows: list[dict], password: str) -> dict[str, User]:
    users = {}
    for row in rows:
        signs_in = bool(row.get("email")) and row.get("active", True)
        users[row["name"]] = create_user(
            email=row.get("email"), name=row["name"], role=row.get("role") or "owner",
            job_title=row.get("job_title"), password=password if signs_in else None,
            active=row.get("active", True), actor=None,
        )
    return users


def _load_forums(rows: list[dict]) -> dict[str, Forum]:
    forums = {row["name"]: create_forum(row["name"], None, short_name=row.get("short_name"),
                                        description=row.get("description") or "") for row in rows}
    for row in rows:
        if row.get("parent"):
            forums[row["name"]].parent = forums[row["parent"]]
        for held_on in row.get("meetings", []):
            add_meeting(forums[row["name"]], date.fromisoformat(held_on), None)
    return forums


def _load_plan(row: dict, users: dict[str, User], forums: dict[str, Forum]) -> Plan:
    plan = create_plan(PlanData(
        year=row["year"], title=row["title"], status=row["status"],
        approved_on=date.fromisoformat(row["approved_on"]) if row.get("approved_on") else None,
        approved_by=forums.get(row.get("approved_by") or ""),
        equality_objectives_key=_numbered(row.get("equality_objectives_key", [])),
        edi_goals_key=_numbered(row.get("edi_goals_key", [])),
    ), actor=None)
    for theme_row in row["themes"]:
        theme = add_theme(plan, theme_row["number"], theme_row["title"], None, notes=theme_row.get("notes") or "")
        for action_row in theme_row["actions"]:
            _load_action(plan, theme, action_row, users, forums)
    return plan


def _load_action(plan, theme, row: dict, users: dict[str, User], forums: dict[str, Forum]) -> None:
    action = create_action(plan, ActionData(
        ref=row["ref"], text=row["text"], theme=theme, category=row.get("category"),
        outcome=row.get("outcome") or "", lead_text=row.get("lead_text") or "", by_when=row.get("by_when") or "",
        priority=row.get("priority"), equality_objectives=row.get("equality_objectives") or "",
        edi_goals=row.get("edi_goals") or "", status=row.get("status"), rag=row.get("rag"),
        rag_as_at=date.fromisoformat(row["rag_as_at"]) if row.get("rag_as_at") else None,
        indicators=row.get("indicators", []),
        owners=[users[name] for name in row.get("owners", [])],
        supporting_leads=[users[name] for name in row.get("supporting_leads", [])],
        forums=[forums[name] for name in row.get("forums", [])],
    ), actor=None)
    for update in sorted(row.get("updates", []), key=lambda u: u["on"]):
        post_update(action, UpdateData(status=update.get("status"), rag=update.get("rag"), narrative=update["text"],
                                       as_at=date.fromisoformat(update["on"])),
                    users.get(update.get("author") or ""), historical=True)


def _numbered(lines: list[str]) -> str:
    return "\n".join(f"{number}. {text}" for number, text in enumerate(lines, start=1))
