"""Every model, imported in one place so Alembic and the app see the whole schema."""
from tracker.actions.models import Action, ActionIndicator, ProgressUpdate
from tracker.admin.models import OrganisationSettings
from tracker.audit.models import AuditEvent
from tracker.auth.models import SignInFailure, SignInSession, User
from tracker.evidence.models import EvidenceFile, EvidenceFileChunk
from tracker.governance.models import Forum, Meeting
from tracker.indicators.models import IndicatorValue, IndicatorYear, NationalValue
from tracker.plans.models import Plan, Theme
from tracker.reminders.models import OutboxMessage, ReminderItem, ReminderRun, ReminderSettings, SchedulerLock
from tracker.reviews.models import AgendaItem, ForumReview, MeetingAgenda
from tracker.search.models import SearchEntry

ALL_MODELS = (
    User, SignInSession, SignInFailure, AuditEvent, OrganisationSettings, Forum, Meeting, Plan, Theme, Action, ActionIndicator, ProgressUpdate,
    AgendaItem, ForumReview, MeetingAgenda, IndicatorYear, IndicatorValue, NationalValue,
    ReminderSettings, ReminderRun, ReminderItem, OutboxMessage, SchedulerLock,
    EvidenceFile, EvidenceFileChunk,
    SearchEntry,
)
