"""Creating a plan from an imported file, and the rows of a plan for export.

Reading and checking the file is `file_reader`'s job; this module stores what it read, in one
go, and flushes. The caller commits once, or rolls back if anything raised.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import joinedload, subqueryload

from tracker import clock, standards
from tracker.actions.by_when import ByWhenKind
from tracker.actions.models import Action, action_owners, action_supporting_leads
from tracker.actions.refs import ref_key
from tracker.actions.service import ActionData, UpdateData, create_actions
from tracker.audit.service import record
from tracker.auth.models import Role, User
from tracker.auth.people import PeopleDirectory, person_key
from tracker.auth.service import create_user
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.governance.service import create_forum, find_forum
from tracker.plans import file_writer
from tracker.plans.file_reader import PlanFile, PlanRow, read_plan, standard_of_rows
from tracker.plans.models import Plan, Theme
from tracker.plans.service import PlanData, add_theme, check_year, create_plan, default_title
from tracker.spreadsheets import Problem
from tracker.uploads import unpack_limits

EMAIL = re.compile(r"[^@\s;]+@[^@\s;]+\.[^@\s;]+")
RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue"}


@dataclass
class ImportResult:
    """What an import created."""

    plan: Plan
    actions: int
    themes: int
    updates: int
    new_people: list[str] = field(default_factory=list)
    new_forums: list[str] = field(default_factory=list)
    unparsed_by_when: list[str] = field(default_factory=list)
    #: What was guessed or not kept, one sentence each ("Row 4, cancelled_reason: …").
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """'Imported 29 actions in 4 themes; 3 new people were added as inactive users: …'."""
        parts = [f"Imported {_count(self.actions, 'action')} in {_count(self.themes, 'theme')}"
                 + ("" if self.plan.standard == standards.WRES else f" into a {self.plan.standard_label}")]
        if self.new_people:
            parts.append(f"{_count(len(self.new_people), 'new person', 'new people')} "
                         f"{'was' if len(self.new_people) == 1 else 'were'} added as inactive users: "
                         f"{', '.join(self.new_people)}")
        if self.new_forums:
            parts.append(f"{_count(len(self.new_forums), 'new forum')} "
                         f"{'was' if len(self.new_forums) == 1 else 'were'} added as inactive: "
                         f"{', '.join(self.new_forums)}")
        text = "; ".join(parts) + "."
        if self.unparsed_by_when:
            text += (f" The 'by when' of {', '.join(self.unparsed_by_when)} could not be read as a date; "
                     "it is kept as written.")
        if self.warnings:
            text += " Check: " + " ".join(warning.rstrip(".") + "." for warning in self.warnings)
        return text


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def import_plan(rows_or_file: list[PlanRow] | bytes | BinaryIO, *, year: str, title: str | None,
                actor: User | None, filename: str) -> ImportResult:
    """Create a draft plan with its themes, actions, owners and forums from a file or its rows.

    Raises file_reader.TransferError (the file), PlanError (the year) or ActionError; nothing is
    committed here, so the caller rolls back and nothing is stored.
    """
    rows, warnings = _rows(rows_or_file, filename)
    year = check_year(year)
    # The plan is the kind of plan the file was read for, or the kind its measures need.
    standard = rows_or_file.standard if isinstance(rows_or_file, PlanFile) else standard_of_rows(rows)
    plan = create_plan(PlanData(year=year, title=(title or "").strip() or default_title(year, standard),
                                standard=standard), actor)
    themes = _add_themes(plan, rows, actor)
    people, new_people, guesses = _people(rows, actor)
    forums, new_forums = _forums(rows, actor)
    actions = create_actions(plan, [(_action_data(row, themes, people, forums), _update_data(row)) for row in rows],
                             actor)
    unparsed = [action.ref for action in actions if action.by_when_kind == ByWhenKind.UNPARSED.value]
    updates = sum(1 for row in rows if row.progress)
    result = ImportResult(plan, len(rows), len(themes), updates, new_people, new_forums, unparsed,
                          [w.describe(with_file=False) for w in warnings] + guesses)
    record(actor, plan, "imported", {
        "warnings": [None, result.warnings],
        "file": [None, filename], "actions": [None, len(rows)], "themes": [None, len(themes)],
        "progress updates": [None, updates], "new people": [None, new_people], "new forums": [None, new_forums],
    }, summary=f"Imported {len(rows)} actions from {filename}")
    return result


def _update_data(row: PlanRow) -> list[UpdateData]:
    """The row's progress text as an update dated as at its RAG date (else today), if it has any."""
    if not row.progress:
        return []
    return [UpdateData(status=row.status, rag=row.rag, narrative=row.progress, as_at=row.rag_as_at or clock.today())]


def _rows(rows_or_file, filename: str) -> tuple[list[PlanRow], list[Problem]]:
    if isinstance(rows_or_file, PlanFile):
        return rows_or_file.rows, rows_or_file.warnings
    if isinstance(rows_or_file, list):
        return rows_or_file, []
    content = rows_or_file if isinstance(rows_or_file, bytes) else rows_or_file.read()
    read = read_plan(content, filename, unpack=unpack_limits())
    return read.rows, read.warnings


def _add_themes(plan: Plan, rows: list[PlanRow], actor) -> dict[str, Theme]:
    themes: dict[str, Theme] = {}
    for row in rows:
        if row.theme_number and row.theme_number not in themes:
            themes[row.theme_number] = add_theme(plan, row.theme_number, row.theme_title, actor)
    return themes


@dataclass
class _Named:
    """The users one owners or supporting_leads name stands for."""

    owners: list[User]
    supporting: list[User]

    @property
    def users(self) -> list[User]:
        return self.owners + self.supporting


def known_lead_texts() -> dict[str, tuple[list[User], list[User]]]:
    """Lead texts already used in the trust's plans ("PG & LF") → the owners and supporting leads they
    were given, where every action using the text agrees (two queries for the links, one for the users)."""
    rows = db.session.execute(select(Action.id, Action.lead_text).where(Action.lead_text != "")).all()
    owners = _links(action_owners)
    supporting = _links(action_supporting_leads)
    users = {user.id: user for user in db.session.scalars(select(User))} if rows else {}
    found: dict[str, tuple[tuple[int, ...], tuple[int, ...]] | None] = {}
    for action_id, text in rows:
        people = (tuple(owners.get(action_id, ())), tuple(supporting.get(action_id, ())))
        key = person_key(text)
        if not people[0]:
            continue
        found[key] = people if found.get(key, people) == people else None
    return {key: ([users[i] for i in people[0]], [users[i] for i in people[1]])
            for key, people in found.items() if people is not None}


def _links(table) -> dict[int, list[int]]:
    links: dict[int, list[int]] = {}
    for action_id, user_id in db.session.execute(select(table.c.action_id, table.c.user_id)
                                                 .order_by(table.c.action_id, table.c.user_id)):
        links.setdefault(action_id, []).append(user_id)
    return links


def _people(rows: list[PlanRow], actor) -> tuple[dict[str, _Named], list[str], list[str]]:
    """Everyone named, by lower-case name (see PeopleDirectory: "PG & LF" is two people); texts
    matching nobody are added as inactive owners. Also returns the guesses made, to show."""
    names = {name.lower(): name for row in rows for name in (*row.owners, *row.supporting_leads)}
    directory = PeopleDirectory(known_lead_texts())
    people: dict[str, _Named] = {}
    created: dict[str, User] = {}
    guesses: list[str] = []
    for key, name in names.items():
        match = directory.match(name)
        guesses += [guess for guess in match.guesses if guess not in guesses]
        for unknown in match.unknown:
            if unknown.lower() not in created:
                is_email = bool(EMAIL.fullmatch(unknown))
                created[unknown.lower()] = create_user(email=unknown if is_email else None, name=unknown,
                                                       role=Role.OWNER.value, actor=actor, active=False)
            match.add([created[unknown.lower()]], False)
        people[key] = _Named(match.owners, match.supporting)
    return people, [user.name for user in created.values()], guesses


@dataclass
class PlanPreview:
    """What importing a read file would do, worked out without storing anything."""

    rows: list[PlanRow]
    owners: dict[int, list[str]]
    supporting: dict[int, list[str]]
    warnings: list[str]
    new_people: list[str]
    new_forums: list[str]
    #: The kind of plan the import creates (`standards.PLAN_STANDARDS`).
    standard: str = standards.WRES

    @property
    def standard_label(self) -> str:
        return standards.PLAN_STANDARDS[self.standard]


def preview_plan(read: PlanFile) -> PlanPreview:
    """The people and forums each row would get, and every warning the import would give."""
    directory = PeopleDirectory(known_lead_texts())
    matches = {name.lower(): directory.match(name)
               for row in read.rows for name in (*row.owners, *row.supporting_leads)}
    guesses = list(dict.fromkeys(guess for match in matches.values() for guess in match.guesses))
    new_people = list(dict.fromkeys(text for match in matches.values() for text in match.unknown))
    owners, supporting = {}, {}
    for row in read.rows:
        owners[row.row] = list(dict.fromkeys(
            [u.name for name in row.owners for u in matches[name.lower()].owners]
            + [text for name in row.owners for text in matches[name.lower()].unknown]))
        supporting[row.row] = list(dict.fromkeys(
            [u.name for name in row.owners for u in matches[name.lower()].supporting]
            + [u.name for name in row.supporting_leads for u in matches[name.lower()].users]
            + [text for name in row.supporting_leads for text in matches[name.lower()].unknown]))
    new_forums = list(dict.fromkeys(name for row in read.rows for name in row.forums if find_forum(name) is None))
    return PlanPreview(read.rows, owners, supporting, [w.describe(with_file=False) for w in read.warnings] + guesses,
                       new_people, new_forums, read.standard)


def _forums(rows: list[PlanRow], actor) -> tuple[dict[str, Forum], list[str]]:
    names = {name.lower(): name for row in rows for name in row.forums}
    forums: dict[str, Forum] = {}
    created: list[str] = []
    for key, name in names.items():
        forum = find_forum(name)
        if forum is None:
            forum = create_forum(name, actor, active=False)
            created.append(forum.name)
        forums[key] = forum
    return forums, created


def _action_data(row: PlanRow, themes: dict[str, Theme], people: dict[str, _Named],
                 forums: dict[str, Forum]) -> ActionData:
    owners = list(dict.fromkeys(user for name in row.owners for user in people[name.lower()].owners))
    supporting = list(dict.fromkeys(
        [user for name in row.owners for user in people[name.lower()].supporting]
        + [user for name in row.supporting_leads for user in people[name.lower()].users]))
    return ActionData(
        ref=row.ref, text=row.action, theme=themes.get(row.theme_number), category=row.category,
        outcome=row.outcome, lead_text=row.lead_text, by_when=row.by_when, priority=row.priority,
        equality_objectives=row.equality_objectives, edi_goals=row.edi_goals, status=row.status,
        rag=row.rag, rag_as_at=row.rag_as_at, cancelled_reason=row.cancelled_reason,
        indicators=row.indicators, measures=list(row.measures), high_impact_actions=list(row.high_impact_actions),
        owners=owners, supporting_leads=[user for user in supporting if user not in owners],
        forums=[forums[name.lower()] for name in row.forums],
    )


def plan_rows(plan: Plan) -> list[dict[str, str]]:
    """One row per action, in ref order, in the import/export format."""
    actions = db.session.scalars(
        select(Action).where(Action.plan_id == plan.id).options(
            joinedload(Action.theme), subqueryload(Action.owners), subqueryload(Action.supporting_leads),
            subqueryload(Action.forums), subqueryload(Action.measure_links), subqueryload(Action.updates),
            subqueryload(Action.high_impact_action_links),
        )
    ).all()
    return [action_row(action) for action in sorted(actions, key=lambda a: ref_key(a.ref))]


def action_rows(action_ids: list[int]) -> list[dict[str, str]]:
    """The actions as rows of the export, in the order of `action_ids` (a list page's order)."""
    actions = {action.id: action for action in db.session.scalars(
        select(Action).where(Action.id.in_(action_ids)).options(
            joinedload(Action.theme), subqueryload(Action.owners), subqueryload(Action.supporting_leads),
            subqueryload(Action.forums), subqueryload(Action.measure_links), subqueryload(Action.updates),
            subqueryload(Action.high_impact_action_links)))}
    return [action_row(actions[action_id]) for action_id in action_ids if action_id in actions]


def export_file(action_ids: list[int], extension: str, note: str | None = None) -> bytes:
    """The actions, in this order, as a CSV or Excel file of the import's columns (`note`: Excel's first line)."""
    rows = action_rows(action_ids)
    return file_writer.write_csv(rows) if extension == "csv" else file_writer.write_xlsx(rows, note)


def action_row(action: Action) -> dict[str, str]:
    """An action as text cells, named like the file's columns."""
    latest = action.updates[0] if action.updates else None
    return {
        "ref": action.ref, "theme": action.theme.label if action.theme else "", "action": action.text,
        "measures": "; ".join(action.measure_names),
        "high_impact_actions": "; ".join(f"HIA {n}" for n in action.high_impact_actions),
        "owners": "; ".join(user.name for user in action.owners),
        "by_when": action.by_when, "outcome": action.outcome,
        "forums": "; ".join(forum.name for forum in action.forums),
        "priority": action.priority or "", "rag": RAG_WORDS.get(action.rag or "", ""),
        "status": action.status or "", "progress": latest.narrative if latest else "",
        "supporting_leads": "; ".join(user.name for user in action.supporting_leads),
        "lead_text": action.lead_text, "equality_objectives": action.equality_objectives,
        "edi_goals": action.edi_goals, "category": action.category or "",
        "rag_as_at": action.rag_as_at.isoformat() if action.rag_as_at else "",
        "cancelled_reason": action.cancelled_reason,
    }
