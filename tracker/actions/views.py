"""An action's page, editing it, and posting progress updates."""
from datetime import date, datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from tracker import clock, standards
from tracker.actions import edit_conflict, queries, service
from tracker.actions.figures import indicator_figures
from tracker.actions.forms import MEASURE_FIELDS, ActionForm, BulkChangeForm, ProgressUpdateForm, parse_selection
from tracker.actions.models import Action
from tracker.auth.access import admin_required, can_edit_action, can_update_action, current_actor, require_action_update
from tracker.auth.people import PeopleDirectory, resolve_people, split_people
from tracker.database import committing
from tracker.dates import long_date
from tracker.errors import DomainError
from tracker.evidence import service as evidence_service
from tracker.evidence.queries import files_for_updates
from tracker.extensions import db
from tracker.forms import show_error
from tracker.governance.models import Forum
from tracker.plans.forms import FilterForm, filter_args, filter_query, filters_of
from tracker.plans.models import Plan, Theme
from tracker.plans.queries import matching_versions
from tracker.request_guards import accepts_larger_bodies
from tracker.reviews.queries import reviews_for_action
from tracker.zip_limits import size_text

bp = Blueprint("actions", __name__)


def _action_or_404(action_id: int) -> Action:
    action = queries.load_action(action_id)
    if action is None:
        abort(404)
    return action


def _forums() -> list[Forum]:
    return list(db.session.scalars(select(Forum).order_by(Forum.name)))


@bp.route("/actions/<int:action_id>")
@login_required
def detail(action_id: int):
    action = _action_or_404(action_id)
    limit = None if request.args.get("history") == "all" else queries.HISTORY_LENGTH
    audit = queries.latest_audit(action, limit) if current_user.can_review else None
    carried_to = queries.carried_copies(action.id)
    continued = service.continued_as(carried_to)
    updates = queries.latest_updates(action, limit)
    today = clock.today()
    can_update = can_update_action(current_user, action) and continued is None
    #: The user's own updates posted today, which they may still add files to.
    adds_files = {update.id for update in updates.entries if can_update and not action.plan.is_archived
                  and update.depth == 0 and update.author_id == current_user.id
                  and clock.uk_date(update.posted_at) == today}
    return render_template(
        "actions/detail.html", action=action, updates=updates, audit=audit,
        evidence=files_for_updates([update.id for update in updates.entries]),
        adds_files=adds_files,
        carried_to=carried_to, continued_as=continued,
        today=today,
        indicator_latest=indicator_figures(action.indicators),
        measures=[standards.measure(code) for code in action.measures],
        high_impact_actions=[standards.high_impact_action(n) for n in action.high_impact_actions],
        forum_reviews=reviews_for_action(action.id),
        objective_links=queries.key_links(action.equality_objectives, action.plan.equality_objectives_key),
        goal_links=queries.key_links(action.edi_goals, action.plan.edi_goals_key),
        can_update=can_update,
        can_edit=can_edit_action(current_user, action),
    )


def _people_field(form_field, errors: list[str], directory: PeopleDirectory):
    users, unknown = resolve_people(split_people(form_field.data), directory)
    for name in unknown:
        form_field.errors.append(f"No user is called '{name}'. Add them in Admin, Users first, or check the spelling")
        errors.append(name)
    return users


def _measure_fields(plan: Plan) -> list[str]:
    """The names of the action form's measure fields the plan's page shows, in order."""
    return [MEASURE_FIELDS[standard] for standard in standards.standards_of_plan(plan.standard)]


def _show_error(form: ActionForm, error: DomainError, plan: Plan) -> None:
    """A refused measure is an error on the field it was ticked in (or the first the page shows)."""
    if isinstance(error, service.MeasureRefused):
        shown = _measure_fields(plan)
        ticked = [name for name in shown if error.code in (form[name].data or [])]
        form[(ticked or shown)[0]].errors.append(str(error))
        return
    show_error(form, error)


def _action_data(form: ActionForm, plan: Plan) -> service.ActionData | None:
    """The form as ActionData, or None when a name or theme did not match (errors set on the form)."""
    unknown: list[str] = []
    directory = PeopleDirectory()
    owners = _people_field(form.owners, unknown, directory)
    supporting = _people_field(form.supporting_leads, unknown, directory)
    theme = db.session.get(Theme, form.theme.data) if form.theme.data else None
    if theme is not None and theme.plan_id != plan.id:
        form.theme.errors.append("Choose one of this plan's themes")
        return None
    if unknown:
        return None
    forums = list(db.session.scalars(select(Forum).where(Forum.id.in_(form.forums.data or []))))
    return service.ActionData(
        ref=form.ref.data, text=form.text.data, theme=theme, outcome=form.outcome.data or "",
        lead_text=form.lead_text.data or "", by_when=form.by_when.data or "", priority=form.priority.data,
        equality_objectives=form.equality_objectives.data or "", edi_goals=form.edi_goals.data or "",
        status=form.status.data, rag=form.rag.data, rag_as_at=form.rag_as_at.data,
        cancelled_reason=form.cancelled_reason.data or "",
        measures=[code for name in MEASURE_FIELDS.values() for code in form[name].data or []],
        high_impact_actions=form.high_impact_actions.data or [],
        owners=owners, supporting_leads=supporting, forums=forums,
    )


@bp.route("/plans/<int:plan_id>/actions/new", methods=["GET", "POST"])
@admin_required
def new(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    form = ActionForm(themes=plan.themes, forums=_forums())
    if form.validate_on_submit():
        data = _action_data(form, plan)
        if data is not None:
            try:
                with committing():
                    action = service.create_action(plan, data, current_actor())
            except DomainError as error:
                _show_error(form, error, plan)
            else:
                flash(f"Action {action.ref} added.", "success")
                return redirect(url_for("actions.detail", action_id=action.id))
    return render_template("actions/form.html", form=form, plan=plan, action=None,
                           measure_fields=_measure_fields(plan))


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(action_id: int):
    action = _action_or_404(action_id)
    form = ActionForm(obj=action, themes=action.plan.themes, forums=_forums(), current_status=action.status)
    if request.method == "GET":
        _fill(form, action)
    if form.validate_on_submit():
        data = _action_data(form, action.plan)
        if data is not None:
            version = int(form.version.data) if str(form.version.data).isdigit() else -1
            try:
                with committing():
                    service.update_action(action, data, current_actor(), version)
            except service.ActionChanged:
                return _conflict(action_id, form)
            except DomainError as error:
                _show_error(form, error, action.plan)
            else:
                flash("Action saved.", "success")
                return redirect(url_for("actions.detail", action_id=action.id))
    return render_template("actions/form.html", form=form, plan=action.plan, action=action,
                           measure_fields=_measure_fields(action.plan))


def _fill(form: ActionForm, action: Action) -> None:
    """The form showing the action as it is, with its version and those values kept to compare with later."""
    form.theme.data = action.theme_id or 0
    form.owners.data = "; ".join(u.name for u in action.owners)
    form.supporting_leads.data = "; ".join(u.name for u in action.supporting_leads)
    form.forums.data = [f.id for f in action.forums]
    for standard, name in MEASURE_FIELDS.items():
        form[name].data = [code for code in action.measures if code.startswith(f"{standard}:")]
    form.high_impact_actions.data = action.high_impact_actions
    form.status.data = action.status or ""
    form.rag.data = action.rag or ""
    form.priority.data = action.priority or ""
    form.version.data = action.version
    form.opened.data = _opened_token(_values(form))


def _values(form: ActionForm) -> dict:
    """The edit form's fields as plain values to compare: text, or sorted lists of ids."""
    values = {}
    for name in edit_conflict.FIELDS:
        data = form[name].data
        if name in MEASURE_FIELDS.values():
            values[name] = standards.sort_codes(code for code in data or [] if standards.is_measure(code))
        elif isinstance(data, list | tuple):
            values[name] = sorted(int(item) for item in data)
        elif isinstance(data, date):
            values[name] = data.isoformat()
        elif name == "theme":
            values[name] = int(data or 0)
        else:
            values[name] = "\n".join(str(data or "").strip().splitlines())
    return values


def _set_values(form: ActionForm, values: dict) -> None:
    for name, value in values.items():
        if name == "rag_as_at":
            form[name].data = date.fromisoformat(value) if value else None
        else:
            form[name].data = value


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="action-edit-opened")


def _opened_token(values: dict) -> str:
    """The form's values when it was opened, and when, signed (so a conflict can show what changed since)."""
    return _serializer().dumps({"values": values, "at": clock.utcnow().isoformat()})


def _opened(form: ActionForm) -> tuple[dict | None, datetime | None]:
    try:
        opened = _serializer().loads(form.opened.data or "")
        return opened["values"], datetime.fromisoformat(opened["at"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None, None


def _conflict(action_id: int, form: ActionForm):
    """Someone else saved the action since this form was opened: what they changed beside what you typed,
    and the form again with your changes on top of theirs and the new version."""
    action = _action_or_404(action_id)
    current = ActionForm(formdata=None, obj=action, themes=action.plan.themes, forums=_forums(),
                         current_status=action.status)
    _fill(current, action)
    now, yours = _values(current), _values(form)
    opened, opened_at = _opened(form)
    if opened is None:  # no record of the form as opened: every field that differs counts as yours
        opened = now
    fresh = ActionForm(formdata=None, obj=action, themes=action.plan.themes, forums=_forums(),
                       current_status=action.status)
    _fill(fresh, action)
    _set_values(fresh, edit_conflict.reapplied(opened, now, yours))
    fresh.status.choices = current.status.choices
    changes = edit_conflict.changes(opened, now, yours)
    events = [event for event in queries.latest_audit(action, limit=10).entries
              if opened_at is None or event.at >= opened_at]
    return render_template("actions/form.html", form=fresh, plan=action.plan, action=action,
                           conflict=changes, conflict_events=events, display=_display(current),
                           measure_fields=_measure_fields(action.plan)), 409


def _display(form: ActionForm):
    """A field's plain value as people read it: choices by their label, lists joined, blanks as "Blank"."""
    labels = {name: {str(key): label for key, label, *_ in form[name].iter_choices()}
              for name in ("theme", *MEASURE_FIELDS.values(), "high_impact_actions", "forums", "priority", "status",
                           "rag")}

    def show(name: str, value) -> str:
        if isinstance(value, list):
            return "; ".join(labels[name].get(str(item), str(item)) for item in value) or "None"
        if name in labels:
            return labels[name].get(str(value), str(value)) or "Not set"
        if name == "rag_as_at" and value:
            return long_date(date.fromisoformat(value))
        return str(value) if value not in (None, "") else "Blank"
    return show


@bp.route("/actions/<int:action_id>/update", methods=["GET", "POST"])
@login_required
@accepts_larger_bodies(evidence_service.request_limit, evidence_service.too_large_message)
def post_update(action_id: int):
    action = _action_or_404(action_id)
    require_action_update(action)
    if action.plan.is_archived:
        flash(str(service.PlanArchived(action.plan)), "info")
        return redirect(url_for("actions.detail", action_id=action.id))
    try:
        service.check_open_to_updates(action)
    except service.ActionClosedToUpdates as closed:
        return _closed_page(action, closed, 200 if request.method == "GET" else 409)
    proposal = service.proposal_for(action, clock.today())
    form = ProgressUpdateForm(current_status=action.status)
    if request.method == "GET":
        form.status.data = action.status or ""
        form.rag.data = proposal.rag
    if form.validate_on_submit():
        data = service.UpdateData(status=form.status.data, rag=form.rag.data, narrative=form.narrative.data,
                                  rag_reason=form.rag_reason.data or "", evidence_url=form.evidence_url.data or "")
        uploads = [evidence_service.Upload(file.filename, file.stream)
                   for file in request.files.getlist(form.evidence.name) if file and file.filename]
        try:
            with committing():  # all or nothing: a refused file leaves the update unposted
                files = evidence_service.check_files(uploads)
                progress = service.post_update(action, data, current_actor(), today=clock.today())
                evidence_service.attach(progress, files, current_actor())
        except service.ActionClosedToUpdates as closed:  # carried forward since the form was shown
            return _closed_page(action, closed, 409)
        except evidence_service.FilesRefused as refused:
            form.evidence.errors = list(refused.problems)
        except DomainError as error:
            show_error(form, error, default_field="narrative")
        else:
            flash("Your update has been saved.", "success")
            return redirect(url_for("actions.detail", action_id=action.id) + "#timeline")
    return render_template("actions/update_form.html", form=form, action=action, proposal=proposal,
                           evidence_limits=[size_text(limit) for limit in evidence_service.limits()])


def _closed_page(action: Action, closed: service.ActionClosedToUpdates, status: int):
    """The action continues in a later plan: say so and link there, with no form.

    A POST gets 409 Conflict: the owner may update actions, but this one's state (carried
    forward) conflicts with the request, and nothing was stored; 403 would wrongly say they lack
    the right, and 200 would read as success to anything that checks the status code."""
    return render_template("actions/closed_to_updates.html", action=action, closed=closed), status


# Bulk changes from the plan page: choose the change, confirm it, then see what was done.

def _bulk_form(plan: Plan, **kwargs) -> BulkChangeForm:
    return BulkChangeForm(kinds=service.BULK_KINDS.items(), themes=plan.themes, forums=_forums(), **kwargs)


def _bulk_change(form: BulkChangeForm, plan: Plan) -> service.BulkChange | None:
    """The form as a BulkChange, or None when a name did not match (errors set on the form)."""
    kind = form.kind.data or ""
    people: list = []
    if kind in ("owners", "supporting_leads"):
        unknown: list[str] = []
        people = _people_field(form[kind], unknown, PeopleDirectory())
        if unknown:
            return None
    forum = db.session.get(Forum, form.forum.data) if kind == "forums" and form.forum.data else None
    theme = db.session.get(Theme, form.theme.data) if kind == "theme" and form.theme.data else None
    return service.BulkChange(
        kind=kind, by_when=form.by_when.data or "", people=tuple(people), forums=(forum,) if forum else (),
        replace=(form.data.get(f"{kind}_mode") == "replace"), priority=form.priority.data or None, theme=theme)


def _bulk_page(template: str, plan: Plan, form: BulkChangeForm, selected: dict[int, int], status: int = 200, **context):
    back = url_for("plans.detail", plan_id=plan.id) + (f"?{form.back.data}" if form.back.data else "")
    return render_template(f"actions/{template}.html", plan=plan, form=form, selected=selected, back=back,
                           kinds=service.BULK_KINDS, **context), status


@bp.route("/plans/<int:plan_id>/actions/bulk", methods=["POST"])
@admin_required
def bulk_choose(plan_id: int):
    """From the plan page's ticked actions (or every action its filters match) to the choice of change."""
    plan = db.get_or_404(Plan, plan_id)
    form = _bulk_form(plan, formdata=None, back=filter_query(filter_args(request.form.get("back", ""))))
    if request.form.get("all_matching") == "y":
        filters = filters_of(FilterForm(filter_args(form.back.data)))
        selected = matching_versions(plan, filters, clock.today())
    else:
        selected = parse_selection(request.form.getlist("selected"))
    if plan.is_archived:
        form.form_errors.append(str(service.PlanArchivedToChanges(plan)))
    elif not selected:
        form.form_errors.append("Select at least one action to change: tick its box on the plan page")
    return _bulk_page("bulk_choose", plan, form, selected, 400 if form.form_errors else 200)


@bp.route("/plans/<int:plan_id>/actions/bulk/confirm", methods=["POST"])
@admin_required
def bulk_confirm(plan_id: int):
    """What the change would do to each selected action, before anything is written."""
    plan = db.get_or_404(Plan, plan_id)
    form = _bulk_form(plan)
    selected = parse_selection(request.form.getlist("selected"))
    if form.validate_on_submit():
        change = _bulk_change(form, plan)
        if change is not None:
            try:
                preview = service.preview_bulk_change(plan, selected, change)
            except DomainError as error:
                show_error(form, error)
            else:
                return _bulk_page("bulk_confirm", plan, form, selected, preview=preview, change=change)
    return _bulk_page("bulk_choose", plan, form, selected, 400)


@bp.route("/plans/<int:plan_id>/actions/bulk/apply", methods=["POST"])
@admin_required
def bulk_apply(plan_id: int):
    """Write the confirmed change; actions saved by someone else since they were selected are skipped."""
    plan = db.get_or_404(Plan, plan_id)
    form = _bulk_form(plan)
    selected = parse_selection(request.form.getlist("selected"))
    if form.validate_on_submit():
        change = _bulk_change(form, plan)
        if change is not None:
            try:
                with committing():
                    result = service.bulk_change(plan, selected, change, current_actor())
            except DomainError as error:
                show_error(form, error)
            else:
                return _bulk_page("bulk_result", plan, form, selected, result=result, change=change)
    return _bulk_page("bulk_choose", plan, form, selected, 400)
