"""Creating a draft plan from the action tables read out of a Word document.

`tracker.reports.docx_reader` reads the tables; this module checks every row first, then
stores the plan, its themes and actions, and flushes. The caller commits once, or rolls
back if anything raised, so a bad document stores nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from tracker import clock, standards
from tracker.actions.service import ActionData, UpdateData, create_actions
from tracker.audit.service import record
from tracker.auth.models import User
from tracker.auth.people import PeopleDirectory, PeopleMatch, person_key
from tracker.errors import DomainError
from tracker.governance.models import Forum
from tracker.governance.service import find_forum
from tracker.plans.importer import default_title, known_lead_texts
from tracker.plans.models import Plan, Theme
from tracker.plans.service import PlanData, add_theme, check_year, create_plan
from tracker.rag import normalise_status
from tracker.reports.docx_reader import ReadAction, ReadPlan, ReadTheme

#: (ReadAction attribute, column name in messages, longest text the database keeps).
LIMITS = (("ref", "Action (reference)", 20), ("by_who", "By who", 300), ("by_when", "By when", 200),
          ("objectives", "Links to equality objectives", 100), ("goals", "Links to EDI goals", 100))
PRIORITY_WORDS = {"must": "Must", "should": "Should", "could": "Could"}
REASON = re.compile(r"^\s*reason:\s*", re.I)
FORUM_SEPARATORS = re.compile(r"[;\n]+")
NO_REASON = "No reason given in the imported document"
MAX_STATUS = 40


class DocxImportError(DomainError):
    """The document's rows cannot be stored; `problems` says where and why."""

    def __init__(self, label: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{label}: {'; '.join(problems)}")


@dataclass
class DocxImportResult:
    """What an import from Word created, and what it could not link."""

    plan: Plan | None
    themes: int
    actions: int
    updates: int
    unknown_people: list[str] = field(default_factory=list)
    unmatched_forums: list[str] = field(default_factory=list)
    numbered: list[str] = field(default_factory=list)
    warnings: tuple[str, ...] = ()
    guesses: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        """One line per fact worth telling the user."""
        lines = [f"Imported {self.actions} action{'' if self.actions == 1 else 's'} in {self.themes} "
                 f"theme{'' if self.themes == 1 else 's'}, with {self.updates} progress comment"
                 f"{'' if self.updates == 1 else 's'}."]
        if self.unknown_people:
            lines.append("No user matches these 'By who' names, so they are not made owners (the text is kept as "
                         "written as the action lead): "
                         + "; ".join(self.unknown_people))
        if self.unmatched_forums:
            lines.append("No forum matches these 'Where reported' entries, so they are not linked: "
                         + "; ".join(self.unmatched_forums))
        if self.numbered:
            lines.append("Actions without a reference were numbered " + ", ".join(self.numbered))
        if self.guesses:
            lines.append("Owners matched by a guess, to check: " + "; ".join(self.guesses))
        return lines + list(self.warnings)


def check_read_plan(read: ReadPlan) -> list[str]:
    """Every problem that would stop the import, each naming its table, row and column."""
    actions = [action for theme in read.themes for action in theme.actions]
    if not actions:
        return ["the action table has a header row but no action rows under it"]
    problems = []
    first_seen: dict[str, ReadAction] = {}
    for action in actions:
        where = f"table {action.table}, row {action.row}"
        if not action.text.strip():
            problems.append(f"{where}, column 'Action': the action's text is empty")
        for attribute, column, limit in LIMITS:
            if len(getattr(action, attribute)) > limit:
                problems.append(f"{where}, column '{column}': longer than {limit} characters")
        if action.ref and action.ref in first_seen:
            seen = first_seen[action.ref]
            problems.append(f"{where}: action {action.ref} appears twice (also table {seen.table}, row {seen.row})")
        first_seen.setdefault(action.ref, action)
    return problems


@dataclass
class PreviewAction:
    """One action as it will be stored: every field, with owners and forums as matched now."""

    read: ReadAction
    ref: str
    owners: list[str]
    supporting: list[str]
    unmatched_people: list[str]
    forums: list[str]
    status: str | None
    cancelled_reason: str
    history: int


@dataclass
class DocxPreview:
    """What "Create plan" would store, and every loss or guess, before anything is stored."""

    themes: list[tuple[ReadTheme, str, list[PreviewAction]]]
    warnings: list[str]

    @property
    def count(self) -> int:
        return sum(len(actions) for _theme, _number, actions in self.themes)


def preview_read_plan(read: ReadPlan) -> DocxPreview:
    """The plan as it would be imported now, with every warning the import would give (stores nothing)."""
    numbers = theme_numbers(read.themes)
    result = DocxImportResult(plan=None, themes=0, actions=0, updates=0, warnings=read.warnings)
    refs = _refs(read.themes, numbers, result)
    directory = PeopleDirectory(known_lead_texts())
    themes = []
    for read_theme, number in zip(read.themes, numbers):
        actions = []
        for action in read_theme.actions:
            people = _people(action, directory, result)
            result.warnings += action.notes
            status, narrative = _status(action)
            reason = _reason(narrative)[0] if status == "CANCELLED" else ""
            _note_no_reason(action, reason, result)
            _priority(action, result)
            forums = _forums(action.forums, result)
            updates = _updates(action, narrative if status != "CANCELLED" else _reason(narrative)[1], directory)
            actions.append(PreviewAction(
                read=action, ref=refs[(action.table, action.row)], owners=[u.name for u in people.owners],
                supporting=[u.name for u in people.supporting], unmatched_people=people.unknown,
                forums=[forum.name for forum in forums], status=status, cancelled_reason=reason,
                history=len(updates)))
        themes.append((read_theme, number, actions))
    return DocxPreview(themes, result.summary_lines()[1:])


def import_read_plan(read: ReadPlan, *, year: str, title: str | None, actor, filename: str) -> DocxImportResult:
    """Create a draft plan with the themes and actions read from a Word document.

    Raises DocxImportError (the rows) or PlanError (the year) before anything is written.
    """
    year = check_year(year)
    problems = check_read_plan(read)
    if problems:
        raise DocxImportError(filename, problems)
    standard = standard_of_read(read)
    plan = create_plan(PlanData(year=year, title=(title or "").strip() or default_title(year, standard),
                                standard=standard), actor)
    result = DocxImportResult(plan=plan, themes=0, actions=0, updates=0, warnings=read.warnings)
    numbers = theme_numbers(read.themes)
    refs = _refs(read.themes, numbers, result)
    themes = _themes(plan, read.themes, numbers, actor)
    result.themes = len({theme.id for theme in themes if theme is not None})
    directory = PeopleDirectory(known_lead_texts())
    items = [_action_items(action, refs[(action.table, action.row)], theme, result, directory)
             for read_theme, theme in zip(read.themes, themes) for action in read_theme.actions]
    create_actions(plan, items, actor)
    result.actions += len(items)
    result.updates += sum(len(updates) for _data, updates in items)
    record(actor, plan, "imported", {"file": [None, filename], "actions": [None, result.actions],
                                     "themes": [None, result.themes],
                                     "progress updates": [None, result.updates],
                                     "warnings": [None, result.summary_lines()[1:]]},
           summary=f"Imported {result.actions} actions from {filename}")
    return result


def standard_of_read(read: ReadPlan) -> str:
    """The kind of plan the document's measures need: combined (WRES indicators and WDES metrics), WDES
    (only WDES metrics, or a WDES metric column) or WRES."""
    found = {code.split(":")[0] for theme in read.themes for action in theme.actions for code in action.measures}
    if "wdes_metrics" in read.columns:
        found.add(standards.WDES)
    if found >= {standards.WRES, standards.WDES}:
        return standards.COMBINED
    return standards.WDES if standards.WDES in found else standards.WRES


def theme_numbers(read_themes: tuple[ReadTheme, ...]) -> list[str]:
    """Each read theme's number; a titled theme without one gets the next unused number, rows before any theme ''."""
    spare = max((int(t.number) for t in read_themes if t.number.isdigit()), default=0)
    numbers = []
    for theme in read_themes:
        if not theme.number and theme.title:
            spare += 1
        numbers.append(theme.number or (str(spare) if theme.title else ""))
    return numbers


def _refs(read_themes: tuple[ReadTheme, ...], numbers: list[str],
          result: DocxImportResult) -> dict[tuple[int, int], str]:
    """Each row's reference; rows without one get the next free '<theme>.<n>' (or '<n>')."""
    used = {a.ref for theme in read_themes for a in theme.actions if a.ref}
    refs: dict[tuple[int, int], str] = {}
    for theme, number in zip(read_themes, numbers):
        prefix, count = f"{number}." if number else "", 0
        for action in theme.actions:
            ref = action.ref
            if not ref:
                count += 1
                while f"{prefix}{count}" in used:
                    count += 1
                ref = f"{prefix}{count}"
                used.add(ref)
                result.numbered.append(ref)
            refs[(action.table, action.row)] = ref
    return refs


def _themes(plan: Plan, read_themes: tuple[ReadTheme, ...], numbers: list[str], actor) -> list[Theme | None]:
    """The stored theme of each read theme: a number seen twice is one theme; no number, no theme."""
    stored: dict[str, Theme] = {}
    for theme, number in zip(read_themes, numbers):
        if number and number not in stored:
            stored[number] = add_theme(plan, number, theme.title or f"Theme {number}", actor)
    return [stored.get(number) if number else None for number in numbers]


def _people(read: ReadAction, directory: PeopleDirectory, result: DocxImportResult) -> PeopleMatch:
    match = directory.match(read.by_who)
    result.unknown_people += [name for name in match.unknown if name not in result.unknown_people]
    result.guesses += [guess for guess in match.guesses if guess not in result.guesses]
    return match


def _action_items(read: ReadAction, ref: str, theme: Theme | None, result: DocxImportResult,
                  directory: PeopleDirectory) -> tuple[ActionData, list[UpdateData]]:
    """The action a row stores and its progress updates, oldest first (the latest brings its status and RAG)."""
    people = _people(read, directory, result)
    result.warnings += read.notes
    status, narrative = _status(read)
    reason, narrative = _reason(narrative) if status == "CANCELLED" else ("", narrative)
    _note_no_reason(read, reason, result)
    data = ActionData(
        ref=ref, text=read.text, theme=theme, outcome=read.outcome, lead_text=read.by_who, by_when=read.by_when,
        priority=_priority(read, result), equality_objectives=read.objectives, edi_goals=read.goals,
        status=status, rag=read.rag, cancelled_reason=reason, indicators=list(read.indicators),
        measures=list(read.measures), high_impact_actions=list(read.high_impact_actions),
        owners=people.owners, supporting_leads=people.supporting, forums=_forums(read.forums, result),
    )
    updates = _updates(read, narrative, directory)
    last = len(updates) - 1
    return data, [UpdateData(status=status if position == last else None, rag=read.rag if position == last else None,
                             narrative=text, rag_reason=read.rag_reason if position == last else "", as_at=day,
                             author=author)
                  for position, (day, text, author) in enumerate(updates)]


def _updates(read: ReadAction, narrative: str, directory: PeopleDirectory) -> list[tuple[date, str, User | None]]:
    """(day, text, author) of each progress update to post, oldest first.

    Each dated comment is an update on its day, its author the user named in "(Name)" after it
    (kept in the text when nobody has that name); the undated text is one update dated today,
    unless it repeats the latest dated comment. A RAG reason with no text at all becomes the text.
    """
    updates: list[tuple[date, str, User | None]] = []
    for comment in read.history:
        author = directory.names.get(person_key(comment.author)) if comment.author else None
        text = comment.text if author or not comment.author else f"{comment.text} ({comment.author})"
        updates.append((comment.on, text, author))
    if narrative and not (updates and " ".join(narrative.split()) == " ".join(updates[-1][1].split())):
        updates.append((clock.today(), narrative, None))
    if not updates and read.rag_reason:
        updates.append((clock.today(), f"RAG {read.rag or ''}: {read.rag_reason}".replace(" :", ":"), None))
    return updates


def _note_no_reason(read: ReadAction, reason: str, result: DocxImportResult) -> None:
    if reason == NO_REASON:
        result.warnings += (f"Table {read.table}, row {read.row}: CANCELLED with no reason or comments; the reason "
                            f"is recorded as '{NO_REASON}'",)


def _status(read: ReadAction) -> tuple[str | None, str]:
    """The status word, or None with the word kept in the narrative when it is too long to be one."""
    status = normalise_status(read.status)
    if status and len(status) > MAX_STATUS:
        return None, f"{read.status}\n{read.comments}".strip()
    return status, read.comments.strip()


def _reason(narrative: str) -> tuple[str, str]:
    """('reason', 'rest') from comments holding a 'Reason: …' line; the comments are the reason otherwise."""
    lines = narrative.split("\n")
    found = [line for line in lines if REASON.match(line)]
    if found:
        rest = "\n".join(line for line in lines if line not in found).strip()
        return REASON.sub("", found[0]).strip() or NO_REASON, rest
    return narrative or NO_REASON, ""


def _priority(read: ReadAction, result: DocxImportResult) -> str | None:
    if not read.priority:
        return None
    word = PRIORITY_WORDS.get(read.priority.strip().lower())
    if word is None:
        result.warnings += (f"Table {read.table}, row {read.row}, column 'Must / Should / Could': "
                            f"'{read.priority}' is not Must, Should or Could; left blank",)
    return word


def _forums(text: str, result: DocxImportResult) -> list[Forum]:
    forums: list[Forum] = []
    for name in (part.strip() for part in FORUM_SEPARATORS.split(text)):
        forum = find_forum(name) if name else None
        if forum is not None and forum not in forums:
            forums.append(forum)
        elif forum is None and name and name not in result.unmatched_forums:
            result.unmatched_forums.append(name)
    return forums
