"""One email (HTML and plain text, from templates) out of a person's reminder items."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app

from tracker.rag import RAG_LABELS
from tracker.reminders.facts import ActionLine, Digest, DueItem, MeetingFacts, date_text
from tracker.reminders.rules import DEADLINE, DIGEST, OVERDUE, STALE, UPDATE_NUDGE, UPDATE_REQUEST

SUBJECT_PREFIX = "WRES action plan: "


@dataclass(frozen=True)
class Section:
    rule: str
    heading: str
    intro: str
    lines: tuple[ActionLine, ...]


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


class Links:
    """Web addresses in emails, built from BASE_URL."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")

    def action(self, action_id: int) -> str:
        return f"{self.base}/actions/{action_id}"

    def update(self, action_id: int) -> str:
        return f"{self.base}/actions/{action_id}/update"

    @property
    def preferences(self) -> str:
        return f"{self.base}/reminders/preferences"

    @property
    def home(self) -> str:
        return f"{self.base}/"


def _meeting_words(meeting: MeetingFacts) -> str:
    return f"the {meeting.forum_name} on {date_text(meeting.held_on)}"


def _meeting_section(item: DueItem) -> Section:
    words = _meeting_words(item.meeting)
    if item.rule == UPDATE_REQUEST:
        return Section(item.rule, f"Update your actions before {words}",
                       f"The {item.meeting.forum_name} meets on {date_text(item.meeting.held_on)} and will review "
                       "these actions. Please post a progress update on each one before then.", item.lines)
    return Section(item.rule, f"Reminder: update your actions before {words}",
                   "We asked you to update these actions and they have not been updated since. "
                   f"The {item.meeting.forum_name} meets on {date_text(item.meeting.held_on)}.", item.lines)


SIMPLE_SECTIONS = {
    OVERDUE: ("Overdue actions", "These actions are past their due date. Post an update saying where each one "
                                 "is, or ask the EDI lead to agree a new date."),
    DEADLINE: ("Actions due soon", "These actions are due soon. Post an update when you have made progress, "
                                   "or mark them achieved."),
    STALE: ("Actions with no recent update", "These actions have had no progress update for a while. "
                                             "Post an update so the forum can see where they are."),
}


def sections_for(items: list[DueItem]) -> list[Section]:
    """Meeting requests first, then overdue, due soon and stale actions (each action once per heading)."""
    sections = [_meeting_section(i) for i in items if i.rule in (UPDATE_REQUEST, UPDATE_NUDGE) and i.lines]
    for rule, (heading, intro) in SIMPLE_SECTIONS.items():
        lines: dict[int, ActionLine] = {}
        for item in items:
            if item.rule == rule:
                lines.update({line.action_id: line for line in item.lines if line.action_id not in lines})
        if lines:
            sections.append(Section(rule, heading, intro, tuple(lines.values())))
    return sections


def _count(n: int, words: str) -> str:
    return f"{n} action{'' if n == 1 else 's'} {words}"


def subject_for(sections: list[Section], digest: Digest | None) -> str:
    """'WRES action plan: update your actions before the Inclusion Council on 14 November 2024; 2 actions overdue'."""
    parts = []
    for section in sections:
        if section.rule in (UPDATE_REQUEST, UPDATE_NUDGE):
            parts.append(section.heading[0].lower() + section.heading[1:])
        else:
            parts.append(_count(len(section.lines), {OVERDUE: "overdue", DEADLINE: "due soon",
                                                     STALE: "with no recent update"}[section.rule]))
    if digest is not None:
        parts.append("weekly digest")
    return (SUBJECT_PREFIX + "; ".join(parts))[:300]


def render_email(recipient_name: str, items: list[DueItem], *, base_url: str, trust_name: str, today: date,
                 copy_after_days: int | None = None) -> Email | None:
    """The email for these items, or None when nothing in them is left to say."""
    sections = sections_for(items)
    digests = [i.digest for i in items if i.rule == DIGEST and i.digest is not None]
    digest = digests[0] if digests else None
    if not sections and digest is None:
        return None
    context = {
        "name": recipient_name, "sections": sections, "digest": digest, "links": Links(base_url),
        "trust_name": trust_name, "today": today, "date_text": date_text,
        "rag_label": lambda rag: RAG_LABELS.get(rag, "Not rated"),
        "copied_after": copy_after_days if any(i.copy_admins for i in items) else None,
    }
    env = current_app.jinja_env
    return Email(subject=subject_for(sections, digest),
                 text=env.get_template("reminders/email/reminder.txt").render(context).strip() + "\n",
                 html=env.get_template("reminders/email/reminder.html").render(context))
