"""Creating and editing actions, including optimistic locking and the audit trail."""
from datetime import date

from sqlalchemy import select

from tracker.actions.models import Action
from tracker.audit.models import AuditEvent
from tracker.extensions import db


def _form(action_ref="1.1", **overrides):
    data = {"ref": action_ref, "theme": "0", "text": "Develop an Inclusive Recruitment Toolkit",
            "wres_indicators": ["wres:1", "wres:2"], "owners": "", "supporting_leads": "", "lead_text": "AS",
            "by_when": "Q3 2024-25", "outcome": "80% of band 8a+ panels include a Global Majority member",
            "priority": "Must", "equality_objectives": "4", "edi_goals": "1", "status": "", "rag": "",
            "rag_as_at": "", "cancelled_reason": ""}
    data.update(overrides)
    return data


def test_admin_adds_an_action_with_every_column(client, make_user, make_plan, sign_in):
    from tracker.governance.service import create_forum
    admin = make_user("admin")
    make_user("owner", name="Dawn Ainsworth")
    make_user("owner", name="Lauren Cartwright", email="lauren@example.org")
    plan = make_plan(themes=("Inclusive recruitment", "Reducing inequalities"))
    council = create_forum("Inclusion Council", None, short_name="IC")
    db.session.commit()
    sign_in(admin)
    response = client.post(f"/plans/{plan.id}/actions/new", data=_form(
        theme=str(plan.themes[1].id), owners="dawn ainsworth", supporting_leads="LAUREN@example.org",
        forums=[str(council.id)], status="PROGRESS MADE", rag="amber", rag_as_at="2024-09-30"))
    assert response.status_code == 302
    action = db.session.scalar(select(Action).where(Action.ref == "1.1"))
    assert response.location == f"/actions/{action.id}"
    assert (action.theme.number, action.indicators, action.priority) == ("2", [1, 2], "Must")
    assert [u.name for u in action.owners] == ["Dawn Ainsworth"]
    assert [u.name for u in action.supporting_leads] == ["Lauren Cartwright"]
    assert [f.name for f in action.forums] == ["Inclusion Council"]
    assert (action.by_when, action.by_when_kind, action.due_on) == ("Q3 2024-25", "quarter", date(2024, 12, 31))
    assert (action.status, action.rag, action.rag_as_at) == ("PROGRESS MADE", "amber", date(2024, 9, 30))
    assert action.outcome.startswith("80% of band 8a+") and action.lead_text == "AS"
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    for text in ("Action 1.1", "Develop an Inclusive Recruitment Toolkit", "Q3 2024-25", "Due 31 December 2024",
                 "Amber", "PROGRESS MADE", "Inclusion Council", "Dawn Ainsworth", "Lauren Cartwright", "WRES 1", "WRES 2 Recruitment"):
        assert text in page


def test_unknown_owner_name_is_an_error_and_nothing_is_saved(client, make_user, make_plan, sign_in):
    sign_in(make_user("admin"))
    plan = make_plan()
    page = client.post(f"/plans/{plan.id}/actions/new", data=_form(owners="Nobody Known")).get_data(as_text=True)
    assert "There is a problem" in page and "No user is called &#39;Nobody Known&#39;" in page
    assert db.session.scalar(select(Action)) is None


def test_duplicate_reference_is_refused(client, make_user, make_action, sign_in):
    action = make_action(ref="1.1")
    sign_in(make_user("admin"))
    page = client.post(f"/plans/{action.plan_id}/actions/new", data=_form("1.1")).get_data(as_text=True)
    assert "This plan already has an action 1.1" in page
    assert db.session.query(Action).count() == 1


def test_cancelling_needs_a_reason(client, make_user, make_action, sign_in):
    action = make_action(ref="1.1")
    sign_in(make_user("admin"))
    page = client.post(f"/actions/{action.id}/edit", data=_form(status="CANCELLED", version=str(action.version)))
    assert "Give the reason the action was cancelled" in page.get_data(as_text=True)
    db.session.refresh(action)
    assert action.status is None


def test_unparseable_by_when_is_kept_and_flagged(client, make_user, make_plan, sign_in):
    sign_in(make_user("admin"))
    plan = make_plan()
    client.post(f"/plans/{plan.id}/actions/new", data=_form(by_when="when the new HR system is live"))
    action = db.session.scalar(select(Action))
    assert (action.by_when, action.by_when_kind, action.due_on) == ("when the new HR system is live", "unparsed", None)
    assert "This date was not recognised" in client.get(f"/actions/{action.id}").get_data(as_text=True)


def test_edit_made_on_a_stale_form_is_refused_with_a_clear_message(client, make_user, make_action, sign_in):
    action = make_action(ref="1.1", by_when="Dec 2024")
    sign_in(make_user("admin"))
    opened_version = action.version
    first = client.post(f"/actions/{action.id}/edit", data=_form(by_when="Jan 2025", version=str(opened_version)))
    assert first.status_code == 302
    second = client.post(f"/actions/{action.id}/edit", data=_form(by_when="Mar 2025", version=str(opened_version)))
    page = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Someone else saved this action while you were editing it" in page
    db.session.expire_all()
    assert db.session.get(Action, action.id).by_when == "Jan 2025"


def test_edit_records_before_and_after_in_the_audit_trail(client, make_user, make_action, sign_in):
    action = make_action(ref="1.1", by_when="Dec 2024")
    admin = make_user("admin", name="Lesley Faux")
    sign_in(admin)
    client.post(f"/actions/{action.id}/edit", data=_form(by_when="Mar 2025", version=str(action.version)))
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "updated")).one()
    assert (event.actor_id, event.subject_type, event.subject_id) == (admin.id, "action", action.id)
    assert event.changes["by_when"] == ["Dec 2024", "Mar 2025"]
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "Audit trail" in page and "Lesley Faux" in page and "Dec 2024 → Mar 2025" in page


def test_audit_trail_is_hidden_from_owners_and_viewers(client, make_user, make_action, sign_in):
    action = make_action()
    for role in ("owner", "viewer"):
        sign_in(make_user(role))
        assert "Audit trail" not in client.get(f"/actions/{action.id}").get_data(as_text=True)
        client.post("/sign-out")
    sign_in(make_user("reviewer"))
    assert "Audit trail" in client.get(f"/actions/{action.id}").get_data(as_text=True)


def test_unknown_action_is_404(client, make_user, sign_in):
    sign_in(make_user("viewer"))
    for url in ("/actions/99999", "/actions/99999/update", "/plans/99999"):
        assert client.get(url).status_code == 404
    assert "Page not found" in client.get("/actions/99999").get_data(as_text=True)


def test_user_text_is_escaped(client, make_user, make_plan, sign_in):
    sign_in(make_user("admin"))
    plan = make_plan()
    client.post(f"/plans/{plan.id}/actions/new", data=_form(text="<script>alert('x')</script> Toolkit"))
    action = db.session.scalar(select(Action))
    for url in (f"/actions/{action.id}", f"/plans/{plan.id}", f"/plans/{plan.id}/overview"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Toolkit" in page
