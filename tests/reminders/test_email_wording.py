"""Reminder emails as a person reads them: received by a real SMTP server, compared word for word."""
import subprocess
import sys
from datetime import date, datetime, time
from pathlib import Path

import pytest
from reminder_support import BASE_URL, FOOTER, SENDER, assert_reads_like_a_person, post

from tracker.extensions import db
from tracker.reminders.mail import default_sender
from tracker.reminders.models import ReminderSettings

MONDAY = date(2025, 3, 17)   # the weekly day (Monday by default); 31 March 2025 is 14 days away
ROOT = Path(__file__).resolve().parents[2]
def test_a_deadline_email_word_for_word(smtp, world, trust, make_action, shape, run_on):
    first = make_action(world.plan, "1.1", owners=[world.ama], by_when="31/03/2025")
    shared = shape(make_action(world.plan, "1.2", owners=[world.ama, world.ben], by_when="31/03/2025",
                               text="Publish the shortlisting guidance"), status="PROGRESS MADE", rag="amber")
    run_on(MONDAY)
    [email] = smtp.to("ama@example.org")
    assert email.subject == "WRES action plan: 2 actions due soon"
    assert email.text == (
        "Dear Ama Owusu,\n"
        "\n"
        "Actions due soon\n"
        "----------------\n"
        "\n"
        "These actions are due soon. Post an update when you have made progress, or mark them achieved.\n"
        "\n"
        "- WRES action 1.1 (2024-25): Develop an inclusive recruitment toolkit\n"
        "  Due on 31 March 2025: 14 days to go.\n"
        f"  Post an update: {BASE_URL}/actions/{first.id}/update\n"
        "- WRES action 1.2 (2024-25): Publish the shortlisting guidance\n"
        "  Due on 31 March 2025: 14 days to go. Status: PROGRESS MADE. RAG: Amber.\n"
        "  Owners: Ama Owusu and Ben Cole.\n"
        f"  Post an update: {BASE_URL}/actions/{shared.id}/update\n"
        "\n" + FOOTER)
    assert ("<strong>WRES action 1.1</strong> (2024-25): Develop an inclusive recruitment toolkit<br>"
            "Due on 31 March 2025: 14 days to go.\n") in email.html
    assert "<br>Due on 31 March 2025: 14 days to go. Status: PROGRESS MADE. RAG: Amber.<br>" in email.html
    assert "<title>WRES action plan: 2 actions due soon</title>" in email.html
    assert_reads_like_a_person(email.subject, email.text, email.html)


def test_an_update_request_keeps_the_capital_of_the_month(smtp, world, trust, make_action, make_forum, add_meeting,
                                                           shape, run_on):
    council = make_forum("Inclusion Council")
    toolkit = make_action(world.plan, "1.1", owners=[world.ama], by_when="30/04/2025", forums=[council])
    network = shape(make_action(world.plan, "2.1", owners=[world.ama], by_when="Ongoing", forums=[council],
                                text="Support the staff network"), updated_on=date(2025, 3, 3))
    add_meeting(council, date(2025, 3, 27))
    run_on(MONDAY)
    [email] = smtp.to("ama@example.org")
    assert email.subject == "WRES action plan: update your actions before the Inclusion Council on 27 March 2025"
    assert email.text == (
        "Dear Ama Owusu,\n"
        "\n"
        "Update your actions before the Inclusion Council on 27 March 2025\n"
        "-----------------------------------------------------------------\n"
        "\n"
        "The Inclusion Council meets on 27 March 2025 and will review these actions. Please post a progress "
        "update on each one before then.\n"
        "\n"
        "- WRES action 1.1 (2024-25): Develop an inclusive recruitment toolkit\n"
        "  Due on 30 April 2025; no progress update yet.\n"
        f"  Post an update: {BASE_URL}/actions/{toolkit.id}/update\n"
        "- WRES action 2.1 (2024-25): Support the staff network\n"
        "  By when: Ongoing; last updated on 3 March 2025.\n"
        f"  Post an update: {BASE_URL}/actions/{network.id}/update\n"
        "\n" + FOOTER)
    assert_reads_like_a_person(email.subject, email.text, email.html)


def test_an_overdue_email_says_who_is_copied_and_why(smtp, world, trust, make_action, run_on):
    late = make_action(world.plan, "1.1", owners=[world.ama], by_when="14/02/2025")
    run_on(MONDAY)
    [email] = smtp.to("ama@example.org")
    assert email.message["Cc"] == "Lesley Lead <lead@example.org>"
    assert sorted(email.rcpt_tos) == ["ama@example.org", "lead@example.org"]
    assert email.subject == "WRES action plan: 1 action overdue"
    assert email.text == (
        "Dear Ama Owusu,\n"
        "\n"
        "Lesley Lead is copied on this email because an action has been overdue for 30 days or more.\n"
        "\n"
        "Overdue action\n"
        "--------------\n"
        "\n"
        "This action is past its due date. Post an update saying where it is, or ask the EDI lead to agree a "
        "new date.\n"
        "\n"
        "- WRES action 1.1 (2024-25): Develop an inclusive recruitment toolkit\n"
        "  Was due on 14 February 2025: 31 days overdue.\n"
        f"  Post an update: {BASE_URL}/actions/{late.id}/update\n"
        "\n" + FOOTER)
    assert ("<p>Lesley Lead is copied on this email because an action has been overdue for 30 days or more.</p>"
            in email.html)


def test_the_edi_leads_own_email_never_says_she_is_copied(smtp, world, trust, make_action, run_on):
    own = make_action(world.plan, "1.1", owners=[world.lead], by_when="14/02/2025")
    make_action(world.plan, "1.2", owners=[world.ama], by_when="14/02/2025")
    run_on(MONDAY)
    [lead] = smtp.addressed_to("lead@example.org")
    assert [r.rcpt_tos for r in smtp.received if "lead@example.org" in r.rcpt_tos] == [
        ["lead@example.org"], ["ama@example.org", "lead@example.org"]]
    assert lead.message["To"] == "Lesley Lead <lead@example.org>" and lead.message["Cc"] is None
    assert lead.subject == "WRES action plan: 1 action overdue; weekly digest, 17 March 2025"
    assert "copied" not in lead.text + lead.html
    assert lead.text.startswith(
        "Dear Lesley Lead,\n"
        "\n"
        "Overdue action\n"
        "--------------\n"
        "\n"
        "This action is past its due date. Post an update saying where it is, or ask the EDI lead to agree a "
        "new date.\n"
        "\n"
        "- WRES action 1.1 (2024-25): Develop an inclusive recruitment toolkit\n"
        "  Was due on 14 February 2025: 31 days overdue.\n"
        f"  Post an update: {BASE_URL}/actions/{own.id}/update\n"
        "\n"
        "Weekly digest, 17 March 2025\n"
        "----------------------------\n")
    [ama] = smtp.to("ama@example.org")
    assert ama.message["Cc"] == "Lesley Lead <lead@example.org>"
    assert "\nLesley Lead is copied on this email because an action has been overdue for 30 days or more.\n" \
        in ama.text


def test_with_two_admins_the_edi_lead_is_told_only_about_the_other_one(smtp, world, trust, make_user, make_action,
                                                                       run_on):
    make_user("admin", name="Sam Second", email="sam@example.org")
    make_action(world.plan, "1.1", owners=[world.lead], by_when="14/02/2025")
    run_on(MONDAY)
    [lead] = smtp.addressed_to("lead@example.org")
    assert lead.message["Cc"] == "Sam Second <sam@example.org>"
    assert "\nSam Second is copied on this email because an action has been overdue for 30 days or more.\n" \
        in lead.text
    assert "Lesley Lead is copied" not in lead.text
    [sam] = smtp.addressed_to("sam@example.org")
    assert sam.subject == "WRES action plan: weekly digest, 17 March 2025"
    assert "copied" not in sam.text + sam.html


def test_a_weekly_digest_word_for_word(smtp, world, trust, make_action, shape, run_on):
    late = make_action(world.plan, "1.1", owners=[world.ben], by_when="14/02/2025")
    updated = make_action(world.plan, "1.2", owners=[world.ama], by_when="30/06/2025", text="Train panel members")
    red = shape(make_action(world.plan, "1.3", owners=[world.gone], by_when="Q1 2025-26", text="Review exit data"),
                rag="red", updated_on=date(2025, 3, 3))
    post(updated, world.ama, status=None, rag=None, narrative="First session booked",
         at=datetime(2025, 3, 12, 23, 30))
    post(updated, world.ama, status="PROGRESS MADE", rag="green", narrative="Two sessions held",
         at=datetime(2025, 3, 14, 10))
    run_on(MONDAY)
    [digest] = smtp.addressed_to("lead@example.org")
    assert digest.subject == "WRES action plan: weekly digest, 17 March 2025"
    assert digest.text == (
        "Dear Lesley Lead,\n"
        "\n"
        "Weekly digest, 17 March 2025\n"
        "----------------------------\n"
        "\n"
        "Overdue, Red and stale actions are listed once each, under the first heading that applies.\n"
        "\n"
        "Overdue (1)\n"
        "- WRES action 1.1 (2024-25): Develop an inclusive recruitment toolkit\n"
        "  Was due on 14 February 2025: 31 days overdue.\n"
        "  Owner: Ben Cole.\n"
        f"  See the action: {BASE_URL}/actions/{late.id}\n"
        "\n"
        "Red, not overdue (1)\n"
        "- WRES action 1.3 (2024-25): Review exit data\n"
        "  Due on 30 June 2025. RAG: Red.\n"
        "  Owner: Gone Person (owner inactive).\n"
        f"  See the action: {BASE_URL}/actions/{red.id}\n"
        "\n"
        "Stale: no progress update for a while (0)\n"
        "Every other open action has had a recent progress update.\n"
        "\n"
        "Owners who cannot be reminded (1)\n"
        "- WRES action 1.3 (2024-25): Review exit data\n"
        "  Due on 30 June 2025. RAG: Red.\n"
        "  Owner: Gone Person (owner inactive).\n"
        f"  See the action: {BASE_URL}/actions/{red.id}\n"
        "\n"
        "Progress updates since 10 March 2025 (2)\n"
        "- WRES action 1.2 (2024-25), updated by Ama Owusu on 14 March 2025. Status: PROGRESS MADE. RAG: Green.\n"
        "  Two sessions held\n"
        f"  See the action: {BASE_URL}/actions/{updated.id}\n"
        "- WRES action 1.2 (2024-25), updated by Ama Owusu on 12 March 2025.\n"
        "  First session booked\n"
        f"  See the action: {BASE_URL}/actions/{updated.id}\n"
        "\n" + FOOTER)
    assert "<p>Every other open action has had a recent progress update.</p>" in digest.html
    assert_reads_like_a_person(digest.subject, digest.text, digest.html)


def test_an_empty_digest_says_so_in_sentences(smtp, world, trust, run_on):
    run_on(MONDAY)
    [digest] = smtp.to("lead@example.org")
    assert digest.text.endswith(
        "Overdue (0)\nNo open action is overdue.\n\n"
        "Red, not overdue (0)\nNo other open action is rated Red.\n\n"
        "Stale: no progress update for a while (0)\nEvery other open action has had a recent progress update.\n\n"
        "Owners who cannot be reminded (0)\nEvery open action has an owner who can be reminded.\n\n"
        "Progress updates since 10 March 2025 (0)\nNobody has posted a progress update since then.\n\n" + FOOTER)
    assert "None" not in digest.text + digest.html


def test_the_sender_is_mail_default_sender_when_it_is_set(smtp, world, trust, make_action, run_on):
    make_action(world.plan, "1.1", owners=[world.ama], by_when="31/03/2025")
    run_on(MONDAY)
    [email] = smtp.to("ama@example.org")
    assert email.message["From"] == SENDER and email.mail_from == "wres@trust.example"
    assert email.message["Message-ID"].endswith("@trust.example>")


def test_without_mail_default_sender_the_trust_signs_from_the_host_people_use(smtp, app, world, trust, make_action,
                                                                              run_on, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", None)
    make_action(world.plan, "1.1", owners=[world.ama], by_when="31/03/2025")
    run_on(MONDAY)
    [email] = smtp.to("ama@example.org")
    assert email.message["From"] == ("North Staffordshire Combined Healthcare NHS Trust WRES and WDES tracker "
                                     "<wres-tracker@wres.example.nhs.uk>")
    assert email.mail_from == "wres-tracker@wres.example.nhs.uk"
    assert email.message["Message-ID"].endswith("@wres.example.nhs.uk>")


def test_the_default_sender_is_a_valid_address_for_any_base_url():
    assert default_sender("Leeds and York Partnership NHS Foundation Trust", "https://wres.lypft.nhs.uk/") == (
        "Leeds and York Partnership NHS Foundation Trust WRES and WDES tracker <wres-tracker@wres.lypft.nhs.uk>")
    assert default_sender("Barts Health NHS Trust, London", "https://wres.example.nhs.uk:8443") == (
        '"Barts Health NHS Trust, London WRES and WDES tracker" <wres-tracker@wres.example.nhs.uk>')
    assert default_sender("", "http://127.0.0.1:5000") == "WRES and WDES tracker <wres-tracker@localhost>"
    assert default_sender("NHS Trust", "http://[::1]:5000") == "NHS Trust WRES and WDES tracker <wres-tracker@localhost>"
    assert default_sender("NHS Trust", "") == "NHS Trust WRES and WDES tracker <wres-tracker@localhost>"


@pytest.mark.parametrize("value,expected", [(None, None), ("", None), ("  ", None),
                                            ("WRES <wres@trust.nhs.uk>", "WRES <wres@trust.nhs.uk>")])
def test_mail_default_sender_not_set_is_none_in_the_configuration(value, expected):
    env = {"PATH": "", "PYTHONPATH": str(ROOT)} | ({"MAIL_DEFAULT_SENDER": value} if value is not None else {})
    result = subprocess.run([sys.executable, "-c", "import config; print(repr(config.Config.MAIL_DEFAULT_SENDER))"],
                            cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == repr(expected)


def test_the_date_header_is_uk_time(smtp, world, make_action, run_cli, fixed_today, monkeypatch):
    import tracker.clock as clock

    make_action(world.plan, "1.1", owners=[world.ama], by_when="16/06/2025")
    db.session.add(ReminderSettings(weekly_day=1))
    db.session.commit()
    fixed_today(date(2025, 6, 2))
    monkeypatch.setattr(clock, "utcnow", lambda: datetime.combine(date(2025, 6, 1), time(23, 30)))
    run_cli(date(2025, 6, 2))
    [email] = smtp.to("ama@example.org")
    assert email.message["Date"] == "Mon, 02 Jun 2025 00:30:00 +0100"
