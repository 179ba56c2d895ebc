"""One email (HTML and plain text, from templates) out of a person's reminder items."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from flask import current_app

from tracker.rag import RAG_LABELS
from tracker.reminders.facts import ActionLine, Digest, DigestUpdate, DueItem, MeetingFacts, date_text
from tracker.reminders.rules import (
    DEADLINE,
    DIGEST,
    OVERDUE,
    STALE,
    UPDATE_NUDGE,
    UPDATE_REQUEST,
    deadline_note,
)

#: The subject's opening, by the kinds of plan the email's actions are in: one kind names it, any other
#: mix (or an email about no action) names the service.
SUBJECT_PREFIXES = {frozenset({"wres"}): "WRES action plan: ", frozenset({"wdes"}): "WDES action plan: ",
                    frozenset({"combined"}): "EDI action plan: "}
SUBJECT_PREFIX = "WRES and WDES action plans: "


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


def _one_or_many(lines: tuple, one: str, many: str) -> str:
    return one if len(lines) == 1 else many


def _meeting_section(item: DueItem) -> Section:
    words, meeting, lines = _meeting_words(item.meeting), item.meeting, item.lines
    meets = f"The {meeting.forum_name} meets on {date_text(meeting.held_on)}"
    if item.rule == UPDATE_REQUEST:
        return Section(item.rule, f"Update your actions before {words}", _one_or_many(
            lines, f"{meets} and will review this action. Please post a progress update on it before then.",
            f"{meets} and will review these actions. Please post a progress update on each one before then."), lines)
    return Section(item.rule, f"Reminder to update your actions before {words}", _one_or_many(
        lines, f"We asked you to update this action and it has not been updated since. {meets}.",
        f"We asked you to update these actions and they have not been updated since. {meets}."), lines)


#: Heading and introduction of each owner section, for one action and for several.
SIMPLE_SECTIONS = {
    OVERDUE: (("Overdue action", "Overdue actions"),
              ("This action is past its due date. Post an update saying where it is, or ask the EDI lead to "
               "agree a new date.",
               "These actions are past their due date. Post an update saying where each one is, or ask the EDI "
               "lead to agree a new date.")),
    DEADLINE: (("Action due soon", "Actions due soon"),
               ("This action is due soon. Post an update when you have made progress, or mark it achieved.",
                "These actions are due soon. Post an update when you have made progress, or mark them achieved.")),
    STALE: (("Action with no recent update", "Actions with no recent update"),
            ("This action has had no progress update for a while. Post an update so the forum can see where it is.",
             "These actions have had no progress update for a while. Post an update so the forum can see where "
             "they are.")),
}


def _as_of(line: ActionLine, rule: str, today: date | None) -> ActionLine:
    """A due-soon line counts its days from the day the email is written (it may have been held)."""
    if rule != DEADLINE or today is None or line.due_on is None:
        return line
    return replace(line, note=deadline_note(line.due_on, today))


def sections_for(items: list[DueItem], today: date | None = None) -> list[Section]:
    """Meeting requests first, then overdue, due soon and stale actions (each action once per heading)."""
    sections = [_meeting_section(i) for i in items if i.rule in (UPDATE_REQUEST, UPDATE_NUDGE) and i.lines]
    for rule, (headings, intros) in SIMPLE_SECTIONS.items():
        lines: dict[int, ActionLine] = {}
        for item in items:
            if item.rule == rule:
                lines.update({line.action_id: _as_of(line, rule, today) for line in item.lines
                              if line.action_id not in lines})
        if lines:
            index = 0 if len(lines) == 1 else 1
            sections.append(Section(rule, headings[index], intros[index], tuple(lines.values())))
    return sections


def _count(n: int, words: str) -> str:
    return f"{n} action{'' if n == 1 else 's'} {words}"


def digest_title(today: date) -> str:
    """'Weekly digest, 4 November 2024'."""
    return f"Weekly digest, {date_text(today)}"


def subject_prefix(sections: list[Section], digest: Digest | None) -> str:
    """'WDES action plan: ' when every action the email names is in a WDES plan ('WRES action plan: ',
    'EDI action plan: ' for a combined plan's); 'WRES and WDES action plans: ' for a mix."""
    lines = [line for section in sections for line in section.lines]
    if digest is not None:
        lines += [*digest.overdue, *digest.red, *digest.stale, *digest.cannot_remind, *digest.updates]
    return SUBJECT_PREFIXES.get(frozenset(line.plan_standard for line in lines), SUBJECT_PREFIX)


def subject_for(sections: list[Section], digest: Digest | None, today: date) -> str:
    """'WRES action plan: update your actions before the Inclusion Council on 14 November 2024; 2 actions overdue'."""
    parts = []
    for section in sections:
        if section.rule in (UPDATE_REQUEST, UPDATE_NUDGE):
            parts.append(section.heading[0].lower() + section.heading[1:])
        else:
            parts.append(_count(len(section.lines), {OVERDUE: "overdue", DEADLINE: "due soon",
                                                     STALE: "with no recent update"}[section.rule]))
    if digest is not None:
        title = digest_title(today)
        parts.append(title[0].lower() + title[1:])
    return (subject_prefix(sections, digest) + "; ".join(parts))[:300]


def names_text(names: list[str] | tuple[str, ...]) -> str:
    """'Ama Owusu', 'Ama Owusu and Ben Cole', 'Ama Owusu, Ben Cole and Cleo Dee'."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def standing(status: str | None, rag: str | None) -> str:
    """'Status: PROGRESS MADE. RAG: Amber.': what is not set is left out ('' when neither is)."""
    parts = [f"Status: {status}." if status else "", f"RAG: {RAG_LABELS.get(rag, rag)}." if rag else ""]
    return " ".join(part for part in parts if part)


def line_detail(line: ActionLine) -> str:
    """'Due on 31 December 2024: 14 days to go. Status: ON TRACK. RAG: Green.', or '' when there is nothing to say."""
    return " ".join(part for part in (f"{line.note}." if line.note else "", standing(line.status, line.rag)) if part)


def owners_text(line: ActionLine, recipient_name: str | None = None) -> str:
    """'Owners: Ama Owusu and Ben Cole'; '' for an action whose only owner is the person reading."""
    owners = line.owners.split("; ") if line.owners else []
    if not owners or owners == [recipient_name]:
        return ""
    return f"{'Owner' if len(owners) == 1 else 'Owners'}: {names_text(owners)}"


def update_heading(update: DigestUpdate) -> str:
    """'WRES action 1.1 (2024-25), updated by Ama Owusu on 6 November 2024. Status: ON TRACK. RAG: Green.'"""
    by = f" by {update.author}" if update.author else ""
    return " ".join(part for part in (f"{update.kind} action {update.ref} ({update.plan_year}), updated{by} on "
                                      f"{date_text(update.posted_at)}.", standing(update.status, update.rag)) if part)


def copied_sentence(copied: list[str] | tuple[str, ...], copy_after_days: int | None) -> str:
    """Why the people in copy are copied ('' when nobody is)."""
    if not copied:
        return ""
    verb = "is" if len(copied) == 1 else "are"
    how_long = f"for {copy_after_days} days or more" if copy_after_days else "for a long time"
    return f"{names_text(copied)} {verb} copied on this email because an action has been overdue {how_long}."


def digest_parts(digest: Digest) -> list[tuple[str, tuple, str]]:
    """Each heading of the digest, its lines and what to say when it has none."""
    return [
        ("Overdue", digest.overdue, "No open action is overdue."),
        ("Red, not overdue", digest.red, "No other open action is rated Red."),
        ("Stale: no progress update for a while", digest.stale,
         "Every other open action has had a recent progress update."),
        ("Owners who cannot be reminded", digest.cannot_remind, "Every open action has an owner who can be reminded."),
    ]


def render_email(recipient_name: str, items: list[DueItem], *, base_url: str, trust_name: str, today: date,
                 copy_after_days: int | None = None, copied: list[str] | tuple[str, ...] = ()) -> Email | None:
    """The email for these items, or None when nothing in them is left to say.

    `copied` are the names of the people in copy (never the recipient): only then does the
    email say why they are copied.
    """
    sections = sections_for(items, today)
    digests = [i.digest for i in items if i.rule == DIGEST and i.digest is not None]
    digest = digests[0] if digests else None
    if not sections and digest is None:
        return None
    subject = subject_for(sections, digest, today)
    context = {
        "name": recipient_name, "subject": subject, "sections": sections, "digest": digest, "links": Links(base_url),
        "trust_name": trust_name, "date_text": date_text, "detail": line_detail,
        "owners": lambda line, digest_line=False: owners_text(line, None if digest_line else recipient_name),
        "digest_title": digest_title(today), "digest_parts": digest_parts(digest) if digest else [],
        "update_heading": update_heading, "copied": copied_sentence(copied, copy_after_days),
    }
    env = current_app.jinja_env
    return Email(subject=subject,
                 text=env.get_template("reminders/email/reminder.txt").render(context).strip() + "\n",
                 html=env.get_template("reminders/email/reminder.html").render(context))
