"""Reminders and calendar entries name the kind of plan each action is in: WRES, WDES or combined EDI."""
from datetime import date, datetime

from reminder_support import BASE_URL, assert_reads_like_a_person

from tests.support import counting_queries
from tracker.extensions import db
from tracker.reminders.feed import feed_for
from tracker.reminders.payload import from_payload
from tracker.reminders.render import render_email

MONDAY = date(2025, 3, 17)   # 31 March 2025 is 14 days away


def _wdes_plan(make_plan):
    return make_plan(year="2024-25", title="WDES action plan 2024-25", standard="wdes",
                     themes=("Disabled staff's experience",))


def test_a_wdes_actions_reminder_says_wdes_in_its_subject_and_its_line(smtp, world, trust, make_plan, make_action,
                                                                        run_on):
    action = make_action(_wdes_plan(make_plan), "D1.2", owners=[world.ama], by_when="31/03/2025",
                         text="Run reasonable adjustment passport training")
    run_on(MONDAY)
    [email] = smtp.to("ama@example.org")
    assert email.subject == "WDES action plan: 1 action due soon"
    assert ("- WDES action D1.2 (2024-25): Run reasonable adjustment passport training\n"
            "  Due on 31 March 2025: 14 days to go.\n"
            f"  Post an update: {BASE_URL}/actions/{action.id}/update\n") in email.text
    assert "<strong>WDES action D1.2</strong> (2024-25)" in email.html
    assert "WRES action" not in email.text and "WRES action plan:" not in email.html
    assert_reads_like_a_person(email.subject, email.text, email.html)


def test_a_recipient_with_actions_in_a_wres_and_a_wdes_plan_gets_the_services_name_in_the_subject(
        smtp, world, trust, make_plan, make_action, run_on):
    make_action(world.plan, "1.1", owners=[world.ama], by_when="31/03/2025")
    make_action(_wdes_plan(make_plan), "1.1", owners=[world.ama], by_when="31/03/2025",
                text="Run reasonable adjustment passport training")
    run_on(MONDAY)
    [email] = smtp.to("ama@example.org")
    assert email.subject == "WRES and WDES action plans: 2 actions due soon"
    assert "- WRES action 1.1 (2024-25): Develop an inclusive recruitment toolkit\n" in email.text
    assert "- WDES action 1.1 (2024-25): Run reasonable adjustment passport training\n" in email.text


def test_a_combined_plans_action_is_an_edi_action(smtp, world, trust, make_plan, make_action, run_on):
    combined = make_plan(year="2024-25", title="EDI action plan 2024-25", standard="combined")
    make_action(combined, "1.3", owners=[world.ben], by_when="31/03/2025")
    run_on(MONDAY)
    [email] = smtp.to("ben@example.org")
    assert email.subject == "EDI action plan: 1 action due soon"
    assert "- EDI action 1.3 (2024-25): Develop an inclusive recruitment toolkit\n" in email.text


def test_the_weekly_digest_names_each_updates_plan_kind(smtp, world, trust, make_plan, make_action, run_on,
                                                         fixed_today):
    from tracker.actions.service import UpdateData, post_update

    action = make_action(_wdes_plan(make_plan), "D1.2", owners=[world.ama], by_when="31/12/2025")
    fixed_today(date(2025, 3, 12))
    post_update(action, UpdateData(status="ON TRACK", rag="green", narrative="First session booked"), world.ama)
    db.session.commit()
    run_on(MONDAY)
    [digest] = smtp.to("lead@example.org")
    assert digest.subject == "WDES action plan: weekly digest, 17 March 2025"
    assert "- WDES action D1.2 (2024-25), updated by Ama Owusu on 12 March 2025." in digest.text


def test_an_item_queued_before_plans_had_kinds_reads_as_a_wres_action(app, trust):
    line = {"action_id": 7, "ref": "1.1", "text": "Develop a toolkit", "plan_year": "2024-25", "by_when": "31/03/2025",
            "due_on": "2025-03-31", "status": None, "rag": None, "note": "Due on 31 March 2025: 14 days to go",
            "owners": "Ama Owusu", "flags": [], "forum_comment": None}
    item = from_payload({"rule": "deadline", "recipient_id": 1, "key": "deadline:action7:14", "lines": [line]})
    assert item.lines[0].plan_standard == "wres"
    with app.test_request_context():
        email = render_email("Ama Owusu", [item], base_url=BASE_URL, trust_name=trust, today=MONDAY)
    assert email.subject == "WRES action plan: 1 action due soon"
    assert "- WRES action 1.1 (2024-25): Develop a toolkit\n" in email.text


def test_calendar_entries_name_the_actions_plan_kind(client, smtp, world, make_plan, make_action, sign_in, fixed_today):
    wdes = make_action(_wdes_plan(make_plan), "D1.2", owners=[world.ama], by_when="31/12/2024")
    combined = make_action(make_plan(year="2024-25", title="EDI action plan", standard="combined"), "1.3",
                           owners=[world.ama], by_when="31/01/2025")
    wres = make_action(world.plan, "1.3", owners=[world.ama], by_when="28/02/2025")
    sign_in(world.ama)
    client.post("/reminders/preferences/calendar")
    fixed_today(date(2024, 11, 4))
    feed = client.get(f"/reminders/calendar/{world.ama.calendar_token}.ics").get_data(as_text=True)
    summaries = [line for line in feed.split("\r\n") if line.startswith(("SUMMARY:", "UID:action-"))]
    assert summaries == [f"UID:action-{wdes.id}@wres.example.nhs.uk", "SUMMARY:WDES action D1.2 due",
                         f"UID:action-{combined.id}@wres.example.nhs.uk", "SUMMARY:EDI action 1.3 due",
                         f"UID:action-{wres.id}@wres.example.nhs.uk", "SUMMARY:WRES action 1.3 due"]
    assert "X-WR-CALNAME:WRES and WDES actions: Ama Owusu" in feed
    assert "PRODID:-//WRES and WDES action plan tracker//Calendar feed//EN" in feed


def test_naming_the_plan_kind_costs_no_query_per_action(app, world, make_plan, make_action):
    wdes_plan = _wdes_plan(make_plan)
    make_action(wdes_plan, "D1.1", owners=[world.ama], by_when="31/12/2024")
    db.session.expire_all()
    with counting_queries() as one:
        feed_for(world.ama, BASE_URL, datetime(2024, 11, 4, 9))
    for n in range(2, 6):
        make_action(wdes_plan if n % 2 else world.plan, f"D1.{n}", owners=[world.ama], by_when="31/12/2024")
    db.session.expire_all()
    with counting_queries() as five:
        feed = feed_for(world.ama, BASE_URL, datetime(2024, 11, 4, 9))
    assert feed.count("SUMMARY:WDES action") == 3 and feed.count("SUMMARY:WRES action") == 2
    assert five[0] == one[0]
