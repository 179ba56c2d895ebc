"""Every model, imported in one place so Alembic and the app see the whole schema."""
from tracker.actions.models import Action, ActionIndicator, ProgressUpdate  # noqa: F401
from tracker.admin.models import OrganisationSettings  # noqa: F401
from tracker.audit.models import AuditEvent  # noqa: F401
from tracker.auth.models import Role, User  # noqa: F401
from tracker.governance.models import Forum, Meeting  # noqa: F401
from tracker.governance.review_models import AgendaItem, ForumReview, MeetingAgenda  # noqa: F401
from tracker.plans.models import Plan, PlanStatus, Theme  # noqa: F401
from tracker.reminders.models import OutboxMessage, ReminderItem, ReminderRun, ReminderSettings, SchedulerLock  # noqa: F401
from tracker.indicators.models import IndicatorValue, IndicatorYear, NationalValue  # noqa: F401
