"""Owners post progress updates: the timeline, the proposed RAG and who may post."""
from datetime import date

from sqlalchemy import select

from tracker.actions.models import Action, ProgressUpdate
from tracker.extensions import db


def _update(**overrides):
    data = {"narrative": "Toolkit drafted and shared with recruiting managers.", "status": "PROGRESS MADE",
            "rag": "green", "rag_reason": "", "evidence_url": ""}
    data.update(overrides)
    return data


def test_owner_posts_an_update_that_becomes_the_current_status(client, make_user, make_action, sign_in, fixed_today):
    fixed_today(date(2024, 10, 1))
    owner = make_user("owner", name="Dawn Ainsworth")
    action = make_action(owners=[owner], by_when="Mar 2025")
    sign_in(owner)
    form = client.get(f"/actions/{action.id}/update").get_data(as_text=True)
    assert "Proposed RAG rating" in form and "No rule applies: on track" in form
    response = client.post(f"/actions/{action.id}/update", data=_update())
    assert response.status_code == 302 and response.location.endswith(f"/actions/{action.id}#timeline")
    db.session.expire_all()
    stored = db.session.get(Action, action.id)
    assert (stored.status, stored.rag, stored.rag_as_at) == ("PROGRESS MADE", "green", date(2024, 10, 1))
    update = db.session.scalars(select(ProgressUpdate)).one()
    assert (update.author_id, update.proposed_rag, update.as_at) == (owner.id, "green", date(2024, 10, 1))
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "Toolkit drafted and shared with recruiting managers." in page and "by Dawn Ainsworth" in page


def test_timeline_lists_every_update_newest_first(client, make_user, make_action, sign_in, fixed_today):
    owner = make_user("owner")
    action = make_action(owners=[owner], by_when="Mar 2025")
    sign_in(owner)
    for day, text in ((date(2024, 9, 1), "First step taken"), (date(2024, 10, 1), "Second step taken")):
        fixed_today(day)
        assert client.post(f"/actions/{action.id}/update", data=_update(narrative=text)).status_code == 302
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert page.index("Second step taken") < page.index("First step taken")
    assert db.session.query(ProgressUpdate).filter_by(action_id=action.id).count() == 2


def test_overdue_action_proposes_red_and_another_choice_needs_a_reason(client, make_user, make_action, sign_in,
                                                                       fixed_today):
    fixed_today(date(2025, 1, 15))
    owner = make_user("owner")
    action = make_action(owners=[owner], by_when="Dec 2024")
    sign_in(owner)
    form = client.get(f"/actions/{action.id}/update").get_data(as_text=True)
    assert "The action was due on 31 December 2024 and is not complete" in form
    refused = client.post(f"/actions/{action.id}/update", data=_update(rag="amber"))
    assert refused.status_code == 200
    assert "Say why you chose amber rather than the proposed red" in refused.get_data(as_text=True)
    assert db.session.query(ProgressUpdate).count() == 0
    accepted = client.post(f"/actions/{action.id}/update",
                           data=_update(rag="amber", rag_reason="Board approved a new date of March"))
    assert accepted.status_code == 302
    update = db.session.scalars(select(ProgressUpdate)).one()
    assert (update.rag, update.proposed_rag, update.rag_reason) == ("amber", "red", "Board approved a new date of March")
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "The rules proposed Red; the owner chose Amber: Board approved a new date of March" in page


def test_achieved_proposes_blue(app, make_user, make_action):
    from tracker.actions.service import UpdateData, post_update, proposal_for
    owner = make_user("owner")
    action = make_action(owners=[owner], by_when="Mar 2025")
    post_update(action, UpdateData(status="ACHIEVED", rag="green", narrative="Done", rag_reason="x"), owner,
                today=date(2024, 10, 1))
    db.session.commit()
    assert proposal_for(db.session.get(Action, action.id), date(2024, 10, 2)).rag == "blue"


def test_update_needs_a_narrative(client, make_user, make_action, sign_in):
    owner = make_user("owner")
    action = make_action(owners=[owner])
    sign_in(owner)
    page = client.post(f"/actions/{action.id}/update", data=_update(narrative="  ")).get_data(as_text=True)
    assert "Describe the progress made" in page and "There is a problem" in page
    assert db.session.query(ProgressUpdate).count() == 0


def test_evidence_link_must_be_a_web_address(client, make_user, make_action, sign_in):
    owner = make_user("owner")
    action = make_action(owners=[owner])
    sign_in(owner)
    page = client.post(f"/actions/{action.id}/update", data=_update(evidence_url="javascript:alert(1)"))
    assert "Enter a full web address" in page.get_data(as_text=True)
    assert db.session.query(ProgressUpdate).count() == 0


def test_supporting_lead_may_post_but_another_owner_may_not(client, make_user, make_action, sign_in, fixed_today):
    fixed_today(date(2024, 10, 1))
    owner, supporter, stranger = make_user("owner"), make_user("owner"), make_user("owner")
    action = make_action(owners=[owner], supporting_leads=[supporter])
    sign_in(supporter)
    assert client.post(f"/actions/{action.id}/update", data=_update()).status_code == 302
    client.post("/sign-out")
    sign_in(stranger)
    assert client.get(f"/actions/{action.id}/update").status_code == 403
    assert client.post(f"/actions/{action.id}/update", data=_update()).status_code == 403
    assert "Post a progress update" not in client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert db.session.query(ProgressUpdate).count() == 1


def test_a_viewer_who_is_named_as_owner_still_cannot_post(client, make_user, make_action, sign_in):
    viewer = make_user("viewer")
    action = make_action(owners=[viewer])
    sign_in(viewer)
    assert client.post(f"/actions/{action.id}/update", data=_update()).status_code == 403


def test_admin_may_post_on_any_action(client, make_user, make_action, sign_in, fixed_today):
    fixed_today(date(2024, 10, 1))
    action = make_action(owners=[make_user("owner")])
    sign_in(make_user("admin"))
    assert client.post(f"/actions/{action.id}/update", data=_update()).status_code == 302


def test_posting_an_update_makes_an_open_edit_form_stale(client, make_user, make_action, sign_in, fixed_today):
    fixed_today(date(2024, 10, 1))
    owner = make_user("owner")
    action = make_action(owners=[owner], ref="1.1")
    opened_version = action.version
    sign_in(owner)
    assert client.post(f"/actions/{action.id}/update", data=_update()).status_code == 302
    client.post("/sign-out")
    sign_in(make_user("admin"))
    from tests.actions.test_actions import _form
    page = client.post(f"/actions/{action.id}/edit", data=_form(rag="red", version=str(opened_version)))
    assert page.status_code == 409
    assert "Someone else saved this action while you were editing it" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Action, action.id).rag == "green"


def _progress_audit(action_id: int) -> list[tuple[dict, str]]:
    from tracker.audit.models import AuditEvent

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "action",
                                                         AuditEvent.subject_id == action_id,
                                                         AuditEvent.verb == "progress update")
                                .order_by(AuditEvent.id)).all()
    return [(event.changes, event.summary) for event in events]


def test_the_audit_trail_records_what_each_update_replaced(client, make_user, make_action, sign_in, fixed_today):
    from tracker.actions.service import UpdateData, post_update

    owner = make_user("owner")
    action = make_action(owners=[owner], by_when="Mar 2025")
    sign_in(owner)
    fixed_today(date(2024, 10, 1))
    assert client.post(f"/actions/{action.id}/update", data=_update()).status_code == 302
    fixed_today(date(2024, 11, 1))
    assert client.post(f"/actions/{action.id}/update",
                       data=_update(rag="amber", rag_reason="Two recruiting managers have not started")).status_code == 302
    fixed_today(date(2024, 12, 1))
    assert client.post(f"/actions/{action.id}/update", data=_update(rag="amber", narrative="No change.",
                                                                      rag_reason="Still waiting")).status_code == 302
    post_update(db.session.get(Action, action.id), UpdateData("COMPLETED", "blue", "Backfilled from the old log.",
                                                              as_at=date(2024, 9, 1)), owner, historical=True)
    db.session.commit()

    audit = _progress_audit(action.id)
    assert [changes for changes, _summary in audit] == [
        {"status": [None, "PROGRESS MADE"], "rag": [None, "green"]},
        {"rag": ["green", "amber"]},
        {},
        {},
    ]
    assert "dated before the latest, so the action keeps its rating" in audit[3][1]
    assert "dated before" not in audit[2][1]
    assert (db.session.get(Action, action.id).status, db.session.get(Action, action.id).rag) == ("PROGRESS MADE", "amber")
    client.post("/sign-out")
    sign_in(make_user("reviewer"))
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "<strong>RAG</strong>: Green → Amber" in page and "<strong>RAG</strong>: Not rated → Green" in page
    assert "<strong>status</strong>: — → PROGRESS MADE" in page and page.count("<strong>status</strong>") == 1
