"""A plan's kind (WRES, WDES or combined EDI plan): choosing it, changing it only when its actions allow, its
audit, the pages that show it, and rollover carrying it and each action's measures and high impact actions."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from tracker.actions.models import Action
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.plans import rollover
from tracker.plans.models import Plan
from tracker.plans.rollover import CarryRow, RolloverProblems
from tracker.plans.service import PlanData, create_plan


def _plan_form(**overrides):
    data = {"year": "2024-25", "title": "Disability equality action plan 2024-25", "status": "draft",
            "approved_on": "", "approved_by": "0", "equality_objectives_key": "", "edi_goals_key": ""}
    data.update(overrides)
    return data


@pytest.fixture
def admin(make_user, sign_in):
    user = make_user("admin", name="Edi Lead")
    sign_in(user)
    return user


def test_the_plan_form_offers_the_three_kinds_with_wres_chosen_at_first(client, admin):
    page = client.get("/plans/new").get_data(as_text=True)
    assert "What kind of plan is it?" in page and "a combined EDI plan" in page
    assert re.findall(r'name="standard"[^>]*value="([^"]*)"', page) == ["wres", "wdes", "combined"]
    for label in ("WRES plan", "WDES plan", "Combined EDI plan (WRES and WDES)"):
        assert label in page
    checked = [tag for tag in re.findall(r'<input[^>]*name="standard"[^>]*>', page) if "checked" in tag]
    assert len(checked) == 1 and 'value="wres"' in checked[0]


@pytest.mark.parametrize("standard, label", [("wdes", "WDES plan"), ("combined", "Combined EDI plan (WRES and WDES)")])
def test_admin_creates_a_plan_of_each_kind_and_its_pages_say_which(client, admin, standard, label):
    assert client.post("/plans/new", data=_plan_form(standard=standard)).status_code == 302
    plan = db.session.scalar(select(Plan))
    assert (plan.standard, plan.standard_label) == (standard, label)
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_type == "plan",
                                                         AuditEvent.verb == "created"))
    assert created.changes["standard"] == [None, label]
    listing = client.get("/plans/").get_data(as_text=True)
    assert f'<strong class="nhsuk-tag nhsuk-tag--white">{label}</strong>' in listing
    assert f"2024-25 · Draft · {label}</span>" in client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert f"2024-25 · {label}</span>" in client.get(f"/plans/{plan.id}/overview").get_data(as_text=True)


def test_an_unknown_kind_is_refused_on_the_field(client, admin):
    page = client.post("/plans/new", data=_plan_form(standard="wxes")).get_data(as_text=True)
    assert "There is a problem" in page and 'href="#standard"' in page
    assert "Choose whether it is a WRES plan, a WDES plan or a combined EDI plan" in page
    assert db.session.scalar(select(Plan)) is None


def test_changing_the_kind_is_refused_naming_the_actions_whose_measures_it_would_not_allow(
        client, admin, make_plan, make_action):
    plan = make_plan(standard="combined")
    make_action(plan, "2.1", measures=["wdes:4a_ii"])
    make_action(plan, "1.10", measures=["wres:2", "wdes:1"])
    make_action(plan, "1.2", measures=["wres:5"])
    make_action(plan, "1.3")
    page = client.post(f"/plans/{plan.id}/edit", data=_plan_form(
        title=plan.title, standard="wres", version=str(plan.version))).get_data(as_text=True)
    assert "There is a problem" in page and 'href="#standard"' in page
    assert ("The plan cannot become a WRES plan: actions 1.10, 2.1 link to WDES metrics, which it would not allow."
            in page)
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).standard == "combined"
    page = client.post(f"/plans/{plan.id}/edit", data=_plan_form(
        title=plan.title, standard="wdes", version=str(plan.version))).get_data(as_text=True)
    assert "The plan cannot become a WDES plan: actions 1.2, 1.10 link to WRES indicators" in page
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "plan",
                                                           AuditEvent.verb == "updated")).all()


def test_changing_the_kind_when_the_actions_allow_it_is_saved_and_audited(client, admin, make_plan, make_action):
    plan = make_plan(standard="wres")
    make_action(plan, "1.1", measures=["wres:2"], high_impact_actions=[2])
    assert client.post(f"/plans/{plan.id}/edit", data=_plan_form(
        title=plan.title, standard="combined", version=str(plan.version))).status_code == 302
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).standard == "combined"
    edited = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_type == "plan",
                                                        AuditEvent.verb == "updated"))
    assert edited.changes == {"standard": ["WRES plan", "Combined EDI plan (WRES and WDES)"]}
    edit_page = client.get(f"/plans/{plan.id}/edit").get_data(as_text=True)
    checked = [tag for tag in re.findall(r'<input[^>]*name="standard"[^>]*>', edit_page) if "checked" in tag]
    assert len(checked) == 1 and 'value="combined"' in checked[0]


# Rollover

@pytest.fixture
def wdes_plan(app, make_user, fixed_today):
    fixed_today(date(2025, 3, 20))
    owner = make_user("owner", name="Kerry Smith")
    plan = create_plan(PlanData(year="2024-25", title="Disability equality plan", status="approved",
                                standard="wdes"), None)
    from tracker.actions.service import ActionData, create_action

    for ref, measures, hias in (("1.1", ["wdes:4a_ii", "wdes:8"], [2, 6]), ("1.2", ["wdes:1"], [])):
        create_action(plan, ActionData(ref=ref, text=f"Action {ref}", owners=[owner], measures=measures,
                                       high_impact_actions=hias, by_when="Dec 2024"), None)
    db.session.commit()
    return plan


def _rows(plan: Plan, *refs: str) -> list[CarryRow]:
    return [rollover.suggested_row(db.session.scalar(select(Action).where(Action.plan_id == plan.id,
                                                                           Action.ref == ref))) for ref in refs]


def test_rollover_gives_the_new_plan_the_kind_and_each_copy_its_measures_and_high_impact_actions(
        wdes_plan, make_user):
    admin = make_user("admin")
    result = rollover.roll_over(wdes_plan, _rows(wdes_plan, "1.1", "1.2"), admin)
    db.session.commit()
    assert (result.target.year, result.target.standard) == ("2025-26", "wdes")
    copies = {copy.ref: copy for _origin, copy in result.carried}
    assert (copies["1.1"].measures, copies["1.1"].high_impact_actions) == (["wdes:4a_ii", "wdes:8"], [2, 6])
    assert (copies["1.2"].measures, copies["1.2"].high_impact_actions) == (["wdes:1"], [])
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == copies["1.1"].id,
                                                         AuditEvent.verb == "created"))
    assert created.changes["measures"] == [None, ["WDES 4a(ii)", "WDES 8"]]


def test_rollover_into_a_draft_of_a_kind_that_refuses_the_measures_copies_nothing(wdes_plan, make_user):
    admin = make_user("admin")
    draft = create_plan(PlanData(year="2025-26", title="WRES plan 2025-26", standard="wres"), None)
    db.session.commit()
    with pytest.raises(RolloverProblems) as refused:
        rollover.roll_over(wdes_plan, _rows(wdes_plan, "1.1", "1.2"), admin, target_id=draft.id)
    assert [(p.action_id, p.field) for p in refused.value.problems] == [(None, "target")]
    assert refused.value.problems[0].message.startswith(
        "The 2025-26 draft plan is a WRES plan, and actions 1.1, 1.2 link to measures it does not allow.")
    assert db.session.scalar(select(Action).where(Action.plan_id == draft.id)) is None


def test_rollover_into_a_combined_draft_keeps_every_measure(wdes_plan, make_user):
    admin = make_user("admin")
    draft = create_plan(PlanData(year="2025-26", title="EDI plan 2025-26", standard="combined"), None)
    db.session.commit()
    result = rollover.roll_over(wdes_plan, _rows(wdes_plan, "1.1"), admin, target_id=draft.id)
    assert result.carried[0][1].measures == ["wdes:4a_ii", "wdes:8"]


def test_deleting_a_draft_plan_removes_its_actions_measures_and_high_impact_actions(app, make_plan, make_action):
    from sqlalchemy import func

    from tracker.actions.models import ActionHighImpactAction, ActionMeasure
    from tracker.plans.service import delete_plan

    plan = make_plan(standard="combined")
    make_action(plan, "1.1", measures=["wres:2", "wdes:4a_ii"], high_impact_actions=[1, 2])
    delete_plan(plan, None)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ActionMeasure)) == 0
    assert db.session.scalar(select(func.count()).select_from(ActionHighImpactAction)) == 0
