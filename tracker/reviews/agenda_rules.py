"""Why an action is on a forum meeting's agenda, and what the forum may decide about it.

Plain data in, plain data out. An action reported to the forum (in a plan that is not
closed) is on the agenda of a meeting when, on the day the agenda is built:
1. it is overdue (past its effective due date and still open);
2. its owner's RAG is Red, or 3. Amber (and it is still open);
4. it is open and due from today until the day before the forum's next meeting after this
   one, or, when no next meeting is planned, within 60 days of this meeting;
5. an update was posted on or after the day of the forum's previous meeting, or, when
   there was no previous meeting, in the 60 days before this meeting (closed actions too:
   an owner reporting an action achieved is what the forum needs to see).
Escalations from another forum's review and items the EDI lead adds are stored with the item.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tracker.actions.rag_rules import is_overdue
from tracker.clock import uk_date
from tracker.dates import long_date
from tracker.rag import RAG_VALUES, is_closed

OVERDUE = "overdue"
RED = "red"
AMBER = "amber"
DUE_BEFORE_NEXT = "due_before_next_meeting"
DUE_WITHIN_DAYS = "due_within_60_days"
UPDATED_SINCE_LAST = "updated_since_last_meeting"
UPDATED_WITHIN_DAYS = "updated_within_60_days"
ESCALATED = "escalated"
ADDED = "added"
RULE_REASONS = (OVERDUE, RED, AMBER, DUE_BEFORE_NEXT, DUE_WITHIN_DAYS, UPDATED_SINCE_LAST, UPDATED_WITHIN_DAYS)
REASON_ORDER = RULE_REASONS + (ESCALATED, ADDED)
WINDOW_DAYS = 60
#: A latest update longer than this is cut at a sentence end in the meeting pack.
PACK_UPDATE_LENGTH = 1500
CONTINUED = "(continued on the action page)"
#: Lines of a long update shown on the agenda before the rest is folded away.
SHOWN_LINES = 4
SHOWN_CHARACTERS = 400

#: The agenda's sections: each item sits under the first of its reasons, in this order.
GROUP_HEADINGS = {
    OVERDUE: "Overdue",
    RED: "Rated Red by their owners",
    AMBER: "Rated Amber by their owners",
    ESCALATED: "Escalated from another forum",
    DUE_BEFORE_NEXT: "Due before the next meeting",
    DUE_WITHIN_DAYS: f"Due within {WINDOW_DAYS} days",
    UPDATED_SINCE_LAST: "Updated since the last meeting",
    UPDATED_WITHIN_DAYS: f"Updated in the {WINDOW_DAYS} days before the meeting",
    ADDED: "Added by the EDI lead",
}

REASON_WORDS = {
    OVERDUE: "Overdue",
    RED: "Rated Red by its owner",
    AMBER: "Rated Amber by its owner",
    DUE_BEFORE_NEXT: "Due before the next meeting",
    DUE_WITHIN_DAYS: f"Due within {WINDOW_DAYS} days (no next meeting planned)",
    UPDATED_SINCE_LAST: "Updated since the last meeting",
    UPDATED_WITHIN_DAYS: f"Updated in the {WINDOW_DAYS} days before the meeting (no previous meeting)",
    ADDED: "Added by the EDI lead",
}

NOTED = "noted"
ESCALATE = "escalate"
MORE_EVIDENCE = "more_evidence"
AGREE_COMPLETION = "agree_completion"
AGREE_CANCELLATION = "agree_cancellation"
DECISIONS = (NOTED, ESCALATE, MORE_EVIDENCE, AGREE_COMPLETION, AGREE_CANCELLATION)
#: What the reviewer chooses, on the form.
DECISION_CHOICES = {
    NOTED: "Noted",
    ESCALATE: "Escalate to the next forum up",
    MORE_EVIDENCE: "Request more evidence",
    AGREE_COMPLETION: "Agree completion",
    AGREE_CANCELLATION: "Agree cancellation",
}
#: What was decided, wherever a review is shown.
DECISION_WORDS = {
    NOTED: "Noted",
    ESCALATE: "Escalated",
    MORE_EVIDENCE: "More evidence requested",
    AGREE_COMPLETION: "Completion agreed",
    AGREE_CANCELLATION: "Cancellation agreed",
}
COMMENT_MAX = 5000


@dataclass(frozen=True)
class AgendaCandidate:
    """An action reported to the forum, as the agenda rules see it."""

    action_id: int
    status: str | None
    rag: str | None
    due_on: date | None
    last_update_at: datetime | None
    rag_as_at: date | None = None


@dataclass(frozen=True)
class OwnerRating:
    """The owner's status and RAG as an agenda shows them, and the day they were taken (None when read
    from the action's history)."""

    status: str | None
    rag: str | None
    rag_as_at: date | None
    taken_on: date | None


@dataclass(frozen=True)
class MeetingDates:
    """The meeting, and the forum's meetings either side of it."""

    held_on: date
    previous_on: date | None = None
    next_on: date | None = None


def agenda_reasons(candidate: AgendaCandidate, dates: MeetingDates, today: date) -> tuple[str, ...]:
    """The rule reasons (in REASON_ORDER) that put the action on the agenda; () when none apply."""
    is_open = not is_closed(candidate.status, candidate.rag)
    reasons = []
    if is_overdue(candidate.due_on, candidate.status, candidate.rag, today):
        reasons.append(OVERDUE)
    if is_open and candidate.rag in (RED, AMBER):
        reasons.append(candidate.rag)
    due = _due_reason(candidate.due_on, dates, today)
    if is_open and due:
        reasons.append(due)
    updated = _updated_reason(candidate.last_update_at, dates)
    if updated:
        reasons.append(updated)
    return tuple(reasons)


def _due_reason(due_on: date | None, dates: MeetingDates, today: date) -> str | None:
    if due_on is None or due_on < today:
        return None
    if dates.next_on is not None:
        return DUE_BEFORE_NEXT if due_on < dates.next_on else None
    return DUE_WITHIN_DAYS if due_on <= dates.held_on + timedelta(days=WINDOW_DAYS) else None


def _updated_reason(last_update_at: datetime | None, dates: MeetingDates) -> str | None:
    if last_update_at is None:
        return None
    if dates.previous_on is not None:
        return UPDATED_SINCE_LAST if last_update_at.date() >= dates.previous_on else None
    since = dates.held_on - timedelta(days=WINDOW_DAYS)
    return UPDATED_WITHIN_DAYS if since <= last_update_at.date() else None


def group_of(codes: list[str] | tuple[str, ...]) -> str:
    """The agenda section an item sits in: the first of its reasons in GROUP_HEADINGS's order."""
    present = set(codes)
    return next((code for code in GROUP_HEADINGS if code in present), ADDED)


#: The sections in GROUP_HEADINGS's order: an item's stored section is its place here.
SECTIONS = tuple(GROUP_HEADINGS)


def section_of(codes: list[str] | tuple[str, ...]) -> int:
    """The agenda section an item sits in (see `group_of`), as its place in GROUP_HEADINGS's order."""
    return SECTIONS.index(group_of(codes))


def build_agenda(candidates: list[AgendaCandidate], dates: MeetingDates, today: date) -> dict[int, tuple[str, ...]]:
    """{action_id: reasons} for every candidate at least one rule puts on the agenda."""
    found = {c.action_id: agenda_reasons(c, dates, today) for c in candidates}
    return {action_id: reasons for action_id, reasons in found.items() if reasons}


def ordered_reasons(codes: list[str] | tuple[str, ...]) -> list[str]:
    """Reason codes once each, in REASON_ORDER (unknown codes dropped)."""
    present = set(codes)
    return [code for code in REASON_ORDER if code in present]


def reason_words(codes: list[str] | tuple[str, ...], escalated_from: str | None = None) -> list[str]:
    """'Overdue', 'Escalated from Inclusion Council', 'Added by the EDI lead'…"""
    words = []
    for code in ordered_reasons(codes):
        if code == ESCALATED:
            words.append(f"Escalated from {escalated_from}" if escalated_from else "Escalated from another forum")
        else:
            words.append(REASON_WORDS[code])
    return words


def agenda_order(plan_year: str, ref: str) -> tuple:
    """Newest plan first, then by reference read as numbers (1.2 before 1.10)."""
    year = -int(plan_year[:4]) if plan_year[:4].isdigit() else 0
    parts = tuple(int(part) if part.isdigit() else 0 for part in ref.replace("-", ".").split("."))
    return (year, parts, ref)


def cut_at_sentence(text: str, length: int = PACK_UPDATE_LENGTH) -> str:
    """The whole text when it is `length` characters or fewer; otherwise up to the last sentence end
    (or line end) before `length`, then CONTINUED. Never cuts inside a word."""
    text = (text or "").strip()
    if len(text) <= length:
        return text
    head = text[:length]
    ends = [head.rfind(mark) + len(mark) - 1 for mark in (". ", "! ", "? ", ".\n", "!\n", "?\n", "\n")]
    end = max(ends)
    if end < length // 3:
        end = head.rfind(" ")
    return f"{head[:end + 1].rstrip()} {CONTINUED}"


def fold(text: str, lines: int = SHOWN_LINES, characters: int = SHOWN_CHARACTERS) -> tuple[str, str]:
    """(what the agenda shows, what it folds away): the first `lines` lines, at most `characters`
    long and cut at a word end; ("whole text", "") when it is short."""
    text = (text or "").strip()
    shown = "\n".join(text.split("\n")[:lines])
    if len(shown) > characters:
        shown = shown[:characters].rsplit(" ", 1)[0] if " " in shown[:characters] else shown[:characters]
    return (text, "") if len(shown) >= len(text) else (shown.rstrip(), text[len(shown):].strip())


def review_problems(*, decision: str | None, reviewed_rag: str | None, comment: str,
                    escalates_to: str | None) -> dict[str, str]:
    """{field: message} for what is wrong with a review; {} when it can be recorded."""
    problems = {}
    if reviewed_rag not in RAG_VALUES:
        problems["reviewed_rag"] = "Choose the forum's RAG rating"
    if decision not in DECISIONS:
        problems["decision"] = "Choose what the forum decided"
    elif decision == ESCALATE and not escalates_to:
        problems["decision"] = ("This forum has no forum to escalate to: the EDI lead sets one on the forum's page "
                                "(Escalates to)")
    elif decision == AGREE_COMPLETION and reviewed_rag in RAG_VALUES and reviewed_rag != "blue":
        problems["reviewed_rag"] = "The forum agreed completion, so choose Blue (complete) as its RAG rating"
    if decision == AGREE_CANCELLATION and not (comment or "").strip():
        problems["comment"] = "Give the reason the forum agreed to cancel the action (it is kept as the reason)"
    if len(comment or "") > COMMENT_MAX:
        problems["comment"] = f"The comment must be {COMMENT_MAX} characters or fewer"
    return problems


@dataclass(frozen=True)
class ReviewRow:
    """A forum's review of an action, as pages, the meeting pack and reminders show it."""

    forum: str
    meeting_on: date
    reviewed_rag: str
    owner_rag: str | None
    owner_rag_as_at: date | None
    decision: str
    comment: str
    reviewer: str
    recorded_at: datetime
    escalated_to: str | None = None
    escalated_to_meeting_on: date | None = None

    @property
    def before_meeting(self) -> bool:
        """Recorded before the day of the meeting (in the UK), e.g. from the papers."""
        return uk_date(self.recorded_at) < self.meeting_on

    @property
    def decision_text(self) -> str:
        """'Noted', 'Escalated to Trust Board: on the agenda of its meeting on 12 November 2024'…"""
        if self.decision != ESCALATE:
            return DECISION_WORDS.get(self.decision, self.decision)
        if self.escalated_to_meeting_on is not None:
            return (f"Escalated to {self.escalated_to}: on the agenda of its meeting on "
                    f"{long_date(self.escalated_to_meeting_on)}")
        return (f"Escalated to {self.escalated_to}: {self.escalated_to} has no meeting planned, so the action "
                "goes on the agenda of its next meeting once one is added")


@dataclass(frozen=True)
class AgendaRow:
    """One action on a meeting's agenda, with the latest update and the forum's current review."""

    item_id: int
    action_id: int
    ref: str
    plan_year: str
    text: str
    owners: str
    by_when: str
    owner_rag: str | None
    owner_rag_as_at: date | None
    update_on: date | None
    update_text: str
    reasons: tuple[str, ...]
    added: bool = False
    review: ReviewRow | None = None
    review_count: int = 0
    owner_status: str | None = None
    #: When the owner's status and RAG shown were taken (the agenda's build or refresh); None when
    #: they were read from the action's history.
    rated_on: date | None = None
    #: The agenda section the item sits in (a reason code; see GROUP_HEADINGS).
    group: str = ADDED
    #: The latest review's id, so a page can tell when someone recorded another since it was opened.
    review_id: int | None = None

    @property
    def folded_update(self) -> tuple[str, str]:
        """(the first lines of the latest update, the rest to fold away)."""
        return fold(self.update_text)

    @property
    def updated_after_rating(self) -> bool:
        """The latest update is newer than the rating shown, which was taken earlier."""
        return self.rated_on is not None and self.update_on is not None and self.update_on > self.rated_on


def reminder_comment(review: ReviewRow) -> str:
    """'Inclusion Council, 8 October 2024 (more evidence requested): <comment>' for owners' reminders."""
    decision = DECISION_WORDS.get(review.decision, review.decision)
    if review.decision == ESCALATE and review.escalated_to:
        decision = f"escalated to {review.escalated_to}"
    return f"{review.forum}, {long_date(review.meeting_on)} ({decision[0].lower() + decision[1:]}): {review.comment}"
