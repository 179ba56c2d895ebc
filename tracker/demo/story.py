"""How each demo action's year goes, laid out against today: the dated updates it has had so far.

Plain data in, plain data out. Each action of the demo plan has a story in `demo.json`: how it goes
(`kind`) and what its owners write on the way. Whatever day the demo is loaded, the story is cut at
today, so the plan shows a year in progress:
- achieved: on track (Green) until `finish_days` before its due date, then ACHIEVED (Blue);
- early: achieved already, whatever the date (an action done at the start of the year);
- late: on track, then DELAYED BUT PROGRESSING (Amber) within 60 days of its due date and
  DELAYED (Red) once overdue;
- at_risk: on track at first, then Amber until its due date (Red after it);
- stuck: held up by something outside the owners' control: DELAYED (Red);
- ongoing: no due date, on track (Green);
- none: no update yet (not rated).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

ACHIEVED, EARLY, LATE, AT_RISK, STUCK, ONGOING, NONE = "achieved", "early", "late", "at_risk", "stuck", "ongoing", "none"
KINDS = (ACHIEVED, EARLY, LATE, AT_RISK, STUCK, ONGOING, NONE)
#: A late action turns Amber this many days before its due date.
LATE_WARNING_DAYS = 60
#: Days between an action's updates, when there is room.
UPDATE_GAP_DAYS = 42
GREEN = ("PROGRESS MADE", "green")
AMBER = ("DELAYED BUT PROGRESSING", "amber")
RED = ("DELAYED", "red")


@dataclass(frozen=True)
class Story:
    """How an action's year goes, and the texts its updates use, in order."""

    kind: str
    progress: tuple[str, ...] = ()
    #: The update that reports it achieved (achieved, early), and its status word.
    done: str = ""
    done_status: str = "ACHIEVED"
    #: The update that reports it delayed (late, at_risk, stuck).
    late: str = ""
    #: An achieved action is complete this many days before its due date.
    finish_days: int = 7
    #: An open action's latest update was this many days ago (else a few weeks, varying by action).
    quiet_days: int | None = None

    @classmethod
    def from_dict(cls, row: dict) -> Story:
        if row.get("kind") not in KINDS:
            raise ValueError(f"story kind must be one of {', '.join(KINDS)}, not {row.get('kind')!r}")
        return cls(kind=row["kind"], progress=tuple(row.get("progress", ())), done=row.get("done", ""),
                   done_status=row.get("done_status", "ACHIEVED"), late=row.get("late", ""), finish_days=row.get("finish_days", 7),
                   quiet_days=row.get("quiet_days"))


@dataclass(frozen=True)
class PlannedUpdate:
    """One progress update of the story: its date, status word, RAG and text."""

    on: date
    status: str
    rag: str
    text: str


def updates_so_far(story: Story, due: date | None, today: date, earliest: date, position: int) -> list[PlannedUpdate]:
    """The story's updates up to yesterday, none before `earliest` (the day the plan was approved).

    `position` varies how long ago each open action was last updated (5 to 44 days)."""
    if story.kind == NONE:
        return []
    finish = _finish(story, due, today)
    if finish is not None and finish < today:
        finish = max(finish, earliest)
        steps = [(text, GREEN) for text in story.progress] + [(story.done, (story.done_status, "blue"))]
        return _dated(steps, finish, earliest, UPDATE_GAP_DAYS - 2)
    last = today - timedelta(days=story.quiet_days or 5 + (position * 11) % 40)
    steps = [(text, GREEN) for text in story.progress]
    delay = _delay(story, due, today)
    if delay is not None:
        steps.append((story.late, delay))
    return _dated(steps, max(last, earliest), earliest, UPDATE_GAP_DAYS)


def _finish(story: Story, due: date | None, today: date) -> date | None:
    """The day an achieved story is complete (None for stories that never complete)."""
    if story.kind == EARLY:
        planned = due - timedelta(days=story.finish_days) if due else today
        return min(planned, today - timedelta(days=3))
    if story.kind == ACHIEVED and due is not None:
        return due - timedelta(days=story.finish_days)
    return None


def _delay(story: Story, due: date | None, today: date) -> tuple[str, str] | None:
    """The status and RAG of the delayed update, when the story has reached it."""
    overdue = due is not None and due < today
    if story.kind == STUCK or (story.kind in (LATE, AT_RISK) and overdue):
        return RED
    if story.kind == AT_RISK or (story.kind == LATE and due is not None
                                 and (due - today).days <= LATE_WARNING_DAYS):
        return AMBER
    return None


def _dated(steps: list[tuple[str, tuple[str, str]]], last: date, earliest: date, gap: int) -> list[PlannedUpdate]:
    """The steps dated `gap` days apart, ending on `last`; squeezed in after `earliest`, and the
    earliest steps left out when there are fewer days than steps."""
    room = (last - earliest).days
    steps = steps[max(0, len(steps) - room - 1):]
    spacing = gap if gap * (len(steps) - 1) <= room else room // max(len(steps) - 1, 1)
    count = len(steps)
    return [PlannedUpdate(last - timedelta(days=spacing * (count - 1 - n)), status, rag, text)
            for n, (text, (status, rag)) in enumerate(steps)]
