"""`flask reminders run --today …` end to end, with a real SMTP server receiving the emails."""
from datetime import date

from reminder_support import BASE_URL, SENDER
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.reminders.models import OutboxMessage, ReminderItem, ReminderRun, ReminderSettings

TUESDAY = date(2024, 12, 17)   # 14 days before 31 December 2024


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def weekly_on(day: date) -> None:
    """Weekly reminders and the digest go on `day`'s day of the week."""
    db.session.add(ReminderSettings(weekly_day=day.weekday()))
    db.session.commit()


def test_deadline_reminder_is_one_multipart_email_with_links_from_base_url(smtp, world, make_action, run_cli):
    action = make_action(world.plan, "1.1", owners=[world.ama], by_when="31/12/2024")
    output = run_cli(TUESDAY)
    [email] = smtp.to("ama@example.org")
    assert email.subject == "WRES action plan: 1 action due soon"
    assert email.message["From"] == SENDER
    assert email.message["To"] == "Ama Owusu <ama@example.org>"
    assert email.message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in email.message.iter_parts()] == ["text/plain", "text/html"]
    update_link = f"{BASE_URL}/actions/{action.id}/update"
    assert ("- WRES action 1.1 (2024-25): Develop an inclusive recruitment toolkit\n"
            "  Due on 31 December 2024: 14 days to go.\n"
            f"  Post an update: {update_link}\n") in email.text
    assert f'<a href="{update_link}" style="color:#005eb8">Post an update on action 1.1</a>' in email.html
    assert f"{BASE_URL}/reminders/preferences" in email.text
    assert "Queued for Ama Owusu <ama@example.org>:\n  due soon: WRES 1.1 (2024-25)\n" in output
    assert "Sent to Ama Owusu <ama@example.org>: WRES action plan: 1 action due soon" in output


def test_deadline_reminder_not_sent_on_other_days(smtp, world, make_action, run_cli):
    make_action(world.plan, "1.1", owners=[world.ama], by_when="31/12/2024")
    for day in (date(2024, 12, 16), date(2024, 12, 27)):
        run_cli(day)
    assert smtp.to("ama@example.org") == []


def test_deadline_reached_on_a_day_without_a_run_is_caught_up_once(smtp, world, make_action, run_cli):
    make_action(world.plan, "1.1", owners=[world.ama], by_when="31/12/2024")
    run_cli(date(2024, 12, 16))
    run_cli(date(2024, 12, 18))
    run_cli(date(2024, 12, 19))
    [email] = smtp.to("ama@example.org")
    assert "Due on 31 December 2024: 13 days to go" in email.text


def test_one_email_per_person_groups_every_due_item(smtp, world, make_action, make_forum, add_meeting, run_cli):
    weekly_on(TUESDAY)
    council = make_forum("Inclusion Council")
    make_action(world.plan, "1.1", owners=[world.ama], by_when="31/12/2024", forums=[council])
    make_action(world.plan, "1.2", owners=[world.ama], by_when="30/11/2024")
    make_action(world.plan, "1.3", owners=[world.ama, world.ben], by_when="01/12/2024", forums=[council])
    add_meeting(council, date(2024, 12, 27))
    output = run_cli(TUESDAY)
    [email] = smtp.to("ama@example.org")
    assert email.subject == ("WRES action plan: update your actions before the Inclusion Council on 27 December "
                             "2024; 2 actions overdue; 1 action due soon")
    text = email.text
    assert text.index("Update your actions before the Inclusion Council on 27 December 2024\n---") \
        < text.index("Overdue actions\n---") < text.index("Action due soon\n---")
    assert "Was due on 30 November 2024: 17 days overdue" in text
    [ben_email] = smtp.to("ben@example.org")
    assert ben_email.subject == ("WRES action plan: update your actions before the Inclusion Council on 27 December "
                                 "2024; 1 action overdue")
    assert ("Queued for Ama Owusu <ama@example.org>:\n"
            "  update request for the Inclusion Council on 27 December 2024: WRES 1.1 (2024-25), WRES 1.3 (2024-25)\n"
            "  overdue: WRES 1.2 (2024-25), WRES 1.3 (2024-25)\n"
            "  due soon: WRES 1.1 (2024-25)\n") in output
    assert count(OutboxMessage) == 3  # Ama, Ben and the EDI lead's digest


def test_running_twice_the_same_day_sends_nothing_twice(smtp, world, make_action, run_cli):
    weekly_on(TUESDAY)
    make_action(world.plan, "1.1", owners=[world.ama], by_when="31/12/2024")
    make_action(world.plan, "1.2", owners=[world.ama], by_when="30/11/2024")
    run_cli(TUESDAY)
    before = (len(smtp.received), count(OutboxMessage), count(ReminderItem))
    output = run_cli(TUESDAY)
    assert "Nothing new to queue." in output and "Sent 0, will retry 0, failed 0." in output
    assert (len(smtp.received), count(OutboxMessage), count(ReminderItem)) == before
    run_cli(date(2024, 12, 18))
    assert len(smtp.to("ama@example.org")) == 1  # overdue is weekly: not again in the same week
    run_cli(date(2024, 12, 23))
    assert len(smtp.to("ama@example.org")) == 1
    run_cli(date(2024, 12, 24))
    assert [e.subject for e in smtp.to("ama@example.org")] == [
        "WRES action plan: 1 action overdue; 1 action due soon", "WRES action plan: 1 action overdue"]


def test_the_edi_lead_is_copied_after_30_days_overdue(smtp, world, make_action, make_user, run_cli):
    weekly_on(TUESDAY)
    make_user("admin", name="Old Lead", email="old@example.org", active=False)
    make_action(world.plan, "1.1", owners=[world.ama], by_when="16/11/2024")
    make_action(world.plan, "1.2", owners=[world.ben], by_when="18/11/2024")
    run_cli(TUESDAY)
    [ama] = smtp.to("ama@example.org")
    assert ama.message["Cc"] == "Lesley Lead <lead@example.org>"
    assert sorted(ama.rcpt_tos) == ["ama@example.org", "lead@example.org"]
    assert "Lesley Lead is copied on this email because an action has been overdue for 30 days or more." in ama.text
    [ben] = smtp.to("ben@example.org")
    assert ben.message["Cc"] is None and ben.rcpt_tos == ["ben@example.org"]
    assert smtp.to("old@example.org") == []


def test_inactive_owners_and_owners_without_email_get_nothing_and_are_flagged_in_the_digest(
        smtp, world, make_action, run_cli):
    weekly_on(TUESDAY)
    make_action(world.plan, "1.1", owners=[world.gone], by_when="30/11/2024")
    make_action(world.plan, "1.2", owners=[world.no_email], by_when="30/11/2024")
    make_action(world.plan, "1.3", owners=[], by_when="31/12/2024")
    run_cli(TUESDAY)
    assert smtp.to("gone@example.org") == []
    assert [r.rcpt_tos for r in smtp.received] == [["lead@example.org"]]
    digest = smtp.received[0].text
    assert "Overdue (2)" in digest
    assert "  Owner: Gone Person (owner inactive).\n" in digest
    assert "  Owner: No Email (owner has no email).\n" in digest
    assert "Owners who cannot be reminded (3)" in digest
    assert "  No owner.\n" in digest


def test_dry_run_prints_but_sends_and_records_nothing(smtp, world, make_action, run_cli):
    make_action(world.plan, "1.1", owners=[world.ama], by_when="31/12/2024")
    output = run_cli(TUESDAY, "--dry-run")
    assert output.startswith("Reminders for Tuesday 17 December 2024 (dry run: nothing is sent or recorded)\n")
    assert "Would queue for Ama Owusu <ama@example.org>:\n  due soon: WRES 1.1 (2024-25)\n" in output
    assert "Sent" not in output
    assert smtp.received == []
    assert (count(OutboxMessage), count(ReminderItem), count(ReminderRun)) == (0, 0, 0)
    run_cli(TUESDAY)
    assert len(smtp.to("ama@example.org")) == 1


def test_weekly_delivery_holds_reminders_until_the_weekly_day(smtp, world, make_action, run_cli):
    weekly_on(date(2024, 12, 19))   # Thursday
    world.ama.reminder_delivery = "digest"
    db.session.commit()
    make_action(world.plan, "1.1", owners=[world.ama, world.ben], by_when="31/12/2024")
    output = run_cli(TUESDAY)
    assert "Held for the weekly email of Ama Owusu <ama@example.org>:\n  due soon: WRES 1.1 (2024-25)\n" in output
    assert smtp.to("ama@example.org") == [] and len(smtp.to("ben@example.org")) == 1
    run_cli(date(2024, 12, 18))
    assert smtp.to("ama@example.org") == []
    output = run_cli(date(2024, 12, 19))
    [weekly] = smtp.to("ama@example.org")
    assert weekly.subject == "WRES action plan: 1 action due soon"
    assert "Due on 31 December 2024: 12 days to go." in weekly.text   # counted from the day it is sent
    assert "Queued for Ama Owusu <ama@example.org>:\n  due soon: WRES 1.1 (2024-25)\n" in output
    run_cli(date(2024, 12, 20))
    assert len(smtp.to("ama@example.org")) == 1
    assert db.session.scalar(select(func.count()).select_from(ReminderItem)
                             .where(ReminderItem.released_on.is_(None))) == 0


def test_update_request_then_nudge_only_for_actions_not_updated(smtp, world, make_action, make_forum, add_meeting,
                                                                  run_cli):
    from tracker.actions.service import UpdateData, post_update

    council = make_forum("Inclusion Council")
    first = make_action(world.plan, "1.1", owners=[world.ama], by_when="31/03/2025", forums=[council])
    second = make_action(world.plan, "1.2", owners=[world.ama], by_when="31/03/2025", forums=[council])
    make_action(world.plan, "1.3", owners=[world.ama], by_when="31/03/2025")
    add_meeting(council, date(2024, 11, 14))
    run_cli(date(2024, 11, 3))
    assert smtp.to("ama@example.org") == []
    run_cli(date(2024, 11, 4))
    [request] = smtp.to("ama@example.org")
    assert request.subject == "WRES action plan: update your actions before the Inclusion Council on 14 November 2024"
    assert f"Post an update: {BASE_URL}/actions/{first.id}/update" in request.text
    assert f"Post an update: {BASE_URL}/actions/{second.id}/update" in request.text
    assert "1.3" not in request.text
    post_update(first, UpdateData(status="PROGRESS MADE", rag="green", narrative="Toolkit drafted"), world.ama,
                today=date(2024, 11, 6))
    db.session.commit()
    run_cli(date(2024, 11, 10))
    assert len(smtp.to("ama@example.org")) == 1
    output = run_cli(date(2024, 11, 11))
    nudge = smtp.to("ama@example.org")[1]
    assert nudge.subject == ("WRES action plan: reminder to update your actions before the Inclusion Council on "
                             "14 November 2024")
    assert f"{BASE_URL}/actions/{second.id}/update" in nudge.text
    assert f"{BASE_URL}/actions/{first.id}/update" not in nudge.text
    assert "second nudge for the Inclusion Council on 14 November 2024: WRES 1.2 (2024-25)" in output


def test_digest_lists_updates_posted_since_the_last_digest(smtp, world, make_action, fixed_today, run_cli):
    from tracker.actions.service import UpdateData, post_update

    action = make_action(world.plan, "1.1", owners=[world.ama], by_when="31/03/2025")
    fixed_today(date(2024, 11, 1))
    post_update(action, UpdateData(status="PROGRESS MADE", rag="green", narrative="Before the first digest"),
                world.ama)
    db.session.commit()
    fixed_today(date(2024, 11, 4))
    run_cli(date(2024, 11, 4))
    fixed_today(date(2024, 11, 6))
    post_update(action, UpdateData(status="ON TRACK", rag="green", narrative="Panel members trained"), world.ama)
    db.session.commit()
    fixed_today(date(2024, 11, 11))
    run_cli(date(2024, 11, 11))
    first, second = smtp.to("lead@example.org")
    assert first.subject == "WRES action plan: weekly digest, 4 November 2024"
    assert second.subject == "WRES action plan: weekly digest, 11 November 2024"
    assert "Progress updates since 28 October 2024 (1)" in first.text and "Before the first digest" in first.text
    assert "Progress updates since 4 November 2024 (1)" in second.text
    assert ("- WRES action 1.1 (2024-25), updated by Ama Owusu on 6 November 2024. Status: ON TRACK. RAG: Green.\n"
            "  Panel members trained\n") in second.text
    assert "Before the first digest" not in second.text


def test_digest_goes_to_reviewers_only_when_set(smtp, world, make_user, run_cli):
    make_user("reviewer", name="Rita Reviewer", email="rita@example.org")
    run_cli(date(2024, 11, 4))
    assert smtp.to("rita@example.org") == []
    db.session.add(ReminderSettings(digest_to_reviewers=True))
    db.session.commit()
    run_cli(date(2024, 11, 11))
    assert [e.subject for e in smtp.to("rita@example.org")] == ["WRES and WDES action plans: weekly digest, 11 November 2024"]


def test_actions_of_closed_plans_are_not_chased(smtp, world, make_action, make_plan, run_cli):
    closed = make_plan(year="2023-24")
    make_action(closed, "1.1", owners=[world.ama], by_when="31/12/2024")
    closed.status = "closed"
    db.session.commit()
    run_cli(TUESDAY)
    assert smtp.to("ama@example.org") == []


def test_turned_off_reminders_run_no_rule(smtp, world, make_action, run_cli):
    db.session.add(ReminderSettings(enabled=False))
    db.session.commit()
    make_action(world.plan, "1.1", owners=[world.ama], by_when="31/12/2024")
    output = run_cli(TUESDAY)
    assert "Reminders are turned off in the reminder settings: no rule was run." in output
    assert smtp.received == [] and count(ReminderItem) == 0


def test_bad_today_is_a_clear_message(runner):
    result = runner.invoke(args=["reminders", "run", "--today", "17/12/2024"])
    assert result.exit_code == 2
    assert "'17/12/2024' is not a date: write it as YYYY-MM-DD, like 2024-11-04" in result.output


def test_two_runs_racing_queue_each_reminder_once(smtp, world, make_action, run_cli, monkeypatch):
    from tracker.reminders import queries

    weekly_on(TUESDAY)
    make_action(world.plan, "1.1", owners=[world.ama], by_when="31/12/2024")
    run_cli(TUESDAY)
    monkeypatch.setattr(queries, "existing_keys", lambda keys: set())  # as if the other run had not committed yet
    output = run_cli(TUESDAY)
    assert "Skipped Ama Owusu <ama@example.org>: already queued by another run" in output
    assert len(smtp.to("ama@example.org")) == 1
    assert count(OutboxMessage) == 2  # Ama and the EDI lead's digest, once each


def test_action_text_is_escaped_in_the_html_part_only(smtp, world, make_action, run_cli):
    make_action(world.plan, "1.1", owners=[world.ama], by_when="31/12/2024", text="Panels <b>& shortlisting</b>")
    run_cli(TUESDAY)
    [email] = smtp.to("ama@example.org")
    assert "Panels &lt;b&gt;&amp; shortlisting&lt;/b&gt;" in email.html
    assert "- WRES action 1.1 (2024-25): Panels <b>& shortlisting</b>\n" in email.text


def test_co_owners_who_cannot_be_reminded_are_flagged_to_the_edi_lead_not_the_owner(smtp, world, make_action, run_cli):
    weekly_on(TUESDAY)
    make_action(world.plan, "1.1", owners=[world.ama, world.gone], by_when="30/11/2024")
    run_cli(TUESDAY)
    [ama] = smtp.to("ama@example.org")
    assert "  Owners: Ama Owusu and Gone Person.\n" in ama.text and "inactive" not in ama.text + ama.html
    [lead] = smtp.to("lead@example.org")
    assert "  Owners: Ama Owusu and Gone Person (owner inactive).\n" in lead.text
    assert "<strong>Owner inactive</strong>" in lead.html


def test_the_forums_comment_on_an_action_is_shown_in_its_reminder(smtp, world, make_action, run_cli, monkeypatch):
    from tracker.reminders import queries

    action = make_action(world.plan, "1.1", owners=[world.ama], by_when="31/12/2024")
    monkeypatch.setattr(queries, "latest_forum_comments",
                        lambda ids: {action.id: "Add evidence of panel diversity"} if action.id in ids else {})
    run_cli(TUESDAY)
    [email] = smtp.to("ama@example.org")
    assert ("  Due on 31 December 2024: 14 days to go.\n  Forum comment: Add evidence of panel diversity\n"
            "  Post an update:") in email.text
    assert "<br>Forum comment: Add evidence of panel diversity" in email.html
