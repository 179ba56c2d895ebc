"""Every model, imported in one place so Alembic and the app see the whole schema."""
from tracker.actions.models import Action, ActionHighImpactAction, ActionMeasure, ProgressUpdate
from tracker.admin.models import OrganisationSettings
from tracker.audit.models import AuditEvent
from tracker.auth.models import SignInFailure, SignInSession, User
from tracker.dashboards.models import PersonAction
from tracker.evidence.models import EvidenceFile, EvidenceFileChunk
from tracker.governance.models import Forum, Meeting
from tracker.indicators.models import IndicatorValue, IndicatorYear, NationalValue, WdesValue, WdesYear
from tracker.plans.models import Plan, Theme
from tracker.reminders.models import OutboxMessage, ReminderItem, ReminderRun, ReminderSettings, SchedulerLock
from tracker.reviews.models import AgendaItem, ForumReview, MeetingAgenda
from tracker.search.models import SearchEntry

ALL_MODELS = (
    User, SignInSession, SignInFailure, AuditEvent, OrganisationSettings, Forum, Meeting, Plan, Theme, Action, ActionMeasure,
    ActionHighImpactAction, ProgressUpdate,
    AgendaItem, ForumReview, MeetingAgenda, IndicatorYear, IndicatorValue, NationalValue,
    WdesYear, WdesValue,
    ReminderSettings, ReminderRun, ReminderItem, OutboxMessage, SchedulerLock,
    EvidenceFile, EvidenceFileChunk,
    SearchEntry, PersonAction,
)
